import { NeuronI18n } from '../../i18n';
import {
  ParameterIssue,
  describeIssue,
  parseFormValue,
  toFormValue,
  validateForm
} from '../parameterForm';
import { detail, parameter } from './fixtures';

const integer = parameter({ name: 'epochs', minimum: 1, maximum: 100 });
const number = parameter({ name: 'learning_rate', type: 'number', minimum: 0 });
const list = parameter({
  name: 'batch_sizes',
  type: 'integer_list',
  minimum: 1
});
const text = parameter({ name: 'model_id', type: 'string' });
const flag = parameter({ name: 'smoke', type: 'boolean' });
const choice = parameter({ name: 'workers', choices: [1, 2, 8] });

function issueOf(result: ReturnType<typeof parseFormValue>): ParameterIssue {
  if (result.ok) {
    throw new Error(`Expected an issue, got ${JSON.stringify(result.value)}`);
  }
  return result.issue;
}

describe('toFormValue', () => {
  it('shows each type as the form edits it', () => {
    expect(toFormValue(integer, 8)).toBe('8');
    expect(toFormValue(number, 0.001)).toBe('0.001');
    expect(toFormValue(list, [1, 4])).toBe('1, 4');
    expect(toFormValue(text, 'cl-tohoku/bert')).toBe('cl-tohoku/bert');
    expect(toFormValue(flag, true)).toBe(true);
    expect(toFormValue(flag, false)).toBe(false);
    expect(toFormValue(integer, null)).toBe('');
  });

  it('round-trips through parseFormValue', () => {
    for (const [p, value] of [
      [integer, 8],
      [number, 0.001],
      [list, [1, 4]],
      [text, 'beans'],
      [flag, true],
      [choice, 2]
    ] as const) {
      expect(parseFormValue(p, toFormValue(p, value as any))).toEqual({
        ok: true,
        value
      });
    }
  });
});

describe('parseFormValue', () => {
  it('reads whole numbers, and only whole numbers, as integers', () => {
    expect(parseFormValue(integer, ' 12 ')).toEqual({ ok: true, value: 12 });
    expect(issueOf(parseFormValue(integer, '1.5'))).toEqual({
      code: 'integer'
    });
    expect(issueOf(parseFormValue(integer, 'eight'))).toEqual({
      code: 'integer'
    });
    expect(issueOf(parseFormValue(integer, '1e3'))).toEqual({
      code: 'integer'
    });
    expect(issueOf(parseFormValue(integer, ''))).toEqual({ code: 'required' });
  });

  it('accepts the full-width digits of Japanese input methods', () => {
    expect(parseFormValue(integer, '１２')).toEqual({ ok: true, value: 12 });
    expect(parseFormValue(number, '０．５')).toEqual({ ok: true, value: 0.5 });
    expect(parseFormValue(list, '１，４、８')).toEqual({
      ok: true,
      value: [1, 4, 8]
    });
  });

  it('checks the range of numbers', () => {
    expect(issueOf(parseFormValue(integer, '0'))).toEqual({
      code: 'minimum',
      limit: 1
    });
    expect(issueOf(parseFormValue(integer, '101'))).toEqual({
      code: 'maximum',
      limit: 100
    });
    expect(parseFormValue(integer, '100')).toEqual({ ok: true, value: 100 });
    expect(issueOf(parseFormValue(number, '-0.1'))).toEqual({
      code: 'minimum',
      limit: 0
    });
  });

  it('reads decimals and exponents as numbers', () => {
    expect(parseFormValue(number, '0.001')).toEqual({ ok: true, value: 0.001 });
    expect(parseFormValue(number, '1e-4')).toEqual({ ok: true, value: 0.0001 });
    expect(parseFormValue(number, '.5')).toEqual({ ok: true, value: 0.5 });
    expect(issueOf(parseFormValue(number, '1,5'))).toEqual({ code: 'number' });
    expect(issueOf(parseFormValue(number, 'Infinity'))).toEqual({
      code: 'number'
    });
  });

  it('reads integer lists separated by commas or spaces', () => {
    expect(parseFormValue(list, '1, 4 8')).toEqual({
      ok: true,
      value: [1, 4, 8]
    });
    expect(issueOf(parseFormValue(list, ' , '))).toEqual({
      code: 'empty_list'
    });
    expect(issueOf(parseFormValue(list, '1, two'))).toEqual({
      code: 'integer_list'
    });
    expect(issueOf(parseFormValue(list, '1, 0'))).toEqual({
      code: 'minimum',
      limit: 1
    });
  });

  it('trims strings and refuses empty ones', () => {
    expect(parseFormValue(text, '  beans ')).toEqual({
      ok: true,
      value: 'beans'
    });
    expect(issueOf(parseFormValue(text, '   '))).toEqual({ code: 'required' });
  });

  it('keeps booleans as booleans', () => {
    expect(parseFormValue(flag, false)).toEqual({ ok: true, value: false });
    expect(issueOf(parseFormValue(flag, 'yes'))).toEqual({ code: 'boolean' });
  });

  it('only accepts one of the choices', () => {
    expect(parseFormValue(choice, '8')).toEqual({ ok: true, value: 8 });
    expect(issueOf(parseFormValue(choice, '4'))).toEqual({
      code: 'choice',
      choices: '1, 2, 8'
    });
  });
});

describe('validateForm', () => {
  it('reads every value and reports every issue', () => {
    const { parameters } = detail();
    const result = validateForm(parameters, {
      epochs: '0',
      learning_rate: 'fast',
      workers: '2'
    });
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual({
      epochs: { code: 'minimum', limit: 1 },
      learning_rate: { code: 'number' }
    });
    // Values not in the form keep the server's.
    expect(result.values).toEqual({
      smoke: true,
      workers: 2,
      benchmark_batch_sizes: [1, 4],
      model_id: 'cl-tohoku/bert-base-japanese-whole-word-masking'
    });
  });

  it('is valid with the server values', () => {
    const { parameters } = detail();
    expect(validateForm(parameters, {}).valid).toBe(true);
  });
});

describe('describeIssue', () => {
  const english = new NeuronI18n({ setting: 'en' }).trans;
  const japanese = new NeuronI18n({ setting: 'ja' }).trans;

  it('explains each issue in English', () => {
    expect(describeIssue({ code: 'minimum', limit: 1 }, english)).toBe(
      'Enter 1 or more.'
    );
    expect(describeIssue({ code: 'integer' }, english)).toBe(
      'Enter a whole number, such as 8.'
    );
    expect(describeIssue({ code: 'choice', choices: '1, 2' }, english)).toBe(
      'Choose one of: 1, 2.'
    );
  });

  it('explains each issue in Japanese', () => {
    expect(describeIssue({ code: 'minimum', limit: 1 }, japanese)).toBe(
      '1 以上の値を入力してください。'
    );
    expect(describeIssue({ code: 'maximum', limit: 512 }, japanese)).toBe(
      '512 以下の値を入力してください。'
    );
    expect(describeIssue({ code: 'integer_list' }, japanese)).toBe(
      '1, 4 のように、整数をカンマで区切って入力してください。'
    );
    const codes: ParameterIssue[] = [
      { code: 'required' },
      { code: 'boolean' },
      { code: 'integer' },
      { code: 'number' },
      { code: 'integer_list' },
      { code: 'empty_list' },
      { code: 'minimum', limit: 1 },
      { code: 'maximum', limit: 1 },
      { code: 'choice', choices: '1' }
    ];
    for (const issue of codes) {
      const text = describeIssue(issue, japanese);
      expect(text).not.toBe(describeIssue(issue, english));
      expect(text).toMatch(/[ぁ-んァ-ン]/);
    }
  });
});
