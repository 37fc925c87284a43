/**
 * Stand-ins for the services the tutorial uses: a monitor whose snapshots
 * the test pushes, and snapshot builders.
 */

import { Signal } from '@lumino/signaling';

import type {
  INeuronMonitor,
  INeuronMonitorHistory,
  NeuronMonitorConnection
} from '../../tokens';
import type * as MonitorAPI from '../../api/monitor';

/**
 * A monitor fed by the test: `push` hands a snapshot to the listeners.
 */
export class FakeMonitor implements INeuronMonitor {
  connection: NeuronMonitorConnection = 'websocket';
  status: MonitorAPI.MonitorStatus | null = null;
  snapshot: MonitorAPI.MonitorSnapshot | null = null;
  error: string | null = null;
  isDisposed = false;
  readonly viewers = new Set<string>();
  readonly history: INeuronMonitorHistory = {
    capacity: 0,
    length: 0,
    at: () => undefined,
    latest: () => undefined,
    firstIndexAfter: () => 0
  };
  readonly snapshotChanged = new Signal<this, MonitorAPI.MonitorSnapshot>(this);
  readonly statusChanged = new Signal<this, MonitorAPI.MonitorStatus>(this);
  readonly changed = new Signal<this, void>(this);

  get isVisible(): boolean {
    return this.viewers.size > 0;
  }

  get isActive(): boolean {
    return this.isVisible;
  }

  setVisible(visible: boolean, viewer = 'default'): void {
    if (visible) {
      this.viewers.add(viewer);
    } else {
      this.viewers.delete(viewer);
    }
  }

  async restart(): Promise<void> {
    // Nothing to restart.
  }

  push(snapshot: MonitorAPI.MonitorSnapshot): void {
    this.snapshot = snapshot;
    this.snapshotChanged.emit(snapshot);
    this.changed.emit();
  }

  dispose(): void {
    this.isDisposed = true;
  }
}

/**
 * A process of a snapshot.
 */
export function monitorProcess(
  fields: Partial<MonitorAPI.MonitorProcess> & { pid: number; cores: number[] }
): MonitorAPI.MonitorProcess {
  return {
    tag: String(fields.pid),
    address: null,
    error: '',
    command: 'python3 train.py',
    utilization: 80,
    host_bytes: 0,
    device_bytes: 0,
    vcpu: null,
    execution: null,
    execution_errors: null,
    latency: { total: null, device: null },
    models: [],
    group_errors: {},
    kernel: null,
    ...fields
  };
}

/**
 * A snapshot with the given utilization per core.
 */
export function snapshotOf(
  utilization: number[],
  processes: MonitorAPI.MonitorProcess[] = [],
  simulated = false
): MonitorAPI.MonitorSnapshot {
  return {
    schema_version: 1,
    seq: 1,
    timestamp: 1764381600,
    period: 1,
    simulated,
    instance_type: 'trn1.2xlarge',
    hardware: {
      device_count: 1,
      cores_per_device: utilization.length,
      logical_neuroncore_config: null,
      device_memory_bytes: null
    },
    cores: utilization.map((value, index) => ({
      index,
      device: 0,
      utilization: value,
      flops: null,
      memory_used_bytes: 0,
      pids: processes
        .filter(process => process.cores.includes(index))
        .map(process => process.pid ?? 0),
      physical: null
    })),
    devices: [],
    processes,
    system: null,
    errors: [],
    skipped_lines: 0
  };
}

/**
 * A kernel ownership record.
 */
export function kernelOf(
  kernelId: string,
  notebookPath: string | null
): MonitorAPI.MonitorKernel {
  return {
    kernel_id: kernelId,
    kernel_name: 'python3',
    kernel_pid: 4321,
    notebook_path: notebookPath,
    session_id: 'session',
    relation: 'descendant'
  };
}
