/**
 * The client-side monitor history: a bounded ring of compact samples.
 */

import type { INeuronMonitorHistory, INeuronMonitorSample } from '../tokens';
import type * as MonitorAPI from '../api/monitor';

/**
 * The sample of a snapshot (what the charts keep of it).
 */
export function sampleFromSnapshot(
  snapshot: MonitorAPI.MonitorSnapshot
): INeuronMonitorSample {
  const cores = new Float32Array(snapshot.cores.length);
  snapshot.cores.forEach((core, index) => {
    cores[index] = core.utilization;
  });
  const deviceMemory = new Float64Array(snapshot.devices.length);
  snapshot.devices.forEach((device, index) => {
    deviceMemory[index] = device.memory_used_bytes;
  });
  return {
    seq: snapshot.seq,
    timestamp: snapshot.timestamp,
    cores,
    meanUtilization: mean(cores),
    deviceMemory,
    hostMemoryUsed: snapshot.system?.memory_used_bytes ?? null,
    vcpuUsed: snapshot.system?.vcpu_used_percent ?? null
  };
}

/**
 * The sample of a point of `GET monitor/history`.
 */
export function sampleFromHistoryPoint(
  point: MonitorAPI.MonitorHistoryPoint
): INeuronMonitorSample {
  const cores = Float32Array.from(point.cores);
  return {
    seq: point.seq,
    timestamp: point.timestamp,
    cores,
    meanUtilization: mean(cores),
    deviceMemory: Float64Array.from(point.device_memory_used_bytes),
    hostMemoryUsed: point.host_memory_used_bytes,
    vcpuUsed: point.vcpu_used_percent
  };
}

function mean(values: Float32Array): number {
  if (values.length === 0) {
    return 0;
  }
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
  }
  return sum / values.length;
}

/**
 * A fixed-capacity ring of samples ordered by timestamp; the oldest drops out
 * when it is full. Appending is O(1) and allocates nothing.
 */
export class SampleRing implements INeuronMonitorHistory {
  constructor(capacity: number) {
    this._capacity = SampleRing.checkCapacity(capacity);
    this._items = new Array(this._capacity);
  }

  get capacity(): number {
    return this._capacity;
  }

  get length(): number {
    return this._size;
  }

  at(index: number): INeuronMonitorSample | undefined {
    if (index < 0 || index >= this._size || !Number.isInteger(index)) {
      return undefined;
    }
    return this._items[(this._head + index) % this._capacity];
  }

  latest(): INeuronMonitorSample | undefined {
    return this.at(this._size - 1);
  }

  /**
   * Add the newest sample. A sample not newer than the latest one (a repeated
   * snapshot) is ignored; returns whether it was added.
   */
  push(sample: INeuronMonitorSample): boolean {
    const last = this.latest();
    if (last && sample.timestamp <= last.timestamp) {
      return false;
    }
    if (this._size < this._capacity) {
      this._items[(this._head + this._size) % this._capacity] = sample;
      this._size += 1;
    } else {
      this._items[this._head] = sample;
      this._head = (this._head + 1) % this._capacity;
    }
    return true;
  }

  /**
   * Merge samples of any age (history fetched after the stream started):
   * keeps timestamp order, drops duplicates, keeps the newest `capacity`.
   */
  merge(samples: readonly INeuronMonitorSample[]): void {
    if (samples.length === 0) {
      return;
    }
    const all = [...this.toArray(), ...samples].sort(
      (a, b) => a.timestamp - b.timestamp
    );
    const unique: INeuronMonitorSample[] = [];
    for (const sample of all) {
      const previous = unique[unique.length - 1];
      if (!previous || sample.timestamp > previous.timestamp) {
        unique.push(sample);
      }
    }
    this._replace(unique.slice(-this._capacity));
  }

  firstIndexAfter(timestamp: number): number {
    let low = 0;
    let high = this._size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.at(middle)!.timestamp <= timestamp) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  /**
   * Change the capacity, keeping the newest samples.
   */
  resize(capacity: number): void {
    capacity = SampleRing.checkCapacity(capacity);
    if (capacity === this._capacity) {
      return;
    }
    const kept = this.toArray().slice(-capacity);
    this._capacity = capacity;
    this._replace(kept);
  }

  /**
   * Forget every sample.
   */
  clear(): void {
    this._items = new Array(this._capacity);
    this._head = 0;
    this._size = 0;
  }

  /**
   * The samples, oldest first (a copy).
   */
  toArray(): INeuronMonitorSample[] {
    const items: INeuronMonitorSample[] = [];
    for (let i = 0; i < this._size; i++) {
      items.push(this.at(i)!);
    }
    return items;
  }

  private _replace(samples: INeuronMonitorSample[]): void {
    this._items = new Array(this._capacity);
    samples.forEach((sample, index) => {
      this._items[index] = sample;
    });
    this._head = 0;
    this._size = samples.length;
  }

  private _capacity: number;
  private _items: INeuronMonitorSample[];
  private _head = 0;
  private _size = 0;
}

/**
 * The namespace for `SampleRing` statics.
 */
export namespace SampleRing {
  /** The smallest and largest capacities accepted. */
  export const MIN_CAPACITY = 10;
  export const MAX_CAPACITY = 86_400;

  /**
   * A valid capacity (an integer within bounds) from any number.
   */
  export function checkCapacity(capacity: number): number {
    if (!Number.isFinite(capacity)) {
      return MIN_CAPACITY;
    }
    return Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, Math.round(capacity)));
  }
}
