/**
 * Waiting in the front-end tests: for timers and promises to run, for a
 * condition, or for a model's change that makes a predicate hold.
 */

import type { ISignal } from '@lumino/signaling';

/**
 * Let queued timers and promises run.
 */
export function settle(ms = 30): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Resolve once `condition` holds, checking after every `pause` (a few
 * milliseconds by default; React tests pass one wrapped in `act`).
 */
export async function waitUntil(
  condition: () => boolean,
  options: { timeout?: number; pause?: () => Promise<unknown> } = {}
): Promise<void> {
  const deadline = Date.now() + (options.timeout ?? 5000);
  const pause = options.pause ?? (() => settle(5));
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('Timed out waiting for a condition');
    }
    await pause();
  }
}

/**
 * Something with a `changed` signal (a model), maybe with a `state`.
 */
export interface IChanging {
  readonly changed: ISignal<any, any>;
  readonly state?: unknown;
}

/**
 * Resolve once `predicate` holds, checking it again on every change of
 * `target`; the error names the target's state when it has one.
 */
export function waitFor<T extends IChanging>(
  target: T,
  predicate: (target: T) => boolean,
  timeout = 5000
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(target)) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      target.changed.disconnect(check);
      reject(
        new Error(
          target.state === undefined
            ? 'Timed out waiting for a change'
            : `Timed out; the state is ${String(target.state)}`
        )
      );
    }, timeout);
    function check(): void {
      if (predicate(target)) {
        clearTimeout(timer);
        target.changed.disconnect(check);
        resolve();
      }
    }
    target.changed.connect(check);
  });
}
