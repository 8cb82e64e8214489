"""The Numba scanner behind wordvec.corpus.read_tokens (wordvec.scan) gives exactly the
TokenStream of the Python reference below: the same distinct tokens in the same order, ids,
sentence lengths, file ends and files, and None exactly when a limit is passed.

The reference is the reader as it was before the kernel: the sentences of
``corpus._byte_sentences`` (``bytes.split`` per line of each piece), each token keyed by
its first ``_CARRY_LIMIT`` bytes when longer than ``MAX_WORD_BYTES``, numbered by a dict in
order of first occurrence. Each Hypothesis example writes its files into its own temporary
folder (``tempfile``): pytest's ``tmp_path`` is shared by all examples of a test.
"""
from __future__ import annotations

import gzip
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wordvec.corpus import (
    _CARRY_LIMIT,
    MAX_SENTENCE,
    MAX_WORD_BYTES,
    CorpusError,
    TokenStream,
    _byte_sentences,
    _resolve,
    read_tokens,
)
from wordvec.scan import TokenScanner

UNLIMITED = dict(max_distinct=2**31 - 1, max_token_bytes=2**62)


def reference(source, *, max_distinct, max_token_bytes, block_size, max_sentence,
              **_) -> TokenStream | None:
    """read_tokens in plain Python (see the module docstring); the limits are checked at the
    end, which decides the same as checking on the way, since both totals only grow."""
    files, _ = _resolve(source)
    lookup: dict[bytes, int] = {}
    ids: list[int] = []
    lengths: list[int] = []
    file_ends: list[int] = []
    for path in files:
        for sentence in _byte_sentences([path], block_size, max_sentence):
            for token in sentence:
                key = token[:_CARRY_LIMIT] if len(token) > MAX_WORD_BYTES else token
                ids.append(lookup.setdefault(key, len(lookup)))
            lengths.append(len(sentence))
        file_ends.append(len(ids))
    if len(lookup) > max_distinct or sum(map(len, lookup)) > max_token_bytes:
        return None
    return TokenStream(tokens=list(lookup), ids=np.array(ids, dtype=np.int32),
                       lengths=np.array(lengths, dtype=np.int64), file_ends=file_ends,
                       files=files)


def assert_same(got: TokenStream | None, want: TokenStream | None) -> None:
    assert (got is None) == (want is None)
    if got is None or want is None:
        return
    assert got.tokens == want.tokens
    assert got.ids.dtype == np.int32 and got.lengths.dtype == np.int64
    assert np.array_equal(got.ids, want.ids)
    assert np.array_equal(got.lengths, want.lengths)
    assert got.file_ends == want.file_ends
    assert got.files == want.files
    assert got.ids.flags.writeable


def check(source, **options) -> TokenStream | None:
    """Both readers on ``source``; they raise the same CorpusError or give the same result.
    Returns the reference's."""
    try:
        want = reference(source, **options)
    except CorpusError as e:
        with pytest.raises(CorpusError) as raised:
            read_tokens(source, **options)
        assert str(raised.value) == str(e)
        return None
    assert_same(read_tokens(source, **options), want)
    return want


def write_files(folder: str, contents: list[tuple[bytes, bool]]) -> list[Path]:
    """Write each ``(bytes, gzipped)`` as its own file in ``folder``; returns their paths."""
    paths = []
    for i, (data, gzipped) in enumerate(contents):
        path = Path(folder, f"{i}.txt.gz" if gzipped else f"{i}.txt")
        with (gzip.open(path, "wb") if gzipped else open(path, "wb")) as f:
            f.write(data)
        paths.append(path)
    return paths


def long_token(length: int, tail: bytes) -> bytes:
    """A token of ``length`` bytes ending in ``tail``: tokens that differ only past byte
    ``_CARRY_LIMIT`` share a key, those that differ before it do not."""
    return b"L" * (length - len(tail)) + tail


# Pieces rich in every whitespace kind, repeated words, invalid UTF-8 and long tokens.
piece = st.one_of(
    st.sampled_from([b" ", b"\n", b"\t", b"\r", b"\x0b", b"\x0c", b"\r\n", b"\n\n", b"  "]),
    st.sampled_from([b"the", b"cat", b"a", b"\xc3\xa9t\xc3\xa9", b"\xff", b"\xc3", b"\x80x"]),
    st.binary(min_size=1, max_size=5),
    st.builds(long_token,
              st.sampled_from([MAX_WORD_BYTES - 1, MAX_WORD_BYTES, _CARRY_LIMIT,
                               _CARRY_LIMIT + 1, 1500, 5000]),
              st.sampled_from([b"", b"x", b"y", b"\xc3\xa9"])),
)
file_bytes = st.one_of(st.just(b""), st.lists(piece, max_size=80).map(b"".join))
files_strategy = st.lists(st.tuples(file_bytes, st.booleans()), min_size=1, max_size=3)
block_sizes = st.one_of(st.integers(5, 64), st.sampled_from([4096, 1 << 18]))
max_sentences = st.one_of(st.integers(1, 7), st.just(MAX_SENTENCE))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files_strategy, block_sizes, max_sentences)
def test_random_corpora_read_like_the_reference(contents, block_size, max_sentence):
    with tempfile.TemporaryDirectory() as folder:
        paths = write_files(folder, contents)
        options = dict(block_size=block_size, max_sentence=max_sentence)
        want = check(paths, **UNLIMITED, **options)
        if want is None or not want.tokens:
            return
        # The limits hold exactly at the boundary: as many as held is fine, one fewer not.
        distinct, held = len(want.tokens), sum(map(len, want.tokens))
        exact = dict(max_distinct=distinct, max_token_bytes=held, **options)
        assert_same(read_tokens(paths, **exact), want)
        assert read_tokens(paths, **{**exact, "max_distinct": distinct - 1}) is None
        assert read_tokens(paths, **{**exact, "max_token_bytes": held - 1}) is None


@pytest.mark.parametrize("block_size", [5, 64, 1 << 18])
def test_whitespace_lines_and_files(tmp_path, block_size):
    """Every whitespace kind splits, only \\n ends a line (CRLF too), blank lines make no
    sentence, lines are cut every max_sentence tokens and a sentence never spans files."""
    one, empty, two = tmp_path / "1.txt", tmp_path / "2.txt", tmp_path / "3.txt"
    one.write_bytes(b"a\tb\x0bc\x0cd\re f\r\n\r\n\n  a b c d e f g \n\xff")
    empty.write_bytes(b"")
    two.write_bytes(b"a\n")
    stream = read_tokens([one, empty, two], **UNLIMITED, block_size=block_size,
                         max_sentence=4)
    assert stream is not None
    assert stream.tokens == [b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"\xff"]
    assert stream.ids.tolist() == [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 6, 7, 0]
    assert stream.lengths.tolist() == [4, 2, 4, 3, 1, 1]
    assert stream.file_ends == [14, 14, 15]
    check([one, empty, two], **UNLIMITED, block_size=block_size, max_sentence=4)


@pytest.mark.parametrize("block_size", [7, 1 << 18])
def test_long_tokens_are_keyed_by_their_first_bytes(tmp_path, block_size):
    """Within a piece (large blocks) and carried across pieces (small ones) alike."""
    path = tmp_path / "long.txt"
    tokens = [long_token(MAX_WORD_BYTES, b"a"), long_token(_CARRY_LIMIT, b"b"),
              long_token(_CARRY_LIMIT + 1, b"c"), long_token(9000, b"d"),
              long_token(MAX_WORD_BYTES + 2, b"e")]
    path.write_bytes(b" ".join(tokens) + b"\n" + tokens[3])
    stream = check(path, **UNLIMITED, block_size=block_size, max_sentence=MAX_SENTENCE)
    assert stream is not None
    # The last three share their first _CARRY_LIMIT bytes, all "L".
    assert stream.tokens == [tokens[0], tokens[1], b"L" * _CARRY_LIMIT]
    assert stream.ids.tolist() == [0, 1, 2, 2, 2, 2]
    assert stream.lengths.tolist() == [5, 1]


def test_many_distinct_tokens_grow_the_table(tmp_path):
    path = tmp_path / "many.txt"
    path.write_bytes(b"\n".join(b" ".join(b"w%d" % (i * 7 + j) for j in range(7))
                                for i in range(6000)) + b" w1 w2\n")
    for block_size in (64, 1 << 18):
        stream = check(path, **UNLIMITED, block_size=block_size, max_sentence=5)
        assert stream is not None and len(stream.tokens) == 42000


def test_the_table_stays_at_most_half_full():
    scanner = TokenScanner(_CARRY_LIMIT, MAX_SENTENCE)
    sizes = set()
    for start in range(0, 30000, 1000):
        scanner.scan(b" ".join(b"k%d" % i for i in range(start, start + 1000)) + b" ")
        slots = scanner.table.shape[0]
        sizes.add(slots)
        assert slots & (slots - 1) == 0 and 2 * scanner.distinct <= slots
    assert scanner.distinct == 30000 and len(sizes) > 3
    assert scanner.tokens() == [b"k%d" % i for i in range(30000)]


def key_hash(data: bytes, seed: int) -> int:
    """FNV-1a 64-bit from the offset basis XOR ``seed``, then MurmurHash3's fmix64, as the
    kernel hashes a key (written from the two algorithms' definitions)."""
    full = 2**64 - 1
    h = 0xCBF29CE484222325 ^ seed
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & full
    h = ((h ^ (h >> 33)) * 0xFF51AFD7ED558CCD) & full
    h = ((h ^ (h >> 33)) * 0xC4CEB9FE1A85EC53) & full
    return h ^ (h >> 33)


def test_the_kernel_hashes_each_key_as_defined():
    scanner = TokenScanner(_CARRY_LIMIT, MAX_SENTENCE)
    tokens = [b"a", b"ab", b"\xff\x00z", b"word%d" % 7, b"x" * 300]
    scanner.scan(b" ".join(tokens) + b"\n")
    assert scanner.hashes[:len(tokens)].tolist() == [key_hash(t, int(scanner.seed))
                                                     for t in tokens]


def test_keys_in_the_same_slot_are_told_apart():
    """Tokens whose hashes share their low bits start probing at the same slot of the
    first table (1,024 slots); each keeps its own index."""
    scanner = TokenScanner(_CARRY_LIMIT, MAX_SENTENCE)
    by_slot: dict[int, list[bytes]] = {}
    for i in range(20000):
        token = b"t%d" % i
        by_slot.setdefault(key_hash(token, int(scanner.seed)) & 1023, []).append(token)
    same = max(by_slot.values(), key=len)[:6]
    assert len(same) == 6
    ids, lengths = scanner.scan(b" ".join(same + same[::-1]) + b"\n")
    assert scanner.table.shape[0] == 1024
    assert ids.tolist() == [0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0]
    assert lengths.tolist() == [12]
    assert scanner.tokens() == same


def test_the_hash_is_seeded_per_scanner_and_the_ids_do_not_depend_on_it():
    """Tokens chosen to share a slot under one scanner's seed (a hash-flooding corpus for
    it) are spread under another's, and both number the tokens alike."""
    first, second = (TokenScanner(_CARRY_LIMIT, MAX_SENTENCE) for _ in range(2))
    assert first.seed != second.seed
    tokens = (b"f%d" % i for i in itertools.count())   # ~30,000 of them: 1 in 1024 fits
    flood = list(itertools.islice((t for t in tokens
                                   if key_hash(t, int(first.seed)) & 1023 == 0), 30))
    assert len({key_hash(t, int(second.seed)) & 1023 for t in flood}) > 20
    # Seeds that share all their low bits, or all their high bits, spread it as well.
    for other in (int(first.seed) ^ (1 << 63), int(first.seed) ^ 1):
        assert len({key_hash(t, other) & 1023 for t in flood}) > 20
    piece = b" ".join(flood * 2) + b"\n"
    results = [scanner.scan(piece) for scanner in (first, second)]
    for ids, lengths in results:
        assert ids.tolist() == list(range(30)) * 2 and lengths.tolist() == [60]


def test_a_line_goes_on_across_pieces_until_its_newline():
    scanner = TokenScanner(_CARRY_LIMIT, 3)
    ids, lengths = scanner.scan(b"a b ")
    assert ids.tolist() == [0, 1] and lengths.tolist() == []
    ids, lengths = scanner.scan(b"c d\n\ne ")
    assert ids.tolist() == [2, 3, 4] and lengths.tolist() == [3, 1]
    assert scanner.end_file().tolist() == [1]
    assert scanner.end_file().tolist() == []
    assert (scanner.distinct, scanner.key_bytes) == (5, 5)


def test_the_limits_stop_the_read_at_the_boundary(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b" ".join(b"%04d" % i for i in range(300)) + b" 0001 0002")
    for block_size in (16, 1 << 18):
        options = dict(block_size=block_size, max_sentence=MAX_SENTENCE)
        assert read_tokens(path, max_distinct=300, max_token_bytes=1200, **options)
        assert read_tokens(path, max_distinct=299, max_token_bytes=1200, **options) is None
        assert read_tokens(path, max_distinct=300, max_token_bytes=1199, **options) is None


def test_spilled_ids_equal_the_reference(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"\n".join(b" ".join(b"w%d" % ((i * j) % 500) for j in range(30))
                                for i in range(400)))
    options = dict(**UNLIMITED, block_size=256, max_sentence=7)
    stream = read_tokens(path, **options, memmap_threshold=64, tmp_dir=tmp_path)
    assert isinstance(stream.ids, np.memmap)
    assert_same(stream, reference(path, **options))
    assert list(tmp_path.glob(".ids.*")) == []   # the spill file is unlinked once mapped


def test_reading_without_training_does_not_import_numba():
    code = ("import sys, wordvec.corpus, wordvec.vocab; "
            "list(wordvec.corpus.iter_sentences([['a']])); print('numba' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "False"
