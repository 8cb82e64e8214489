"""The book's layers as a trainer: :class:`wordvec.nn.CBOW` / :class:`wordvec.nn.SkipGram`
with the book's ``Trainer`` (shuffled minibatches) and Adam or SGD.

With ``windows="corpus"`` the windows run over the whole corpus as the book's
``create_contexts_target`` does, so that a corpus given as the book's word list (PTB with
``<eos>``), the book's vocabulary order and seed give the book's run exactly; with
``windows="sentence"`` (the default) no window crosses a sentence end.
"""
from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from ..config import TrainConfig
from ..corpus import CorpusError
from ..hooks import Hooks, Progress, TrainRecord
from ..weights import Weights


def initial_weights(vocab_size: int, config: TrainConfig) -> Weights:
    """The book's initial weights: ``W_in`` then ``W_out``, each ``0.01 * N(0, 1)``, drawn in
    that order from ``config.seed`` (the numbers the book's models start from), and with
    ``hs=1`` ``W_hs`` zeros (word2vec.c's); W_out is left out with ``negative=0``."""
    rng = np.random.default_rng(config.seed)
    shape = (vocab_size, config.dim)
    W_in = (0.01 * rng.standard_normal(shape)).astype(np.float32)
    W_out = (0.01 * rng.standard_normal(shape)).astype(np.float32)
    return Weights(W_in, W_out if config.negative else None,
                   np.zeros(shape, dtype=np.float32) if config.hs else None)


def windows(encoded, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """(contexts (N, 2*window) int32, target (N,) int32) of ``encoded`` by ``config.windows``."""
    from ..nn import create_contexts_target

    if config.windows == "sentence":
        return windows_within_sentences(encoded, config.window)
    ids = np.asarray(encoded.ids)
    if ids.shape[0] < 2 * config.window + 1:
        return np.zeros((0, 2 * config.window), np.int32), np.zeros(0, np.int32)
    contexts, target = create_contexts_target(ids, config.window)
    return contexts.astype(np.int32), target.astype(np.int32)


def windows_within_sentences(encoded, window: int):
    """Every position whose full window lies inside its sentence (the book's windows, which
    never reach past the corpus' ends, here never past a sentence's).

    Returns contexts (N, 2*window) int32 and target (N,) int32.
    """
    ids = np.asarray(encoded.ids)
    width = 2 * window + 1
    if ids.shape[0] < width:
        return np.zeros((0, 2 * window), dtype=np.int32), np.zeros(0, dtype=np.int32)
    sentence = np.repeat(np.arange(encoded.n_sentences), np.diff(encoded.bounds))
    starts = np.flatnonzero(sentence[:-width + 1] == sentence[width - 1:])
    spans = np.lib.stride_tricks.sliding_window_view(ids, width)[starts]
    contexts = np.concatenate([spans[:, :window], spans[:, window + 1:]], axis=1)
    return contexts.astype(np.int32), spans[:, window].astype(np.int32)


def _model(encoded, vocab_size: int, config: TrainConfig, weights):
    """The book's model on ``encoded``, starting from ``weights``."""
    from .. import nn

    # Fewer other words than negatives: draw them with repeats (word2vec.c draws with
    # replacement anyway); a one-word corpus has no negative to draw at all.
    ids = np.asarray(encoded.ids)
    others = int(np.count_nonzero(np.bincount(ids))) - 1
    model_class = nn.CBOW if config.model == "cbow" else nn.SkipGram
    model = model_class(vocab_size, config.dim, config.window, ids,
                        sample_size=config.negative if others else 0,
                        power=config.ns_exponent,
                        distinct=others >= config.negative, seed=config.seed,
                        hs=config.hs == 1, ns=config.negative > 0)
    for param, (_, W) in zip(model.params, weights.named()):
        param[...] = nn.to_gpu(W) if nn.GPU else W
    return model


class _Reporter:
    """The Trainer's per-step callback: keeps every step's loss, sends a :class:`Progress`
    about every ``config.progress_interval`` seconds, and calls the epoch hooks at each
    epoch's last step; ``settle()`` (with ``hooks.by_epoch``) first writes the model's
    parameters back to the weights, so the hooks see the epoch's weights."""

    def __init__(self, config: TrainConfig, steps_per_epoch: int, hooks: Hooks,
                 settle: Callable[[], None] | None = None):
        self.config, self.steps = config, steps_per_epoch
        self.hooks, self.settle = hooks, settle
        self.progress, self.epoch_end = hooks.progress, hooks.epoch_end
        self.batch = config.batch_size
        self.total = config.epochs * steps_per_epoch * self.batch
        self.losses: list[float] = []
        self.history: list[Progress] = []
        self.t0 = self.next = time.perf_counter()
        self.next += config.progress_interval
        self.since = 0

    def __call__(self, epoch: int, iteration: int, iterations: int, loss: float) -> None:
        self.losses.append(loss)
        if iteration == iterations - 1:
            self.end_epoch(epoch, iterations)
        now = time.perf_counter()
        if now >= self.next:
            self.next = now + self.config.progress_interval
            self.report(epoch, now)

    def begin_epoch(self, epoch: int) -> None:
        if self.hooks.epoch_begin is not None:
            self.hooks.epoch_begin(epoch)

    def end_epoch(self, epoch: int, iterations: int) -> None:
        """The hooks of an epoch's end, then the next epoch's beginning."""
        hooks = self.hooks
        # The Trainer's epoch loss: the same sum in the same order, over the steps.
        total = sum(self.losses[-iterations:])
        if hooks.by_epoch and self.settle is not None:
            self.settle()
        if hooks.epoch_sums is not None:   # each step's loss is its batch's mean
            hooks.epoch_sums(epoch, total * self.batch, iterations * self.batch)
        if self.epoch_end is not None:
            self.epoch_end(epoch, total / iterations)
        if epoch + 1 < self.config.epochs:
            self.begin_epoch(epoch + 1)

    def report(self, epoch: int, now: float) -> None:
        recent = self.losses[self.since:]
        self.since = len(self.losses)
        done = len(self.losses) * self.batch
        elapsed = now - self.t0
        speed = done / elapsed if elapsed > 0 else 0.0
        info = Progress(epoch=min(epoch, self.config.epochs - 1), words_done=done,
                        total_words=self.total, words_per_sec=speed,
                        alpha=self.config.learning_rate,
                        loss=float(np.mean(recent)) if recent else float("nan"),
                        elapsed=elapsed,
                        eta=(self.total - done) / speed if speed > 0 else float("inf"))
        self.history.append(info)
        if self.progress is not None:
            self.progress(info)


def _write_back(model, weights: Weights) -> None:
    """Copy the model's parameters (NumPy or CuPy) into ``weights``, in place."""
    from .. import nn

    for (_, W), param in zip(weights.named(), model.params):
        W[...] = nn.to_cpu(param)


def train(encoded, counts, config: TrainConfig, weights: Weights, hooks: Hooks,
          start=None) -> TrainRecord:
    """Train ``weights`` in place with the book's layers; see :mod:`wordvec.trainers`.
    ``words`` counts the examples (windows) trained on. Raises
    :class:`~wordvec.corpus.CorpusError` for a corpus without one batch of windows."""
    from .. import nn

    if start is not None or hooks.checkpoint is not None:
        raise ValueError("the nn backend neither writes nor resumes checkpoints")
    contexts, target = windows(encoded, config)
    batch = config.batch_size
    if target.shape[0] < batch:
        where = "inside a sentence" if config.windows == "sentence" else "in the corpus"
        raise CorpusError(f"the corpus has {target.shape[0]} positions with a full window "
                          f"of {config.window} {where}, fewer than one batch of {batch} for "
                          "the nn backend; use a larger corpus, a smaller window, or the "
                          "engine backend")
    model = _model(encoded, len(counts), config, weights)
    optimizer = (nn.Adam if config.optimizer == "adam" else nn.SGD)(lr=config.learning_rate)
    trainer = nn.Trainer(model, optimizer, seed=config.seed)
    reporter = _Reporter(config, target.shape[0] // batch, hooks,
                         settle=lambda: _write_back(model, weights))
    reporter.begin_epoch(0)
    start_time = time.perf_counter()
    trainer.fit(contexts, target, max_epoch=config.epochs, batch_size=batch,
                eval_interval=None, callback=reporter)
    seconds = time.perf_counter() - start_time
    reporter.report(config.epochs - 1, time.perf_counter())
    _write_back(model, weights)
    return TrainRecord(epoch_loss=list(trainer.epoch_loss),
                       words=config.epochs * reporter.steps * batch, seconds=seconds,
                       iteration_loss=reporter.losses, history=reporter.history)
