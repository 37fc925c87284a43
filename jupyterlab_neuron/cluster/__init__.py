"""Cluster view: many Neuron nodes, read from the Prometheus that scrapes them.

Pure-Python core (``prometheus``: the HTTP API client; ``service``: the
queries and the per-node answer) plus thin REST handlers (``handlers``).
Nothing here imports Jupyter except ``handlers``. We never collect metrics
ourselves: every node runs an exporter (AWS's ``neuron-monitor-prometheus.py``
or ``jupyter neuron exporter``) and Prometheus is the distributed engine.
"""
