"""The pages of a memory-mapped corpus are handed back once trained (wordvec.pages),
with the data intact, and training on a memory map equals training in memory."""
from __future__ import annotations

import importlib
import mmap
import sys

import numpy as np
import pytest

from wordvec.corpus import EncodedCorpus
from wordvec.pages import CorpusPages

linux = pytest.mark.skipif(not sys.platform.startswith("linux") or
                           not hasattr(mmap, "MADV_DONTNEED"), reason="reads /proc/self/smaps")


def _resident_kib(array: np.ndarray) -> int:
    """Resident KiB of the mapping that holds ``array`` (from /proc/self/smaps)."""
    address = array.ctypes.data
    with open("/proc/self/smaps") as f:
        inside = False
        for line in f:
            head = line.split()[0]
            if "-" in head and ":" not in head:
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "Rss:":
                return int(line.split()[1])
    raise AssertionError("mapping not found")


def _memmap(tmp_path, values: np.ndarray) -> np.memmap:
    path = tmp_path / "ids.bin"
    values.astype(np.int32).tofile(path)
    return np.memmap(path, dtype=np.int32, mode="r", shape=values.shape)


@linux
def test_released_pages_leave_the_resident_set_and_keep_their_data(tmp_path):
    values = np.arange(4 << 20, dtype=np.int32)           # 16 MiB of ids
    ids = _memmap(tmp_path, values)
    total = int(ids.sum(dtype=np.int64))                 # touches every page
    assert _resident_kib(ids) >= 15 * 1024
    pages = CorpusPages(ids)
    half = ids.shape[0] // 2
    pages.release(0, half)
    assert 7 * 1024 <= _resident_kib(ids) <= 9 * 1024
    pages.release(half, ids.shape[0])
    assert _resident_kib(ids) <= 8                       # at most the last, partial page
    assert int(ids.sum(dtype=np.int64)) == total         # faulted in again, unchanged
    assert np.array_equal(ids[123_457:123_470], values[123_457:123_470])


@linux
def test_a_slice_of_a_map_is_released_at_its_own_offset(tmp_path):
    ids = _memmap(tmp_path, np.arange(1 << 20, dtype=np.int32))
    tail = ids[1000:]
    int(tail.sum(dtype=np.int64))
    pages = CorpusPages(tail)
    assert pages.offset == 4000
    pages.release(0, tail.shape[0])
    assert _resident_kib(ids) <= 8
    assert int(tail[0]) == 1000 and int(tail[-1]) == (1 << 20) - 1


@linux
def test_an_array_viewing_a_map_is_released_too(tmp_path):
    ids = _memmap(tmp_path, np.arange(1 << 20, dtype=np.int32))
    view = np.ascontiguousarray(ids)          # a plain ndarray whose base is the map
    assert not isinstance(view, np.memmap)
    int(view.sum(dtype=np.int64))
    CorpusPages(view).release(0, view.shape[0])
    assert _resident_kib(ids) <= 8


def test_arrays_in_memory_are_left_alone():
    ids = np.arange(1000, dtype=np.int32)
    pages = CorpusPages(ids)
    assert pages.map is None
    pages.release(0, 1000)
    assert np.array_equal(ids, np.arange(1000))


def test_training_on_a_memory_map_equals_training_in_memory(tmp_path):
    from wordvec.config import TrainConfig
    from wordvec.engine.train import init_weights, train

    rng = np.random.default_rng(0)
    counts = np.sort(rng.integers(5, 500, size=300))[::-1].copy()
    values = rng.choice(300, size=200_000, p=counts / counts.sum()).astype(np.int32)
    bounds = np.arange(0, values.shape[0] + 1, 1000, dtype=np.int64)
    config = TrainConfig(dim=8, epochs=2, threads=1, seed=4, chunk_words=5000, min_count=1)
    results = []
    for ids in (values, _memmap(tmp_path, values)):
        W_in, W_out = init_weights(300, 8, seed=4, init=config.init)
        encoded = EncodedCorpus(ids=ids, bounds=bounds, raw_words=values.shape[0])
        train(encoded.ids, encoded.bounds, counts, config, W_in, W_out)
        results.append((W_in, W_out))
    for a, b in zip(*results):
        assert np.array_equal(a, b)


def _zipf_file(tmp_path, words: int = 600_000):
    rng = np.random.default_rng(1)
    p = 1.0 / np.arange(1, 3001)
    ids = rng.choice(3000, size=words, p=p / p.sum())
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(f"w{i}" for i in ids[k:k + 50])
                              for k in range(0, words, 50)) + "\n")
    return path


def test_text_larger_than_the_threshold_spills_its_ids_from_the_first_piece(tmp_path):
    """Ids below the threshold, text above it: spilled (held pieces would stay in the heap)."""
    from wordvec.corpus import read_tokens

    path = _zipf_file(tmp_path, 20_000)
    size = path.stat().st_size
    for threshold, mapped in ((size - 1, True), (size, False)):
        stream = read_tokens(path, max_distinct=10**6, max_token_bytes=10**6,
                             memmap_threshold=threshold, tmp_dir=tmp_path)
        assert stream.ids.nbytes < threshold
        assert isinstance(stream.ids, np.memmap) == mapped



def test_the_spill_rule_sums_the_text_of_every_file(tmp_path):
    """Two files, each below the threshold, together above it: spilled from the start."""
    from wordvec.corpus import read_tokens

    first = _zipf_file(tmp_path, 10_000)
    folder = tmp_path / "corpus"
    folder.mkdir()
    first.rename(folder / "a.txt")
    (folder / "b.txt").write_bytes((folder / "a.txt").read_bytes())
    size = (folder / "a.txt").stat().st_size
    for threshold, mapped in ((2 * size - 1, True), (2 * size, False)):
        stream = read_tokens(folder, max_distinct=10**6, max_token_bytes=10**6,
                             memmap_threshold=threshold, tmp_dir=tmp_path)
        assert stream.ids.nbytes < threshold
        assert isinstance(stream.ids, np.memmap) == mapped

@linux
def test_counting_and_encoding_a_mapped_corpus_hand_its_pages_back(tmp_path):
    from wordvec.corpus import encode, encode_stream, read_tokens
    from wordvec.vocab import Vocab, _stream_counts

    path = _zipf_file(tmp_path)
    stream = read_tokens(path, max_distinct=10**6, max_token_bytes=10**6,
                         memmap_threshold=1 << 16, tmp_dir=tmp_path)
    assert isinstance(stream.ids, np.memmap) and stream.ids.nbytes > 2 << 20
    counts, words = _stream_counts(stream)
    assert _resident_kib(stream.ids) <= 8                 # counted: handed back
    vocab = Vocab.build(path, min_count=3)
    assert dict(zip(vocab.words, vocab.counts.tolist())) == {
        w: c for w, c in counts.items() if c >= 3}
    id_of = np.array([vocab.word_to_id.get(w, -1) for w in words], dtype=np.int32)
    encoded = encode_stream(stream, id_of)
    assert _resident_kib(encoded.ids) <= 8                # encoded in place: handed back
    expected = encode(path, vocab.word_to_id)
    assert np.array_equal(encoded.ids, expected.ids)      # faulted in again, unchanged
    assert encoded.fingerprint == expected.fingerprint


@linux
def test_the_engine_checks_a_mapped_corpus_a_slice_at_a_time(tmp_path, monkeypatch):
    engine = importlib.import_module("wordvec.engine.train")
    monkeypatch.setattr(engine, "_CHECK_SLICE", 1 << 16)
    values = np.arange(1 << 20, dtype=np.int32) % 1000
    ids = _memmap(tmp_path, values)
    assert engine._ids_below(ids, 1000) and _resident_kib(ids) <= 8
    assert not engine._ids_below(ids, 999)                # 999 is in the first slice
    bad = values.copy()
    bad[-1] = -1                                          # in the last slice only
    (tmp_path / "bad").mkdir()
    assert not engine._ids_below(_memmap(tmp_path / "bad", bad), 1000)
