"""The matrices a training run learns, by name, and which of them a configuration needs."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: Every matrix a model may hold, in the order files store them.
NAMES = ("W_in", "W_out", "W_hs")


class Weights(NamedTuple):
    """W_in: (V, dim) float32, the word vectors (word2vec.c's ``syn0``); W_out: (V, dim), the
    negative-sampling output weights (``syn1neg``), None when ``negative == 0``; W_hs:
    (V, dim), the inner nodes of hierarchical softmax (``syn1``: row ``i`` is inner node
    ``i`` of :func:`wordvec.huffman.huffman_tree`, the last row unused, as word2vec.c
    allocates it), None when ``hs == 0``."""
    W_in: np.ndarray
    W_out: np.ndarray | None = None
    W_hs: np.ndarray | None = None

    def named(self) -> list[tuple[str, np.ndarray]]:
        """``(name, matrix)`` of the matrices present, in :data:`NAMES` order."""
        return [(name, W) for name, W in zip(NAMES, self) if W is not None]

    def copy(self) -> Weights:
        """Writable C-contiguous float32 copies (a loaded model's may be read-only maps)."""
        return Weights(*(None if W is None else np.array(W, dtype=np.float32, order="C")
                         for W in self))


def needed(config) -> tuple[str, ...]:
    """The names of the matrices a :class:`~wordvec.config.TrainConfig` trains."""
    return tuple(name for name, used in zip(NAMES, (True, config.negative > 0, config.hs == 1))
                 if used)


def zero_weights(vocab_size: int, config, W_in: np.ndarray) -> Weights:
    """``W_in`` with the output matrices ``config`` needs, each (V, dim) float32 zeros (their
    initial value in word2vec.c and gensim)."""
    shape = (vocab_size, config.dim)
    names = needed(config)
    return Weights(W_in, *(np.zeros(shape, dtype=np.float32) if name in names else None
                           for name in NAMES[1:]))
