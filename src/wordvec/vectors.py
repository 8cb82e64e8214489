"""WordVectors: trained vectors with their words, gensim ``KeyedVectors``-style.

The methods keep gensim 4.4's names, arguments, defaults and arithmetic, so code written
against ``gensim.models.KeyedVectors`` runs unchanged and gets the same numbers: lookups
(``get_index``, ``get_vector``, ``wv[key]``, ``has_index_for``, ``get_vecattr``), queries
(``most_similar``, ``similar_by_word``/``_key``/``_vector``, ``most_similar_cosmul``,
``similarity``, ``distance``, ``distances``, ``closer_than``, ``rank``, ``n_similarity``,
``most_similar_to_given``, ``get_mean_vector``, ``relative_cosine_similarity``,
``doesnt_match``, ``rank_by_centrality``, ``cosine_similarities``), changes (``add_vector``,
``add_vectors``, ``wv[key] = vector``, ``set_vecattr``, ``sort_by_descending_frequency``),
``vectors_for_all`` and the ``evaluate_*`` benchmarks. Like gensim, a key is a word or, where
no word matches it, an int row index from 0 to len - 1. Deliberate differences, each also
named where it applies:

- an unknown word raises ``KeyError`` naming the word and close known spellings (gensim's
  ``n_similarity`` silently drops unknown words). Skipped as gensim does: in
  ``rank_by_centrality`` and ``doesnt_match`` (with a warning, gensim logs one), in
  ``get_mean_vector(ignore_missing=True)`` and in ``vectors_for_all``;
- ``most_similar_cosmul`` honours ``restrict_vocab`` (gensim 4.4 accepts it and ignores it);
- a zero vector has cosine 0 with everything (gensim divides by its zero norm: NaN);
- ``similarity(w, w)`` is exactly 1.0 and ``distance(w, w)`` exactly 0.0 (for a non-zero
  vector; gensim's float32 arithmetic may miss by an ulp);
- the evaluation files must be well formed (gensim skips a malformed line; we say which);
- arguments are checked (:class:`~wordvec.errors.QueryError`, a ``ValueError``): a negative,
  fractional or boolean ``topn``, a ``restrict_vocab`` below 1, a ``clip_end`` of 0, an
  ``indexer`` (approximate search is not supported), a flag that is not True or False, a
  vector of NaN or of the wrong shape are refused where gensim answers ``[]``, searches
  every row, or fails later (an attribute other than ``'count'``: KeyError, as gensim).
  Kept as gensim: ``topn=0`` answers ``[]``, ``topn=None`` the array of every score, and a
  ``topn``, ``restrict_vocab`` or ``clip_end`` above the vocabulary size means all of it
  (``evaluate_word_analogies``' default 300,000 too);
- keys added by ``add_vectors`` must be words (str), and a key repeated within one call is
  added once (gensim adds it twice, leaving ``index_to_key`` and ``key_to_index`` apart).

Cosines divide by the row norms (``unit_divisors``: the norms with 1 for a zero row, also
what :mod:`wordvec.evaluate` divides by), computed once (``fill_norms``) and cached. The cache
is rebuilt when ``vectors`` is replaced by another array (every method that changes the
vocabulary does so), but not when it is modified in place: after changing
``wv.vectors[...]`` call ``wv.fill_norms(force=True)``.
"""
from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable
from numbers import Integral

import numpy as np

from .errors import QueryError, shown

#: Characters of a word (or of another value's repr) quoted in a message.
_SHOW = 60

class WordVectors:
    """Word vectors and their vocabulary.

    index_to_key: list of V words, most frequent first; key_to_index: dict word -> row;
    vectors: (V, dim) float32, row i the vector of ``index_to_key[i]``; counts: (V,) int64
    corpus counts (a copy of those given), or None when unknown (e.g. read from a file
    without them); gensim's ``'count'`` attribute (:meth:`get_vecattr`).

    The methods that change the vocabulary (:meth:`add_vectors`, :meth:`add_vector`,
    ``wv[keys] = weights``, :meth:`sort_by_descending_frequency`) keep these four
    consistent, replace ``vectors`` by a new array (the old one, a memory map or the
    weights of a :class:`~wordvec.Word2Vec` model, is never written to) and drop the
    cached norms.
    """

    def __init__(self, index_to_key, vectors, counts=None):
        vectors = np.asanyarray(vectors)  # keeps a memory map a memory map
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(f"{len(index_to_key)} words but vectors of shape {vectors.shape}")
        if counts is not None and np.shape(counts) != (len(index_to_key),):
            raise ValueError(f"{len(index_to_key)} words but counts of shape {np.shape(counts)}")
        self.index_to_key = list(index_to_key)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.vectors = vectors
        self.counts = None if counts is None else np.array(counts, dtype=np.int64)
        self._norms = None       # (V,) row norms of the array `_norms_of`
        self._norms_of = None

    @property
    def vector_size(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key) -> bool:
        """``key in wv``: :meth:`has_index_for` (a known word, or an int row index, as gensim)."""
        return self.has_index_for(key)

    def __iter__(self):
        return iter(self.index_to_key)

    # ----------------------------------------------------------------- lookup
    def get_index(self, key, default: int | None = None) -> int:
        """The row of ``key``, as gensim's ``get_index``: the row of a known word; else an int
        ``key`` from 0 to len - 1, which is a row itself; else ``default`` when one is given
        (not None); else KeyError naming the key and close known spellings."""
        index = self._find_index(key)
        if index is not None:
            return index
        if default is not None:
            return default
        raise self._unknown(key)

    def has_index_for(self, key) -> bool:
        """Whether :meth:`get_index` finds a row for ``key`` (a known word or an int index)."""
        return self._find_index(key) is not None

    def _find_index(self, key) -> int | None:
        """The row of a known word, or an int ``key`` in range itself; None otherwise."""
        index = self._row_of_key(key)
        if index is None and _is_count(key) and 0 <= key < len(self):
            index = int(key)
        return index

    def _row_of_key(self, key) -> int | None:
        """The row of a known word (ints are not looked at as rows); None when unknown."""
        try:
            return self.key_to_index.get(key)
        except TypeError:   # an unhashable "word", e.g. a list
            return None

    def _unknown(self, key) -> KeyError:
        """The KeyError for a key without a row: it names the key and close known spellings."""
        if _is_count(key):
            rows = f"rows 0 to {len(self) - 1:,}" if len(self) else "no rows"
            return KeyError(f"{shown(key, _SHOW)} is neither a word in the vocabulary nor a "
                            f"row index: there are {len(self):,} words ({rows})")
        # Spellings are looked for only for a word of a plausible length: difflib's cost
        # grows with it, and a huge "word" is a mistake, not a misspelling.
        close = (self._spellings(key) if isinstance(key, str) and len(key) <= 4 * _SHOW
                 else [])
        hint = (f"; did you mean {', '.join(shown(c, _SHOW) for c in close)}?" if close
                else "")
        return KeyError(f"word {shown(key, _SHOW)} is not in the vocabulary{hint}")

    def _spellings(self, word: str, n: int = 3) -> list[str]:
        """Up to ``n`` known words ``word`` may have meant: the same word in another case
        first (lower case, then capitalised, then upper: ``King`` -> ``king``), then close
        spellings (difflib's, over the 100,000 most frequent words)."""
        cases = (word.lower(), word.capitalize(), word.upper())
        found = [w for w in dict.fromkeys(cases) if w != word and w in self.key_to_index]
        for close in difflib.get_close_matches(word, self.index_to_key[:100_000], n=n):
            if close not in found:
                found.append(close)
        return found[:n]

    def get_vector(self, word, norm: bool = False) -> np.ndarray:
        """(dim,) vector of ``word`` (a view of its row); unit length with ``norm=True``.

        ``word`` is any key :meth:`get_index` takes. The unit vector is
        ``vectors[i] / norms[i]`` with the cached norms, as gensim; a zero vector stays zero.
        """
        return self._row_vector(self.get_index(word), norm)

    def _row_vector(self, index: int, norm) -> np.ndarray:
        if norm:
            return self.vectors[index] / self.unit_divisors()[index]
        return self.vectors[index]

    def __getitem__(self, key_or_keys) -> np.ndarray:
        """``wv[key]``: :meth:`get_vector` (a word, or an int row index); ``wv[keys]`` for a
        list (any iterable) of keys: the (n, dim) array of their vectors, a copy; (0, dim)
        for an empty list (gensim fails on one)."""
        if isinstance(key_or_keys, (str, Integral)) or not isinstance(key_or_keys, Iterable):
            return self.get_vector(key_or_keys)
        rows = np.array([self.get_index(key) for key in key_or_keys], dtype=np.intp)
        return np.asarray(self.vectors[rows])

    def get_vecattr(self, key, attr: str) -> int:
        """gensim's per-key attribute: only ``'count'``, the key's corpus count, is kept.

        KeyError for an unknown key, another attribute, or vectors without counts.
        """
        index = self.get_index(key)
        _check_vecattr(attr)
        if self.counts is None:
            raise KeyError("these vectors have no counts (they were read from a file without "
                           "them); set them with set_vecattr(key, 'count', n)")
        return int(self.counts[index])

    def set_vecattr(self, key, attr: str, val) -> None:
        """Set the ``'count'`` of ``key`` to the whole number ``val`` >= 0 (the only attribute
        kept). Vectors without counts get counts of 0 for every other word, as gensim fills
        an attribute set for the first time."""
        index = self.get_index(key)
        _check_vecattr(attr)
        if not _is_count(val) or val < 0:
            raise QueryError(f"a count must be a whole number >= 0, got {shown(val, _SHOW)}")
        if self.counts is None:
            self.counts = np.zeros(len(self), dtype=np.int64)
        self.counts[index] = val

    def __repr__(self) -> str:
        return f"WordVectors({len(self):,} words x {self.vector_size})"

    # ----------------------------------------------------------------- changes
    def add_vectors(self, keys, weights, extras=None, replace: bool = False) -> None:
        """Add words and their vectors, as gensim's ``add_vectors``: a new word gets a row
        after the last; a known word keeps its vector unless ``replace``.

        keys: a word or a list of words (str). weights: their (n, dim) vectors, or one (dim,)
        vector for one word; finite numbers, cast to ``vectors``' dtype. extras: None or
        ``{'count': n whole numbers >= 0}``, the words' counts, set as their vectors are. A
        word repeated in ``keys`` gets one row, as if the words were added one at a time: its
        last vector wins with ``replace``, its first without. A new word counts 0 unless
        ``extras`` gives its count; vectors without counts get some only from ``extras`` (0
        for the words already there). A call that fails changes nothing.
        """
        keys, rows_in = self._new_rows(keys, weights)
        counts_in = _extra_counts(extras, len(keys))
        _check_flag("replace", replace)
        added, writers = self._plan_rows(keys, replace)
        rows = np.fromiter(writers.keys(), dtype=np.intp, count=len(writers))
        sources = np.fromiter(writers.values(), dtype=np.intp, count=len(writers))
        vectors = _grown(self.vectors, len(added))
        vectors[rows] = rows_in[sources]
        counts = self.counts
        if counts is not None or counts_in is not None:
            counts = _grown(np.zeros(len(self), np.int64) if counts is None else counts,
                            len(added))
        if counts_in is not None:
            counts[rows] = counts_in[sources]
        self._commit(added, vectors, counts)

    def _new_rows(self, keys, weights) -> tuple[list[str], np.ndarray]:
        """add_vectors' arguments checked: (the words, their (n, dim) vectors as a new array
        of ``vectors``' dtype)."""
        words = _as_new_keys(keys)
        n, dim = len(words), self.vector_size
        array = _as_number_array(weights)
        if array is not None and isinstance(keys, str) and array.ndim == 1:
            array = array.reshape(1, -1)
        if array is not None and n == 0 and array.size == 0:
            array = array.reshape(0, dim)
        if array is None or array.shape != (n, dim):
            got = "something else" if array is None else f"shape {array.shape}"
            raise QueryError(f"weights must be the {n:,} vectors of the keys, an array of "
                             f"shape ({n:,}, {dim}) of numbers; got {got}")
        with np.errstate(over="ignore"):        # beyond the dtype's range: inf, refused below
            array = array.astype(self.vectors.dtype)
        bad = np.flatnonzero(~np.isfinite(array).all(axis=1))
        if bad.size:
            raise QueryError(f"the vector of {shown(words[bad[0]], _SHOW)} holds NaN or "
                             f"infinity (or a number beyond {array.dtype}'s range)")
        return words, array

    def _plan_rows(self, keys, replace) -> tuple[list[str], dict[int, int]]:
        """(the new words in order, {row: position in ``keys`` whose vector it takes}): a new
        word's row follows the last; a row is written by the last of its positions with
        ``replace``, else only a new word's row, by its first position."""
        new_rows: dict[str, int] = {}
        writers: dict[int, int] = {}
        for position, key in enumerate(keys):
            row = self.key_to_index.get(key)
            if row is None:
                row = new_rows.setdefault(key, len(self) + len(new_rows))
            if replace or (row >= len(self) and row not in writers):
                writers[row] = position
        return list(new_rows), writers

    def _commit(self, added, vectors, counts) -> None:
        for key in added:
            self.key_to_index[key] = len(self.index_to_key)
            self.index_to_key.append(key)
        self.vectors, self.counts = vectors, counts
        self._norms = self._norms_of = None

    def add_vector(self, key, vector) -> int:
        """Add one new word and its (dim,) vector after the last row; returns its row.

        A known word is refused (QueryError; gensim keeps its vector and returns a row past
        the end): replace it with ``wv[key] = vector``. Each call copies ``vectors``: add
        many words in one :meth:`add_vectors`.
        """
        if isinstance(key, str) and key in self.key_to_index:
            raise QueryError(f"word {shown(key, _SHOW)} is already in the vocabulary (row "
                             f"{self.key_to_index[key]:,}); replace its vector with "
                             "wv[word] = vector or add_vectors(..., replace=True)")
        self.add_vectors(key, vector)
        return len(self) - 1

    def __setitem__(self, keys, weights) -> None:
        """``wv[word] = vector``, ``wv[[w1, w2]] = (2, dim) array``: gensim's alias of
        ``add_vectors(keys, weights, replace=True)``."""
        self.add_vectors(keys, weights, replace=True)

    def sort_by_descending_frequency(self) -> None:
        """Reorder the rows by descending count; equal counts keep their order (gensim puts
        the later row first, so sorting twice can reorder them again). Needs counts."""
        if self.counts is None:
            raise QueryError("sort_by_descending_frequency needs the words' counts; these "
                             "vectors have none (set them with set_vecattr or add_vectors' "
                             "extras)")
        if np.all(self.counts[1:] <= self.counts[:-1]):
            return                                   # sorted already: nothing is copied
        order = np.argsort(-self.counts, kind="stable")
        words = [self.index_to_key[i] for i in order]
        self.index_to_key, self.key_to_index = words, {w: i for i, w in enumerate(words)}
        self._commit([], np.asarray(self.vectors[order]), self.counts[order])

    def vectors_for_all(self, keys, allow_inference: bool = True,
                        copy_vecattrs: bool = False) -> WordVectors:
        """New WordVectors of the known words of ``keys`` (a word or an iterable of words),
        each once, in first-seen order; unknown keys are skipped, as gensim's KeyedVectors.

        allow_inference: accepted for gensim (whose FastText infers vectors for unknown
        words); word2vec has nothing to infer, so it changes nothing. copy_vecattrs: copy the
        counts (else the new vectors have none; gensim makes up descending ones). An int is
        taken as a word, never as a row index (gensim adds row i as the key i).
        """
        _check_flag("allow_inference", allow_inference)
        _check_flag("copy_vecattrs", copy_vecattrs)
        found: dict = {}
        for key in _as_key_list(keys, "keys"):
            row = self._row_of_key(key)
            if row is not None:
                found.setdefault(key, row)
        rows = np.fromiter(found.values(), dtype=np.intp, count=len(found))
        counts = self.counts[rows] if copy_vecattrs and self.counts is not None else None
        return type(self)(list(found), np.asarray(self.vectors[rows]), counts)

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
        """Items of positive/negative -> (terms, weights): a term is a key or a (dim,) vector.

        An item may be a word, an int row index, a (dim,) vector, or a
        ``(word_or_vector, weight)`` pair; a (n, dim) array counts as n vectors. Default
        weights: +1 positive, -1 negative (gensim).
        """
        terms, weights = [], []
        for items, default in ((_ensure_list(positive), 1.0), (_ensure_list(negative), -1.0)):
            for item in items:
                if isinstance(item, tuple) and len(item) == 2:
                    term, weight = item
                else:
                    term, weight = item, default
                self._check_term(term)
                terms.append(term)
                weights.append(float(weight))
        return terms, weights

    def _check_term(self, term) -> None:
        if not _is_term(term):
            raise TypeError(f"expected a word, a row index or a ({self.vector_size},) vector, "
                            f"got {shown(term, _SHOW)}")

    def _as_vector(self, term, norm: bool) -> np.ndarray:
        """A key's (dim,) vector (unit with ``norm``) or a given (dim,) vector unchanged."""
        if isinstance(term, np.ndarray):
            return self._query_vector(term)
        return self.get_vector(term, norm=norm)

    def _query_vector(self, vector) -> np.ndarray:
        """A given vector as a (dim,) array of numbers; QueryError naming its shape if not."""
        if isinstance(vector, str):
            raise TypeError(f"expected a ({self.vector_size},) vector, got the word "
                            f"{shown(vector, _SHOW)}")
        array = _as_number_array(vector)
        if array is None or array.shape != (self.vector_size,):
            got = "something else" if array is None else array.shape
            raise QueryError(f"a query vector must have shape ({self.vector_size},), not {got}")
        return array

    def most_similar(self, positive=None, negative=None, topn=10, clip_start=0, clip_end=None,
                     restrict_vocab=None, indexer=None):
        """The ``topn`` words closest in cosine to the weighted mean of the query terms.

        positive, negative: a key, a (dim,) vector, or a list of keys, vectors or
        ``(term, weight)`` pairs. As gensim: each word becomes its unit vector (a vector is
        used as given), weighted +1 (positive) or -1 (negative); their mean, scaled to unit
        length, is compared by cosine with rows ``clip_start`` to ``clip_end`` - 1 (to the
        last when None), or with the first ``restrict_vocab`` rows when that is given (it
        overrides the clip range). The query words themselves are left out of the answer.

        Returns a list of ``topn`` (word, cosine) pairs, highest first; with ``topn=None``
        the (R,) array of cosines of all R searched rows instead; ``topn=0``: ``[]``. Unknown
        word: KeyError. topn, the row range or an ``indexer`` (approximate search, not
        supported: only None) out of range (see the module docstring): QueryError.
        """
        topn = _check_topn(topn, len(self))
        start, end = self._search_range(clip_start, clip_end, restrict_vocab)
        _check_indexer(indexer)
        if topn == 0:
            return []
        terms, weights = self._weighted_terms(positive, negative)
        if not terms:
            raise ValueError("most_similar needs at least one positive or negative word or vector")
        mean = self.get_mean_vector(terms, weights, post_normalize=True, ignore_missing=False)
        exclude = {self.get_index(t) for t in terms if not isinstance(t, np.ndarray)}
        dists = (self.vectors[start:end] @ mean) / self.unit_divisors()[start:end]
        return self._top(dists, topn, exclude, start)

    def _search_range(self, clip_start, clip_end, restrict_vocab) -> tuple[int, int]:
        """most_similar's rows [start, end): the first ``restrict_vocab`` when given, else
        ``clip_start`` to ``clip_end`` (all to the last row when None), each checked."""
        restrict_vocab = _check_restrict_vocab(restrict_vocab, len(self))
        start, end = _check_clip(clip_start, clip_end, len(self))
        if restrict_vocab is not None:
            return 0, min(restrict_vocab, len(self))
        return start, end

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        """``most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)``."""
        if isinstance(key, np.ndarray):
            raise TypeError("similar_by_key takes a word; for a vector use similar_by_vector")
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """gensim's alias of :meth:`similar_by_key`."""
        return self.similar_by_key(word, topn, restrict_vocab)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """The words closest in cosine to the (dim,) ``vector`` (a list of numbers too); as
        :meth:`most_similar` with it, so nothing is excluded. A word is refused: use
        :meth:`similar_by_word`."""
        if isinstance(vector, str):
            raise TypeError("similar_by_vector takes a vector; for a word use similar_by_word")
        return self.most_similar(positive=[self._query_vector(vector)], topn=topn,
                                 restrict_vocab=restrict_vocab)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """3CosMul (Levy & Goldberg 2014, eq. 4): the ``topn`` words maximising
        ``prod_pos s(w, p) / (prod_neg s(w, n) + 1e-6)``, with ``s = (1 + cos) / 2`` in [0, 1]
        (their footnote 7), as gensim's ``most_similar_cosmul``.

        positive, negative: a key, a (dim,) vector (used as given, not normalised), or a
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
            self._check_term(term)
        exclude = {self.get_index(t) for t in positive + negative
                   if not isinstance(t, np.ndarray)}
        end = min(restrict_vocab, len(self)) if restrict_vocab else len(self)
        rows, divisors = self.vectors[:end], self.unit_divisors()[:end]

        def shifted(term):  # (R,) (1 + cos) / 2
            return (1 + (rows @ self._as_vector(term, norm=True)) / divisors) / 2

        numerator = np.prod([shifted(t) for t in positive], axis=0)
        denominator = np.prod([shifted(t) for t in negative], axis=0) if negative else 1.0
        return self._top(numerator / (denominator + 1e-6), topn, exclude)

    def _top(self, scores, topn, exclude, start: int = 0):
        """(R,) scores of rows ``start`` to ``start + R - 1`` -> the ``topn`` best (word, float)
        pairs outside the row set ``exclude``; the scores themselves for ``topn=None``."""
        if not topn:
            return scores
        skip = {i - start for i in exclude if 0 <= i - start < scores.size}
        k = min(topn + len(skip), scores.size)
        best = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.index_to_key[start + i], float(scores[i])) for i in best
                if i not in skip][:topn]

    def analogy(self, a, b, c, topn=5, restrict_vocab=None):
        """The book's analogy ``a : b = c : ?`` (``king : queen = man : woman``): the words
        closest to ``b - a + c``, as ``most_similar(positive=[b, c], negative=[a])``.

        Returns a list of ``topn`` (word, cosine) pairs, best first; a, b, c are excluded.
        """
        return self.most_similar(positive=[b, c], negative=[a], topn=topn,
                                 restrict_vocab=restrict_vocab)

    def get_mean_vector(self, keys, weights=None, pre_normalize: bool = True,
                        post_normalize: bool = False, ignore_missing: bool = True) -> np.ndarray:
        """(dim,) weighted mean of the keys' vectors, as gensim's ``get_mean_vector``.

        keys: a list of keys and (dim,) vectors (a (n, dim) array is n vectors); weights:
        one number per key (default 1). A word's vector is its unit vector with
        ``pre_normalize`` (a given vector is used as given); the sum of weight x vector is
        divided by the sum of the absolute weights of the terms used, and scaled to unit
        length with ``post_normalize``. An unknown key is skipped with ``ignore_missing``
        (all skipped: the zero vector), else KeyError. Returned in ``vectors``' dtype.
        """
        terms = _ensure_list(keys)
        if not terms:
            raise QueryError("get_mean_vector needs at least one key or vector")
        factors = _mean_weights(weights, len(terms))
        for name, flag in (("pre_normalize", pre_normalize), ("post_normalize", post_normalize),
                           ("ignore_missing", ignore_missing)):
            _check_flag(name, flag)
        mean, total = np.zeros(self.vector_size, dtype=np.float64), 0.0
        for term, factor in zip(terms, factors):
            vector = self._mean_term(term, pre_normalize, ignore_missing)
            if vector is not None:
                mean += factor * vector
                total += abs(factor)
        if total > 0:
            mean /= total
        return (_unit(mean) if post_normalize else mean).astype(self.vectors.dtype)

    def _mean_term(self, term, norm, ignore_missing) -> np.ndarray | None:
        """get_mean_vector's vector of one term; None for a missing key it skips."""
        if isinstance(term, np.ndarray):
            return self._query_vector(term)
        index = self._find_index(term)
        if index is None:
            if ignore_missing:
                return None
            raise self._unknown(term)
        return self._row_vector(index, norm)

    def similarity(self, w1, w2) -> float:
        """Cosine similarity of two words: exactly 1.0 for a word with itself, 0 if either
        vector is zero."""
        i, j = self.get_index(w1), self.get_index(w2)
        if i == j and self.norms[i] > 0:
            return 1.0
        units = self.unit_vectors(np.array([i, j]))
        return float(units[0] @ units[1])

    def distance(self, w1, w2) -> float:
        """Cosine distance ``1 - similarity(w1, w2)``: exactly 0.0 for a word with itself."""
        return 1.0 - self.similarity(w1, w2)

    def distances(self, word_or_vector, other_words=()) -> np.ndarray:
        """Cosine distances (1 - cosine) from a key's vector or a (dim,) vector to each of
        ``other_words`` (a list of keys), or to every word, in row order, when it is empty
        or None. An (n,) array of ``vectors``' dtype."""
        if isinstance(word_or_vector, (str, Integral)):
            vector = self.get_vector(word_or_vector)
        else:
            vector = self._query_vector(word_or_vector)
        others = [] if other_words is None else _as_key_list(other_words, "other_words")
        rows = np.array([self.get_index(w) for w in others], dtype=np.intp) if others else None
        return 1 - self._cosines(vector, slice(None) if rows is None else rows)

    def _cosines(self, vector, rows) -> np.ndarray:
        """Cosines of ``vectors[rows]`` with ``vector`` (0 for a zero vector on either side)."""
        cosines = (self.vectors[rows] @ vector) / self.unit_divisors()[rows]
        length = np.linalg.norm(vector)
        return cosines / length if length > 0 else cosines

    @staticmethod
    def cosine_similarities(vector_1, vectors_all) -> np.ndarray:
        """(n,) cosines of the (dim,) ``vector_1`` with each row of the (n, dim)
        ``vectors_all``; 0 where either vector is zero (gensim: NaN)."""
        vector, matrix = _as_number_array(vector_1), _as_number_array(vectors_all)
        if (vector is None or matrix is None or vector.ndim != 1 or matrix.ndim != 2
                or matrix.shape[1] != vector.shape[0]):
            shapes = [getattr(a, "shape", "not numbers") for a in (vector, matrix)]
            raise QueryError("cosine_similarities takes a (dim,) vector and an (n, dim) array "
                             f"of numbers; got shapes {shapes[0]} and {shapes[1]}")
        divisors = np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
        return (matrix @ vector) / np.where(divisors > 0, divisors, np.ones((), divisors.dtype))

    def closer_than(self, key1, key2) -> list:
        """The words closer (in cosine) to ``key1`` than ``key2`` is, in row order, ``key1``
        left out; ``[]`` when ``key2`` is ``key1``."""
        i, j = self.get_index(key1), self.get_index(key2)
        if i == j:
            return []
        dists = self.distances(i)
        return [self.index_to_key[k] for k in np.flatnonzero(dists < dists[j]) if k != i]

    def words_closer_than(self, word1, word2) -> list:
        """gensim's former name of :meth:`closer_than`."""
        return self.closer_than(word1, word2)

    def rank(self, key1, key2) -> int:
        """The rank of ``key2`` among the words nearest to ``key1``: 1 + len(closer_than)."""
        return len(self.closer_than(key1, key2)) + 1

    def most_similar_to_given(self, key1, keys_list):
        """The key of ``keys_list`` most similar (in cosine) to ``key1``; the first on a tie."""
        keys = _as_key_list(keys_list, "keys_list")
        if not keys:
            raise QueryError("most_similar_to_given needs a non-empty list of keys")
        return keys[int(np.argmax([self.similarity(key1, key) for key in keys]))]

    def relative_cosine_similarity(self, wa, wb, topn=10) -> float:
        """``similarity(wa, wb)`` over the sum of the cosines of ``wa``'s ``topn`` nearest words
        (Leeuwenberg et al. 2016, eq. 1), as gensim. topn: a whole number >= 1."""
        if topn is None or not _is_count(topn) or topn < 1:
            raise QueryError(f"topn must be a whole number of words >= 1, got {shown(topn)}")
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise QueryError("relative_cosine_similarity needs a vocabulary of 2 words or more")
        return self.similarity(wa, wb) / sum(sim for _, sim in sims)

    def n_similarity(self, ws1, ws2) -> float:
        """Cosine similarity of the means of two word lists (raw vectors averaged, as gensim)."""
        if not (len(ws1) and len(ws2)):
            raise ValueError("n_similarity needs two non-empty word lists")
        mean1 = np.mean([self.get_vector(w) for w in ws1], axis=0)
        mean2 = np.mean([self.get_vector(w) for w in ws2], axis=0)
        return float(_unit(mean1) @ _unit(mean2))

    def rank_by_centrality(self, words, use_norm: bool = True):
        """[(cosine, word)] sorted highest first: each word's vector (unit with ``use_norm``)
        dotted with the unit mean of those vectors, as gensim's ``rank_by_centrality``.

        Words not in the vocabulary are left out with a warning (as gensim, which logs it);
        QueryError when none is left.
        """
        return self._rank(words, use_norm, "rank_by_centrality")

    def _rank(self, words, use_norm, caller: str):
        _check_flag("use_norm", use_norm)
        known = self._known(words, caller)
        rows = np.array([self.get_index(w) for w in known], dtype=np.intp)
        vectors = self.unit_vectors(rows) if use_norm else np.asarray(self.vectors[rows])
        mean = _unit(vectors.mean(axis=0, dtype=np.float64)).astype(vectors.dtype)
        return sorted(zip((float(d) for d in vectors @ mean), known), reverse=True)

    def _known(self, words, caller: str) -> list:
        """The keys of ``words`` that have a row, in order; a warning names the others;
        QueryError when there is no key left."""
        words = _as_key_list(words, "words")
        known = [w for w in words if w in self]
        if not known:
            what = "an empty list" if not words else f"{len(words):,} words, none known"
            raise QueryError(f"{caller} needs at least one word in the vocabulary; got {what}")
        if len(known) < len(words):
            unknown = [shown(w, _SHOW) for w in words if w not in self]
            more = ", ..." if len(unknown) > 3 else ""
            warnings.warn(f"{caller}: {len(unknown):,} of the {len(words):,} words are not in "
                          f"the vocabulary and were left out: {', '.join(unknown[:3])}{more}",
                          stacklevel=4)
        return known

    def doesnt_match(self, words) -> str:
        """The word of ``words`` furthest (in cosine) from the mean of their unit vectors;
        unknown words are left out with a warning, as in :meth:`rank_by_centrality`."""
        return self._rank(words, True, "doesnt_match")[-1][1]

    # ------------------------------------------------------------- evaluation
    def evaluate_word_analogies(self, analogies, restrict_vocab=300_000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar"):
        """Accuracy on an analogy file (``: section`` headers, ``a b c d`` lines): see
        :func:`wordvec.evaluate.evaluate_word_analogies`. Returns ``(accuracy, sections)``.

        similarity_function: ``'most_similar'`` (3CosAdd), the only value; gensim 4.4 takes
        any value and always uses 3CosAdd, here another is refused (QueryError)."""
        from .evaluate import evaluate_word_analogies
        restrict_vocab = _check_restrict_vocab(restrict_vocab, len(self))
        if similarity_function != "most_similar":
            raise QueryError("similarity_function must be 'most_similar' (3CosAdd, the only "
                             f"method gensim 4.4 uses); got {shown(similarity_function, _SHOW)}")
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
    """A query term: a word, an int row index or a vector."""
    return isinstance(item, (str, np.ndarray)) or _is_count(item)


def _ensure_list(value) -> list:
    """A query argument as a list: None -> [], a key or (dim,) vector -> [it], (n, dim) -> rows."""
    if value is None:
        return []
    if isinstance(value, (str, Integral)) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    if isinstance(value, np.ndarray) and value.ndim == 2:
        return list(value)
    return list(value)


def _as_key_list(value, name: str) -> list:
    """A word or an iterable of keys as a list (a str is one word, not its letters)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a word or a list of words, got {shown(value, _SHOW)}")
    return list(value)


def _as_new_keys(keys) -> list[str]:
    """add_vectors' keys: a word or an iterable of words, as a list of str."""
    words = _as_key_list(keys, "keys")
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"the keys added must be words (str); got {shown(word, _SHOW)}")
    return [str(word) for word in words]     # np.str_ and other str subclasses -> str


def _as_number_array(value) -> np.ndarray | None:
    """``value`` as an array of real numbers (bool excluded), or None when it is not one."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):     # ragged nested lists
        return None
    return array if array.dtype.kind in "iuf" else None


def _grown(array, extra: int) -> np.ndarray:
    """A new array: ``array`` followed by ``extra`` rows of zeros."""
    zeros = np.zeros((extra, *array.shape[1:]), dtype=array.dtype)
    return np.concatenate([np.asarray(array), zeros])


def _extra_counts(extras, n: int) -> np.ndarray | None:
    """add_vectors' extras -> the (n,) int64 counts it gives, or None when it gives none."""
    if extras is None:
        return None
    if not isinstance(extras, dict) or set(extras) - {"count"}:
        raise QueryError("extras must be None or {'count': counts}: WordVectors keeps one "
                         f"attribute per word, its corpus count; got {shown(extras, _SHOW)}")
    if "count" not in extras:
        return None
    counts = _as_number_array(extras["count"])
    if counts is None or counts.dtype.kind not in "iu" or counts.shape != (n,) or (
            counts < 0).any():
        raise QueryError(f"extras['count'] must be {n:,} whole numbers >= 0, one per key; "
                         f"got {shown(extras['count'], _SHOW)}")
    return counts.astype(np.int64)


def _check_vecattr(attr) -> None:
    if attr != "count":
        raise KeyError(f"WordVectors keeps one attribute per word, 'count' (its corpus count); "
                       f"there is no {shown(attr, _SHOW)}")


def _check_flag(name: str, value) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise QueryError(f"{name} must be True or False, got {shown(value, _SHOW)}")


def _check_indexer(indexer) -> None:
    if indexer is not None:
        raise QueryError("approximate nearest-neighbour indexers (gensim's AnnoyIndexer and "
                         "the like) are not supported: pass indexer=None, the exact search; "
                         f"got {shown(indexer, _SHOW)}")


def _check_clip(clip_start, clip_end, size: int) -> tuple[int, int]:
    """most_similar's clip range as rows [start, end): clip_start a row from 0 to size - 1,
    clip_end None (to the last row) or a whole number above it (above size: to the last)."""
    if not _is_count(clip_start) or not 0 <= clip_start < max(size, 1):
        raise QueryError(f"clip_start must be a whole number from 0 to {max(size - 1, 0):,} "
                         f"(the first row searched); got {shown(clip_start, _SHOW)}")
    if clip_end is None:
        return int(clip_start), size
    if not _is_count(clip_end) or clip_end <= clip_start:
        raise QueryError(f"clip_end must be None (search to the last row) or a whole number "
                         f"above clip_start={int(clip_start):,} (the row after the last one "
                         f"searched; above {size:,}, the vocabulary size, means to the last "
                         f"row); got {shown(clip_end, _SHOW)}")
    return int(clip_start), min(int(clip_end), size)


def _mean_weights(weights, n: int) -> np.ndarray:
    """get_mean_vector's weights as (n,) float64: ones for None."""
    if weights is None:
        return np.ones(n)
    array = _as_number_array(weights)
    if array is None or array.shape != (n,) or not np.isfinite(array).all():
        raise QueryError(f"weights must be None or {n:,} finite numbers, one per key; got "
                         f"{shown(weights, _SHOW)}")
    return array.astype(np.float64)


def _unit(vector: np.ndarray) -> np.ndarray:
    """(dim,) vector scaled to unit length; a zero vector is returned unchanged."""
    length = np.linalg.norm(vector)
    return vector / length if length > 0 else vector
