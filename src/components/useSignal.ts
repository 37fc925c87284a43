import type { ISignal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

/**
 * Re-render the calling component whenever one of the signals is emitted.
 */
export function useRerenderOn(...signals: ISignal<unknown, unknown>[]): void {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const onEmitted = () => setVersion(version => version + 1);
    for (const signal of signals) {
      signal.connect(onEmitted);
    }
    return () => {
      for (const signal of signals) {
        signal.disconnect(onEmitted);
      }
    };
    // The signals are stable properties of long-lived models.
  }, signals);
}
