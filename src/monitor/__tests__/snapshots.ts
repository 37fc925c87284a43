import type * as MonitorAPI from '../../api/monitor';
/**
 * Monitor payloads for the tests, shaped like the server's JSON.
 */

const GIB = 1024 ** 3;

/**
 * A process of a snapshot.
 */
export function makeProcess(
  overrides: Partial<MonitorAPI.MonitorProcess> = {}
): MonitorAPI.MonitorProcess {
  return {
    pid: 4321,
    tag: '4321',
    address: null,
    error: '',
    command: 'python train.py',
    cores: [0],
    utilization: 88,
    host_bytes: 700 * 1024 ** 2,
    device_bytes: 3 * GIB,
    vcpu: { user: 95, system: 4 },
    execution: { completed: 9 },
    execution_errors: {
      generic: 0,
      numerical: 0,
      transient: 0,
      model: 0,
      runtime: 0,
      hardware: 0
    },
    latency: {
      total: { p50: 0.0915, p99: 0.1327 },
      device: { p50: 0.075, p99: 0.108 }
    },
    models: [],
    group_errors: {},
    kernel: null,
    ...overrides
  };
}

/**
 * Options of {@link makeSnapshot}.
 */
export interface ISnapshotOptions {
  seq?: number;
  timestamp?: number;
  devices?: number;
  coresPerDevice?: number;
  /** Physical cores per logical core (trn2), 1 for none. */
  physical?: number;
  utilization?: (core: number) => number;
  processes?: MonitorAPI.MonitorProcess[];
  simulated?: boolean;
  instanceType?: string;
  ecc?: Record<string, number> | null;
}

/**
 * A snapshot of `devices` x `coresPerDevice` cores (trn1.2xlarge by default).
 */
export function makeSnapshot(
  options: ISnapshotOptions = {}
): MonitorAPI.MonitorSnapshot {
  const devices = options.devices ?? 1;
  const perDevice = options.coresPerDevice ?? 2;
  const physical = options.physical ?? 1;
  const utilization = options.utilization ?? (core => (core === 0 ? 87 : 0));
  const processes = options.processes ?? [makeProcess()];
  const cores: MonitorAPI.MonitorCore[] = [];
  for (let index = 0; index < devices * perDevice; index++) {
    const value = utilization(index);
    cores.push({
      index,
      device: Math.floor(index / perDevice),
      utilization: value,
      flops: null,
      memory_used_bytes: value > 0 ? 3 * GIB : 0,
      pids: processes
        .filter(process => process.cores.includes(index))
        .map(process => process.pid!),
      physical:
        physical > 1
          ? Array.from({ length: physical }, (_, p) => ({
              name: `nc_v3.${p}`,
              utilization: value
            }))
          : null
    });
  }
  return {
    schema_version: 1,
    seq: options.seq ?? 1,
    timestamp: options.timestamp ?? 1_700_000_000,
    period: 1,
    simulated: options.simulated ?? true,
    instance_type: options.instanceType ?? 'trn1.2xlarge',
    hardware: {
      device_count: devices,
      cores_per_device: perDevice,
      logical_neuroncore_config: physical > 1 ? physical : null,
      device_memory_bytes: 32 * GIB
    },
    cores,
    devices: Array.from({ length: devices }, (_, index) => ({
      index,
      cores: Array.from(
        { length: perDevice },
        (__, c) => index * perDevice + c
      ),
      memory_used_bytes: 6 * GIB,
      memory_total_bytes: 32 * GIB,
      ecc:
        options.ecc === null
          ? null
          : {
              mem_ecc_corrected: 0,
              mem_ecc_uncorrected: 0,
              sram_ecc_corrected: 0,
              sram_ecc_uncorrected: 0,
              ...(options.ecc ?? {})
            }
    })),
    processes,
    system: {
      vcpu_count: 8,
      vcpu_usage: null,
      vcpu_used_percent: 27.5,
      memory_total_bytes: 32 * GIB,
      memory_used_bytes: 4 * GIB
    },
    errors: [],
    skipped_lines: 0
  };
}

/**
 * A simulated train-dual snapshot: two workers of notebooks on cores 0 and 1.
 */
export function trainDual(seq = 1): MonitorAPI.MonitorSnapshot {
  return makeSnapshot({
    seq,
    timestamp: 1_700_000_000 + seq,
    utilization: core => (core === 0 ? 88 : 86),
    processes: [
      makeProcess({
        pid: 1001,
        tag: '1001',
        cores: [0],
        kernel: {
          kernel_id: 'kernel-aaaa-1111',
          kernel_name: 'python3',
          kernel_pid: 1000,
          notebook_path: 'work/bert-train.ipynb',
          session_id: 'session-1',
          relation: 'descendant'
        }
      }),
      makeProcess({ pid: 5002, tag: '5002', cores: [1], utilization: 86 })
    ]
  });
}

/**
 * A trn2-like snapshot at 128 cores: 16 devices of 8 cores, 8 processes.
 */
export function largeSnapshot(seq = 1): MonitorAPI.MonitorSnapshot {
  const processes = Array.from({ length: 8 }, (_, n) =>
    makeProcess({
      pid: 2000 + n,
      tag: `worker-${n}`,
      cores: Array.from({ length: 16 }, (__, c) => n * 16 + c),
      utilization: 70
    })
  );
  return makeSnapshot({
    seq,
    timestamp: 1_700_000_000 + seq,
    devices: 16,
    coresPerDevice: 8,
    utilization: core => (core * 7) % 101,
    processes,
    instanceType: 'trn2.48xlarge'
  });
}

/**
 * A monitor status.
 */
export function makeStatus(
  overrides: Partial<MonitorAPI.MonitorStatus> = {}
): MonitorAPI.MonitorStatus {
  return {
    state: 'running',
    message: 'neuron-monitor is running.',
    pid: 777,
    command: ['neuron-monitor'],
    started_at: 1_700_000_000,
    restarts: 0,
    consecutive_failures: 0,
    last_exit_status: null,
    last_exit_reason: null,
    next_restart_at: null,
    detail: null,
    stderr_tail: [],
    simulated: true,
    simulated_instance: 'trn1.2xlarge',
    scenario: 'train-dual',
    subscribers: 1,
    polling: false,
    latest_seq: 1,
    last_report_at: 1_700_000_000,
    period: 1,
    history_length: 3600,
    history_size: 1,
    skipped_lines: 0,
    ...overrides
  };
}

/**
 * A history point like `GET monitor/history` returns.
 */
export function makeHistoryPoint(
  seq: number,
  timestamp: number,
  cores: number[] = [50, 0]
): MonitorAPI.MonitorHistoryPoint {
  return {
    seq,
    timestamp,
    cores,
    device_memory_used_bytes: [6 * GIB],
    host_memory_used_bytes: 4 * GIB,
    vcpu_used_percent: 20
  };
}
