"""Training on a Ray cluster (the ``[ray]`` extra): ``Word2Vec(cluster="auto", workers=N)``.

The corpus is cut into one shard per worker (:mod:`.shards`, by file and by byte range at
whitespace); each worker, a Ray actor, counts its shard, the driver merges the counts into
the vocabulary a single machine would build (the same pruning rules, applied per shard) and
broadcasts it once; each worker encodes its shard where it reads it (:mod:`.worker`). Then,
one sync interval at a time, every worker trains a copy of the synchronised model on its
shard with the engine (its threads inside), and the driver merges the rows they changed
(:mod:`.average`: a row one worker changed takes its value, a row several changed is merged
by ``sync_merge``, Spark MLlib's mean among the rules). A worker's
learning rate follows its own shard's schedule, which the rounds keep at the global
fraction of the run. A worker lost mid-run (its actor killed, its machine gone) is rebuilt
from the last synchronised model and its last state, and re-trains its interval
(:mod:`.driver`). Only :mod:`.driver` imports Ray; the rest of the package never does.
"""
from ..errors import WordvecError


class ClusterError(WordvecError):
    """A cluster run that cannot start or go on: Ray missing or unreachable, too few shards
    for the workers, a worker lost more often than the run allows."""
