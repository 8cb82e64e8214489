"""Cutting a corpus into one shard per worker, pure: by file, and by byte range within a
large file, each cut where a token ends (after the next newline when one is near, else
after the next whitespace), so that a shard is read where it is trained and no word is cut.

A shard is a list of corpus files and :class:`~wordvec.corpus.FilePart` s, in corpus order:
worker 0 reads the corpus' first bytes. Compressed files cannot be read from an offset and
go whole to one worker. Shards are balanced by bytes; a corpus of fewer bytes than workers
leaves some shards empty (the caller refuses it).
"""
from __future__ import annotations

import os
from pathlib import Path

from ..corpus import _OPENERS, CorpusError, FilePart, _reason, _show_path
from ..inputfile import open_input

#: How far past a nominal cut a newline is looked for before any whitespace will do: a line
#: cut in two trains as two sentences, which only the few windows across the cut notice.
NEWLINE_REACH = 1 << 16
_WHITESPACE = b" \t\n\r\x0b\x0c"


def plan_shards(files: list[Path], workers: int) -> list[list]:
    """``workers`` shards of ``files`` (the corpus' files in reading order), each a list of
    paths and :class:`FilePart` s holding about ``total bytes / workers`` bytes; a file is cut
    only where a shard boundary falls inside it. Raises :class:`CorpusError` naming a file
    that cannot be read."""
    if workers < 1:
        raise ValueError("workers must be >= 1")
    sizes = [_size(path) for path in files]
    total = sum(sizes)
    shards: list[list] = [[] for _ in range(workers)]
    offset = 0   # bytes of the corpus before the current file
    for path, size in zip(files, sizes):
        if size == 0:
            continue
        if Path(path).suffix.lower() in _OPENERS:
            shards[_owner(offset + size // 2, total, workers)].append(path)
        else:
            for owner, start, end in _cuts(path, offset, size, total, workers):
                part = path if (start, end) == (0, size) else FilePart(Path(path), start, end)
                shards[owner].append(part)
        offset += size
    return shards


def _owner(byte: int, total: int, workers: int) -> int:
    """The worker whose share of the corpus holds byte ``byte``."""
    return min(byte * workers // max(total, 1), workers - 1)


def _cuts(path, offset: int, size: int, total: int, workers: int):
    """``(worker, start, end)`` of each piece of the plain file ``path`` (bytes ``offset`` to
    ``offset + size`` of the corpus), cut at the shard boundaries that fall inside it."""
    first, last = _owner(offset, total, workers), _owner(offset + size - 1, total, workers)
    start = 0
    for worker in range(first, last):
        boundary = -(-(worker + 1) * total // workers) - offset   # ceil: worker's share ends
        end = max(start, _token_end(path, boundary, size))
        if end > start:
            yield worker, start, end
        start = end
    if size > start:
        yield last, start, size


def _token_end(path, at: int, size: int) -> int:
    """The first offset at or after ``at`` that follows a newline within
    :data:`NEWLINE_REACH` bytes, else one that follows any whitespace, else ``size``."""
    try:
        with open_input(path) as f:
            f.seek(at)
            near = f.read(NEWLINE_REACH)
            newline = near.find(b"\n")
            if newline >= 0:
                return at + newline + 1
            pos = at
            block = near
            while block:
                cut = min((i for i in (block.find(ws) for ws in _WHITESPACE) if i >= 0),
                          default=-1)
                if cut >= 0:
                    return pos + cut + 1
                pos += len(block)
                block = f.read(NEWLINE_REACH)
    except OSError as e:
        raise CorpusError(f"cannot read corpus file {_show_path(path)}: {_reason(e)}") from e
    return size


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError as e:
        raise CorpusError(f"cannot read corpus file {_show_path(path)}: {_reason(e)}") from e
