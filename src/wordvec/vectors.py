"""WordVectors: trained vectors with their words, gensim ``KeyedVectors``-style."""
from __future__ import annotations

import difflib

import numpy as np


class WordVectors:
    """Word vectors and their vocabulary.

    index_to_key: list of V words, most frequent first; key_to_index: dict word -> row;
    vectors: (V, dim) float32, row i the vector of ``index_to_key[i]``; counts: (V,) int64
    corpus counts, or None when unknown (e.g. read from a file without them).
    """

    def __init__(self, index_to_key, vectors, counts=None):
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(f"{len(index_to_key)} words but vectors of shape {vectors.shape}")
        self.index_to_key = list(index_to_key)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.vectors = vectors
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)

    @property
    def vector_size(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word) -> bool:
        return word in self.key_to_index

    def __iter__(self):
        return iter(self.index_to_key)

    def get_index(self, word) -> int:
        """The row of ``word``; KeyError naming the word and close known spellings."""
        try:
            return self.key_to_index[word]
        except KeyError:
            close = difflib.get_close_matches(str(word), self.index_to_key[:100_000], n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise KeyError(f"word {word!r} is not in the vocabulary{hint}") from None

    def get_vector(self, word, norm: bool = False) -> np.ndarray:
        """(dim,) vector of ``word``; unit length with ``norm=True``."""
        vector = self.vectors[self.get_index(word)]
        return vector / np.linalg.norm(vector) if norm else vector

    __getitem__ = get_vector

    def __repr__(self) -> str:
        return f"WordVectors({len(self):,} words x {self.vector_size})"
