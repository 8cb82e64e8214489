"""Counting and encoding a file in one read (wordvec.vocab.count_and_encode) gives exactly
what Vocab.build followed by encode gives: the same vocabulary, ids, bounds, fingerprint and
warnings, on corpora of every shape the reader handles; and it falls back to two passes
where its memory would not be bounded."""
from __future__ import annotations

import gzip
import random
import warnings

import numpy as np
import pytest

from wordvec.corpus import (
    MAX_SENTENCE,
    MAX_WORD_BYTES,
    InvalidUTF8Warning,
    LongWordWarning,
    encode,
    encode_stream,
    read_tokens,
)
from wordvec.vocab import Vocab, VocabError, VocabPrunedWarning, count_and_encode
from wordvec.word2vec import Word2Vec


def _warned(call):
    """What ``call()`` returns, and the (category, message) of each warning it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [(w.category, str(w.message)) for w in caught]


def _two_passes(source, **limits):
    vocab = Vocab.build(source, **limits)
    return vocab, encode(source, vocab.word_to_id)


def _assert_same(source, **limits):
    (vocab, encoded), one_warned = _warned(lambda: count_and_encode(source, **limits))
    (vocab2, encoded2), two_warned = _warned(lambda: _two_passes(source, **limits))
    assert encoded is not None
    assert vocab == vocab2
    assert np.array_equal(encoded.ids, encoded2.ids)
    assert np.array_equal(encoded.bounds, encoded2.bounds)
    assert encoded.raw_words == encoded2.raw_words
    assert encoded.fingerprint == encoded2.fingerprint
    assert one_warned == two_warned
    assert not encoded.ids.flags.writeable
    return vocab, encoded, one_warned


def _zipf_text(rng, n_words, vocab=300, line_words=(0, 40)):
    words = [f"w{i}" for i in range(vocab)]
    weights = [1 / (i + 1) for i in range(vocab)]
    lines = []
    left = n_words
    while left > 0:
        n = min(left, rng.randint(*line_words))
        lines.append(" ".join(rng.choices(words, weights, k=n)))
        left -= max(n, 1)
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(6))
def test_random_corpora_equal_two_passes(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "c.txt"
    text = _zipf_text(rng, rng.randint(1, 5000))
    # Random whitespace of every kind between words, CRLF and blank lines.
    text = "".join(c if c != " " else rng.choice([" ", "  ", "\t", " \x0b", "\x0c", "\r\n", "\n\n"])
                   for c in text)
    path.write_text(text)
    _assert_same(path, min_count=rng.randint(1, 4))


def test_files_folders_and_compressed_files(tmp_path):
    rng = random.Random(7)
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    texts = [_zipf_text(rng, 3000), _zipf_text(rng, 2000)]
    (folder / "a.txt").write_text(texts[0])
    with gzip.open(folder / "sub" / "b.txt.gz", "wt") as f:
        f.write(texts[1])
    (folder / "c.txt").write_text("")
    vocab, encoded, _ = _assert_same(folder, min_count=2)
    assert vocab.raw_words == sum(len(t.split()) for t in texts)
    _assert_same([folder / "a.txt", folder / "c.txt", folder / "a.txt"], min_count=3)


def test_long_lines_are_cut_as_the_reader_cuts_them(tmp_path):
    path = tmp_path / "long.txt"
    words = [f"x{i % 50}" for i in range(2 * MAX_SENTENCE + 17)]
    path.write_text("a b\n" + " ".join(words) + " \n" + " ".join(words[:MAX_SENTENCE]))
    _, encoded, _ = _assert_same(path, min_count=1)
    lengths = np.diff(encoded.bounds).tolist()
    assert lengths == [2, MAX_SENTENCE, MAX_SENTENCE, 17, MAX_SENTENCE]


def test_invalid_utf8_and_long_tokens_warn_per_file_as_counting_does(tmp_path):
    one, two = tmp_path / "1.txt", tmp_path / "2.txt"
    long_a = b"a" * (MAX_WORD_BYTES + 500)
    long_b = b"a" * (MAX_WORD_BYTES + 9)    # cut to the same word as long_a
    # \xff and \xfe are two byte tokens that decode to the same word, U+FFFD.
    one.write_bytes(b"ok \xff ok \xfe\n" + long_a + b" ok " + long_b + b" " + long_a + b"\n")
    two.write_bytes(b"ok fine fine \xff\n")
    vocab, encoded, warned = _assert_same([one, two], min_count=1)
    assert vocab.counts[vocab.word_to_id["\ufffd"]] == 3
    assert vocab.counts[vocab.word_to_id["a" * MAX_WORD_BYTES]] == 3
    assert [c for c, _ in warned] == [InvalidUTF8Warning, LongWordWarning, InvalidUTF8Warning]
    assert "2 tokens" in warned[0][1] and "3 tokens" in warned[1][1]
    assert "1 tokens" in warned[2][1]


@pytest.mark.parametrize("limits", [dict(min_count=1, max_vocab=7),
                                    dict(min_count=2, max_final_vocab=20),
                                    dict(min_count=50)])
def test_vocabulary_limits(tmp_path, limits):
    path = tmp_path / "c.txt"
    path.write_text(_zipf_text(random.Random(3), 4000))
    vocab, encoded, _ = _assert_same(path, **limits)
    assert encoded.ids.max() < len(vocab)


def test_spilled_ids_equal_in_memory_ones(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(_zipf_text(random.Random(5), 20000))
    vocab = Vocab.build(path, min_count=3)
    expected = encode(path, vocab.word_to_id)
    for threshold in (64, 1 << 30):
        stream = read_tokens(path, max_distinct=10**6, max_token_bytes=10**6,
                             memmap_threshold=threshold, tmp_dir=tmp_path)
        assert isinstance(stream.ids, np.memmap) == (threshold == 64)
        id_of = np.array([vocab.word_to_id.get(t.decode(), -1) for t in stream.tokens],
                         dtype=np.int32)
        encoded = encode_stream(stream, id_of)
        assert np.array_equal(encoded.ids, expected.ids)
        assert encoded.fingerprint == expected.fingerprint
    assert list(tmp_path.glob(".ids.*")) == []   # the spill file is unlinked once mapped


def test_falls_back_to_two_passes_past_half_prune_at(tmp_path):
    """Past prune_at // 2 distinct tokens the one read stops: counting with word2vec.c's
    pruning then gives its own (pruned) vocabulary, and the caller encodes."""
    path = tmp_path / "c.txt"
    path.write_text(" ".join(f"u{i}" for i in range(500)) + " the the the")
    vocab, encoded = count_and_encode(path, min_count=1, prune_at=10**6)
    assert encoded is not None and len(vocab) == 501
    with pytest.warns(VocabPrunedWarning):
        vocab, encoded = count_and_encode(path, min_count=1, prune_at=400)
    assert encoded is None
    with pytest.warns(VocabPrunedWarning):
        assert vocab == Vocab.build(path, min_count=1, prune_at=400)
    # Between prune_at // 2 and prune_at: two passes, nothing pruned, the same vocabulary.
    vocab, encoded = count_and_encode(path, min_count=1, prune_at=800)
    assert encoded is None and vocab == Vocab.build(path, min_count=1)


def test_token_bytes_bound_the_one_read(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(" ".join(f"{i:0>900}" for i in range(40)))
    assert read_tokens(path, max_distinct=10**6, max_token_bytes=900 * 39) is None
    assert read_tokens(path, max_distinct=10**6, max_token_bytes=900 * 40) is not None
    assert read_tokens(path, max_distinct=39, max_token_bytes=10**9) is None


def test_token_lists_take_two_passes():
    sentences = [["a", "b", "a"], ["b", "c"]]
    vocab, encoded = count_and_encode(sentences, min_count=1)
    assert encoded is None and vocab == Vocab.build(sentences, min_count=1)


def test_errors_are_the_same(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(VocabError, match="has no words"):
        count_and_encode(empty)
    rare = tmp_path / "rare.txt"
    rare.write_text("a b c")
    with pytest.raises(VocabError, match="min_count=5"):
        count_and_encode(rare)
    with pytest.raises(ValueError, match="min_count"):
        count_and_encode(rare, min_count=-1)


def test_fit_trains_on_the_ids_counting_made(tmp_path, monkeypatch):
    """Word2Vec.fit after its own counting does not read the corpus again; with one thread
    the vectors equal those of a run that encodes in a second pass."""
    path = tmp_path / "c.txt"
    path.write_text(_zipf_text(random.Random(11), 6000))
    import wordvec.corpus
    import wordvec.vocab

    cfg = dict(dim=8, epochs=1, threads=1, min_count=2, seed=3)
    reads = []
    original = wordvec.corpus.encode
    monkeypatch.setattr(wordvec.corpus, "encode",
                        lambda *a, **k: reads.append(1) or original(*a, **k))
    one = Word2Vec(**cfg).fit(path)
    assert reads == []
    monkeypatch.setattr(wordvec.vocab, "count_and_encode",
                        lambda source, **kw: (Vocab.build(source, **kw), None))
    two = Word2Vec(**cfg).fit(path)
    assert reads == [1]
    assert one.vocab == two.vocab
    assert np.array_equal(one.wv.vectors, two.wv.vectors)
