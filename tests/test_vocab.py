"""Tests of wordvec.vocab: counting, order, trimming, errors, and agreement with gensim."""
from __future__ import annotations

import collections
import os
import random
import subprocess
import sys
import tracemalloc
import warnings

import numpy as np
import pytest

from wordvec.config import TrainConfig
from wordvec.vocab import Vocab, VocabError, VocabPrunedWarning, count_words


def test_order_is_count_then_first_occurrence(tmp_path):
    path = tmp_path / "c.txt"
    # Counts: e 3; then b, a, d tied at 2 (first seen in that order); then c, f at 1.
    path.write_text("b a c\nd e e\nb a d f e\n")
    vocab = Vocab.build(path, min_count=1, block_size=4)
    assert vocab.words == ["e", "b", "a", "d", "c", "f"]
    assert vocab.counts.dtype == np.int64
    assert vocab.counts.tolist() == [3, 2, 2, 2, 1, 1]
    assert vocab.word_to_id == {w: i for i, w in enumerate(vocab.words)}
    assert len(vocab) == 6 and "d" in vocab and "z" not in vocab
    assert vocab.total == vocab.raw_words == 11


def test_order_does_not_depend_on_hash_seed(tmp_path):
    path = tmp_path / "c.txt"
    words = [f"word{i}" for i in range(60)]  # all tied at count 1
    path.write_text(" ".join(words))
    script = ("import sys; from wordvec.vocab import Vocab; "
              "print(' '.join(Vocab.build(sys.argv[1], min_count=1).words))")
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", script, str(path)], env=env,
                             capture_output=True, text=True, check=True).stdout.split()
        assert out == words


def test_min_count_and_max_vocab(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a a a a b b b c c d x y\n")
    vocab = Vocab.build(path, min_count=2)
    assert vocab.words == ["a", "b", "c"]
    assert vocab.counts.tolist() == [4, 3, 2]
    assert vocab.raw_words == 12  # dropped words are still counted as read
    assert vocab.total == 9
    top2 = Vocab.build(path, min_count=1, max_vocab=2)
    assert top2.words == ["a", "b"]
    # Ties at the max_vocab boundary: the first seen wins.
    assert Vocab.build(path, min_count=1, max_vocab=4).words == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="max_vocab"):
        Vocab.build(path, max_vocab=0)
    with pytest.raises(ValueError, match="min_count"):
        Vocab.build(path, min_count=-1)


def test_vocab_error_gives_largest_count_and_a_working_min_count(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text("the cat the dog the end cat\n")
    with pytest.raises(VocabError) as info:
        Vocab.build(path, min_count=5)
    message = str(info.value)
    assert "min_count=5" in message
    assert "largest count is 3" in message and "'the'" in message
    assert "min_count=3 or lower" in message
    assert "small.txt" in message
    assert len(Vocab.build(path, min_count=3)) == 1  # the suggestion works


def test_empty_corpus_is_a_vocab_error(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\n  \n")
    with pytest.raises(VocabError, match="no words"):
        Vocab.build(path, min_count=1)


def test_counts_equal_counter_reference_on_random_text(tmp_path):
    rng = random.Random(42)
    # Zipf-like word frequencies over a few hundred words, random line lengths.
    words = [f"t{i}" for i in range(300)]
    weights = [1.0 / (i + 1) for i in range(300)]
    lines = [rng.choices(words, weights, k=rng.randrange(0, 40)) for _ in range(500)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(line) for line in lines))
    reference = collections.Counter(w for line in lines for w in line)
    vocab = Vocab.build(path, min_count=3, block_size=17)
    expected = {w: n for w, n in reference.items() if n >= 3}
    assert dict(zip(vocab.words, vocab.counts.tolist())) == expected
    assert vocab.raw_words == sum(reference.values())
    assert np.all(np.diff(vocab.counts) <= 0)
    # Token lists give the same vocabulary as the file.
    assert Vocab.build(lines, min_count=3) == vocab


def test_from_counts_keeps_the_given_order_and_validates():
    vocab = Vocab.from_counts(["x", "y", "z"], [1, 5, 2])
    assert vocab.words == ["x", "y", "z"] and vocab.word_to_id["y"] == 1
    assert vocab.counts.tolist() == [1, 5, 2] and vocab.raw_words == 8
    assert Vocab.from_counts(["x"], [4], raw_words=10).raw_words == 10
    with pytest.raises(ValueError, match="twice"):
        Vocab.from_counts(["x", "x"], [1, 1])
    with pytest.raises(ValueError, match="one count per word"):
        Vocab.from_counts(["x", "y"], [1])
    with pytest.raises(ValueError, match="non-negative"):
        Vocab.from_counts(["x"], [-1])


def test_text8_head_counts_equal_gensim(data_file):
    gensim_word2vec = pytest.importorskip("gensim.models.word2vec")
    path = data_file("text8-head")
    vocab = Vocab.build(path, min_count=5)
    assert vocab.raw_words == 2_139_748

    # gensim's scan (the first half of build_vocab); its trim at min_count=5 keeps the words
    # with raw count >= 5 (prepare_vocab without trim_rule), done here on the raw counts.
    model = gensim_word2vec.Word2Vec(min_count=5)
    total_words, _ = model.scan_vocab(corpus_iterable=gensim_word2vec.LineSentence(str(path)))
    assert total_words == 2_139_748
    theirs = {w: n for w, n in model.raw_vocab.items() if n >= 5}
    ours = dict(zip(vocab.words, vocab.counts.tolist()))
    assert len(ours) == len(theirs) == 22_541
    assert ours == theirs
    assert vocab.words[:3] == ["the", "of", "one"]


# ------------------------------------------------------------------------------------------
# Pruning while counting (prune_at), word2vec.c's ReduceVocab


def reduce_vocab_reference(tokens, limit):
    """The documented rule, word by word: after adding a word, while more than ``limit``
    words are held, drop those counted at most ``min_reduce`` times and raise ``min_reduce``
    (from 1) by one - word2vec.c's LearnVocabFromTrainFile and ReduceVocab."""
    counts, min_reduce = {}, 1
    for word in tokens:
        counts[word] = counts.get(word, 0) + 1
        while len(counts) > limit:
            counts = {w: n for w, n in counts.items() if n > min_reduce}
            min_reduce += 1
    return counts, min_reduce - 1


def test_pruning_follows_word2vec_rule_word_by_word():
    rng = random.Random(7)
    words = [f"w{i}" for i in range(2_000)]
    weights = [1.0 / (i + 1) for i in range(2_000)]
    tokens = rng.choices(words, weights, k=30_000)
    expected, max_dropped = reduce_vocab_reference(tokens, limit=150)
    assert max_dropped >= 3  # the rule escalated more than once: the test covers it
    # One-word sentences: counting checks the limit after every word, as the reference.
    with pytest.warns(VocabPrunedWarning) as record:
        counts, raw = count_words([[t] for t in tokens], prune_at=150)
    assert counts == expected and list(counts) == list(expected)  # order kept too
    assert raw == len(tokens)
    assert record[0].message.max_dropped == max_dropped
    assert f"seen at most {max_dropped} times" in str(record[0].message)
    assert "prune_at=0" in str(record[0].message)


def test_pruned_file_counting_keeps_frequent_words_exact_and_warns(tmp_path):
    # 40,000 words seen once each, and three words on every line.
    path = tmp_path / "rare.txt"
    path.write_text("".join(f"the {' '.join(f'r{i}_{j}' for j in range(100))} of and\n"
                            for i in range(400)))
    with pytest.warns(VocabPrunedWarning, match="more than 1,000 distinct words"):
        vocab = Vocab.build(path, min_count=1, prune_at=1_000, block_size=2_048)
    counts = dict(zip(vocab.words, vocab.counts.tolist()))
    assert counts["the"] == counts["of"] == counts["and"] == 400
    assert len(vocab) <= 1_000
    assert vocab.raw_words == 400 * 103  # every token is still read and counted as read
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # below the limit: exact, and no warning
        exact = Vocab.build(path, min_count=1, prune_at=50_000, block_size=2_048)
    assert len(exact) == 40_003
    assert Vocab.build(path, min_count=1, prune_at=0) == exact


def test_pruning_bounds_the_memory_of_counting(tmp_path):
    """200,000 distinct words: the peak of counting with prune_at=5,000 is a small fraction
    of counting them all (measured: 1.3 MiB vs 38 MiB)."""
    path = tmp_path / "distinct.txt"
    path.write_text("".join(" ".join(f"u{i}_{j}" for j in range(1_000)) + "\n"
                            for i in range(200)))

    def peak(prune_at):
        tracemalloc.start()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", VocabPrunedWarning)
                count_words(path, prune_at=prune_at, block_size=1 << 14)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    bounded, full = peak(5_000), peak(0)
    assert bounded < full / 8, (bounded, full)


def test_prune_at_is_checked():
    with pytest.raises(ValueError, match="prune_at must be an integer >= 0"):
        count_words([["a"]], prune_at=-1)
    with pytest.raises(ValueError, match="prune_at must be an integer from 0 to 2,147,483,647"):
        TrainConfig(prune_at=-1)


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6, 7, 100])
def test_max_final_vocab_raises_min_count_as_gensim_does(tmp_path, limit):
    gensim = pytest.importorskip("gensim")
    path = tmp_path / "c.txt"
    # Counts: e 3; then b, a, d tied at 2; then c, f at 1: ties stay or go together.
    sentences = [["b", "a", "c"], ["d", "e", "e"], ["b", "a", "d", "f", "e"]]
    path.write_text("\n".join(" ".join(s) for s in sentences) + "\n")
    for min_count in (1, 2):
        ours = Vocab.build(path, min_count=min_count, max_final_vocab=limit)
        theirs = gensim.models.Word2Vec(min_count=min_count, max_final_vocab=limit)
        theirs.build_vocab(sentences)
        assert len(ours) == len(theirs.wv) <= max(limit, len(ours))
        assert set(ours.words) == set(theirs.wv.index_to_key)


def test_max_final_vocab_is_checked():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="max_final_vocab"):
            Vocab.build([["a"]], min_count=1, max_final_vocab=bad)
    with pytest.raises(ValueError, match="max_final_vocab"):
        TrainConfig(max_final_vocab=0)
