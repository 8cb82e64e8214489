"""The unigram^power noise distribution of negative sampling, shared by both trainers.

word2vec.c (``InitUnigramTable``) and the book's ``UnigramSampler`` both draw negatives from
``P(w) = count(w)**0.75 / sum_v count(v)**0.75``. word2vec.c realises it as a 1e8-entry table;
we use Walker's alias method instead: two arrays of V entries, O(1) per draw, and the exact
probabilities rather than a table rounded to 1e-8.
"""
from __future__ import annotations

import numpy as np
from numba import njit


def unigram_probs(counts, power: float = 0.75) -> np.ndarray:
    """Noise probabilities ``counts**power / sum(counts**power)``; a word of count 0 is
    never drawn, whatever the power (0**power is 1 or infinite for power <= 0).

    counts: (V,) non-negative integers or floats. Returns (V,) float64 summing to 1.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("counts must be a non-empty 1-D array of word counts")
    if np.any(counts < 0):
        raise ValueError("word counts must be non-negative")
    seen = counts > 0
    weights = np.zeros_like(counts)
    weights[seen] = np.power(counts[seen], power)
    total = weights.sum()
    if total <= 0:
        raise ValueError("at least one word must have a positive count")
    return weights / total


@njit(cache=True)
def _build_alias(probs, prob, alias):
    # Vose's alias method: split columns into under-full ("small") and over-full ("large")
    # and let each small column borrow its remainder from a large one.
    n = probs.shape[0]
    scaled = probs * n
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        n_large -= 1
        g = large[n_large]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            small[n_small] = g
            n_small += 1
        else:
            large[n_large] = g
            n_large += 1
    # What is left is full up to rounding error.
    for k in range(n_large):
        prob[large[k]] = 1.0
        alias[large[k]] = large[k]
    for k in range(n_small):
        prob[small[k]] = 1.0
        alias[small[k]] = small[k]


def alias_table(probs) -> tuple[np.ndarray, np.ndarray]:
    """Walker alias table of a discrete distribution.

    probs: (V,) float64 summing to 1. Returns ``(prob, alias)``: (V,) float64 and (V,) int32.
    A draw picks a column ``i`` uniformly, then keeps ``i`` with probability ``prob[i]`` and
    takes ``alias[i]`` otherwise; every word comes out with exactly its probability.
    """
    probs = np.ascontiguousarray(probs, dtype=np.float64)
    prob = np.ones(probs.shape[0], dtype=np.float64)
    alias = np.arange(probs.shape[0], dtype=np.int32)
    _build_alias(probs, prob, alias)
    return prob, alias


class NoiseDistribution:
    """Draws word ids from ``counts**power`` in bulk, on NumPy or CuPy.

    counts: (V,) word counts. ``xp`` is the array module the draws are made with.
    """

    def __init__(self, counts, power: float = 0.75, xp=np):
        self.probs = unigram_probs(counts, power)
        prob, alias = alias_table(self.probs)
        self.xp = xp
        self.vocab_size = int(self.probs.shape[0])
        self._prob = xp.asarray(prob)
        self._alias = xp.asarray(alias)

    def draw(self, rng, shape) -> np.ndarray:
        """``shape`` independent draws (with replacement), int32, using Generator ``rng``.

        One uniform ``u`` per draw serves twice, as in Walker's method: ``floor(u * V)`` picks
        the column and the fractional part decides between it and its alias.
        """
        scaled = rng.random(size=shape) * self.vocab_size
        column = scaled.astype(self.xp.int32)
        keep = (scaled - column) < self._prob[column]
        return self.xp.where(keep, column, self._alias[column])


def keep_probabilities(counts, sample: float) -> np.ndarray:
    """Probability of keeping each occurrence of a word under frequent-word subsampling.

    counts: (V,) counts of the vocabulary's words. word2vec.c (``TrainModelThread``) keeps a
    word of count ``c`` when ``(sqrt(c / (s*T)) + 1) * (s*T) / c`` exceeds a uniform draw,
    where ``T`` is the total count of vocabulary words and ``s`` the threshold; ``sample=0``
    keeps everything. Returns (V,) float32 in (0, 1].
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones(counts.shape[0], dtype=np.float32)
    threshold = sample * counts.sum()
    with np.errstate(divide="ignore"):
        keep = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
    return np.minimum(keep, 1.0).astype(np.float32)
