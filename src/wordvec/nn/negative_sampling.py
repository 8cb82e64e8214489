"""Negative sampling, book section 4.2 (``ch04/negative_sampling_layer.py``)."""
from __future__ import annotations

import numpy

from ..sampling import NoiseDistribution
from .backend import default_rng, to_cpu, xp
from .layers import EmbeddingDot, SigmoidWithLoss


class UnigramSampler:
    """Draws negatives from ``P(w) ∝ count(w)**power``, book p.158.

    corpus: (T,) integer word ids; the vocabulary is ``0 .. max(corpus)`` and the counts are
    the ids' frequencies in it. ``word_p``: (V,) float64, the noise probabilities.

    The book's CPU path draws each row with ``np.random.choice(replace=False)`` after zeroing
    the target's probability; its GPU path draws with replacement and keeps the target. Both
    are explicit here: ``exclude_target`` (no negative equals its row's target) and
    ``distinct`` (no repeat within a row). Each is kept by redrawing only the offending entry
    from the same distribution, which is what drawing without replacement means, so with both
    on (the default) the rows follow the book's CPU sampler exactly, for a whole batch at once.
    """

    def __init__(self, corpus, power, sample_size, *, exclude_target=True, distinct=True,
                 seed=None):
        counts = numpy.bincount(numpy.asarray(to_cpu(corpus)).ravel())
        self.sample_size = int(sample_size)
        self.exclude_target = exclude_target
        self.distinct = distinct
        self.noise = NoiseDistribution(counts, power, xp=xp)
        self.vocab_size = self.noise.vocab_size
        self.word_p = self.noise.probs
        self.rng = default_rng(seed)
        if self.sample_size < 0:
            raise ValueError(f"sample_size must be >= 0, got {sample_size}")
        n_words = int((self.word_p > 0).sum())
        others = n_words - (1 if exclude_target else 0)
        needed = self.sample_size if distinct else min(self.sample_size, 1)
        if others < needed:
            raise ValueError(
                f"cannot draw {self.sample_size} {'distinct ' if distinct else ''}negatives "
                f"{'other than the target ' if exclude_target else ''}from {n_words} words "
                f"with non-zero counts; lower sample_size"
                f"{' or pass distinct=False' if distinct else ''}"
            )

    def get_negative_sample(self, target):
        """target: (N,) or any integer shape S -> negatives ``(*S, sample_size)`` int32."""
        k = self.sample_size
        negative = self.noise.draw(self.rng, tuple(target.shape) + (k,))
        if not (self.exclude_target or self.distinct) or k == 0:
            return negative
        # Redraw every entry that equals its target or an earlier entry of its row, until
        # none does. An entry is only ever rejected for a value that its target or an
        # earlier entry keeps in the end, so each entry ends as the first acceptable value of
        # its own stream of draws: sequential sampling without replacement. After the first
        # check only the rows with a conflict (a few percent) are looked at again.
        flat = negative.reshape(-1, k)
        flat_target = target.reshape(-1)
        rows = xp.arange(flat.shape[0])
        bad = self._conflicts(flat, flat_target)
        while True:
            pending = bad.any(axis=1)
            rows, bad = rows[pending], bad[pending]
            if rows.shape[0] == 0:
                return negative
            sub = flat[rows]
            sub[bad] = self.noise.draw(self.rng, (int(bad.sum()),))
            flat[rows] = sub
            bad = self._conflicts(sub, flat_target[rows])

    def _conflicts(self, negative, target):
        """negative (R, k), target (R,) -> (R, k) bool: the entries to redraw (equal to the
        target, or to an earlier entry of the row)."""
        if self.exclude_target:
            bad = negative == target[:, None]
        else:
            bad = xp.zeros(negative.shape, dtype=bool)
        if self.distinct:
            for j in range(1, self.sample_size):
                column = negative[:, j]
                for i in range(j):
                    bad[:, j] |= column == negative[:, i]
        return bad


class NegativeSamplingLoss:
    """Binary classification of the true word against ``sample_size`` noise words, book p.155.

    W: (V, H) output weights; corpus: (T,) ids for the sampler.
    forward(h, target, negative_sample=None): h (N, H) hidden vectors; target (N,) or
    (N, C) true ids -> the loss ``sum over (c and the 1 + sample_size words) of the batch mean``
    — the book's sum of ``SigmoidWithLoss`` layers, one positive and ``sample_size`` negative,
    computed as one ``EmbeddingDot`` over a (N, [C,] 1 + sample_size) block of ids.
    ``negative_sample`` ``(*target.shape, sample_size)`` fixes the negatives (tests, replays).
    backward(dout=1) -> dh (N, H).
    """

    def __init__(self, W, corpus, power=0.75, sample_size=5, *, exclude_target=True,
                 distinct=True, seed=None):
        self.sample_size = sample_size
        self.sampler = UnigramSampler(corpus, power, sample_size, exclude_target=exclude_target,
                                      distinct=distinct, seed=seed)
        self.embed_dot = EmbeddingDot(W)
        self.loss_layer = SigmoidWithLoss()
        self.params = self.embed_dot.params
        self.grads = self.embed_dot.grads
        self._labels = {}

    def _label(self, shape, dtype):
        # Column 0 is the true word (label 1), the rest are negatives (label 0).
        key = (shape, dtype)
        if key not in self._labels:
            label = xp.zeros(shape, dtype=dtype)
            label[..., 0] = 1
            self._labels = {key: label}
        return self._labels[key]

    def forward(self, h, target, negative_sample=None):
        if negative_sample is None:
            negative_sample = self.sampler.get_negative_sample(target)
        idx = xp.concatenate([target[..., None].astype(negative_sample.dtype), negative_sample],
                             axis=-1)
        score = self.embed_dot.forward(h, idx)
        return self.loss_layer.forward(score, self._label(idx.shape, score.dtype))

    def backward(self, dout=1):
        dscore = self.loss_layer.backward(dout)
        return self.embed_dot.backward(dscore)
