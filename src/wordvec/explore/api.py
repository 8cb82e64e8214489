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

import importlib.util
import itertools
import warnings
from collections.abc import Callable, Iterable
from functools import partial

import numpy as np

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
#: The map's projections, each with the module it needs (None: NumPy alone).
METHODS = {"pca": None, "tsne": "sklearn", "umap": "umap"}
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
            "method": (partial(choice_value, "method", METHODS), "pca"),
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


def available_methods() -> list[str]:
    """The map projections this installation can run (their module is importable)."""
    return [name for name, module in METHODS.items()
            if module is None or importlib.util.find_spec(module) is not None]


def info(wv, source: str = "") -> dict:
    """What the page shows first: the file, its size, the methods and the limits."""
    return {"source": source, "words": len(wv), "dim": wv.vector_size,
            "memory_mapped": isinstance(wv.vectors, np.memmap),
            "methods": available_methods(), "sample": wv.index_to_key[:8],
            "limits": {"topn": TOPN_RANGE, "n": MAP_RANGE, "word_chars": MAX_WORD_CHARS}}


# ------------------------------------------------------------------------ map
def word_map(wv, n: int = 200, method: str = "pca", word: str | None = None) -> dict:
    """A 2-D map of ``n`` words: the first ``n`` rows (the most frequent words), or with
    ``word`` that word and its ``n - 1`` nearest neighbours (``similarity`` then holds each
    one's cosine with it). The points are the words' unit vectors (the geometry of the
    cosines the neighbour lists show) projected by ``method`` (:func:`project`)."""
    if method not in available_methods():
        raise ApiError(400, f"the {method} map needs {METHODS[method]}: "
                            "pip install 'wordvec[plot]'", {"parameter": "method"})
    if word is None:
        rows = np.arange(min(n, len(wv)))
        scores = None
    else:
        row_of(wv, word)
        pairs = [(word, 1.0)] + wv.most_similar(positive=[word], topn=n - 1)
        rows = np.array([wv.key_to_index[w] for w, _ in pairs], dtype=np.intp)
        scores = [round(float(s), DIGITS) for _, s in pairs]
    xy, explained = project(wv.unit_vectors(rows).astype(np.float64), method)
    return {"method": method, "word": word, "words": [wv.index_to_key[i] for i in rows],
            "x": np.round(xy[:, 0], DIGITS).tolist(), "y": np.round(xy[:, 1], DIGITS).tolist(),
            "similarity": scores, "explained": explained}


def project(X: np.ndarray, method: str) -> tuple[np.ndarray, list[float] | None]:
    """(N, dim) float64 -> ((N, 2) float64 coordinates, the share of the variance each PCA
    axis explains, or None for t-SNE and UMAP)."""
    if method == "pca" or len(X) < 5:
        return pca_2d(X)
    if method == "tsne":
        return tsne_2d(X), None
    return umap_2d(X), None


def pca_2d(X: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """X (N, dim) float64 -> ((N, 2) scores on the two principal axes, their explained
    variance ratios). Scores are ``U[:, :2] * S[:2]`` of the SVD of the centred X, each
    axis' sign fixed so that its largest score is positive (as scikit-learn's ``svd_flip``),
    so the same words always give the same picture. Fewer than 2 axes: zeros."""
    centred = X - X.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    k = min(2, len(s))
    scores = u[:, :k] * s[:k]
    biggest = np.abs(scores).argmax(axis=0)
    scores *= np.where(scores[biggest, np.arange(k)] < 0, -1.0, 1.0)
    total = float((s ** 2).sum())
    explained = [round(float(v) / total, 4) if total > 0 else 0.0 for v in s[:k] ** 2]
    out = np.zeros((len(X), 2))
    out[:, :k] = scores
    return out, explained + [0.0] * (2 - k)


def tsne_2d(X: np.ndarray) -> np.ndarray:
    """t-SNE (scikit-learn), seeded, perplexity below N as it requires."""
    from sklearn.manifold import TSNE

    perplexity = min(30.0, max(1.0, (len(X) - 1) / 3))
    return TSNE(n_components=2, perplexity=perplexity, init="pca",
                random_state=0).fit_transform(X)


def umap_2d(X: np.ndarray) -> np.ndarray:
    """UMAP (umap-learn), seeded; fewer neighbours than points, as it requires."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its seed-disables-parallelism and small-N notices
        import umap

        reducer = umap.UMAP(n_components=2, n_neighbors=min(15, len(X) - 1), random_state=0,
                            init="random" if len(X) < 20 else "spectral")
        return np.asarray(reducer.fit_transform(X), dtype=np.float64)
