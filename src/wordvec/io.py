"""Files: atomic writes, the word2vec vector formats, native model files, projector TSV.

Formats
-------
word2vec binary (word2vec.c ``-binary 1``)
    Header ``count dim\\n``; then per vector ``word`` + one space + ``dim`` little-endian
    float32 (``4 * dim`` bytes), then ``\\n`` — word2vec.c writes that newline, gensim does
    not; the reader accepts both, and any newlines before a word (as gensim does).
word2vec text (also fastText ``.vec``)
    Header ``count dim``; then per line ``word v1 ... vdim`` separated by whitespace
    (fastText leaves a space at the end of each line; Windows line ends are accepted).
native model (``save_model``)
    One uncompressed ``.npz`` (a zip of ``.npy`` files, readable by ``np.load``) holding
    ``W_in``, ``W_out`` (optional), ``counts`` and ``meta``: a UTF-8 JSON document stored as a
    uint8 array, with the words, the training config and history, and the format name and
    version. Every word is kept, whitespace included. Array data is 64-byte aligned inside
    the file so that ``load_model(mmap=True)`` maps the matrices read-only.
TensorBoard projector (``save_projector``)
    ``vectors.tsv`` (tab-separated numbers, one vector per line) and ``metadata.tsv`` (one
    word per line, no header).

Readers raise :class:`VectorFileError` (a :class:`~wordvec.errors.WordvecError`, so a
``ValueError``) naming the file, the line (text) or byte offset (binary), and what is wrong;
no reader ever unpickles. Messages quote at most 60 bytes of a word or line.

Writers write atomically (:func:`atomic_write`, :func:`atomic_write_group`): a temporary
``.{name}.wordvec-{pid}-{random}.tmp`` beside the target, fsynced, renamed over it. Every
OSError of the system becomes a :class:`~wordvec.errors.WriteError` naming the file and the
cause; the old file is kept and the temporary removed. :func:`check_output_path` tries a
path before a long run; :func:`remove_stale_temporaries` clears what killed writers left.

Bounds on hostile files (nothing is allocated for what a file merely claims):

- a gzip/bz2/xz vector file is inflated in 16 MiB chunks and refused once it passes half the
  available memory (:func:`wordvec.memory.available_memory`; no bound when unknown): the
  inflated bytes and the vectors built from them are held together, and the vectors take up
  to as much again (binary: 4 bytes a number in both);
- a ``.npy`` member of a model or checkpoint is refused before it is read when its header
  promises more bytes than the member can hold — a stored member exactly its size, a
  deflated one at most 1100 times its compressed size plus 1 MiB (deflate's best ratio is
  about 1032:1), bz2/lzma any — or than the available memory;
- the vectors of every format are checked for NaN and infinity (16 MiB at a time, so a
  memory map is read in blocks): such a file is damaged or came from a diverged training.
"""
from __future__ import annotations

import bz2
import contextlib
import dataclasses
import errno
import functools
import gzip
import io
import json
import lzma
import math
import mmap as _mmap
import os
import re
import struct
import tempfile
import warnings
import zipfile
import zlib

import numpy as np

from .corpus import WORD_SEPARATORS, word_problem
from .errors import WordvecError, WriteError, shown

MODEL_FORMAT = "wordvec-model"
MODEL_VERSION = 1
_NPZ_ALIGN = 64                    # array data offset inside the .npz, as .npy aligns its header
_ZIP_PAD_ID = 0xD935               # extra-field id Android's zipalign uses for padding
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member dates: saving twice gives identical bytes
_DETECT_ROWS = 8                   # rows looked at to tell binary from text
_SHOW = 60                         # bytes (or characters) of a word or row quoted in a message
_CAP = 200                         # characters of another error's text quoted in a message
_show = functools.partial(shown, limit=_SHOW, decode=True)   # a word or row of a file


class VectorFileError(WordvecError):
    """A vector or model file that cannot be read: truncated, malformed, or of another kind.

    The message names the file, where (``line N`` or ``byte offset N``) and what is wrong;
    the attributes ``path``, ``line`` and ``offset`` hold the same (``None`` when not known).
    """

    def __init__(self, path, problem, *, line=None, offset=None):
        where = (f"line {line}: " if line is not None
                 else f"byte offset {offset:,}: " if offset is not None else "")
        super().__init__(f"{os.fspath(path)}: {where}{problem}")
        self.path, self.problem, self.line, self.offset = os.fspath(path), problem, line, offset

    def __reduce__(self):           # keyword arguments survive pickling (e.g. across processes)
        return _vector_file_error, (self.path, self.problem, self.line, self.offset)


def _vector_file_error(path, problem, line, offset):
    return VectorFileError(path, problem, line=line, offset=offset)


# --------------------------------------------------------------------------- atomic writes

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
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(absolute), suffix=".tmp")
    except OSError as exc:
        raise WriteError(path, _write_cause(exc)) from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _name_max(folder):
    """The longest file name (bytes) the file system of ``folder`` takes, or None."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return None


def remove_stale_temporaries(folder, *, ours: bool = False) -> list:
    """Remove the temporaries of writers that died in ``folder``: files named as
    :func:`atomic_write` names them (``.*.wordvec-{pid}-*.tmp``) whose PID is no running
    process and not ours; with ``ours``, this process's own too (for a run that is stopping:
    a signal can land between creating a temporary and the code that would remove it).
    Returns the paths removed; never touches any other file; errors (a folder that cannot be
    listed, a file that cannot be removed) are ignored quietly. POSIX only (elsewhere it
    removes nothing: there a signal 0 would not test a PID).
    """
    removed = []
    if os.name != "posix":
        return removed
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        pid = int(match["pid"]) if match else None
        if pid is None or (_may_be_running(pid) and not (ours and pid == os.getpid())):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            pass
    return removed


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


# --------------------------------------------------------------------------- word2vec writers

# Nine significant digits always bring a float32 back exactly (FLT_DECIMAL_DIG = 9).
_FLOAT_FORMAT = "%.9g"


def _check_w2v_words(words, path):
    """WriteError naming the first of ``words`` that :func:`wordvec.corpus.word_problem`
    refuses: the one rule the corpus reader's words already follow, so a word trained on is
    a word that can be written (U+00A0, U+3000, U+2028, \\x1c... included)."""
    for i, word in enumerate(words):
        problem = word_problem(word)
        if problem is not None:
            hint = "use save_model (the native format keeps any word)"
            if isinstance(word, str) and not WORD_SEPARATORS.isdisjoint(word):
                hint += " or replace the whitespace, e.g. with '_'"
            raise WriteError(path, f"word {i} ({_show(word)}) cannot be written in word2vec "
                             f"format: {problem}; {hint}")


def save_word2vec_format(path, words, vectors, binary=True):
    """Write vectors in word2vec.c's format, atomically.

    Header ``count dim``, then per word ``word<space>`` + dim little-endian float32 + newline
    (binary, byte for byte what word2vec.c writes) or ``word v1 ... vdim`` (text, each number
    with 9 significant digits, which reads back to the same float32).

    words: list of V str, each as :func:`wordvec.corpus.word_problem` allows: non-empty,
    without ASCII whitespace (other spaces such as U+00A0 or U+3000 are part of a word, as the
    corpus reader and gensim's reader keep them), UTF-8 encodable; WriteError naming the
    first word that is not, before anything is written. vectors: (V, dim) float, written as
    float32. OSErrors of the system become WriteError (see :func:`atomic_write`).
    """
    vectors = np.asarray(vectors, dtype="<f4")
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a (V, dim) matrix, got shape {vectors.shape}")
    if len(words) != vectors.shape[0]:
        raise ValueError(f"{len(words)} words but {vectors.shape[0]} vectors")
    _check_w2v_words(words, os.fspath(path))
    row_format = " ".join([_FLOAT_FORMAT] * vectors.shape[1])
    with atomic_write(path, "wb") as f:
        f.write(f"{vectors.shape[0]} {vectors.shape[1]}\n".encode())
        for start in range(0, len(words), 4096):      # join rows in blocks: few write calls
            block = range(start, min(start + 4096, len(words)))
            if binary:
                f.write(b"".join(words[i].encode("utf-8") + b" " + vectors[i].tobytes() + b"\n"
                                 for i in block))
            else:
                f.write("".join(f"{words[i]} {row_format % tuple(vectors[i].tolist())}\n"
                                for i in block).encode("utf-8"))


# --------------------------------------------------------------------------- word2vec readers

_MAGIC_OPENERS = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))


@contextlib.contextmanager
def _file_bytes(path):
    """The file's bytes as a bytes-like object (``find`` and slicing work): a read-only
    memory map for a plain file, the decompressed bytes (a bytearray) for gzip/bz2/xz (told
    by content), at most :func:`_inflate_bound` of them."""
    try:
        f = open(path, "rb")
    except IsADirectoryError:
        raise VectorFileError(path, "is a folder, not a vector file") from None
    with f:
        magic = f.read(6)
        for prefix, opener in _MAGIC_OPENERS:
            if magic.startswith(prefix):
                try:
                    with opener(path, "rb") as z:
                        data = _inflate(z, path)
                except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
                    raise VectorFileError(path, f"cannot decompress it ({_cap(exc)}); the file "
                                          "is damaged or truncated") from None
                yield data
                return
        if not magic:
            yield b""
            return
        mm = _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_READ)
        try:
            yield mm
        finally:
            with contextlib.suppress(BufferError):   # a view still alive: the GC closes it
                mm.close()


def _inflate_bound():
    """(bound, available): the most bytes a compressed vector file may inflate to, half the
    available memory (see the module docstring), and that memory; (None, None) when unknown."""
    from .memory import available_memory

    available = available_memory()
    return (None, None) if available is None else (available // 2, available)


def _inflate(z, path):
    """All of the decompressing reader ``z``, read in chunks: VectorFileError as soon as it
    passes :func:`_inflate_bound` (a decompression bomb: a few KB of gzip inflate to GBs),
    before more than the bound and one chunk are held."""
    from .memory import format_bytes

    bound, available = _inflate_bound()
    todo = ("decompress it to a file first (gunzip, bunzip2 or unxz) and load that, or free "
            "memory")
    data = bytearray()
    try:
        while bound is None or len(data) <= bound:
            want = _READ_CHUNK if bound is None else min(_READ_CHUNK, bound + 1 - len(data))
            chunk = z.read(want)
            if not chunk:
                return data
            data += chunk
            del chunk
    except MemoryError:
        held = len(data)
        del data
        raise VectorFileError(path, f"it inflates to more than fits in memory (out of memory "
                              f"after {format_bytes(held)}); {todo}") from None
    del data
    raise VectorFileError(path, f"it inflates to more than {format_bytes(bound)}, half the "
                          f"{format_bytes(available)} of memory available; {todo}")


def _read_header(buf, path):
    """(count, dim, offset of the first row) from the header line ``count dim\\n``."""
    end = buf.find(b"\n", 0, 256)
    line = bytes(buf[:end if end != -1 else min(len(buf), 256)])
    parts = line.split()
    if end != -1 and len(parts) == 2 and all(p.isdigit() for p in parts):
        count, dim = int(parts[0]), int(parts[1])
        if dim > 0:
            return count, dim, end + 1
    if not buf:
        problem = "the file is empty; expected the header line 'count dim'"
    elif bytes(buf[:4]) == b"PK\x03\x04":
        problem = "this is a zip (.npz) file, e.g. a native model: read it with load or load_model"
    elif end == -1:
        problem = f"no header line 'count dim' ending in a newline; the file starts {line[:_SHOW]!r}"
    else:
        problem = (f"expected the header 'count dim' (two integers, dim > 0), found "
                   f"{line[:_SHOW]!r}; a file without a header (e.g. GloVe's) needs the line "
                   "'count dim' added at its top")
    raise VectorFileError(path, problem, line=1)


def _check_dim(buf, pos, count, dim, path):
    """Refuse a header whose dim no row of this file can hold (each of the dim numbers takes
    at least a byte, text or binary), before anything is allocated for it."""
    if dim >= 2**31 or (count > 0 and dim > len(buf) - pos):
        raise VectorFileError(path, f"the header announces vectors of {dim:,} numbers, but the "
                              f"file holds only {len(buf) - pos:,} bytes after it: the header is "
                              "wrong or the file is truncated", line=1)


def _parse_text_row(line):
    """(word bytes, (k,) float32) of one text line, or raise ValueError(what is wrong)."""
    parts = line.split(None, 1)
    if not parts:
        raise ValueError("empty line where a word and its vector should be")
    word = parts[0]
    rest = parts[1] if len(parts) == 2 else b""
    if not rest.strip():            # np.fromstring reads blank text as [-1.0]
        return word, np.empty(0, dtype=np.float32)
    try:
        return word, np.fromstring(rest, dtype=np.float32, sep=" ")
    except ValueError:
        for column, token in enumerate(rest.split(), 2):
            try:
                float(token)
            except ValueError:
                raise ValueError(f"word {_show(word)}: column {column} ({_show(token)}) is not "
                                 "a number") from None
        raise ValueError(f"word {_show(word)}: cannot read its numbers") from None


def _cap(exc):
    """The text of an exception (or any value) for a message, at most ``_CAP`` characters:
    another library's message may quote a whole header or line."""
    text = str(exc)
    return text[:_CAP] + ("..." if len(text) > _CAP else "")


def _names(names, most=5):
    """A few of ``names`` for a message (a hostile archive may hold thousands, long ones)."""
    names = sorted(names)
    shown = ", ".join(_show(n) for n in names[:most])
    return f"[{shown}{f', ... ({len(names):,} in all)' if len(names) > most else ''}]"


def _text_rows_ok(buf, pos, rows, dim):
    """Whether the first ``rows`` lines from ``pos`` are well-formed text rows of dim numbers."""
    for _ in range(rows):
        end = buf.find(b"\n", pos)
        end = len(buf) if end == -1 else end
        try:
            _, vector = _parse_text_row(bytes(buf[pos:end]))
        except ValueError:
            return False
        if vector.size != dim:
            return False
        pos = end + 1
    return True


# Bytes that never occur in a text vector file (controls other than \t \n \r, DEL, and bytes
# that are never valid in UTF-8), but almost always in 4*dim bytes of float32.
_NON_TEXT = np.zeros(256, dtype=bool)
_NON_TEXT[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC0, 0xC1,
           *range(0xF5, 0x100)]] = True


def _looks_binary(buf, pos, count, dim):
    """Tell binary from text by content: text when the first rows parse as ``word`` + dim
    numbers; binary when the bytes where the first binary rows' floats would lie hold a byte
    that text never holds; otherwise text (whose reader then names the bad line)."""
    rows = min(count, _DETECT_ROWS)
    if rows == 0 or _text_rows_ok(buf, pos, rows, dim):
        return False
    row_bytes = 4 * dim
    for _ in range(rows):
        while pos < len(buf) and buf[pos] == 0x0A:
            pos += 1
        space = buf.find(b" ", pos)
        if space == -1:
            break
        floats = np.frombuffer(bytes(buf[space + 1:space + 1 + row_bytes]), dtype=np.uint8)
        if _NON_TEXT[floats].any():
            return True
        pos = space + 1 + row_bytes
    return False


def _scan_binary_rows(buf, pos, row_bytes, word_start, word_end, vector_bytes):
    """Walk word2vec binary rows: the readable reference of the compiled ``_binary_kernel``.

    buf: (n,) uint8, the whole file; pos: offset of the first row; row_bytes: 4 * dim;
    word_start, word_end: (rows,) int64, filled with each word's byte range [start, end);
    vector_bytes: (rows, row_bytes) uint8, filled with each row's float32 bytes.
    Each row: any newlines (skipped, as gensim does), the word up to the next space, the
    space, row_bytes bytes. Returns (rows read, offset, status): status 0 all rows read
    (offset after the last); 1 the file ends before row ``rows read``'s word ends (offset: the
    word's start); 2 too few bytes for its vector (offset: the vector's start); 3 an empty
    word; 4 a newline inside the word (offset: the newline).
    """
    n = buf.shape[0]
    for i in range(word_start.shape[0]):
        while pos < n and buf[pos] == 10:
            pos += 1
        start = pos
        while pos < n and buf[pos] != 32:
            if buf[pos] == 10:
                return i, pos, 4
            pos += 1
        if pos == n:
            return i, start, 1
        if pos == start:
            return i, start, 3
        word_start[i] = start
        word_end[i] = pos
        pos += 1
        if n - pos < row_bytes:
            return i, pos, 2
        vector_bytes[i, :] = buf[pos:pos + row_bytes]
        pos += row_bytes
    return word_start.shape[0], pos, 0


@functools.cache
def _binary_kernel():
    """``_scan_binary_rows`` compiled by Numba (imported on first use; cached on disk)."""
    import numba

    return numba.njit(cache=True, nogil=True)(_scan_binary_rows)


def _read_binary(buf, pos, count, dim, path, unicode_errors):
    """(words, (count, dim) float32) of a word2vec binary file's rows from offset ``pos``."""
    n = len(buf)
    row_bytes = 4 * dim
    # Every row takes at least a 1-byte word, a space and row_bytes: a bound on what the file
    # can hold, so a header claiming billions of rows cannot make us allocate for them.
    rows = min(count, (n - pos) // (row_bytes + 2))
    data = np.frombuffer(buf, dtype=np.uint8)
    word_start = np.empty(rows, dtype=np.int64)
    word_end = np.empty(rows, dtype=np.int64)
    vectors = np.empty((rows, dim), dtype="<f4")
    done, offset, status = _binary_kernel()(data, pos, row_bytes, word_start, word_end,
                                            vectors.view(np.uint8))
    del data                                   # release the view so the map can close
    if status == 0 and done < count:
        # The bytes left cannot hold another row; walk into them to say what is there.
        tail = np.frombuffer(bytes(buf[offset:]), dtype=np.uint8)
        one_start, one_end = np.empty(1, np.int64), np.empty(1, np.int64)
        _, at, status = _scan_binary_rows(tail, 0, row_bytes, one_start, one_end,
                                          np.empty((1, row_bytes), np.uint8))
        word_start = np.append(word_start[:done], offset + one_start[0] if status == 2 else 0)
        offset += at
    if status or done < count:
        _binary_row_error(buf, path, count, dim, done, offset, status, word_start)
    words = _decode_binary_words(buf, word_start, word_end, path, unicode_errors)
    bad = first_nonfinite_row(vectors)
    if bad is not None:
        raise VectorFileError(path, _nonfinite_problem(f"vector {bad + 1:,} of {count:,}",
                                                       words[bad]), offset=int(word_start[bad]))
    return words, vectors.astype(np.float32, copy=False)


#: Numbers checked for NaN and infinity at a time (16 MiB of float32): the temporaries stay
#: small and a memory-mapped matrix is read piece by piece.
_FINITE_BLOCK = 1 << 22


def first_nonfinite_row(matrix):
    """The first row of ``matrix`` ((rows, dim) float, an np.memmap too) holding NaN or
    ±inf, or None when every number is finite; read in blocks of rows."""
    rows = max(1, _FINITE_BLOCK // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], rows):
        block = np.asarray(matrix[start:start + rows])
        if not np.isfinite(block).all():
            return start + int(np.argmin(np.isfinite(block).all(axis=1)))
    return None


def _nonfinite_problem(row, word, text=False):
    beyond = " (or a number beyond float32's range)" if text else ""
    return (f"{row} ({_show(word)}) holds NaN or infinity{beyond}: the file is damaged, or the "
            "training that wrote it diverged (train again with a lower learning rate)")


def _binary_row_error(buf, path, count, dim, done, offset, status, word_start):
    row = f"vector {done + 1:,} of {count:,}"
    if status == 0 or (status == 1 and offset == len(buf)):
        problem = (f"the file ends after {done:,} of the {count:,} vectors its header announces; "
                   "it is truncated, or the header's count is wrong")
        offset = len(buf)
    elif status == 1:
        problem = (f"{row}: the word {_show(buf[offset:offset + _SHOW + 1])} runs to the end of the "
                   "file without the space that ends a word: a word with no vector (truncated "
                   "file?)")
    elif status == 2:
        word = buf[word_start[done]:offset - 1] if done < len(word_start) else b""
        problem = (f"{row} ({_show(word)}) needs {4 * dim:,} bytes ({dim} float32) but the file "
                   f"has only {len(buf) - offset:,} left: the file is truncated")
    elif status == 3:
        problem = f"{row} has an empty word (a space where the word should start)"
    else:
        problem = (f"{row}: its word holds a newline, so the rows are out of step: is the "
                   f"header's dim ({dim}) right, or is this a text file (pass binary=False)?")
    raise VectorFileError(path, problem, offset=offset)


def _decode_binary_words(buf, word_start, word_end, path, unicode_errors):
    """Decode all words at once: gather each word's bytes and the space after it (the file's
    own separator) into one buffer, decode it, split on the spaces. words can't hold a space,
    so the split is exact; invalid bytes get the same replacement as one word at a time."""
    lengths = (word_end - word_start) + 1                       # each word and its space
    out_start = np.cumsum(lengths) - lengths
    gather = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(word_start - out_start, lengths)
    joined = np.frombuffer(buf, dtype=np.uint8)[gather].tobytes()
    try:
        text = joined.decode("utf-8", errors=unicode_errors)
    except UnicodeDecodeError as exc:
        i = int(np.searchsorted(out_start, exc.start, side="right")) - 1
        offset = int(word_start[i] + exc.start - out_start[i])
        raise VectorFileError(
            path, f"the word of vector {i + 1:,} ({_show(buf[word_start[i]:word_end[i]])}) is "
            "not valid UTF-8; pass unicode_errors='replace' or 'ignore' to read it anyway",
            offset=offset) from None
    words = text.split(" ")
    words.pop()                                                  # after the last space
    return words


def _read_text(buf, pos, count, dim, path, unicode_errors):
    """(words, (count, dim) float32) of a word2vec text file's lines from offset ``pos``."""
    n = len(buf)
    # A row takes at least 2 * dim + 2 bytes ("w" + dim times " 0" + newline); bound the
    # allocation by what the file can hold, whatever the header claims.
    vectors = np.empty((min(count, (n - pos + 1) // (2 * dim + 2) + 1), dim), dtype=np.float32)
    words = []
    for i in range(count):
        line_no = i + 2
        if pos >= n:
            raise VectorFileError(
                path, f"the file ends after {i:,} of the {count:,} vectors its header announces; "
                "it is truncated, or the header's count is wrong", line=line_no)
        end = buf.find(b"\n", pos)
        end = n if end == -1 else end
        line = bytes(buf[pos:end])              # np.fromstring takes bytes, not a bytearray
        try:
            word, vector = _parse_text_row(line)
            if vector.size != dim:
                raise ValueError(f"word {_show(word)} has {vector.size} numbers, the header says "
                                 f"{dim}" + (" (a word with no vector)" if vector.size == 0 else ""))
        except ValueError as exc:
            hint = ""
            if _NON_TEXT[np.frombuffer(line, dtype=np.uint8)].any():
                hint = "; the line holds binary bytes: is this a binary file (pass binary=True)?"
            raise VectorFileError(path, f"{exc}{hint}", line=line_no) from None
        try:
            words.append(word.decode("utf-8", errors=unicode_errors))
        except UnicodeDecodeError:
            raise VectorFileError(
                path, f"the word {_show(word)} is not valid UTF-8; pass unicode_errors='replace' "
                "or 'ignore' to read it anyway", line=line_no) from None
        vectors[i] = vector
        pos = end + 1
    bad = first_nonfinite_row(vectors[:count])
    if bad is not None:
        raise VectorFileError(path, _nonfinite_problem(f"vector {bad + 1:,} of {count:,}",
                                                       words[bad], text=True), line=bad + 2)
    return words, vectors[:count]


def _first_occurrences(wv, path):
    """WordVectors ``wv`` with only the first vector of a repeated word kept, as gensim does
    (``wv`` itself when no word repeats)."""
    words = wv.index_to_key
    if len(wv.key_to_index) == len(words):
        return wv
    seen = {}
    keep = np.array([seen.setdefault(w, i) == i for i, w in enumerate(words)])
    dropped = [w for w, k in zip(words, keep) if not k]
    warnings.warn(f"{os.fspath(path)}: {len(dropped):,} repeated words ({_show(dropped[0])} first); "
                  "kept the first vector of each, as gensim does", stacklevel=3)
    return type(wv)([w for w, k in zip(words, keep) if k], wv.vectors[keep])


def load_word2vec_format(path, binary=None, unicode_errors="strict", limit=None):
    """Read a word2vec.c binary or text file (or fastText ``.vec``) into WordVectors.

    binary: True, False, or None to tell by content (not by the file name): text when the
    first rows parse as a word and dim numbers, binary when the bytes of their floats hold
    bytes no text holds. gzip/bz2/xz-compressed files are read too (also told by content).
    unicode_errors: how to decode words that are not valid UTF-8, as gensim's argument:
    'strict' (VectorFileError naming the offending row), 'replace' (U+FFFD) or 'ignore'.
    limit: read only the first ``limit`` vectors (None: all). Rows after the header's count
    are not read (as gensim does).
    Returns WordVectors: index_to_key (V,) str, vectors (V, dim) float32, counts None. A
    repeated word keeps its first vector (a warning says so), as gensim does.
    Raises VectorFileError naming the file, the line or byte offset, and the problem: a
    malformed or truncated file, a vector holding NaN or infinity (text files may spell them
    ``nan``, ``inf``, ``-Infinity``), a compressed file inflating past half the memory.
    """
    from .vectors import WordVectors

    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be None or a count >= 0, got {_show(limit)}")
    with _file_bytes(path) as buf:
        count, dim, pos = _read_header(buf, path)
        if limit is not None:
            count = min(count, limit)
        _check_dim(buf, pos, count, dim, path)
        if binary is None:
            binary = _looks_binary(buf, pos, count, dim)
        reader = _read_binary if binary else _read_text
        words, vectors = reader(buf, pos, count, dim, path, unicode_errors)
    return _first_occurrences(WordVectors(words, vectors), path)


# --------------------------------------------------------------------------- native model

def _npy_header(array):
    """The .npy header (format 1.0) of ``array``; its length is a multiple of 64."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, np.lib.format.header_data_from_array_1_0(array))
    return out.getvalue()


def write_member(zf, f, name, array):
    """Write ``array`` as zip member ``name``.npy, stored, with its data 64-byte aligned in the
    file: a padding record in the local header's extra field (as zipalign does) makes up the
    difference, so a memory map of the data is aligned for every dtype."""
    array = np.ascontiguousarray(array)
    header = _npy_header(array)
    info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    # The local header zipfile writes: 30 fixed bytes, the name, our extra, then its zip64
    # record (id, size, two 8-byte sizes) since we force zip64 (members may pass 4 GiB).
    local = 30 + len(info.filename.encode("ascii")) + 20
    pad = -(f.tell() + local + len(header)) % _NPZ_ALIGN
    if pad:
        pad += _NPZ_ALIGN if pad < 4 else 0      # a record needs 4 bytes of id and size
        info.extra = struct.pack("<HH", _ZIP_PAD_ID, pad - 4) + bytes(pad - 4)
    with zf.open(info, "w", force_zip64=True) as member:
        member.write(header)
        flat = memoryview(array.reshape(-1)).cast("B") if array.size else b""
        for start in range(0, len(flat), 1 << 26):
            member.write(flat[start:start + (1 << 26)])


def save_model(path, *, words, counts, W_in, W_out=None, config, history=None):
    """Write a native model file: one uncompressed ``.npz``, atomically (see the module doc).

    words: list of V distinct str (any characters); counts: (V,) int, stored int64;
    W_in: (V, dim) float (the word vectors), W_out: (V, dim) float or None (the output
    weights, kept for further training); both stored in their own dtype, C order.
    config: dict (a dataclass is turned into one) and history: dict, list or None —
    both must be JSON-serialisable; they come back from ``load_model`` as JSON gives them
    (tuples become lists). Members: W_in.npy, W_out.npy (if given), counts.npy, meta.npy
    (uint8 UTF-8 JSON: format, version, words, config, history). No pickle anywhere.
    The bytes depend only on the arguments (fixed zip dates): saving twice gives one file.
    """
    words = list(words)
    W_in = np.asarray(W_in)
    counts = np.asarray(counts)
    if W_in.ndim != 2 or W_in.shape[0] != len(words) or W_in.dtype.kind != "f":
        raise ValueError(f"W_in must be a ({len(words)}, dim) float matrix (one row per word), "
                         f"got {W_in.dtype} {W_in.shape}")
    if counts.shape != (len(words),) or counts.dtype.kind not in "iu":
        raise ValueError(f"counts must be ({len(words)},) integers, got {counts.dtype} {counts.shape}")
    if W_out is not None:
        W_out = np.asarray(W_out)
        if W_out.shape != W_in.shape or W_out.dtype.kind != "f":
            raise ValueError(f"W_out must be a float matrix shaped like W_in {W_in.shape}, "
                             f"got {W_out.dtype} {W_out.shape}")
    if not all(isinstance(w, str) for w in words):
        raise ValueError("words must all be str")
    if len(set(words)) != len(words):
        seen = set()
        repeated = next(w for w in words if w in seen or seen.add(w))
        raise WriteError(os.fspath(path), f"word {_show(repeated)} appears more than once in "
                         "words")
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        config = dataclasses.asdict(config)
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    meta = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "words": words,
            "config": config, "history": history}
    try:
        meta_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise WriteError(os.fspath(path), f"words, config and history must be "
                         f"JSON-serialisable (and words encodable as UTF-8): {_cap(exc)}") from None
    arrays = {"W_in": W_in, "counts": counts.astype(np.int64)}
    if W_out is not None:
        arrays["W_out"] = W_out
    arrays["meta"] = np.frombuffer(meta_bytes, dtype=np.uint8)
    with atomic_write(path, "wb") as f:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, array in arrays.items():
                write_member(zf, f, name, array)


def _read_member_header(f, path, info):
    """(shape, fortran_order, dtype, data offset in the file, npy header bytes) of a stored
    .npy zip member, read from its local header (whose extra field may differ from the
    central directory's) and the .npy header after it."""
    f.seek(info.header_offset)
    local = f.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise VectorFileError(path, f"member {info.filename}: no zip local header here; the "
                              "file is damaged", offset=info.header_offset)
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    f.seek(start)
    shape, fortran_order, dtype = _read_npy_header(f, path, info.filename, offset=start)
    return shape, fortran_order, dtype, f.tell(), f.tell() - start


def _read_npy_header(f, path, name, offset=None, passthrough=()):
    """(shape, fortran_order, dtype) of the .npy header at ``f``'s position. Whatever numpy's
    header parser raises (ValueError, also tokenize.TokenError) becomes a VectorFileError
    naming member ``name``, except the exception types in ``passthrough``."""
    try:
        version = np.lib.format.read_magic(f)
        read = {(1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read is None:
            raise ValueError(f"unsupported .npy version {version}")
        return read(f)
    except Exception as exc:
        if isinstance(exc, passthrough):
            raise
        raise VectorFileError(path, f"member {name} is not a readable .npy array "
                              f"({type(exc).__name__}: {exc})", offset=offset) from None


def _map_member(path, zf, f, name):
    """Member ``name`` as a read-only np.memmap into the file, or None where it is compressed
    (then it is read into memory, with a warning)."""
    info = zf.getinfo(name + ".npy")
    if info.compress_type != zipfile.ZIP_STORED:
        warnings.warn(f"{os.fspath(path)}: {info.filename} is compressed, so it is read into "
                      "memory instead of memory-mapped", stacklevel=4)
        return None
    shape, fortran_order, dtype, offset, header_bytes = _read_member_header(f, path, info)
    if dtype.hasobject:
        raise _pickle_error(path, info.filename)
    nbytes = math.prod(shape) * dtype.itemsize         # Python ints: no silent overflow
    if header_bytes + nbytes != info.file_size or offset + nbytes > os.fstat(f.fileno()).st_size:
        raise VectorFileError(path, f"member {info.filename} holds {info.file_size:,} bytes, its "
                              f"header promises {header_bytes + nbytes:,}; the file is damaged",
                              offset=offset)
    if nbytes == 0:
        return np.empty(shape, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape,
                     order="F" if fortran_order else "C")


# What zipfile, zlib/bz2/lzma and numpy's .npy reader raise on damaged bytes (a seek to a
# negative offset, a bad CRC, an unknown compression method, an encrypted member, a bad .npy
# header, ...); load_model reports each as a VectorFileError.
_ZIP_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
               OverflowError, struct.error, NotImplementedError, RuntimeError, zlib.error,
               lzma.LZMAError, UnicodeDecodeError, KeyError)

_READ_CHUNK = 1 << 24

#: Deflate's best ratio is about 1032:1 (RFC 1951: a 258-byte match in 2 bits at most); a
#: deflated member claiming more than this many times its compressed bytes (plus 1 MiB of
#: slack for a tiny member) is damaged or hostile.
_DEFLATE_MAX_RATIO = 1100


def _check_member_size(path, zf, name, nbytes, shape, dtype):
    """VectorFileError when member ``name`` promises ``nbytes`` of array data that it cannot
    hold (a stored member holds exactly its compressed bytes; a deflated one inflates at most
    ~1032-fold) or that exceed the available memory — before anything is allocated for it."""
    from .memory import available_memory, format_bytes

    info = zf.getinfo(name)
    held = min(info.compress_size, os.path.getsize(path))   # the bytes really there
    what = f"member {name} promises an array of {nbytes:,} bytes ({dtype} {shape})"
    if info.compress_type == zipfile.ZIP_STORED and nbytes > held:
        raise VectorFileError(path, f"{what}, but it holds only {held:,} bytes; the file is "
                              "damaged or truncated")
    deflate_most = _DEFLATE_MAX_RATIO * held + (1 << 20)
    if info.compress_type == zipfile.ZIP_DEFLATED and nbytes > deflate_most:
        raise VectorFileError(path, f"{what}, more than its {held:,} deflated bytes can hold "
                              "(deflate compresses at most ~1032:1); the file is damaged or was "
                              "made to exhaust memory")
    available = available_memory()
    if available is not None and nbytes > available:
        raise VectorFileError(path, f"{what}, more than the {format_bytes(available)} of memory "
                              "available; free memory, or load a model file with mmap=True "
                              "(its matrices are then read from the file as needed)")


def _read_member(path, zf, name):
    """Zip member ``name`` (a .npy) read into memory, as a writable array.

    Unlike ``np.lib.format.read_array``, nothing is allocated for what the .npy header merely
    promises: the promise is first checked against what the member can hold and the memory
    available (:func:`_check_member_size`), then the data is read in chunks and must fill the
    shape exactly, so a damaged header claiming a huge shape fails with a VectorFileError.
    """
    with zf.open(name) as m:
        # Errors of the zip stream itself, not of the header, are reported as damage.
        shape, fortran_order, dtype = _read_npy_header(
            m, path, name, passthrough=(zipfile.BadZipFile, OSError))
        if dtype.hasobject:
            raise _pickle_error(path, name)
        nbytes = math.prod(shape) * dtype.itemsize
        _check_member_size(path, zf, name, nbytes, shape, dtype)
        data = bytearray()
        while len(data) < nbytes:
            chunk = m.read(min(nbytes - len(data), _READ_CHUNK))
            if not chunk:
                break
            data += chunk
        if len(data) != nbytes or m.read(1):            # reading to the end checks the CRC
            raise VectorFileError(path, f"member {name} holds {len(data):,} bytes of data, its "
                                  f"header promises {nbytes:,}; the file is damaged")
    if nbytes == 0:
        return np.empty(shape, dtype=dtype)
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")


def read_npz_members(path, names) -> dict:
    """The .npy members ``names`` (without ``.npy``) of a .npz file, read into memory as
    writable arrays; never unpickles, and allocates nothing for what a damaged header merely
    promises. Raises VectorFileError for a file that is not a zip, is truncated (its problem
    then says "truncated"), lacks a member, is damaged, or holds a member larger than the
    memory available (FileNotFoundError and the like as open() raises them)."""
    with open(path, "rb"):
        pass
    try:
        with zipfile.ZipFile(path) as zf:
            present = set(zf.namelist())
            for name in names:
                if name + ".npy" not in present:
                    raise VectorFileError(path, f"member {name}.npy is missing (it holds "
                                          f"{_names(present)})")
            return {name: _read_member(path, zf, name + ".npy") for name in names}
    except VectorFileError:
        if _zip_end_missing(path):
            raise _truncated_error(path) from None
        raise
    except _ZIP_DAMAGE as exc:
        if _zip_end_missing(path):
            raise _truncated_error(path) from None
        raise VectorFileError(path, f"the file is damaged ({type(exc).__name__}: "
                              f"{_cap(exc)})") from None


def _zip_end_missing(path) -> bool:
    """Whether ``path`` starts as a zip (a local header) but lacks the end of a zip: the
    end-of-central-directory record (22 bytes and its comment) closing the file, which every
    zip ends with. That is a file cut short (a full disk, a killed copy), not a foreign one."""
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"PK\x03\x04":
                return False
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - 22 - 0xFFFF))
            tail = f.read()
    except OSError:
        return False
    at = tail.rfind(b"PK\x05\x06")
    while at != -1:                 # the last record whose comment ends exactly at the end
        whole = len(tail) - at >= 22
        if whole and at + 22 + struct.unpack("<H", tail[at + 20:at + 22])[0] == len(tail):
            return False
        at = tail.rfind(b"PK\x05\x06", 0, at)
    return True


def _truncated_error(path):
    return VectorFileError(path, "the file is truncated or damaged: it starts as a zip (.npz) "
                           "archive, but its end (the zip central directory) is missing, as "
                           "when writing or copying it was cut short; write or copy it again")


def _pickle_error(path, member):
    return VectorFileError(path, f"member {member} holds Python objects (a pickle); wordvec never "
                           "loads pickles, which can run code when loaded. Load it only if you "
                           "trust its source, and save it again with save_model")


def load_model(path, mmap=False):
    """Read a native model file written by ``save_model``; never unpickles.

    mmap: map W_in and W_out read-only from the file (np.memmap, 64-byte aligned) instead of
    reading them into memory: pages load on use (opening reads them once, in blocks, to
    check that every number is finite).
    Returns dict: words (list of V str), counts (V,) int64, W_in (V, dim) float,
    W_out (V, dim) float or None, config dict, history (as saved).
    Raises VectorFileError for a file that is not a zip, truncated (the problem says so), not
    a wordvec model (another .npz), of a newer format version, damaged, holding pickled
    objects, a member larger than the memory available (without mmap), or vectors holding
    NaN or infinity (naming the first such row and its word).
    """
    with open(path, "rb"):      # a missing file or a folder: the OSError open() gives
        pass
    try:
        return _load_model(path, mmap)
    except VectorFileError:
        if _zip_end_missing(path):
            raise _truncated_error(path) from None
        raise
    except _ZIP_DAMAGE as exc:  # anything else the zip or .npy readers trip on: damaged bytes
        if _zip_end_missing(path):
            raise _truncated_error(path) from None
        raise VectorFileError(path, f"the file is damaged ({type(exc).__name__}: {_cap(exc)}); "
                              "it is not a model file as save_model writes it") from None


def _load_model(path, mmap):
    """load_model's work; errors other than VectorFileError mean damaged bytes."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as f:
            start = f.read(8)
        if _zip_end_missing(path):
            raise _truncated_error(path) from None
        raise VectorFileError(path, "not a wordvec model file: it is not a zip (.npz) archive "
                              f"(it starts {start!r}); word2vec files load with "
                              "load_word2vec_format or load") from None
    with zf, open(path, "rb") as f:
        names = set(zf.namelist())
        if "meta.npy" not in names:
            raise VectorFileError(path, "not a wordvec model file: the .npz has no 'meta' member "
                                  f"(it holds {_names(names)}); it was not written by save_model")

        def member(name, want_map=False):
            if want_map:
                mapped = _map_member(path, zf, f, name)
                if mapped is not None:
                    return mapped
            try:
                return _read_member(path, zf, name + ".npy")
            except VectorFileError:
                raise
            except _ZIP_DAMAGE as exc:
                raise VectorFileError(path, f"member {name}.npy is damaged ({_cap(exc)})") from None

        raw = member("meta")
        try:
            meta = json.loads(raw.tobytes().decode("utf-8")) if raw.dtype == np.uint8 else None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise VectorFileError(path, f"member meta.npy is not UTF-8 JSON ({_cap(exc)}); the "
                                  "file is damaged") from None
        if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise VectorFileError(path, f"not a wordvec model file: its meta names format "
                                  f"{_show(found)}, not {MODEL_FORMAT!r}")
        version = meta.get("version")
        if not isinstance(version, int) or version > MODEL_VERSION or version < 1:
            raise VectorFileError(path, f"model format version {_show(version)}: this wordvec "
                                  f"reads version {MODEL_VERSION}; the file was written by a "
                                  "newer wordvec — upgrade wordvec to read it")
        for name in ("W_in", "counts"):
            if name + ".npy" not in names:
                raise VectorFileError(path, f"member {name}.npy is missing; the file is damaged")
        words = meta.get("words")
        W_in = member("W_in", mmap)
        W_out = member("W_out", mmap) if "W_out.npy" in names else None
        counts = member("counts")
    if (not isinstance(words, list) or W_in.ndim != 2 or W_in.shape[0] != len(words)
            or counts.shape != (len(words),) or (W_out is not None and W_out.shape != W_in.shape)):
        n_words = len(words) if isinstance(words, list) else _show(words)
        raise VectorFileError(path, f"its parts disagree: {n_words} words, W_in "
                              f"{W_in.shape}, counts {counts.shape}, W_out "
                              f"{None if W_out is None else W_out.shape}; the file is damaged")
    for name, array, kinds in (("W_in", W_in, "f"), ("W_out", W_out, "f"), ("counts", counts, "iu")):
        if array is not None and array.dtype.kind not in kinds:
            raise VectorFileError(path, f"member {name}.npy holds {array.dtype} numbers, not "
                                  f"{'floats' if kinds == 'f' else 'counts'}; the file is damaged")
    if not all(isinstance(w, str) for w in words) or len(set(words)) != len(words):
        raise VectorFileError(path, "its words are not distinct strings, as save_model writes "
                              "them; the file is damaged")
    for name, array in (("W_in", W_in), ("W_out", W_out)):
        bad = None if array is None else first_nonfinite_row(array)
        if bad is not None:
            raise VectorFileError(path, _nonfinite_problem(f"{name} row {bad + 1:,} of "
                                                           f"{len(words):,}", words[bad]))
    counts = counts.astype(np.int64, copy=False)
    return {"words": words, "counts": counts, "W_in": W_in, "W_out": W_out,
            "config": meta.get("config"), "history": meta.get("history")}


def load(path, mmap=False):
    """Read word vectors from any format wordvec knows, told by content (not by file name):
    a native model file (zip magic) gives its W_in with words and counts; anything else is read
    as word2vec binary or text (gzip/bz2/xz too).

    mmap: memory-map the vectors of a native model file (word2vec files are read into memory).
    Returns WordVectors: index_to_key (V,) str, vectors (V, dim), counts (V,) int64 or None.
    """
    from .vectors import WordVectors

    with open(path, "rb") as f:
        magic = f.read(4)
    if magic in (b"PK\x03\x04", b"PK\x05\x06"):
        model = load_model(path, mmap=mmap)
        return WordVectors(model["words"], model["W_in"], counts=model["counts"])
    return load_word2vec_format(path)


# --------------------------------------------------------------------------- projector

def save_projector(folder_or_prefix, wv):
    """Write TensorBoard Embedding Projector files for WordVectors ``wv``, atomically.

    folder_or_prefix: an existing folder (or a path ending in a separator, created) gets
    ``vectors.tsv`` and ``metadata.tsv``; anything else is a prefix: ``{prefix}_vectors.tsv``
    and ``{prefix}_metadata.tsv``. vectors.tsv: one line per word, its dim numbers
    tab-separated (9 significant digits, float32-exact); metadata.tsv: one word per line, no
    header (the projector reads a single column without one).
    Returns (vectors path, metadata path). The two are written as a pair
    (:func:`atomic_write_group`): both new, or both as they were. WriteError naming a word
    that is empty, holds a tab or line break (which the TSV cannot carry) or cannot be
    encoded as UTF-8, before anything is written; OSErrors become WriteError.
    """
    target = os.fspath(folder_or_prefix)
    if os.path.isdir(target) or target.endswith(("/", os.sep)):
        try:
            os.makedirs(target, exist_ok=True)
        except OSError as exc:
            raise WriteError(target, _write_cause(exc)) from exc
        vectors_path = os.path.join(target, "vectors.tsv")
        metadata_path = os.path.join(target, "metadata.tsv")
    else:
        vectors_path, metadata_path = target + "_vectors.tsv", target + "_metadata.tsv"
    words = wv.index_to_key
    for i, word in enumerate(words):
        if (not isinstance(word, str) or not word
                or any(ch in word for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")):
            raise WriteError(metadata_path, f"word {i} ({_show(word)}) cannot be written to "
                             "metadata.tsv: it is empty or holds a tab or line break; replace "
                             "those characters first")
    metadata = "".join(word + "\n" for word in words)
    try:
        metadata = metadata.encode("utf-8")
    except UnicodeEncodeError as exc:
        i = metadata.count("\n", 0, exc.start)
        raise WriteError(metadata_path, f"word {i} ({_show(words[i])}) cannot be written to "
                         "metadata.tsv: it holds a lone surrogate, which UTF-8 cannot "
                         "encode") from None
    vectors = np.asarray(wv.vectors, dtype=np.float32)
    row_format = "\t".join([_FLOAT_FORMAT] * vectors.shape[1])
    with atomic_write_group([vectors_path, metadata_path], "wb") as (vectors_file, metadata_file):
        for start in range(0, len(vectors), 4096):
            vectors_file.write("".join(row_format % tuple(row) + "\n"
                                       for row in vectors[start:start + 4096].tolist()).encode())
        metadata_file.write(metadata)
    return vectors_path, metadata_path
