import type * as EnvironmentAPI from '../../api/environment';
/**
 * Environment reports as the server sends them, one per state.
 */

const PACKAGES: Record<string, string | null> = {
  'torch-neuronx': '2.1.2.2.3.0',
  'neuronx-cc': '2.15.128.0+56dc5a86',
  libneuronxla: null,
  'torch-xla': null,
  transformers: '4.44.0',
  'optimum-neuron': null
};

const TOOLS_FOUND: EnvironmentAPI.Environment.Tools = {
  searched: ['/opt/aws/neuron/bin', '$PATH'],
  neuron_ls: '/opt/aws/neuron/bin/neuron-ls',
  neuron_monitor: '/opt/aws/neuron/bin/neuron-monitor'
};

const DEFAULT_CACHE: EnvironmentAPI.Environment.CompileCache = {
  root: '/var/tmp/neuron-compile-cache',
  source: 'default',
  remote: false,
  disabled: false
};

/** A simulated trn1.2xlarge with one process holding both cores. */
export function simulatedTrn1(): EnvironmentAPI.Environment {
  return {
    state: 'ok',
    simulated: true,
    simulated_instance: 'trn1.2xlarge',
    instance_type: 'trn1.2xlarge',
    instance_id: 'i-0123456789abcdef0',
    devices: [
      {
        index: 0,
        neuroncore_ids: [0, 1],
        nc_count: 2,
        memory_bytes: 34359738368,
        bdf: '00:1e.0',
        numa_node: '-1',
        cpu_affinity: '0-7',
        connected_to: null,
        logical_neuroncore_config: null,
        processes: [
          {
            pid: 4242,
            command: 'python3 train.py',
            runtime_version: '2.21.41.0'
          }
        ]
      }
    ],
    neuroncores: 2,
    neuroncores_per_device: 2,
    logical_neuroncore_config: null,
    device_memory_bytes: 34359738368,
    packages: { ...PACKAGES },
    packages_python: '/opt/conda/bin/python',
    // As the server reads PACKAGES: an XLA torch-neuronx without its companions.
    sdk: {
      generation: 'xla',
      torch_neuronx_version: '2.1.2.2.3.0',
      line: '2.1',
      can_train: false,
      can_infer: false,
      missing: ['torch-xla', 'libneuronxla'],
      description: 'XLA (torch-neuronx 2.1, torch-xla, libneuronxla missing)'
    },
    // The only device is busy: no documented count fits.
    workers: {
      counts: [1, 2],
      basis: 'documented',
      recommended: 0,
      visible_cores: null
    },
    compile_cache_root: '/var/tmp/neuron-compile-cache',
    compile_cache: { ...DEFAULT_CACHE },
    tools: { ...TOOLS_FOUND },
    error: null,
    problems: [],
    collected_at: 1764381600.0
  };
}

/** Real hardware: two trn2 devices with LNC=2, linked, an S3 cache. */
export function realTrn2(): EnvironmentAPI.Environment {
  const device = (index: number): EnvironmentAPI.Environment.Device => ({
    index,
    neuroncore_ids: [index * 4, index * 4 + 1, index * 4 + 2, index * 4 + 3],
    nc_count: 4,
    memory_bytes: 96 * 1024 ** 3,
    bdf: `00:1${index}.0`,
    numa_node: String(index),
    cpu_affinity: '0-95',
    connected_to: [1 - index],
    logical_neuroncore_config: 2,
    processes: [{ pid: 777, command: 'torchrun', runtime_version: null }]
  });
  return {
    ...simulatedTrn1(),
    simulated: false,
    simulated_instance: null,
    instance_type: 'trn2.48xlarge',
    instance_id: 'i-0fedcba9876543210',
    devices: [device(0), device(1)],
    neuroncores: 8,
    neuroncores_per_device: 4,
    logical_neuroncore_config: 2,
    device_memory_bytes: 96 * 1024 ** 3,
    packages: { ...PACKAGES, 'torch-neuronx': '2.10.0.2.13.0' },
    sdk: {
      generation: 'torchneuron',
      torch_neuronx_version: '2.10.0.2.13.0',
      line: '2.10',
      can_train: true,
      can_infer: true,
      missing: [],
      description: 'TorchNeuron (torch-neuronx 2.10)'
    },
    // Two devices listed, not the 16 of the catalogue's trn2.48xlarge.
    workers: null,
    compile_cache_root: 's3://my-bucket/neuron-cache',
    compile_cache: {
      root: 's3://my-bucket/neuron-cache',
      source: 'NEURON_COMPILE_CACHE_URL',
      remote: true,
      disabled: false
    },
    problems: ['neuron-monitor is not executable']
  };
}

function withoutDevices(
  state: EnvironmentAPI.Environment.State,
  error: EnvironmentAPI.Environment.Error
): EnvironmentAPI.Environment {
  return {
    ...simulatedTrn1(),
    state,
    simulated: false,
    simulated_instance: null,
    instance_type: null,
    instance_id: null,
    devices: [],
    neuroncores: 0,
    neuroncores_per_device: null,
    device_memory_bytes: null,
    error,
    problems: [error.message]
  };
}

/** No neuron-ls anywhere. */
export function toolsNotFound(): EnvironmentAPI.Environment {
  return {
    ...withoutDevices('tools_not_found', {
      code: 'tools_not_found',
      message: 'neuron-ls was not found.',
      detail: null,
      exit_status: null
    }),
    tools: {
      searched: ['/opt/aws/neuron/bin', '/usr/local/bin', '$PATH'],
      neuron_ls: null,
      neuron_monitor: null
    }
  };
}

/** neuron-ls ran and found no device. */
export function noDevice(): EnvironmentAPI.Environment {
  return withoutDevices('no_device', {
    code: 'no_device',
    message: 'No Neuron device found.',
    detail: 'nrt: no neuron device found (driver not loaded?)',
    exit_status: 1
  });
}

/** neuron-ls hung and was stopped. */
export function toolError(): EnvironmentAPI.Environment {
  return withoutDevices('tool_error', {
    code: 'timeout',
    message: 'neuron-ls did not answer within 10 s and was stopped.',
    detail: 'killed after 10 s',
    exit_status: null
  });
}
