/**
 * The public surface of jupyterlab-neuron: command ids, service tokens and the
 * models' interfaces.
 *
 * Each capability adds its token and its service interface here, next to the
 * existing ones, so other extensions can depend on them; its REST payload
 * types live in `src/api/<capability>.ts`.
 */

import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { ReactElement } from 'react';

import type { NeuronLanguage } from './api/common';
import type * as CacheAPI from './api/cache';
import type * as ClusterAPI from './api/cluster';
import type * as CoresAPI from './api/cores';
import type * as EnvironmentAPI from './api/environment';
import type * as MonitorAPI from './api/monitor';
import type * as TemplatesAPI from './api/templates';

/**
 * The gettext domain of every user-facing string of the front end.
 */
export const TRANSLATION_DOMAIN = 'jupyterlab_neuron';

/**
 * The key of jupyterlab-neuron's metadata in notebooks and in their cells:
 * template rendering writes the template, its parameters and each cell's
 * step there, the tutorial its progress (docs/templates-api.md).
 */
export const METADATA_KEY = 'jupyterlab_neuron';

/**
 * The REST API generation the front end speaks; the server reports its own in
 * `GET /jupyterlab-neuron/version`.
 */
export const NEURON_API_VERSION = 1;

/**
 * Command ids, all `jupyterlab-neuron:verb-noun`.
 */
export namespace CommandIDs {
  /** Open (activate) the Neuron sidebar. */
  export const openPanel = 'jupyterlab-neuron:open-panel';
  /** Re-run the Neuron tools and reload the environment report. */
  export const refreshEnvironment = 'jupyterlab-neuron:refresh-environment';

  // Templates
  /** Show the templates of the Neuron sidebar. */
  export const openTemplates = 'jupyterlab-neuron:open-templates';
  /**
   * Insert a template (or one step, `args.step`) into the active notebook
   * below the active cell, as one undoable operation. Args: `id`, `step?`,
   * `params?` (values differing from the server's), `includeSetup?`.
   */
  export const insertTemplate = 'jupyterlab-neuron:insert-template';
  /**
   * Create a notebook from a template and open it. Args: `id`, `params?`,
   * `cwd?` (the folder; the launcher passes its own).
   */
  export const newNotebookFromTemplate =
    'jupyterlab-neuron:new-notebook-from-template';

  // Compile cache
  /** Open the compile-cache view in the main area. */
  export const openCompileCache = 'jupyterlab-neuron:open-compile-cache';
  /** Scan the compile caches again now. */
  export const refreshCompileCache = 'jupyterlab-neuron:refresh-compile-cache';
  /**
   * Clean the compile caches: the dry run is shown first, and only that plan
   * is removed once confirmed. Args: `action` (`delete-selected`,
   * `delete-failed`, `clear-stale-locks`, `remove-old-versions`, `prune`,
   * `wipe`), `entries?` (entry ids), `root?` (a root's id or path; every root
   * when absent), `maxBytes?` (for `prune`). Returns the dialog's outcome.
   */
  export const cleanCompileCache = 'jupyterlab-neuron:clean-compile-cache';

  // Monitor
  /** Open (or activate) the NeuronCore dashboard in the main area. */
  export const openMonitorDashboard =
    'jupyterlab-neuron:open-monitor-dashboard';
  /** Start neuron-monitor again on the server (after it failed). */
  export const restartMonitor = 'jupyterlab-neuron:restart-monitor';

  // Tutorial
  /**
   * Turn the tutorial mode of the current notebook on or off (the guide in
   * the right sidebar follows the notebook's steps).
   */
  export const toggleTutorial = 'jupyterlab-neuron:toggle-tutorial';
  /** Show the tutorial guide in the right sidebar. */
  export const openTutorialGuide = 'jupyterlab-neuron:open-tutorial-guide';

  // Cluster
  /** Open the cluster view (nodes from Prometheus). */
  export const openCluster = 'jupyterlab-neuron:open-cluster';
}

/* ------------------------------------------------------------------------- */
/* Language                                                                   */
/* ------------------------------------------------------------------------- */

export type { NeuronLanguage };

/**
 * The `language` setting: a fixed language, or `auto` (JupyterLab's language
 * when it is Japanese, otherwise the browser's).
 */
export type NeuronLanguageSetting = 'auto' | NeuronLanguage;

/**
 * The language service: an `ITranslator` that works without a JupyterLab
 * language pack and follows the panel's own language setting.
 */
export interface INeuronI18n extends ITranslator {
  /**
   * The language setting as configured.
   */
  readonly setting: NeuronLanguageSetting;

  /**
   * The effective language after resolving `auto`.
   */
  readonly language: NeuronLanguage;

  /**
   * The bundle of the `jupyterlab_neuron` domain in the effective language.
   */
  readonly trans: TranslationBundle;

  /**
   * Emitted with the new effective language whenever it changes, so views
   * re-render and models re-fetch localized server messages.
   */
  readonly changed: ISignal<INeuronI18n, NeuronLanguage>;
}

/**
 * The language service token.
 */
export const INeuronI18n = new Token<INeuronI18n>(
  'jupyterlab-neuron:INeuronI18n',
  'The language setting and translator of jupyterlab-neuron (works without a language pack).'
);

/* ------------------------------------------------------------------------- */
/* Environment                                                                */
/* ------------------------------------------------------------------------- */

/**
 * Where the environment model stands.
 *
 * - `loading`: the version handshake or the first report is on its way.
 * - `ready`: a report is available (its own `state` says what the tools found).
 * - `server-missing`: the server extension does not answer (HTTP 404).
 * - `version-mismatch`: the server extension is a different version or API.
 * - `error`: the last request failed (network or server error).
 */
export type NeuronEnvironmentState =
  'loading' | 'ready' | 'server-missing' | 'version-mismatch' | 'error';

/**
 * The model of the Neuron environment of the machine running the server:
 * instance, devices, NeuronCores, SDK packages, compile cache.
 */
export interface INeuronEnvironment extends IDisposable {
  /**
   * Where the model stands (see {@link NeuronEnvironmentState}).
   */
  readonly state: NeuronEnvironmentState;

  /**
   * The last report received, or `null` before the first one.
   */
  readonly report: EnvironmentAPI.Environment | null;

  /**
   * What the server answered to the version handshake, once it answered.
   */
  readonly serverVersion: EnvironmentAPI.Version | null;

  /**
   * Why the last request failed, in the user's language, when `state` is
   * `error` or `server-missing`; else `null`.
   */
  readonly error: string | null;

  /**
   * Whether a request is in flight.
   */
  readonly isBusy: boolean;

  /**
   * Whether a view of the model is on screen (nothing is fetched otherwise).
   */
  readonly isVisible: boolean;

  /**
   * Emitted with the new state when `state` changes.
   */
  readonly stateChanged: ISignal<INeuronEnvironment, NeuronEnvironmentState>;

  /**
   * Emitted with the new report whenever a report arrives.
   */
  readonly reportChanged: ISignal<
    INeuronEnvironment,
    EnvironmentAPI.Environment
  >;

  /**
   * Emitted after any change of the model (state, report, busy, error).
   */
  readonly changed: ISignal<INeuronEnvironment, void>;

  /**
   * Tell the model whether one of its views is on screen. Each view passes
   * its own `viewer` name; the model fetches while any of them is visible.
   */
  setVisible(visible: boolean, viewer?: string): void;

  /**
   * Re-run the Neuron tools on the server (`?refresh=1`) and reload the report.
   * Retries the version handshake when it failed. Resolves when done (the
   * outcome is in `state`); when no view is visible, the refresh happens as
   * soon as one is.
   */
  refresh(): Promise<void>;
}

/**
 * The environment model token.
 */
export const INeuronEnvironment = new Token<INeuronEnvironment>(
  'jupyterlab-neuron:INeuronEnvironment',
  'The Neuron environment (instance, devices, NeuronCores, SDK packages, compile cache) of the server.'
);

/* ------------------------------------------------------------------------- */
/* REST payloads                                                              */
/* ------------------------------------------------------------------------- */

/* ------------------------------------------------------------------------- */
/* Templates                                                                  */
/* ------------------------------------------------------------------------- */

/**
 * Where the list of templates stands.
 */
export type NeuronTemplatesState = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The templates served by the server extension: the list, each template
 * with its parameters resolved for the detected (or simulated) environment,
 * and rendering.
 */
export interface INeuronTemplates extends IDisposable {
  /**
   * Where the list stands (`idle` before it was first asked for).
   */
  readonly state: NeuronTemplatesState;

  /**
   * The usable templates, in the panel's language.
   */
  readonly templates: ReadonlyArray<TemplatesAPI.TemplateSummary>;

  /**
   * Administrator templates that could not be used, and why.
   */
  readonly problems: ReadonlyArray<TemplatesAPI.TemplateProblem>;

  /**
   * The message of the last failure of the list when `state` is `error`.
   */
  readonly error: string | null;

  /**
   * Emitted after any change of the list (state, templates, problems).
   */
  readonly changed: ISignal<INeuronTemplates, void>;

  /**
   * Emitted when the list arrives or is reloaded (e.g. in a new language).
   */
  readonly listChanged: ISignal<
    INeuronTemplates,
    ReadonlyArray<TemplatesAPI.TemplateSummary>
  >;

  /**
   * Whether a view of the list is on screen.
   */
  readonly isVisible: boolean;

  /**
   * Tell the model whether one of its views (named by `viewer`) is on
   * screen: the list is fetched the first time one is.
   */
  setVisible(visible: boolean, viewer?: string): void;

  /**
   * Load the list unless it is loaded or loading; resolves when it is there
   * (or failed: see `state`).
   */
  ensureList(): Promise<void>;

  /**
   * Reload the list from the server.
   */
  refresh(): Promise<void>;

  /**
   * One template with its parameters resolved for the server's environment,
   * in the panel's language.
   *
   * @param id - the template id
   * @param params - values the user chose; the others are derived again
   */
  getTemplate(
    id: string,
    params?: TemplatesAPI.TemplateParameterValues
  ): Promise<TemplatesAPI.TemplateDetail>;

  /**
   * Render a template (or one step) as cells for insertion.
   */
  renderCells(
    id: string,
    request?: TemplatesAPI.TemplateRenderOptions
  ): Promise<TemplatesAPI.TemplateRenderedCells>;

  /**
   * Render a template as a whole notebook.
   */
  renderNotebook(
    id: string,
    request?: TemplatesAPI.TemplateRenderOptions
  ): Promise<TemplatesAPI.TemplateRenderedNotebook>;

  /**
   * Whether the service can insert into and create notebooks at all (false
   * when JupyterLab runs without notebooks).
   */
  readonly editsNotebooks: boolean;

  /**
   * Whether there is a notebook to insert into (the current notebook).
   */
  readonly canInsert: boolean;

  /**
   * The path of the notebook an insertion goes into, if any.
   */
  readonly insertTarget: string | null;

  /**
   * Emitted when the notebook an insertion goes into changes.
   */
  readonly insertTargetChanged: ISignal<INeuronTemplates, void>;

  /**
   * Render a template (or one step) and insert it into the current notebook
   * below its active cell, as ONE undoable operation (one undo removes every
   * inserted cell). The cells keep their `jupyterlab_neuron` metadata.
   *
   * @throws Error when no notebook is open or the rendering fails
   */
  insert(
    id: string,
    options?: ITemplateInsertOptions
  ): Promise<ITemplateInsertion>;

  /**
   * Render a template as a notebook, save it under a free name and open it
   * with a Python kernel.
   *
   * @throws Error when the rendering or saving fails
   */
  createNotebook(
    id: string,
    options?: ITemplateCreateOptions
  ): Promise<ITemplateNotebook>;
}

/**
 * Options of {@link INeuronTemplates.insert}.
 */
export interface ITemplateInsertOptions {
  /** The values the user changed; the others are derived by the server. */
  params?: TemplatesAPI.TemplateParameterValues;
  /** Insert only this step. */
  step?: string | null;
  /** Put the parameters and helper cells first (default: yes). */
  includeSetup?: boolean | null;
}

/**
 * What {@link INeuronTemplates.insert} did.
 */
export interface ITemplateInsertion {
  /** The path of the notebook the cells went into. */
  path: string;
  /** The index of the first inserted cell. */
  index: number;
  /** How many cells were inserted. */
  count: number;
  /** Whether the notebook's only, empty cell was replaced. */
  replacedBlankCell: boolean;
  /**
   * Whether the notebook-level `metadata.jupyterlab_neuron` (template,
   * parameters) was written: whole templates, into notebooks without it.
   */
  wroteNotebookMetadata: boolean;
  /** Localized warnings of the rendering (e.g. not a target instance). */
  warnings: string[];
}

/**
 * Options of {@link INeuronTemplates.createNotebook}.
 */
export interface ITemplateCreateOptions {
  /** The values the user changed; the others are derived by the server. */
  params?: TemplatesAPI.TemplateParameterValues;
  /** The folder of the new notebook (default: the server's root). */
  cwd?: string;
}

/**
 * What {@link INeuronTemplates.createNotebook} did.
 */
export interface ITemplateNotebook {
  /** The path of the new notebook. */
  path: string;
  /** The kernel the notebook was set to, if any. */
  kernel: string | null;
  /** Localized warnings of the rendering. */
  warnings: string[];
  /** The opened notebook's widget, when the document manager returned it. */
  widget: Widget | null;
}

/**
 * The templates model token.
 */
export const INeuronTemplates = new Token<INeuronTemplates>(
  'jupyterlab-neuron:INeuronTemplates',
  'The Neuron notebook templates (BERT-ja, ViT...) served by the server extension.'
);

/* ------------------------------------------------------------------------- */
/* Compile cache                                                              */
/* ------------------------------------------------------------------------- */

/**
 * Where the compile-cache model stands.
 *
 * - `loading`: the first status is on its way.
 * - `ready`: a status is available.
 * - `server-missing`: the server extension does not answer (HTTP 404).
 * - `error`: the last request failed (the last status, if any, is kept).
 */
export type NeuronCompileCacheState =
  'loading' | 'ready' | 'server-missing' | 'error';

/**
 * When the free space of a cache root's file system deserves a warning.
 */
export type NeuronFreeDiskThreshold = {
  /** Warn below this many free bytes (0: never). */
  bytes: number;
  /** Warn below this share of the file system, in percent (0: never). */
  percent: number;
};

/**
 * The compile caches of the server: their status (polled while a view shows
 * it), one page of entries at a time, entry details and cleaning (always a dry
 * run first, then the real run with the dry run's plan token).
 */
export interface INeuronCompileCache extends IDisposable {
  /**
   * Where the model stands (see {@link NeuronCompileCacheState}).
   */
  readonly state: NeuronCompileCacheState;

  /**
   * The last status received, or `null` before the first one.
   */
  readonly status: CacheAPI.Status | null;

  /**
   * Why the last request failed, in the user's language, when `state` is
   * `error` or `server-missing`; else `null`.
   */
  readonly error: string | null;

  /**
   * Whether a status request is in flight.
   */
  readonly isBusy: boolean;

  /**
   * Whether any view of the model is on screen (nothing is polled otherwise).
   */
  readonly isVisible: boolean;

  /**
   * When free disk space is worth a warning (from the settings).
   */
  readonly freeDiskThreshold: NeuronFreeDiskThreshold;

  /**
   * Emitted after any change of the model (state, status, busy, settings).
   */
  readonly changed: ISignal<INeuronCompileCache, void>;

  /**
   * Emitted with the new revision when the cache content changed, so entry
   * lists load their pages again.
   */
  readonly revisionChanged: ISignal<INeuronCompileCache, string>;

  /**
   * Tell the model whether one of its views is on screen. Each view passes
   * its own `viewer` name; the model polls while any of them is visible.
   */
  setVisible(visible: boolean, viewer?: string): void;

  /**
   * Scan the caches again now (`?refresh=1`) and reload the status.
   */
  refresh(): Promise<void>;

  /**
   * One page of entries (`GET cache/entries`).
   */
  listEntries(query: CacheAPI.EntryQuery): Promise<CacheAPI.EntryPage>;

  /**
   * One entry with its files, flags and log tail (`GET cache/entries/{id}`).
   */
  entryDetail(id: string): Promise<CacheAPI.EntryDetail>;

  /**
   * The dry run of a clean: exactly what it would remove, and a plan token.
   */
  dryRun(request: CacheAPI.CleanRequest): Promise<CacheAPI.CleanResult>;

  /**
   * The real run of a clean with the token of its dry run. Rejects with a
   * `ServerConnection.ResponseError` of status 409 when the cache changed
   * since the dry run (nothing is removed then). Reloads the status after.
   */
  clean(
    request: CacheAPI.CleanRequest,
    planToken: string
  ): Promise<CacheAPI.CleanResult>;
}

/**
 * The compile-cache model token.
 */
export const INeuronCompileCache = new Token<INeuronCompileCache>(
  'jupyterlab-neuron:INeuronCompileCache',
  'The Neuron compile caches of the server: status, entries and cleaning.'
);

/* ------------------------------------------------------------------------- */
/* Monitor                                                                    */
/* ------------------------------------------------------------------------- */

/**
 * How the monitor model is connected to the server.
 *
 * - `idle`: no view is visible, nothing is received.
 * - `connecting`: opening the WebSocket (or the first poll) is under way.
 * - `websocket`: snapshots are pushed over the WebSocket stream.
 * - `polling`: the WebSocket could not be opened (a proxy, for example), so
 *   the snapshot endpoint is polled over HTTP instead.
 * - `server-missing`: the server extension does not answer (HTTP 404).
 * - `error`: the last attempt failed; retrying with backoff.
 */
export type NeuronMonitorConnection =
  'idle' | 'connecting' | 'websocket' | 'polling' | 'server-missing' | 'error';

/**
 * One point of the client-side monitor history: what the time-series charts
 * need from a snapshot (or from a point of `GET monitor/history`).
 */
export interface INeuronMonitorSample {
  /** The server's sequence number of the snapshot. */
  readonly seq: number;
  /** Seconds since the epoch (server clock). */
  readonly timestamp: number;
  /** Utilization percent per NeuronCore, in core-index order. */
  readonly cores: Float32Array;
  /** Mean utilization percent over every core. */
  readonly meanUtilization: number;
  /** Device memory used per device, in bytes, in device order. */
  readonly deviceMemory: Float64Array;
  /** Host memory in use, in bytes, when reported. */
  readonly hostMemoryUsed: number | null;
  /** Busy share of all vCPUs in percent, when reported. */
  readonly vcpuUsed: number | null;
}

/**
 * The bounded client-side history, oldest sample first.
 */
export interface INeuronMonitorHistory {
  /** How many samples it keeps at most. */
  readonly capacity: number;
  /** How many samples it holds. */
  readonly length: number;
  /** The `index`-th sample, oldest first (`undefined` out of range). */
  at(index: number): INeuronMonitorSample | undefined;
  /** The newest sample, if any. */
  latest(): INeuronMonitorSample | undefined;
  /** Index of the first sample newer than `timestamp` (seconds). */
  firstIndexAfter(timestamp: number): number;
}

/**
 * The live NeuronCore monitor: one stream of snapshots from the server's
 * neuron-monitor, shared by every view (dashboard, panel section, status bar).
 * Nothing is received while no view is visible.
 */
export interface INeuronMonitor extends IDisposable {
  /** How the model is connected (see {@link NeuronMonitorConnection}). */
  readonly connection: NeuronMonitorConnection;
  /** The last status of the server's neuron-monitor, once received. */
  readonly status: MonitorAPI.MonitorStatus | null;
  /** The latest snapshot, once received. */
  readonly snapshot: MonitorAPI.MonitorSnapshot | null;
  /** The bounded history of samples. */
  readonly history: INeuronMonitorHistory;
  /** The message of the last failure when `connection` is `error`. */
  readonly error: string | null;
  /** Whether any view is on screen. */
  readonly isVisible: boolean;
  /** Whether the stream runs (a view is on screen and the browser tab shown). */
  readonly isActive: boolean;
  /** Emitted with each snapshot handed to the views. */
  readonly snapshotChanged: ISignal<INeuronMonitor, MonitorAPI.MonitorSnapshot>;
  /** Emitted with each new monitor status. */
  readonly statusChanged: ISignal<INeuronMonitor, MonitorAPI.MonitorStatus>;
  /** Emitted after any change (connection, status, snapshot, history). */
  readonly changed: ISignal<INeuronMonitor, void>;
  /**
   * Tell the model whether one view (named by `viewer`, unique per view) is
   * on screen. The stream runs while at least one is.
   */
  setVisible(visible: boolean, viewer?: string): void;
  /** Ask the server to start neuron-monitor again (after a failure). */
  restart(): Promise<void>;
}

/**
 * The monitor model token.
 */
export const INeuronMonitor = new Token<INeuronMonitor>(
  'jupyterlab-neuron:INeuronMonitor',
  'The live NeuronCore monitor (utilization, memory, processes and their notebooks).'
);

/* ------------------------------------------------------------------------- */
/* Cluster                                                                    */
/* ------------------------------------------------------------------------- */

/**
 * The Neuron nodes of the cluster as the server reads them from Prometheus
 * (`GET cluster`, fetched while a view shows it), and one node's history.
 */
export interface INeuronCluster extends IDisposable {
  /**
   * The latest answer, or `null` before the first one. Prometheus's own
   * failures (not configured, unreachable) are in its `state`.
   */
  readonly answer: ClusterAPI.ICluster | null;

  /**
   * Why the latest request failed (the server did not answer), else `null`.
   */
  readonly error: string | null;

  /**
   * Whether a view of the model is on screen (nothing is fetched otherwise).
   */
  readonly isVisible: boolean;

  /**
   * Emitted after a new answer or error.
   */
  readonly changed: ISignal<INeuronCluster, void>;

  /**
   * Tell the model whether one of its views (named by `viewer`) is on screen.
   */
  setVisible(visible: boolean, viewer?: string): void;

  /**
   * Fetch now (when a view is on screen; otherwise as soon as one is).
   */
  refresh(): Promise<void>;

  /**
   * Whether the server has a Prometheus to read: asks once if nothing was
   * fetched yet.
   */
  isConfigured(): Promise<boolean>;

  /**
   * One node's history (mean utilization and device memory) over `minutes`.
   */
  history(
    instanceId: string,
    minutes?: number
  ): Promise<ClusterAPI.IClusterHistory>;
}

/**
 * The cluster model token.
 */
export const INeuronCluster = new Token<INeuronCluster>(
  'jupyterlab-neuron:INeuronCluster',
  'The Neuron nodes of the cluster, read from Prometheus by the server.'
);

/* ------------------------------------------------------------------------- */
/* NeuronCores per kernel                                                     */
/* ------------------------------------------------------------------------- */

/**
 * The NeuronCores each kernel holds (`GET cores`, fetched while a view shows
 * it), and asking for another count for a kernel.
 */
export interface INeuronCores extends IDisposable {
  /**
   * The latest answer, or `null` before the first one.
   */
  readonly answer: CoresAPI.ICores | null;

  /**
   * Why the latest request failed, else `null`.
   */
  readonly error: string | null;

  /**
   * Whether a view of the model is on screen (nothing is fetched otherwise).
   */
  readonly isVisible: boolean;

  /**
   * Emitted after a new answer or error.
   */
  readonly changed: ISignal<INeuronCores, void>;

  /**
   * Tell the model whether one of its views (named by `viewer`) is on screen.
   */
  setVisible(visible: boolean, viewer?: string): void;

  /**
   * Fetch now (when a view is on screen; otherwise as soon as one is).
   */
  refresh(): Promise<void>;

  /**
   * The lease of a kernel in the latest answer, `null` when it holds none.
   */
  leaseOf(kernelId: string | null | undefined): CoresAPI.ICoreLease | null;

  /**
   * Ask for `count` NeuronCores for a kernel, taken at its next restart.
   */
  setCount(kernelId: string, count: number): Promise<CoresAPI.ICoreCountChange>;
}

/**
 * The NeuronCores-per-kernel model token.
 */
export const INeuronCores = new Token<INeuronCores>(
  'jupyterlab-neuron:INeuronCores',
  'The NeuronCores each kernel holds (the neuron-cores kernel provisioner).'
);

/* ------------------------------------------------------------------------- */
/* The Neuron sidebar                                                         */
/* ------------------------------------------------------------------------- */

/**
 * One section of the Neuron sidebar, provided by a capability.
 */
export interface INeuronPanelSection {
  /** A short stable name, used in the DOM id (`jp-Neuron-section-<id>`). */
  id: string;
  /** The translated header label, asked again when the language changes. */
  label: (trans: TranslationBundle) => string;
  /** Render the section body (re-rendered when the language changes). */
  render: () => ReactElement;
  /** Told whether the body is on screen, so models pause when it is not. */
  setVisible?: (visible: boolean) => void;
}

/**
 * The Neuron sidebar, to which each capability's plugin adds its section.
 */
export interface INeuronPanel {
  /** The sidebar's widget id (what `app.shell.activateById` shows). */
  readonly id: string;
  /** Whether the sidebar is gone (a section added late checks it first). */
  readonly isDisposed: boolean;
  /**
   * Add a section. Sections are ordered by rank, lower first; equal ranks
   * keep the order they were added in. The capabilities use 100
   * (environment), 200 (compile cache), 300 (monitor), 400 (templates),
   * 500 (NeuronCores per kernel) and 600 (cluster).
   */
  addSection(section: INeuronPanelSection, options?: { rank?: number }): void;
}

/**
 * The Neuron sidebar token.
 */
export const INeuronPanel = new Token<INeuronPanel>(
  'jupyterlab-neuron:INeuronPanel',
  'The Neuron sidebar, to which each capability adds its section.'
);

/* ------------------------------------------------------------------------- */
/* Tutorial mode and error diagnosis                                          */
/* ------------------------------------------------------------------------- */
