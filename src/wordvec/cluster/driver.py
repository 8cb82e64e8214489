"""The driver of a cluster run: Ray's connection, the workers as actors, the vocabulary by
map-reduce, and the training rounds with their synchronisation and recovery.

Ray is imported when a run starts (:func:`connect`), never when this module is imported, so
that the pure parts (:class:`Rounds`) and the messages work without it.
"""
from __future__ import annotations

import logging
import math
import os
import time
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..config import TrainConfig, default_threads
from ..corpus import _resolve, _show_path
from ..errors import ConfigError, WordvecError
from ..hooks import Hooks, Progress, TrainRecord
from ..schedule import CURVE_BINS, ClusterState, cluster_stop, curve_points
from ..vocab import Vocab, _describe
from ..weights import Weights
from . import ClusterError
from .average import merge_rows
from .shards import plan_shards
from .worker import Interval, Shape, ShardWorker

#: How often one worker may be lost and rebuilt in one run before the run gives up.
MAX_RESTARTS = 3
#: Workers a cluster started here gets when ``workers`` is not given.
LOCAL_WORKERS = 2


def _ray():
    try:
        import ray
    except ImportError:
        raise ClusterError("a cluster run needs Ray, which is not installed: pip install "
                           "'wordvec[ray]'") from None
    return ray


def connect(address: str, workers: int | None) -> bool:
    """Connect this process to Ray for ``address`` (``TrainConfig.cluster``): an existing
    connection is used as it is; 'auto' joins the cluster this machine belongs to (Ray's
    ``RAY_ADDRESS`` or a local head) or starts one here; 'local' starts one here; an address
    joins it. A cluster started here has room for ``workers`` (default
    :data:`LOCAL_WORKERS`) actors of one CPU each: Ray's CPUs are scheduling slots, and more
    workers than cores share them. Returns whether a cluster was started here (the run shuts
    it down at its end)."""
    ray = _ray()
    if ray.is_initialized():
        return False
    quiet = dict(logging_level=logging.ERROR, log_to_driver=False)
    if address not in ("auto", "local"):
        try:
            ray.init(address=address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ClusterError(f"cannot join the Ray cluster at {address}: {reason}; start "
                               "it with 'ray start --head' there, or use cluster='local'"
                               ) from None
        return False
    if address == "auto":
        try:
            ray.init(address="auto", **quiet)
            return False
        except (ConnectionError, RuntimeError):
            pass
    ray.init(num_cpus=max(default_threads(), workers or LOCAL_WORKERS),
             include_dashboard=False, **quiet)
    return True


@dataclass
class Rounds:
    """Where each sync interval ends, pure: the run advances by a global fraction of all
    workers' schedules, and worker ``k`` (``jobs[k]`` jobs in all) stops at
    ``ceil(fraction * jobs[k])``, so every worker's learning rate is at the same fraction of
    its schedule at each synchronisation.

    ``("words", n)``: each round is ``n`` words of all workers together (``total_words`` in
    all); ``("seconds", s)``: each round aims at ``s`` seconds from the previous rounds'
    pace, the first one job of the largest shard."""
    interval: tuple[str, float]
    jobs: list[int]
    total_words: int
    fraction: float = 0.0
    seconds: float = 0.0     # the rounds' time so far, for the pace in seconds mode

    def next_stops(self, last_seconds: float = 0.0) -> list[int]:
        """The job each worker stops at in the next round (all done: ``self.jobs``), after a
        round of ``last_seconds``."""
        self.seconds += last_seconds
        step = 1 / max(max(self.jobs), 1)
        kind, amount = self.interval
        if kind == "words":
            rounds = max(1, math.ceil(self.total_words / amount))
            nxt = (round(self.fraction * rounds) + 1) / rounds
        elif self.fraction > 0 and self.seconds > 0:
            nxt = self.fraction + self.fraction / self.seconds * amount
        else:
            nxt = step
        self.fraction = min(1.0, max(nxt, self.fraction + step))
        return self.stops()

    def stops(self) -> list[int]:
        return [cluster_stop(self.fraction, n) for n in self.jobs]

    @property
    def done(self) -> bool:
        return self.fraction >= 1.0


class Cluster:
    """The Ray side of one cluster run: its workers (actors) over the shards of ``corpus``
    (files and folders; token lists and standard input cannot be cut and sent), counted
    and encoded where they are read. Used as the trainer's encoded corpus: ``raw_words``,
    ``tokens``, ``n_sentences``, ``longest_sentence`` describe the whole corpus."""

    def __init__(self, corpus, config: TrainConfig):
        files, _ = _resolve(corpus)   # a path, a list of paths, a folder: files
        if files is None:
            raise ConfigError("a cluster run reads its corpus from files, which each worker "
                              "reads its shard of; write the token lists to a text file "
                              "(one sentence a line) and train on it")
        self.config = config
        self.files = files
        self.started = connect(config.cluster or "auto", config.workers)
        workers = config.workers or (LOCAL_WORKERS if self.started else _alive_nodes())
        try:
            self.shards = plan_shards(files, workers)
            empty = sum(not shard for shard in self.shards)
            if empty:
                raise ClusterError(f"the corpus ({len(files)} file(s), "
                                   f"{sum(_size(f) for f in files):,} bytes) cuts into only "
                                   f"{workers - empty} shard(s) for workers={workers}; use "
                                   f"workers={max(workers - empty, 1)} or fewer")
            self._check_slots(workers)
            self.run_id = uuid.uuid4().hex[:8]
            self.actors = [self._new_actor(k) for k in range(workers)]
            self._share_cores()
        except BaseException:
            self.close()
            raise
        self.shapes: list[Shape] = []
        self.restarts = Counter[int]()
        self._vocab_refs = None

    # ------------------------------------------------------------------------ the workers
    def _check_slots(self, workers: int) -> None:
        cpus = _ray().cluster_resources().get("CPU", 0)
        if workers > cpus:
            raise ClusterError(f"the Ray cluster has {cpus:g} CPUs and each worker takes one; "
                               f"use workers={int(cpus)} or fewer, or a larger cluster")

    def actor_name(self, k: int) -> str:
        """Worker ``k``'s Ray actor name (in this job's namespace)."""
        return f"wordvec-{self.run_id}-worker-{k}"

    def _new_actor(self, k: int):
        ray = _ray()
        actor = ray.remote(ShardWorker).options(
            name=self.actor_name(k), num_cpus=1, scheduling_strategy="SPREAD",
            max_restarts=0, max_task_retries=0)
        return actor.remote(self.shards[k], self.config, k)

    def _share_cores(self, only: int | None = None) -> None:
        """Give each worker ``config.threads`` threads, or (0) its host's cores shared among
        the workers placed there."""
        ray = _ray()
        places = self._get([a.place.remote() for a in self.actors])
        per_host = Counter(host for host, _ in places)
        for k, (actor, (host, cores)) in enumerate(zip(self.actors, places)):
            if only is None or k == only:
                threads = self.config.threads or max(1, cores // per_host[host])
                ray.get(actor.set_threads.remote(threads))

    def _get(self, refs):
        """``ray.get`` with a worker's own error (a corpus that cannot be read on its node,
        a diverged run) raised as itself, not wrapped in Ray's."""
        ray = _ray()
        try:
            return ray.get(refs)
        except ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, WordvecError):
                raise cause from None
            raise

    # ------------------------------------------------------------------- the vocabulary
    def count(self, prune_at: int, lowered_from: int | None) -> Vocab:
        """Count every shard on its worker and merge the counts in shard order (corpus
        order: ties between equal counts break by first occurrence, as on one machine) into
        the vocabulary of ``config``'s limits. Warnings raised while counting are raised
        again here."""
        cfg = self.config
        results = self._get([a.count.remote(prune_at, lowered_from) for a in self.actors])
        merged: dict[str, int] = {}
        raw_words = 0
        for counts, words, raised in results:
            for word, n in counts.items():
                merged[word] = merged.get(word, 0) + n
            raw_words += words
            for category, message, attributes in raised:
                _warn_again(category, message, attributes)
        return Vocab._trimmed(merged, raw_words, cfg.min_count, cfg.max_vocab,
                              cfg.max_final_vocab, _describe(self.files))

    def encode(self, vocab: Vocab) -> Cluster:
        """Broadcast the vocabulary once and encode every shard on its worker."""
        ray = _ray()
        self._vocab_refs = (ray.put(list(vocab.words)), ray.put(np.asarray(vocab.counts)))
        self.shapes = self._get([a.encode.remote(*self._vocab_refs) for a in self.actors])
        return self

    @property
    def raw_words(self) -> int:
        return sum(s.raw_words for s in self.shapes)

    @property
    def tokens(self) -> int:
        return sum(s.tokens for s in self.shapes)

    @property
    def n_sentences(self) -> int:
        return sum(s.sentences for s in self.shapes)

    @property
    def longest_sentence(self) -> int:
        return max((s.longest for s in self.shapes), default=0)

    @property
    def shard_prints(self) -> list[tuple[str, int, int]]:
        """Per worker the ``(fingerprint, ids, raw words)`` of its encoded shard."""
        return [(s.digest, s.tokens, s.raw_words) for s in self.shapes]

    @property
    def n_jobs(self) -> list[int]:
        return [s.n_jobs for s in self.shapes]

    @property
    def fingerprint(self) -> str:
        """The corpus's fingerprint as its shards make it
        (:func:`wordvec.checkpoint.shards_digest`)."""
        from ..checkpoint import shards_digest

        return shards_digest([s.digest for s in self.shapes])

    # --------------------------------------------------------------------- the training
    def train(self, weights: Weights, hooks: Hooks,
              start: ClusterState | None = None) -> TrainRecord:
        """Train ``weights`` in place, round by round (see :mod:`wordvec.cluster`), from
        ``start`` (a checkpoint's progress, the weights its synchronised matrices) or the
        beginning. ``hooks.checkpoint(weights, ClusterState)`` is called between rounds
        about every ``hooks.checkpoint_every`` seconds and once when a KeyboardInterrupt
        stops the run (the round under way is lost: the last synchronised model is kept),
        before it is re-raised."""
        if hooks.by_epoch:
            raise ConfigError("a cluster run does not stop between epochs for "
                              "on_epoch_begin/on_epoch_sums; use on_epoch_end, or train on "
                              "one machine")
        cfg = self.config
        jobs = self.n_jobs
        rounds = Rounds(cfg.sync_interval, jobs, self.tokens * cfg.epochs)
        states: list = [None] * len(self.actors)
        if start is not None:
            rounds.fraction, states = start.fraction, list(start.workers)
        synced = weights.copy()
        tracker = _Tracker(cfg, self.tokens, jobs, hooks, states)
        synced_at = rounds.fraction         # the fraction ``synced`` and ``states`` stand at
        saved = time.perf_counter()
        last = 0.0
        try:
            while not rounds.done:
                stops = rounds.next_stops(last)
                begun = time.perf_counter()
                results = self._round(synced, stops, states)
                merged = Weights(*(None if W is None else merge_rows(
                    W, [r.changes[name] for r in results], cfg.sync_merge)
                    for name, W in zip(synced._fields, synced)))
                synced, states, synced_at = merged, [r.state for r in results], rounds.fraction
                last = time.perf_counter() - begun
                tracker.after_round(results, synced)
                if (hooks.checkpoint is not None and not rounds.done
                        and time.perf_counter() - saved >= hooks.checkpoint_every):
                    hooks.checkpoint(synced, self._progress(synced_at, states))
                    saved = time.perf_counter()
        except KeyboardInterrupt:
            if hooks.checkpoint is not None and 0 < synced_at < 1:
                hooks.checkpoint(synced, self._progress(synced_at, states))
            raise
        for name, W in weights.named():
            np.copyto(W, getattr(synced, name))
        return tracker.record()

    def _progress(self, fraction: float, states: list) -> ClusterState:
        return ClusterState(workers=list(states), fraction=fraction, shards=self.shard_prints)

    def _round(self, synced: Weights, stops: list[int], states: list) -> list[Interval]:
        """One interval on every worker from ``synced``; a worker lost on the way is rebuilt
        and re-runs it (at most :data:`MAX_RESTARTS` times per worker in a run)."""
        ray = _ray()
        ref = ray.put(synced)
        pending = [a.train.remote(ref, stop, state)
                   for a, stop, state in zip(self.actors, stops, states)]
        results = []
        for k, future in enumerate(pending):
            while True:
                try:
                    results.append(self._get(future))
                    break
                except ray.exceptions.RayActorError:
                    future = self._rebuild(k).train.remote(ref, stops[k], states[k])
        return results

    def _rebuild(self, k: int):
        """A new actor for lost worker ``k``, its shard encoded again with the vocabulary."""
        self.restarts[k] += 1
        if self.restarts[k] > MAX_RESTARTS:
            raise ClusterError(f"worker {k} (shard {_show_shard(self.shards[k])}) was lost "
                               f"{MAX_RESTARTS + 1} times; is its machine failing?")
        warnings.warn(WorkerLostWarning(k, self.restarts[k]), stacklevel=5)
        self.actors[k] = self._new_actor(k)
        self._share_cores(only=k)
        assert self._vocab_refs is not None
        self._get(self.actors[k].encode.remote(*self._vocab_refs))
        return self.actors[k]

    def close(self) -> None:
        """End the workers, and the Ray cluster when this run started it."""
        ray = _ray()
        for actor in getattr(self, "actors", []):
            ray.kill(actor, no_restart=True)
        self.actors = []
        if self.started:
            ray.shutdown()
            self.started = False


class WorkerLostWarning(UserWarning):
    """A worker was lost (its actor died) and was rebuilt to re-train its interval."""

    def __init__(self, worker: int, times: int):
        super().__init__(f"worker {worker} was lost; rebuilt it from the last synchronised "
                         f"model to train its interval again ({times} of at most "
                         f"{MAX_RESTARTS} in this run)")
        self.worker = worker


class _Tracker:
    """The run's bookkeeping on the driver: progress reports, epoch ends, the loss, the
    words trained and the bytes each synchronisation moved."""

    def __init__(self, config: TrainConfig, tokens: int, jobs: list[int], hooks: Hooks,
                 states: list):
        self.config, self.hooks = config, hooks
        self.total = tokens * config.epochs      # the engine's words: ids, epochs over
        self.chunks = [n // config.epochs for n in jobs]
        self.t0 = self.last_report = time.perf_counter()
        self.sums = np.zeros((config.epochs, 4), dtype=np.float64)
        self.epochs_ended = 0
        if states[0] is not None:               # resumed: what the run did before counts
            self.sums = np.sum([s.epoch_sums for s in states], axis=0)
            self.epochs_ended = self._epochs_done(states)
        self.done_before = self.words
        self.reported = self.sums[:, :2].sum(axis=0)      # loss sum, examples at last report
        self.history: list[Progress] = []
        self.syncs = 0
        self.bytes_down = 0
        self.bytes_up = 0
        self.worker_seconds = np.zeros(len(jobs))
        self.worker_words = np.zeros(len(jobs))
        self.last_rates: tuple[float, ...] = ()
        self.curve = np.zeros((config.epochs * CURVE_BINS, 2))

    def after_round(self, results: list[Interval], synced: Weights) -> None:
        self.sums = np.sum([r.state.epoch_sums for r in results], axis=0)
        self.syncs += 1
        self.bytes_down += sum(W.nbytes for _, W in synced.named()) * len(results)
        self.bytes_up += sum(rows.nbytes + values.nbytes for r in results
                             for rows, values in r.changes.values())
        rates = []
        for k, r in enumerate(results):
            words = r.state.epoch_sums[:, 3].sum()
            rates.append(float((words - self.worker_words[k]) / r.seconds) if r.seconds > 0
                         else 0.0)
            self.worker_seconds[k] += r.seconds
            self.worker_words[k] = words
            self.curve += r.loss_curve
        self.last_rates = tuple(rates)
        self._end_epochs(results)
        now = time.perf_counter()
        if now - self.last_report >= self.config.progress_interval or self.done:
            self._report(now)

    @property
    def words(self) -> int:
        return int(self.sums[:, 3].sum())

    @property
    def done(self) -> bool:
        return self.words >= self.total

    def _epochs_done(self, states: list) -> int:
        """The epochs every worker has finished."""
        return min(int(s.next_job) // c if c else self.config.epochs
                   for s, c in zip(states, self.chunks))

    def _end_epochs(self, results: list[Interval]) -> None:
        done = self._epochs_done([r.state for r in results])
        while self.epochs_ended < done:
            e = self.epochs_ended
            if self.hooks.epoch_end is not None:
                self.hooks.epoch_end(e, self._mean(self.sums[e, 0], self.sums[e, 1]))
            self.epochs_ended += 1

    @staticmethod
    def _mean(loss: float, examples: float) -> float:
        return float(loss / examples) if examples else float("nan")

    def _report(self, now: float) -> None:
        cfg, words = self.config, self.words
        elapsed = now - self.t0
        rate = words / elapsed if elapsed > 0 else 0.0
        fraction = words / self.total if self.total else 1.0
        loss_sum, examples = self.sums[:, 0].sum(), self.sums[:, 1].sum()
        info = Progress(epoch=min(int(fraction * cfg.epochs), cfg.epochs - 1), words_done=words,
                        total_words=self.total, words_per_sec=rate,
                        alpha=cfg.start_alpha - (cfg.start_alpha - cfg.end_alpha) * fraction,
                        loss=self._mean(loss_sum - self.reported[0], examples - self.reported[1]),
                        elapsed=elapsed,
                        eta=(self.total - words) / rate if rate > 0 else float("inf"),
                        worker_rates=self.last_rates)
        self.reported[:] = (loss_sum, examples)
        self.last_report = now
        self.history.append(info)
        if self.hooks.progress is not None:
            self.hooks.progress(info)

    def record(self) -> TrainRecord:
        epoch_loss = [self._mean(loss, n) for loss, n in self.sums[:, :2]]
        seconds = time.perf_counter() - self.t0
        rates = np.divide(self.worker_words, self.worker_seconds,
                          out=np.zeros_like(self.worker_words), where=self.worker_seconds > 0)
        stats = {"syncs": self.syncs,
                 "bytes_down_per_sync": self.bytes_down / max(self.syncs, 1),
                 "bytes_up_per_sync": self.bytes_up / max(self.syncs, 1),
                 "worker_words_per_sec": [float(r) for r in rates]}
        return TrainRecord(epoch_loss=epoch_loss, words=self.words - self.done_before,
                           seconds=seconds, history=self.history, stats=stats,
                           loss_curve=curve_points(self.curve))


def _warn_again(category: type[Warning], message: str, attributes: dict) -> None:
    """Raise here a warning a worker caught: its class, message and attributes (rebuilt
    without its ``__init__``, whose arguments differ from class to class)."""
    warning = category.__new__(category)
    Warning.__init__(warning, message)
    warning.__dict__.update(attributes)
    warnings.warn(warning, stacklevel=5)


def _alive_nodes() -> int:
    return max(1, sum(1 for node in _ray().nodes() if node.get("Alive")))


def _size(path) -> int:
    return os.stat(path).st_size


def _show_shard(shard: list) -> str:
    first = _show_path(shard[0]) if shard else "empty"
    return first + (f" and {len(shard) - 1} more" if len(shard) > 1 else "")


__all__ = ["Cluster", "ClusterError", "Rounds", "WorkerLostWarning", "connect"]
