"""Hierarchical softmax (Morin & Bengio; word2vec.c's ``-hs 1``) in the book's layer interface.

The output layer of CBOW and skip-gram in place of :class:`NegativeSamplingLoss`: instead of
scoring the true word against a few noise words, ``P(w | h)`` is the product of one binary
decision per inner node on the path from the root of a Huffman tree to ``w``
(:func:`wordvec.huffman.huffman_tree`), so a word costs about ``log2 V`` dot products.
"""
from __future__ import annotations

import numpy

from ..huffman import huffman_tree
from .backend import sparse, to_cpu, to_gpu, xp
from .layers import SparseGrad, _sigmoid


class HierarchicalSoftmaxLoss:
    """``-log P(target | h)`` over a Huffman tree of the vocabulary.

    W: (V, H) output weights of the inner nodes (row ``i`` = inner node ``i``; a tree over V
    words has V - 1 inner nodes, so the last row is unused, as in word2vec.c's ``syn1``).
    The tree is ``huffman_tree(counts)``, ``counts`` (V,) given, or the word frequencies
    ``bincount(corpus, minlength=V)`` of ``corpus`` (T,) ids: exactly one of the two. ``tree``
    keeps it (NumPy arrays).

    forward(h, target): h (N, H) hidden vectors; target (N,) or (N, C) ids -> the loss, the
    sum over the C positions of the batch mean of ``-log P(target | h)``, as
    :class:`NegativeSamplingLoss` sums its positions. Along word ``w``'s path, node ``p`` with
    code ``c`` contributes ``-log sigmoid(h . W[p])`` for ``c == 0`` and
    ``-log sigmoid(-h . W[p])`` for ``c == 1`` (label ``1 - c``), computed exactly. The
    batch's (position, node) pairs are laid out flat, position by position.
    backward(dout=1) -> dh (N, H); ``grads[0]`` gets node ``p`` of a pair from example ``n``
    with weight ``g = (sigmoid(h[n] . W[p]) - label) * dout / N`` times ``h[n]``, in the
    factored form of :class:`SparseGrad` (rows = nodes, values = h, source = examples).
    """

    def __init__(self, W, corpus=None, *, counts=None):
        V = W.shape[0]
        self.params = [W]
        self.grads = [SparseGrad(W.shape)]
        self.tree = huffman_tree(_word_counts(V, corpus, counts))
        self._codes = to_gpu(self.tree.codes)
        self._points = to_gpu(self.tree.points)
        self._offsets = to_gpu(self.tree.offsets)
        self._lengths = to_gpu(self.tree.lengths)
        self.cache = None

    def _pairs(self, target, N):
        """The batch's (position, node) pairs, position by position: nodes (P,) int32, codes
        (P,) uint8, source (P,) the example (row of h) of each pair, and indptr (N + 1,): the
        pairs of example n are ``indptr[n] : indptr[n+1]``."""
        flat = target.reshape(-1)
        C = flat.shape[0] // N if N else 1
        lengths = self._lengths[flat]                              # (N*C,)
        ends = xp.zeros(flat.shape[0] + 1, dtype=xp.int64)
        xp.cumsum(lengths, out=ends[1:])
        P = int(ends[-1])
        position = _segment_ids(lengths, ends, P)                  # (P,) into flat
        # Pair k of position m reads the path arrays at offsets[flat[m]] + (k - ends[m]).
        pos = (self._offsets[flat] - ends[:-1])[position] + xp.arange(P, dtype=xp.int64)
        return self._points[pos], self._codes[pos], position // C, ends[::C]

    def forward(self, h, target):
        W, = self.params
        N = h.shape[0]
        nodes, codes, source, indptr = self._pairs(target, N)
        rows = xp.take(W, nodes, axis=0)                            # (P, H)
        score = xp.einsum("ph,ph->p", rows, xp.take(h, source, axis=0))
        sign = 2 * codes.astype(score.dtype) - 1          # -1 for code 0 (label 1), +1 for code 1
        self.cache = (h, rows, nodes, sign, indptr, source, score)
        return _softplus(sign * score).sum() / N

    def backward(self, dout=1):
        h, rows, nodes, sign, indptr, source, score = self.cache
        N, P = h.shape[0], score.shape[0]
        label = 0.5 * (1 - sign)
        g = (_sigmoid(score) - label) * (dout / N)                         # (P,)
        self.grads[0].set(nodes, h, source=source, weights=g)
        # dh[n] = sum of g * W[node] over example n's pairs: a (N, P) sparse product, so that
        # the (P, H) products are not formed.
        select = sparse.csr_matrix((g, xp.arange(P), indptr), shape=(N, P))
        return xp.asarray(select @ rows, dtype=h.dtype)


def _segment_ids(lengths, ends, total):
    """(total,) int64: ``m`` repeated ``lengths[m]`` times, for lengths (M,) with running sums
    ``ends`` (M + 1,) (0 first) and ``total = ends[-1]``. CuPy's repeat takes no array of
    counts, so there the segment ids are a running count of the segment ends."""
    if xp is numpy:
        return numpy.repeat(numpy.arange(lengths.shape[0]), lengths)
    if total == 0:
        return xp.zeros(0, dtype=xp.int64)
    marks = xp.bincount(ends[1:-1], minlength=total + 1)[:total]
    return xp.cumsum(marks)


def _softplus(x):
    # log(1 + exp(x)) = -log sigmoid(-x), exactly and without overflow: the value of
    # SigmoidWithLoss's logaddexp(0, x), in a form several times faster.
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def _word_counts(V, corpus, counts):
    """(V,) word counts: ``counts`` as given, or the frequencies of ``corpus``'s ids."""
    if (corpus is None) == (counts is None):
        raise ValueError("HierarchicalSoftmaxLoss takes exactly one of corpus and counts")
    if counts is None:
        corpus = to_cpu(xp.asarray(corpus)).ravel()
        if corpus.size and (corpus.dtype.kind not in "iu" or corpus.min() < 0):
            raise ValueError("corpus must hold non-negative integer word ids")
        counts = numpy.bincount(corpus, minlength=V)
        what = f"corpus ids must be below the vocabulary size {V}, got {corpus.max(initial=0)}"
    else:
        counts = to_cpu(xp.asarray(counts))
        what = f"counts must have one entry per row of W ({V}), got shape {counts.shape}"
    if counts.shape != (V,):
        raise ValueError(what)
    return counts
