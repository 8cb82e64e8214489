"""Opening an input file named by a path: regular files only, whole-file reads bounded.

A path may name a FIFO, a terminal, a socket or a device (``/dev/zero``, ``/dev/stdin``):
opening a FIFO waits for a writer forever, reading a device never ends, and ``stat`` gives
each a size of 0, so a size checked before reading bounds nothing. :func:`open_input` opens
without waiting (``O_NONBLOCK``) and refuses anything but a regular file or a link to one;
:func:`read_input` stops reading one byte past its limit, so a file that grows after it was
measured is bounded too. Both raise an ``OSError`` (:class:`NotRegularFileError`,
:class:`InputTooLargeError`, or what ``open`` raises: ``FileNotFoundError``,
``IsADirectoryError``, ``PermissionError``) whose ``strerror`` is the reason, so each reader
reports them as it reports any ``OSError``: one line naming the file.
"""
from __future__ import annotations

import errno
import os
import stat

__all__ = ["InputTooLargeError", "NotRegularFileError", "kind_of", "open_input", "read_input"]

#: What a path that is not a regular file names, by ``stat``'s file type.
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class NotRegularFileError(OSError):
    """The path names a FIFO, a device or a socket, not a regular file."""


class InputTooLargeError(OSError):
    """The file holds more bytes than its reader takes."""


def kind_of(mode: int) -> str:
    """What a path whose ``stat`` mode is ``mode`` names, when it is not a regular file or a
    folder: "a FIFO (named pipe)", "a character device", ..."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "an unknown kind of file"


def open_input(path):
    """``open(path, "rb")`` for a regular file (or a link to one) only. A folder raises
    ``IsADirectoryError``, a FIFO, device or socket :class:`NotRegularFileError`, without
    waiting for a FIFO's writer."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:    # a socket (or a FIFO without a writer, on some systems)
            _check_regular(path, os.stat(path).st_mode)
        raise
    try:
        _check_regular(path, os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _check_regular(path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fsdecode(path))
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(errno.EINVAL, f"it is {kind_of(mode)}, not a regular file; "
                                  "give the path of a file", os.fsdecode(path))


def read_input(path, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (:func:`open_input`), at most ``limit`` of
    them: a longer file raises :class:`InputTooLargeError` after reading ``limit + 1``."""
    with open_input(path) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise InputTooLargeError(errno.EFBIG, f"it is larger than {_size(limit)}, the most "
                                 "read from such a file", os.fsdecode(path))
    return data


def _size(n: int) -> str:
    return f"{n >> 20:,} MiB" if n >= 1 << 20 else f"{n:,} bytes"
