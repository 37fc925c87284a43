"""Helpers for notebooks on AWS Inferentia2 / Trainium instances.

Deliberately free of Jupyter dependencies: this package runs inside the
notebook kernel, whose Python environment is often not the server's. The
JupyterLab extension's server builds on it.
"""

from __future__ import annotations

__version__ = "0.1.0"
