"""WordVectors: trained vectors with their words, gensim ``KeyedVectors``-style.

The queries keep gensim 4.4's names, arguments and arithmetic (``most_similar``,
``most_similar_cosmul``, ``similarity``, ``n_similarity``, ``doesnt_match``,
``rank_by_centrality``, ``evaluate_word_analogies``, ``evaluate_word_pairs``), so code
written against ``gensim.models.KeyedVectors`` runs unchanged and gets the same numbers.
Deliberate differences, each named where it applies:

- an unknown word raises ``KeyError`` naming the word and close known spellings, everywhere
  (gensim's ``doesnt_match`` silently drops unknown words);
- ``most_similar_cosmul`` honours ``restrict_vocab`` (gensim 4.4 accepts it and ignores it);
- a zero vector has cosine 0 with everything (gensim divides by its zero norm: NaN);
- the evaluation files must be well formed (gensim skips a malformed line; we say which);
- ``topn`` and ``restrict_vocab`` are checked (:class:`~wordvec.errors.QueryError`): a
  negative, fractional or boolean ``topn`` and a ``restrict_vocab`` below 1 are refused where
  gensim silently answers ``[]`` or searches every row. Kept as gensim: ``topn=0`` answers
  ``[]``, ``topn=None`` the array of every score, and a ``topn`` or ``restrict_vocab`` above
  the vocabulary size means all of it (``evaluate_word_analogies``' default 300,000 too).

Cosines divide by the row norms (``unit_divisors``: the norms with 1 for a zero row, also
what :mod:`wordvec.evaluate` divides by), computed once (``fill_norms``) and cached. The cache
is rebuilt when ``vectors`` is replaced by another array, but not when it is modified in
place: after changing ``wv.vectors[...]`` call ``wv.fill_norms(force=True)``.
"""
from __future__ import annotations

import difflib
from numbers import Integral

import numpy as np

from .errors import QueryError, shown

#: Characters of a word (or of another value's repr) quoted in a message.
_SHOW = 60

class WordVectors:
    """Word vectors and their vocabulary.

    index_to_key: list of V words, most frequent first; key_to_index: dict word -> row;
    vectors: (V, dim) float32, row i the vector of ``index_to_key[i]``; counts: (V,) int64
    corpus counts, or None when unknown (e.g. read from a file without them).
    """

    def __init__(self, index_to_key, vectors, counts=None):
        vectors = np.asanyarray(vectors)  # keeps a memory map a memory map
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(f"{len(index_to_key)} words but vectors of shape {vectors.shape}")
        self.index_to_key = list(index_to_key)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.vectors = vectors
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self._norms = None       # (V,) row norms of the array `_norms_of`
        self._norms_of = None

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
        except (KeyError, TypeError):   # TypeError: an unhashable "word", e.g. a list
            # Spellings are looked for only for a word of a plausible length: difflib's cost
            # grows with it, and a huge "word" is a mistake, not a misspelling.
            close = (difflib.get_close_matches(word, self.index_to_key[:100_000], n=3)
                     if isinstance(word, str) and len(word) <= 4 * _SHOW else [])
            hint = (f"; did you mean {', '.join(shown(c, _SHOW) for c in close)}?" if close
                    else "")
            raise KeyError(f"word {shown(word, _SHOW)} is not in the vocabulary{hint}") from None

    def get_vector(self, word, norm: bool = False) -> np.ndarray:
        """(dim,) vector of ``word`` (a view of its row); unit length with ``norm=True``.

        The unit vector is ``vectors[i] / norms[i]`` with the cached norms, as gensim; a zero
        vector stays zero.
        """
        index = self.get_index(word)
        if norm:
            return self.vectors[index] / self.unit_divisors()[index]
        return self.vectors[index]

    __getitem__ = get_vector

    def __repr__(self) -> str:
        return f"WordVectors({len(self):,} words x {self.vector_size})"

    # ------------------------------------------------------------------ norms
    def fill_norms(self, force: bool = False) -> None:
        """Compute the (V,) row norms of ``vectors`` unless cached for this very array.

        ``force=True`` recomputes them: needed after ``vectors`` was modified in place.
        """
        if force or self._norms is None or self._norms_of is not self.vectors:
            self._norms = np.linalg.norm(self.vectors, axis=1)
            self._norms_of = self.vectors

    @property
    def norms(self) -> np.ndarray:
        """(V,) Euclidean norm of each row of ``vectors`` (vectors' dtype), cached."""
        self.fill_norms()
        return self._norms

    def unit_divisors(self) -> np.ndarray:
        """(V,) what each row is divided by to make it a unit vector: its norm (:attr:`norms`,
        cached), with 0 replaced by 1 so that a zero row divides to zero, not NaN.

        Every cosine here divides by these: ``vectors[i] / unit_divisors()[i]`` is the unit
        vector of row ``i`` (:meth:`unit_vectors`), and ``(vectors @ u) / unit_divisors()``
        the cosines of every row with a unit vector ``u``. The array is the cache itself
        when no row is zero: do not modify it.
        """
        norms = self.norms
        return norms if norms.all() else np.where(norms > 0, norms, np.ones((), norms.dtype))

    def unit_vectors(self, rows) -> np.ndarray:
        """The rows ``rows`` (an index array of any shape, or a slice) of ``vectors`` scaled to
        unit length, as a new array of shape ``vectors[rows].shape``; zero rows stay zero.

        Computed as ``vectors[rows] / unit_divisors()[rows][..., None]``, the arithmetic of
        :meth:`get_vector` with ``norm=True`` and of :meth:`get_normed_vectors`.
        """
        return self.vectors[rows] / self.unit_divisors()[rows][..., None]

    def get_normed_vectors(self) -> np.ndarray:
        """(V, dim) copy of ``vectors`` with every row scaled to unit length (zero rows stay 0)."""
        return self.vectors / self.unit_divisors()[:, None]

    # ---------------------------------------------------------------- queries
    def _weighted_terms(self, positive, negative):
        """Items of positive/negative -> (terms, weights): a term is a word or a (dim,) vector.

        An item may be a word, a (dim,) vector, or a ``(word_or_vector, weight)`` pair; a
        (n, dim) array counts as n vectors. Default weights: +1 positive, -1 negative (gensim).
        """
        terms, weights = [], []
        for items, default in ((_ensure_list(positive), 1.0), (_ensure_list(negative), -1.0)):
            for item in items:
                if isinstance(item, tuple) and len(item) == 2:
                    term, weight = item
                else:
                    term, weight = item, default
                if not _is_term(term):
                    raise TypeError(f"expected a word or a ({self.vector_size},) vector, "
                                    f"got {shown(term, _SHOW)}")
                terms.append(term)
                weights.append(float(weight))
        return terms, weights

    def _as_vector(self, term, norm: bool) -> np.ndarray:
        """A word's (dim,) vector (unit with ``norm``) or a given (dim,) vector unchanged."""
        if isinstance(term, str):
            return self.get_vector(term, norm=norm)
        vector = np.asarray(term)
        if vector.shape != (self.vector_size,):
            raise ValueError(f"a query vector must have shape ({self.vector_size},), "
                             f"not {vector.shape}")
        return vector

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """The ``topn`` words closest in cosine to the weighted mean of the query terms.

        positive, negative: a word, a (dim,) vector, or a list of words, vectors or
        ``(term, weight)`` pairs. As gensim: each word becomes its unit vector (a vector is
        used as given), weighted +1 (positive) or -1 (negative); their mean, scaled to unit
        length, is compared by cosine with the first ``restrict_vocab`` rows (all when None).
        The query words themselves are left out of the answer.

        Returns a list of ``topn`` (word, cosine) pairs, highest first; with ``topn=None``
        the (R,) array of cosines of all R searched rows instead; ``topn=0``: ``[]``. Unknown
        word: KeyError. topn or restrict_vocab out of range (see the module docstring):
        QueryError.
        """
        topn = _check_topn(topn, len(self))
        restrict_vocab = _check_restrict_vocab(restrict_vocab, len(self))
        if topn == 0:
            return []
        terms, weights = self._weighted_terms(positive, negative)
        if not terms:
            raise ValueError("most_similar needs at least one positive or negative word or vector")
        mean = np.zeros(self.vector_size, dtype=np.float64)
        for term, weight in zip(terms, weights):
            mean += weight * self._as_vector(term, norm=True)
        mean = _unit(mean).astype(self.vectors.dtype)
        exclude = {self.get_index(t) for t in terms if isinstance(t, str)}
        end = min(restrict_vocab, len(self)) if restrict_vocab else len(self)
        dists = (self.vectors[:end] @ mean) / self.unit_divisors()[:end]
        return self._top(dists, topn, exclude)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """3CosMul (Levy & Goldberg 2014, eq. 4): the ``topn`` words maximising
        ``prod_pos s(w, p) / (prod_neg s(w, n) + 1e-6)``, with ``s = (1 + cos) / 2`` in [0, 1]
        (their footnote 7), as gensim's ``most_similar_cosmul``.

        positive, negative: a word, a (dim,) vector (used as given, not normalised), or a
        list of them. Only the first ``restrict_vocab`` rows are searched (all when None; gensim
        4.4 ignores this argument). Query words are left out of the answer. Returns a list of
        (word, score) pairs, highest first, or with ``topn=None`` the (R,) array of scores.
        topn and restrict_vocab are checked as in :meth:`most_similar`.
        """
        topn = _check_topn(topn, len(self))
        restrict_vocab = _check_restrict_vocab(restrict_vocab, len(self))
        if topn == 0:
            return []
        positive, negative = _ensure_list(positive), _ensure_list(negative)
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one positive word or vector")
        for term in positive + negative:
            if not _is_term(term):
                raise TypeError(f"expected a word or a ({self.vector_size},) vector, "
                                f"got {shown(term, _SHOW)}")
        exclude = {self.get_index(t) for t in positive + negative if isinstance(t, str)}
        end = min(restrict_vocab, len(self)) if restrict_vocab else len(self)
        rows, divisors = self.vectors[:end], self.unit_divisors()[:end]

        def shifted(term):  # (R,) (1 + cos) / 2
            return (1 + (rows @ self._as_vector(term, norm=True)) / divisors) / 2

        numerator = np.prod([shifted(t) for t in positive], axis=0)
        denominator = np.prod([shifted(t) for t in negative], axis=0) if negative else 1.0
        return self._top(numerator / (denominator + 1e-6), topn, exclude)

    def _top(self, scores, topn, exclude):
        """(R,) scores -> the ``topn`` best (word, float) pairs outside row set ``exclude``."""
        if not topn:
            return scores
        k = min(topn + len(exclude), scores.size)
        best = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.index_to_key[i], float(scores[i])) for i in best if i not in exclude][:topn]

    def analogy(self, a, b, c, topn=5, restrict_vocab=None):
        """The book's analogy ``a : b = c : ?`` (``king : queen = man : woman``): the words
        closest to ``b - a + c``, as ``most_similar(positive=[b, c], negative=[a])``.

        Returns a list of ``topn`` (word, cosine) pairs, best first; a, b, c are excluded.
        """
        return self.most_similar(positive=[b, c], negative=[a], topn=topn,
                                 restrict_vocab=restrict_vocab)

    def similarity(self, w1, w2) -> float:
        """Cosine similarity of two words (0 if either vector is zero)."""
        return float(self.get_vector(w1, norm=True) @ self.get_vector(w2, norm=True))

    def n_similarity(self, ws1, ws2) -> float:
        """Cosine similarity of the means of two word lists (raw vectors averaged, as gensim)."""
        if not (len(ws1) and len(ws2)):
            raise ValueError("n_similarity needs two non-empty word lists")
        mean1 = np.mean([self.get_vector(w) for w in ws1], axis=0)
        mean2 = np.mean([self.get_vector(w) for w in ws2], axis=0)
        return float(_unit(mean1) @ _unit(mean2))

    def rank_by_centrality(self, words):
        """[(cosine, word)] sorted highest first: each word's cosine with the unit mean of the
        words' unit vectors (gensim's ``rank_by_centrality`` with ``use_norm=True``)."""
        words = list(words)
        if not words:
            raise ValueError("cannot rank an empty list of words")
        units = np.vstack([self.get_vector(w, norm=True) for w in words])   # (n, dim)
        mean = _unit(units.mean(axis=0, dtype=np.float64)).astype(units.dtype)
        dists = units @ mean
        return sorted(zip((float(d) for d in dists), words), reverse=True)

    def doesnt_match(self, words) -> str:
        """The word of ``words`` furthest (in cosine) from the mean of their unit vectors."""
        return self.rank_by_centrality(words)[-1][1]

    # ------------------------------------------------------------- evaluation
    def evaluate_word_analogies(self, analogies, restrict_vocab=300_000, case_insensitive=True,
                                dummy4unknown=False):
        """Accuracy on an analogy file (``: section`` headers, ``a b c d`` lines): see
        :func:`wordvec.evaluate.evaluate_word_analogies`. Returns ``(accuracy, sections)``."""
        from .evaluate import evaluate_word_analogies
        restrict_vocab = _check_restrict_vocab(restrict_vocab, len(self))
        return evaluate_word_analogies(self, analogies, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive,
                                       dummy4unknown=dummy4unknown)

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300_000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation with human similarity scores: see
        :func:`wordvec.evaluate.evaluate_word_pairs`. Returns
        ``((pearson, p), (spearman, p), oov_ratio_percent)``."""
        from .evaluate import evaluate_word_pairs
        restrict_vocab = _check_restrict_vocab(restrict_vocab, len(self))
        return evaluate_word_pairs(self, pairs, delimiter=delimiter, encoding=encoding,
                                   restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)


def _is_count(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def _check_topn(topn, size: int):
    """``topn`` as the queries take it: None (every score, an array), 0 (``[]``, as gensim)
    or a whole number >= 1 (above ``size``, the vocabulary size: all of it, as gensim), as
    an int; QueryError for anything else (a negative, fractional, boolean or other value)."""
    return _check_count("topn", topn, size, 0, "the scores of every word")


def _check_restrict_vocab(restrict_vocab, size: int):
    """``restrict_vocab`` as the queries take it: None (every row) or a whole number >= 1
    (the first rows searched; above ``size``: all), as an int; QueryError otherwise (0,
    negative, fractional, boolean)."""
    return _check_count("restrict_vocab", restrict_vocab, size, 1, "every word")


def _check_count(name: str, value, size: int, low: int, none_means: str):
    """``value`` as an int when it is None or a whole number >= ``low``; else a QueryError
    naming ``name``, its range (``size`` words) and what None means."""
    if value is None:
        return None
    if not _is_count(value) or value < low:
        raise QueryError(f"{name} must be a whole number of words from 1 to {size:,} (the "
                         "vocabulary size; more means all of them), or None for "
                         f"{none_means}; got {shown(value, _SHOW)}")
    return int(value)


def _is_term(item) -> bool:
    return isinstance(item, (str, np.ndarray))


def _ensure_list(value) -> list:
    """A query argument as a list: None -> [], a word or (dim,) vector -> [it], (n, dim) -> rows."""
    if value is None:
        return []
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    if isinstance(value, np.ndarray) and value.ndim == 2:
        return list(value)
    return list(value)


def _unit(vector: np.ndarray) -> np.ndarray:
    """(dim,) vector scaled to unit length; a zero vector is returned unchanged."""
    length = np.linalg.norm(vector)
    return vector / length if length > 0 else vector
