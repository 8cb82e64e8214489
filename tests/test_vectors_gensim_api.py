"""WordVectors' gensim 4.4 KeyedVectors methods: the same answers as gensim on the same
random vectors and counts, the edge cases of gensim's own tests, and the deliberate
differences (each test says which)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from wordvec import WordVectors
from wordvec.errors import QueryError

gensim_models = pytest.importorskip("gensim.models")

WORDS = ["king", "queen", "man", "woman", "prince", "princess", "apple", "orange", "banana",
         "car", "bus", "train"]
V, DIM = 200, 12
# gensim's deprecated aliases and its add_vector warn; the answers are what is compared
quiet_gensim = pytest.mark.filterwarnings("ignore:Call to deprecated",
                                          "ignore:Adding single vectors")


def random_vectors(seed=11, n=V, dim=DIM):
    rng = np.random.default_rng(seed)
    words = (WORDS + [f"w{i:03d}" for i in range(n - len(WORDS))])[:n]
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    counts = np.arange(n, 0, -1, dtype=np.int64) * 7 + 3          # distinct, descending
    return words, vectors, counts


def gensim_kv(words, vectors, counts=None):
    kv = gensim_models.KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    if counts is not None:
        for word, count in zip(words, counts):
            kv.set_vecattr(word, "count", int(count))
    return kv


@pytest.fixture
def pair():
    """(ours, gensim's) over the same (200, 12) float32 vectors and counts, fresh per test."""
    words, vectors, counts = random_vectors()
    return WordVectors(words, vectors.copy(), counts), gensim_kv(words, vectors, counts)


def same_ranking(ours, theirs, atol=1e-5):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=atol, rtol=0)


def same_state(wv, kv):
    """Vocabulary, vectors and norms agree with gensim's, and are consistent with each other."""
    assert wv.index_to_key == kv.index_to_key
    assert wv.key_to_index == kv.key_to_index
    assert wv.key_to_index == {w: i for i, w in enumerate(wv.index_to_key)}
    assert len(wv) == len(kv) == wv.vectors.shape[0] and wv.vector_size == kv.vector_size
    np.testing.assert_array_equal(wv.vectors, kv.vectors)
    assert wv.vectors.dtype == kv.vectors.dtype
    np.testing.assert_allclose(wv.norms, np.linalg.norm(wv.vectors, axis=1), rtol=1e-6)
    assert wv.counts is None or wv.counts.shape == (len(wv),)


# ------------------------------------------------------------------ similar_by_*
@pytest.mark.parametrize("topn", [1, 5, 10, 250, None])
@pytest.mark.parametrize("restrict_vocab", [None, 40])
def test_similar_by_word_and_key_equal_gensim(pair, topn, restrict_vocab):
    wv, kv = pair
    for word in ("king", "w100", 7):
        for ours, theirs in ((wv.similar_by_word(word, topn, restrict_vocab),
                              kv.similar_by_word(word, topn, restrict_vocab)),
                             (wv.similar_by_key(word, topn=topn, restrict_vocab=restrict_vocab),
                              kv.similar_by_key(word, topn=topn, restrict_vocab=restrict_vocab))):
            if topn is None:
                np.testing.assert_allclose(ours, theirs, atol=1e-5)
                assert ours.shape == (restrict_vocab or V,)
            else:
                same_ranking(ours, theirs)
                searched = restrict_vocab or V
                assert len(ours) == min(topn, searched - (wv.get_index(word) < searched))


def test_similar_by_vector_equals_gensim_and_excludes_nothing(pair):
    wv, kv = pair
    vector = 3 * wv["king"] - wv["man"]
    for topn, restrict_vocab in ((5, None), (10, 30), (None, None)):
        ours = wv.similar_by_vector(vector, topn, restrict_vocab)
        theirs = kv.similar_by_vector(vector, topn, restrict_vocab)
        if topn is None:
            np.testing.assert_allclose(ours, theirs, atol=1e-5)
        else:
            same_ranking(ours, theirs)
    assert wv.similar_by_vector(wv["queen"], topn=1)[0][0] == "queen"
    same_ranking(wv.similar_by_vector(list(map(float, vector)), 4), kv.similar_by_vector(vector, 4))
    assert wv.similar_by_word("king", topn=0) == [] == kv.similar_by_word("king", topn=0)


def test_similar_by_checks_what_it_is_given(pair):
    wv, _ = pair
    with pytest.raises(TypeError, match="similar_by_word"):
        wv.similar_by_vector("king")
    with pytest.raises(TypeError, match="similar_by_vector"):
        wv.similar_by_key(wv["king"])
    with pytest.raises(QueryError, match=r"shape \(12,\), not \(3,\)"):
        wv.similar_by_vector([1.0, 2.0, 3.0])
    with pytest.raises(KeyError, match="did you mean 'king'"):
        wv.similar_by_word("kingg")


# -------------------------------------------------------------------- most_similar
@pytest.mark.parametrize("clip", [dict(clip_start=10, clip_end=60), dict(clip_start=5),
                                  dict(clip_end=30), dict(clip_start=150, clip_end=10_000),
                                  dict(clip_start=0, clip_end=V),
                                  dict(clip_start=20, clip_end=80, restrict_vocab=50)])
@pytest.mark.parametrize("query", [dict(positive="king"),
                                   dict(positive=["king", "w040"], negative=["w010"])])
def test_most_similar_clip_range_equals_gensim(pair, clip, query):
    wv, kv = pair
    for topn in (3, 15, None):
        ours = wv.most_similar(**query, **clip, topn=topn)
        theirs = kv.most_similar(**query, **clip, topn=topn)
        if topn is None:
            np.testing.assert_allclose(ours, theirs, atol=1e-5)
        else:
            same_ranking(ours, theirs)
            assert {"king", "w040", "w010"}.isdisjoint(w for w, _ in ours)


def test_most_similar_topn_zero_none_and_int_keys_as_gensim(pair):
    wv, kv = pair
    assert len(wv.most_similar("queen", topn=None)) == len(wv)
    for zero in (0, np.uint8(0)):
        assert wv.most_similar("queen", topn=zero) == [] == kv.most_similar("queen", topn=zero)
    # an int is a row index: row 3 is "woman", and is left out of the answer
    same_ranking(wv.most_similar(positive=[3, "king"], negative=[2]),
                 kv.most_similar(positive=[3, "king"], negative=[2]))
    assert wv.most_similar(3) == wv.most_similar("woman")
    # gensim's positional calls: the same answer however the terms are given
    assert (wv.most_similar("king", "man", 5) == wv.most_similar(["king"], ["man"], 5)
            == wv.most_similar(positive="king", negative="man", topn=5))


def test_most_similar_refuses_an_indexer_and_bad_clip_ranges(pair):
    wv, _ = pair
    with pytest.raises(QueryError, match="indexers .* not supported"):
        wv.most_similar("king", indexer=object())
    for clip, message in ((dict(clip_start=-1), "clip_start"), (dict(clip_start=V), "clip_start"),
                          (dict(clip_start=True), "clip_start"),
                          (dict(clip_start=2.0), "clip_start"),
                          (dict(clip_end=0), "clip_end"),  # gensim: 0 means every row
                          (dict(clip_start=10, clip_end=10), "clip_end"),
                          (dict(clip_end=-5), "clip_end")):
        with pytest.raises(QueryError, match=message):
            wv.most_similar("king", **clip)
    with pytest.raises(QueryError, match="restrict_vocab"):
        wv.most_similar("king", restrict_vocab=0)


# ------------------------------------------------------- similarity and distances
def test_similarity_and_distance_equal_gensim_and_are_exact_for_a_word_itself(pair):
    wv, kv = pair
    for a, b in (("king", "queen"), ("apple", "car"), ("w010", "w150"), (0, 5), ("bus", 11)):
        assert wv.similarity(a, b) == pytest.approx(float(kv.similarity(a, b)), abs=1e-6)
        assert wv.distance(a, b) == pytest.approx(float(kv.distance(a, b)), abs=1e-6)
    for word in wv.index_to_key:
        assert wv.similarity(word, word) == 1.0 and wv.distance(word, word) == 0.0
    assert wv.similarity("king", 0) == 1.0                 # row 0 is "king"
    assert isinstance(wv.distance("king", "man"), float)


def test_zero_vector_similarity_is_zero():
    # gensim: NaN (it divides by the zero norm)
    wv = WordVectors(["a", "zero"], np.array([[1.0, 2.0], [0.0, 0.0]], dtype=np.float32))
    assert wv.similarity("zero", "zero") == 0.0 and wv.distance("zero", "a") == 1.0
    np.testing.assert_array_equal(wv.distances("zero"), [1.0, 1.0])
    np.testing.assert_array_equal(WordVectors.cosine_similarities(np.zeros(2), wv.vectors), [0, 0])


def test_distances_equal_gensim(pair):
    wv, kv = pair
    np.testing.assert_allclose(wv.distances("king"), kv.distances("king"), atol=1e-6)
    assert wv.distances("king").shape == (V,) and wv.distances("king").dtype == np.float32
    others = ["queen", "car", "w187", "queen", 4]
    np.testing.assert_allclose(wv.distances("man", others), kv.distances("man", others), atol=1e-6)
    vector = wv["apple"] + wv["orange"]
    np.testing.assert_allclose(wv.distances(vector, ("banana", "bus")),
                               kv.distances(vector, ("banana", "bus")), atol=1e-6)
    np.testing.assert_allclose(wv.distances(vector, None), kv.distances(vector), atol=1e-6)
    np.testing.assert_allclose(wv.distances("man", "queen"), kv.distances("man", ["queen"]),
                               atol=1e-6)                    # a str is one word, not letters
    with pytest.raises(KeyError, match="'quen'"):
        wv.distances("man", ["queen", "quen"])
    with pytest.raises(QueryError, match="shape"):
        wv.distances(np.ones(3))


def test_cosine_similarities_equals_gensim():
    rng = np.random.default_rng(5)
    vector, matrix = rng.standard_normal(6), rng.standard_normal((9, 6)).astype(np.float32)
    np.testing.assert_allclose(
        WordVectors.cosine_similarities(vector, matrix),
        gensim_models.KeyedVectors.cosine_similarities(vector, matrix), atol=1e-6)
    assert WordVectors.cosine_similarities(vector, np.zeros((0, 6))).shape == (0,)
    for bad in ((np.ones(5), matrix), (matrix, matrix), (vector, vector), (["a"] * 6, matrix)):
        with pytest.raises(QueryError, match="cosine_similarities takes"):
            WordVectors.cosine_similarities(*bad)


@quiet_gensim
def test_closer_than_rank_and_words_closer_than_equal_gensim(pair):
    wv, kv = pair
    for a, b in (("king", "queen"), ("w005", "w100"), ("apple", "car"), ("bus", 150), (0, 3)):
        assert wv.closer_than(a, b) == kv.closer_than(a, b)
        assert wv.words_closer_than(a, b) == kv.words_closer_than(a, b)
        assert wv.rank(a, b) == kv.rank(a, b)
    assert wv.closer_than("king", "king") == [] == kv.closer_than("king", "king")
    assert wv.rank("king", "king") == 1 == kv.rank("king", "king")
    farthest = wv.index_to_key[int(np.argmax(wv.distances("king")))]
    assert wv.rank("king", farthest) == V - 1 == kv.rank("king", farthest)   # king not counted
    with pytest.raises(KeyError):
        wv.closer_than("king", "nope")


def test_most_similar_to_given_equals_gensim(pair):
    wv, kv = pair
    for key, keys in (("king", ["queen", "car", "w010"]), ("apple", WORDS), (5, [1, "bus", 2])):
        assert wv.most_similar_to_given(key, keys) == kv.most_similar_to_given(key, keys)
    assert wv.most_similar_to_given("king", ["car", "king"]) == "king"
    with pytest.raises(QueryError, match="non-empty"):
        wv.most_similar_to_given("king", [])
    with pytest.raises(KeyError):
        wv.most_similar_to_given("king", ["queen", "qeen"])


def test_relative_cosine_similarity_equals_gensim(pair):
    wv, kv = pair
    for a, b, topn in (("king", "queen", 10), ("apple", "w100", 1), ("car", "bus", 50)):
        assert wv.relative_cosine_similarity(a, b, topn) == pytest.approx(
            kv.relative_cosine_similarity(a, b, topn), rel=1e-5)
    for bad in (0, None, -2, 1.5):
        with pytest.raises(QueryError, match="topn"):
            wv.relative_cosine_similarity("king", "queen", bad)
    with pytest.raises(ValueError):
        kv.relative_cosine_similarity("king", "queen", 0)


# ------------------------------------------------------------------ get_mean_vector
@pytest.mark.parametrize("options", [dict(), dict(pre_normalize=False), dict(post_normalize=True),
                                     dict(weights=[1, 2, 3, 1, 2]),
                                     dict(weights=np.array([0.5, -1, 2, 0, 1.0]),
                                          pre_normalize=False, post_normalize=True)])
def test_get_mean_vector_equals_gensim(pair, options):
    wv, kv = pair
    keys = ["king", "apple", "an unknown word", 17, wv["car"] * 2]
    ours, theirs = wv.get_mean_vector(keys, **options), kv.get_mean_vector(keys, **options)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert ours.dtype == np.float32 and ours.shape == (DIM,)


def test_get_mean_vector_edge_cases_as_gensim(pair):
    wv, kv = pair
    np.testing.assert_array_equal(wv.get_mean_vector(["nope", "nada"]), np.zeros(DIM))
    np.testing.assert_array_equal(kv.get_mean_vector(["nope", "nada"]), np.zeros(DIM))
    np.testing.assert_allclose(wv.get_mean_vector(wv.vectors[:4]),
                               kv.get_mean_vector(kv.vectors[:4]), atol=1e-6)
    for call in (lambda m: m.get_mean_vector([]), lambda m: m.get_mean_vector(["king"], [1, 2])):
        with pytest.raises(ValueError):
            call(kv)
        with pytest.raises(QueryError):
            call(wv)
    with pytest.raises(KeyError):
        kv.get_mean_vector(["king", "nope"], ignore_missing=False)
    with pytest.raises(KeyError, match="'nope'"):
        wv.get_mean_vector(["king", "nope"], ignore_missing=False)
    with pytest.raises(QueryError, match="pre_normalize must be True or False"):
        wv.get_mean_vector(["king"], pre_normalize="yes")
    with pytest.raises(QueryError, match="finite"):
        wv.get_mean_vector(["king"], [np.nan])


# ------------------------------------------------------------------ vectors_for_all
def test_vectors_for_all_equals_gensim(pair):
    wv, kv = pair
    keys = ["w010", "king", "an unknown word", "king", "apple", "w010", "another one"]
    ours, theirs = wv.vectors_for_all(keys), kv.vectors_for_all(keys)
    assert ours.index_to_key == theirs.index_to_key == ["w010", "king", "apple"]
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    assert ours.counts is None                      # gensim makes up descending counts
    copied = wv.vectors_for_all(keys, copy_vecattrs=True)
    theirs = kv.vectors_for_all(keys, copy_vecattrs=True)
    assert [copied.get_vecattr(w, "count") for w in copied.index_to_key] == [
        theirs.get_vecattr(w, "count") for w in theirs.index_to_key]
    assert wv.vectors_for_all(keys, allow_inference=False).index_to_key == ours.index_to_key
    assert len(wv.vectors_for_all([])) == 0 and wv.vectors_for_all([]).vector_size == DIM
    assert wv.vectors_for_all([3, "king"]).index_to_key == ["king"]   # gensim adds the key 3
    with pytest.raises(QueryError, match="copy_vecattrs"):
        wv.vectors_for_all(keys, copy_vecattrs=1)


# ------------------------------------------------------------ vecattr and lookups
def test_get_and_set_vecattr_count(pair):
    wv, kv = pair
    for key in ("king", "w150", 8):
        assert wv.get_vecattr(key, "count") == kv.get_vecattr(key, "count")
    wv.set_vecattr("queen", "count", 5)
    kv.set_vecattr("queen", "count", 5)
    assert wv.get_vecattr("queen", "count") == 5 == kv.get_vecattr("queen", "count")
    with pytest.raises(KeyError):
        kv.get_vecattr("king", "sample_int")
    with pytest.raises(KeyError, match="only|one attribute"):
        wv.get_vecattr("king", "sample_int")
    with pytest.raises(KeyError, match="one attribute"):
        wv.set_vecattr("king", "sample_int", 3)
    with pytest.raises(KeyError, match="'kingg'"):
        wv.get_vecattr("kingg", "count")
    for bad in (-1, 2.5, True, "3"):
        with pytest.raises(QueryError, match="whole number"):
            wv.set_vecattr("king", "count", bad)


def test_vecattr_without_counts():
    wv = WordVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    with pytest.raises(KeyError, match="no counts"):
        wv.get_vecattr("a", "count")
    wv.set_vecattr("b", "count", 9)                  # the others count 0, as gensim fills
    assert wv.counts.tolist() == [0, 9, 0]


def test_get_index_has_index_for_contains_len_as_gensim(pair):
    wv, kv = pair
    for key in ("king", "w187", 0, 199, np.int64(7), 200, -1, "nope", 3.0):
        assert wv.has_index_for(key) == kv.has_index_for(key)
        assert (key in wv) == (key in kv)
        assert wv.get_index(key, -1) == kv.get_index(key, -1)
        assert wv.get_index(key, default=1234) == kv.get_index(key, default=1234)
    assert wv.get_index(42) == 42 and wv.get_index("queen") == 1
    assert wv.get_index("nope", default=0) == 0 == kv.get_index("nope", default=0)
    assert len(wv) == len(kv) == V
    for key in ("nope", 200, -1):
        with pytest.raises(KeyError):
            kv.get_index(key)
        with pytest.raises(KeyError):
            wv.get_index(key)
    with pytest.raises(KeyError, match="neither a word .* nor a row index.*rows 0 to 199"):
        wv.get_index(200)
    assert not wv.has_index_for(["king"]) and not wv.has_index_for(True)


def test_getitem_keys_ints_and_lists_as_gensim(pair):
    wv, kv = pair
    for key in ("king", 5, np.int32(9), ["king", "queen"], [0, 1, "w100"], ("bus", 3),
                np.array([4, 2, 4]), ["car"]):
        np.testing.assert_array_equal(wv[key], kv[key])
        assert wv[key].shape == kv[key].shape
    assert wv[[]].shape == (0, DIM)                        # gensim: ValueError from vstack
    with pytest.raises(KeyError, match="'quen'"):
        wv[["king", "quen"]]
    with pytest.raises(KeyError):
        wv[V]


# ------------------------------------------------------------------------ changes
def test_add_vectors_replace_false_and_true_equal_gensim(pair):
    wv, kv = pair
    rng = np.random.default_rng(1)
    keys = ["new1", "king", "new2", "w050"]
    weights = rng.standard_normal((4, DIM))                    # float64: cast to float32
    wv.most_similar("king")                                    # norms cached before the change
    wv.add_vectors(keys, weights)
    kv.add_vectors(keys, weights)
    same_state(wv, kv)
    np.testing.assert_array_equal(wv["king"], random_vectors()[1][0])    # kept
    assert wv.counts[-2:].tolist() == [0, 0]                   # new words count 0
    kv.fill_norms(force=True)                                  # gensim keeps stale norms
    same_ranking(wv.most_similar("new1"), kv.most_similar("new1"))
    weights = rng.standard_normal((3, DIM)).astype(np.float32)
    wv.add_vectors(["queen", "new3", "new1"], weights, replace=True)
    kv.add_vectors(["queen", "new3", "new1"], weights, replace=True)
    same_state(wv, kv)
    np.testing.assert_array_equal(wv["queen"], weights[0])
    kv.fill_norms(force=True)
    same_ranking(wv.most_similar(positive=["queen", "new1"], negative="new3"),
                 kv.most_similar(positive=["queen", "new1"], negative="new3"))


def test_add_vectors_duplicates_are_added_once():
    words, vectors, counts = random_vectors(n=20)
    wv, kv = WordVectors(words, vectors, counts), gensim_kv(words, vectors)
    a, b, c = np.eye(DIM, dtype=np.float32)[:3]
    # a known word twice, replace=True: the last wins, as gensim
    wv.add_vectors(["king", "king"], [a, b], replace=True)
    kv.add_vectors(["king", "king"], [a, b], replace=True)
    same_state(wv, kv)
    np.testing.assert_array_equal(wv["king"], b)
    # a new word twice: added once (gensim appends it twice); the first wins without
    # replace, the last with it
    wv.add_vectors(["dup", "other", "dup"], [a, b, c])
    assert wv.index_to_key[-2:] == ["dup", "other"] and len(wv) == 22
    np.testing.assert_array_equal(wv["dup"], a)
    wv.add_vectors(["dup2", "dup2"], [a, c], replace=True)
    np.testing.assert_array_equal(wv["dup2"], c)
    assert len(wv) == len(wv.key_to_index) == len(wv.counts) == len(wv.norms) == 23


def test_add_vectors_extras_counts_and_sort_by_descending_frequency():
    words, vectors, counts = random_vectors(n=30)
    wv, kv = WordVectors(words, vectors, counts), gensim_kv(words, vectors, counts)
    rng = np.random.default_rng(2)
    new = rng.standard_normal((3, DIM)).astype(np.float32)
    wv.add_vectors(["x", "king", "y"], new, extras={"count": [1_000, 1, 151]}, replace=True)
    assert [wv.get_vecattr(w, "count") for w in ("x", "king", "y")] == [1_000, 1, 151]
    kv.add_vectors(["x", "king", "y"], new, replace=True)
    kv.allocate_vecattrs()
    for word in ("x", "king", "y"):
        kv.set_vecattr(word, "count", wv.get_vecattr(word, "count"))
    wv.sort_by_descending_frequency()
    kv.sort_by_descending_frequency()                           # counts distinct: same order
    same_state(wv, kv)
    assert wv.index_to_key[0] == "x" and wv.index_to_key[-1] == "king"
    assert wv.counts.tolist() == [kv.get_vecattr(w, "count") for w in kv.index_to_key]
    kv.fill_norms(force=True)
    same_ranking(wv.most_similar("y"), kv.most_similar("y"))
    before = wv.vectors
    wv.sort_by_descending_frequency()                           # sorted already: untouched
    assert wv.vectors is before


def test_sort_by_descending_frequency_ties_keep_their_order():
    wv = WordVectors(list("abcde"), np.eye(5, dtype=np.float32), counts=[1, 3, 1, 3, 2])
    wv.sort_by_descending_frequency()                  # gensim puts the later of a tie first
    assert wv.index_to_key == list("bdeac") and wv.counts.tolist() == [3, 3, 2, 1, 1]
    np.testing.assert_array_equal(wv["b"], np.eye(5)[1])
    with pytest.raises(QueryError, match="needs the words' counts"):
        WordVectors(["a"], np.ones((1, 2))).sort_by_descending_frequency()


def test_add_vectors_to_empty_vectors_and_single_keys_as_gensim():
    # gensim's test_add_single / test_add_multiple on an empty KeyedVectors
    rng = np.random.default_rng(4)
    entities = [f"entity{i}" for i in range(5)]
    vectors = [rng.standard_normal(DIM) for _ in entities]
    wv = WordVectors([], np.zeros((0, DIM), dtype=np.float32))
    kv = gensim_models.KeyedVectors(DIM)
    for entity, vector in zip(entities, vectors):
        wv.add_vectors(entity, vector)
        kv.add_vectors(entity, vector)
    same_state(wv, kv)
    assert wv.counts is None                               # none given: still unknown
    wv2 = WordVectors([], np.zeros((0, DIM), dtype=np.float32))
    kv2 = gensim_models.KeyedVectors(DIM)
    wv2[entities] = vectors
    kv2[entities] = vectors
    same_state(wv2, kv2)
    wv.add_vectors([], np.zeros((0, DIM)))                 # nothing to add: no change
    wv.add_vectors([], [])
    assert len(wv) == 5


@quiet_gensim
def test_add_vector_and_setitem_equal_gensim(pair):
    wv, kv = pair
    rng = np.random.default_rng(6)
    vector = rng.standard_normal(DIM).astype(np.float32)
    assert wv.add_vector("solo", vector) == kv.add_vector("solo", vector) == V
    same_state(wv, kv)
    with pytest.raises(QueryError, match="already in the vocabulary .* wv\\[word\\] = vector"):
        wv.add_vector("solo", vector)                      # gensim returns a row past the end
    wv["new"] = vector * 2                                 # __setitem__: a new word
    kv["new"] = vector * 2
    wv["king"] = vector                                    # __setitem__: replace
    kv["king"] = vector
    entities = ["war", "queen", "another", "w003"]
    weights = rng.standard_normal((4, DIM)).astype(np.float32)
    wv[entities] = weights
    kv[entities] = weights
    same_state(wv, kv)
    np.testing.assert_array_equal(wv["king"], vector)
    np.testing.assert_array_equal(wv[entities], weights)


def test_add_vectors_checks_everything_and_changes_nothing_on_error(pair):
    wv, _ = pair
    state = (list(wv.index_to_key), wv.vectors, wv.counts.copy())
    bad_calls = [
        (lambda: wv.add_vectors(["a", "b"], np.ones((3, DIM))), QueryError, r"shape \(2, 12\)"),
        (lambda: wv.add_vectors("a", np.ones(DIM + 1)), QueryError, r"shape \(1, 12\)"),
        (lambda: wv.add_vectors(["a"], [["x"] * DIM]), QueryError, "numbers"),
        (lambda: wv.add_vectors(["a", "b"], [np.ones(DIM), np.ones(3)]), QueryError, "numbers"),
        (lambda: wv.add_vectors(["a", "b"], [np.ones(DIM), np.full(DIM, np.nan)]), QueryError,
         "'b' holds NaN"),
        (lambda: wv.add_vectors(["a"], [np.full(DIM, 1e300)]), QueryError, "float32's range"),
        (lambda: wv.add_vectors([5], np.ones((1, DIM))), TypeError, "words"),
        (lambda: wv.add_vectors(5, np.ones(DIM)), TypeError, "keys must be"),
        (lambda: wv.add_vectors(["a"], np.ones((1, DIM)), replace=1), QueryError, "replace"),
        (lambda: wv.add_vectors(["a"], np.ones((1, DIM)), extras={"sample_int": [1]}),
         QueryError, "extras"),
        (lambda: wv.add_vectors(["a"], np.ones((1, DIM)), extras={"count": [-1]}),
         QueryError, "whole numbers"),
        (lambda: wv.add_vectors(["a"], np.ones((1, DIM)), extras={"count": [1, 2]}),
         QueryError, "1 whole numbers"),
    ]
    for call, error, message in bad_calls:
        with pytest.raises(error, match=message):
            call()
    assert wv.index_to_key == state[0] and wv.vectors is state[1]
    np.testing.assert_array_equal(wv.counts, state[2])


def test_changes_never_write_into_the_array_given():
    words, vectors, counts = random_vectors(n=10)
    given = vectors.copy()
    wv = WordVectors(words, given, counts)
    wv["king"] = np.zeros(DIM)
    wv.sort_by_descending_frequency()
    np.testing.assert_array_equal(given, vectors)
    wv.set_vecattr("queen", "count", 0)
    assert counts[1] != 0                                    # the counts were copied too


# -------------------------------------------------------- centrality and doesnt_match
@pytest.mark.parametrize("use_norm", [True, False])
def test_rank_by_centrality_equals_gensim(pair, use_norm):
    wv, kv = pair
    for words in (WORDS, ["apple", "orange", "banana", "car"], ["king", "king", "w100", 4]):
        ours = wv.rank_by_centrality(words, use_norm=use_norm)
        theirs = kv.rank_by_centrality(words, use_norm=use_norm)
        assert [w for _, w in ours] == [w for _, w in theirs]
        np.testing.assert_allclose([d for d, _ in ours], [d for d, _ in theirs], atol=1e-6)
    with pytest.raises(QueryError, match="use_norm"):
        wv.rank_by_centrality(WORDS, use_norm=None)


def test_unknown_words_are_left_out_with_a_warning_as_gensim(pair):
    wv, kv = pair
    words = ["apple", "orange", "nope", "banana", "car", "orangee"]
    with pytest.warns(UserWarning, match="doesnt_match: 2 of the 6 words .* 'nope', 'orangee'"):
        assert wv.doesnt_match(words) == kv.doesnt_match(words)
    with pytest.warns(UserWarning, match="rank_by_centrality: 2 of the 6"):
        ours = wv.rank_by_centrality(words)
    assert [w for _, w in ours] == [w for _, w in kv.rank_by_centrality(words)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wv.doesnt_match(["apple", "car"])                     # all known: no warning
    for words in ([], ["nope", "nada"]):
        with pytest.raises(ValueError):
            kv.doesnt_match(words)
        with pytest.raises(QueryError, match="needs at least one word in the vocabulary"):
            wv.doesnt_match(words)


# -------------------------------------------------------------------- evaluation
def test_evaluate_word_analogies_similarity_function(tmp_path):
    eye = np.eye(8, dtype=np.float32)
    words = ["athens", "greece", "berlin", "germany", "other"]
    vectors = np.array([eye[0] + eye[4], eye[0] + eye[5], eye[1] + eye[4], eye[1] + eye[5],
                        eye[7]])
    wv, kv = WordVectors(words, vectors), gensim_kv(words, vectors)
    path = tmp_path / "q.txt"
    path.write_text(": capitals\nathens greece berlin germany\nberlin germany athens greece\n")
    ours = wv.evaluate_word_analogies(path, similarity_function="most_similar")
    assert ours == kv.evaluate_word_analogies(str(path), similarity_function="most_similar")
    assert ours[0] == 1.0
    for bad in ("most_similar_cosmul", None):
        with pytest.raises(QueryError, match="similarity_function must be 'most_similar'"):
            wv.evaluate_word_analogies(path, similarity_function=bad)
