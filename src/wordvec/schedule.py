"""The training schedule, pure: jobs, the learning rate at a job, per-epoch sums and the
resumable state. No threads, no Numba: the engine runs it, checkpoints save and check it,
and a test can step through it by hand.

The corpus is cut into chunks of whole sentences (``chunk_words`` words or a little more);
job ``j`` is chunk ``j % C`` of epoch ``j // C`` (C chunks an epoch), handed out in that
order. The learning rate of a job comes from its place in the schedule (epoch * T + offset
of its first word, T the corpus' words), decaying linearly from ``start_alpha`` to
``end_alpha`` over all epochs' words; it does not depend on timing or on the thread count.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import WordvecError


def make_chunks(bounds: np.ndarray, chunk_words: int) -> list[tuple[int, int]]:
    """Cut sentences 0..S-1 into consecutive ranges ``(first, last)``, each ending at the
    first sentence end at or after ``chunk_words`` words (the last range may be shorter)."""
    chunks = []
    S = len(bounds) - 1
    first = 0
    while first < S:
        last = int(np.searchsorted(bounds, bounds[first] + chunk_words, side="left"))
        last = min(max(last, first + 1), S)
        chunks.append((first, last))
        first = last
    return chunks


class Jobs:
    """Every epoch's chunks in schedule order, as a sequence computed on demand: job ``j`` is
    ``(epoch, first, last)`` for chunk ``j % C`` of epoch ``j // C`` (C chunks an epoch). A
    list of all epochs x chunks tuples would grow with the epoch count."""

    def __init__(self, chunks: list[tuple[int, int]], epochs: int):
        self.chunks, self.epochs = chunks, epochs

    def __len__(self) -> int:
        return len(self.chunks) * self.epochs

    def __getitem__(self, job: int) -> tuple[int, int, int]:
        if not 0 <= job < len(self):
            raise IndexError(job)
        epoch, chunk = divmod(job, len(self.chunks))
        return (epoch, *self.chunks[chunk])


@dataclass
class TrainState:
    """Where a training stands at a chunk boundary, enough to resume it exactly.

    next_job: index of the next job in schedule order (``job // chunks_per_epoch`` is its
    epoch); rng: (n_threads,) uint64, each thread's SplitMix64 state; epoch_sums:
    (epochs, 4) float64, per epoch the loss sum, examples, kept words and raw words so far;
    n_jobs: jobs in the whole schedule. The weights are the arrays being trained.
    """
    next_job: int
    rng: np.ndarray
    epoch_sums: np.ndarray
    n_jobs: int

    @property
    def complete(self) -> bool:
        return self.next_job >= self.n_jobs


def cluster_stop(fraction: float, n_jobs: int) -> int:
    """The job a cluster worker of ``n_jobs`` jobs stops at when the rounds have reached
    ``fraction`` of the run: ``ceil(fraction * n_jobs)`` (all of them at 1)."""
    if fraction >= 1.0:
        return n_jobs
    return min(n_jobs, math.ceil(fraction * n_jobs - 1e-9))


@dataclass
class ClusterState:
    """Where a cluster run (:mod:`wordvec.cluster`) stands between two synchronisations,
    enough to resume it exactly: ``workers``, each worker's :class:`TrainState` on its
    shard; ``fraction``, the share of every worker's schedule the rounds have reached (each
    worker ``k`` stopped at ``ceil(fraction * n_jobs_k)``); ``shards``, per worker the
    ``(fingerprint, ids, raw_words)`` of its encoded shard (what resuming checks the shards
    read again against). The weights are the synchronised matrices."""
    workers: list
    fraction: float
    shards: list

    @property
    def total(self) -> TrainState:
        """The workers' states summed: jobs, loss sums, words; their threads' states in
        worker order."""
        return TrainState(next_job=sum(int(s.next_job) for s in self.workers),
                          rng=np.concatenate([np.asarray(s.rng, dtype=np.uint64)
                                              for s in self.workers]),
                          epoch_sums=np.sum([s.epoch_sums for s in self.workers], axis=0),
                          n_jobs=sum(int(s.n_jobs) for s in self.workers))


#: Points per epoch of a run's loss curve: each the mean loss of the chunks that start in
#: that hundredth of the epoch.
CURVE_BINS = 100


def curve_points(curve: np.ndarray) -> list[tuple[float, float]]:
    """A loss curve's (epochs * CURVE_BINS, 2) sums of loss and examples as (position in
    epochs at the bin's middle, mean loss) points, bins without examples left out."""
    return [((b + 0.5) / CURVE_BINS, float(loss / examples))
            for b, (loss, examples) in enumerate(curve) if examples > 0]


class ScheduleError(WordvecError):
    """A state to resume that does not belong to this schedule."""


class Schedule:
    """The jobs of one training and its bookkeeping, without the weights.

    bounds: (S+1,) int64 sentence offsets; epochs; start_alpha, end_alpha: the learning rate
    at the first and the last word; chunk_words: the unit of work; start: a
    :class:`TrainState` to continue (its sums and next job are taken over); stop_at: stop
    before this job (a partial run). Not thread-safe: the engine calls it under its lock.
    """

    def __init__(self, bounds: np.ndarray, epochs: int, start_alpha: float, end_alpha: float,
                 chunk_words: int, *, start: TrainState | None = None,
                 stop_at: int | None = None):
        self.bounds = bounds
        self.T = int(bounds[-1])
        self.epochs = int(epochs)
        self.total = self.T * self.epochs
        self.a0, self.a1 = float(start_alpha), float(end_alpha)
        self.step = (self.a0 - self.a1) / self.total if self.total else 0.0
        self.jobs = Jobs(make_chunks(bounds, chunk_words), self.epochs)
        self.end = len(self.jobs) if stop_at is None else max(0, min(int(stop_at),
                                                                     len(self.jobs)))
        self.epoch_sums = np.zeros((self.epochs, 4), dtype=np.float64)
        self.curve = np.zeros((self.epochs * CURVE_BINS, 2), dtype=np.float64)
        self.next_job = 0
        if start is not None:
            self._take_over(start)

    def _take_over(self, start: TrainState) -> None:
        if start.n_jobs != len(self.jobs) or np.shape(start.epoch_sums) != self.epoch_sums.shape:
            raise ScheduleError(f"the state to resume has {start.n_jobs} jobs over "
                                f"{np.shape(start.epoch_sums)[0]} epochs, this schedule "
                                f"{len(self.jobs)} over {self.epochs}: resume with the same "
                                "corpus, configuration and chunk_words")
        self.next_job = int(start.next_job)
        self.epoch_sums[...] = start.epoch_sums

    @property
    def words_done(self) -> int:
        """Raw words of the jobs recorded so far, over all epochs (a resumed run's included)."""
        return int(self.epoch_sums[:, 3].sum())

    @property
    def finished(self) -> bool:
        """No job left before ``stop_at``."""
        return self.next_job >= self.end

    def take(self) -> tuple[int, int, int, float]:
        """The next job as ``(epoch, first, last, alpha)``, alpha the learning rate at its
        first word; call only when not :attr:`finished`."""
        epoch, first, last = self.jobs[self.next_job]
        self.next_job += 1
        return epoch, first, last, self.alpha_at(epoch, first)

    def alpha_at(self, epoch: int, first: int) -> float:
        """The learning rate at the first word of sentence ``first`` in ``epoch``."""
        return self.a0 - self.step * (epoch * self.T + int(self.bounds[first]))

    def alpha_after(self, words: int) -> float:
        """The learning rate once ``words`` raw words are done (for reports)."""
        return max(self.a0 - self.step * words, self.a1)

    def epoch_of(self, words: int) -> int:
        """The 0-based epoch ``words`` raw words done fall in (the last one at the end)."""
        return min(words // self.T, self.epochs - 1) if self.T else 0

    def record(self, epoch: int, first: int, loss: float, examples: int, kept: int,
               words: int) -> None:
        """Add a finished job's sums to its epoch, and its loss to the loss curve's bin
        where its first sentence ``first`` starts."""
        self.epoch_sums[epoch] += (loss, examples, kept, words)
        if self.T:
            share = min(CURVE_BINS - 1, int(self.bounds[first]) * CURVE_BINS // self.T)
            self.curve[epoch * CURVE_BINS + share] += (loss, examples)

    def epoch_complete(self, epoch: int) -> bool:
        """Whether every chunk of ``epoch`` has been recorded (all its raw words)."""
        return int(self.epoch_sums[epoch, 3]) == self.T

    def state(self, rng: np.ndarray) -> TrainState:
        """The resumable state at this boundary, with the threads' random states ``rng``."""
        return TrainState(next_job=self.next_job, n_jobs=len(self.jobs),
                          rng=np.array(rng, dtype=np.uint64), epoch_sums=self.epoch_sums.copy())

    def loss_of(self, epoch: int) -> float:
        """The mean loss per example of ``epoch`` so far (nan without examples)."""
        loss, examples = self.epoch_sums[epoch, :2]
        return float(loss / examples) if examples else float("nan")

    def epoch_loss(self) -> list[float]:
        """The mean loss per example of every epoch (nan for one without examples)."""
        return [self.loss_of(epoch) for epoch in range(self.epochs)]

    def totals(self) -> tuple[int, int, int]:
        """(raw words, kept words, examples) over all epochs."""
        sums = self.epoch_sums
        return int(sums[:, 3].sum()), int(sums[:, 2].sum()), int(sums[:, 1].sum())
