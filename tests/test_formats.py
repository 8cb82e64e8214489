"""Reading vector files (word2vec binary/text, fastText .vec), native model files, projector TSV:
agreement with gensim, files built byte by byte, content detection, and every malformed case."""
from __future__ import annotations

import dataclasses
import gzip
import json
import os
import struct
import warnings
import zipfile

import numpy as np
import pytest

from wordvec.io import (
    VectorFileError,
    _binary_kernel,
    _scan_binary_rows,
    _scan_binary_rows_by_find,
    load,
    load_model,
    load_word2vec_format,
    save_model,
    save_projector,
    save_word2vec_format,
)
from wordvec.vectors import WordVectors

WORDS = ["the", "ünï", "中文", "a_b", "x"]


def _vectors(rows=None, dim=4, seed=0):
    rows = len(WORDS) if rows is None else rows
    return np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)


def c_binary(rows, dim, *, newline=True, before=b""):
    """A word2vec binary file as word2vec.c writes it (``newline``) or gensim (without);
    ``before`` goes before each word. rows: list of (word bytes, dim floats)."""
    out = f"{len(rows)} {dim}\n".encode()
    for word, vector in rows:
        out += before + word + b" " + struct.pack(f"<{dim}f", *vector) + (b"\n" if newline else b"")
    return out


def keyed_vectors():
    return pytest.importorskip("gensim.models.keyedvectors").KeyedVectors


# --------------------------------------------------------------------------- agreement with gensim

@pytest.mark.parametrize("binary", [True, False])
def test_files_we_write_load_in_gensim(tmp_path, binary):
    path = tmp_path / "v.out"
    vectors = _vectors()
    save_word2vec_format(path, WORDS, vectors, binary=binary)
    kv = keyed_vectors().load_word2vec_format(path, binary=binary)
    assert kv.index_to_key == WORDS
    np.testing.assert_array_equal(kv.vectors, vectors)        # float32 exact, text included


@pytest.mark.parametrize("binary", [True, False])
def test_files_gensim_writes_load_in_ours(tmp_path, binary):
    KeyedVectors = keyed_vectors()
    vectors = _vectors(dim=7, seed=1)
    kv = KeyedVectors(7)
    kv.add_vectors(WORDS, vectors)
    path = tmp_path / "g.out"
    kv.save_word2vec_format(path, binary=binary)   # binary: no newline after vectors
    for reader in (load_word2vec_format, load):
        wv = reader(path)
        assert isinstance(wv, WordVectors)
        assert wv.index_to_key == WORDS and wv.counts is None
        assert wv.vectors.dtype == np.float32 and wv.vectors.shape == (5, 7)
        np.testing.assert_array_equal(wv.vectors, vectors)


# --------------------------------------------------------------------------- word2vec.c binary

@pytest.mark.parametrize("newline,before", [(True, b""), (False, b""), (False, b"\n"), (True, b"\n\n")],
                         ids=["word2vec.c", "gensim", "newline-before", "blank-lines"])
def test_word2vec_c_binary_built_byte_by_byte(tmp_path, newline, before):
    rows = [(b"the", [1.0, -2.5, 0.25]), ("ünï".encode(), [0.5, 3.0, -1e-8]),
            (b"end", [3.4028234663852886e38, 0.0, -0.0])]          # float32's largest
    path = tmp_path / "v.bin"
    path.write_bytes(c_binary(rows, 3, newline=newline, before=before))
    for binary in (True, None):
        wv = load_word2vec_format(path, binary=binary)
        assert wv.index_to_key == ["the", "ünï", "end"]
        expected = np.array([r[1] for r in rows], dtype=np.float32)
        np.testing.assert_array_equal(wv.vectors, expected)
        assert np.signbit(wv.vectors[2, 2])                        # bits, not just values


def test_binary_float_bytes_that_look_like_separators(tmp_path):
    # Each float holds the bytes of ' ' and '\n' (0x20, 0x0a): a reader that looks for word
    # boundaries inside vectors would split here.
    tricky = struct.unpack("<f", b" \n \n")[0]
    rows = [(b"a", [tricky, tricky]), (b"b", [tricky, 1.0])]
    path = tmp_path / "v.bin"
    path.write_bytes(c_binary(rows, 2))
    wv = load_word2vec_format(path)
    assert wv.index_to_key == ["a", "b"]
    assert wv.vectors.tobytes() == b" \n \n" * 3 + struct.pack("<f", 1.0)


def _scans(blob: bytes, pos: int, rows: int, row_bytes: int):
    """The results of the three binary scanners (the reference, the compiled kernel and
    the row-at-a-time Python scan) on ``blob``."""
    data = np.frombuffer(blob, dtype=np.uint8)
    scanners = (_scan_binary_rows, _binary_kernel(),
                lambda _, *args: _scan_binary_rows_by_find(blob, data, *args))
    results = []
    for scan in scanners:
        starts, ends = np.zeros(rows, np.int64), np.zeros(rows, np.int64)
        out = np.zeros((rows, row_bytes), np.uint8)
        status = scan(data, pos, row_bytes, starts, ends, out)
        results.append((tuple(int(x) for x in status), starts, ends, out))
    return results


def test_compiled_kernel_and_row_scan_equal_the_python_reference():
    rng = np.random.default_rng(3)
    rows = [(bytes(rng.integers(97, 123, size=rng.integers(1, 9))), rng.standard_normal(5))
            for _ in range(40)]
    blob = c_binary(rows, 5, before=b"\n")
    pos = blob.index(b"\n") + 1
    first = pos + 1 + len(rows[0][0]) + 1 + 20 + 1      # where the second row starts
    statuses = set()
    for damaged in (blob, blob[:-7], blob[:-21],        # whole, cut in a vector, in a word
                    blob[:first] + b" " + blob[first:],                  # an empty word
                    blob[:first + 2] + b"\n" + blob[first + 2:],         # a newline in a word
                    blob[:first] + b"\n\n\n" + blob[first:],            # newlines between rows
                    blob[:pos] + b"nospace"):                            # no space at all
        (reference, *expected), *others = _scans(damaged, pos, 40, 20)
        statuses.add(reference[2])
        for status, *arrays in others:
            assert status == reference
            for a, b in zip(arrays, expected):
                np.testing.assert_array_equal(a, b)
    assert statuses == {0, 1, 2, 3, 4}


# --------------------------------------------------------------------------- text and fastText

def test_fasttext_vec_with_trailing_spaces(tmp_path):
    path = tmp_path / "wiki.vec"
    # fastText's .vec: header, then "word v1 ... vd " with a space before each newline.
    path.write_bytes(b"3 4\n"
                     b"the 0.1 -0.2 0.3 4e-05 \n"
                     b"\xc3\xbcn\xc3\xaf 1 2 3 4 \n"
                     b"</s> -0.5 0.25 1.5e+10 -7 \n")
    wv = load_word2vec_format(path)
    assert wv.index_to_key == ["the", "ünï", "</s>"]
    expected = np.array([[0.1, -0.2, 0.3, 4e-05], [1, 2, 3, 4], [-0.5, 0.25, 1.5e10, -7]],
                        dtype=np.float32)
    np.testing.assert_array_equal(wv.vectors, expected)
    kv = keyed_vectors().load_word2vec_format(path, binary=False)
    np.testing.assert_array_equal(wv.vectors, kv.vectors)


def test_text_with_windows_line_ends_and_no_final_newline(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 2\r\na 1 2\r\nb\t3\t4")
    wv = load_word2vec_format(path)
    assert wv.index_to_key == ["a", "b"]
    np.testing.assert_array_equal(wv.vectors, [[1, 2], [3, 4]])


def test_text_writer_bytes(tmp_path):
    path = tmp_path / "v.txt"
    save_word2vec_format(path, ["the", "ü"], np.array([[1.0, -2.5], [0.1, 1e-7]]), binary=False)
    assert path.read_bytes() == ("2 2\nthe 1 -2.5\nü 0.100000001 1.00000001e-07\n").encode()


# --------------------------------------------------------------------------- detection, limit

def test_format_told_by_content_not_name(tmp_path):
    vectors = _vectors(dim=1)              # one float per row: the smallest binary signal
    binary_named_txt = tmp_path / "vectors.txt"
    text_named_bin = tmp_path / "vectors.bin"
    save_word2vec_format(binary_named_txt, WORDS, vectors, binary=True)
    save_word2vec_format(text_named_bin, WORDS, vectors, binary=False)
    for path in (binary_named_txt, text_named_bin):
        for reader in (load_word2vec_format, load):
            wv = reader(path)
            assert wv.index_to_key == WORDS
            np.testing.assert_array_equal(wv.vectors, vectors)


def test_compressed_files_are_read(tmp_path):
    vectors = _vectors()
    plain = tmp_path / "v.bin"
    save_word2vec_format(plain, WORDS, vectors)
    packed = tmp_path / "v.bin.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    np.testing.assert_array_equal(load(packed).vectors, vectors)
    damaged = tmp_path / "damaged.gz"
    damaged.write_bytes(gzip.compress(plain.read_bytes())[:40])
    with pytest.raises(VectorFileError, match="damaged.gz: cannot decompress"):
        load(damaged)


@pytest.mark.parametrize("binary", [True, False])
def test_limit_reads_only_the_first_vectors(tmp_path, binary):
    path = tmp_path / "v"
    vectors = _vectors()
    save_word2vec_format(path, WORDS, vectors, binary=binary)
    wv = load_word2vec_format(path, limit=2)
    assert wv.index_to_key == WORDS[:2]
    np.testing.assert_array_equal(wv.vectors, vectors[:2])
    # Rows past the limit are never read: cut the file inside row 3 and it still loads.
    data = path.read_bytes()
    cut = data.index("中文".encode())
    path.write_bytes(data[:cut + 2])
    assert load_word2vec_format(path, limit=2).index_to_key == WORDS[:2]
    empty = load_word2vec_format(path, limit=0)
    assert len(empty) == 0 and empty.vectors.shape == (0, 4)
    with pytest.raises(ValueError, match="limit"):
        load_word2vec_format(path, limit=-1)


def test_repeated_word_keeps_first_vector_like_gensim(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(c_binary([(b"a", [1, 2]), (b"b", [3, 4]), (b"a", [5, 6])], 2))
    with pytest.warns(UserWarning, match="1 repeated words \\('a' first\\)"):
        wv = load_word2vec_format(path)
    kv = keyed_vectors().load_word2vec_format(path, binary=True)
    # gensim 4.4 keeps the dropped row as a None key with a zero vector at the end (its
    # shrink compares len(kv), which counts that None); its dictionary is right.
    assert wv.index_to_key == list(kv.key_to_index) == ["a", "b"]
    np.testing.assert_array_equal(wv.vectors, kv.vectors[:2])
    np.testing.assert_array_equal(wv.vectors, [[1, 2], [3, 4]])


# --------------------------------------------------------------------------- invalid UTF-8

BAD_WORDS = [b"caf\xc3", b"\xff\xfeab", b"ok", b"na\xefve\xe2\x82"]


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_unicode_errors_match_gensim(tmp_path, binary, errors):
    path = tmp_path / "v"
    if binary:
        path.write_bytes(c_binary([(w, [i, -i]) for i, w in enumerate(BAD_WORDS)], 2))
    else:
        path.write_bytes(b"4 2\n" + b"".join(w + b" %d %d\n" % (i, -i) for i, w in enumerate(BAD_WORDS)))
    wv = load_word2vec_format(path, unicode_errors=errors)
    kv = keyed_vectors().load_word2vec_format(path, binary=binary, unicode_errors=errors)
    assert wv.index_to_key == kv.index_to_key
    assert wv.index_to_key == [w.decode("utf-8", errors) for w in BAD_WORDS]
    np.testing.assert_array_equal(wv.vectors, kv.vectors)


@pytest.mark.parametrize("errors", ["replace", "ignore", "backslashreplace", "surrogateescape"])
def test_decoding_all_words_at_once_equals_one_at_a_time(tmp_path, errors):
    # Random bytes (all but the space and newline that delimit) as words: the joined decode
    # must replace exactly what decoding each word alone would.
    rng = np.random.default_rng(7)
    pool = np.array([b for b in range(256) if b not in (0x20, 0x0A)], dtype=np.uint8)
    words = [bytes(rng.choice(pool, size=rng.integers(1, 8))) for _ in range(500)]
    path = tmp_path / "v.bin"
    path.write_bytes(c_binary([(w, [1.0]) for w in words], 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # decoded words may repeat
        wv = load_word2vec_format(path, binary=True, unicode_errors=errors)
    expected = list(dict.fromkeys(w.decode("utf-8", errors) for w in words))
    assert wv.index_to_key == expected


def test_unicode_strict_names_the_byte_offset_and_the_way_out(tmp_path):
    path = tmp_path / "v.bin"
    data = c_binary([(b"ok", [1.0]), (b"caf\xc3", [2.0])], 1)
    path.write_bytes(data)
    with pytest.raises(VectorFileError) as info:
        load_word2vec_format(path)
    offset = data.index(b"\xc3")
    assert info.value.offset == offset
    assert f"v.bin: byte offset {offset}: the word of vector 2" in str(info.value)
    assert "unicode_errors='replace'" in str(info.value)
    text = tmp_path / "v.txt"
    text.write_bytes(b"2 1\nok 1\ncaf\xc3 2\n")
    with pytest.raises(VectorFileError, match=r"v.txt: line 3: the word b'caf\\xc3' is not valid UTF-8"):
        load_word2vec_format(text)


# --------------------------------------------------------------------------- malformed files

ROW_A = b"ab " + struct.pack("<2f", 1.0, 2.0) + b"\n"     # 12 bytes


@pytest.mark.parametrize("data,binary,where,what", [
    (b"", None, "line 1", "the file is empty"),
    (b"3\n", None, "line 1", "expected the header 'count dim'"),
    (b"x 2\n", None, "line 1", "expected the header"),
    (b"2 0\n", None, "line 1", "dim > 0"),
    (b"2 2", None, "line 1", "no header line"),
    (b"the 0.1 0.2\nof 0.3 0.4\n", None, "line 1", "GloVe"),
    # text
    (b"2 3\na 1 2 3\nb 1 2\n", None, "line 3", "word 'b' has 2 numbers, the header says 3"),
    (b"1 3\na 1 x 3\n", None, "line 2", "word 'a': column 3 ('x') is not a number"),
    (b"1 2\na 1 2.5.1\n", False, "line 2", "column 3 ('2.5.1') is not a number"),
    (b"3 2\na 1 2\nb 3 4\n", None, "line 4", "ends after 2 of the 3 vectors"),
    (b"2 2\na 1 2\nb\n", None, "line 3", "word 'b' has 0 numbers, the header says 2 (a word with no vector)"),
    (b"2 2\na 1 2\n\nb 1 2\n", None, "line 3", "empty line"),
    # binary: offsets count from the file's first byte; the header "2 2\n" is 4 bytes
    (b"2 2\n" + ROW_A + b"cd " + b"\x00" * 5, True, "byte offset 19",
     "vector 2 of 2 ('cd') needs 8 bytes (2 float32) but the file has only 5 left"),
    (b"3 2\n" + ROW_A + ROW_A, None, "byte offset 28", "ends after 2 of the 3 vectors"),
    (b"2 2\n" + ROW_A + b"lonely", True, "byte offset 16", "the word 'lonely' runs to the end"),
    (b"2 2\n" + ROW_A + b"x" * 40, True, "byte offset 16", "word with no vector"),
    (b"2 1\n" + b"ab \x00\x00\x80?\n" + b"c\nd \x00\x00\x80?", True, "byte offset 13",
     "holds a newline, so the rows are out of step: is the header's dim (1) right"),
    (b"1 1\n \x00\x00\x80?\n", None, "byte offset 4", "empty word"),
])
def test_malformed_files_name_the_place_and_the_problem(tmp_path, data, binary, where, what):
    path = tmp_path / "bad.vec"
    path.write_bytes(data)
    with pytest.raises(VectorFileError) as info:
        load_word2vec_format(path, binary=binary)
    message = str(info.value)
    assert message.startswith(f"{path}: {where}: "), message
    assert what in message
    assert info.value.path == str(path)
    assert (info.value.line or info.value.offset) == int(where.split()[-1])


def test_header_count_in_the_billions_does_not_allocate(tmp_path):
    path = tmp_path / "huge.bin"
    path.write_bytes(b"4000000000 300\n" + b"a " + bytes(1200))
    with pytest.raises(VectorFileError, match="ends after 1 of the 4,000,000,000 vectors"):
        load_word2vec_format(path, binary=True)
    with pytest.raises(VectorFileError, match="line 2"):
        load_word2vec_format(path, binary=False)


# --------------------------------------------------------------------------- native model files

@dataclasses.dataclass(frozen=True)
class _Config:
    dim: int = 4
    window: int = 5


def _model(tmp_path, W_out=True, **kw):
    words = ["the", "new york", "", "ünï\tx", "中文"]          # any str: whitespace, empty
    rng = np.random.default_rng(5)
    parts = dict(words=words, counts=np.array([9, 7, 5, 3, 1]),
                 W_in=rng.standard_normal((5, 4)).astype(np.float32),
                 W_out=rng.standard_normal((5, 4)).astype(np.float32) if W_out else None,
                 config={"dim": 4, "model": "cbow", "nested": {"lr": 0.025, "seeds": [1, 2]}},
                 history={"loss": [4.1, 3.2, float("nan")], "epochs": 3})
    parts.update(kw)
    path = tmp_path / "model.npz"
    save_model(path, **parts)
    return path, parts


def test_native_round_trip_is_exact(tmp_path):
    path, saved = _model(tmp_path)
    model = load_model(path)
    assert {f.name for f in dataclasses.fields(model)} == {"words", "counts", "W_in", "W_out", "W_hs",
                                                         "config", "history"}
    assert model.words == saved["words"]
    assert model.counts.dtype == np.int64
    np.testing.assert_array_equal(model.counts, saved["counts"])
    for name in ("W_in", "W_out"):
        assert getattr(model, name).dtype == np.float32
        assert getattr(model, name).tobytes() == saved[name].tobytes()
    assert model.config == saved["config"]
    assert model.history["loss"][:2] == [4.1, 3.2] and np.isnan(model.history["loss"][2])
    # A standard .npz: np.load reads it without pickle, meta is UTF-8 JSON.
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["W_in", "W_out", "counts", "meta"]
        meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
    assert meta["format"] == "wordvec-model" and meta["version"] == 1
    assert meta["words"] == saved["words"]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in zipfile.ZipFile(path).infolist())


def test_native_without_w_out_and_with_dataclass_config(tmp_path):
    path, _ = _model(tmp_path, W_out=False, config=_Config(), history=None)
    model = load_model(path)
    assert model.W_out is None and model.history is None
    assert model.config == {"dim": 4, "window": 5}
    assert "W_out.npy" not in zipfile.ZipFile(path).namelist()


def test_native_bytes_depend_only_on_the_content(tmp_path):
    path, parts = _model(tmp_path)
    first = path.read_bytes()
    os.utime(path, (0, 0))
    save_model(path, **parts)
    assert path.read_bytes() == first


def test_native_mmap_maps_aligned_read_only_arrays(tmp_path):
    path, saved = _model(tmp_path)
    model = load_model(path, mmap=True)
    for name in ("W_in", "W_out"):
        array = getattr(model, name)
        assert isinstance(array, np.memmap)
        assert array.offset % 64 == 0 and array.flags.aligned
        assert not array.flags.writeable
        np.testing.assert_array_equal(array, saved[name])
        # the mapped bytes are the member's data in the file
        data = path.read_bytes()
        assert data[array.offset:array.offset + array.nbytes] == saved[name].tobytes()
    assert not isinstance(model.counts, np.memmap)
    assert model.words == saved["words"]
    wv = load(path, mmap=True)
    assert wv.index_to_key == saved["words"] and not wv.vectors.flags.writeable
    np.testing.assert_array_equal(wv.vectors, saved["W_in"])
    np.testing.assert_array_equal(wv.counts, saved["counts"])


def test_load_detects_native_model(tmp_path):
    path, saved = _model(tmp_path)
    wv = load(path)
    assert isinstance(wv, WordVectors)
    assert wv.index_to_key == saved["words"]
    np.testing.assert_array_equal(wv.vectors, saved["W_in"])
    assert wv.counts.tolist() == [9, 7, 5, 3, 1]


def _meta(**changes):
    meta = {"format": "wordvec-model", "version": 1, "words": ["a"], "config": {}, "history": None}
    meta.update(changes)
    return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


@pytest.mark.parametrize("mmap", [False, True])
def test_native_refuses_pickles(tmp_path, mmap):
    path = tmp_path / "evil.npz"
    np.savez(path, meta=np.array([{"format": "wordvec-model"}], dtype=object),
             W_in=np.zeros((1, 2), np.float32), counts=np.ones(1, np.int64))
    with pytest.raises(VectorFileError, match=r"evil.npz: member meta.npy holds Python objects "
                                              r"\(a pickle\); wordvec never loads pickles"):
        load_model(path, mmap=mmap)
    np.savez(path, meta=_meta(), W_in=np.array([[object()]], dtype=object), counts=np.ones(1, np.int64))
    with pytest.raises(VectorFileError, match="member W_in.npy holds Python objects"):
        load_model(path, mmap=mmap)


@pytest.mark.parametrize("make,what", [
    (lambda p: p.write_bytes(b"2 2\na 1 2\nb 3 4\n"), "not a wordvec model file: it is not a zip"),
    (lambda p: np.savez(p, W_in=np.zeros((1, 2))), "has no 'meta' member"),
    (lambda p: np.savez(p, meta=_meta(format="other"), W_in=np.zeros((1, 2)), counts=np.ones(1)),
     "its meta names format 'other'"),
    (lambda p: np.savez(p, meta=_meta(version=2), W_in=np.zeros((1, 2)), counts=np.ones(1)),
     "model format version 2: this wordvec reads version 1; the file was written by a newer wordvec"),
    (lambda p: np.savez(p, meta=_meta(), W_in=np.zeros((2, 2)), counts=np.ones(1)),
     "its parts disagree: 1 words, W_in (2, 2)"),
    (lambda p: np.savez(p, meta=_meta(), counts=np.ones(1)), "member W_in.npy is missing"),
])
def test_native_wrong_files(tmp_path, make, what):
    path = tmp_path / "m.npz"
    make(path)
    with pytest.raises(VectorFileError, match="m.npz: ") as info:
        load_model(path)
    assert what in str(info.value)


def test_native_damaged_member_is_reported(tmp_path):
    path, _ = _model(tmp_path)
    data = bytearray(path.read_bytes())
    start = load_model(path, mmap=True).W_in.offset
    data[start] ^= 0xFF                                  # flip a byte: the CRC no longer fits
    path.write_bytes(bytes(data))
    with pytest.raises(VectorFileError, match="member W_in.npy is damaged"):
        load_model(path)


def test_save_model_checks_its_arguments(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(b"old")
    good = dict(words=["a", "b"], counts=[2, 1], W_in=np.zeros((2, 3), np.float32), config={})
    with pytest.raises(ValueError, match=r"W_in must be a \(2, dim\) float matrix"):
        save_model(path, **{**good, "W_in": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="W_out must be a float matrix shaped like W_in"):
        save_model(path, **good, W_out=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="word 'a' appears more than once"):
        save_model(path, **{**good, "words": ["a", "a"]})
    with pytest.raises(ValueError, match="JSON-serialisable"):
        save_model(path, **{**good, "config": {"f": object()}})
    assert path.read_bytes() == b"old"


# --------------------------------------------------------------------------- projector

def test_projector_files_byte_for_byte(tmp_path):
    wv = WordVectors(["the", "ünï", "<unk>"], np.array([[1.0, -2.5], [0.1, 3.0], [0, 1e-7]], np.float32))
    vectors_path, metadata_path = save_projector(tmp_path, wv)
    assert (vectors_path, metadata_path) == (str(tmp_path / "vectors.tsv"), str(tmp_path / "metadata.tsv"))
    assert (tmp_path / "vectors.tsv").read_bytes() == b"1\t-2.5\n0.100000001\t3\n0\t1.00000001e-07\n"
    assert (tmp_path / "metadata.tsv").read_bytes() == "the\nünï\n<unk>\n".encode()
    # Values read back float32-exact, as the projector would parse them.
    back = np.loadtxt(vectors_path, delimiter="\t", dtype=np.float64).astype(np.float32)
    np.testing.assert_array_equal(back, wv.vectors)


def test_projector_prefix_and_new_folder(tmp_path):
    wv = WordVectors(["a"], np.ones((1, 2), np.float32))
    assert save_projector(tmp_path / "run1", wv) == (str(tmp_path / "run1_vectors.tsv"),
                                                    str(tmp_path / "run1_metadata.tsv"))
    folder = str(tmp_path / "new") + os.sep
    paths = save_projector(folder, wv)
    assert paths == (folder + "vectors.tsv", folder + "metadata.tsv")
    assert open(paths[0], "rb").read() == b"1\t1\n"


def test_projector_refuses_words_the_tsv_cannot_carry(tmp_path):
    for word in ("a\tb", "a\nb", ""):
        with pytest.raises(ValueError, match="cannot be written to metadata.tsv"):
            save_projector(tmp_path, WordVectors([word], np.ones((1, 2))))
    assert os.listdir(tmp_path) == []


def test_no_warnings_on_clean_loads(tmp_path):
    path = tmp_path / "v.bin"
    save_word2vec_format(path, WORDS, _vectors())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(path)
        load_word2vec_format(path, binary=None)


def test_wrong_binary_flag_and_native_file_get_a_hint(tmp_path):
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["a", "b"], np.array([[1.0, 0.5], [2.0, 0.25]]))
    with pytest.raises(VectorFileError, match="line 2: .* is this a binary file"):
        load_word2vec_format(path, binary=False)
    model, _ = _model(tmp_path)
    with pytest.raises(VectorFileError, match="line 1: this is a zip .* load or load_model"):
        load_word2vec_format(model)


def test_error_pickles_with_its_fields():
    import pickle

    error = pickle.loads(pickle.dumps(VectorFileError("f.bin", "bad", offset=7)))
    assert (str(error), error.path, error.offset, error.line) == ("f.bin: byte offset 7: bad", "f.bin", 7, None)
