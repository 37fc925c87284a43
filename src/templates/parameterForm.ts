/**
 * The parameter form's rules: how a template parameter is shown in an input,
 * and how what the user typed is read back and checked.
 *
 * Pure functions, independent of the language: a problem is an
 * {@link ParameterIssue} code, turned into a sentence by
 * {@link describeIssue} in the panel's language when it is shown.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import type * as TemplatesAPI from '../api/templates';

/**
 * What an input holds: text for numbers, strings and lists, a flag for
 * booleans.
 */
export type FormValue = string | boolean;

/**
 * Why a form value cannot be used.
 */
export type ParameterIssue =
  | { code: 'required' }
  | { code: 'boolean' }
  | { code: 'integer' }
  | { code: 'number' }
  | { code: 'integer_list' }
  | { code: 'empty_list' }
  | { code: 'minimum'; limit: number }
  | { code: 'maximum'; limit: number }
  | { code: 'choice'; choices: string };

/**
 * The outcome of reading one form value.
 */
export type ParsedValue =
  | { ok: true; value: TemplatesAPI.TemplateParameterValue }
  | { ok: false; issue: ParameterIssue };

/**
 * The text (or flag) an input shows for a parameter value.
 */
export function toFormValue(
  parameter: Pick<TemplatesAPI.TemplateParameter, 'type'>,
  value: TemplatesAPI.TemplateParameterValue | null | undefined
): FormValue {
  if (parameter.type === 'boolean') {
    return value === true;
  }
  if (value === null || value === undefined) {
    return '';
  }
  if (Array.isArray(value)) {
    return value.join(', ');
  }
  return String(value);
}

/**
 * Japanese input methods type full-width digits, commas and signs
 * ("１２８", "１，４"): read them as their ASCII forms.
 */
function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[、，]/g, ',')
    .trim();
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

function checkRange(
  parameter: Pick<TemplatesAPI.TemplateParameter, 'minimum' | 'maximum'>,
  value: number
): ParameterIssue | null {
  if (parameter.minimum !== null && value < parameter.minimum) {
    return { code: 'minimum', limit: parameter.minimum };
  }
  if (parameter.maximum !== null && value > parameter.maximum) {
    return { code: 'maximum', limit: parameter.maximum };
  }
  return null;
}

function sameValue(
  a: TemplatesAPI.TemplateParameterValue,
  b: TemplatesAPI.TemplateParameterValue
): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Read a form value as a value of the parameter's type and check it against
 * the parameter's range and choices.
 */
export function parseFormValue(
  parameter: Pick<
    TemplatesAPI.TemplateParameter,
    'type' | 'minimum' | 'maximum' | 'choices'
  >,
  raw: FormValue
): ParsedValue {
  let value: TemplatesAPI.TemplateParameterValue;
  if (parameter.type === 'boolean') {
    if (typeof raw !== 'boolean') {
      return { ok: false, issue: { code: 'boolean' } };
    }
    value = raw;
  } else {
    const text = typeof raw === 'string' ? raw : String(raw);
    switch (parameter.type) {
      case 'integer':
      case 'number': {
        const normalized = normalizeText(text);
        if (normalized === '') {
          return { ok: false, issue: { code: 'required' } };
        }
        const pattern = parameter.type === 'integer' ? INTEGER : NUMBER;
        const number = Number(normalized);
        if (!pattern.test(normalized) || !Number.isFinite(number)) {
          return { ok: false, issue: { code: parameter.type } };
        }
        const issue = checkRange(parameter, number);
        if (issue) {
          return { ok: false, issue };
        }
        value = number;
        break;
      }
      case 'integer_list': {
        const normalized = normalizeText(text);
        const items = normalized.split(/[\s,]+/).filter(item => item !== '');
        if (items.length === 0) {
          return { ok: false, issue: { code: 'empty_list' } };
        }
        if (!items.every(item => INTEGER.test(item))) {
          return { ok: false, issue: { code: 'integer_list' } };
        }
        const numbers = items.map(Number);
        for (const number of numbers) {
          const issue = checkRange(parameter, number);
          if (issue) {
            return { ok: false, issue };
          }
        }
        value = numbers;
        break;
      }
      default: {
        // Strings are paths and Hub ids: surrounding spaces are typos.
        const trimmed = text.trim();
        if (trimmed === '') {
          return { ok: false, issue: { code: 'required' } };
        }
        value = trimmed;
      }
    }
  }
  const choices = parameter.choices;
  if (choices && !choices.some(choice => sameValue(choice, value))) {
    return {
      ok: false,
      issue: {
        code: 'choice',
        choices: choices.map(choice => formatChoice(choice)).join(', ')
      }
    };
  }
  return { ok: true, value };
}

/**
 * A choice as shown in a select (lists as `1, 4`).
 */
export function formatChoice(
  choice: TemplatesAPI.TemplateParameterValue
): string {
  return Array.isArray(choice) ? choice.join(', ') : String(choice);
}

/**
 * The outcome of reading the whole form.
 */
export interface IFormValidation {
  /** Whether every value can be used. */
  valid: boolean;
  /** Parameter name -> issue, for the values that cannot be used. */
  issues: Record<string, ParameterIssue>;
  /** Parameter name -> value, for the values that can. */
  values: TemplatesAPI.TemplateParameterValues;
}

/**
 * Read every value of the form.
 *
 * @param parameters - the template's parameters, as the server described them
 * @param raw - parameter name -> form value; a missing name keeps the server's value
 */
export function validateForm(
  parameters: ReadonlyArray<TemplatesAPI.TemplateParameter>,
  raw: Readonly<Record<string, FormValue>>
): IFormValidation {
  const issues: Record<string, ParameterIssue> = {};
  const values: TemplatesAPI.TemplateParameterValues = {};
  for (const parameter of parameters) {
    const input =
      parameter.name in raw
        ? raw[parameter.name]
        : toFormValue(parameter, parameter.value);
    const parsed = parseFormValue(parameter, input);
    if (parsed.ok) {
      values[parameter.name] = parsed.value;
    } else {
      issues[parameter.name] = parsed.issue;
    }
  }
  return { valid: Object.keys(issues).length === 0, issues, values };
}

/**
 * The sentence explaining an issue, in the bundle's language.
 */
export function describeIssue(
  issue: ParameterIssue,
  trans: TranslationBundle
): string {
  switch (issue.code) {
    case 'required':
      return trans.__('Enter a value.');
    case 'boolean':
      return trans.__('Choose on or off.');
    case 'integer':
      return trans.__('Enter a whole number, such as 8.');
    case 'number':
      return trans.__('Enter a number, such as 0.001.');
    case 'integer_list':
      return trans.__('Enter whole numbers separated by commas, such as 1, 4.');
    case 'empty_list':
      return trans.__('Enter at least one number.');
    case 'minimum':
      return trans.__('Enter %1 or more.', issue.limit);
    case 'maximum':
      return trans.__('Enter %1 or less.', issue.limit);
    case 'choice':
      return trans.__('Choose one of: %1.', issue.choices);
  }
}
