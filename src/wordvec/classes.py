"""Word classes by k-means over word vectors: word2vec.c's ``-classes K``, number for number.

word2vec.c (the ``classes != 0`` branch at the end of ``TrainModel``) clusters the trained
vectors with a fixed, deterministic k-means, and writes ``word class`` lines instead of the
vectors. :func:`kmeans_classes` computes the same classes and :func:`write_classes` writes
the same lines. The rules, as word2vec.c has them since its commit dd2d92a (2013-11-28,
"fixed bug: the counter in K-means was updated too frequently"):

1. word ``i`` starts in class ``i mod K``;
2. each of 10 iterations sums the member vectors of each class, divides the sum by the
   number of members plus one (``centcn`` starts at 1), and scales the result to unit
   length (``closev = sqrt(sum of squares)``): a class with no member (or members that sum
   to zero) gets 0 / 0, a centroid of NaN, whose dot products are NaN and so never chosen;
3. then moves every word to the class of the largest dot product of its vector with the
   centroids, scanning the classes in order from a best of -10 with a strict ``>``: ties go
   to the lowest class id, and a word whose dot products are all <= -10 goes to class 0.

The arithmetic is word2vec.c's ``real`` (float32), each operation rounded as C rounds it:
the sums of member vectors in word order, the division by the count, the sum of squares and
every dot product accumulated dimension by dimension. Near-ties are therefore broken exactly
as word2vec.c breaks them, not merely to float tolerance. (A C build that fuses multiply and
add into one FMA instruction, as gcc's default ``-ffp-contract=fast`` may with
``-march=native`` on an FMA machine, rounds differently and can break a near-tie the other
way; the classes here are those of the code as written, e.g. gcc ``-ffp-contract=off``.)
Before dd2d92a the count was incremented once per word *and dimension*, so that centroids
were divided by ``1 + members * dim``; ``counter="dimension"`` reproduces those versions.

Speed: the exact dimension-by-dimension dot products (:func:`_exact_scores`, the readable
reference) cost as much as word2vec.c's own loop. :func:`kmeans_classes` instead scores with
one BLAS matrix product per block of words and proves each choice: float32 dot products of
length ``dim`` computed in any order are within ``gamma_dim * ||c|| * ||w||`` of the exact
value (``gamma_n = n u / (1 - n u)``, ``u = 2**-24``), so when the best BLAS score beats
every other by more than four such bounds the sequential float32 computation picks the same
class. The words left undecided (near-ties, duplicated centroids: from a few in ten thousand
to several in a hundred on real vectors) are scored again the exact way, against the few
classes within reach only. Memory is bounded: words are processed in blocks of at most
:data:`BLOCK_ELEMENTS` scores, so no (V, K) matrix is formed.

``K`` larger than the number of words ``V`` is accepted, as word2vec.c accepts it: classes
``V`` to ``K - 1`` start empty, get NaN centroids and so stay empty; the classes computed
are those of ``K = V`` (and no (K, dim) matrix is allocated for the empty ones).

word2vec.c's vocabulary starts with ``</s>`` (its row is the random initial vector, never
trained), so its classes are computed over V + 1 rows, ``</s>`` first, and its output
starts with a ``</s>`` line; ours has no ``</s>``. To reproduce the classes of a
word2vec.c model, pass every row of its vectors file, ``</s>`` included.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from .corpus import word_problem
from .errors import WordvecError, WriteError, shown
from .io.atomic import atomic_write

__all__ = ["ITERATIONS", "ClassesError", "kmeans_classes", "write_classes"]

#: word2vec.c's fixed number of k-means iterations (``iter = 10`` in ``TrainModel``).
ITERATIONS = 10

#: Scores (float32) held per block of words: the block has ``BLOCK_ELEMENTS // K`` words (at
#: least one). About 4 MB a score matrix; a block holds three or four such arrays.
BLOCK_ELEMENTS = 1 << 20

#: Scores per block in the exact scoring, smaller so that its dimension-by-dimension passes
#: over the block stay in cache.
_EXACT_BLOCK_ELEMENTS = 1 << 16

#: word2vec.c's starting best score (``closev = -10``): a word must beat it to leave class 0.
_START_BEST = np.float32(-10.0)

#: Unit roundoff of float32.
_U = 2.0 ** -24

#: Words written per chunk by :func:`write_classes`.
_WRITE_CHUNK = 1 << 16


class ClassesError(WordvecError):
    """An argument of :func:`kmeans_classes` or :func:`write_classes` outside its range or of
    the wrong kind; the message names the argument and what it must be."""


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < low:
        raise ClassesError(f"{name} must be an integer >= {low}, got {shown(value)}")
    return int(value)


def _check_vectors(vectors) -> np.ndarray:
    """``vectors`` as a C-contiguous (V, dim) float32 array, or ClassesError."""
    array = np.asarray(vectors)
    if array.dtype == object or not np.issubdtype(array.dtype, np.floating):
        raise ClassesError(f"vectors must be an array of floats, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ClassesError(f"vectors must be a (V, dim) matrix with V >= 1 and dim >= 1, "
                           f"got shape {array.shape}")
    with np.errstate(over="ignore"):
        array = np.ascontiguousarray(array, dtype=np.float32)
    finite = np.isfinite(array).all(axis=1)
    if not finite.all():
        row = int(np.argmin(finite))
        raise ClassesError(f"vectors must be finite as float32: row {row} holds NaN or "
                           "infinity (or a value beyond float32's range, +-3.4e38)")
    return array


def kmeans_classes(vectors, k: int, iterations: int = ITERATIONS, *,
                   counter: str = "word") -> np.ndarray:
    """word2vec.c's k-means word classes of ``vectors`` (see the module docstring).

    vectors: (V, dim) float array, V >= 1, dim >= 1, finite; computed in float32 (float64
    input is rounded to float32 first, as word2vec.c's vectors are float32). k: number of
    classes, an integer >= 1 (above V: the classes from V on stay empty, see the module
    docstring). iterations: integer >= 0 (word2vec.c: 10; 0 returns the start, ``i mod k``).
    counter: ``"word"`` (word2vec.c since 2013-11-28: a centroid is divided by its number of
    members plus one) or ``"dimension"`` (earlier versions: by ``1 + members * dim``).

    Returns (V,) int32: the class of each row, from 0 to ``min(k, V) - 1``; identical to
    word2vec.c's ``cl`` for the same float32 rows in the same order. Raises
    :class:`ClassesError` for an argument outside its range.
    """
    return _kmeans(vectors, k, iterations, counter, exact=False)


def _kmeans(vectors, k, iterations, counter, *, exact: bool) -> np.ndarray:
    """:func:`kmeans_classes`; ``exact`` scores every word the sequential way (the reference
    the screened scoring is tested against)."""
    array = _check_vectors(vectors)
    k = _check_int("k", k, 1)
    iterations = _check_int("iterations", iterations, 0)
    if counter not in ("word", "dimension"):
        raise ClassesError(f"counter must be 'word' or 'dimension', got {shown(counter)}")
    n, dim = array.shape
    used = min(k, n)                       # classes >= n stay empty: they never take a word
    classes = (np.arange(n, dtype=np.int64) % used)
    if iterations == 0:
        return classes.astype(np.int32)
    scale = dim if counter == "dimension" else 1
    if counter == "dimension" and 1 + n * scale > np.iinfo(np.int32).max:
        # word2vec.c's centcn is an int: it would overflow (undefined behaviour in C).
        raise ClassesError(f"counter='dimension' with {n:,} words of {dim} dimensions "
                           "overflows word2vec.c's int counter; use counter='word'")
    norms = _row_norms(array)
    for _ in range(iterations):
        centroids = _centroids(array, classes, used, scale)
        classes = _assign(array, centroids, norms, exact=exact)
    return classes.astype(np.int32)


def _centroids(vectors: np.ndarray, classes: np.ndarray, k: int, scale: int) -> np.ndarray:
    """word2vec.c's unit centroids: (k, dim) float32, a row of NaN for an empty class (0/0).

    vectors: (V, dim) float32; classes: (V,) int64 in [0, k); scale: what a member adds to
    the count (1, or dim for the versions before dd2d92a).
    """
    dim = vectors.shape[1]
    sums = np.zeros((k, dim), dtype=np.float32)
    # Overflow and 0/0 are word2vec.c's arithmetic too (inf and NaN centroids): no warning.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        # ufunc.at adds the rows one at a time in index order, so each class's sum is
        # rounded exactly as word2vec.c's loop over the words rounds it.
        np.add.at(sums, classes, vectors)
        count = 1 + np.bincount(classes, minlength=k).astype(np.int64) * scale
        sums /= count.astype(np.float32)[:, None]        # C: float /= int, in float
        columns = np.ascontiguousarray(sums.T)           # (dim, k): one row per dimension
        square_sum = np.zeros(k, dtype=np.float32)
        for d in range(dim):                             # closev += c * c, in C's order
            square_sum += columns[d] * columns[d]
        # C's sqrt is double; rounded back to float it is float32's correctly rounded sqrt.
        length = np.sqrt(square_sum)
        sums /= length[:, None]
    return sums


def _row_norms(vectors: np.ndarray) -> np.ndarray:
    """(V, 2) float64: the L2 and L1 norm of each row, computed exactly enough (float64)."""
    out = np.empty((vectors.shape[0], 2), dtype=np.float64)
    step = max(1, BLOCK_ELEMENTS // vectors.shape[1])
    for start in range(0, vectors.shape[0], step):
        block = vectors[start:start + step].astype(np.float64)
        out[start:start + step, 0] = np.sqrt(np.einsum("ij,ij->i", block, block))
        out[start:start + step, 1] = np.abs(block).sum(axis=1)
    return out


def _exact_scores(words: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """word2vec.c's dot products: (B, k) float32, ``x += cent * syn0`` dimension by dimension.

    words: (B, dim) float32; columns: (dim, k) float32, the centroids transposed. Each
    product and each sum is rounded to float32 in word2vec.c's order, so the scores are
    bit for bit those of its loop (NaN for a NaN centroid)."""
    scores = np.zeros((words.shape[0], columns.shape[1]), dtype=np.float32)
    product = np.empty_like(scores)
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):
        for d in range(words.shape[1]):
            np.multiply(words[:, d:d + 1], columns[d], out=product)
            scores += product
    return scores


def _choose(scores: np.ndarray) -> np.ndarray:
    """word2vec.c's choice per row of (B, k) float32 scores: the first class of the largest
    score, if that score is > -10, else class 0; NaN never wins (NaN > x is false)."""
    clean = np.where(np.isnan(scores), -np.inf, scores)
    best = clean.argmax(axis=1)                          # the first of equal maxima
    top = clean[np.arange(clean.shape[0]), best]
    return np.where(top > _START_BEST, best, 0)


def _exact_choice(words: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """:func:`_choose` over :func:`_exact_scores`, in blocks of bounded size."""
    step = max(1, _EXACT_BLOCK_ELEMENTS // columns.shape[1])
    out = np.empty(words.shape[0], dtype=np.int64)
    for start in range(0, words.shape[0], step):
        out[start:start + step] = _choose(_exact_scores(words[start:start + step], columns))
    return out


def _assign(vectors: np.ndarray, centroids: np.ndarray, norms: np.ndarray, *,
            exact: bool) -> np.ndarray:
    """The class of each row of ``vectors`` (V, dim) float32 given ``centroids`` (k, dim)
    float32 and ``norms`` (V, 2) from :func:`_row_norms`: (V,) int64, word2vec.c's choice."""
    columns = np.ascontiguousarray(centroids.T)
    empty = np.isnan(centroids).all(axis=1)             # 0/0 everywhere: never chosen
    live = centroids[~empty].astype(np.float64)
    screenable = np.isfinite(live).all() and bool(np.all(np.abs(
        np.sqrt(np.einsum("ij,ij->i", live, live)) - 1.0) <= 1e-3))
    if exact or not screenable:
        # A centroid that is neither NaN nor of unit length (a sum that overflowed or whose
        # square underflowed): its scores can be infinite or NaN, so no bound holds.
        return _exact_choice(vectors, columns)
    dim, k = vectors.shape[1], centroids.shape[0]
    gamma = dim * _U / (1.0 - dim * _U)
    screen = np.where(empty[:, None], np.float32(0.0), centroids).T.copy()   # (dim, k)
    step = max(1, BLOCK_ELEMENTS // k)
    out = np.empty(vectors.shape[0], dtype=np.int64)
    for start in range(0, vectors.shape[0], step):
        block = vectors[start:start + step]
        rows = np.arange(block.shape[0])
        scores = block @ screen                          # BLAS: any order, same bound
        scores[:, empty] = -np.inf
        best = scores.argmax(axis=1)
        top = scores[rows, best].astype(np.float64)
        # Each score is within `bound` of the exact dot product, so within 2 * bound of the
        # sequential float32 score; the last term covers products that underflow.
        bound = gamma * 1.001 * norms[start:start + step, 0] + dim * 2.0 ** -140
        # A class scored below top - 4 * bound has an exact score below the best class's:
        # only the candidates can be word2vec.c's choice.
        candidates = scores >= (top - 4.0 * bound)[:, None]
        many = candidates.sum(axis=1)
        wins = (many == 1) & (top > float(_START_BEST) + 2.0 * bound)
        loses = top + 2.0 * bound <= float(_START_BEST)  # every score <= -10: class 0
        # Sums of at most ||w||_1 never overflow float32 on the way.
        small = norms[start:start + step, 1] <= 1e37
        chosen = np.where(wins, best, 0)
        undecided = ~(small & (wins | loses))
        heavy = undecided & (~small | (many * dim > BLOCK_ELEMENTS))
        light = np.flatnonzero(undecided & ~heavy)
        if heavy.any():
            chosen[heavy] = _exact_choice(block[heavy], columns)
        if light.size:
            chosen[light] = _exact_among(block[light], centroids, candidates[light])
        out[start:start + step] = chosen
    return out


def _exact_among(words: np.ndarray, centroids: np.ndarray, candidates: np.ndarray
                 ) -> np.ndarray:
    """word2vec.c's choice for each row of ``words`` (U, dim) float32 among its candidate
    classes, ``candidates`` (U, k) bool (each row at least one; the others score lower):
    (U,) int64. The candidates' scores are computed as :func:`_exact_scores` computes them,
    for at most about ``BLOCK_ELEMENTS / dim`` (word, class) pairs at a time."""
    dim = words.shape[1]
    counts = candidates.sum(axis=1)
    ends = np.cumsum(counts)
    limit = max(1, BLOCK_ELEMENTS // dim)
    out = np.empty(words.shape[0], dtype=np.int64)
    i = 0
    while i < words.shape[0]:
        before = int(ends[i - 1]) if i else 0
        j = max(i + 1, int(np.searchsorted(ends, before + limit, side="right")))
        row, cls = np.nonzero(candidates[i:j])        # by row, then by class: C's order
        pair_words = np.ascontiguousarray(words[i:j][row].T)      # (dim, P)
        pair_centroids = np.ascontiguousarray(centroids[cls].T)   # (dim, P)
        scores = np.zeros(row.size, dtype=np.float32)
        with np.errstate(under="ignore"):
            for d in range(dim):
                scores += pair_centroids[d] * pair_words[d]
        starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
        top = np.maximum.reduceat(scores, starts)
        group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, row.size]))
        first = np.minimum.reduceat(np.where(scores == top[group], np.arange(row.size),
                                             row.size), starts)
        out[i:j] = np.where(top > _START_BEST, cls[first], 0)
        i = j
    return out


def write_classes(path, words: Sequence[str], classes, *, sort_by_class: bool = False) -> None:
    """Write word2vec.c's ``-classes`` output, ``word class\\n`` per word, atomically.

    words: V str, each as :func:`wordvec.corpus.word_problem` allows (non-empty, no ASCII
    whitespace, UTF-8 encodable), written as UTF-8; classes: (V,) integers >= 0, e.g. from
    :func:`kmeans_classes`. Lines are in the order of ``words`` (word2vec.c's: vocabulary
    order). With ``sort_by_class`` they are ordered by class, words of one class in the
    order of ``words``: what ``sort -s -k 2,2n`` makes of word2vec.c's file. (word2vec.c's
    ``demo-classes.sh`` runs ``sort -k 2 -n``, which orders the words of a class by the
    whole line in the locale's collation instead.) word2vec.c's file also starts with a
    ``</s>`` line, which a vocabulary without ``</s>`` has not (see the module docstring).

    Raises :class:`ClassesError` for classes that are not V non-negative integers,
    :class:`~wordvec.errors.WriteError` naming the first word that cannot be written (before
    anything is written) or the system's cause (see
    :func:`~wordvec.io.atomic.atomic_write`).
    """
    path = os.fspath(path)
    words = list(words)
    array = np.asarray(classes)
    if array.ndim != 1 or array.shape[0] != len(words):
        raise ClassesError(f"classes must be a 1-D array of one class per word: {len(words):,} "
                           f"words, classes of shape {array.shape}")
    if array.size and (not np.issubdtype(array.dtype, np.integer)
                       or np.issubdtype(array.dtype, np.bool_)):
        raise ClassesError(f"classes must be integers, got dtype {array.dtype}")
    if array.size and int(array.min()) < 0:
        raise ClassesError(f"classes must be >= 0, got {int(array.min())}")
    for i, word in enumerate(words):
        problem = word_problem(word)
        if problem is not None:
            raise WriteError(path, f"word {i} ({shown(word, 60)}) cannot be written in a "
                             f"classes file: {problem}")
    order = np.argsort(array, kind="stable") if sort_by_class else np.arange(len(words))
    values = array.astype(np.int64)
    with atomic_write(path, "wb") as f:
        for start in range(0, len(words), _WRITE_CHUNK):
            part = order[start:start + _WRITE_CHUNK]
            text = "".join(f"{words[i]} {values[i]}\n" for i in part.tolist())
            f.write(text.encode("utf-8"))
