/**
 * The templates model: owns the list of templates and talks to the
 * templates routes of the server extension.
 */

import type { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { ServerModel } from '../polling';
import {
  INeuronTemplates,
  ITemplateCreateOptions,
  ITemplateInsertOptions,
  ITemplateInsertion,
  ITemplateNotebook,
  NeuronLanguage,
  NeuronTemplatesState
} from '../tokens';
import { TemplateActions } from './actions';
import type * as TemplatesAPI from '../api/templates';

/**
 * The templates of the server extension.
 *
 * The list is fetched once, the first time a view shows it or someone needs
 * it (the launcher), and again when the panel's language changes (titles
 * and descriptions are localized by the server). Templates rarely change
 * while JupyterLab runs, so nothing is polled; `refresh()` reloads.
 *
 * Details and renderings are asked for on demand, in the panel's language.
 * Given the notebook services, it also inserts templates into notebooks and
 * creates notebooks from them (see {@link TemplateActions}).
 */
export class TemplatesModel extends ServerModel implements INeuronTemplates {
  constructor(options: TemplatesModel.IOptions) {
    super(options);
    if (options.notebooks && this.i18n) {
      this._actions = new TemplateActions({
        ...options.notebooks,
        templates: this,
        i18n: this.i18n
      });
      this._actions.targetChanged.connect(this._onTargetChanged, this);
    }
  }

  get state(): NeuronTemplatesState {
    return this._state;
  }

  get templates(): ReadonlyArray<TemplatesAPI.TemplateSummary> {
    return this._templates;
  }

  get problems(): ReadonlyArray<TemplatesAPI.TemplateProblem> {
    return this._problems;
  }

  get error(): string | null {
    return this._error;
  }

  /**
   * The language of the requests (the panel's).
   */
  get language(): NeuronLanguage {
    return this.i18n?.language ?? 'en';
  }

  get listChanged(): ISignal<
    this,
    ReadonlyArray<TemplatesAPI.TemplateSummary>
  > {
    return this._listChanged;
  }

  /**
   * The list is fetched the first time a view shows it.
   */
  protected onVisibilityChanged(visible: boolean): void {
    if (visible && this._state === 'idle') {
      void this._load();
    }
  }

  ensureList(): Promise<void> {
    if (this._loading) {
      return this._loading;
    }
    if (this._state === 'ready') {
      return Promise.resolve();
    }
    return this._load();
  }

  refresh(): Promise<void> {
    return this._load();
  }

  /**
   * The summary of one template of the list, if listed.
   */
  summary(id: string): TemplatesAPI.TemplateSummary | null {
    return this._templates.find(template => template.id === id) ?? null;
  }

  getTemplate(
    id: string,
    params: TemplatesAPI.TemplateParameterValues = {}
  ): Promise<TemplatesAPI.TemplateDetail> {
    const query = new URLSearchParams({ lang: this.language });
    if (Object.keys(params).length > 0) {
      query.set('params', JSON.stringify(params));
    }
    return this.request<TemplatesAPI.TemplateDetail>(
      `templates/${encodeURIComponent(id)}?${query.toString()}`
    );
  }

  renderCells(
    id: string,
    request: TemplatesAPI.TemplateRenderOptions = {}
  ): Promise<TemplatesAPI.TemplateRenderedCells> {
    return this._render<TemplatesAPI.TemplateRenderedCells>(
      id,
      request,
      'cells'
    );
  }

  renderNotebook(
    id: string,
    request: TemplatesAPI.TemplateRenderOptions = {}
  ): Promise<TemplatesAPI.TemplateRenderedNotebook> {
    return this._render<TemplatesAPI.TemplateRenderedNotebook>(
      id,
      request,
      'notebook'
    );
  }

  get canInsert(): boolean {
    return this._actions?.canInsert ?? false;
  }

  get insertTarget(): string | null {
    return this._actions?.targetPath ?? null;
  }

  get insertTargetChanged(): ISignal<this, void> {
    return this._insertTargetChanged;
  }

  get editsNotebooks(): boolean {
    return this._actions !== null;
  }

  async insert(
    id: string,
    options: ITemplateInsertOptions = {}
  ): Promise<ITemplateInsertion> {
    return this._requireActions().insert(id, options);
  }

  async createNotebook(
    id: string,
    options: ITemplateCreateOptions = {}
  ): Promise<ITemplateNotebook> {
    return this._requireActions().createNotebook(id, options);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._actions?.dispose();
    super.dispose();
  }

  private _requireActions(): TemplateActions {
    if (!this._actions) {
      throw new Error(
        'No notebook services were given to the templates model.'
      );
    }
    return this._actions;
  }

  private _onTargetChanged(): void {
    this._insertTargetChanged.emit();
  }

  private _render<T>(
    id: string,
    request: TemplatesAPI.TemplateRenderOptions,
    format: 'cells' | 'notebook'
  ): Promise<T> {
    const body = { lang: this.language, ...request, format };
    return this.request<T>(`templates/${encodeURIComponent(id)}/render`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' }
    });
  }

  /**
   * Fetch the list. A load started while another runs replaces it: only the
   * newest answer (in the newest language) is kept.
   */
  private _load(): Promise<void> {
    if (this.isDisposed) {
      return Promise.resolve();
    }
    const generation = ++this._generation;
    this._setState('loading');
    const load = this._fetch(generation).finally(() => {
      if (this._loading === load) {
        this._loading = null;
      }
    });
    this._loading = load;
    return load;
  }

  private async _fetch(generation: number): Promise<void> {
    try {
      const list = await this.request<TemplatesAPI.TemplateList>(
        `templates?lang=${this.language}`
      );
      if (this.isDisposed || generation !== this._generation) {
        return;
      }
      this._templates = list.templates ?? [];
      this._problems = list.problems ?? [];
      this._error = null;
      this._setState('ready', true);
      this._listChanged.emit(this._templates);
    } catch (reason) {
      if (this.isDisposed || generation !== this._generation) {
        return;
      }
      this._error = this.describeError(reason);
      this._setState('error', true);
    }
  }

  protected onLanguageChanged(): void {
    if (this._state === 'idle') {
      return;
    }
    // Titles and descriptions come localized from the server. The launcher
    // and the palette show them even when the panel is hidden: reload now.
    void this._load();
  }

  private _setState(state: NeuronTemplatesState, force = false): void {
    if (this._state === state && !force) {
      return;
    }
    this._state = state;
    this.emitChanged();
  }

  private _state: NeuronTemplatesState = 'idle';
  private _templates: TemplatesAPI.TemplateSummary[] = [];
  private _problems: TemplatesAPI.TemplateProblem[] = [];
  private _error: string | null = null;
  private _loading: Promise<void> | null = null;
  private _generation = 0;
  private _actions: TemplateActions | null = null;
  private _insertTargetChanged = new Signal<this, void>(this);
  private _listChanged = new Signal<
    this,
    ReadonlyArray<TemplatesAPI.TemplateSummary>
  >(this);
}

/**
 * The namespace for `TemplatesModel` statics.
 */
export namespace TemplatesModel {
  /**
   * Construction options.
   */
  export interface IOptions extends ServerModel.IOptions {
    /** The application's server settings (`app.serviceManager.serverSettings`). */
    serverSettings: ServerConnection.ISettings;
    /**
     * The notebook services insertion and new notebooks need; without them
     * (or without `i18n`) the model only lists, describes and renders.
     */
    notebooks?: Omit<TemplateActions.IOptions, 'templates' | 'i18n'>;
  }
}
