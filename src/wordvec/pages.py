"""Handing back the pages of a memory-mapped corpus as counting, encoding and training go
through it.

A corpus whose ids are larger than the encoder's threshold is a memory map of a temporary
file (:func:`wordvec.corpus.encode`, :func:`wordvec.corpus.read_tokens`). Every page read
or written stays in the process's resident set until the map is closed, so one pass over a
corpus of 4 GB of ids would hold 4 GB resident, although each step only needs the slice it
works on. Once a slice is done (counted, encoded in place, trained),
:meth:`CorpusPages.release` hands its pages back with ``madvise(MADV_DONTNEED)``: the kernel
drops them from the process (for a shared file mapping the data, written or not, stays in
the page cache, or goes back to the file, and the next pass faults it in again), so the
resident part of the corpus is about the slices in flight. Releasing a page another thread
still reads is safe: the map is shared and, while training, the ids are never written, so
the page is faulted in again with the same contents. Arrays in memory, and systems without
``MADV_DONTNEED``, are left alone.

Shared by the corpus reader and the engine, it imports nothing of wordvec's.
"""
from __future__ import annotations

import mmap

import numpy as np

_PAGE = mmap.PAGESIZE


def _mapping(ids: np.ndarray) -> mmap.mmap | None:
    """The ``mmap`` under a ``np.memmap``, a slice of one or an array viewing one (what
    ``np.ascontiguousarray`` makes of it), or None."""
    array = ids
    while array is not None:
        mapped = getattr(array, "_mmap", None)
        if isinstance(mapped, mmap.mmap):
            return mapped
        array = getattr(array, "base", None)
    return None


class CorpusPages:
    """The pages of a corpus's ids (T,) int32 that :meth:`release` can hand back."""

    def __init__(self, ids: np.ndarray):
        self.map = _mapping(ids) if hasattr(mmap, "MADV_DONTNEED") else None
        self.offset = 0
        if self.map is not None:
            base = np.frombuffer(self.map, dtype=np.uint8)
            self.offset = ids.ctypes.data - base.ctypes.data   # ids' first byte in the map
            del base                                        # a live view would pin the map
            self.itemsize = ids.itemsize

    def release(self, first: int, last: int) -> None:
        """Hand back the pages that start within ids ``first .. last-1`` (the page holding
        ``last`` may still be needed by the next chunk, and is released with it)."""
        if self.map is None:
            return
        start = (self.offset + first * self.itemsize) // _PAGE * _PAGE
        end = (self.offset + last * self.itemsize) // _PAGE * _PAGE
        if end > start:
            self.map.madvise(mmap.MADV_DONTNEED, start, end - start)
