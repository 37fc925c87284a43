/**
 * REST payloads of the environment routes (`GET version`, `GET environment`).
 */

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
