/**
 * REST payloads of the cluster view (`GET cluster`, `GET cluster/history`;
 * described in jupyterlab_neuron/openapi.yaml).
 */

/**
 * Why an answer has no nodes (`ok` when it has them).
 */
export type ClusterState =
  | 'ok'
  | 'not_configured'
  | 'unreachable'
  | 'timeout'
  | 'http_error'
  | 'bad_response'
  | 'no_series';

/**
 * One NeuronCore of a node.
 */
export interface IClusterCore {
  index: number;
  /** Percent, 0 to 100. */
  utilization: number;
}

/**
 * One node (a distinct `instance_id` in Prometheus).
 */
export interface IClusterNode {
  instance_id: string;
  instance_type: string;
  /** Scrape target up and series current. */
  up: boolean;
  /** Up, but neuron-monitor stopped reporting. */
  stale: boolean;
  /** The node's exporter serves the simulator's data, not Neuron hardware. */
  simulated: boolean;
  /** Mean over every NeuronCore, percent. */
  utilization: number;
  cores: IClusterCore[];
  device_memory_used_bytes: number;
  host_memory_used_bytes: number;
  /** Neuron runtime execution errors in the last 5 minutes. */
  errors: number;
  last_report_age_seconds: number | null;
  /** Other labels (job, instance, target labels), for grouping. */
  labels: Record<string, string>;
}

/**
 * `GET cluster`.
 */
export interface ICluster {
  state: ClusterState;
  message: string | null;
  queried_at: number;
  prometheus_url: string | null;
  nodes: IClusterNode[];
  summary: {
    nodes: number;
    up: number;
    stale: number;
    /** Nodes whose data is simulated. */
    simulated: number;
    cores: number;
    utilization: number;
  };
}

/**
 * `GET cluster/history?instance_id=&minutes=`.
 */
export interface IClusterHistory {
  state: ClusterState;
  message: string | null;
  queried_at: number;
  prometheus_url: string | null;
  instance_id: string;
  start: number;
  end: number;
  step: number;
  /** `[time, mean NeuronCore utilization percent]`. */
  utilization: [number, number][];
  /** `[time, device memory bytes]`. */
  memory: [number, number][];
}
