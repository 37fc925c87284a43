/**
 * REST payloads of the monitor routes under `<base_url>/jupyterlab-neuron/monitor/`
 * (docs/monitor-api.md).
 */

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
