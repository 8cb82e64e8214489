"""The cluster trainer: the engine on Ray workers (:mod:`wordvec.cluster`, the ``[ray]``
extra), chosen by ``TrainConfig.cluster``. Its "encoded corpus" is the
:class:`~wordvec.cluster.driver.Cluster` whose workers hold the encoded shards; counting and
encoding happen there (:func:`count_and_encode`, :func:`encode`), not on this machine."""
from __future__ import annotations

from ..config import TrainConfig
from ..hooks import Hooks, TrainRecord
from ..schedule import ClusterState
from ..vocab import Vocab
from ..weights import Weights
from .engine import initial_weights

__all__ = ["count_and_encode", "encode", "initial_weights", "train"]


def count_and_encode(corpus, config: TrainConfig, *, prune_at: int,
                     lowered_from: int | None):
    """Start the run's workers on the shards of ``corpus``, count them (map-reduce) into the
    vocabulary and encode them with it. Returns ``(vocab, cluster)``."""
    from ..cluster.driver import Cluster

    cluster = Cluster(corpus, config)
    try:
        vocab = cluster.count(prune_at, lowered_from)
        return vocab, cluster.encode(vocab)
    except BaseException:
        cluster.close()
        raise


def encode(corpus, config: TrainConfig, vocab: Vocab):
    """Start the run's workers on the shards of ``corpus`` and encode them with ``vocab``
    (a model trained before, continuing)."""
    from ..cluster.driver import Cluster

    cluster = Cluster(corpus, config)
    try:
        return cluster.encode(vocab)
    except BaseException:
        cluster.close()
        raise


def train(encoded, counts, config: TrainConfig, weights: Weights, hooks: Hooks,
          start: ClusterState | None = None) -> TrainRecord:
    """Train ``weights`` in place on the workers of ``encoded`` (a
    :class:`~wordvec.cluster.driver.Cluster`), then end them; see :mod:`wordvec.trainers`.
    ``start``: a checkpoint's :class:`~wordvec.schedule.ClusterState`."""
    try:
        return encoded.train(weights, hooks, start=start)
    finally:
        encoded.close()
