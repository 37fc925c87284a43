/**
 * React glue: re-render a component when the monitor changes.
 */

import { useEffect, useState } from 'react';

import type { INeuronMonitor } from '../tokens';

/**
 * Re-render the calling component after every change of `model`.
 */
export function useMonitorChanges(model: INeuronMonitor): void {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const onChanged = () => setVersion(version => version + 1);
    model.changed.connect(onChanged);
    return () => {
      model.changed.disconnect(onChanged);
    };
  }, [model]);
}
