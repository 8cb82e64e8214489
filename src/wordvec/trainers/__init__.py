"""Trainers behind one interface, picked by ``TrainConfig.backend``.

Each trainer is a module with two functions ::

    train(encoded, counts, config, weights, hooks, start=None) -> TrainRecord
    initial_weights(vocab_size, config) -> Weights

``train`` takes the encoded corpus (:class:`wordvec.corpus.EncodedCorpus`), the
vocabulary's counts (V,), the :class:`~wordvec.config.TrainConfig`, the initial
:class:`~wordvec.weights.Weights` (each matrix (V, dim) float32, trained in place), the
:class:`~wordvec.hooks.Hooks` it calls, and for a trainer that can resume, the
:class:`~wordvec.schedule.TrainState` to continue from. It returns a
:class:`~wordvec.hooks.TrainRecord`. The facade (:class:`wordvec.Word2Vec`) knows nothing
else of a trainer; a new one (a cluster trainer) is a module here and a name in
:data:`wordvec.config.BACKENDS`.
"""
from __future__ import annotations

import importlib
from types import ModuleType

#: The backends that can resume from a checkpoint's state.
RESUMABLE = ("engine",)


def trainer(backend: str) -> ModuleType:
    """The module of ``backend``'s trainer, with its ``train`` and
    ``initial_weights(vocab_size, config) -> Weights`` (imported on first use: the
    engine brings Numba, the nn backend only NumPy)."""
    if backend not in _MODULES:
        raise ValueError(f"no trainer {backend!r}; the trainers are {sorted(_MODULES)}")
    return importlib.import_module(_MODULES[backend], __name__)


_MODULES = {"engine": ".engine", "nn": ".nn"}
