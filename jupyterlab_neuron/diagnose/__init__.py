"""Error diagnosis: a catalogue of known Neuron failures and a matcher over error text.

``catalogue.json`` holds the entries (patterns and ja/en explanations),
``catalogue.schema.json`` its JSON Schema, :mod:`.matcher` the pure matching
core, :mod:`.handlers` the REST face and ``jupyter neuron diagnose`` the CLI face.
"""
