"""``python -m jupyterlab_neuron.cli``: the same as ``jupyter neuron``."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
