"""NeuronCores per kernel: the lease store, the ``neuron-cores`` kernel provisioner,
the ``GET cores`` route and ``jupyter neuron cores``."""
