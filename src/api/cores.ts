/**
 * REST payloads of NeuronCores per kernel (`GET cores`, `POST cores/<kernel_id>`;
 * described in jupyterlab_neuron/openapi.yaml).
 */

/**
 * The NeuronCores one kernel holds (its kernelspec uses the `neuron-cores`
 * kernel provisioner).
 */
export interface ICoreLease {
  kernel_id: string;
  /** `null` while the kernel starts or restarts. */
  pid: number | null;
  cores: number[];
  /** The `NEURON_RT_VISIBLE_CORES` value, for example `8-15`. */
  visible_cores: string;
  notebook: string | null;
}

/**
 * `GET cores`: the same JSON as `jupyter neuron cores --json`.
 */
export interface ICores {
  instance_type: string | null;
  simulated: boolean;
  total: number;
  leases: ICoreLease[];
  free: number[];
  /** Cores used by processes outside every kernel's lease. */
  busy_outside: number[];
}

/**
 * `POST cores/<kernel_id>` answer.
 */
export interface ICoreCountChange {
  kernel_id: string;
  cores: number;
  /** The range held until the restart. */
  visible_cores: string;
  restart_required: boolean;
}
