/**
 * The NeuronCores-per-kernel model: the latest `GET cores` answer, fetched
 * while a view shows it, and asking for another count for a kernel.
 */

import type { ICoreCountChange, ICoreLease, ICores } from '../api/cores';
import { PollingModel } from '../polling';
import type { INeuronCores } from '../tokens';

/**
 * `NC 8–15` (an en dash between the first and last core), `NC 3` for one core.
 */
export function coresLabel(lease: Pick<ICoreLease, 'cores'>): string {
  const cores = lease.cores;
  if (cores.length === 0) {
    return 'NC';
  }
  const first = cores[0];
  const last = cores[cores.length - 1];
  return first === last ? `NC ${first}` : `NC ${first}\u2013${last}`;
}

/**
 * Polls `GET cores` while visible.
 */
export class CoresModel extends PollingModel<ICores> implements INeuronCores {
  constructor(options: PollingModel.IOptions = {}) {
    super(options, {
      name: 'jupyterlab-neuron:cores',
      interval: 5000,
      maxBackoff: 60_000
    });
  }

  /** The latest answer. */
  get answer(): ICores | null {
    return this.result;
  }

  /** The lease of a kernel, `null` when it holds none. */
  leaseOf(kernelId: string | null | undefined): ICoreLease | null {
    const answer = this.answer;
    if (!kernelId || !answer) {
      return null;
    }
    return answer.leases.find(l => l.kernel_id === kernelId) ?? null;
  }

  /**
   * Ask for `count` NeuronCores for a kernel, taken at its next restart.
   */
  setCount(kernelId: string, count: number): Promise<ICoreCountChange> {
    return this.request<ICoreCountChange>(
      `cores/${encodeURIComponent(kernelId)}`,
      { method: 'POST', body: JSON.stringify({ cores: count }) }
    );
  }

  protected fetch(): Promise<ICores> {
    return this.request<ICores>('cores');
  }
}
