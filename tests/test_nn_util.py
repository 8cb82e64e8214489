"""The book's helpers: preprocess, contexts/targets, similarity queries."""
import numpy as np
import pytest

from wordvec.nn import analogy, cos_similarity, create_contexts_target, most_similar, preprocess


def test_preprocess_matches_the_book_example():
    corpus, word_to_id, id_to_word = preprocess("You say goodbye and I say hello.")
    assert corpus.tolist() == [0, 1, 2, 3, 4, 1, 5, 6]
    assert id_to_word[6] == "." and word_to_id["say"] == 1 and len(word_to_id) == 7


def _book_contexts_target(corpus, window_size):
    # The book's loop, as the reference.
    target = corpus[window_size:-window_size]
    contexts = []
    for idx in range(window_size, len(corpus) - window_size):
        contexts.append([corpus[idx + t] for t in range(-window_size, window_size + 1) if t != 0])
    return np.array(contexts), np.array(target)


@pytest.mark.parametrize("window", [1, 2, 5])
def test_create_contexts_target_equals_book_loop(window):
    corpus = np.random.default_rng(0).integers(0, 50, size=40).astype(np.int32)
    contexts, target = create_contexts_target(corpus, window)
    ref_contexts, ref_target = _book_contexts_target(corpus, window)
    assert contexts.shape == (40 - 2 * window, 2 * window)
    np.testing.assert_array_equal(contexts, ref_contexts)
    np.testing.assert_array_equal(target, ref_target)


def test_cos_similarity():
    assert cos_similarity(np.array([1.0, 0.0]), np.array([3.0, 3.0])) == pytest.approx(2 ** -0.5)
    assert cos_similarity(np.zeros(2), np.array([1.0, 1.0])) == 0.0


def test_most_similar_ranks_by_cosine_and_prints_like_the_book(capsys):
    word_to_id = {"a": 0, "b": 1, "c": 2, "d": 3}
    id_to_word = {v: k for k, v in word_to_id.items()}
    W = np.array([[1.0, 0.0], [10.0, 1.0], [0.0, 1.0], [-1.0, 0.1]])
    found = most_similar("a", word_to_id, id_to_word, W, top=2)
    assert [w for w, _ in found] == ["b", "c"]
    assert found[0][1] == pytest.approx(10 / np.sqrt(101))
    out = capsys.readouterr().out
    assert out.startswith("\n[query] a\n b: ")
    assert most_similar("zzz", word_to_id, id_to_word, W) is None
    assert "zzz is not found" in capsys.readouterr().out


def test_analogy_uses_the_books_scoring():
    word_to_id = {w: i for i, w in enumerate(["man", "king", "woman", "queen", "apple"])}
    id_to_word = {i: w for w, i in word_to_id.items()}
    W = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 1.0],
                  [0.3, -1.0, 0.2]])
    found = analogy("man", "king", "woman", word_to_id, id_to_word, W, top=2)
    assert found[0][0] == "queen"
    query = (W[1] - W[0] + W[2]) / np.linalg.norm(W[1] - W[0] + W[2])
    assert found[0][1] == pytest.approx(W[3] @ query)   # unnormalised rows, as the book
