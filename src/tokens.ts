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
