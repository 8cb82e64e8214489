"""wordvec.vocabfile: word2vec.c's ``-save-vocab`` / ``-read-vocab`` file.

The expected bytes are what word2vec.c's ``LearnVocabFromTrainFile``, ``SortVocab`` and
``SaveVocab`` write, worked out by hand from their rules: every newline of the corpus is one
``</s>``, kept first; the other words by count, words of equal count in their order of first
occurrence (glibc's qsort, a merge sort, keeps them). (Checked once by hand against
word2vec.c itself, built from tmikolov/word2vec: ``-save-vocab`` on ptb.train.txt with
``-min-count 3`` gave the bytes :func:`save_vocab` writes for ``Vocab.build(min_count=3)`` and
``count_newlines``, and :func:`read_vocab` of its file gave that vocabulary.)
"""
from __future__ import annotations

import bz2
import gzip
import pickle
import re
import warnings

import numpy as np
import pytest

import wordvec.vocabfile as vocabfile_module
from wordvec.corpus import MAX_WORD_BYTES, InvalidUTF8Warning, LongWordWarning
from wordvec.errors import ConfigError, WordvecError, WriteError
from wordvec.io import VectorFileError
from wordvec.vocab import Vocab, VocabError
from wordvec.vocabfile import (
    EOS,
    count_newlines,
    parse_vocab,
    read_vocab,
    save_vocab,
)

CORPUS = b"the cat sat on the mat\nthe dog sat\n\na cat and a dog\n"
# word2vec.c: 4 newlines -> </s> 4; the 4, cat 2, sat 2, dog 2, a 2 (first-occurrence order
# among the 2s: cat, sat, dog, a), then on, mat, and (1 each, in order of first occurrence).
WORD2VEC_C_FILE = (b"</s> 4\nthe 3\ncat 2\nsat 2\ndog 2\na 2\non 1\nmat 1\nand 1\n")


def _write(tmp_path, data: bytes, name="vocab.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_save_vocab_writes_word2vec_c_bytes(tmp_path):
    corpus = _write(tmp_path, CORPUS, "corpus.txt")
    vocab = Vocab.build(corpus, min_count=1)
    assert count_newlines(corpus) == 4
    out = tmp_path / "vocab.txt"
    save_vocab(out, vocab, newlines=count_newlines(corpus))
    assert out.read_bytes() == WORD2VEC_C_FILE


def test_save_vocab_with_min_count_as_word2vec_c(tmp_path):
    corpus = _write(tmp_path, CORPUS, "corpus.txt")
    out = tmp_path / "vocab.txt"
    save_vocab(out, Vocab.build(corpus, min_count=2), newlines=4)
    assert out.read_bytes() == b"</s> 4\nthe 3\ncat 2\nsat 2\ndog 2\na 2\n"


def test_word2vec_c_file_reads_into_our_counting(tmp_path):
    corpus = _write(tmp_path, CORPUS, "corpus.txt")
    path = _write(tmp_path, WORD2VEC_C_FILE)
    for min_count in (0, 1, 2, 3, 4):
        if min_count == 4:
            with pytest.raises(VocabError, match="min_count=3 or lower"):
                read_vocab(path, min_count)
            continue
        ours = Vocab.build(corpus, min_count=min_count)
        theirs = read_vocab(path, min_count)
        assert theirs.words == ours.words
        np.testing.assert_array_equal(theirs.counts, ours.counts)
        assert theirs.counts.dtype == np.int64
    assert read_vocab(path).raw_words == Vocab.build(corpus, 1).raw_words == 14   # tokens
    parsed = parse_vocab(path)
    assert parsed.newlines == 4
    assert parsed.words == ["the", "cat", "sat", "dog", "a", "on", "mat", "and"]
    assert EOS not in read_vocab(path)


def test_round_trip(tmp_path):
    vocab = Vocab(["the", "caf\u00e9", "\u65e5\u672c", "x\u00a0y", "a"], [9, 5, 5, 2, 2])
    path = tmp_path / "vocab.txt"
    save_vocab(path, vocab, newlines=7)
    assert path.read_bytes() == ("</s> 7\nthe 9\ncaf\u00e9 5\n\u65e5\u672c 5\nx\u00a0y 2\n"
                                 "a 2\n").encode("utf-8")
    back = read_vocab(path)
    assert back == vocab                      # words, counts and raw_words
    assert parse_vocab(path).newlines == 7


def test_round_trip_of_a_built_vocabulary(tmp_path, data_file):
    vocab = Vocab.build(data_file("ptb.valid.txt"), min_count=1)
    path = tmp_path / "vocab.txt"
    save_vocab(path, vocab, newlines=count_newlines(data_file("ptb.valid.txt")))
    assert read_vocab(path) == vocab
    # The file holds every word, so raw_words (the sum of its counts) is the token count.
    assert read_vocab(path, 5) == Vocab.build(data_file("ptb.valid.txt"), min_count=5)


def test_unsorted_file_is_sorted_with_ties_in_file_order(tmp_path):
    path = _write(tmp_path, b"</s> 0\nb 1\nc 5\na 1\nd 5\ne 3\nf 1\n")
    vocab = read_vocab(path)
    assert vocab.words == ["c", "d", "e", "b", "a", "f"]
    np.testing.assert_array_equal(vocab.counts, [5, 5, 3, 1, 1, 1])
    assert read_vocab(path, min_count=3).words == ["c", "d", "e"]
    assert read_vocab(path, min_count=3).raw_words == 16


def test_eos_anywhere_is_the_newline_count_and_no_word(tmp_path):
    path = _write(tmp_path, b"the 5\n</s> 1\nof 3\n")
    parsed = parse_vocab(path)
    assert (parsed.words, parsed.newlines) == (["the", "of"], 1)
    # Below min_count or not: </s> is never a word.
    assert read_vocab(path, min_count=2).words == ["the", "of"]


def test_file_without_eos(tmp_path):
    path = _write(tmp_path, b"the 5\nof 3")        # and no newline after the last line
    parsed = parse_vocab(path)
    assert (parsed.words, parsed.newlines) == (["the", "of"], None)
    np.testing.assert_array_equal(parsed.counts, [5, 3])


def test_tabs_trailing_blanks_and_windows_line_ends(tmp_path):
    path = _write(tmp_path, b"</s>\t2\r\nthe  5 \r\nof\t\t3\t\n")
    vocab = read_vocab(path)
    assert vocab.words == ["the", "of"]
    np.testing.assert_array_equal(vocab.counts, [5, 3])


def test_compressed_files_are_read(tmp_path):
    data = WORD2VEC_C_FILE
    for name, pack in (("v.gz", gzip.compress), ("v.bz2", bz2.compress)):
        path = _write(tmp_path, pack(data), name)
        assert read_vocab(path) == read_vocab(_write(tmp_path, data))


def test_literal_eos_word_is_added_into_the_eos_line(tmp_path):
    # word2vec.c counts a literal "</s>" token and the newlines as one word.
    vocab = Vocab(["the", EOS, "of"], [5, 4, 2])
    path = tmp_path / "vocab.txt"
    save_vocab(path, vocab, newlines=3)
    assert path.read_bytes() == b"</s> 7\nthe 5\nof 2\n"


def test_zero_counts_and_large_counts(tmp_path):
    path = _write(tmp_path, f"</s> 0\nbig {2**63 - 1}\nnone 0\n".encode())
    vocab = read_vocab(path, min_count=0)
    assert vocab.words == ["big", "none"]
    assert vocab.counts.tolist() == [2**63 - 1, 0]
    assert read_vocab(path).words == ["big"]       # min_count=1 drops the 0
    save_vocab(tmp_path / "again.txt", vocab)
    assert (tmp_path / "again.txt").read_bytes() == path.read_bytes()


def test_invalid_utf8_is_decoded_as_the_corpus_reader_does(tmp_path):
    # Two lines whose bytes both decode to 'caf\ufffd' are one word, as in counting.
    corpus = _write(tmp_path, b"caf\xe9 caf\xff the caf\xe9 the\n", "corpus.txt")
    with pytest.warns(InvalidUTF8Warning):
        ours = Vocab.build(corpus, min_count=1)
    path = _write(tmp_path, b"</s> 1\ncaf\xe9 2\nthe 2\ncaf\xff 1\n")
    with pytest.warns(InvalidUTF8Warning, match="2 tokens"):
        theirs = read_vocab(path)
    assert theirs.words == ours.words == ["caf\ufffd", "the"]
    np.testing.assert_array_equal(theirs.counts, ours.counts)


def test_long_words_are_cut_as_the_corpus_reader_cuts_them(tmp_path):
    long_a = b"x" * MAX_WORD_BYTES + b"a"
    long_b = b"x" * MAX_WORD_BYTES + b"b"
    path = _write(tmp_path, long_a + b" 2\n" + long_b + b" 3\nthe 4\n")
    with pytest.warns(LongWordWarning):
        vocab = read_vocab(path)
    assert vocab.words == ["x" * MAX_WORD_BYTES, "the"]
    np.testing.assert_array_equal(vocab.counts, [5, 4])


def test_no_warning_for_clean_files(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_vocab(_write(tmp_path, WORD2VEC_C_FILE))


# ------------------------------------------------------------------------------------------
# Malformed files: one line, naming the file and the line


def _error(path, **kwargs) -> VectorFileError:
    with pytest.raises(VectorFileError) as info:
        read_vocab(path, **kwargs)
    error = info.value
    assert isinstance(error, WordvecError)
    assert "\n" not in str(error)
    assert str(error).startswith(str(path) + ": ")
    return error


@pytest.mark.parametrize("data,line,problem", [
    (b"</s> 1\n\nthe 2\n", 2, "the line is empty"),
    (b"the 2\n\n", 2, "the line is empty"),
    (b" the 2\n", 1, "starts with a space or tab"),
    (b"\t2\n", 1, "starts with a space or tab"),
    (b"the\n", 1, "the word 'the' but no count"),
    (b"the 2\nof\n", 2, "but no count"),
    (b"the big 2\n", 1, "has 3 fields"),
    (b"the 2 3\n", 1, "has 3 fields"),
    (b"the -2\n", 1, "the count '-2' is not a non-negative whole number"),
    (b"the +2\n", 1, "the count '\\+2'"),
    (b"the 2x\n", 1, "the count '2x'"),
    (b"the 2.0\n", 1, "the count '2.0'"),
    (b"the 1e3\n", 1, "the count '1e3'"),
    (b"the \xd9\xa3\n", 1, "is not a non-negative whole number"),   # an Arabic-Indic 3
    (b"the\r 2\n", 1, "carriage return"),
    (b"the 9223372036854775808\n", 1, "too large"),
    (b"the " + b"9" * 5000 + b"\n", 1, "too large"),
    (b"a 9223372036854775807\nb 1\n", 2, "add up to 2\\*\\*63"),
    (b"the 2\nof 3\nthe 4\n", 3, "the word 'the' appears twice \\(first on line 1\\)"),
    (b"</s> 2\nthe 2\n</s> 4\n", 3, "</s> appears twice \\(first on line 1\\)"),
    (b"caf\xe9 2\nthe 1\ncaf\xe9 4\n", 3, "appears twice \\(first on line 1\\)"),
    (b"the 2\x00\n", 1, "NUL byte"),
    (b"\x00\x01\x02\x03 binary", 1, "NUL byte"),
])
def test_malformed_lines(tmp_path, data, line, problem):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InvalidUTF8Warning)
        error = _error(_write(tmp_path, data))
    assert error.line == line
    assert f": line {line}: " in str(error)
    assert re.search(problem, str(error)), str(error)


def test_empty_file(tmp_path):
    error = _error(_write(tmp_path, b""))
    assert "the file is empty" in str(error)


def test_only_eos(tmp_path):
    assert "no word besides </s>" in str(_error(_write(tmp_path, b"</s> 3\n")))


def test_binary_file(tmp_path):
    data = bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8))
    error = _error(_write(tmp_path, data))
    assert error.line is not None


def test_pickle_is_refused_unread(tmp_path):
    error = _error(_write(tmp_path, pickle.dumps({"the": 3}, protocol=4)))
    assert "pickle" in str(error) and error.line == 1


def test_line_longer_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabfile_module, "MAX_LINE_BYTES", 64)
    # 64 bytes, line end excluded: read, with a Unix or a Windows line end.
    assert read_vocab(_write(tmp_path, b"w" * 62 + b" 1\n")).words == ["w" * 62]
    assert read_vocab(_write(tmp_path, b"w" * 62 + b" 1\r\n")).words == ["w" * 62]
    error = _error(_write(tmp_path, b"the 1\n" + b"w" * 63 + b" 1\n"))
    assert error.line == 2 and "longer than 64 bytes" in str(error)
    error = _error(_write(tmp_path, b"w" * 10_000))   # no newline at all
    assert error.line == 1 and "longer than" in str(error)


def test_truncated_gzip(tmp_path):
    data = gzip.compress(WORD2VEC_C_FILE * 50)
    error = _error(_write(tmp_path, data[:len(data) // 2], "v.gz"))
    assert "damaged or truncated" in str(error)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(VectorFileError, match="cannot be read"):
        read_vocab(tmp_path / "missing.txt")
    with pytest.raises(VectorFileError, match="is a folder"):
        read_vocab(tmp_path)


@pytest.mark.parametrize("min_count", [-1, True, 1.5, "2"])
def test_bad_min_count(tmp_path, min_count):
    with pytest.raises(ConfigError, match="min_count must be an integer >= 0"):
        read_vocab(_write(tmp_path, WORD2VEC_C_FILE), min_count)


def test_no_word_reaches_min_count(tmp_path):
    with pytest.raises(VocabError, match="largest count is 3 \\(the word 'the'\\)"):
        read_vocab(_write(tmp_path, WORD2VEC_C_FILE), 10)


# ------------------------------------------------------------------------------------------
# save_vocab's checks


@pytest.mark.parametrize("word", ["two words", "tab\tword", "cr\rword", "nl\nword", "\ud800"])
def test_save_refuses_unwritable_words_before_writing(tmp_path, word):
    path = _write(tmp_path, b"old\n")
    with pytest.raises(WriteError, match="word 1") as info:
        save_vocab(path, Vocab(["the", word], [3, 2]))
    assert "\n" not in str(info.value)
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["vocab.txt"]


@pytest.mark.parametrize("newlines", [-1, True, 1.0, 2**63, None])
def test_save_bad_newlines(tmp_path, newlines):
    with pytest.raises(ConfigError, match="newlines must be an integer"):
        save_vocab(tmp_path / "v.txt", Vocab(["a"], [1]), newlines=newlines)


def test_save_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabfile_module, "_WRITE_CHUNK", 2)
    vocab = Vocab(["a", "b", EOS, "c", "d"], [5, 4, 3, 2, 1])
    save_vocab(tmp_path / "v.txt", vocab, newlines=1)
    assert (tmp_path / "v.txt").read_bytes() == b"</s> 4\na 5\nb 4\nc 2\nd 1\n"


def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(WriteError, match="does not exist"):
        save_vocab(tmp_path / "nope" / "v.txt", Vocab(["a"], [1]))


# ------------------------------------------------------------------------------------------
# count_newlines


def test_count_newlines_of_files_folders_and_compressed(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"one\ntwo\r\n\nthree")
    (folder / "b.txt.gz").write_bytes(gzip.compress(b"x\ny\n"))
    assert count_newlines(folder / "a.txt") == 3
    assert count_newlines(folder / "b.txt.gz") == 2
    assert count_newlines(folder) == 5
    assert count_newlines([folder / "a.txt", folder / "a.txt"]) == 6


def test_count_newlines_needs_files():
    with pytest.raises(ConfigError, match="needs corpus files"):
        count_newlines([["a", "b"], ["c"]])
