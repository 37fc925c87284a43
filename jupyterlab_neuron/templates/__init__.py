"""Templates capability: guided notebooks for Neuron, defined as data files.

- ``template.schema.json``: the JSON Schema of a template file.
- ``format``: reading and validating one template file into a :class:`Template`.
- ``catalogue``: the shipped templates plus administrators' ones from Jupyter
  data folders; bad files become reported problems, never errors.
- ``parameters``: parameter values derived from the (detected, simulated or
  named) environment, with validation of user-supplied values.
- ``rendering``: a template plus parameters to nbformat v4 cells / notebook.
- ``service``: the JSON payloads the server and the CLI share.
- ``handlers``: the thin HTTP face.

Everything but ``handlers`` is pure Python (no tornado, no jupyter_server).
"""
