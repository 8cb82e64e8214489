"""The Huffman tree of hierarchical softmax: word2vec.c's ``CreateBinaryTree``.

Each word is a leaf of a binary tree over the vocabulary built from the word counts (frequent
words near the root); ``P(w | h)`` is the product, along the path from the root to ``w``, of
one sigmoid decision per inner node: ``sigmoid(h . W[node])`` to go to the child with code 0,
``sigmoid(-h . W[node])`` to the child with code 1. The two children's probabilities add up
to 1 at every node, so the probabilities of all words do too, and a word costs its path
length -- about ``log2 V`` -- instead of the ``V`` of a full softmax.

The tree is word2vec.c's exactly, ties included: with the counts sorted from the most
frequent word down, the two smallest of (the leaves not yet used, from the rarest up; the
inner nodes made so far, in the order they were made) are joined, a leaf winning only when
its count is strictly smaller; the first of the two gets code 0, the second code 1; inner
node ``a`` (0-based, in order of making) is node ``V + a`` and the root ``V - 2``. Counts in
any order are sorted first (stably, so equal counts keep their id order); for a vocabulary
sorted as word2vec.c sorts it (:class:`wordvec.vocab.Vocab` is) that changes nothing.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit


class HuffmanTree(NamedTuple):
    """Every word's path, flat: word ``w``'s inner nodes are
    ``points[offsets[w]:offsets[w+1]]`` (int32, 0 .. V-2, the root first) and its codes
    ``codes[offsets[w]:offsets[w+1]]`` (uint8, 0 or 1: the child taken at that node).
    offsets: (V+1,) int64. A one-word vocabulary has one leaf and no inner node (paths of
    length 0)."""
    codes: np.ndarray
    points: np.ndarray
    offsets: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        """(V,) int64: each word's path length (word2vec.c's ``codelen``)."""
        return np.diff(self.offsets)

    def path(self, word: int) -> tuple[np.ndarray, np.ndarray]:
        """(points, codes) of ``word``."""
        lo, hi = self.offsets[word], self.offsets[word + 1]
        return self.points[lo:hi], self.codes[lo:hi]


@njit(cache=True)
def _join(counts):
    """word2vec.c's merge loop on counts sorted from high to low: (parent, binary) of the
    2V - 1 nodes (leaves 0..V-1, then inner nodes in order of making)."""
    V = counts.shape[0]
    n = 2 * V - 1
    count = np.full(n + 1, np.iinfo(np.int64).max, dtype=np.int64)
    count[:V] = counts
    parent = np.zeros(n, dtype=np.int64)
    binary = np.zeros(n, dtype=np.uint8)
    pos1, pos2 = V - 1, V
    for a in range(V - 1):
        if pos1 >= 0 and count[pos1] < count[pos2]:
            min1, pos1 = pos1, pos1 - 1
        else:
            min1, pos2 = pos2, pos2 + 1
        if pos1 >= 0 and count[pos1] < count[pos2]:
            min2, pos1 = pos1, pos1 - 1
        else:
            min2, pos2 = pos2, pos2 + 1
        count[V + a] = count[min1] + count[min2]
        parent[min1] = V + a
        parent[min2] = V + a
        binary[min2] = 1
    return parent, binary


@njit(cache=True)
def _paths(parent, binary, V):
    """Root-first paths of the leaves: (codes, points, offsets) of :class:`HuffmanTree`."""
    n = 2 * V - 1
    depth = np.zeros(n, dtype=np.int64)
    for node in range(n - 2, -1, -1):      # a parent is made after its children
        depth[node] = depth[parent[node]] + 1
    offsets = np.zeros(V + 1, dtype=np.int64)
    for w in range(V):
        offsets[w + 1] = offsets[w] + depth[w]
    codes = np.empty(offsets[V], dtype=np.uint8)
    points = np.empty(offsets[V], dtype=np.int32)
    for w in range(V):
        node = w
        for d in range(offsets[w + 1] - 1, offsets[w] - 1, -1):
            codes[d] = binary[node]
            node = parent[node]
            points[d] = node - V
    return codes, points, offsets


def huffman_tree(counts) -> HuffmanTree:
    """The Huffman tree of word2vec.c over ``counts`` (V,) non-negative integers, word ``i``
    having count ``counts[i]``; see the module docstring. Raises ValueError for counts that
    are not a 1-D array of non-negative integers or whose sum passes 2**62."""
    counts = np.asarray(counts)
    if counts.ndim != 1 or (counts.size and counts.dtype.kind not in "iu"):
        raise ValueError("counts must be a 1-D array of integers")
    counts = counts.astype(np.int64)
    if counts.size and (counts.min() < 0 or counts.sum(dtype=np.float64) >= 2.0**62):
        raise ValueError("counts must be non-negative with a sum below 2**62")
    V = counts.shape[0]
    if V == 0:
        return HuffmanTree(np.zeros(0, np.uint8), np.zeros(0, np.int32), np.zeros(1, np.int64))
    order = np.argsort(-counts, kind="stable")
    parent, binary = _join(counts[order])
    codes, points, offsets = _paths(parent, binary, V)
    if np.array_equal(order, np.arange(V)):
        return HuffmanTree(codes, points, offsets)
    # Back to the caller's ids: word order[i] has the path of sorted position i.
    lengths = np.diff(offsets)
    new_lengths = np.empty(V, dtype=np.int64)
    new_lengths[order] = lengths
    new_offsets = np.zeros(V + 1, dtype=np.int64)
    np.cumsum(new_lengths, out=new_offsets[1:])
    source = np.repeat(offsets[:-1][np.argsort(order)] - new_offsets[:-1], new_lengths)
    source += np.arange(new_offsets[-1])
    return HuffmanTree(codes[source], points[source], new_offsets)
