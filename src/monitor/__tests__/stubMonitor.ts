/**
 * A monitor whose data the view tests set directly.
 */

import { Signal } from '@lumino/signaling';

import type { INeuronMonitor, NeuronMonitorConnection } from '../../tokens';
import { SampleRing, sampleFromSnapshot } from '../history';
import type * as MonitorAPI from '../../api/monitor';

export class StubMonitor implements INeuronMonitor {
  connection: NeuronMonitorConnection = 'websocket';
  status: MonitorAPI.MonitorStatus | null = null;
  snapshot: MonitorAPI.MonitorSnapshot | null = null;
  history = new SampleRing(100);
  error: string | null = null;
  isDisposed = false;
  visibility = new Map<string, boolean>();
  restarts = 0;
  readonly snapshotChanged: Signal<INeuronMonitor, MonitorAPI.MonitorSnapshot> =
    new Signal(this);
  readonly statusChanged: Signal<INeuronMonitor, MonitorAPI.MonitorStatus> =
    new Signal(this);
  readonly changed: Signal<INeuronMonitor, void> = new Signal(this);

  get isVisible(): boolean {
    return [...this.visibility.values()].some(visible => visible);
  }

  get isActive(): boolean {
    return this.isVisible;
  }

  setVisible(visible: boolean, viewer = 'default'): void {
    this.visibility.set(viewer, visible);
  }

  async restart(): Promise<void> {
    this.restarts += 1;
  }

  /** Take a snapshot as the stream would, and tell the views. */
  receive(snapshot: MonitorAPI.MonitorSnapshot): void {
    this.snapshot = snapshot;
    this.history.push(sampleFromSnapshot(snapshot));
    this.snapshotChanged.emit(snapshot);
    this.changed.emit();
  }

  setStatus(status: MonitorAPI.MonitorStatus): void {
    this.status = status;
    this.statusChanged.emit(status);
    this.changed.emit();
  }

  dispose(): void {
    this.isDisposed = true;
  }
}
