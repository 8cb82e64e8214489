"""Tests of wordvec.corpus on hostile input: enormous tokens, folder entries that cannot be
looked at or read, /proc, the fingerprint of an encoded corpus, file_stats, and messages that
never echo a whole word or line."""
from __future__ import annotations

import collections
import errno
import gzip
import hashlib
import os
import random
import stat
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest

from wordvec import corpus
from wordvec.corpus import (
    BLOCK_SIZE,
    MAX_SENTENCE,
    MAX_WORD_BYTES,
    CorpusError,
    InvalidUTF8Warning,
    LongWordWarning,
    encode,
    file_stats,
    iter_sentences,
)
from wordvec.vocab import Vocab, VocabError, count_words


def reference_word(token: bytes) -> str:
    """The cut rule for valid UTF-8, written differently: the first 1,000 bytes, less the
    character they split (``errors="ignore"`` drops only that partial character)."""
    if len(token) <= 1000:
        return token.decode("utf-8")
    return token[:1000].decode("utf-8", "ignore")


def quiet_count(path, **kwargs):
    """count_words and the warnings it gave, as a list."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        counts, raw = count_words(path, **kwargs)
    return counts, raw, [w.message for w in record]


# ------------------------------------------------------------------------------------------
# Long tokens: the rule


def test_max_word_bytes_is_1000():
    assert MAX_WORD_BYTES == 1000


@pytest.mark.parametrize("char", ["a", "é", "€", "😀"])        # 1, 2, 3 and 4 bytes
@pytest.mark.parametrize("lead", [0, 1, 2, 3])                   # shifts the cut in the char
def test_cut_keeps_the_first_1000_bytes_at_a_character_boundary(char, lead):
    token = ("x" * lead + char * 1100).encode()                    # >= 1,100 bytes
    word = corpus._decode(token)
    n = len(char.encode())
    whole_chars = (1000 - lead) // n                               # characters that fit whole
    assert word == "x" * lead + char * whole_chars
    assert word == reference_word(token)
    assert 997 <= len(word.encode()) <= 1000 and token.startswith(word.encode())


@pytest.mark.parametrize("token, word", [
    (b"a" * 1000, "a" * 1000),                                      # exactly the limit: kept
    (b"a" * 1001, "a" * 1000),
    ("é".encode() * 500, "é" * 500),                                # 1,000 bytes: kept
    ("é".encode() * 501, "é" * 500),                                # 1,002 bytes
    (b"x" + "é".encode() * 500, "x" + "é" * 499),                   # é split at byte 1,000
    (b"a" * 999 + "€".encode() + b"y", "a" * 999),                  # € at bytes 999-1001
    (b"a" * 997 + "😀".encode(), "a" * 997),                        # 4 bytes at 997-1000
    (b"\xff" * 1500, "\ufffd" * 1000),                              # invalid: cut where it is
    (b"\x80" * 1500, "\ufffd" * 1000),                              # only continuation bytes
    (b"a" * 998 + b"\xe2\x82" + b"x" * 10, "a" * 998 + "\ufffd"),   # already broken at 998
])
def test_cut_word_examples(tmp_path, token, word):
    path = tmp_path / "c.txt"
    path.write_bytes(b"first " + token + b" last\n")
    assert list(iter_sentences(path)) == [["first", word, "last"]]
    counts, raw, _ = quiet_count(path, block_size=64)
    assert counts == {"first": 1, word: 1, "last": 1} and raw == 3


def long_token_corpus() -> tuple[bytes, list[list[bytes]]]:
    """A corpus of ~400 kB with long tokens of every kind, one of them straddling the
    BLOCK_SIZE boundary, and its sentences of byte tokens (the naive split)."""
    rng = random.Random(7)
    tokens = [b"a" * 999, b"a" * 1000, b"a" * 1001, b"a" * 1002, b"a" * 1003,
              "é".encode() * 501, b"x" + "é".encode() * 500, b"xy" + "€".encode() * 400,
              b"a" * 997 + "😀".encode() * 3, "€".encode() * 30_000, b"w" * 5000]
    tokens += [(("x" * lead) + ch * 600).encode() for ch in "é€😀" for lead in range(4)]
    words = [b"the", b"cat", "café".encode()] * 40 + tokens * 3
    rng.shuffle(words)
    seps = [b" ", b"\n", b"\t", b"  ", b"\r\n"]
    body = b"".join(w + rng.choice(seps) for w in words)
    big = b"b" * 70_000 + b" "                   # spans 17 blocks of 4,096 and BLOCK_SIZE
    filler = b"f " * ((BLOCK_SIZE - 500) // 2)   # puts ``big`` across the BLOCK_SIZE boundary
    data = filler + big + body
    assert data.index(big) < BLOCK_SIZE < data.index(big) + len(big)
    lines = [line.split() for line in data.split(b"\n")]
    # Cut as every line is (the filler is one line of 130,000 tokens).
    return data, [line[i:i + MAX_SENTENCE] for line in lines
                  for i in range(0, len(line), MAX_SENTENCE)]


@pytest.mark.parametrize("block_size", [7, 64, 4096, BLOCK_SIZE])
def test_long_tokens_read_the_same_for_any_block_size(tmp_path, block_size):
    data, lines = long_token_corpus()
    path = tmp_path / "c.txt"
    path.write_bytes(data)
    want = [[reference_word(t) for t in line] for line in lines]
    flat = [w for s in want for w in s]
    n_long = sum(len(t) > 1000 for line in lines for t in line)
    assert n_long == 3 * (9 + 12) + 1           # a*999 and a*1000 are not long

    assert list(iter_sentences(path, block_size=block_size)) == want
    counts, raw, messages = quiet_count(path, block_size=block_size)
    assert counts == dict(collections.Counter(flat)) and list(counts) == list(dict.fromkeys(flat))
    assert raw == len(flat)
    assert [(type(m), m.tokens) for m in messages] == [(LongWordWarning, n_long)]
    # Encoding goes through resolve for long tokens: the same cut words get the same ids.
    vocab = Vocab._from_counter(counts, 1, None, raw, "test")
    enc = encode(path, vocab.word_to_id, block_size=block_size)
    assert enc.ids.tolist() == [vocab.word_to_id[w] for w in flat]
    assert np.diff(enc.bounds).tolist() == [len(s) for s in want]


def test_long_word_warning_is_once_per_file_with_its_count(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"x " + b"y" * 2000 + b" z\n" + b"y" * 3000 + b"\n"
                                     + b"q" * 1001)
    (tmp_path / "b.txt").write_bytes(b"short words only\n")
    (tmp_path / "c.txt").write_bytes(b"\xff" * 1200 + b" ok")  # cut, and invalid UTF-8
    counts, raw, messages = quiet_count(tmp_path, block_size=512)
    assert counts == {"x": 1, "y" * 1000: 2, "z": 1, "q" * 1000: 1, "short": 1, "words": 1,
                      "only": 1, "\ufffd" * 1000: 1, "ok": 1}
    assert raw == 10
    assert [(type(m), m.tokens, Path(m.path).name) for m in messages] == [
        (LongWordWarning, 3, "a.txt"), (InvalidUTF8Warning, 1, "c.txt"),
        (LongWordWarning, 1, "c.txt")]
    assert str(messages[0]) == (f"3 tokens in {tmp_path / 'a.txt'} were longer than 1,000 "
                                "bytes and were cut to their first 1,000 bytes")
    assert str(messages[2]) == (f"1 token in {tmp_path / 'c.txt'} was longer than 1,000 "
                                "bytes and was cut to its first 1,000 bytes")


def test_a_vocabulary_word_longer_than_the_limit_never_matches_a_file_token(tmp_path):
    long_word, cut_word = "é" * 600, "é" * 500          # 1,200 bytes and its cut
    vocab = Vocab.from_counts([long_word, cut_word, "a"], [1, 1, 1])  # as from token lists
    path = tmp_path / "c.txt"
    path.write_bytes(b"a " + long_word.encode() + b" a\n")
    assert list(iter_sentences(path)) == [["a", cut_word, "a"]]
    assert encode(path, vocab.word_to_id).ids.tolist() == [2, 1, 2]
    # In-memory token lists are taken as they are: the long word is its own word.
    assert encode([["a", long_word]], vocab.word_to_id).ids.tolist() == [2, 0]


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip-bomb"])
def test_one_enormous_token_takes_linear_time_and_bounded_memory(tmp_path, packed):
    """20 MB of one letter and no whitespace: the old reader concatenated the carried token
    with every block (measured 7.3 s and a 42 MB peak with 16 kB blocks); now the token
    is cut as it is read (measured 0.01 s and 56 kB plain, 0.1 s and 150 kB from gzip)."""
    size, block_size = 20 << 20, 1 << 14
    path = tmp_path / ("one.txt.gz" if packed else "one.txt")
    with (gzip.open(path, "wb") if packed else open(path, "wb")) as f:
        for _ in range(size >> 20):
            f.write(b"a" * (1 << 20))
        f.write(b" tail\n")
    start = time.perf_counter()
    tracemalloc.start()
    try:
        counts, raw, messages = quiet_count(path, block_size=block_size)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    seconds = time.perf_counter() - start
    assert counts == {"a" * 1000: 1, "tail": 1} and raw == 2
    assert [m.tokens for m in messages] == [1]
    assert peak < 32 * block_size, peak            # a few blocks, not the token (20 MB)
    assert seconds < 3, seconds                    # quadratic copying took 7 s
    assert list(iter_sentences(path, block_size=block_size)) == [["a" * 1000, "tail"]]


def test_many_distinct_long_tokens_are_merged_by_bytes_read(tmp_path, monkeypatch):
    """Distinct long byte tokens are decoded (and cut) every _COUNT_MERGE_BYTES bytes, so
    counting does not hold them whole; the counts are the same (measured peaks: 4.8 MB
    holding all 6 MB of them, 1.7 MB merging every 1 MB)."""
    rng = random.Random(1)
    letters = bytes(b"abcdefgh"[i % 8] for i in range(256))
    tokens = [rng.randbytes(20_000).translate(letters) for _ in range(300)]
    path = tmp_path / "blobs.txt"
    path.write_bytes(b"\n".join(b"id " + t for t in tokens))

    def run():
        tracemalloc.start()
        try:
            counts, raw, messages = quiet_count(path, block_size=1 << 16)
            return counts, raw, [m.tokens for m in messages], tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole = run()
    monkeypatch.setattr("wordvec.vocab._COUNT_MERGE_BYTES", 1 << 20)
    parts = run()
    assert parts[:3] == whole[:3]
    assert parts[1] == 600 and parts[2] == [300]
    assert len(parts[0]) == 1 + len({t[:1000] for t in tokens})
    assert parts[3] < whole[3] / 2, (parts[3], whole[3])


# ------------------------------------------------------------------------------------------
# Folder entries that cannot be looked at or read


@pytest.fixture()
def folder(tmp_path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("a\n")
    (root / "b.txt").write_text("b\n")
    (root / "sub" / "c.txt").write_text("c\n")
    return root


def words_of(source) -> list[str]:
    return [w for s in iter_sentences(source) for w in s]


@pytest.mark.parametrize("code, reason", [(errno.EACCES, "Permission denied"),
                                          (errno.EIO, "Input/output error"),
                                          (errno.ELOOP, "Too many levels of symbolic links")])
def test_an_entry_that_cannot_be_stat_ed_is_one_corpus_error_naming_it(folder, monkeypatch,
                                                                        code, reason):
    target = str(folder / "b.txt")
    real_stat = os.stat

    def fake_stat(path, *args, **kwargs):
        if os.fspath(path) == target:
            raise OSError(code, os.strerror(code), target)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", fake_stat)
    for call in (iter_sentences, count_words, file_stats,
                 lambda s: encode(s, Vocab.from_counts(["a"], [1]).word_to_id)):
        with pytest.raises(CorpusError) as info:
            call(folder)
        assert str(info.value).startswith(f"cannot read corpus path {target!r}: {reason} (")


def test_an_unreadable_subfolder_is_an_error_and_an_unreadable_hidden_one_is_not(
        folder, monkeypatch):
    (folder / ".cache").mkdir()
    blocked = {str(folder / "sub"), str(folder / ".cache")}
    real_scandir = os.scandir

    def fake_scandir(path="."):
        if os.fspath(path) in blocked:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    with pytest.raises(CorpusError) as info:
        count_words(folder)
    assert str(info.value) == (f"cannot list corpus folder {str(folder / 'sub')!r}: Permission "
                               "denied (make it readable or leave it out of the corpus)")
    blocked.discard(str(folder / "sub"))          # .cache alone: pruned before it is listed
    assert words_of(folder) == ["a", "b", "c"]


@pytest.mark.parametrize("code, reason", [(errno.EACCES, "Permission denied"),
                                          (errno.EIO, "Input/output error"),
                                          (errno.EINVAL, "Invalid argument")])
@pytest.mark.parametrize("when", ["open", "read"])
def test_a_file_that_cannot_be_opened_or_read_is_named(folder, monkeypatch, code, reason, when):
    target = str(folder / "b.txt")

    class FailingRead:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def read(self, n=-1):
            raise OSError(code, os.strerror(code))

    real_open = corpus.open_input

    def fake_open(path):
        if os.fspath(path) == target:
            if when == "open":
                raise OSError(code, os.strerror(code), target)
            return FailingRead(real_open(path))
        return real_open(path)

    monkeypatch.setattr(corpus, "open_input", fake_open)
    for call in (words_of, count_words,
                 lambda s: encode(s, Vocab.from_counts(["a"], [1]).word_to_id)):
        with pytest.raises(CorpusError) as info:
            call(folder)
        assert str(info.value).startswith(f"cannot read corpus file {target!r}: {reason} (")


def test_symlink_loop_and_dangling_symlink_are_named(folder):
    loop = folder / "loop.txt"
    os.symlink(loop.name, loop)
    with pytest.raises(CorpusError, match="'.*loop.txt': Too many levels of symbolic links"):
        count_words(folder)
    with pytest.raises(CorpusError, match="Too many levels"):
        count_words(loop)                                  # given directly, too
    loop.unlink()
    gone = folder / "gone.txt"
    os.symlink("missing.txt", gone)
    message = f"corpus path {str(gone)!r} is a symbolic link to a missing file; fix or " \
              "remove the link"
    for source in (folder, gone):
        with pytest.raises(CorpusError) as info:
            count_words(source)
        assert str(info.value) == message


def test_links_to_files_are_read_and_links_to_folders_are_not_followed(folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "d.txt").write_text("d\n")
    os.symlink(other / "d.txt", folder / "0link.txt")
    os.symlink(other, folder / "linked_folder")            # would make a loop if followed
    os.symlink(folder, folder / "sub" / "up")
    assert words_of(folder) == ["d", "a", "b", "c"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_skipped_without_opening_it(folder, monkeypatch):
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)

    real_open = corpus.open_input

    def fake_open(path):
        assert os.fspath(path) != str(fifo), "a FIFO in a folder is left unopened"
        return real_open(path)

    monkeypatch.setattr(corpus, "open_input", fake_open)
    assert words_of(folder) == ["a", "b", "c"]
    assert count_words(folder) == ({"a": 1, "b": 1, "c": 1}, 3)
    assert [Path(p).name for p, _, _ in file_stats(folder)] == ["a.txt", "b.txt", "c.txt"]
    with pytest.raises(CorpusError,
                       match="pipe.txt' is a FIFO .named pipe., neither a regular file nor"):
        count_words(fifo)


_PROC_SCRIPT = """
import sys, warnings
from wordvec.corpus import CorpusError
from wordvec.vocab import count_words
warnings.simplefilter("ignore")
try:
    counts, raw = count_words(sys.argv[1])
except CorpusError as e:
    print("CorpusError", str(e))
else:
    print("counts", raw)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")
@pytest.mark.parametrize("source", ["/proc/1", "/proc/self"])
def test_proc_ends_in_counts_or_one_corpus_error_within_seconds(source):
    done = subprocess.run([sys.executable, "-c", _PROC_SCRIPT, source], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]       # no other exception
    kind, _, message = done.stdout.partition(" ")
    assert kind in ("CorpusError", "counts"), done.stdout
    if kind == "CorpusError":
        assert message.count("\n") == 1 and "'/proc/" in message, message


# ------------------------------------------------------------------------------------------
# Fingerprint


def fingerprint_of(ids, bounds) -> str:
    return hashlib.blake2b(np.asarray(ids, "<i4").tobytes() + np.asarray(bounds, "<i8").tobytes(),
                           digest_size=16).hexdigest()


VOCAB = Vocab.from_counts(["a", "b", "c"], [3, 2, 1])


def encoded(tmp_path, text: bytes, **kwargs):
    path = tmp_path / "c.txt"
    path.write_bytes(text)
    return encode(path, VOCAB.word_to_id, **kwargs)


def test_fingerprint_is_blake2b_of_ids_then_bounds(tmp_path):
    enc = encoded(tmp_path, b"a b zzz\nc a\n\nzzz\n")
    assert enc.ids.tolist() == [0, 1, 2, 0] and enc.bounds.tolist() == [0, 2, 4]
    assert enc.fingerprint == fingerprint_of([0, 1, 2, 0], [0, 2, 4])
    # Pinned: a checkpoint written today must match one computed tomorrow.
    assert encode([["a", "b"], ["x", "a"]], VOCAB.word_to_id).fingerprint \
        == "9db27c63ed151b7575adbe7e7c34fe5d"
    assert encode([], VOCAB.word_to_id).fingerprint == fingerprint_of([], [0])


@pytest.mark.parametrize("changed", [
    b"a b c\nc a\n",          # one id changes
    b"a\nb c\nc a\n",         # same ids, a sentence boundary moves
    b"a b c\nc\n",            # one id fewer
    b"a b c c a\n",           # two sentences become one
])
def test_fingerprint_changes_with_any_id_or_boundary(tmp_path, changed):
    base = encoded(tmp_path, b"a b c\nb a\n")
    other = encoded(tmp_path, changed)
    assert other.fingerprint != base.fingerprint
    assert len(other.fingerprint) == 32


def test_fingerprint_is_of_what_the_trainer_sees(tmp_path):
    """Out-of-vocabulary tokens and empty lines are not in the ids: they do not change it;
    nor does the form of the source (a file, its .gz, token lists)."""
    text = b"a b c\nb a\n"
    base = encoded(tmp_path, text).fingerprint
    assert encoded(tmp_path, b"a zzz b c\n\n\nb a yy\nzzz\n").fingerprint == base
    packed = tmp_path / "c.txt.gz"
    with gzip.open(packed, "wb") as f:
        f.write(text)
    assert encode(packed, VOCAB.word_to_id).fingerprint == base
    assert encode([["a", "b", "c"], ["b", "a"]], VOCAB.word_to_id).fingerprint == base


def test_fingerprint_is_the_same_whether_or_not_the_ids_spill_to_a_memmap(tmp_path,
                                                                          monkeypatch):
    rng = random.Random(2)
    text = b"\n".join(b" ".join(rng.choice([b"a", b"b", b"c", b"oov"]) for _ in range(30))
                      for _ in range(200))
    in_memory = encoded(tmp_path, text)
    monkeypatch.setattr(corpus, "_ENCODE_BATCH", 300)  # several batches, most spilled
    spilled = encoded(tmp_path, text, memmap_threshold=1000, tmp_dir=tmp_path)
    assert isinstance(spilled.ids, np.memmap) and not isinstance(in_memory.ids, np.memmap)
    assert spilled.fingerprint == in_memory.fingerprint \
        == fingerprint_of(in_memory.ids, in_memory.bounds)


# ------------------------------------------------------------------------------------------
# file_stats


def test_file_stats_lists_the_files_in_reading_order_with_size_and_mtime(folder, tmp_path,
                                                                       monkeypatch):
    (folder / ".hidden").write_text("h\n")
    (folder / "a0.txt").write_text("a0 a0\n")
    for i, name in enumerate(["a.txt", "a0.txt", "b.txt", "sub/c.txt"]):
        os.utime(folder / name, ns=(1_600_000_000_000_000_000 + i, 1_700_000_000_123_456_789 + i))
    stats = file_stats(folder)
    assert stats == [(str(folder / "a.txt"), 2, 1_700_000_000_123_456_789),
                     (str(folder / "a0.txt"), 6, 1_700_000_000_123_456_790),
                     (str(folder / "b.txt"), 2, 1_700_000_000_123_456_791),
                     (str(folder / "sub" / "c.txt"), 2, 1_700_000_000_123_456_792)]
    assert words_of(folder) == ["a", "a0", "a0", "b", "c"]   # the same order as read
    # A list of paths: in the given order, folders expanded in place; relative -> absolute.
    monkeypatch.chdir(folder)
    assert file_stats(["b.txt", Path("sub")]) == [stats[2], stats[3]]
    # A link: the link's path, the target's size and time.
    os.symlink(folder / "a0.txt", tmp_path / "link.txt")
    assert file_stats(tmp_path / "link.txt") == [(str(tmp_path / "link.txt"),) + stats[1][1:]]


def test_file_stats_is_none_for_token_lists_and_an_error_for_a_missing_path(tmp_path):
    class NeverIterated:
        def __iter__(self):
            raise AssertionError("file_stats must not read token lists")

    assert file_stats([["a", "b"], ["c"]]) is None
    assert file_stats((("a",),)) is None
    assert file_stats(NeverIterated()) is None
    with pytest.raises(CorpusError, match="corpus file not found: .*nope.txt"):
        file_stats(tmp_path / "nope.txt")


# ------------------------------------------------------------------------------------------
# Messages never echo a whole word, line or sentence

LONG = "x" * 10_000


class Lines:
    """A re-iterable that yields lines instead of token lists."""

    def __iter__(self):
        return iter([LONG + " y"])


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: count_words([["ok", LONG, [LONG]]]), CorpusError,            # unhashable token
     "a token of type list (['xxxxxxxxxx"),
    (lambda: count_words([["ok", LONG.encode()]]), CorpusError, "type bytes (b'xxxxxxxxxx"),
    (lambda: count_words([["ok", 10 ** 5000]]), CorpusError,              # repr() would fail
     "a token of type int (<int object>); tokens must be str"),
    (lambda: encode([["a", [LONG]]], VOCAB.word_to_id), CorpusError, "type list (['xxxxxxxxxx"),
    (lambda: encode([["a", LONG.encode()]], VOCAB.word_to_id), CorpusError,
     "type bytes (b'xxxxxxxxxx"),
    (lambda: iter_sentences([LONG + " y"]), CorpusError,                  # text as a path
     "is read as a list of file paths"),
    (lambda: iter_sentences(LONG), CorpusError, "File name too long (pass a shorter path"),
    (lambda: iter_sentences(LONG + "\0"), CorpusError, "xxxxxxxxxx\\x00' holds a NUL character"),
    (lambda: list(iter_sentences(Lines())), CorpusError,                  # a line as sentence
     "sentence 0 of the corpus is a str ('xxxxxxxxxx"),
    (lambda: Vocab([LONG, LONG], [1, 1]), ValueError, "the word 'xxxxxxxxxx"),
    (lambda: Vocab([LONG.encode()], [1]), ValueError, "words must be str, got bytes (b'xxxx"),
    (lambda: Vocab.build([[LONG]], min_count=2), VocabError, "(the word 'xxxxxxxxxx"),
    (lambda: count_words([["a"]], prune_at=[LONG]), ValueError,
     "prune_at must be an integer >= 0, got ['xxxxxxxxxx"),
])
def test_messages_echo_at_most_a_short_prefix(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert fragment in message, message[:300]
    assert "x" * 61 not in message and "\n" not in message, message[:300]
    assert len(message) < 400, message


def test_a_non_str_token_is_refused_in_encode_too():
    # Before, encode dropped an int token as out-of-vocabulary, without a word.
    with pytest.raises(CorpusError, match=r"^the corpus holds a token of type int \(3\); "
                                          "tokens must be str$"):
        encode([["a", 3, "b"]], VOCAB.word_to_id)
