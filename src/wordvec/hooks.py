"""What a trainer and its caller exchange: the hooks a trainer calls (progress, checkpoint),
the :class:`Progress` reports it sends, and the :class:`TrainRecord` it returns.

Pure data, importing nothing heavy: every trainer (the engine, the book's layers, later a
cluster) and the facade build on it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .weights import Weights


@dataclass(frozen=True)
class Progress:
    """What ``progress`` receives, from the calling thread.

    words_done/total_words: the trainer's unit of work over all epochs (the engine: words of
    the corpus before subsampling; the nn backend: training examples, i.e. windows);
    words_per_sec: since the start; alpha: the learning rate at ``words_done``; loss: mean
    loss per example since the previous report (nan if none); epoch: 0-based (capped at the
    last); elapsed and eta in seconds; worker_rates: a cluster run's words/s of each worker
    over its last interval (empty for the other trainers).
    """
    epoch: int
    words_done: int
    total_words: int
    words_per_sec: float
    alpha: float
    loss: float
    elapsed: float
    eta: float
    worker_rates: tuple[float, ...] = ()

    @property
    def fraction(self) -> float:
        return self.words_done / self.total_words if self.total_words else 1.0


@dataclass
class Hooks:
    """What a trainer calls while it runs, all from the calling thread.

    progress(info: Progress): about every ``config.progress_interval`` seconds and once at
    the end. checkpoint(weights, state): at a consistent point about every
    ``checkpoint_every`` seconds (0: as often as the trainer can) and once when a
    KeyboardInterrupt stops training (the engine only; ``state`` a
    :class:`~wordvec.schedule.TrainState`). epoch_end(epoch, loss): once for each epoch
    finished, 0-based, with its mean loss per example, in order.

    Epoch by epoch: with ``epoch_begin`` or ``epoch_sums`` set, a trainer runs the epochs one
    after the other, each finished before the next begins (the engine's threads all stop at
    the epoch's end, as gensim's do), and calls, between epochs, epoch_begin(epoch) before
    each epoch and epoch_sums(epoch, loss_sum, examples) after it, just before epoch_end:
    the float64 sum of the epoch's losses and its number of examples (loss_sum / examples is
    epoch_end's mean). The weights are then at rest while the hooks run.
    """
    progress: Callable[[Progress], None] | None = None
    checkpoint: Callable[[Weights, object], None] | None = None
    checkpoint_every: float = 600.0
    epoch_end: Callable[[int, float], None] | None = None
    epoch_begin: Callable[[int], None] | None = None
    epoch_sums: Callable[[int, float, int], None] | None = None

    @property
    def by_epoch(self) -> bool:
        """Whether the trainer must run epoch by epoch (see the class docstring)."""
        return self.epoch_begin is not None or self.epoch_sums is not None


@dataclass
class TrainRecord:
    """What a trainer returns beside the weights.

    epoch_loss: mean loss per example of each epoch of this call; iteration_loss: the loss of
    every optimiser step (the nn backend; empty for the engine); words: this call's unit of
    work done (see :class:`Progress`); seconds: its wall time of training; history: every
    :class:`Progress` reported; stats: figures of the trainer's own (a cluster run's
    synchronisations, bytes moved and per-worker rates), by name; loss_curve: (position in
    epochs, mean loss) through this call's schedule, per hundredth of an epoch (the engine;
    empty for trainers without one, whose progress reports stand in).
    """
    epoch_loss: list[float]
    words: int
    seconds: float
    iteration_loss: list[float] = field(default_factory=list)
    history: list[Progress] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    loss_curve: list[tuple[float, float]] = field(default_factory=list)
