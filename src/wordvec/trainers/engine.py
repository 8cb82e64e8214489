"""The engine as a trainer: :func:`wordvec.engine.train` on an encoded corpus."""
from __future__ import annotations

import functools

import numpy as np

from ..compiler import require_numba
from ..config import TrainConfig
from ..hooks import Hooks, Progress, TrainRecord
from ..schedule import CURVE_BINS, TrainState, curve_points, make_chunks
from ..weights import Weights, zero_weights


def train(encoded, counts, config: TrainConfig, weights: Weights, hooks: Hooks,
          start: TrainState | None = None) -> TrainRecord:
    """Train ``weights`` in place with word2vec.c's rules; see :mod:`wordvec.trainers`.
    ``words`` counts this call's raw corpus words (a resumed run did part before). With
    ``hooks.by_epoch`` the epochs run one at a time (:func:`_by_epoch`)."""
    require_numba()
    from .. import engine

    checkpoint = None
    if hooks.checkpoint is not None:
        save = hooks.checkpoint
        checkpoint = lambda state: save(weights, state)   # noqa: E731
    run = functools.partial(engine.train, encoded.ids, encoded.bounds, counts, config,
                            weights.W_in, weights.W_out, progress=hooks.progress,
                            W_hs=weights.W_hs, checkpoint=checkpoint,
                            checkpoint_every=hooks.checkpoint_every)
    if hooks.by_epoch:
        result, seconds, history, curve = _by_epoch(run, encoded.bounds, config, hooks, start)
    else:
        result = run(start=start, epoch_end=hooks.epoch_end)
        seconds, history, curve = result.seconds, result.history, result.loss_curve
    done_before = 0 if start is None else int(np.sum(start.epoch_sums[:, 3]))
    return TrainRecord(epoch_loss=list(result.epoch_loss), words=result.words - done_before,
                       seconds=seconds, history=history, loss_curve=curve_points(curve))


def _by_epoch(run, bounds, config: TrainConfig, hooks: Hooks, start: TrainState | None):
    """Run the engine one epoch at a time, each call resuming the last one's state and
    stopping at the epoch's last chunk (a resumed run is bit-identical to one straight
    through, with one thread), and call the epoch hooks between the calls (see
    :class:`~wordvec.hooks.Hooks`). An epoch a checkpoint stopped in the middle of begins
    again for the hooks. Returns (the last TrainResult, seconds, the progress history, the
    loss curve's sums over the calls)."""
    chunks = len(make_chunks(bounds, config.chunk_words))
    first = 0 if start is None or not chunks else start.next_job // chunks
    state, seconds, result = start, 0.0, None
    history: list[Progress] = []
    curve = np.zeros((config.epochs * CURVE_BINS, 2))
    for epoch in range(first, config.epochs):
        if hooks.epoch_begin is not None:
            hooks.epoch_begin(epoch)
        result = run(start=state, stop_at=(epoch + 1) * chunks)
        state, seconds, history = result.state, seconds + result.seconds, history + result.history
        curve = curve + result.loss_curve
        loss_sum, examples = (float(x) for x in state.epoch_sums[epoch, :2])
        if hooks.epoch_sums is not None:
            hooks.epoch_sums(epoch, loss_sum, int(examples))
        if hooks.epoch_end is not None:
            hooks.epoch_end(epoch, loss_sum / examples if examples else float("nan"))
    if result is None:              # a state with every epoch done: nothing is left to run
        result = run(start=state)
        seconds, history, curve = result.seconds, result.history, result.loss_curve
    return result, seconds, history, curve


def initial_weights(vocab_size: int, config: TrainConfig) -> Weights:
    """word2vec.c's (or gensim's, by ``config.init``) initial weights: ``W_in`` by
    :func:`wordvec.engine.init_weights`, the output matrices ``config`` needs as zeros."""
    require_numba()
    from ..engine import init_weights

    W_in, _ = init_weights(vocab_size, config.dim, seed=config.seed, init=config.init)
    return zero_weights(vocab_size, config, W_in)
