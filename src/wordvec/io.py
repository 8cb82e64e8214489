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

Readers raise :class:`VectorFileError` (a ``ValueError``) naming the file, the line (text) or
byte offset (binary), and what is wrong; no reader ever unpickles.
"""
from __future__ import annotations

import bz2
import contextlib
import dataclasses
import functools
import gzip
import io
import json
import lzma
import math
import mmap as _mmap
import os
import struct
import tempfile
import warnings
import zipfile
import zlib

import numpy as np

from .errors import WordvecError

MODEL_FORMAT = "wordvec-model"
MODEL_VERSION = 1
_NPZ_ALIGN = 64                    # array data offset inside the .npz, as .npy aligns its header
_ZIP_PAD_ID = 0xD935               # extra-field id Android's zipalign uses for padding
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member dates: saving twice gives identical bytes
_DETECT_ROWS = 8                   # rows looked at to tell binary from text
_SHOW = 60                         # bytes of a bad row quoted in an error message


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

@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Open a temporary file beside ``path``; on success flush, fsync and rename it to ``path``.

    A reader sees the old file or the complete new one, never a torn one; on error the
    temporary file is removed and ``path`` is untouched.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        os.chmod(tmp, _new_file_mode(path))
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _new_file_mode(path):
    # mkstemp creates 0600; give the file the mode it replaces, or what open() would give.
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# --------------------------------------------------------------------------- word2vec writers

# Nine significant digits always bring a float32 back exactly (FLT_DECIMAL_DIG = 9).
_FLOAT_FORMAT = "%.9g"


def _check_w2v_words(words):
    for i, word in enumerate(words):
        if not isinstance(word, str) or word.split() != [word]:
            raise ValueError(
                f"word {i} ({word!r}) cannot be written in word2vec format: it is empty or holds "
                "whitespace, which separates words there; use save_model (the native format "
                "keeps any word) or replace the whitespace, e.g. with '_'")


def save_word2vec_format(path, words, vectors, binary=True):
    """Write vectors in word2vec.c's format, atomically.

    Header ``count dim``, then per word ``word<space>`` + dim little-endian float32 + newline
    (binary, byte for byte what word2vec.c writes) or ``word v1 ... vdim`` (text, each number
    with 9 significant digits, which reads back to the same float32).

    words: list of V str, non-empty, without whitespace (ValueError naming the word
    otherwise); vectors: (V, dim) float, written as float32.
    """
    vectors = np.asarray(vectors, dtype="<f4")
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a (V, dim) matrix, got shape {vectors.shape}")
    if len(words) != vectors.shape[0]:
        raise ValueError(f"{len(words)} words but {vectors.shape[0]} vectors")
    _check_w2v_words(words)
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
    memory map for a plain file, the decompressed bytes for gzip/bz2/xz (told by content)."""
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
                        yield z.read()
                except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
                    raise VectorFileError(path, f"cannot decompress it ({exc}); the file "
                                          "is damaged or truncated") from None
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


def _show(raw):
    """A bytes value for a message: decoded where it is UTF-8, else its repr; shortened."""
    raw = bytes(raw)
    cut = raw[:_SHOW]
    try:
        text = repr(cut.decode("utf-8"))
    except UnicodeDecodeError:
        text = repr(cut)
    return text + ("..." if len(raw) > _SHOW else "")


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
    return words, vectors.astype(np.float32, copy=False)


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
            path, f"the word of vector {i + 1:,} ({bytes(buf[word_start[i]:word_end[i]])!r}) is not "
            "valid UTF-8; pass unicode_errors='replace' or 'ignore' to read it anyway",
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
        line = buf[pos:end]
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
                path, f"the word {word!r} is not valid UTF-8; pass unicode_errors='replace' or "
                "'ignore' to read it anyway", line=line_no) from None
        vectors[i] = vector
        pos = end + 1
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
    warnings.warn(f"{os.fspath(path)}: {len(dropped):,} repeated words ({dropped[0]!r} first); "
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
    Raises VectorFileError naming the file, the line or byte offset, and the problem.
    """
    from .vectors import WordVectors

    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be None or a count >= 0, got {limit!r}")
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


def _write_member(zf, f, name, array):
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
        raise ValueError(f"word {repeated!r} appears more than once in words")
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        config = dataclasses.asdict(config)
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    meta = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "words": words,
            "config": config, "history": history}
    try:
        meta_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"words, config and history must be JSON-serialisable (and words "
                         f"encodable as UTF-8): {exc}") from None
    arrays = {"W_in": W_in, "counts": counts.astype(np.int64)}
    if W_out is not None:
        arrays["W_out"] = W_out
    arrays["meta"] = np.frombuffer(meta_bytes, dtype=np.uint8)
    with atomic_write(path, "wb") as f:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, array in arrays.items():
                _write_member(zf, f, name, array)


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


def _read_member(path, zf, name):
    """Zip member ``name`` (a .npy) read into memory, as a writable array.

    Unlike ``np.lib.format.read_array``, nothing is allocated for what the .npy header merely
    promises: the data is read in chunks and must fill the shape exactly, so a damaged header
    claiming a huge shape fails with a VectorFileError instead of a huge allocation.
    """
    with zf.open(name) as m:
        # Errors of the zip stream itself, not of the header, are reported as damage.
        shape, fortran_order, dtype = _read_npy_header(
            m, path, name, passthrough=(zipfile.BadZipFile, OSError))
        if dtype.hasobject:
            raise _pickle_error(path, name)
        nbytes = math.prod(shape) * dtype.itemsize
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
    promises. Raises VectorFileError for a file that is not a zip, lacks a member, or is
    damaged (FileNotFoundError and the like as open() raises them)."""
    with open(path, "rb"):
        pass
    try:
        with zipfile.ZipFile(path) as zf:
            present = set(zf.namelist())
            for name in names:
                if name + ".npy" not in present:
                    raise VectorFileError(path, f"member {name}.npy is missing (it holds "
                                          f"{sorted(present)})")
            return {name: _read_member(path, zf, name + ".npy") for name in names}
    except VectorFileError:
        raise
    except _ZIP_DAMAGE as exc:
        raise VectorFileError(path, f"the file is damaged ({type(exc).__name__}: "
                              f"{exc})") from None


def _pickle_error(path, member):
    return VectorFileError(path, f"member {member} holds Python objects (a pickle); wordvec never "
                           "loads pickles, which can run code when loaded. Load it only if you "
                           "trust its source, and save it again with save_model")


def load_model(path, mmap=False):
    """Read a native model file written by ``save_model``; never unpickles.

    mmap: map W_in and W_out read-only from the file (np.memmap, 64-byte aligned) instead of
    reading them into memory: opening is instant and pages load on use.
    Returns dict: words (list of V str), counts (V,) int64, W_in (V, dim) float,
    W_out (V, dim) float or None, config dict, history (as saved).
    Raises VectorFileError for a file that is not a zip, not a wordvec model (another .npz),
    of a newer format version, damaged, or holding pickled objects.
    """
    with open(path, "rb"):      # a missing file or a folder: the OSError open() gives
        pass
    try:
        return _load_model(path, mmap)
    except VectorFileError:
        raise
    except _ZIP_DAMAGE as exc:  # anything else the zip or .npy readers trip on: damaged bytes
        raise VectorFileError(path, f"the file is damaged ({type(exc).__name__}: {exc}); it "
                              "is not a model file as save_model writes it") from None


def _load_model(path, mmap):
    """load_model's work; errors other than VectorFileError mean damaged bytes."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as f:
            start = f.read(8)
        raise VectorFileError(path, "not a wordvec model file: it is not a zip (.npz) archive "
                              f"(it starts {start!r}); word2vec files load with "
                              "load_word2vec_format or load") from None
    with zf, open(path, "rb") as f:
        names = set(zf.namelist())
        if "meta.npy" not in names:
            raise VectorFileError(path, "not a wordvec model file: the .npz has no 'meta' member "
                                  f"(it holds {sorted(names)}); it was not written by save_model")

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
                raise VectorFileError(path, f"member {name}.npy is damaged ({exc})") from None

        raw = member("meta")
        try:
            meta = json.loads(raw.tobytes().decode("utf-8")) if raw.dtype == np.uint8 else None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise VectorFileError(path, f"member meta.npy is not UTF-8 JSON ({exc}); the file is "
                                  "damaged") from None
        if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise VectorFileError(path, f"not a wordvec model file: its meta names format {found!r}, "
                                  f"not {MODEL_FORMAT!r}")
        version = meta.get("version")
        if not isinstance(version, int) or version > MODEL_VERSION or version < 1:
            raise VectorFileError(path, f"model format version {version!r}: this wordvec reads "
                                  f"version {MODEL_VERSION}; the file was written by a newer "
                                  "wordvec — upgrade wordvec to read it")
        for name in ("W_in", "counts"):
            if name + ".npy" not in names:
                raise VectorFileError(path, f"member {name}.npy is missing; the file is damaged")
        words = meta.get("words")
        W_in = member("W_in", mmap)
        W_out = member("W_out", mmap) if "W_out.npy" in names else None
        counts = member("counts")
    if (not isinstance(words, list) or W_in.ndim != 2 or W_in.shape[0] != len(words)
            or counts.shape != (len(words),) or (W_out is not None and W_out.shape != W_in.shape)):
        n_words = len(words) if isinstance(words, list) else repr(words)
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
    Returns (vectors path, metadata path). ValueError naming a word that is empty or holds a
    tab or line break, which the TSV cannot carry.
    """
    target = os.fspath(folder_or_prefix)
    if os.path.isdir(target) or target.endswith(("/", os.sep)):
        os.makedirs(target, exist_ok=True)
        vectors_path = os.path.join(target, "vectors.tsv")
        metadata_path = os.path.join(target, "metadata.tsv")
    else:
        vectors_path, metadata_path = target + "_vectors.tsv", target + "_metadata.tsv"
    words = wv.index_to_key
    for i, word in enumerate(words):
        if not word or any(ch in word for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            raise ValueError(f"word {i} ({word!r}) cannot be written to metadata.tsv: it is empty "
                             "or holds a tab or line break; replace those characters first")
    vectors = np.asarray(wv.vectors, dtype=np.float32)
    row_format = "\t".join([_FLOAT_FORMAT] * vectors.shape[1])
    with atomic_write(vectors_path, "wb") as f:
        for start in range(0, len(vectors), 4096):
            f.write("".join(row_format % tuple(row) + "\n"
                            for row in vectors[start:start + 4096].tolist()).encode())
    with atomic_write(metadata_path, "wb") as f:
        f.write("".join(word + "\n" for word in words).encode("utf-8"))
    return vectors_path, metadata_path
