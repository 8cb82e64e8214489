"""Tests of wordvec.corpus: streaming reader, sources, cutting, decoding, encoding to ids."""
from __future__ import annotations

import bz2
import gzip
import lzma
import os
import random
import tracemalloc

import numpy as np
import pytest

from wordvec import corpus
from wordvec.corpus import (
    MAX_SENTENCE,
    CorpusError,
    EncodedCorpus,
    InvalidUTF8Warning,
    NotReiterableError,
    encode,
    iter_sentences,
)
from wordvec.vocab import Vocab, count_words


def naive_sentences(data: bytes, max_sentence: int = MAX_SENTENCE) -> list[list[str]]:
    """The reference reader: whole file in memory, one line at a time."""
    out = []
    for line in data.split(b"\n"):
        tokens = [t.decode("utf-8", "replace") for t in line.split()]
        out.extend(tokens[i:i + max_sentence] for i in range(0, len(tokens), max_sentence))
    return out


def random_text(rng: random.Random, n_tokens: int, vocab_size: int = 50) -> bytes:
    """Random words joined by every kind of ASCII whitespace, with newlines and empty lines."""
    words = [(f"w{i}" + "x" * rng.randrange(12)).encode() for i in range(vocab_size)]
    seps = [b" ", b"  ", b"\t", b"\n", b"\r\n", b"\n\n", b" \x0b", b"\x0c"]
    parts = []
    for _ in range(n_tokens):
        parts.append(rng.choice(words))
        parts.append(rng.choice(seps) if rng.random() < 0.2 else b" ")
    return b"".join(parts)


# ------------------------------------------------------------------------------------------
# Streaming


@pytest.mark.parametrize("block_size", [1, 3, 7, 64, 1 << 20])
def test_streaming_across_blocks_equals_naive_split(tmp_path, block_size):
    rng = random.Random(block_size)
    data = random_text(rng, 3000)
    path = tmp_path / "c.txt"
    path.write_bytes(data)
    got = list(iter_sentences(path, block_size=block_size, max_sentence=50))
    want = [s for s in naive_sentences(data, max_sentence=50) if s]
    assert got == want
    # Tokens longer than the block (block_size 1, 3, 7) must have straddled blocks.
    assert max(len(w) for s in got for w in s) > 7


def test_token_straddling_a_block_is_not_split(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"alpha beta gamma")  # block 4: "alph" | "a be" | "ta g" | "amma"
    assert list(iter_sentences(path, block_size=4)) == [["alpha", "beta", "gamma"]]


def test_long_line_is_cut_at_max_sentence_and_keeps_every_word(tmp_path):
    words = [f"w{i}" for i in range(25_001)]
    path = tmp_path / "long.txt"
    path.write_text(" ".join(words) + "\nnext line\n")
    # A small block size makes the line arrive in many pieces, as text8 does.
    sentences = list(iter_sentences(path, block_size=4096))
    assert [len(s) for s in sentences] == [10_000, 10_000, 5_001, 2]
    assert [w for s in sentences[:3] for w in s] == words
    assert sentences[3] == ["next", "line"]


def test_line_of_exactly_max_sentence_gives_one_sentence(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(" ".join(["a"] * 10) + "\nb\n")
    assert [len(s) for s in iter_sentences(path, max_sentence=10, block_size=3)] == [10, 1]


def test_line_endings_whitespace_and_missing_final_newline(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"  a\tb \r\n\n \x0b\x0c \nc  d")
    assert list(iter_sentences(path)) == [["a", "b"], ["c", "d"]]


def test_non_ascii_whitespace_stays_inside_tokens(tmp_path):
    # Only ASCII whitespace separates tokens: a no-break space (U+00A0) does not.
    path = tmp_path / "c.txt"
    path.write_text("new\u00a0york city", encoding="utf-8")
    assert list(iter_sentences(path)) == [["new\u00a0york", "city"]]


@pytest.mark.parametrize("suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open),
                                           (".xz", lzma.open)])
def test_compressed_files_read_like_plain(tmp_path, suffix, opener):
    data = random_text(random.Random(1), 2000)
    plain = tmp_path / "c.txt"
    plain.write_bytes(data)
    packed = tmp_path / ("c.txt" + suffix)
    with opener(packed, "wb") as f:
        f.write(data)
    assert packed.read_bytes() != data
    expected = list(iter_sentences(plain))
    assert list(iter_sentences(packed, block_size=100)) == expected
    assert count_words(packed) == count_words(plain)


def test_corrupt_compressed_file_names_the_file(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(b"this is not gzip data")
    with pytest.raises(CorpusError, match="bad.gz"):
        list(iter_sentences(path))


# ------------------------------------------------------------------------------------------
# Sources


def test_folder_reads_files_in_name_order_skipping_hidden(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b.txt").write_text("b\n")
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "sub" / "c.txt").write_text("c\n")
    (tmp_path / "a0.txt").write_text("a0\n")
    (tmp_path / ".hidden").write_text("hidden\n")
    (tmp_path / ".git" / "x").write_text("git\n")
    got = [w for s in iter_sentences(tmp_path) for w in s]
    assert got == ["a", "a0", "b", "c"]


def test_list_of_paths_in_given_order_and_sentences_never_span_files(tmp_path):
    first, second = tmp_path / "1.txt", tmp_path / "2.txt"
    first.write_text("x y")  # no final newline: the sentence ends with the file
    second.write_text("z\n")
    assert list(iter_sentences([second, str(first)])) == [["z"], ["x", "y"]]
    assert list(iter_sentences([first, second])) == [["x", "y"], ["z"]]


def test_missing_file_and_empty_folder_name_the_path(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(CorpusError, match="nope.txt"):
        iter_sentences(missing)  # raised at the call, not at the first next()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".hidden").write_text("x")
    with pytest.raises(CorpusError, match="empty"):
        iter_sentences(empty)


def test_list_of_strings_error_hints_at_token_lists():
    with pytest.raises(CorpusError, match=r"token lists such as"):
        iter_sentences(["the cat sat"])


def test_one_shot_generator_is_refused():
    sentences = [["a", "b"], ["c"]]
    gen = (s for s in sentences)
    with pytest.raises(NotReiterableError, match="list"):
        iter_sentences(gen)
    with pytest.raises(TypeError):  # it is also a TypeError
        iter_sentences(iter(sentences))
    with pytest.raises(CorpusError):
        Vocab.build((s for s in sentences), min_count=1)
    with pytest.raises(CorpusError):
        encode(iter(sentences), Vocab.from_counts(["a"], [1]).word_to_id)


def test_reiterable_object_is_read_twice():
    class Corpus:
        def __iter__(self):
            yield ["a", "b"]
            yield ["a"]

    source = Corpus()
    assert list(iter_sentences(source)) == [["a", "b"], ["a"]]
    assert list(iter_sentences(source)) == [["a", "b"], ["a"]]


def test_token_lists_are_cut_and_checked():
    assert [len(s) for s in iter_sentences([["a"] * 7, [], ("b", "c")], max_sentence=3)] \
        == [3, 3, 1, 2]
    with pytest.raises(CorpusError, match="mixes strings .* and token lists"):
        iter_sentences([["a"], "b c"])

    class Lines:  # a re-iterable that yields lines instead of token lists
        def __iter__(self):
            return iter(["a b", "c"])

    with pytest.raises(CorpusError, match="sentence 0 .* not a list of tokens"):
        list(iter_sentences(Lines()))
    with pytest.raises(CorpusError, match="must be str"):
        count_words([["a", 3]])


def test_not_a_source():
    with pytest.raises(CorpusError, match="int"):
        iter_sentences(42)


# ------------------------------------------------------------------------------------------
# Decoding


def test_invalid_utf8_is_replaced_consistently(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"caf\xc3\xa9 caf\xe9 \xff \xfe ok\n\xff caf\xe9\n")
    assert list(iter_sentences(path)) == [["café", "caf\ufffd", "\ufffd", "\ufffd", "ok"],
                                          ["\ufffd", "caf\ufffd"]]
    with pytest.warns(InvalidUTF8Warning, match="^5 tokens in .* had invalid UTF-8 bytes"):
        counts, raw = count_words(path, block_size=3)
    # \xff and \xfe are different bytes but the same word after replacement: merged.
    assert counts == {"café": 1, "caf\ufffd": 2, "\ufffd": 3, "ok": 1}
    assert raw == 7
    with pytest.warns(InvalidUTF8Warning):
        vocab = Vocab.build(path, min_count=1)
    enc = encode(path, vocab.word_to_id, block_size=3)
    r, c = vocab.word_to_id["\ufffd"], vocab.word_to_id["caf\ufffd"]
    assert enc.ids.tolist() == [vocab.word_to_id["café"], c, r, r, vocab.word_to_id["ok"], r, c]
    # Encoding a file equals encoding its decoded sentences.
    ref = encode(list(iter_sentences(path)), vocab.word_to_id)
    assert enc.ids.tolist() == ref.ids.tolist()


# ------------------------------------------------------------------------------------------
# Counting


def test_count_words_first_occurrence_order_and_raw_words(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("b a\nc a b\n\nd\n")
    counts, raw = count_words(path, block_size=2)
    assert list(counts.items()) == [("b", 2), ("a", 2), ("c", 1), ("d", 1)]
    assert raw == 6
    assert count_words([["b", "a"], ["c", "a", "b"], [], ["d"]]) == (counts, raw)


# ------------------------------------------------------------------------------------------
# Encoding


def reference_encode(sentences, vocab):
    return [[vocab.word_to_id[w] for w in s if w in vocab] for s in sentences]


def as_sentences(enc: EncodedCorpus) -> list[list[int]]:
    return [enc.sentence(i).tolist() for i in range(enc.n_sentences)]


def test_encode_drops_oov_and_bounds_are_right(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a x b\ny z\n\nb b q a\n")
    vocab = Vocab.from_counts(["b", "a"], [3, 2])
    enc = encode(path, vocab.word_to_id)
    assert enc.ids.dtype == np.int32 and enc.bounds.dtype == np.int64
    assert enc.ids.tolist() == [1, 0, 0, 0, 1]
    # "y z" is all OOV: its sentence is dropped, so no empty sentence remains.
    assert enc.bounds.tolist() == [0, 2, 5]
    assert enc.raw_words == 9
    assert enc.n_sentences == 2


def test_encode_equals_reference_on_random_text(tmp_path):
    rng = random.Random(7)
    data = random_text(rng, 5000, vocab_size=40)
    path = tmp_path / "c.txt"
    path.write_bytes(data)
    vocab = Vocab.build(path, min_count=130)  # drops the rarer words: OOV in the text
    assert 0 < len(vocab) < 40
    sentences = list(iter_sentences(path, max_sentence=30))
    want = [s for s in reference_encode(sentences, vocab) if s]
    enc = encode(path, vocab.word_to_id, block_size=5, max_sentence=30)
    assert as_sentences(enc) == want
    assert enc.raw_words == 5000
    assert enc.bounds[-1] == enc.ids.shape[0] == sum(map(len, want))
    # Token lists give the same ids as the file they came from.
    enc_lists = encode(sentences, vocab.word_to_id, max_sentence=30)
    assert as_sentences(enc_lists) == want


def test_encode_spills_to_memmap_above_threshold(tmp_path, monkeypatch):
    data = random_text(random.Random(3), 4000, vocab_size=30)
    path = tmp_path / "c.txt"
    path.write_bytes(data)
    vocab = Vocab.build(path, min_count=1)
    in_memory = encode(path, vocab.word_to_id)
    assert not isinstance(in_memory.ids, np.memmap)
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    # Batches of ~300 tokens (1,200 bytes of ids): the first batches stay in memory, the
    # one that crosses 5,000 bytes spills them to the file, and later ones go straight to it.
    monkeypatch.setattr(corpus, "_ENCODE_BATCH", 300)
    mapped = encode(path, vocab.word_to_id, memmap_threshold=5000, tmp_dir=spill_dir)
    assert isinstance(mapped.ids, np.memmap)
    assert mapped.ids.dtype == np.int32
    np.testing.assert_array_equal(mapped.ids, in_memory.ids)
    np.testing.assert_array_equal(mapped.bounds, in_memory.bounds)
    assert not mapped.ids.flags.writeable
    if os.name == "posix":  # unlinked as soon as mapped: nothing left behind
        assert list(spill_dir.iterdir()) == []


def test_encode_empty_corpus(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("x y\n")
    enc = encode(path, Vocab.from_counts(["a"], [1]).word_to_id, memmap_threshold=0)
    assert enc.ids.shape == (0,) and enc.bounds.tolist() == [0] and enc.raw_words == 2


def _peak_bytes(path) -> tuple[int, int]:
    """Peak traced memory of streaming and of counting ``path``, in bytes."""
    tracemalloc.start()
    try:
        n = sum(len(s) for s in iter_sentences(path, block_size=1 << 13, max_sentence=1000))
        _, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        _, raw = count_words(path, block_size=1 << 13)
        _, count_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == raw
    return read_peak, count_peak


def test_memory_does_not_grow_with_line_length(tmp_path):
    # Single lines with no newline, like text8: a readline() reader would hold all of one.
    rng = random.Random(5)
    words = [b"w%d" % i for i in range(100)]
    peaks = []
    for n_tokens in (50_000, 200_000):  # about 0.2 MB and 0.8 MB
        data = b" ".join(rng.choice(words) for _ in range(n_tokens))
        path = tmp_path / f"line{n_tokens}.txt"
        path.write_bytes(data)
        peaks.append(_peak_bytes(path))
    (short_read, short_count), (long_read, long_count) = peaks
    # Measured about 330 kB and 230 kB for both lengths with 8 kB blocks.
    assert long_read < 1.2 * short_read and long_count < 1.2 * short_count, peaks
    assert long_read < len(data) / 2 and long_count < len(data) / 2, peaks


def test_encode_memory_stays_bounded_with_millions_of_rare_words(tmp_path, monkeypatch):
    """Out-of-vocabulary tokens are cached up to _ENCODE_CACHE at a time: with 200,000
    distinct rare words and a cache of 1,000 the peak is a fraction of caching them all
    (measured: 0.7 MB vs 25 MB), and the ids are the same."""
    path = tmp_path / "rare.txt"
    path.write_text("".join(f"the {' '.join(f'r{i}_{j}' for j in range(500))} end\n"
                            for i in range(400)))
    vocab = Vocab.from_counts(["the", "end"], [400, 400])
    monkeypatch.setattr(corpus, "_ENCODE_BATCH", 1 << 12)  # batches much smaller than the cache

    def run():
        tracemalloc.start()
        try:
            encoded = encode(path, vocab.word_to_id, block_size=1 << 14)
            return encoded, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    unbounded, unbounded_peak = run()
    monkeypatch.setattr(corpus, "_ENCODE_CACHE", 1_000)
    bounded, bounded_peak = run()
    np.testing.assert_array_equal(bounded.ids, unbounded.ids)
    np.testing.assert_array_equal(bounded.bounds, unbounded.bounds)
    assert bounded.ids.tolist() == [0, 1] * 400
    assert bounded_peak < unbounded_peak / 8, (bounded_peak, unbounded_peak)


def test_counting_merges_byte_tokens_in_parts_with_the_same_result(tmp_path, monkeypatch):
    """Past _COUNT_MERGE_AT distinct byte tokens, counting decodes them into the word counts
    and starts afresh: same counts, same first-occurrence order, same invalid-UTF-8 count,
    and a lower peak than holding both dicts whole (measured: 2.7 MB vs 5.0 MB)."""
    rng = random.Random(3)
    words = [b"w%d" % i for i in range(30_000)] + [b"caf\xe9", b"caf\xc3\xa9", b"\xff"]
    data = b"\n".join(b" ".join(rng.choice(words) for _ in range(40)) for _ in range(3_000))
    path = tmp_path / "c.txt"
    path.write_bytes(data)

    def run():
        tracemalloc.start()
        try:
            with pytest.warns(InvalidUTF8Warning) as record:
                counts, raw = count_words(path, block_size=1 << 12)
            return counts, raw, str(record[0].message), tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole = run()
    monkeypatch.setattr("wordvec.vocab._COUNT_MERGE_AT", 500)
    parts = run()
    assert parts[0] == whole[0] and list(parts[0]) == list(whole[0])
    assert parts[1:3] == whole[1:3]
    assert parts[3] < 0.8 * whole[3], (parts[3], whole[3])
