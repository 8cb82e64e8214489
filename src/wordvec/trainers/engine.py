"""The engine as a trainer: :func:`wordvec.engine.train` on an encoded corpus."""
from __future__ import annotations

import numpy as np

from ..config import TrainConfig
from ..hooks import Hooks, TrainRecord
from ..schedule import TrainState
from ..weights import Weights, zero_weights


def train(encoded, counts, config: TrainConfig, weights: Weights, hooks: Hooks,
          start: TrainState | None = None) -> TrainRecord:
    """Train ``weights`` in place with word2vec.c's rules; see :mod:`wordvec.trainers`.
    ``words`` counts this call's raw corpus words (a resumed run did part before)."""
    from .. import engine

    checkpoint = None
    if hooks.checkpoint is not None:
        save = hooks.checkpoint
        checkpoint = lambda state: save(weights, state)   # noqa: E731
    result = engine.train(encoded.ids, encoded.bounds, counts, config, weights.W_in,
                          weights.W_out, progress=hooks.progress, W_hs=weights.W_hs, start=start,
                          checkpoint=checkpoint, checkpoint_every=hooks.checkpoint_every,
                          epoch_end=hooks.epoch_end)
    done_before = 0 if start is None else int(np.sum(start.epoch_sums[:, 3]))
    return TrainRecord(epoch_loss=list(result.epoch_loss), words=result.words - done_before,
                       seconds=result.seconds, history=result.history)


def initial_weights(vocab_size: int, config: TrainConfig) -> Weights:
    """word2vec.c's (or gensim's, by ``config.init``) initial weights: ``W_in`` by
    :func:`wordvec.engine.init_weights`, the output matrices ``config`` needs as zeros."""
    from ..engine import init_weights

    W_in, _ = init_weights(vocab_size, config.dim, seed=config.seed, init=config.init)
    return zero_weights(vocab_size, config, W_in)
