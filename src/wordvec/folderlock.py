"""One run per folder: an OS lock on a checkpoint folder, held for the whole run.

The lock is ``flock`` on the folder itself (Linux and the BSDs lock a directory's descriptor
as any file's), so nothing needs removing afterwards and a run killed with SIGKILL leaves no
stale lock: the kernel drops it with the process. Beside it, ``.wordvec.pid`` says which
process holds it, so a second run can name it; the file is removed when the lock is given
back. Within one process the lock is re-entrant (the command line takes it before counting,
``Word2Vec.fit`` again when it writes checkpoints there).
"""
from __future__ import annotations

import contextlib
import errno
import os
import threading
from pathlib import Path

from .errors import WordvecError
from .inputfile import open_input

PID_FILE = ".wordvec.pid"

_held: dict[str, list] = {}       # real path -> [descriptor, depth], this process's locks
_guard = threading.Lock()


class FolderLockedError(WordvecError):
    """Another run holds the folder; ``pid`` is its process id (None when it cannot be read)."""

    def __init__(self, folder, pid: int | None):
        who = f"PID {pid}" if pid is not None else "another process"
        super().__init__(f"{folder} is in use by another wordvec run ({who}): wait for it to "
                         "finish, or pass another --checkpoint-dir")
        self.folder, self.pid = str(folder), pid


def _other_pid(folder: Path) -> int | None:
    try:
        with open_input(folder / PID_FILE) as f:    # never a FIFO's wait or a device's flood
            text = f.read(32).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _acquire(folder: Path) -> int:
    """Lock ``folder`` (created if missing) and write our PID beside the lock; returns the
    folder's descriptor. Raises FolderLockedError, or OSError for a folder that cannot be
    created, opened or written."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise FolderLockedError(folder, _other_pid(folder)) from None
        raise
    try:
        (folder / PID_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
    except BaseException:
        os.close(fd)               # closing the descriptor gives the lock back
        raise
    return fd


@contextlib.contextmanager
def folder_lock(folder):
    """Hold the lock of ``folder`` (created if missing) for the ``with`` block.

    Raises :class:`FolderLockedError` at once, naming the other run's PID, when another
    process holds it; OSError when the folder cannot be created or written (so a folder
    that is not writable is found before any work, not at the first checkpoint)."""
    folder = Path(folder)
    key = os.path.realpath(folder)
    with _guard:
        entry = _held.get(key)
        if entry is None:
            entry = _held[key] = [_acquire(folder), 0]
        entry[1] += 1
    try:
        yield folder
    finally:
        with _guard:
            entry[1] -= 1
            if entry[1] == 0:
                del _held[key]
                with contextlib.suppress(OSError):
                    (folder / PID_FILE).unlink()
                os.close(entry[0])
