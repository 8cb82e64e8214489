"""wordvec.classes: word2vec.c's ``-classes`` k-means, class for class.

The reference is a plain-Python port of word2vec.c's loop (the ``classes != 0`` branch of
``TrainModel``), written here with NumPy float32 scalars so that every product, sum,
division and square root is rounded to float32 as C's ``real`` arithmetic rounds it; the
vectorised, screened implementation must give identical classes, ties and degenerate
centroids included. (Checked once by hand against word2vec.c itself, built from
tmikolov/word2vec with ``gcc -O2 -ffp-contract=off`` and with ``-O3 -march=native``: on a
PTB model (9,956 rows x 30, K=200) and a text8 model (18,103 x 100, K=500) the classes file
written from its binary vectors was byte for byte word2vec.c's ``-classes`` output.)
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import wordvec.classes as classes_module
from wordvec.classes import ITERATIONS, ClassesError, kmeans_classes, write_classes
from wordvec.errors import WordvecError, WriteError

f32 = np.float32


def word2vec_c_kmeans(vectors, k, iterations=10, per_dimension=False):
    """word2vec.c's k-means, statement for statement, in float32 scalars.

    ``per_dimension``: the versions before commit dd2d92a, which incremented ``centcn``
    inside the loop over the dimensions."""
    syn0 = [[f32(x) for x in row] for row in np.asarray(vectors, dtype=np.float32)]
    n, dim = len(syn0), len(syn0[0])
    cl = [a % k for a in range(n)]
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            cent = [[f32(0)] * dim for _ in range(k)]
            centcn = [1] * k
            for c in range(n):
                for d in range(dim):
                    cent[cl[c]][d] = f32(cent[cl[c]][d] + syn0[c][d])
                    if per_dimension:
                        centcn[cl[c]] += 1
                if not per_dimension:
                    centcn[cl[c]] += 1
            for b in range(k):
                closev = f32(0)
                for c in range(dim):
                    cent[b][c] = f32(cent[b][c] / f32(centcn[b]))   # float /= int
                    closev = f32(closev + f32(cent[b][c] * cent[b][c]))
                closev = f32(math.sqrt(float(closev)))              # double sqrt, to float
                for c in range(dim):
                    cent[b][c] = f32(cent[b][c] / closev)
            for c in range(n):
                closev = f32(-10)
                closeid = 0
                for d in range(k):
                    x = f32(0)
                    for b in range(dim):
                        x = f32(x + f32(cent[d][b] * syn0[c][b]))
                    if x > closev:
                        closev = x
                        closeid = d
                cl[c] = closeid
    return np.array(cl, dtype=np.int32)


def _exact(vectors, k, iterations=ITERATIONS, counter="word"):
    """The implementation with every word scored the sequential way (no BLAS screening)."""
    return classes_module._kmeans(vectors, k, iterations, counter, exact=True)


CASES = [  # (V, dim, k)
    (1, 1, 1), (1, 3, 1), (2, 2, 2), (5, 3, 1), (7, 2, 7), (12, 4, 3), (20, 3, 6),
    (25, 5, 25), (30, 2, 4), (40, 6, 9), (9, 3, 14),
]


def _random(seed, n, dim, kind):
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.standard_normal((n, dim)).astype(np.float32)
    if kind == "ties":       # small integers: exact ties among scores and centroids
        return rng.integers(-1, 2, (n, dim)).astype(np.float32)
    if kind == "repeats":    # repeated rows, and zero rows (0/0 centroids when alone)
        rows = rng.integers(-2, 3, (max(1, n // 3), dim)).astype(np.float32)
        rows[0] = 0
        return rows[rng.integers(0, rows.shape[0], n)]
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["normal", "ties", "repeats"])
@pytest.mark.parametrize("n,dim,k", CASES)
def test_classes_equal_word2vec_c_loop(n, dim, k, kind):
    vectors = _random(n * 100 + dim * 10 + k, n, dim, kind)
    expected = word2vec_c_kmeans(vectors, k)
    got = kmeans_classes(vectors, k)
    assert got.dtype == np.int32 and got.shape == (n,)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(_exact(vectors, k), expected)


@pytest.mark.parametrize("n,dim,k", [(6, 2, 2), (15, 3, 4), (24, 4, 24), (30, 2, 5)])
@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_dimension_counter_of_old_word2vec_c(n, dim, k, kind):
    vectors = _random(n + dim + k, n, dim, kind)
    expected = word2vec_c_kmeans(vectors, k, per_dimension=True)
    np.testing.assert_array_equal(kmeans_classes(vectors, k, counter="dimension"), expected)


@pytest.mark.parametrize("iterations", [0, 1, 2, 3])
def test_iterations(iterations):
    vectors = _random(3, 18, 3, "normal")
    expected = word2vec_c_kmeans(vectors, 4, iterations)
    np.testing.assert_array_equal(kmeans_classes(vectors, 4, iterations), expected)
    if iterations == 0:
        np.testing.assert_array_equal(expected, np.arange(18) % 4)


def test_a_word_below_minus_ten_everywhere_stays_in_class_0():
    # After the first update the centroids are c0 ~ (0.90, 0.44) and c1 = (0.5, 0.866): word
    # 0 scores about -90 and -50. A plain argmax would move it to class 1; word2vec.c starts
    # from a best of -10 with a strict '>', so it falls back to class 0.
    vectors = np.array([[-100, 0], [0.5, 0.8660254], [300, 97]], dtype=np.float32)
    expected = word2vec_c_kmeans(vectors, 2, 1)
    np.testing.assert_array_equal(expected, [0, 1, 0])
    np.testing.assert_array_equal(kmeans_classes(vectors, 2, 1), expected)
    np.testing.assert_array_equal(kmeans_classes(vectors, 2), word2vec_c_kmeans(vectors, 2))


def test_ties_go_to_the_lowest_class():
    # Rows 0 and 1 are equal, so after one update classes 0 and 1 have the same centroid and
    # every word scores them alike: all pick class 0 (first of equal maxima).
    vectors = np.array([[1, 0], [1, 0], [1, 0], [1, 0]], dtype=np.float32)
    np.testing.assert_array_equal(word2vec_c_kmeans(vectors, 2, 1), [0, 0, 0, 0])
    np.testing.assert_array_equal(kmeans_classes(vectors, 2, 1), [0, 0, 0, 0])


def test_k_above_v_is_k_equal_v():
    vectors = _random(7, 9, 3, "normal")
    expected = word2vec_c_kmeans(vectors, 15)           # six classes start empty: NaN
    np.testing.assert_array_equal(expected, word2vec_c_kmeans(vectors, 9))
    np.testing.assert_array_equal(kmeans_classes(vectors, 15), expected)
    # Nothing is allocated for the empty classes: a huge k costs what k = V costs.
    np.testing.assert_array_equal(kmeans_classes(vectors, 10 ** 12), expected)


def test_all_zero_vectors():
    # Every centroid is 0/0 = NaN: every score is NaN, never > -10, so class 0 for all.
    vectors = np.zeros((5, 3), dtype=np.float32)
    np.testing.assert_array_equal(word2vec_c_kmeans(vectors, 3), [0] * 5)
    np.testing.assert_array_equal(kmeans_classes(vectors, 3), [0] * 5)


@pytest.mark.parametrize("scale", [1e-25, 1e-21, 3e37, 1e38])
def test_centroids_that_underflow_or_overflow(scale):
    # 1e-25: the squares of the centroids underflow to 0, closev = 0 and the centroids become
    # infinite; 1e38: the sums overflow. The scores are then inf or NaN, which no error bound
    # covers: the exact scoring must reproduce word2vec.c's float32 arithmetic anyway.
    vectors = (_random(11, 12, 3, "normal") * f32(scale)).astype(np.float32)
    assert np.isfinite(vectors).all()
    expected = word2vec_c_kmeans(vectors, 4)
    np.testing.assert_array_equal(kmeans_classes(vectors, 4), expected)


def test_float64_input_is_rounded_to_float32_first():
    vectors = np.random.default_rng(5).standard_normal((20, 4))
    np.testing.assert_array_equal(kmeans_classes(vectors, 5),
                                  kmeans_classes(vectors.astype(np.float32), 5))
    np.testing.assert_array_equal(kmeans_classes(vectors, 5), word2vec_c_kmeans(vectors, 5))


@pytest.mark.parametrize("kind", ["normal", "ties", "repeats"])
def test_screened_scoring_equals_exact_scoring_at_size(kind, monkeypatch):
    # Larger than the port can run: the exact scoring (tested equal to the port above) is
    # the reference. Small blocks make many block boundaries.
    vectors = _random(17, 3000, 16, kind)
    if kind == "normal":       # near-ties: rows that differ by an ulp
        vectors[1::7] = vectors[::7][:vectors[1::7].shape[0]] * f32(1 + 2 ** -23)
    expected = _exact(vectors, 60)
    rescored = []
    exact_among = classes_module._exact_among
    monkeypatch.setattr(classes_module, "_exact_among",
                        lambda words, *args: rescored.append(len(words))
                        or exact_among(words, *args))
    np.testing.assert_array_equal(kmeans_classes(vectors, 60), expected)
    if kind == "repeats":      # repeated rows make equal centroids: exact ties, rescored
        assert 0 < sum(rescored) < vectors.shape[0] * ITERATIONS / 100
    monkeypatch.setattr(classes_module, "BLOCK_ELEMENTS", 60 * 7)
    monkeypatch.setattr(classes_module, "_EXACT_BLOCK_ELEMENTS", 60 * 3)
    np.testing.assert_array_equal(kmeans_classes(vectors, 60), expected)
    np.testing.assert_array_equal(_exact(vectors, 60), expected)


@pytest.mark.parametrize("pairs_per_chunk", [1, 3, 1000])
def test_rescoring_among_candidates_equals_full_exact_scoring(monkeypatch, pairs_per_chunk):
    # _exact_among scores only each word's candidate classes: with the others never chosen,
    # it must pick what the full exact scoring picks (first of equal maxima, -10 rule).
    rng = np.random.default_rng(4)
    dim, k = 3, 9
    words = rng.integers(-3, 4, (50, dim)).astype(np.float32) * f32(4)
    words[:5] = -40                                  # scores below -10 everywhere
    centroids = rng.integers(0, 2, (k, dim)).astype(np.float32)
    centroids[:, 0] = 1                              # so that words[:5] score <= -40
    centroids[3] = centroids[5]                      # equal centroids: exact ties
    candidates = rng.random((50, k)) < 0.4
    candidates[np.arange(50), rng.integers(0, k, 50)] = True
    full = classes_module._exact_scores(words, np.ascontiguousarray(centroids.T))
    expected = classes_module._choose(np.where(candidates, full, np.nan))
    monkeypatch.setattr(classes_module, "BLOCK_ELEMENTS", pairs_per_chunk * dim)
    got = classes_module._exact_among(words, centroids, candidates)
    np.testing.assert_array_equal(got, expected)
    assert (got[:5] == 0).all()


def test_blocks_smaller_than_one_word(monkeypatch):
    vectors = _random(23, 30, 3, "ties")
    expected = word2vec_c_kmeans(vectors, 6)
    monkeypatch.setattr(classes_module, "BLOCK_ELEMENTS", 1)
    monkeypatch.setattr(classes_module, "_EXACT_BLOCK_ELEMENTS", 1)
    np.testing.assert_array_equal(kmeans_classes(vectors, 6), expected)


def test_classes_of_clustered_vectors_find_the_clusters():
    # Three well separated directions: after 10 iterations each cluster is one class.
    rng = np.random.default_rng(2)
    centres = np.eye(3, 8, dtype=np.float32) * 5
    truth = rng.integers(0, 3, 300)
    vectors = (centres[truth] + rng.standard_normal((300, 8)) * 0.2).astype(np.float32)
    got = kmeans_classes(vectors, 3)
    mapping = {int(t): int(g) for t, g in zip(truth, got)}
    assert len(set(mapping.values())) == 3
    np.testing.assert_array_equal(got, [mapping[int(t)] for t in truth])


@pytest.mark.parametrize("vectors,problem", [
    (np.zeros(5, dtype=np.float32), "matrix"),
    (np.zeros((0, 3), dtype=np.float32), "matrix"),
    (np.zeros((3, 0), dtype=np.float32), "matrix"),
    (np.zeros((3, 2), dtype=np.int64), "floats"),
    (np.array([["a", "b"]]), "floats"),
    (np.array([[1.0, np.nan], [0, 0]], dtype=np.float32), "row 0"),
    (np.array([[1.0, 0], [0, -np.inf]]), "row 1"),
    (np.array([[1e39, 0.0]]), "float32's range"),
])
def test_bad_vectors(vectors, problem):
    with pytest.raises(ClassesError, match=problem) as info:
        kmeans_classes(vectors, 2)
    assert isinstance(info.value, WordvecError) and "\n" not in str(info.value)


@pytest.mark.parametrize("args,name", [
    ((0,), "k"), ((-1,), "k"), ((True,), "k"), ((2.0,), "k"), (("3",), "k"),
    ((2, -1), "iterations"), ((2, 1.5), "iterations"), ((2, False), "iterations"),
])
def test_bad_k_or_iterations(args, name):
    with pytest.raises(ClassesError, match=f"^{name} must be an integer"):
        kmeans_classes(np.ones((4, 2), dtype=np.float32), *args)


def test_bad_counter():
    with pytest.raises(ClassesError, match="counter must be"):
        kmeans_classes(np.ones((4, 2), dtype=np.float32), 2, counter="words")


def test_numpy_integers_are_accepted():
    vectors = _random(1, 10, 2, "normal")
    np.testing.assert_array_equal(kmeans_classes(vectors, np.int64(3), np.int32(10)),
                                  kmeans_classes(vectors, 3))


# ------------------------------------------------------------------------------------------
# write_classes


def test_write_classes_bytes(tmp_path):
    path = tmp_path / "classes.txt"
    write_classes(path, ["the", "of", "caf\u00e9", "and"], np.array([2, 0, 1, 0]))
    assert path.read_bytes() == b"the 2\nof 0\ncaf\xc3\xa9 1\nand 0\n"


def test_write_classes_sorted_by_class_keeps_word_order_within_a_class(tmp_path):
    path = tmp_path / "classes.txt"
    write_classes(path, ["the", "of", "a", "and", "in"], [2, 0, 1, 0, 2], sort_by_class=True)
    assert path.read_bytes() == b"of 0\nand 0\na 1\nthe 2\nin 2\n"


def test_write_classes_of_kmeans_golden(tmp_path):
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [-1, 0], [0.95, -0.05]],
                       dtype=np.float32)
    words = ["a", "b", "c", "d", "e", "f"]
    cl = kmeans_classes(vectors, 3)
    np.testing.assert_array_equal(cl, word2vec_c_kmeans(vectors, 3))
    np.testing.assert_array_equal(cl, [0, 0, 2, 2, 1, 0])
    path = tmp_path / "classes.txt"
    write_classes(path, words, cl)
    assert path.read_bytes() == b"a 0\nb 0\nc 2\nd 2\ne 1\nf 0\n"
    write_classes(path, words, cl, sort_by_class=True)
    assert path.read_bytes() == b"a 0\nb 0\nf 0\ne 1\nc 2\nd 2\n"


def test_write_classes_many_words_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(classes_module, "_WRITE_CHUNK", 3)
    words = [f"w{i}" for i in range(10)]
    path = tmp_path / "classes.txt"
    write_classes(path, words, np.arange(10) % 4)
    assert path.read_text().splitlines() == [f"w{i} {i % 4}" for i in range(10)]


@pytest.mark.parametrize("word", ["two words", "tab\tword", "line\nbreak", "", "\ud800"])
def test_write_classes_refuses_unwritable_words_before_writing(tmp_path, word):
    path = tmp_path / "classes.txt"
    path.write_bytes(b"old\n")
    with pytest.raises(WriteError, match="word 1") as info:
        write_classes(path, ["ok", word], [0, 1])
    assert "\n" not in str(info.value)
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["classes.txt"]


@pytest.mark.parametrize("classes,problem", [
    ([0, 1, 2], "one class per word"), ([[0, 1]], "one class per word"),
    ([0.0, 1.0], "integers"), ([True, False], "integers"), ([0, -1], ">= 0"),
])
def test_write_classes_bad_classes(tmp_path, classes, problem):
    with pytest.raises(ClassesError, match=problem):
        write_classes(tmp_path / "c.txt", ["a", "b"], classes)
    assert not (tmp_path / "c.txt").exists()


def test_write_classes_into_a_missing_folder(tmp_path):
    with pytest.raises(WriteError, match="does not exist"):
        write_classes(tmp_path / "nope" / "c.txt", ["a"], [0])
