"""The pages of a memory-mapped corpus are handed back once trained (wordvec.pages),
with the data intact, and training on a memory map equals training in memory."""
from __future__ import annotations

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
