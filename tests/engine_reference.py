"""Plain-Python pieces of the engine's kernels, shared by the tests that replay its training
loop draw for draw (tests/test_engine.py, tests/test_batch_negatives.py)."""
from __future__ import annotations

import numpy as np

_MASK = (1 << 64) - 1


class SplitMix64:
    """The kernels' random stream (SplitMix64), in Python."""

    def __init__(self, state):
        self.state = int(state)

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)


def below(z, n):
    """Lemire's multiply-shift on the top 32 bits: a draw in 0..n-1."""
    return ((z >> 32) * n) >> 32


def noise_draw(noise, z):
    """One draw from the packed alias table ``noise``."""
    column = below(z, len(noise))
    entry = int(noise[column])
    return column if (z & 0xFFFFFFFF) < (entry >> 32) else entry & 0xFFFFFFFF


def topic_corpus(n_topics=4, words_per_topic=10, n_sentences=400, length=20, seed=0):
    """Sentences each drawn from one topic's words: strong co-occurrence structure.
    Returns (ids, bounds, counts)."""
    rng = np.random.default_rng(seed)
    topic = rng.integers(0, n_topics, n_sentences)
    ids = (topic[:, None] * words_per_topic
           + rng.integers(0, words_per_topic, (n_sentences, length))).astype(np.int32).ravel()
    bounds = np.arange(0, ids.size + 1, length, dtype=np.int64)
    counts = np.bincount(ids, minlength=n_topics * words_per_topic).astype(np.int64)
    return ids, bounds, counts
