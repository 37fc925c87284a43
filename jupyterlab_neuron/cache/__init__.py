"""Compile-cache management: find roots, scan entries, clean safely.

Pure-Python core (``roots``, ``scanner``, ``actions``, ``listing``,
``service``) plus thin REST handlers (``handlers``). Nothing here imports
Jupyter except ``handlers``; this package file stays empty so the simulator
and the CLI can import the core quickly.
"""
