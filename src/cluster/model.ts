/**
 * The cluster model: the latest `GET cluster` answer, fetched only while a
 * view shows it, and one node's history on demand.
 */

import type { ICluster, IClusterHistory } from '../api/cluster';
import { PollingModel } from '../polling';
import type { INeuronCluster } from '../tokens';

/**
 * Polls `GET cluster` while visible; Prometheus's own failures are in the
 * answer's `state`, a failed request (server gone) in `error`.
 */
export class ClusterModel
  extends PollingModel<ICluster>
  implements INeuronCluster
{
  constructor(options: PollingModel.IOptions = {}) {
    super(options, {
      name: 'jupyterlab-neuron:cluster',
      interval: 5000,
      maxBackoff: 60_000
    });
  }

  /** The latest answer. */
  get answer(): ICluster | null {
    return this.result;
  }

  /**
   * Whether the server has a Prometheus to read (`prometheus_url` is set):
   * asks once, and keeps the answer as the first one.
   */
  async isConfigured(): Promise<boolean> {
    if (!this.answer) {
      try {
        await this.update();
      } catch {
        return false;
      }
    }
    return this.answer !== null && this.answer.state !== 'not_configured';
  }

  /**
   * One node's history (mean utilization and device memory).
   */
  history(instanceId: string, minutes = 15): Promise<IClusterHistory> {
    const query = new URLSearchParams({
      instance_id: instanceId,
      minutes: String(minutes)
    });
    return this.request<IClusterHistory>(`cluster/history?${query.toString()}`);
  }

  protected fetch(): Promise<ICluster> {
    return this.request<ICluster>('cluster');
  }
}
