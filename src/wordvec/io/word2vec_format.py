"""The word2vec vector formats: :func:`save_word2vec_format` writes them (atomically),
:func:`load_word2vec_format` reads them (binary rows walked by a Numba kernel).

word2vec binary (word2vec.c ``-binary 1``)
    Header ``count dim\\n``; then per vector ``word`` + one space + ``dim`` little-endian
    float32 (``4 * dim`` bytes), then ``\\n`` — word2vec.c writes that newline, gensim does
    not; the reader accepts both, and any newlines before a word (as gensim does).
word2vec text (also fastText ``.vec``)
    Header ``count dim``; then per line ``word v1 ... vdim`` separated by whitespace
    (fastText leaves a space at the end of each line; Windows line ends are accepted).

Bounds on hostile files (nothing is allocated for what a file merely claims): a gzip/bz2/xz
vector file is inflated in 16 MiB chunks and refused once it passes half the available
memory (:func:`wordvec.memory.available_memory`; no bound when unknown): the inflated bytes
and the vectors built from them are held together, and the vectors take up to as much again
(binary: 4 bytes a number in both). The vectors are checked for NaN and infinity
(:func:`~wordvec.io.finite.first_nonfinite_row`).
"""
from __future__ import annotations

import bz2
import contextlib
import functools
import gzip
import lzma
import mmap as _mmap
import os
import warnings
import zlib

import numpy as np

from ..compiler import require_numba
from ..corpus import WORD_SEPARATORS, word_problem
from ..errors import WriteError
from ..inputfile import open_input
from .atomic import atomic_write
from .errors import _SHOW, PICKLE_SNIFF, VectorFileError, _cap, _show, pickle_problem
from .finite import _nonfinite_problem, first_nonfinite_row

_DETECT_ROWS = 8                   # rows looked at to tell binary from text

#: Bytes read from a decompressing reader at a time.
_READ_CHUNK = 1 << 24

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
        f = open_input(path)
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
    from ..memory import available_memory

    available = available_memory()
    return (None, None) if available is None else (available // 2, available)


def _inflate(z, path):
    """All of the decompressing reader ``z``, read in chunks: VectorFileError as soon as it
    passes :func:`_inflate_bound` (a decompression bomb: a few KB of gzip inflate to GBs),
    before more than the bound and one chunk are held."""
    from ..memory import format_bytes

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
    pickled = pickle_problem(bytes(buf[:PICKLE_SNIFF]))
    if not buf:
        problem = "the file is empty; expected the header line 'count dim'"
    elif pickled:
        problem = pickled
    elif bytes(buf[:4]) == b"PK\x03\x04":
        problem = "this is a zip (.npz) file, e.g. a native model: read it with load or load_model"
    elif end == -1:
        problem = ("no header line 'count dim' ending in a newline; the file starts "
                   f"{line[:_SHOW]!r}")
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


@contextlib.contextmanager
def _strict_fromstring():
    """Within it, text ``np.fromstring`` fails on a token that is not a number: NumPy 2.3
    and later raise ValueError, earlier ones only warn (DeprecationWarning) and return the
    numbers before it, which would load a damaged row as a short one or, worse, as a row of
    the right length with the wrong numbers. Held around a whole read (it decorates the
    readers), not per row."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        yield


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
    except (ValueError, DeprecationWarning):  # see _strict_fromstring
        for column, token in enumerate(rest.split(), 2):
            try:
                float(token)
            except ValueError:
                raise ValueError(f"word {_show(word)}: column {column} ({_show(token)}) is not "
                                 "a number") from None
        raise ValueError(f"word {_show(word)}: cannot read its numbers") from None


@_strict_fromstring()
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


def _scan_binary_rows_by_find(buf, data, pos, row_bytes, word_start, word_end, vector_bytes):
    """:func:`_scan_binary_rows` a row at a time rather than a byte at a time, in Python: the
    same arguments and results, ``buf`` searched with its ``find`` (bytes or an mmap) and
    ``data`` its (n,) uint8 view. For files of few rows, where Numba's start-up would take
    longer than the whole scan."""
    n = len(buf)
    for i in range(word_start.shape[0]):
        while pos < n and buf[pos] == 10:
            pos += 1
        start = pos
        space = buf.find(b" ", pos)
        newline = buf.find(b"\n", pos, space if space >= 0 else n)
        if newline >= 0:
            return i, newline, 4
        if space < 0:
            return i, start, 1
        if space == start:
            return i, start, 3
        word_start[i] = start
        word_end[i] = space
        pos = space + 1
        if n - pos < row_bytes:
            return i, pos, 2
        vector_bytes[i, :] = data[pos:pos + row_bytes]
        pos += row_bytes
    return word_start.shape[0], pos, 0


#: Rows up to which a binary file is scanned in Python (:func:`_scan_binary_rows_by_find`):
#: it costs about 1.2 us a row more than the Numba kernel (measured at 300,000 rows of dim
#: 100), and a process's first use of Numba 0.15-0.5 s (importing it, loading the cached
#: kernel), so only larger files are worth the kernel. ``wordvec similar`` and the other
#: commands that only read vectors then never import Numba for the usual files.
_PYTHON_SCAN_ROWS = 100_000


@functools.cache
def _binary_kernel():
    """``_scan_binary_rows`` compiled by Numba (imported on first use; cached on disk)."""
    require_numba()
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
    if rows <= _PYTHON_SCAN_ROWS:
        done, offset, status = _scan_binary_rows_by_find(buf, data, pos, row_bytes, word_start,
                                                         word_end, vectors.view(np.uint8))
    else:
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


def _binary_row_error(buf, path, count, dim, done, offset, status, word_start):
    row = f"vector {done + 1:,} of {count:,}"
    if status == 0 or (status == 1 and offset == len(buf)):
        problem = (f"the file ends after {done:,} of the {count:,} vectors its header announces; "
                   "it is truncated, or the header's count is wrong")
        offset = len(buf)
    elif status == 1:
        word = _show(buf[offset:offset + _SHOW + 1])
        problem = (f"{row}: the word {word} runs to the end of the "
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
    gather = (np.arange(int(lengths.sum()), dtype=np.int64)
              + np.repeat(word_start - out_start, lengths))
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


@_strict_fromstring()
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
                empty = " (a word with no vector)" if vector.size == 0 else ""
                raise ValueError(f"word {_show(word)} has {vector.size} numbers, the header says "
                                 f"{dim}{empty}")
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
    warnings.warn(f"{os.fspath(path)}: {len(dropped):,} repeated words "
                  f"({_show(dropped[0])} first); kept the first vector of each, as gensim does",
                  stacklevel=3)
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
    from ..vectors import WordVectors

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
