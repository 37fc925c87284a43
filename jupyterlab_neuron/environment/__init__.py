"""Environment capability: Neuron devices, tools, packages and compile cache.

``service`` is the pure core (no tornado, no jupyter_server); ``handlers``
exposes it as ``GET /jupyterlab-neuron/environment`` and ``/version``.
"""
