"""WordVectors queries: the same answers as gensim's KeyedVectors on the same vectors."""
from __future__ import annotations

import numpy as np
import pytest

from wordvec import WordVectors

gensim_models = pytest.importorskip("gensim.models")

# gensim's most_similar_cosmul calls its own deprecated init_sims()
cosmul_warning = pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`")

WORDS = ["king", "queen", "man", "woman", "prince", "princess", "apple", "orange", "banana",
         "car", "bus", "train"]


@pytest.fixture(scope="module")
def pair():
    """(ours, gensim's) over the same 300 random (300, 16) float32 vectors."""
    rng = np.random.default_rng(7)
    words = WORDS + [f"w{i:03d}" for i in range(300 - len(WORDS))]
    vectors = rng.standard_normal((len(words), 16)).astype(np.float32)
    kv = gensim_models.KeyedVectors(16)
    kv.add_vectors(words, vectors)
    return WordVectors(words, vectors), kv


def assert_same_ranking(ours, theirs, atol=1e-6):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=atol, rtol=0)


@pytest.mark.parametrize("query", [
    dict(positive="king"),
    dict(positive=["king", "woman"], negative=["man"]),
    dict(positive=["king", "woman"], negative=["man"], topn=3),
    dict(positive=["apple", "orange", "banana"], negative="car", topn=20),
    dict(negative=["king"]),                                   # negative only
    dict(positive=[("king", 2.0), "woman"], negative=[("man", -0.5)]),   # explicit weights
    dict(positive=["queen"], restrict_vocab=50),
    dict(positive=["king", "woman"], negative=["man"], restrict_vocab=100, topn=7),
])
def test_most_similar_equals_gensim(pair, query):
    wv, kv = pair
    ours = wv.most_similar(**query)
    assert_same_ranking(ours, kv.most_similar(**query))
    assert len(ours) == query.get("topn", 10)
    inputs = set()
    for key in ("positive", "negative"):
        items = query.get(key) or []
        for item in [items] if isinstance(items, str) else items:
            inputs.add(item[0] if isinstance(item, tuple) else item)
    assert inputs.isdisjoint(w for w, _ in ours)


def test_most_similar_accepts_vectors_and_returns_all_scores_with_topn_none(pair):
    wv, kv = pair
    vector = wv["king"] - 0.5 * wv["man"]                      # a raw vector, not normalised
    assert_same_ranking(wv.most_similar(vector, topn=5), kv.most_similar(vector, topn=5))
    # a vector is not a word: nothing is excluded, so the nearest row to king's vector is king
    assert wv.most_similar(wv["king"], topn=1)[0][0] == "king"
    assert wv.most_similar(wv["king"], topn=1)[0][1] == pytest.approx(1.0, abs=1e-6)
    everything = wv.most_similar(positive=["king"], negative=["man"], topn=None)
    assert everything.shape == (len(wv),)
    np.testing.assert_allclose(everything, kv.most_similar(positive=["king"], negative=["man"],
                                                           topn=None), atol=1e-6)
    assert wv.most_similar("king", topn=0) == []


@pytest.mark.parametrize("query", [
    dict(positive=["king", "woman"], negative=["man"]),
    dict(positive="apple", topn=4),
    dict(positive=["apple", "car"], negative=["bus", "banana"], topn=15),
])
@cosmul_warning
def test_most_similar_cosmul_equals_gensim(pair, query):
    wv, kv = pair
    assert_same_ranking(wv.most_similar_cosmul(**query), kv.most_similar_cosmul(**query))


@cosmul_warning
def test_most_similar_cosmul_restrict_vocab_searches_only_the_first_rows(pair):
    # gensim 4.4 ignores restrict_vocab here; its full score array cut to 60 rows is the truth
    wv, kv = pair
    query = dict(positive=["king", "woman"], negative=["man"])
    scores = kv.most_similar_cosmul(**query, topn=None)[:60]
    scores[[wv.get_index(w) for w in ("king", "woman", "man")]] = -np.inf
    best = np.argsort(-scores)[:5]
    expected = [(wv.index_to_key[i], float(scores[i])) for i in best]
    assert_same_ranking(wv.most_similar_cosmul(**query, topn=5, restrict_vocab=60), expected)


def test_similarity_n_similarity_doesnt_match_rank_by_centrality_equal_gensim(pair):
    wv, kv = pair
    for a, b in [("king", "queen"), ("apple", "car"), ("w010", "w200"), ("bus", "bus")]:
        assert wv.similarity(a, b) == pytest.approx(float(kv.similarity(a, b)), abs=1e-6)
    assert wv.similarity("bus", "bus") == pytest.approx(1.0, abs=1e-6)
    assert wv.n_similarity(["king", "man"], ["queen", "woman", "w003"]) == pytest.approx(
        float(kv.n_similarity(["king", "man"], ["queen", "woman", "w003"])), abs=1e-6)
    for words in (["apple", "orange", "banana", "car"], WORDS, ["king", "queen", "w100"]):
        assert wv.doesnt_match(words) == kv.doesnt_match(words)
        ours, theirs = wv.rank_by_centrality(words), kv.rank_by_centrality(words)
        assert [w for _, w in ours] == [w for _, w in theirs]
        np.testing.assert_allclose([d for d, _ in ours], [d for d, _ in theirs], atol=1e-6)


def test_doesnt_match_picks_the_odd_one_out():
    # three fruit close to one direction, "car" on another
    fruit = np.array([1.0, 0.0, 0.0])
    vectors = np.array([fruit + [0, 0.1, 0], fruit + [0, 0, 0.1], fruit - [0, 0.1, 0],
                        [0.0, 1.0, 0.2]], dtype=np.float32)
    wv = WordVectors(["apple", "pear", "plum", "car"], vectors)
    assert wv.doesnt_match(["apple", "pear", "car", "plum"]) == "car"


def test_analogy_is_the_books_a_to_b_as_c_to_what():
    # orthonormal directions: royal r, male m, female f, and two distractors
    r, m, f, x, y = np.eye(5, dtype=np.float32)
    words = ["king", "queen", "man", "woman", "boy", "apple", "pear"]
    vectors = np.array([r + m, r + f, m, f, 0.9 * m + 0.3 * y, x, x + y], dtype=np.float32)
    wv = WordVectors(words, vectors)
    # a : b = c : ? is b - a + c: queen - king + man = (r + f) - (r + m) + m = f, "woman"
    (best, score), *rest = wv.analogy("king", "queen", "man", topn=3)
    assert best == "woman"
    # unit(u_queen + u_man - u_king) . u_woman, with u_king = (r + m)/sqrt2 etc.:
    # query = (r + f)/s + m - (r + m)/s = f/s + m (1 - 1/s); its norm is sqrt(1/2 + (1 - 1/s)^2)
    s = np.sqrt(2.0)
    assert score == pytest.approx((1 / s) / np.sqrt(0.5 + (1 - 1 / s) ** 2), abs=1e-6)
    assert {w for w, _ in rest}.isdisjoint({"king", "queen", "man"})
    assert wv.analogy("man", "king", "woman", topn=1)[0][0] == "queen"


def test_unknown_word_names_it_and_close_spellings(pair):
    wv, _ = pair
    # (doesnt_match leaves unknown words out, as gensim: tests/test_vectors_gensim_api.py)
    for call in (lambda: wv.most_similar("kingg"), lambda: wv.most_similar_cosmul(["queeen"]),
                 lambda: wv.similarity("king", "kingg"), lambda: wv.analogy("man", "kng", "woman"),
                 lambda: wv.n_similarity(["apple"], ["orangee"])):
        with pytest.raises(KeyError) as error:
            call()
        message = str(error.value)
        assert "not in the vocabulary" in message and "did you mean" in message
    with pytest.raises(KeyError, match="'kingg'.*did you mean 'king'"):
        wv.most_similar(positive=["queen", "kingg"])


def test_a_word_in_another_case_is_suggested_before_close_spellings():
    words = ["kingdom", "kings", "king", "Paris", "USA", "kin", "paris"]
    wv = WordVectors(words, np.eye(len(words), dtype=np.float32))
    for asked, first in [("King", "king"), ("KING", "king"), ("PARIS", "paris"),
                         ("usa", "USA"), ("Usa", "USA")]:
        with pytest.raises(KeyError) as error:
            wv.get_index(asked)
        hint = str(error.value).split("did you mean ")[1]
        assert hint.startswith(repr(first)), (asked, hint)
    with pytest.raises(KeyError) as error:
        wv.get_index("pARIS")      # lower case, then capitalised: both known
    assert "did you mean 'paris', 'Paris'" in str(error.value)


def test_bad_queries_raise_clear_errors(pair):
    wv, _ = pair
    with pytest.raises(ValueError, match="at least one"):
        wv.most_similar()
    with pytest.raises(ValueError, match="at least one positive"):
        wv.most_similar_cosmul(negative=["king"])
    with pytest.raises(ValueError, match=r"shape \(16,\)"):
        wv.most_similar(np.ones(5, dtype=np.float32))


def test_norms_are_cached_and_follow_a_replaced_array():
    vectors = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    wv = WordVectors(["a", "b", "zero"], vectors)
    np.testing.assert_array_equal(wv.norms, [5.0, 1.0, 0.0])
    assert wv.norms is wv.norms                                    # computed once
    np.testing.assert_allclose(wv.get_vector("a", norm=True), [0.6, 0.8])
    # a zero vector has cosine 0 with everything, not NaN
    assert wv.similarity("a", "zero") == 0.0
    assert not np.isnan(wv.most_similar("a", topn=None)).any()
    # replacing the array is noticed; editing it in place needs fill_norms(force=True)
    wv.vectors = np.array([[6.0, 8.0], [2.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    np.testing.assert_array_equal(wv.norms, [10.0, 2.0, 1.0])
    wv.vectors[0] = [0.0, 2.0]
    assert wv.norms[0] == 10.0
    wv.fill_norms(force=True)
    assert wv.norms[0] == 2.0
    np.testing.assert_allclose(wv.get_normed_vectors(), [[0, 1], [1, 0], [0, 1]])


def test_unit_divisors_and_unit_vectors_are_the_cosines_divisors():
    """The public pieces wordvec.evaluate builds on: norms with 1 for a zero row, and unit
    rows of any index shape, bit-equal to get_vector(norm=True) / get_normed_vectors()."""
    vectors = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    wv = WordVectors(["a", "zero", "b"], vectors)
    divisors = wv.unit_divisors()
    assert divisors.dtype == np.float32
    np.testing.assert_array_equal(divisors, [5.0, 1.0, 1.0])
    rows = np.array([[0, 1], [2, 0]])
    units = wv.unit_vectors(rows)
    assert units.shape == (2, 2, 2) and units.dtype == np.float32
    np.testing.assert_array_equal(units[0, 0], wv.get_vector("a", norm=True))
    np.testing.assert_array_equal(units[0, 1], [0.0, 0.0])             # zero stays zero
    np.testing.assert_array_equal(wv.unit_vectors(slice(None)), wv.get_normed_vectors())
