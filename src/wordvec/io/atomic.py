"""Atomic writes: every writer of wordvec writes through :func:`atomic_write` or
:func:`atomic_write_group`: a temporary ``.{name}.wordvec-{pid}-{random}.tmp`` beside the
target, fsynced, renamed over it. Every OSError of the system becomes a
:class:`~wordvec.errors.WriteError` naming the file and the cause; the old file is kept and
the temporary removed. :func:`check_output_path` tries a path before a long run;
:func:`remove_stale_temporaries` clears what killed writers left.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile

from ..errors import WriteError
from .errors import _cap

#: A temporary of ours, beside its target: ``.{basename}.wordvec-{pid}-{random}.tmp``. The
#: writer's PID lets a later run tell a dead writer's leftovers from a live one's.
_TEMP_NAME = re.compile(r"\..+\.wordvec-(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.tmp", re.DOTALL)

#: What an errno means for a file being written, said to its user.
_WRITE_CAUSES = {
    errno.ENOSPC: "no space left on device; free some space or write elsewhere",
    errno.EROFS: "read-only file system; write elsewhere",
    errno.ENAMETOOLONG: "the file name is too long for the file system (the temporary file "
                        "written beside it takes about 30 bytes more); choose a shorter name",
    errno.ENOENT: "its folder does not exist (any more); create it, or write elsewhere",
    errno.ENOTDIR: "a part of its folder's path is not a folder",
    errno.EISDIR: "it is a folder; give a file name",
    errno.EACCES: "permission denied; check that its folder is writable by you",
    errno.EPERM: "operation not permitted; check that its folder is writable by you",
    errno.EFBIG: "the file is larger than the file system (or ulimit -f) allows",
    errno.EIO: "an input/output error (a failing disk, or a removed drive or network share?)",
    errno.EMFILE: "too many open files",
    errno.ENFILE: "too many open files in the system",
    errno.ELOOP: "too many symbolic links in its path",
}
if hasattr(errno, "EDQUOT"):
    _WRITE_CAUSES[errno.EDQUOT] = "the disk quota is exceeded; free some space or write elsewhere"
if hasattr(errno, "ESTALE"):
    _WRITE_CAUSES[errno.ESTALE] = ("stale network file handle (was its folder removed on the "
                                   "server?)")

#: errnos that, raised inside an atomic write's block by a write without a file name, are
#: the write to our temporary failing (any other OSError there is the caller's own).
_WRITE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EFBIG, errno.EIO, getattr(errno, "EDQUOT", -1)}


def _write_cause(exc: OSError) -> str:
    """A short phrase for an OSError met while writing: ours for the usual errnos, else the
    system's strerror."""
    return _WRITE_CAUSES.get(exc.errno) or exc.strerror or _cap(exc) or type(exc).__name__


def _temp_prefix(path):
    return f".{os.path.basename(path)}.wordvec-{os.getpid()}-"


def _open_temporary(path, mode):
    """(temporary path, open file) beside ``path``, given the mode ``path`` will have.
    WriteError naming ``path`` when the system refuses."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path), suffix=".tmp")
    except OSError as exc:
        raise WriteError(path, _write_cause(exc)) from exc
    except BaseException:
        remove_stale_temporaries(folder, ours=True, prefix=_temp_prefix(path))
        raise
    f = None
    try:
        os.chmod(tmp, _new_file_mode(path))
        f = os.fdopen(fd, mode)
    except BaseException as exc:
        if f is None:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(path, _write_cause(exc)) from exc
        raise
    return tmp, f


def _new_file_mode(path):
    # mkstemp creates 0600; give the file the mode it replaces, or what open() would give.
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Open a temporary file beside ``path``; on success flush, fsync and rename it to ``path``.

    A reader sees the old file or the complete new one, never a torn one. Any OSError of the
    system (creating the temporary, writing, fsync, rename: a full disk, a read-only file
    system, a name too long, a vanished folder, no permission) becomes a
    :class:`~wordvec.errors.WriteError` naming ``path`` and the cause; on it and on any other
    exception (KeyboardInterrupt included, which propagates unchanged) the temporary is
    removed and ``path`` is untouched. The temporary is ``.{basename}.wordvec-{pid}-{random}.tmp``
    (see :func:`remove_stale_temporaries`); the new file gets the mode of the one it replaces.
    """
    with atomic_write_group([path], mode) as (f,):
        yield f


@contextlib.contextmanager
def atomic_write_group(paths, mode="wb"):
    """Write several files as one: yields a list of open temporaries, one per path (as
    :func:`atomic_write` opens them); on success all are flushed and fsynced, then all
    renamed. On any failure every temporary is removed and no path changes: a rename that
    fails after others succeeded puts the old files back (kept meanwhile as hard links; on a
    file system without hard links a file that had no old version is removed instead).
    OSErrors become WriteError as in :func:`atomic_write`.
    """
    paths = [os.fspath(p) for p in paths]
    if len({os.path.abspath(p) for p in paths}) != len(paths):
        raise ValueError(f"atomic_write_group needs distinct paths, got {paths}")
    opened = []                                    # (path, temporary, file)
    try:
        for path in paths:
            opened.append((path, *_open_temporary(path, mode)))
        try:
            yield [f for _, _, f in opened]
        except OSError as exc:
            if isinstance(exc, WriteError) or exc.errno not in _WRITE_ERRNOS or \
                    exc.filename not in (None, *(tmp for _, tmp, _ in opened)):
                raise
            raise WriteError(", ".join(paths), _write_cause(exc)) from exc
        for path, _, f in opened:
            try:
                f.flush()
                os.fsync(f.fileno())
                f.close()
            except OSError as exc:
                raise WriteError(path, _write_cause(exc)) from exc
        _rename_all([(tmp, path) for path, tmp, _ in opened])
    except BaseException:
        for _, tmp, f in opened:
            with contextlib.suppress(Exception):
                f.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _rename_all(moves):
    """os.replace each (temporary, path); if one fails, undo those done before it (from hard
    links of the old files made first) and raise WriteError for the one that failed."""
    backups, existed = {}, {}       # path -> hard link of its old file (or None); had one
    if len(moves) > 1:
        for _, path in moves:
            existed[path] = os.path.lexists(path)
            backups[path] = _hard_link_beside(path) if existed[path] else None
    done = []
    try:
        for tmp, path in moves:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise WriteError(path, _write_cause(exc)) from exc
            done.append(path)
    except BaseException:
        for path in reversed(done):
            with contextlib.suppress(OSError):
                if backups.get(path):
                    os.replace(backups.pop(path), path)
                elif not existed[path]:
                    os.unlink(path)         # it had no old version: none is restored
        raise
    finally:
        for backup in backups.values():
            if backup:
                with contextlib.suppress(OSError):
                    os.unlink(backup)


def _hard_link_beside(path):
    """A hard link to ``path``'s current file under a temporary's name, or None (not a plain
    file, or the file system cannot link)."""
    if not os.path.isfile(path):
        return None
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(10):                             # a name another writer just took: retry
        name = os.path.join(folder, _temp_prefix(path) + os.urandom(4).hex() + ".tmp")
        try:
            os.link(path, name)
            return name
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


def check_output_path(path) -> None:
    """Check, before any work, that ``path`` can be written by :func:`atomic_write`: its folder
    exists, is a folder and takes new files (a probe temporary, named as the real one will be,
    is created and removed there: that finds read-only file systems, missing permission and
    names too long exactly), ``path`` is not a folder and its name fits the file system
    (``PC_NAME_MAX``). Raises WriteError naming ``path`` and the cause; returns None.
    """
    path = os.fspath(path)
    absolute = os.path.abspath(path)
    folder, name = os.path.split(absolute)
    if os.path.isdir(absolute):
        raise WriteError(path, "it is a folder; give a file name")
    if not name or path.endswith(("/", os.sep)):
        raise WriteError(path, "it names a folder, not a file; add a file name")
    if not os.path.isdir(folder):
        cause = (f"its folder {folder} is not a folder" if os.path.exists(folder)
                 else f"its folder {folder} does not exist; create it first")
        raise WriteError(path, cause)
    name_max = _name_max(folder)
    if name_max is not None and len(os.fsencode(name)) > name_max:
        raise WriteError(path, f"the file name is too long for the file system "
                         f"({len(os.fsencode(name)):,} bytes, at most {name_max}); choose a "
                         "shorter name")
    prefix = _temp_prefix(absolute)
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except BaseException as exc:        # an OSError, or a stop signal at any moment of it
        remove_stale_temporaries(folder, ours=True, prefix=prefix)
        if isinstance(exc, OSError):
            raise WriteError(path, _write_cause(exc)) from exc
        raise


def _name_max(folder):
    """The longest file name (bytes) the file system of ``folder`` takes, or None."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return None


@contextlib.contextmanager
def temporary_file(folder, name: str):
    """A new file in ``folder``, open for writing and reading (``w+b``), named as
    :func:`atomic_write` names its temporaries (after ``name``), so that
    :func:`remove_stale_temporaries` takes it if this process dies; removed on leaving.
    Yields ``(path, file)``; an OSError of the system is a WriteError naming the file."""
    tmp, f = _open_temporary(os.path.join(folder, name), "w+b")
    try:
        yield tmp, f
    finally:
        f.close()
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def remove_stale_temporaries(folder, *, ours: bool = False, prefix: str = "") -> list:
    """Remove the temporaries of writers that died in ``folder``: files named as
    :func:`atomic_write` names them (``.*.wordvec-{pid}-*.tmp``) whose PID is no running
    process and not ours; with ``ours``, this process's own too (for a run that is stopping:
    a signal can land between creating a temporary and the code that would remove it, or
    inside ``mkstemp`` after it made the file, whose name then never came back); with
    ``prefix``, only the names that start with it (one target's temporaries).
    Returns the paths removed; never touches any other file; errors (a folder that cannot be
    listed, a file that cannot be removed) are ignored quietly. Other processes' files are
    judged on POSIX only (elsewhere a signal 0 would not test a PID).
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if not (match and entry.name.startswith(prefix) and _is_stale(int(match["pid"]), ours)):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            pass
    return removed


def _is_stale(pid, ours):
    """Whether a temporary written by ``pid`` may be removed (see remove_stale_temporaries)."""
    if pid == os.getpid():
        return ours
    return os.name == "posix" and not _may_be_running(pid)


def _may_be_running(pid):
    """Whether ``pid`` is ours, a running process, or not a PID at all (kept, to be safe)."""
    if pid == os.getpid() or not 0 < pid < 2**31:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:                  # PermissionError: running, as another user
        return True
    return True
