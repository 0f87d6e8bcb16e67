"""Defaults that more than one layer uses, each written once: the core, the API's models and
settings, and the CLI read them from here (the language's bounds are
:class:`pathgrad.language.limits.Limits`' defaults, read the same way by ``settings.py``)."""

from __future__ import annotations

# Answers
MAX_JACOBIAN_ENTRIES = 4_096  # per tensor edge: a larger Jacobian is left out, with a reason
MAX_JACOBIAN_TOTAL = 200_000  # over all the edges of one graph
MAX_PATH_EDGES = 200_000  # over all the paths one listing holds
PATHS_LIMIT = 20  # paths listed, the largest |product| first

# Training
LEARNING_RATE = 0.1
TRAIN_STEPS = 1_000  # for a program; a preset has its own
