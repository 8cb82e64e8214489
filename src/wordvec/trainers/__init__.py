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

#: The backends that can resume from a checkpoint's state (on one machine or a cluster).
RESUMABLE = ("engine",)


def trainer_for(config) -> ModuleType:
    """The trainer of a :class:`~wordvec.config.TrainConfig`: the cluster's when
    ``cluster`` is set, else its backend's."""
    return trainer("cluster" if config.cluster is not None else config.backend)


def resumable(config) -> bool:
    """Whether ``config``'s trainer writes checkpoints and resumes from them."""
    return config.backend in RESUMABLE


def count_and_encode(corpus, config, *, prune_at: int, lowered_from: int | None):
    """``(vocab, encoded)`` of ``corpus`` under ``config``'s limits, as
    :func:`wordvec.vocab.count_and_encode` (``encoded`` None when it must be encoded after),
    or the cluster trainer's."""
    if config.cluster is not None:
        return trainer_for(config).count_and_encode(corpus, config, prune_at=prune_at,
                                                    lowered_from=lowered_from)
    from ..vocab import count_and_encode as count_here

    return count_here(corpus, min_count=config.min_count, max_vocab=config.max_vocab,
                      max_final_vocab=config.max_final_vocab, prune_at=prune_at,
                      lowered_from=lowered_from)


def encode(corpus, config, vocab):
    """``corpus`` as ids of ``vocab`` for ``config``'s trainer
    (:func:`wordvec.corpus.encode`, or the cluster trainer's)."""
    if config.cluster is not None:
        return trainer_for(config).encode(corpus, config, vocab)
    from ..corpus import encode as encode_here

    return encode_here(corpus, vocab.word_to_id)


def trainer(backend: str) -> ModuleType:
    """The module of ``backend``'s trainer, with its ``train`` and
    ``initial_weights(vocab_size, config) -> Weights`` (imported on first use: the
    engine brings Numba, the nn backend only NumPy)."""
    if backend not in _MODULES:
        raise ValueError(f"no trainer {backend!r}; the trainers are {sorted(_MODULES)}")
    return importlib.import_module(_MODULES[backend], __name__)


_MODULES = {"engine": ".engine", "nn": ".nn", "cluster": ".cluster"}
