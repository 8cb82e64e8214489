"""Property tests (Hypothesis) and the fuzz corpus replay (project issue 6).

- Any bytes given as a vector or model file load or raise VectorFileError, nothing else.
- Any bytes given as a corpus file read or raise the library's own errors, and the tokens are
  those of a plain reference (``bytes.split`` per line, decoded with errors="replace", cut at
  MAX_SENTENCE tokens).
- Round trips: word2vec binary and text keep words and float32 bits; save_model/load_model
  keep arrays bit for bit and the JSON parts equal.
- A model file or checkpoint whose JSON parts (configuration, history, words, schedule)
  hold any JSON values, or whose bytes are mutated, loads or raises the library's error.
- Every file in tests/fuzz_corpus/ (seeds and inputs that once crashed a reader, found by
  fuzz/fuzz_vectors.py) loads or raises VectorFileError.

Each example writes its files into its own temporary folder (``tempfile``): pytest's
function-scoped ``tmp_path`` is shared by all examples of a Hypothesis test.
"""
from __future__ import annotations

import collections
import dataclasses
import functools
import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_checkpoint import rewrite_meta
from wordvec.checkpoint import CheckpointError, load_checkpoint
from wordvec.config import TrainConfig
from wordvec.corpus import MAX_SENTENCE, CorpusError, iter_sentences
from wordvec.io import (
    VectorFileError,
    load,
    load_model,
    load_word2vec_format,
    save_model,
    save_word2vec_format,
)
from wordvec.vocab import Vocab, VocabError, count_words
from wordvec.word2vec import Word2Vec

FUZZ_CORPUS = Path(__file__).parent / "fuzz_corpus"

quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- helpers

def _write(folder, name, data: bytes) -> str:
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _file_bytes(write) -> bytes:
    """The bytes a writer puts in a file: ``write(path)`` into a scratch folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "f")
        write(path)
        return Path(path).read_bytes()


def _readers(path):
    """Every way to read a vector file, as (label, thunk)."""
    yield "load", lambda: load(path)
    yield "load mmap", lambda: load(path, mmap=True)
    yield "load_model", lambda: load_model(path)
    yield "load_model mmap", lambda: load_model(path, mmap=True)
    for binary in (None, True, False):
        for errors in ("strict", "replace", "ignore"):
            yield (f"w2v binary={binary} {errors}",
                   lambda b=binary, e=errors: load_word2vec_format(path, binary=b,
                                                                   unicode_errors=e))
    yield "w2v limit=1", lambda: load_word2vec_format(path, limit=1)
    yield "w2v limit=0", lambda: load_word2vec_format(path, limit=0)


def assert_loads_or_vector_file_error(path):
    """Each reader returns or raises VectorFileError naming the file; nothing else escapes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # repeated words, compressed members: fine
        for label, read in _readers(path):
            try:
                read()
            except VectorFileError as exc:
                assert str(exc).startswith(os.fspath(path) + ": "), (label, str(exc))
            except Exception as exc:               # pragma: no cover - the failure report
                raise AssertionError(f"{label}: {type(exc).__name__}: {exc}") from exc


def _mutate(data: bytes, edits) -> bytes:
    """Apply (kind, position, byte) edits: flip, insert, delete, truncate."""
    data = bytearray(data)
    for kind, where, byte in edits:
        at = where % (len(data) + 1)
        if kind == "flip" and at < len(data):
            data[at] ^= byte or 1
        elif kind == "set" and at < len(data):
            data[at] = byte
        elif kind == "insert":
            data[at:at] = bytes([byte])
        elif kind == "delete":
            del data[at:at + 1 + byte % 8]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


edits = st.lists(st.tuples(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]),
                           st.integers(0, 1 << 16), st.integers(0, 255)), max_size=4)

# Words word2vec files can hold: non-empty, no whitespace (str.split's notion), UTF-8-encodable.
w2v_word = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda w: w.split() == [w])

# Finite float32 of every kind: zeros of both signs, subnormals, the largest magnitudes.
float32s = st.one_of(
    st.floats(width=32, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38]),
)


@st.composite
def word_vectors(draw, word=w2v_word, max_words=6):
    words = draw(st.lists(word, min_size=1, max_size=max_words, unique=True))
    dim = draw(st.integers(1, 5))
    values = draw(st.lists(float32s, min_size=len(words) * dim, max_size=len(words) * dim))
    return words, np.array(values, dtype=np.float32).reshape(len(words), dim)


def _w2v_bytes(words, vectors, binary):
    return _file_bytes(lambda p: save_word2vec_format(p, words, vectors, binary=binary))


def _model_bytes(words, vectors):
    return _file_bytes(lambda p: save_model(p, words=words, counts=np.arange(len(words)),
                                            W_in=vectors, W_out=-vectors, config={"dim": 1},
                                            history=[1.5]))


@st.composite
def vector_file_bytes(draw):
    """Bytes near the formats: raw bytes, a header over raw bytes, or a valid file mutated."""
    kind = draw(st.sampled_from(["raw", "header", "binary", "text", "model"]))
    if kind == "raw":
        return draw(st.binary(max_size=400))
    if kind == "header":
        count = draw(st.one_of(st.integers(0, 5), st.integers(0, 10**30)))
        dim = draw(st.one_of(st.integers(0, 5), st.integers(0, 10**30)))
        return b"%d %d\n" % (count, dim) + draw(st.binary(max_size=200))
    words, vectors = draw(word_vectors(max_words=3))
    data = (_model_bytes(words, vectors) if kind == "model"
            else _w2v_bytes(words, vectors, binary=kind == "binary"))
    return _mutate(data, draw(edits))


# --------------------------------------------------------------------------- any bytes

@quick
@given(vector_file_bytes())
def test_any_bytes_as_a_vector_file_load_or_raise_vector_file_error(data):
    with tempfile.TemporaryDirectory() as folder:
        assert_loads_or_vector_file_error(_write(folder, "vectors.bin", data))


@quick
@given(st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b), edits)
def test_any_bytes_as_a_model_file_load_or_raise_vector_file_error(data, more_edits):
    with tempfile.TemporaryDirectory() as folder:
        assert_loads_or_vector_file_error(_write(folder, "model.npz", _mutate(data, more_edits)))


@pytest.mark.parametrize("path", sorted(FUZZ_CORPUS.iterdir()), ids=lambda p: p.name)
def test_fuzz_corpus_replays(path):
    assert path.stat().st_size <= 4096
    assert_loads_or_vector_file_error(path)


def test_fuzz_corpus_seeds_load():
    """The seeds are valid files (the fuzzer mutates from them)."""
    assert load(FUZZ_CORPUS / "seed_binary.bin").index_to_key == ["the", "cat", "é"]
    assert load(FUZZ_CORPUS / "seed_text.txt").index_to_key == ["the", "cat", "é"]
    assert load(FUZZ_CORPUS / "seed_text.txt.gz").index_to_key == ["the", "cat", "é"]
    assert load_model(FUZZ_CORPUS / "seed_model.npz").words == ["the", "cat", "é"]


# --------------------------------------------------------------------------- corpus

def reference_sentences(content: bytes) -> list[list[str]]:
    """One sentence per line, tokens by bytes.split, each decoded with errors='replace',
    empty lines dropped, long lines cut every MAX_SENTENCE tokens."""
    out = []
    for line in content.split(b"\n"):
        tokens = [t.decode("utf-8", "replace") for t in line.split()]
        out.extend(tokens[i:i + MAX_SENTENCE] for i in range(0, len(tokens), MAX_SENTENCE))
    return out


# Bytes rich in whitespace and in UTF-8 pieces, so lines hold several tokens.
corpus_piece = st.one_of(
    st.sampled_from([b" ", b"\n", b"\t", b"\r", b"\x0b", b"\x0c", b"\r\n", b"  ", b"\x1c",
                     b"\xc3\xa9", b"\xc3", b"\xa9", b"\xff", b"\x00", b"\xe2\x82\xac", b"\x85"]),
    st.binary(min_size=1, max_size=6),
    st.text(max_size=6).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
corpus_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(corpus_piece, max_size=60).map(b"".join),
    # lines longer than MAX_SENTENCE tokens, with a random head and tail
    st.tuples(st.binary(max_size=20), st.integers(MAX_SENTENCE - 2, 2 * MAX_SENTENCE + 3),
              st.sampled_from([b"a ", b"b\t", b"\xff "]), st.binary(max_size=20))
    .map(lambda t: t[0] + t[2] * t[1] + t[3]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus_bytes, st.sampled_from([1 << 18, 1, 3, 16]))
def test_any_bytes_as_a_corpus_read_like_the_reference(content, block_size):
    want = reference_sentences(content)
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")                  # InvalidUTF8Warning: expected here
        path = _write(folder, "corpus.txt", content)
        try:
            sentences = list(iter_sentences(path, block_size=block_size))
        except CorpusError:          # the library's own refusal (e.g. a binary-looking file)
            with pytest.raises(CorpusError):
                count_words(path, block_size=block_size)
            with pytest.raises(CorpusError):
                Vocab.build(path, min_count=1, block_size=block_size)
            return
        counts, raw_words = count_words(path, block_size=block_size)
        assert sentences == want
        flat = [t for s in want for t in s]
        assert raw_words == len(flat)
        assert counts == dict(collections.Counter(flat))
        assert list(counts) == list(dict.fromkeys(flat))      # first-occurrence order
        try:
            vocab = Vocab.build(path, min_count=1, block_size=block_size)
        except VocabError:
            assert not flat
        else:
            ref = sorted(collections.Counter(flat).items(), key=lambda kv: -kv[1])  # stable
            assert list(vocab) == [w for w, _ in ref]


# --------------------------------------------------------------------------- round trips

def _bits(array):
    return np.ascontiguousarray(array).view(np.dtype(f"u{array.dtype.itemsize}"))


@quick
@given(word_vectors(max_words=8), st.booleans())
def test_word2vec_formats_round_trip_bit_for_bit(words_vectors, binary):
    words, vectors = words_vectors
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "v.bin" if binary else "v.txt")
        save_word2vec_format(path, words, vectors, binary=binary)
        wv = load_word2vec_format(path, binary=binary)
    assert wv.index_to_key == words
    assert wv.vectors.dtype == np.float32
    np.testing.assert_array_equal(_bits(wv.vectors), _bits(vectors))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",))),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",)), max_size=4), inner,
                      max_size=3),
    max_leaves=8)


@quick
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=6), min_size=1,
                max_size=6, unique=True),
       st.sampled_from([np.float32, np.float64]), st.booleans(), st.booleans(),
       st.dictionaries(st.text(max_size=5), json_values,
                       max_size=3),
       json_values, st.data())
def test_native_model_round_trips(words, dtype, with_out, mmap, config, history, data):
    dim = data.draw(st.integers(1, 4))
    n = len(words) * dim
    values = st.floats(width=np.finfo(dtype).bits, allow_nan=False, allow_infinity=False)
    W_in = np.array(data.draw(st.lists(values, min_size=n, max_size=n)),
                    dtype=dtype).reshape(-1, dim)
    W_out = -W_in if with_out else None
    counts = np.array(data.draw(st.lists(st.integers(0, 2**62), min_size=len(words),
                                         max_size=len(words))), dtype=np.int64)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.npz")
        save_model(path, words=words, counts=counts, W_in=W_in, W_out=W_out, config=config,
                   history=history)
        got = load_model(path, mmap=mmap)
        assert got.words == words
        assert got.W_in.dtype == W_in.dtype
        np.testing.assert_array_equal(_bits(got.W_in), _bits(W_in))
        if with_out:
            np.testing.assert_array_equal(_bits(got.W_out), _bits(W_out))
        else:
            assert got.W_out is None
        np.testing.assert_array_equal(got.counts, counts)
        assert got.counts.dtype == np.int64
        assert got.config == json.loads(json.dumps(config))
        assert got.history == json.loads(json.dumps(history))
        del got                                      # close the maps before the folder goes


# ------------------------------------------------------------------- model and checkpoint parts

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**12) | st.floats(allow_nan=False)
    | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6)
config_dicts = st.dictionaries(
    st.sampled_from([f.name for f in dataclasses.fields(TrainConfig)] + ["future"]),
    json_values | st.integers(-2, 50) | st.sampled_from(["cbow", "skipgram", "gensim"]),
    max_size=5)


@functools.cache
def _trained():
    """A small trained model and a checkpoint of its run, as bytes: (model, checkpoint)."""
    corpus = [["a", "b", "c", "d"] * 5, ["c", "d", "e"] * 4] * 10
    model = Word2Vec(dim=4, min_count=1, threads=1, epochs=2, sample=0)
    with tempfile.TemporaryDirectory() as folder:
        model.fit(corpus).save(os.path.join(folder, "m.npz"))

        def stop(path):
            raise KeyboardInterrupt
        try:
            Word2Vec(dim=4, min_count=1, threads=1, epochs=2, sample=0).fit(
                [s * 300 for s in corpus], checkpoint_dir=folder, checkpoint_every=0.0,
                on_checkpoint=stop)
        except KeyboardInterrupt:
            pass
        return (Path(folder, "m.npz").read_bytes(), Path(folder, "checkpoint.npz").read_bytes())


def _with_meta(data: bytes, changes: dict) -> bytes:
    """A model or checkpoint file's bytes with ``changes`` merged into its JSON meta."""
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "f.npz", data)
        rewrite_meta(path, lambda meta: meta.update(changes))
        return Path(path).read_bytes()


@quick
@given(st.fixed_dictionaries({}, optional={"config": config_dicts | json_values,
                                           "history": json_values}))
def test_any_model_configuration_or_history_loads_or_raises_vector_file_error(changes):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "m.npz", _with_meta(_trained()[0], changes))
        try:
            Word2Vec.load(path)
        except VectorFileError as exc:
            assert str(exc).startswith(path + ": ")


checkpoint_keys = ["words", "config", "next_job", "n_jobs", "chunk_words", "corpus",
                   "loss_history", "extra", "version", "format"]


@quick
@given(st.dictionaries(st.sampled_from(checkpoint_keys), config_dicts | json_values, max_size=3),
       edits)
def test_any_checkpoint_loads_or_raises_checkpoint_error(changes, more_edits):
    with tempfile.TemporaryDirectory() as folder:
        data = _with_meta(_trained()[1], changes)
        _write(folder, "checkpoint.npz", _mutate(data, more_edits))
        try:
            load_checkpoint(folder)
        except CheckpointError as exc:
            assert folder in str(exc)
