/**
 * One template being prepared for insertion: its detail (parameters resolved
 * for the environment, steps) and the values of the parameter form.
 */

import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { INeuronI18n, INeuronTemplates } from '../tokens';
import { describeRequestError } from '../request';
import {
  FormValue,
  ParameterIssue,
  parseFormValue,
  toFormValue,
  validateForm
} from './parameterForm';
import type * as TemplatesAPI from '../api/templates';

/**
 * Where a draft stands: `loading` until the first detail arrives.
 */
export type TemplateDraftState = 'idle' | 'loading' | 'ready' | 'error';

/**
 * What the form gives to a rendering.
 */
export interface IDraftValidation {
  /** Whether every value of the form can be used. */
  valid: boolean;
  /** Parameter name -> issue of the values that cannot. */
  issues: Record<string, ParameterIssue>;
  /**
   * The values the user changed. The others are left to the server, which
   * derives them again from the environment exactly as the form showed them.
   */
  params: TemplatesAPI.TemplateParameterValues;
}

/**
 * The form and preview state of one template.
 *
 * Values start as the server resolved them (derived from the detected or
 * simulated environment, else the template's defaults). A value the user
 * edits is checked at once; switching the smoke mode asks the server again,
 * because the smoke mode changes the defaults of other parameters. Values the
 * user did not touch always follow the server.
 */
export class TemplateDraft implements IDisposable {
  constructor(options: TemplateDraft.IOptions) {
    this._templates = options.templates;
    this.id = options.id;
    this._i18n = options.i18n ?? null;
    this._i18n?.changed.connect(this._onLanguageChanged, this);
  }

  /**
   * The template id.
   */
  readonly id: string;

  get state(): TemplateDraftState {
    return this._state;
  }

  /**
   * The last detail received, or `null` before the first one.
   */
  get detail(): TemplatesAPI.TemplateDetail | null {
    return this._detail;
  }

  /**
   * The message of the last failed request, else `null`.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Whether a request for the detail is in flight.
   */
  get isBusy(): boolean {
    return this._busy;
  }

  /**
   * Emitted after any change (detail, values, issues, busy, error).
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The form value of a parameter.
   */
  value(name: string): FormValue {
    if (name in this._values) {
      return this._values[name];
    }
    const parameter = this._parameter(name);
    return parameter ? toFormValue(parameter, parameter.value) : '';
  }

  /**
   * Why the value of a parameter cannot be used, or `null`.
   */
  issue(name: string): ParameterIssue | null {
    return this._issues[name] ?? null;
  }

  /**
   * Whether the user changed a parameter.
   */
  isEdited(name: string): boolean {
    return this._edited.has(name);
  }

  /**
   * How many parameters the user changed.
   */
  get editedCount(): number {
    return this._edited.size;
  }

  /**
   * Load the detail unless it is loaded or loading.
   */
  ensureLoaded(): Promise<void> {
    if (this._pending) {
      return this._pending;
    }
    if (this._detail) {
      return Promise.resolve();
    }
    return this.load();
  }

  /**
   * (Re)load the detail with the user's valid values; the other values are
   * derived again by the server.
   */
  load(): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    const generation = ++this._generation;
    const params = this._validEdits();
    this._busy = true;
    if (!this._detail) {
      this._state = 'loading';
    }
    this._changed.emit();
    const pending = this._fetch(generation, params).finally(() => {
      if (this._pending === pending) {
        this._pending = null;
      }
    });
    this._pending = pending;
    return pending;
  }

  /**
   * Set the form value of a parameter and check it. Changing the smoke mode
   * reloads the detail (it changes other defaults).
   */
  setValue(name: string, value: FormValue): void {
    const parameter = this._parameter(name);
    if (!parameter || this._isDisposed) {
      return;
    }
    this._values[name] = value;
    this._edited.add(name);
    const parsed = parseFormValue(parameter, value);
    if (parsed.ok) {
      delete this._issues[name];
    } else {
      this._issues[name] = parsed.issue;
    }
    this._changed.emit();
    if (parameter.derive === 'smoke' && parsed.ok) {
      void this.load();
    }
  }

  /**
   * Forget the user's values and ask the server for the derived ones again.
   */
  reset(): Promise<void> {
    this._edited.clear();
    this._values = {};
    this._issues = {};
    return this.load();
  }

  /**
   * Check every value; the issues found are shown by the form.
   */
  validate(): IDraftValidation {
    const detail = this._detail;
    if (!detail) {
      return { valid: false, issues: {}, params: {} };
    }
    const result = validateForm(detail.parameters, this._values);
    this._issues = result.issues;
    this._changed.emit();
    const params: TemplatesAPI.TemplateParameterValues = {};
    for (const name of this._edited) {
      if (name in result.values) {
        params[name] = result.values[name];
      }
    }
    return { valid: result.valid, issues: result.issues, params };
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._i18n?.changed.disconnect(this._onLanguageChanged, this);
    Signal.clearData(this);
  }

  private async _fetch(
    generation: number,
    params: TemplatesAPI.TemplateParameterValues
  ): Promise<void> {
    try {
      const detail = await this._templates.getTemplate(this.id, params);
      if (this._isDisposed || generation !== this._generation) {
        return;
      }
      this._detail = detail;
      this._error = null;
      this._state = 'ready';
      // Values the user did not touch follow the server.
      const values: Record<string, FormValue> = {};
      for (const parameter of detail.parameters) {
        if (
          this._edited.has(parameter.name) &&
          parameter.name in this._values
        ) {
          values[parameter.name] = this._values[parameter.name];
        }
      }
      this._values = values;
      for (const name of Object.keys(this._issues)) {
        if (!this._edited.has(name)) {
          delete this._issues[name];
        }
      }
    } catch (reason) {
      if (this._isDisposed || generation !== this._generation) {
        return;
      }
      this._error = describeRequestError(reason, this._i18n?.trans);
      if (!this._detail) {
        this._state = 'error';
      }
    } finally {
      if (!this._isDisposed && generation === this._generation) {
        this._busy = false;
        this._changed.emit();
      }
    }
  }

  /** The edited values that pass the form's checks. */
  private _validEdits(): TemplatesAPI.TemplateParameterValues {
    const params: TemplatesAPI.TemplateParameterValues = {};
    for (const name of this._edited) {
      const parameter = this._parameter(name);
      if (!parameter || !(name in this._values)) {
        continue;
      }
      const parsed = parseFormValue(parameter, this._values[name]);
      if (parsed.ok) {
        params[name] = parsed.value;
      }
    }
    return params;
  }

  private _parameter(name: string): TemplatesAPI.TemplateParameter | null {
    return (
      this._detail?.parameters.find(parameter => parameter.name === name) ??
      null
    );
  }

  private _onLanguageChanged(): void {
    // Labels, explanations and warnings come localized from the server.
    if (this._detail || this._pending) {
      void this.load();
    }
  }

  private _templates: INeuronTemplates;
  private _i18n: INeuronI18n | null;
  private _state: TemplateDraftState = 'idle';
  private _detail: TemplatesAPI.TemplateDetail | null = null;
  private _error: string | null = null;
  private _busy = false;
  private _values: Record<string, FormValue> = {};
  private _issues: Record<string, ParameterIssue> = {};
  private _edited = new Set<string>();
  private _generation = 0;
  private _pending: Promise<void> | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `TemplateDraft` statics.
 */
export namespace TemplateDraft {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The templates service the detail is asked from. */
    templates: INeuronTemplates;
    /** The template id. */
    id: string;
    /** The language service: the detail is reloaded when it changes. */
    i18n?: INeuronI18n | null;
  }
}

/**
 * The drafts of a view, one per template, created on first use, so the form
 * survives re-renders of the panel and language changes.
 */
export class TemplateDrafts implements IDisposable {
  constructor(options: Omit<TemplateDraft.IOptions, 'id'>) {
    this._options = options;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The draft of a template.
   */
  get(id: string): TemplateDraft {
    let draft = this._drafts.get(id);
    if (!draft) {
      draft = new TemplateDraft({ ...this._options, id });
      this._drafts.set(id, draft);
    }
    return draft;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const draft of this._drafts.values()) {
      draft.dispose();
    }
    this._drafts.clear();
  }

  private _options: Omit<TemplateDraft.IOptions, 'id'>;
  private _drafts = new Map<string, TemplateDraft>();
  private _isDisposed = false;
}
