"""The explorer's queries, pure: checked parameters in, JSON-ready dicts out, no HTTP.

Each query of the page has one function here (:func:`similar`, :func:`analogy`,
:func:`similarity`, :func:`word_map`, :func:`complete`, :func:`info`), computed with
:class:`~wordvec.vectors.WordVectors`' own methods so that the page shows what the Python
API answers. :func:`parse` turns a request's query string (a list of ``(name, value)``
pairs) into those functions' arguments, each checked against :data:`SPECS`. Every problem is
an :class:`ApiError` carrying the HTTP status (400 a bad parameter, 404 an unknown word) and
a JSON body with the message; an unknown word's body also lists close known spellings, found
as :class:`~wordvec.vectors.WordVectors` finds them for its ``KeyError`` messages.

Nothing here writes a file; the map's projections (scikit-learn's t-SNE, umap-learn's UMAP)
are imported only when asked for.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import partial

import numpy as np

from .. import projection
from ..errors import WordvecError, shown

#: The longest word a query may name (word2vec.c's own limit is 100 bytes).
MAX_WORD_CHARS = 200
#: Neighbours and analogy answers per query.
TOPN_RANGE = (1, 100)
#: Words on a map: enough for a picture, few enough to answer at once (t-SNE of 1,000 words
#: takes seconds; PCA of them milliseconds).
MAP_RANGE = (5, 1000)
#: Completions per prefix.
COMPLETE_RANGE = (1, 50)
#: How much of a float the page gets (cosines and coordinates).
DIGITS = 6


class ApiError(WordvecError):
    """A query the explorer cannot answer: ``status`` is the HTTP status (400, 404),
    ``message`` says what is wrong and what to do, ``extra`` joins the JSON body
    (``parameter``, ``word``, ``suggestions``)."""

    def __init__(self, status: int, message: str, extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = dict(extra or {})

    def body(self) -> dict:
        """The JSON body of the error response: ``{"error": message, **extra}``."""
        return {"error": self.message, **self.extra}


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, f"parameter {name!r}: {message}", {"parameter": name})


# ------------------------------------------------------------------ parameters
def word_value(name: str, value: str) -> str:
    """A word as given (no stripping: a vocabulary may hold spaces), 1 to
    :data:`MAX_WORD_CHARS` characters."""
    if not value:
        raise bad_parameter(name, "give a word (it is empty)")
    if len(value) > MAX_WORD_CHARS:
        raise bad_parameter(name, f"a word has at most {MAX_WORD_CHARS} characters, this one "
                                  f"{len(value):,}")
    return value


def count_value(name: str, low: int, high: int, value: str) -> int:
    """A whole number written in decimal digits, from ``low`` to ``high``."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise bad_parameter(name, f"expected a whole number from {low} to {high}, got "
                                  f"{shown(value, 20)}")
    number = int(text)
    if not low <= number <= high:
        raise bad_parameter(name, f"must be from {low} to {high}, got {number}")
    return number


def choice_value(name: str, choices: Iterable[str], value: str) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise bad_parameter(name, f"must be one of {', '.join(choices)}, got "
                                  f"{shown(value, 20)}")
    return value


#: A parameter nobody gave and nothing defaults.
REQUIRED = object()

Parser = Callable[[str], object]
Spec = dict[str, tuple[Parser, object]]

#: Each query's parameters: name -> (parser of the text given, default or REQUIRED).
SPECS: dict[str, Spec] = {
    "info": {},
    "similar": {"word": (partial(word_value, "word"), REQUIRED),
                "topn": (partial(count_value, "topn", *TOPN_RANGE), 10)},
    "analogy": {"a": (partial(word_value, "a"), REQUIRED),
                "b": (partial(word_value, "b"), REQUIRED),
                "c": (partial(word_value, "c"), REQUIRED),
                "topn": (partial(count_value, "topn", *TOPN_RANGE), 5)},
    "similarity": {"w1": (partial(word_value, "w1"), REQUIRED),
                   "w2": (partial(word_value, "w2"), REQUIRED)},
    "map": {"n": (partial(count_value, "n", *MAP_RANGE), 200),
            "method": (partial(choice_value, "method", projection.METHODS), "pca"),
            "word": (partial(word_value, "word"), None)},
    "complete": {"prefix": (partial(word_value, "prefix"), REQUIRED),
                 "limit": (partial(count_value, "limit", *COMPLETE_RANGE), 10)},
}


def parse(pairs: Iterable[tuple[str, str]], spec: Spec) -> dict:
    """A query string's ``(name, value)`` pairs -> keyword arguments of the query, each
    parsed by ``spec``; an unknown, repeated or missing parameter or a bad value: 400."""
    given: dict[str, str] = {}
    for name, value in pairs:
        if name not in spec:
            known = ", ".join(spec) or "none"
            raise ApiError(400, f"unknown parameter {shown(name, 30)} (this query takes: "
                                f"{known})", {"parameter": name})
        if name in given:
            raise bad_parameter(name, "given more than once")
        given[name] = value
    args = {}
    for name, (parser, default) in spec.items():
        if name in given:
            args[name] = parser(given[name])
        elif default is REQUIRED:
            raise bad_parameter(name, "missing")
        else:
            args[name] = default
    return args


# --------------------------------------------------------------------- queries
def row_of(wv, word: str) -> int:
    """The row of a known word; else a 404 naming it, with close known spellings (the
    suggestions of :class:`~wordvec.vectors.WordVectors`' own unknown-word ``KeyError``)."""
    row = wv.key_to_index.get(word)
    if row is not None:
        return row
    error = wv._unknown(word)
    raise ApiError(404, error.args[0], {"word": word, "suggestions": wv._spellings(word)})


def _scored(pairs) -> list[dict]:
    return [{"word": w, "similarity": round(float(s), DIGITS)} for w, s in pairs]


def similar(wv, word: str, topn: int = 10) -> dict:
    """The ``topn`` nearest neighbours of ``word``: ``wv.most_similar(word, topn=topn)``."""
    row_of(wv, word)
    return {"word": word, "neighbours": _scored(wv.most_similar(positive=[word], topn=topn))}


def analogy(wv, a: str, b: str, c: str, topn: int = 5) -> dict:
    """``a : b = c : ?``, the words nearest to ``b - a + c``:
    ``wv.most_similar(positive=[b, c], negative=[a], topn=topn)`` (a, b, c left out)."""
    for word in (a, b, c):
        row_of(wv, word)
    answers = wv.most_similar(positive=[b, c], negative=[a], topn=topn)
    return {"a": a, "b": b, "c": c, "answers": _scored(answers)}


def similarity(wv, w1: str, w2: str) -> dict:
    """The cosine of two words: ``wv.similarity(w1, w2)``."""
    row_of(wv, w1)
    row_of(wv, w2)
    return {"w1": w1, "w2": w2, "similarity": round(wv.similarity(w1, w2), DIGITS)}


def complete(wv, prefix: str, limit: int = 10) -> dict:
    """Up to ``limit`` words starting with ``prefix``, most frequent (first rows) first."""
    found = itertools.islice((w for w in wv.index_to_key if w.startswith(prefix)), limit)
    return {"prefix": prefix, "words": list(found)}


def info(wv, source: str = "") -> dict:
    """What the page shows first: the file, its size, the methods and the limits."""
    return {"source": source, "words": len(wv), "dim": wv.vector_size,
            "memory_mapped": isinstance(wv.vectors, np.memmap),
            "methods": projection.available(), "sample": wv.index_to_key[:8],
            "limits": {"topn": TOPN_RANGE, "n": MAP_RANGE, "word_chars": MAX_WORD_CHARS}}


# ------------------------------------------------------------------------ map
def word_map(wv, n: int = 200, method: str = "pca", word: str | None = None) -> dict:
    """A 2-D map of ``n`` words: the first ``n`` rows (the most frequent words), or with
    ``word`` that word and its ``n - 1`` nearest neighbours (``similarity`` then holds each
    one's cosine with it). The points are the words' unit vectors (the geometry of the
    cosines the neighbour lists show) projected by ``method`` (:mod:`wordvec.projection`)."""
    if method not in projection.available():
        raise ApiError(400, projection.missing_message(method), {"parameter": "method"})
    if word is None:
        rows = np.arange(min(n, len(wv)))
        scores = None
    else:
        row_of(wv, word)
        pairs = [(word, 1.0)] + wv.most_similar(positive=[word], topn=n - 1)
        rows = np.array([wv.key_to_index[w] for w, _ in pairs], dtype=np.intp)
        scores = [round(float(s), DIGITS) for _, s in pairs]
    if len(rows) < projection.MIN_NONLINEAR_POINTS:
        method = "pca"  # a vocabulary too small for neighbours
    xy, explained = projection.project(wv.unit_vectors(rows), method)
    return {"method": method, "word": word, "words": [wv.index_to_key[i] for i in rows],
            "x": np.round(xy[:, 0], DIGITS).tolist(), "y": np.round(xy[:, 1], DIGITS).tolist(),
            "similarity": scores, "explained": explained}
