/**
 * The one way a React view follows a model: re-render on its signals.
 */

import type { ISignal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

/**
 * Re-render the calling component whenever one of the signals is emitted.
 * Missing signals (an optional model that is not there) are skipped.
 *
 * The signals identify the subscription: pass the stable signals of
 * long-lived models (`model.changed`), not new objects on every render.
 */
export function useRerenderOn(
  ...signals: ReadonlyArray<ISignal<unknown, unknown> | null | undefined>
): void {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const onEmitted = () => setVersion(version => version + 1);
    for (const signal of signals) {
      signal?.connect(onEmitted);
    }
    return () => {
      for (const signal of signals) {
        signal?.disconnect(onEmitted);
      }
    };
  }, signals);
}
