/**
 * React glue: re-render a component when the monitor changes, only while the
 * component is on screen.
 */

import { ISignal, Signal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

import type { INeuronMonitor } from '../tokens';

/**
 * Whether a view is on screen, as a value with a change signal, so a React
 * component rendered once can follow it.
 */
export class ViewVisibility {
  /** Whether the view is on screen. */
  get visible(): boolean {
    return this._visible;
  }
  set visible(visible: boolean) {
    if (visible !== this._visible) {
      this._visible = visible;
      this._changed.emit(visible);
    }
  }

  /** Emitted with the new value. */
  get changed(): ISignal<this, boolean> {
    return this._changed;
  }

  private _visible = false;
  private _changed = new Signal<this, boolean>(this);
}

/**
 * Re-render the calling component after every change of `model`, while
 * `visibility` (if given) says the component is on screen; a hidden
 * component consumes nothing and catches up when shown again.
 */
export function useMonitorChanges(
  model: INeuronMonitor,
  visibility?: ViewVisibility
): void {
  const [, setVersion] = useState(0);
  const [visible, setVisible] = useState(visibility?.visible ?? true);
  useEffect(() => {
    if (!visibility) {
      return;
    }
    const onVisibility = (_: ViewVisibility, value: boolean) =>
      setVisible(value);
    visibility.changed.connect(onVisibility);
    setVisible(visibility.visible);
    return () => {
      visibility.changed.disconnect(onVisibility);
    };
  }, [visibility]);
  useEffect(() => {
    if (!visible) {
      return;
    }
    const onChanged = () => setVersion(version => version + 1);
    model.changed.connect(onChanged);
    // Catch up with what changed while hidden.
    onChanged();
    return () => {
      model.changed.disconnect(onChanged);
    };
  }, [model, visible]);
}
