"""One worker of a cluster run, without Ray: its shard counted, encoded and trained by the
engine one sync interval at a time. :mod:`wordvec.cluster.driver` runs it as a Ray actor;
a test can run it in-process.

A worker keeps its encoded shard and its copy of the model between calls and nothing else:
the driver holds each worker's last :class:`~wordvec.schedule.TrainState` and the
synchronised model, so a lost worker is rebuilt from them (its shard encoded again) and
re-trains its interval.
"""
from __future__ import annotations

import dataclasses
import os
import socket
import warnings

import numpy as np

from ..config import MAX_SEED, TrainConfig
from ..corpus import EncodedCorpus, encode
from ..schedule import TrainState, make_chunks
from ..vocab import count_corpus
from ..weights import Weights
from .average import changed_rows


@dataclasses.dataclass(frozen=True)
class Shape:
    """What the driver needs of an encoded shard: ``n_jobs`` (chunks x epochs, the engine's
    schedule on it), ``raw_words`` (tokens read, out-of-vocabulary ones included),
    ``tokens`` (ids kept), ``sentences``, ``longest`` (the longest sentence's ids) and
    ``digest`` (its :attr:`~wordvec.corpus.EncodedCorpus.fingerprint`)."""
    n_jobs: int
    raw_words: int
    tokens: int
    sentences: int
    longest: int
    digest: str


@dataclasses.dataclass
class Interval:
    """What a worker sends back after an interval: per matrix name (``W_in``, ``W_out``,
    ``W_hs``) the ``(rows, values)`` it changed (:func:`~wordvec.cluster.average.changed_rows`),
    its schedule's ``state`` after the interval, the interval's ``seconds`` and its
    ``loss_curve`` (the engine's sums per hundredth of an epoch of this shard)."""
    changes: dict
    state: TrainState
    seconds: float
    loss_curve: np.ndarray


def worker_config(config: TrainConfig, index: int) -> TrainConfig:
    """The engine's configuration of worker ``index``: the run's, on this worker's seed
    (``seed + index``, so that the workers do not draw the same subsampling and negatives),
    without the cluster's own fields."""
    return config.replace(seed=(config.seed + index) % (MAX_SEED + 1), cluster=None,
                          workers=None, sync_every=_default("sync_every"),
                          sync_merge=_default("sync_merge"))


def _default(name: str):
    return next(f.default for f in dataclasses.fields(TrainConfig) if f.name == name)


class ShardWorker:
    """Worker ``index`` of a run of ``config`` on ``shard`` (a list of corpus files and
    :class:`~wordvec.corpus.FilePart` s, as :func:`~wordvec.cluster.shards.plan_shards` cuts
    them), with the configuration's threads until :meth:`set_threads`."""

    def __init__(self, shard: list, config: TrainConfig, index: int):
        self.shard = shard
        self.config = worker_config(config, index)
        self._counted = None
        self._encoded: EncodedCorpus | None = None
        self._counts: np.ndarray | None = None
        self._weights: Weights | None = None

    @staticmethod
    def place() -> tuple[str, int]:
        """Where this worker runs: its host's name and the cores it may use."""
        return socket.gethostname(), len(os.sched_getaffinity(0)) if hasattr(
            os, "sched_getaffinity") else (os.cpu_count() or 1)

    def set_threads(self, threads: int) -> None:
        """Train with ``threads`` engine threads (the driver shares a host's cores among the
        workers placed on it)."""
        self.config = self.config.replace(threads=threads)

    def count(self, prune_at: int, lowered_from: int | None):
        """Count the shard (:func:`wordvec.vocab.count_corpus`, pruning as a single machine
        does), keeping its tokens for :meth:`encode`. Returns ``(counts, raw_words,
        warnings)``: counts word -> count in order of first occurrence, and the warnings
        counting raised as ``(category, message)`` for the driver to raise again."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._counted = count_corpus(self.shard, prune_at=prune_at,
                                         lowered_from=lowered_from)
        raised = [(w.category, str(w.message), dict(vars(w.message))) for w in caught]
        return self._counted.counts, self._counted.raw_words, raised

    def encode(self, words: list[str], counts: np.ndarray) -> Shape:
        """Encode the shard with the run's vocabulary (``words`` in id order, their
        ``counts`` over the whole corpus: the subsampling and noise of every worker), from
        the tokens :meth:`count` kept, else by reading the shard again (a rebuilt worker)."""
        word_to_id = {word: i for i, word in enumerate(words)}
        counted, self._counted = self._counted, None
        with warnings.catch_warnings():
            # Counting warned about this shard's odd bytes already.
            warnings.simplefilter("ignore")
            encoded = (counted.encode(word_to_id) if counted is not None
                       else encode(self.shard, word_to_id))
        self._encoded, self._counts = encoded, np.asarray(counts, dtype=np.int64)
        chunks = len(make_chunks(encoded.bounds, self.config.chunk_words))
        lengths = np.diff(encoded.bounds)
        return Shape(n_jobs=chunks * self.config.epochs, raw_words=encoded.raw_words,
                     tokens=encoded.tokens, sentences=encoded.n_sentences,
                     longest=int(lengths.max()) if lengths.size else 0,
                     digest=encoded.fingerprint)

    def train(self, synced: Weights, stop_at: int, state: TrainState | None) -> Interval:
        """Train a copy of ``synced`` (the synchronised model) from ``state`` (None: the
        start) up to job ``stop_at`` of this shard's schedule, and return the rows that
        changed. Raises the engine's errors (a diverged run's
        :class:`~wordvec.errors.DivergenceError`)."""
        from .. import engine

        if self._encoded is None or self._counts is None:
            raise RuntimeError("encode() the shard before train()")
        mine = self._copy(synced)
        result = engine.train(self._encoded.ids, self._encoded.bounds, self._counts,
                              self.config, mine.W_in, mine.W_out, W_hs=mine.W_hs,
                              start=state, stop_at=stop_at)
        changes = {name: changed_rows(W, getattr(synced, name)) for name, W in mine.named()}
        assert result.state is not None
        assert result.loss_curve is not None
        return Interval(changes, result.state, result.seconds, result.loss_curve)

    def _copy(self, synced: Weights) -> Weights:
        """This worker's writable copy of ``synced``, in arrays kept from call to call."""
        if self._weights is None or any(
                getattr(self._weights, name).shape != W.shape for name, W in synced.named()):
            self._weights = synced.copy()
        else:
            for name, W in synced.named():
                np.copyto(getattr(self._weights, name), W)
        return self._weights
