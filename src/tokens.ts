/**
 * The public surface of jupyterlab-neuron: command ids, service tokens and the
 * REST payload types shared with the server extension.
 *
 * Each capability adds its token, its service interface and its payload types
 * here, next to the existing ones, so other extensions can depend on them.
 */

import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

/**
 * The gettext domain of every user-facing string of the front end.
 */
export const TRANSLATION_DOMAIN = 'jupyterlab_neuron';

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
}

/* ------------------------------------------------------------------------- */
/* Language                                                                   */
/* ------------------------------------------------------------------------- */

/**
 * A language the panel is translated into.
 */
export type NeuronLanguage = 'ja' | 'en';

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
  readonly report: NeuronAPI.Environment | null;

  /**
   * What the server answered to the version handshake, once it answered.
   */
  readonly serverVersion: NeuronAPI.Version | null;

  /**
   * The message of the last failure when `state` is `error`, else `null`.
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
  readonly reportChanged: ISignal<INeuronEnvironment, NeuronAPI.Environment>;

  /**
   * Emitted after any change of the model (state, report, busy, error).
   */
  readonly changed: ISignal<INeuronEnvironment, void>;

  /**
   * Tell the model whether a view of it is on screen.
   */
  setVisible(visible: boolean): void;

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

/**
 * Payloads of the `<base_url>/jupyterlab-neuron/` REST API, named after the
 * resources (type aliases, so the names match the contract).
 */
export namespace NeuronAPI {
  /**
   * `GET version`.
   */
  export type Version = {
    /** The Python package version (`jupyterlab_neuron.__version__`). */
    version: string;
    /** The REST API generation. */
    api: number;
  };

  /**
   * `GET environment[?refresh=1]`: what the Neuron tools report.
   */
  export type Environment = {
    /** What running `neuron-ls` gave. */
    state: Environment.State;
    /** True when the data comes from the Neuron simulator. */
    simulated: boolean;
    /** The simulated instance type, when simulated. */
    simulated_instance: string | null;
    instance_type: string | null;
    instance_id: string | null;
    devices: Environment.Device[];
    /** Total NeuronCores of the instance. */
    neuroncores: number;
    neuroncores_per_device: number | null;
    /** Logical NeuronCore configuration (trn2), else `null`. */
    logical_neuroncore_config: number | null;
    device_memory_bytes: number | null;
    /** Package name -> installed version, `null` when not installed. */
    packages: Record<string, string | null>;
    /** The Python interpreter whose packages were listed. */
    packages_python: string | null;
    /** The Neuron SDK generation of those packages; `null` when they could not be listed. */
    sdk: Environment.Sdk | null;
    /**
     * The instance's documented `torchrun` worker counts and the recommended
     * one; `null` when the instance type is not in the catalogue.
     */
    workers: Environment.Workers | null;
    compile_cache_root: string | null;
    compile_cache: Environment.CompileCache;
    tools: Environment.Tools;
    error: Environment.Error | null;
    /** Human-readable problems, localized by `Accept-Language`. */
    problems: string[];
    /** Seconds since the epoch. */
    collected_at: number;
  };

  export namespace Environment {
    /**
     * What the Neuron tools found.
     */
    export type State = 'ok' | 'tools_not_found' | 'no_device' | 'tool_error';

    /**
     * Worker counts from the instance catalogue.
     */
    export type Workers = {
      /** The documented counts, smallest first; empty on inference instances. */
      counts: number[];
      basis: 'documented' | 'same-device' | 'inference-only';
      /** The largest count in one free aligned NeuronCore range; 0 when none fits. */
      recommended: number;
      /** That range as a `NEURON_RT_VISIBLE_CORES` value (`"8-15"`), else `null`. */
      visible_cores: string | null;
    };

    /**
     * The Neuron SDK generation of the listed packages: PyTorch/XLA
     * (`xla`, training up to torch-neuronx 2.9), TorchNeuron, or none.
     */
    export type Sdk = {
      generation: 'xla' | 'torchneuron' | 'none';
      torch_neuronx_version: string | null;
      /** The torch-neuronx line, e.g. `"2.9"`, when the version gives one. */
      line: string | null;
      can_train: boolean;
      can_infer: boolean;
      /** XLA companions (`torch-xla`, `libneuronxla`) missing from an XLA install. */
      missing: string[];
      /** Localized by `Accept-Language`. */
      description: string;
    };

    /**
     * Why the tools gave no usable report.
     */
    export type ErrorCode =
      | 'tools_not_found'
      | 'no_device'
      | 'exit_status'
      | 'timeout'
      | 'malformed_output'
      | 'launch_failed';

    /**
     * A process holding NeuronCores of a device.
     */
    export type Process = {
      pid: number;
      command: string;
      runtime_version: string | null;
    };

    /**
     * One Neuron device, as `neuron-ls -j` lists it.
     */
    export type Device = {
      index: number;
      neuroncore_ids: number[];
      nc_count: number;
      memory_bytes: number | null;
      bdf: string | null;
      /** A string as the tool prints it; `"-1"` when there is none. */
      numa_node: string | null;
      cpu_affinity: string | null;
      /** Indexes of linked devices, `null` on single-device instances. */
      connected_to: number[] | null;
      logical_neuroncore_config: number | null;
      processes: Process[];
    };

    /**
     * Which compile-cache root is in use and why.
     */
    export type CompileCache = {
      root: string | null;
      source: 'default' | 'NEURON_CC_FLAGS' | 'NEURON_COMPILE_CACHE_URL';
      /** True for an S3 (`s3://`) cache. */
      remote: boolean;
      /** True when `--no_cache` is set. */
      disabled: boolean;
    };

    /**
     * Where the Neuron tools were looked for and found.
     */
    export type Tools = {
      searched: string[];
      neuron_ls: string | null;
      neuron_monitor: string | null;
    };

    /**
     * Details of a tool failure.
     */
    export type Error = {
      code: ErrorCode;
      /** Localized by `Accept-Language`. */
      message: string;
      /** Stderr tail or parse error. */
      detail: string | null;
      exit_status: number | null;
    };
  }
}

/* ------------------------------------------------------------------------- */
/* Templates                                                                  */
/* ------------------------------------------------------------------------- */

/**
 * Command ids of the templates capability.
 */
export namespace CommandIDs {
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
}

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
  readonly templates: ReadonlyArray<NeuronAPI.TemplateSummary>;

  /**
   * Administrator templates that could not be used, and why.
   */
  readonly problems: ReadonlyArray<NeuronAPI.TemplateProblem>;

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
    ReadonlyArray<NeuronAPI.TemplateSummary>
  >;

  /**
   * Tell the model whether a view of it is on screen: the list is fetched
   * the first time one is.
   */
  setVisible(visible: boolean): void;

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
    params?: NeuronAPI.TemplateParameterValues
  ): Promise<NeuronAPI.TemplateDetail>;

  /**
   * Render a template (or one step) as cells for insertion.
   */
  renderCells(
    id: string,
    request?: NeuronAPI.TemplateRenderOptions
  ): Promise<NeuronAPI.TemplateRenderedCells>;

  /**
   * Render a template as a whole notebook.
   */
  renderNotebook(
    id: string,
    request?: NeuronAPI.TemplateRenderOptions
  ): Promise<NeuronAPI.TemplateRenderedNotebook>;

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
  params?: NeuronAPI.TemplateParameterValues;
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
  params?: NeuronAPI.TemplateParameterValues;
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

/**
 * Payloads of the templates routes (`templates`, `templates/<id>`,
 * `templates/<id>/render`).
 */
export namespace NeuronAPI {
  /**
   * The value of a template parameter.
   */
  export type TemplateParameterValue = boolean | number | string | number[];

  /**
   * Parameter name -> value.
   */
  export type TemplateParameterValues = Record<string, TemplateParameterValue>;

  /**
   * `GET templates`.
   */
  export type TemplateList = {
    templates: TemplateSummary[];
    problems: TemplateProblem[];
  };

  /**
   * One template in the list, in the requested language.
   */
  export type TemplateSummary = {
    id: string;
    title: string;
    /** Markdown. */
    description: string;
    /** The languages the template is written in. */
    languages: string[];
    /** Instance types the template is written and checked for. */
    target_instances: string[];
    sdk: { generation: string; note: string };
    /** `builtin` (shipped) or `admin` (from a Jupyter data directory). */
    origin: 'builtin' | 'admin';
    steps: { id: string; title: string }[];
  };

  /**
   * A template file that could not be used.
   */
  export type TemplateProblem = {
    path: string;
    origin: string;
    kind: string;
    /** Localized. */
    message: string;
    errors: string[];
  };

  /**
   * `GET templates/<id>[?params=...]`: the template, its parameters resolved
   * for the environment, and its steps.
   */
  export type TemplateDetail = Omit<TemplateSummary, 'steps'> & {
    lang: NeuronLanguage;
    environment: TemplateEnvironment;
    /** Whether the resolved parameters turn the CPU smoke mode on. */
    smoke: boolean;
    parameters: TemplateParameter[];
    steps: TemplateStep[];
    /** Localized warnings (not a target instance, NeuronCores in use...). */
    warnings: string[];
  };

  /**
   * The environment facts the parameters were derived from.
   */
  export type TemplateEnvironment = {
    source: 'detected' | 'simulated' | 'instance' | 'none';
    instance_type: string | null;
    neuroncores: number;
    simulated: boolean;
    runs_on_neuron: boolean;
    compile_cache_dir: string;
    busy_processes: { pid: number; command: string; device: number }[];
    /** Localized, e.g. `trn1.2xlarge (2 NeuronCores, simulated)`. */
    description: string;
  };

  /**
   * The type of a parameter, as the form edits it.
   */
  export type TemplateParameterType =
    'boolean' | 'integer' | 'number' | 'string' | 'integer_list';

  /**
   * A parameter with the value the notebook would use, and why.
   */
  export type TemplateParameter = {
    name: string;
    /** The Python variable in the notebook (`name` upper-cased). */
    variable: string;
    type: TemplateParameterType;
    label: string;
    description: string;
    default: TemplateParameterValue;
    smoke_default: TemplateParameterValue | null;
    value: TemplateParameterValue;
    origin: 'user' | 'smoke_default' | 'derived' | 'default';
    derive: string | null;
    /** Localized: how the value was derived from the environment. */
    derivation: string | null;
    choices: TemplateParameterValue[] | null;
    minimum: number | null;
    maximum: number | null;
    /** Shown folded away in the form. */
    advanced: boolean;
  };

  /**
   * One step of a template, for the preview.
   */
  export type TemplateStep = {
    id: string;
    number: number;
    title: string;
    /** Markdown, with the parameter values filled in. */
    explanation: string;
    /** The Markdown of the step's first cell (heading, explanation, duration). */
    markdown: string;
    /** Whether the step needs Neuron hardware (skipped in smoke mode). */
    neuron_only: boolean;
    /** Instance type -> expected minutes, where known. */
    duration_minutes: Record<string, number>;
    /** Number of cells of the step. */
    cells: number;
    /** Earlier steps defining variables this step uses. */
    depends_on: string[];
    /** Names of the parameters the step uses. */
    parameters: string[];
  };

  /**
   * The body of `POST templates/<id>/render` (without `format`).
   */
  export type TemplateRenderOptions = {
    /** Values the user chose; the others are derived by the server. */
    params?: TemplateParameterValues;
    /** One step only, else the whole template. */
    step?: string | null;
    /** Add the parameters and helper cells before the cells (default true). */
    include_setup?: boolean | null;
    /** Plan for this instance type instead of the detected environment. */
    instance?: string | null;
    lang?: NeuronLanguage;
  };

  /**
   * `metadata.jupyterlab_neuron` of every rendered cell.
   */
  export type TemplateCellMetadata = {
    template: string;
    /** The step id (`setup` for the cells before the first step). */
    step: string;
    role: string;
    lang: NeuronLanguage;
  };

  /**
   * A rendered cell (nbformat v4, without an id).
   */
  export type TemplateCell = {
    cell_type: 'code' | 'markdown';
    source: string;
    metadata: {
      jupyterlab_neuron: TemplateCellMetadata;
      tags?: string[];
      [key: string]: unknown;
    };
    outputs?: unknown[];
    execution_count?: number | null;
    id?: string;
  };

  /**
   * What every rendering answers.
   */
  export type TemplateRenderedBase = {
    template: string;
    lang: NeuronLanguage;
    step: string | null;
    smoke: boolean;
    /** The values used for every parameter. */
    parameters: TemplateParameterValues;
    warnings: string[];
  };

  /**
   * `POST templates/<id>/render` with `format: "cells"`.
   */
  export type TemplateRenderedCells = TemplateRenderedBase & {
    cells: TemplateCell[];
    /** The notebook-level `metadata.jupyterlab_neuron`. */
    metadata: Record<string, unknown>;
  };

  /**
   * `POST templates/<id>/render` with `format: "notebook"`.
   */
  export type TemplateRenderedNotebook = TemplateRenderedBase & {
    notebook: {
      cells: TemplateCell[];
      metadata: Record<string, unknown>;
      nbformat: number;
      nbformat_minor: number;
    };
  };
}

/* ------------------------------------------------------------------------- */
/* Compile cache                                                              */
/* ------------------------------------------------------------------------- */

export namespace CommandIDs {
  /** Open the compile-cache view in the main area. */
  export const openCompileCache = 'jupyterlab-neuron:open-compile-cache';
  /** Scan the compile caches again now. */
  export const refreshCompileCache = 'jupyterlab-neuron:refresh-compile-cache';
}

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
  readonly status: NeuronAPI.Cache.Status | null;

  /**
   * The message of the last failure when `state` is `error`, else `null`.
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
  listEntries(
    query: NeuronAPI.Cache.EntryQuery
  ): Promise<NeuronAPI.Cache.EntryPage>;

  /**
   * One entry with its files, flags and log tail (`GET cache/entries/{id}`).
   */
  entryDetail(id: string): Promise<NeuronAPI.Cache.EntryDetail>;

  /**
   * The dry run of a clean: exactly what it would remove, and a plan token.
   */
  dryRun(
    request: NeuronAPI.Cache.CleanRequest
  ): Promise<NeuronAPI.Cache.CleanResult>;

  /**
   * The real run of a clean with the token of its dry run. Rejects with a
   * `ServerConnection.ResponseError` of status 409 when the cache changed
   * since the dry run (nothing is removed then). Reloads the status after.
   */
  clean(
    request: NeuronAPI.Cache.CleanRequest,
    planToken: string
  ): Promise<NeuronAPI.Cache.CleanResult>;
}

/**
 * The compile-cache model token.
 */
export const INeuronCompileCache = new Token<INeuronCompileCache>(
  'jupyterlab-neuron:INeuronCompileCache',
  'The Neuron compile caches of the server: status, entries and cleaning.'
);

export namespace NeuronAPI {
  /**
   * Payloads of the `cache/*` routes (jupyterlab_neuron/openapi.yaml).
   */
  export namespace Cache {
    /**
     * The state of an entry, in the order the SDK classifies them.
     */
    export type EntryState =
      | 'success'
      | 'failed'
      | 'compiling'
      | 'stale_lock'
      | 'empty'
      /** A symbolic link where an entry folder belongs: not an entry. */
      | 'link';

    /**
     * Entries per state.
     */
    export type StateCounts = Record<EntryState, number>;

    /**
     * SDK generation of an entry's naming.
     */
    export type Naming = '2024' | '2023' | '2022' | 'unknown';

    /**
     * Whether a root can be scanned and cleaned.
     */
    export type RootState =
      | 'ok'
      | 'missing'
      | 'not_directory'
      | 'unreadable'
      | 'read_only'
      | 'remote';

    /**
     * Where a root was found.
     */
    export type RootSource =
      | 'NEURON_CC_FLAGS'
      | 'NEURON_COMPILE_CACHE_URL'
      | 'default'
      | 'settings'
      | 'project'
      | 'cli';

    /**
     * One compile-cache root (`GET cache/roots`).
     */
    export type Root = {
      id: string;
      /** Absolute folder, or the URL of a remote cache. */
      path: string;
      configured: string;
      sources: RootSource[];
      state: RootState;
      /** An S3 cache that cannot be read because boto3 is not installed. */
      remote: boolean;
      /** False while `remote` is true. */
      managed: boolean;
      /** Where the entries live: a local folder or an S3 prefix (`s3://bucket/prefix`). */
      store: 'local' | 's3';
      scannable: boolean;
      writable: boolean;
      /** The root the compiler uses with the server's environment. */
      active: boolean;
      /** `--no_cache` is in NEURON_CC_FLAGS. */
      disabled: boolean;
      /** Generated by `jupyter neuron simulate cache`. */
      simulated: boolean;
      /** Why the root is not fully usable (localized), else `null`. */
      message: string | null;
      /** Localized notes. */
      notes: string[];
    };

    /**
     * The bounded search for per-project caches.
     */
    export type ProjectSearch = {
      start: string | null;
      depth: number;
      limit: number;
      visited: number;
      truncated: boolean;
      found: string[];
    };

    /**
     * `GET cache/roots`.
     */
    export type Roots = {
      roots: Root[];
      project_search: ProjectSearch;
      trash_name: string;
    };

    /**
     * One compiler-version folder of a root.
     */
    export type Version = {
      id: string;
      name: string;
      naming: Naming;
      compiler_version: string;
      entries: number;
      bytes: number;
      disk_bytes: number;
      counts: StateCounts;
      /** Entries compiling or in use. */
      protected: number;
      in_use: number;
      last_used: number | null;
      /** The newest compiler version of its root. */
      newest: boolean;
      symlink: boolean;
      other_files: number;
      other_bytes: number;
      other_dirs: number;
    };

    /**
     * A root with the totals of its last scan.
     */
    export type RootSummary = Root & {
      scanned: boolean;
      scan_error: string | null;
      entries: number;
      total_bytes: number;
      disk_bytes: number;
      counts: StateCounts;
      in_use: number;
      protected: number;
      /** Free space for unprivileged users on the root's file system. */
      free_bytes: number | null;
      fs_total_bytes: number | null;
      /** Newest compiler version first. */
      versions: Version[];
      other_names: string[];
    };

    /**
     * A running Neuron compiler.
     */
    export type CompilerProcess = {
      pid: number;
      name: 'neuronx-cc' | 'neuron-cc';
      command: string;
    };

    /**
     * `GET cache/status[?refresh=1]`.
     */
    export type Status = {
      /** Changes whenever anything shown changed. */
      revision: string;
      scanned_at: number;
      scan_seconds: number;
      /** Some root is a simulated cache. */
      simulated: boolean;
      compiler_running: boolean;
      compilers: CompilerProcess[];
      /** Whether "in use" could be told (the monitor is running). */
      monitor_available: boolean;
      totals: { entries: number; bytes: number; counts: StateCounts };
      roots: RootSummary[];
      project_search: ProjectSearch;
    };

    /**
     * Why an entry cannot be removed now.
     */
    export type Protection = 'compiling' | 'in_use';

    /**
     * One entry (`MODULE_*` folder).
     */
    export type Entry = {
      /** `<version id>:<MODULE_ folder name>`. */
      id: string;
      root_id: string;
      root: string;
      version: string;
      module: string;
      path: string;
      naming: Naming;
      state: EntryState;
      bytes: number;
      disk_bytes: number;
      files: number;
      created: number;
      last_used: number;
      locked: boolean;
      lock_age_seconds: number | null;
      protected: Protection | null;
      in_use: boolean;
      symlink: boolean;
      has_log: boolean;
      has_flags: boolean;
      error: string | null;
    };

    /**
     * Sort keys of the entry list.
     */
    export type SortKey =
      'last_used' | 'bytes' | 'created' | 'module' | 'version' | 'state';

    /**
     * The query of `GET cache/entries` (empty lists mean "any").
     */
    export type EntryQuery = {
      roots?: string[];
      versions?: string[];
      states?: EntryState[];
      /** Text found in the id, module or version name. */
      text?: string;
      sort?: SortKey;
      order?: 'asc' | 'desc';
      offset?: number;
      /** 1 to 1000. */
      limit?: number;
    };

    /**
     * `GET cache/entries`: one page.
     */
    export type EntryPage = {
      revision: string;
      scanned_at: number;
      /** Entries matching the filters. */
      total: number;
      offset: number;
      limit: number;
      sort: string;
      order: 'asc' | 'desc';
      items: Entry[];
    };

    /**
     * `GET cache/entries/{id}`.
     */
    export type EntryDetail = Entry & {
      contents: {
        path: string;
        /** `hardlink`: a file with other names elsewhere, listed but never read. */
        kind: 'file' | 'hardlink' | 'dir' | 'symlink' | 'other';
        bytes: number;
        mtime: number;
      }[];
      contents_truncated: boolean;
      /** From `compile_flags.json`: a list, its text, or `null` without it. */
      flags: string[] | string | null;
      /** The end of `model.log` (failed entries), else `null`. */
      log_tail: string | null;
      log_truncated: boolean;
      locks: { path: string; mtime: number }[];
      detail_error: string | null;
    };

    /**
     * What to clean: the union of the selectors is removed.
     */
    export type CleanRequest = {
      /** Root ids the root-wide selectors apply to (empty: every root). */
      roots?: string[];
      /** Entry ids. */
      entries?: string[];
      failed?: boolean;
      /** Removes only the lock files of stale locks. */
      stale_locks?: boolean;
      /** Every compiler version but the newest, per root. */
      old_versions?: boolean;
      /** Version ids. */
      versions?: string[];
      /** Prune each root to at most this size, least recently used first. */
      max_bytes?: number | null;
      /** Everything in the one root of `roots`. */
      wipe?: boolean;
    };

    /**
     * One item of a plan, in removal order.
     */
    export type PlanItem = {
      kind: 'entry' | 'lock' | 'version';
      id: string;
      root_id: string;
      root: string;
      version: string;
      module: string | null;
      /** Relative to the root. */
      path: string;
      bytes: number;
      state: string | null;
      reasons: (
        | 'selected'
        | 'failed'
        | 'stale_lock'
        | 'old_version'
        | 'version'
        | 'quota'
        | 'wipe'
      )[];
      symlink: boolean;
    };

    /**
     * `POST cache/clean`: the plan (dry run) or what was done (real run).
     */
    export type CleanResult = {
      dry_run: boolean;
      plan_token: string;
      request: Required<CleanRequest>;
      items: PlanItem[];
      /** Ids removed, or that would be removed. */
      removed: string[];
      bytes_freed: number;
      /** Chosen but kept (compiling, in use, version folder still needed). */
      skipped: {
        kind: 'entry' | 'lock' | 'version';
        id: string;
        path: string;
        reason: 'compiling' | 'in_use' | 'version_kept';
        /** Localized. */
        message: string;
      }[];
      /** Already gone when the real run reached them. */
      missing: string[];
      /** Left in place (changed at the last moment, or an OS error). */
      failed: { id: string; path: string; message: string }[];
      /** Localized. */
      warnings: string[];
      scanned_at: number;
    };
  }
}

/* ------------------------------------------------------------------------- */
/* Monitor                                                                    */
/* ------------------------------------------------------------------------- */

/**
 * Command ids of the NeuronCore monitor.
 */
export namespace CommandIDs {
  /** Open (or activate) the NeuronCore dashboard in the main area. */
  export const openMonitorDashboard =
    'jupyterlab-neuron:open-monitor-dashboard';
  /** Start neuron-monitor again on the server (after it failed). */
  export const restartMonitor = 'jupyterlab-neuron:restart-monitor';
}

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
  readonly status: NeuronAPI.MonitorStatus | null;
  /** The latest snapshot, once received. */
  readonly snapshot: NeuronAPI.MonitorSnapshot | null;
  /** The bounded history of samples. */
  readonly history: INeuronMonitorHistory;
  /** The message of the last failure when `connection` is `error`. */
  readonly error: string | null;
  /** Whether any view is visible (the model receives data only then). */
  readonly isActive: boolean;
  /** Emitted with each snapshot handed to the views. */
  readonly snapshotChanged: ISignal<INeuronMonitor, NeuronAPI.MonitorSnapshot>;
  /** Emitted with each new monitor status. */
  readonly statusChanged: ISignal<INeuronMonitor, NeuronAPI.MonitorStatus>;
  /** Emitted after any change (connection, status, snapshot, history). */
  readonly changed: ISignal<INeuronMonitor, void>;
  /**
   * Tell the model whether one view (named by `viewer`, unique per view) is
   * on screen. The stream runs while at least one is.
   */
  setVisible(viewer: string, visible: boolean): void;
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

/**
 * Payloads of the monitor routes under `<base_url>/jupyterlab-neuron/monitor/`.
 */
export namespace NeuronAPI {
  /**
   * The state of the server's neuron-monitor child process.
   */
  export type MonitorState =
    | 'stopped'
    | 'starting'
    | 'running'
    | 'restarting'
    | 'crash_loop'
    | 'not_installed'
    | 'failed';

  /**
   * `GET monitor/status` (also in stream `status` messages).
   */
  export type MonitorStatus = {
    state: MonitorState;
    /** Localized explanation of the state. */
    message: string;
    pid: number | null;
    command: string[] | null;
    started_at: number | null;
    restarts: number;
    consecutive_failures: number;
    last_exit_status: number | null;
    last_exit_reason: string | null;
    /** Seconds since the epoch of the next restart when `restarting`. */
    next_restart_at: number | null;
    detail: string | null;
    /** The last lines neuron-monitor wrote on stderr. */
    stderr_tail: string[];
    /** Set while `crash_loop`: exits within `window` seconds; restarts wait `backoff`. */
    crash_loop?: { exits: number; window: number; backoff: number } | null;
    simulated: boolean;
    simulated_instance: string | null;
    scenario: string | null;
    subscribers: number;
    polling: boolean;
    latest_seq: number | null;
    last_report_at: number | null;
    /** Seconds between neuron-monitor reports (a server setting). */
    period: number;
    history_length: number;
    history_size: number;
    skipped_lines: number;
    last_problem?: string | null;
  };

  /**
   * One NeuronCore of a snapshot, summed over the runtimes using it.
   */
  export type MonitorCore = {
    index: number;
    device: number | null;
    /** Percent. */
    utilization: number;
    flops: number | null;
    memory_used_bytes: number;
    pids: number[];
    /** Physical cores of a logical NeuronCore (trn2), else `null`. */
    physical: { name: string; utilization: number }[] | null;
  };

  /**
   * One Neuron device of a snapshot.
   */
  export type MonitorDevice = {
    index: number;
    cores: number[];
    memory_used_bytes: number;
    memory_total_bytes: number | null;
    /** ECC counters, when reported. */
    ecc: Record<string, number> | null;
  };

  /**
   * Latency percentiles in seconds (`p0`, `p1`, `p25`, `p50`, `p75`, `p99`, `p100`).
   */
  export type MonitorLatency = Record<string, number> | null;

  /**
   * The Jupyter kernel (and notebook) a Neuron runtime process belongs to.
   */
  export type MonitorKernel = {
    kernel_id: string;
    kernel_name: string | null;
    kernel_pid: number;
    notebook_path: string | null;
    session_id: string | null;
    /** `kernel`: the process is the kernel; `descendant`: started by it. */
    relation: 'kernel' | 'descendant' | string;
  };

  /**
   * One Neuron runtime (a process holding NeuronCores).
   */
  export type MonitorProcess = {
    pid: number | null;
    tag: string;
    address: string | null;
    /** The runtime's own error string ('' when none). */
    error: string;
    command: string | null;
    /** Indices of the cores it actually uses. */
    cores: number[];
    /** Mean utilization percent over its cores. */
    utilization: number;
    host_bytes: number;
    device_bytes: number;
    vcpu: Record<string, number> | null;
    execution: Record<string, number> | null;
    execution_errors: Record<string, number> | null;
    latency: { total: MonitorLatency; device: MonitorLatency };
    models: {
      name: string;
      model_id: number | null;
      is_running: boolean;
      cores: number[];
      device_bytes: number;
    }[];
    group_errors: Record<string, string>;
    kernel: MonitorKernel | null;
  };

  /**
   * Host facts of a snapshot.
   */
  export type MonitorSystem = {
    vcpu_count: number | null;
    vcpu_usage: Record<string, number> | null;
    vcpu_used_percent: number | null;
    memory_total_bytes: number | null;
    memory_used_bytes: number | null;
  };

  /**
   * One normalized neuron-monitor report (`GET monitor/snapshot`, stream
   * `snapshot` messages).
   */
  export type MonitorSnapshot = {
    schema_version: number;
    seq: number;
    timestamp: number;
    period: number | null;
    simulated: boolean;
    instance_type: string | null;
    hardware: {
      device_count: number | null;
      cores_per_device: number | null;
      logical_neuroncore_config: number | null;
      device_memory_bytes: number | null;
    };
    cores: MonitorCore[];
    devices: MonitorDevice[];
    processes: MonitorProcess[];
    system: MonitorSystem | null;
    errors: { group: string; message: string; pid: number | null }[];
    skipped_lines: number;
  };

  /**
   * `GET monitor/snapshot[?after=SEQ&timeout=S]`.
   */
  export type MonitorSnapshotReply = {
    status: MonitorStatus;
    snapshot: MonitorSnapshot | null;
  };

  /**
   * One point of `GET monitor/history`.
   */
  export type MonitorHistoryPoint = {
    seq: number;
    timestamp: number;
    cores: number[];
    device_memory_used_bytes: number[];
    host_memory_used_bytes: number | null;
    vcpu_used_percent: number | null;
  };

  /**
   * `GET monitor/history?since=TS&limit=N`.
   */
  export type MonitorHistory = {
    period: number;
    history_length: number;
    latest_seq: number | null;
    points: MonitorHistoryPoint[];
  };

  /**
   * A message of the `monitor/stream` WebSocket.
   */
  export type MonitorStreamMessage =
    | { type: 'status'; status: MonitorStatus }
    | { type: 'snapshot'; snapshot: MonitorSnapshot }
    | { type: 'pong' };
}

/* ------------------------------------------------------------------------- */
/* Tutorial mode and error diagnosis                                          */
/* ------------------------------------------------------------------------- */

/**
 * Command ids of the tutorial mode.
 */
export namespace CommandIDs {
  /**
   * Turn the tutorial mode of the current notebook on or off (the guide in
   * the right sidebar follows the notebook's steps).
   */
  export const toggleTutorial = 'jupyterlab-neuron:toggle-tutorial';
  /** Show the tutorial guide in the right sidebar. */
  export const openTutorialGuide = 'jupyterlab-neuron:open-tutorial-guide';
}

/**
 * Payloads of the diagnosis routes (`diagnose`, `diagnose/catalogue`;
 * docs/diagnose-api.md).
 */
export namespace NeuronAPI {
  /**
   * What a diagnosis action button does (labels in the catalogue's `actions`).
   */
  export type DiagnoseActionId =
    | 'show-core-holders'
    | 'shut-down-kernel'
    | 'restart-kernel'
    | 'delete-failed-cache-entry'
    | 'clear-stale-locks'
    | 'show-compile-cache'
    | 'show-device-memory'
    | 'choose-kernel';

  /**
   * A documentation link, titled in the requested language.
   */
  export type DiagnoseReference = { url: string; title: string };

  /**
   * A known failure, in the requested language.
   */
  export type DiagnoseEntry = {
    id: string;
    title: string;
    /** What the error means. */
    explanation: string;
    /** Why it happens on Neuron. */
    cause: string;
    /** What to do, in order; inline code in backticks. */
    steps: string[];
    actions: DiagnoseActionId[];
    reference: DiagnoseReference;
  };

  /**
   * `POST diagnose` for a known failure.
   */
  export type DiagnoseMatch = DiagnoseEntry & {
    /** The line of the error that matched (at most 300 characters). */
    excerpt: string;
  };

  /**
   * `POST diagnose`: a known failure with what was read from the text, or
   * `{"match": null}`.
   */
  export type Diagnosis =
    | { match: DiagnoseMatch; details: Record<string, string | number> }
    | { match: null; details?: undefined };

  /**
   * `GET diagnose/catalogue`: the whole catalogue in one language.
   */
  export type DiagnoseCatalogue = {
    version: number;
    lang: NeuronLanguage;
    /** Action id -> button label. */
    actions: Record<string, string>;
    entries: DiagnoseEntry[];
    /** What to show for an unknown error. */
    fallback: {
      title: string;
      explanation: string;
      reference: DiagnoseReference;
    };
  };
}
