/**
 * Which notebooks are in tutorial mode: starts and stops their sessions,
 * resumes them when a notebook is opened again, and builds the services
 * their checks use.
 */

import type { ISessionContext } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Contents, ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import type { DiagnoseClient } from '../diagnose';
import type {
  INeuronCompileCache,
  INeuronI18n,
  INeuronMonitor,
  INeuronTemplates
} from '../tokens';
import { ICheckServices, IFoundFile, scanCacheTotals } from './checks';
import { isTemplateNotebook, storedTutorialOf } from './metadata';
import { NotebookTutorial } from './session';
import type * as TemplatesAPI from '../api/templates';

/**
 * Keeps one {@link NotebookTutorial} per notebook in tutorial mode.
 */
export class TutorialManager {
  constructor(options: TutorialManager.IOptions) {
    this._tracker = options.tracker;
    this._i18n = options.i18n;
    this._monitor = options.monitor;
    this._cache = options.cache;
    this._templates = options.templates;
    this._contents = options.contents;
    this._diagnoseClient = options.diagnoseClient;
    this._save = options.save ?? null;
    this._sessionDialogs = options.sessionDialogs ?? null;
    this._runOnNext = options.runOnNext ?? null;
    this._tracker.widgetAdded.connect(this._onNotebookAdded, this);
    this._tracker.currentChanged.connect(this._emit, this);
    this._tracker.forEach(panel => this._onNotebookAdded(this._tracker, panel));
  }

  /**
   * Emitted when a notebook enters or leaves tutorial mode, or the current
   * notebook changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted with a notebook made from a template that is not in tutorial
   * mode, once it is ready (the offer listens).
   */
  get templateNotebookOpened(): ISignal<this, NotebookPanel> {
    return this._templateNotebookOpened;
  }

  /**
   * The current notebook, if any.
   */
  get currentPanel(): NotebookPanel | null {
    return this._tracker.currentWidget;
  }

  /**
   * The tutorial of a notebook, when it is in tutorial mode.
   */
  sessionFor(panel: NotebookPanel | null): NotebookTutorial | null {
    return panel ? (this._sessions.get(panel) ?? null) : null;
  }

  /**
   * Whether a notebook is in tutorial mode.
   */
  isActive(panel: NotebookPanel | null): boolean {
    return !!panel && this._sessions.has(panel);
  }

  /**
   * Turn the tutorial mode on for a notebook (waits for it to load).
   */
  async start(panel: NotebookPanel): Promise<NotebookTutorial | null> {
    await panel.context.ready;
    if (panel.isDisposed || !panel.content.model) {
      return null;
    }
    const existing = this._sessions.get(panel);
    if (existing) {
      return existing;
    }
    const session = new NotebookTutorial({
      panel,
      i18n: this._i18n,
      diagnoseClient: this._diagnoseClient,
      monitor: this._monitor,
      checkServices: tutorial => this._checkServices(tutorial),
      fetchStepInfo: (id, parameters) => this._fetchStepInfo(id, parameters),
      save: this._save,
      runOnNext: this._runOnNext
    });
    session.sessionDialogs = this._sessionDialogs;
    this._sessions.set(panel, session);
    this._emit();
    return session;
  }

  /**
   * Turn the tutorial mode off for a notebook.
   */
  stop(panel: NotebookPanel): void {
    const session = this._sessions.get(panel);
    if (!session) {
      return;
    }
    this._sessions.delete(panel);
    session.stop();
    this._emit();
  }

  /**
   * Whether a notebook was made from a template (or has step metadata).
   */
  static isTemplateNotebook(panel: NotebookPanel): boolean {
    return isTemplateNotebook(panel.content.model);
  }

  /**
   * The user's preferences changed: the guide shows them again.
   */
  preferencesChanged(): void {
    this._emit();
  }

  dispose(): void {
    for (const session of this._sessions.values()) {
      session.dispose();
    }
    this._sessions.clear();
    Signal.clearData(this);
  }

  private _onNotebookAdded(_: unknown, panel: NotebookPanel): void {
    panel.disposed.connect(() => {
      const session = this._sessions.get(panel);
      if (session) {
        this._sessions.delete(panel);
        session.dispose();
        this._emit();
      }
    });
    void panel.context.ready.then(() => {
      if (panel.isDisposed || !panel.content.model) {
        return;
      }
      if (storedTutorialOf(panel.content.model).active) {
        // Opened again (or the page reloaded): resume where it was.
        void this.start(panel);
      } else if (TutorialManager.isTemplateNotebook(panel)) {
        this._templateNotebookOpened.emit(panel);
      }
    });
  }

  private _checkServices(tutorial: NotebookTutorial): ICheckServices {
    return {
      monitor: this._monitor,
      cacheTotals: () =>
        scanCacheTotals(
          this._cache,
          `tutorial-checks:${tutorial.panel.id}`,
          this._i18n
        ),
      listFolder: async (path: string): Promise<IFoundFile[] | null> => {
        try {
          const model = await this._contents.get(path, { content: true });
          if (model.type !== 'directory' || !Array.isArray(model.content)) {
            return null;
          }
          return (model.content as Contents.IModel[])
            .filter(item => item.type !== 'directory')
            .map(item => ({
              name: item.name,
              path: item.path,
              size: typeof item.size === 'number' ? item.size : null
            }));
        } catch (reason) {
          if (
            reason instanceof ServerConnection.ResponseError &&
            reason.response.status === 404
          ) {
            return null;
          }
          throw reason;
        }
      },
      kernelId: () => tutorial.panel.sessionContext.session?.kernel?.id ?? null
    };
  }

  /**
   * What the template says of its steps, from the templates model (in the
   * panel's language); `null` without the templates capability or when the
   * server does not know the template.
   */
  private async _fetchStepInfo(
    templateId: string,
    parameters: Record<string, unknown>
  ): Promise<NotebookTutorial.ITemplateInfo | null> {
    const templates = this._templates;
    if (!templates) {
      return null;
    }
    const get = (params: TemplatesAPI.TemplateParameterValues | null) =>
      templates.getTemplate(templateId, params ?? undefined);
    let detail: TemplatesAPI.TemplateDetail;
    try {
      // The notebook's own values fill the explanations' placeholders.
      detail = await get(parameters as TemplatesAPI.TemplateParameterValues);
    } catch {
      try {
        // Values this server no longer accepts: explain with its defaults.
        detail = await get(null);
      } catch {
        return null;
      }
    }
    return {
      title: detail.title,
      steps: detail.steps.map(step => ({
        id: step.id,
        number: step.number,
        title: step.title,
        explanation: step.explanation,
        durationMinutes: step.duration_minutes,
        neuronOnly: step.neuron_only
      }))
    };
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _tracker: INotebookTracker;
  private _i18n: INeuronI18n;
  private _monitor: INeuronMonitor | null;
  private _cache: INeuronCompileCache | null;
  private _templates: INeuronTemplates | null;
  private _contents: Contents.IManager;
  private _diagnoseClient: DiagnoseClient;
  private _save: ((panel: NotebookPanel) => Promise<void>) | null;
  private _sessionDialogs: ISessionContext.IDialogs | null;
  private _runOnNext: NotebookTutorial.IRunOnNext | null;
  private _sessions = new Map<NotebookPanel, NotebookTutorial>();
  private _changed = new Signal<this, void>(this);
  private _templateNotebookOpened = new Signal<this, NotebookPanel>(this);
}

/**
 * The namespace for `TutorialManager` statics.
 */
export namespace TutorialManager {
  /**
   * Construction options.
   */
  export interface IOptions {
    tracker: INotebookTracker;
    i18n: INeuronI18n;
    /** The live monitor, when installed. */
    monitor: INeuronMonitor | null;
    /** The compile-cache model, when installed (the pre-compilation check). */
    cache: INeuronCompileCache | null;
    /** The templates model, when installed (the steps' titles and texts). */
    templates: INeuronTemplates | null;
    /** The error catalogue's client (the diagnosis of failed steps). */
    diagnoseClient: DiagnoseClient;
    /** The contents manager (`app.serviceManager.contents`). */
    contents: Contents.IManager;
    /** Save a notebook so its progress survives a reload; none: never. */
    save?: ((panel: NotebookPanel) => Promise<void>) | null;
    /** The dialogs used when running cells needs a kernel. */
    sessionDialogs?: ISessionContext.IDialogs | null;
    /** The "Next runs the step first" preference; none: Next only moves. */
    runOnNext?: NotebookTutorial.IRunOnNext | null;
  }
}

/**
 * The notebook's file name (for messages).
 */
export function notebookName(panel: NotebookPanel): string {
  return PathExt.basename(panel.context.path);
}
