import { NeuronI18n } from '../../i18n';
import type { INeuronTemplates } from '../../tokens';
import { TemplateDraft, TemplateDrafts } from '../draft';
import { detail } from './fixtures';
import type * as TemplatesAPI from '../../api/templates';

/**
 * The part of the templates service a draft uses: `getTemplate`, answering
 * like the server (smoke defaults follow the `smoke` value asked for).
 */
function fakeTemplates(): {
  templates: INeuronTemplates;
  calls: TemplatesAPI.TemplateParameterValues[];
  fail: { message: string | null };
} {
  const calls: TemplatesAPI.TemplateParameterValues[] = [];
  const fail = { message: null as string | null };
  const templates = {
    getTemplate: async (
      _id: string,
      params: TemplatesAPI.TemplateParameterValues = {}
    ) => {
      calls.push(params);
      if (fail.message) {
        throw new Error(fail.message);
      }
      return detail({
        smoke: 'smoke' in params ? params.smoke === true : true,
        edited: params
      });
    }
  } as unknown as INeuronTemplates;
  return { templates, calls, fail };
}

function settle(ms = 10): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

describe('TemplateDraft', () => {
  it('starts with the values the server derived', async () => {
    const { templates, calls } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    expect(draft.state).toBe('idle');
    const loading = draft.ensureLoaded();
    expect(draft.state).toBe('loading');
    await loading;
    expect(draft.state).toBe('ready');
    expect(calls).toEqual([{}]);
    expect(draft.value('workers')).toBe('2');
    expect(draft.value('epochs')).toBe('1');
    expect(draft.value('smoke')).toBe(true);
    expect(draft.value('benchmark_batch_sizes')).toBe('1, 4');
    expect(draft.editedCount).toBe(0);

    await draft.ensureLoaded();
    expect(calls).toHaveLength(1);
  });

  it('checks a value as soon as it is typed', async () => {
    const { templates } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    const changed = jest.fn();
    draft.changed.connect(changed);

    draft.setValue('epochs', '0');
    expect(draft.issue('epochs')).toEqual({ code: 'minimum', limit: 1 });
    expect(draft.isEdited('epochs')).toBe(true);
    draft.setValue('epochs', '3');
    expect(draft.issue('epochs')).toBeNull();
    expect(draft.value('epochs')).toBe('3');
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('gives the server only the values the user changed', async () => {
    const { templates } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    draft.setValue('epochs', ' 3 ');
    draft.setValue('benchmark_batch_sizes', '1, 2, 8');
    const result = draft.validate();
    expect(result).toEqual({
      valid: true,
      issues: {},
      params: { epochs: 3, benchmark_batch_sizes: [1, 2, 8] }
    });
  });

  it('reports every invalid value on validation', async () => {
    const { templates } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    draft.setValue('learning_rate', 'fast');
    draft.setValue('model_id', '  ');
    const result = draft.validate();
    expect(result.valid).toBe(false);
    expect(Object.keys(result.issues).sort()).toEqual([
      'learning_rate',
      'model_id'
    ]);
    expect(draft.issue('model_id')).toEqual({ code: 'required' });
  });

  it('asks the server again when the smoke mode changes, keeping edits', async () => {
    const { templates, calls } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    draft.setValue('workers', '1');
    draft.setValue('smoke', false);
    await settle();
    expect(calls[calls.length - 1]).toEqual({ workers: 1, smoke: false });
    // epochs follows the server: no smoke default any more.
    expect(draft.value('epochs')).toBe('8');
    expect(draft.detail?.smoke).toBe(false);
    expect(draft.value('workers')).toBe('1');
    expect(draft.value('smoke')).toBe(false);
  });

  it('does not send a value that fails the checks', async () => {
    const { templates, calls } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    draft.setValue('epochs', 'many');
    await draft.load();
    expect(calls[calls.length - 1]).toEqual({});
    expect(draft.value('epochs')).toBe('many');
    expect(draft.issue('epochs')).toEqual({ code: 'integer' });
  });

  it('resets to the derived values', async () => {
    const { templates, calls } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    draft.setValue('epochs', '0');
    await draft.reset();
    expect(draft.editedCount).toBe(0);
    expect(draft.issue('epochs')).toBeNull();
    expect(draft.value('epochs')).toBe('1');
    expect(calls[calls.length - 1]).toEqual({});
  });

  it('keeps the last detail when a reload fails', async () => {
    const { templates, fail } = fakeTemplates();
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    fail.message = 'epochs must be at least 1 (got 0).';
    await draft.load();
    expect(draft.state).toBe('ready');
    expect(draft.detail).not.toBeNull();
    expect(draft.error).toBe('epochs must be at least 1 (got 0).');

    fail.message = null;
    await draft.load();
    expect(draft.error).toBeNull();
  });

  it('is in error when the first load fails', async () => {
    const { templates, fail } = fakeTemplates();
    fail.message = 'There is no template bert-ja.';
    const draft = new TemplateDraft({ templates, id: 'bert-ja' });
    await draft.load();
    expect(draft.state).toBe('error');
    expect(draft.detail).toBeNull();
    expect(draft.validate().valid).toBe(false);
  });

  it('reloads in the new language', async () => {
    const { templates, calls } = fakeTemplates();
    const i18n = new NeuronI18n({ setting: 'en' });
    const draft = new TemplateDraft({ templates, id: 'bert-ja', i18n });
    i18n.setting = 'ja';
    await settle();
    // Nothing was loaded yet: nothing to reload.
    expect(calls).toHaveLength(0);
    await draft.load();
    draft.setValue('epochs', '5');
    i18n.setting = 'en';
    await settle();
    expect(calls).toEqual([{}, { epochs: 5 }]);
    draft.dispose();
    i18n.setting = 'ja';
    await settle();
    expect(calls).toHaveLength(2);
  });
});

describe('TemplateDrafts', () => {
  it('keeps one draft per template until disposed', () => {
    const { templates } = fakeTemplates();
    const drafts = new TemplateDrafts({ templates });
    const bert = drafts.get('bert-ja');
    expect(drafts.get('bert-ja')).toBe(bert);
    expect(drafts.get('vit-beans')).not.toBe(bert);
    drafts.dispose();
    expect(bert.isDisposed).toBe(true);
  });
});
