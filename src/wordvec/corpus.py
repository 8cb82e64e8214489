"""Reading a corpus: files, folders, compressed files or token lists -> sentences -> word ids.

A corpus *source* is one of

- a path (``str`` or ``os.PathLike``) to a text file; ``.gz``, ``.bz2`` and ``.xz`` files are
  decompressed on the fly, chosen by suffix;
- a path to a folder: every regular file inside it (or link to one), recursively, in name
  order (sorted by relative path); hidden files and folders (name starting with ``.``) are
  skipped, and so are FIFOs, sockets and devices (never opened: opening a FIFO blocks) and
  links to folders (not followed, so a link loop cannot recurse). An entry that cannot be
  listed or looked at (no permission, a dangling link, a link loop, an I/O error) raises
  :class:`CorpusError` naming it: training silently on part of a corpus is worse;
- a list or tuple of such paths, read one after the other;
- a :class:`FilePart`, bytes ``start`` to ``end`` of a plain text file cut at whitespace
  (a shard of a cluster run, :mod:`wordvec.cluster`), alone or in such a list;
- a re-iterable of token lists, e.g. ``[["the", "cat"], ["a", "dog"]]``. It is read more
  than once (counting, then encoding), so a one-shot generator or iterator is refused with
  :class:`NotReiterableError` rather than silently giving an empty second pass.

Text format, as word2vec.c and gensim's ``LineSentence`` read it: one sentence per line,
tokens separated by runs of ASCII whitespace (``b" \\t\\n\\r\\x0b\\x0c"``, exactly what
``bytes.split()`` splits on), decoded as UTF-8 with invalid bytes replaced by U+FFFD. Empty
lines yield no sentence. A line longer than :data:`MAX_SENTENCE` tokens is cut into sentences
of at most that many tokens (gensim's 10,000): every word is kept. A token longer than
:data:`MAX_WORD_BYTES` bytes (a minified blob, a base64 attachment, a file of one repeated
letter) is cut to its first :data:`MAX_WORD_BYTES` bytes, moved back to the start of a UTF-8
character; :func:`wordvec.vocab.count_words` warns once per file with
:class:`LongWordWarning`. Only the first bytes of such a token are ever held, so memory stays
bounded and time linear however long it is. Tokens of in-memory token lists are taken as
they are.

Reading streams: files are read in fixed-size binary blocks and a token cut by a block
boundary is carried to the next block, so memory does not grow with line length (text8 is
one 100 MB line). The speed-critical steps (:func:`wordvec.vocab.count_words`, built on this
module's block reader, and :func:`encode`) stay on ``bytes`` tokens, split at C speed by
``bytes.split`` and counted by ``collections.Counter``; only distinct words are decoded. Each
distinct byte token is decoded on its own, with the same ``errors="replace"`` everywhere,
so the same invalid bytes always become the same word. Counting also counts the tokens that
held invalid UTF-8 (checking only the distinct non-ASCII tokens, so counting stays as fast)
and warns once per file with :class:`InvalidUTF8Warning`.

:func:`read_tokens` reads a file source once before its vocabulary is known, every token
as the index of its distinct byte token (split and numbered by a Numba kernel,
:mod:`wordvec.scan`, by the same rules), and :func:`encode_stream` turns that into what
:func:`encode` gives once the vocabulary is known, so that
:func:`wordvec.vocab.count_and_encode` counts and encodes in one read of the text.

:func:`encode` also fingerprints what it produced (:attr:`EncodedCorpus.fingerprint`), and
:func:`file_stats` lists the files a source stands for with their sizes and times, so a
checkpoint can tell whether it is resumed on the same corpus.

Binary files: the first block of each file is checked for NUL bytes and for a high share of
control bytes; a file that looks binary (an .npy array, an image, a model file passed by
mistake, UTF-16 text) raises :class:`CorpusError` naming it, instead of training on garbage.

The split with :mod:`wordvec.vocab`: this module reads, tokenises and encodes, and knows
nothing of vocabularies (:func:`encode` takes a plain mapping word -> id), trainers or the
command line; :mod:`wordvec.vocab` counts the words of a corpus as word2vec.c does
(:func:`wordvec.vocab.count_words`, with its pruning and
:class:`~wordvec.vocab.VocabPrunedWarning`) on this module's reader, and holds the
vocabulary policy (min_count, order). The imports go one way only: vocab -> corpus.
"""
from __future__ import annotations

import bz2
import contextlib
import contextvars
import errno
import gzip
import hashlib
import lzma
import os
import stat
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np

from .compiler import require_numba
from .errors import WordvecError, shown
from .inputfile import kind_of, open_input
from .pages import CorpusPages

__all__ = [
    "BLOCK_SIZE",
    "MAX_SENTENCE",
    "MAX_WORD_BYTES",
    "MEMMAP_THRESHOLD",
    "CorpusError",
    "EncodedCorpus",
    "InvalidUTF8Warning",
    "LongWordWarning",
    "NotReiterableError",
    "Source",
    "TokenStream",
    "WORD_SEPARATORS",
    "word_problem",
    "encode",
    "encode_stream",
    "file_stats",
    "iter_sentences",
    "read_tokens",
]

#: Longest sentence handed to a trainer, in tokens; longer lines are cut (gensim's
#: ``MAX_WORDS_IN_BATCH``; word2vec.c cuts at 1,000). Bounds the per-sentence work buffers.
MAX_SENTENCE = 10_000

#: Longest word read from a file, in bytes of UTF-8; a longer token is cut to its first
#: ``MAX_WORD_BYTES`` bytes, moved back (at most 3 bytes) to the start of a UTF-8 character.
#: word2vec.c cuts at 100 bytes (``MAX_STRING``), gensim not at all; 1,000 keeps every word
#: of a real text whole (even long URLs and compounds) and bounds what one hostile token
#: (hundreds of MB without whitespace) costs.
MAX_WORD_BYTES = 1000

#: Bytes of a token kept while it is carried from block to block; the rest, up to the next
#: whitespace, is dropped unread. The cut (:func:`_cut_word`) looks at byte ``MAX_WORD_BYTES``
#: at most, so the kept bytes give the same word as the whole token would.
_CARRY_LIMIT = MAX_WORD_BYTES + 1

#: Bytes read from a file at a time. Memory use is a few times this, whatever the line length.
#: 256 KiB counted text8 about 10% faster than 1 MiB: a block's token objects stay in cache.
BLOCK_SIZE = 1 << 18

#: Above this many bytes of ids (16M words), :func:`encode` writes them to a temporary file
#: and returns a read-only ``np.memmap``, so a corpus larger than RAM can still be trained.
MEMMAP_THRESHOLD = 64 << 20

#: Tokens mapped to ids per NumPy call in :func:`encode`: large enough to amortise the call
#: (measured on text8: 2^16, 2^18 and 2^20 within 10%), small enough that the batch's token
#: objects (about 50 bytes a token) stay near 15 MB.
_ENCODE_BATCH = 1 << 18

#: Out-of-vocabulary tokens whose id (-1) :func:`encode` remembers at a time (about 100 bytes
#: each); a corpus with more distinct rare words decodes some of them again.
_ENCODE_CACHE = 1 << 20

#: The whitespace ``bytes.split()`` splits on; the block reader must cut blocks at the same set.
_ASCII_WHITESPACE = (b" ", b"\n", b"\t", b"\r", b"\x0b", b"\x0c")

#: Control bytes (C0 except the ASCII whitespace, and DEL) above this share of a file's first
#: block mark it as binary. Random bytes hold about 11%; text, even with ANSI colour codes,
#: a few per mille.
BINARY_CONTROL_SHARE = 0.05

#: Bytes of the first block looked at by the binary check.
_SNIFF_BYTES = 1 << 16

_CONTROL_BYTES = bytes(b for b in range(256)
                       if (b < 0x20 and bytes([b]) not in _ASCII_WHITESPACE) or b == 0x7F)
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)

_OPENERS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open,
                                           ".xz": lzma.open}

Source = str | os.PathLike | Sequence[str | os.PathLike] | Iterable[Sequence[str]]


class CorpusError(WordvecError):
    """A corpus source that cannot be read: missing path, empty folder, wrong kind of input.

    The message names the path or the sentence and says what to pass instead.
    """


class InvalidUTF8Warning(UserWarning):
    """Tokens of a corpus file held bytes that are not UTF-8; they were replaced by U+FFFD.

    Issued once per file by :func:`wordvec.vocab.count_words`; ``tokens`` is the number of
    affected token occurrences and ``path`` the file.
    """

    def __init__(self, tokens: int, path: str):
        super().__init__(f"{tokens:,} tokens in {path} had invalid UTF-8 bytes, "
                         "replaced by U+FFFD")
        self.tokens = tokens
        self.path = path


class LongWordWarning(UserWarning):
    """Tokens of a corpus file were longer than :data:`MAX_WORD_BYTES` bytes; each was cut to
    its first :data:`MAX_WORD_BYTES` bytes (moved back to a character boundary).

    Issued once per file by :func:`wordvec.vocab.count_words`; ``tokens`` is the number of
    cut token occurrences and ``path`` the file.
    """

    def __init__(self, tokens: int, path: str):
        super().__init__(f"{tokens:,} token{'s' if tokens != 1 else ''} in {path} "
                         f"{'were' if tokens != 1 else 'was'} longer than "
                         f"{MAX_WORD_BYTES:,} bytes and {'were' if tokens != 1 else 'was'} "
                         f"cut to {'their' if tokens != 1 else 'its'} first "
                         f"{MAX_WORD_BYTES:,} bytes")
        self.tokens = tokens
        self.path = path


class NotReiterableError(CorpusError, TypeError):
    """A one-shot iterator or generator was given where the corpus is read more than once.

    Also a ``TypeError``, since the problem is the kind of object passed.
    """


# --------------------------------------------------------------------------------------------
# Resolving a source


@dataclass(frozen=True)
class FilePart:
    """Bytes ``start`` (inclusive) to ``end`` (exclusive) of the plain (not compressed) text
    file ``path``, read as a corpus file of its own: a shard of a large file. Cut it where a
    token ends (:func:`wordvec.cluster.shards.plan_shards` does), or the token cut in two
    counts as two. A line it cuts is a sentence on each side."""
    path: Path
    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start <= self.end:
            raise CorpusError(f"a part of corpus file {_show_path(self.path)} must run from "
                              f"a byte offset >= 0 to one no smaller, not {self.start:,} to "
                              f"{self.end:,}")
        if Path(self.path).suffix.lower() in _OPENERS:
            raise CorpusError(f"corpus file {_show_path(self.path)} is compressed, so it "
                              "cannot be read from a byte offset; pass it whole")

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    @property
    def suffix(self) -> str:
        return Path(self.path).suffix


class _PartReader:
    """``read(n)`` of an open binary file, stopping ``size`` bytes on (a :class:`FilePart`)."""

    def __init__(self, f: BinaryIO, size: int):
        self.f, self.left, self.size = f, size, size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.f.read(n)
        self.left -= len(data)
        return data

    def stored_position(self) -> int:
        """Bytes of the part read."""
        return self.size - self.left

    def __enter__(self) -> _PartReader:
        return self

    def __exit__(self, *exc) -> None:
        self.f.close()


def _is_path(x) -> bool:
    return isinstance(x, (str, bytes, os.PathLike))


def _names_paths(source) -> bool:
    """Whether ``source`` is read as paths (one, or a list of them), not as token lists."""
    return _is_path(source) or (isinstance(source, (list, tuple)) and bool(source)
                                and any(_is_path(x) for x in source))


def _show_path(path) -> str:
    """A path for a message: whole if short, else its head and its tail (the file's name).
    A "path" may be a whole text passed by mistake, which must not be echoed."""
    if isinstance(path, FilePart):
        return f"{_show_path(path.path)} (bytes {path.start:,} to {path.end:,})"
    text = os.fsdecode(path)
    if len(text) > 120:
        return repr(text[:60]) + "..." + repr(text[-40:])
    return repr(text)


#: What to do about an operating-system error on a corpus path, by errno.
_OS_ADVICE = {
    errno.EACCES: "make it readable or leave it out of the corpus",
    errno.EPERM: "make it readable or leave it out of the corpus",
    errno.ELOOP: "a loop of symbolic links; fix or remove the link",
    errno.ENAMETOOLONG: "pass a shorter path; to pass text, pass token lists such as "
                        "[['the', 'cat']]",
    errno.EIO: "the disk or the file system cannot read it; copy the file or leave it out",
}


def _reason(e: BaseException) -> str:
    """Why a path could not be read, and what to do, in a few words (no file name: the
    caller names it, and ``str(OSError)`` would repeat it)."""
    if isinstance(e, OSError) and e.errno is not None:
        advice = _OS_ADVICE.get(e.errno, "check the file, or leave it out of the corpus")
        return f"{e.strerror or os.strerror(e.errno)} ({advice})"
    # A decompressor's complaint (gzip, bz2, lzma, zlib) or an early end of the stream.
    detail = str(e) or type(e).__name__
    if len(detail) > 80:
        detail = detail[:80] + "..."
    return (f"{detail} (the compressed file is truncated or corrupt; decompress it to check, "
            "or leave it out)")


def _stat(path: Path) -> os.stat_result:
    """``os.stat(path)`` (following links), or :class:`CorpusError` saying why not."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(path):
            raise CorpusError(f"corpus path {_show_path(path)} is a symbolic link to a "
                              "missing file; fix or remove the link") from None
        raise CorpusError(f"corpus file not found: {_show_path(path)}") from None
    except OSError as e:
        raise CorpusError(f"cannot read corpus path {_show_path(path)}: {_reason(e)}") from e
    except ValueError:  # a NUL character: os.stat refuses it before asking the system
        raise CorpusError(f"corpus path {_show_path(path)} holds a NUL character, which no "
                          "file name can; pass a file path (to pass text, pass token lists "
                          "such as [['the', 'cat']])") from None


def _expand_path(path) -> list:
    """One path -> the files it stands for (itself, or a folder's files in name order); a
    :class:`FilePart` of a regular file stands for itself."""
    if isinstance(path, FilePart):
        if not stat.S_ISREG(_stat(path.path).st_mode):
            raise CorpusError(f"corpus path {_show_path(path)} is not a regular file")
        return [path]
    path = Path(os.fsdecode(path))
    mode = _stat(path).st_mode
    if stat.S_ISREG(mode):
        return [path]
    if stat.S_ISDIR(mode):
        return _folder_files(path)
    raise CorpusError(f"corpus path {_show_path(path)} is {kind_of(mode)}, neither a regular "
                      "file nor a folder; pass a text file or a folder of them")


def _folder_files(folder: Path) -> list[Path]:
    """The regular files under ``folder`` (see the module docstring), in name order."""
    def refuse(e: OSError) -> None:  # os.walk would skip an unreadable folder silently
        raise CorpusError(f"cannot list corpus folder {_show_path(e.filename or folder)}: "
                          f"{_reason(e)}") from e

    files = []
    for parent, dirs, names in os.walk(folder, onerror=refuse):
        # Prune hidden folders (.git, .ipynb_checkpoints) in place so walk skips them.
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            path = Path(parent, name)
            # Regular files and links to them; FIFOs, sockets and devices are left unopened.
            if stat.S_ISREG(_stat(path).st_mode):
                files.append(path)
    if not files:
        raise CorpusError(f"corpus folder {_show_path(folder)} contains no (non-hidden) files; "
                          "put text files in it or pass a file path")
    # Sort by path components, so a folder's files stay together: a/z < a0 < b.
    return sorted(files, key=lambda f: f.relative_to(folder).parts)


def _resolve(source) -> tuple[list[Path] | None, Iterable | None]:
    """Validate ``source`` now (not at the first ``next()``).

    Returns ``(files, None)`` for a path source and ``(None, source)`` for token lists.
    """
    if _is_path(source):
        return _expand_path(source), None
    if _names_paths(source):
        if not all(_is_path(x) for x in source):
            raise CorpusError("the corpus list mixes strings (read as file paths) and token "
                              "lists; pass either a list of file paths or a list of token "
                              "lists such as [['the', 'cat'], ['a', 'dog']]")
        files = []
        for x in source:
            try:
                files.extend(_expand_path(x))
            except CorpusError as e:
                if isinstance(x, str) and any(c.isspace() for c in x):
                    # ["the cat sat"] is a likely mistake: a list of strings reads as paths.
                    raise CorpusError(f"{e} (a list of strings is read as a list of file "
                                      "paths; to pass text, pass token lists such as "
                                      "[['the', 'cat', 'sat']])") from None
                raise
        return files, None
    try:
        it = iter(source)
    except TypeError:
        raise CorpusError(f"cannot read a corpus from a {type(source).__name__}; pass a file "
                          "or folder path, a list of paths, or a list of token lists") from None
    if it is source:
        raise NotReiterableError(
            f"the corpus is a one-shot {type(source).__name__}, but it is read more than once "
            "(counting words, then encoding them); pass a list of token lists, e.g. "
            "list(generator), or a re-iterable object whose __iter__ starts a new pass")
    return None, source


# --------------------------------------------------------------------------------------------
# Reading bytes


class _Decompressed:
    """A compressed file read through its decompressor, which knows how far into the
    stored (compressed) file it is: the decompressor reads ``raw``, and closing closes
    both."""

    def __init__(self, decompressed: BinaryIO, raw: BinaryIO):
        self.decompressed, self.raw = decompressed, raw

    def read(self, n: int = -1) -> bytes:
        return self.decompressed.read(n)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.decompressed)

    def stored_position(self) -> int:
        """Bytes of the compressed file read."""
        return self.raw.tell()

    def __enter__(self) -> _Decompressed:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.decompressed.close()
        finally:
            self.raw.close()


def _open_binary(path) -> BinaryIO:
    """``path`` opened for reading (:func:`~wordvec.inputfile.open_input`: a FIFO or device
    put where a checked file was is refused, never waited on), decompressed by its suffix."""
    if isinstance(path, FilePart):
        f = open_input(path.path)
        f.seek(path.start)
        return _PartReader(f, path.end - path.start)  # type: ignore[return-value]
    opener = _OPENERS.get(path.suffix.lower())
    if opener is None:
        return open_input(path)
    raw = open_input(path)
    try:
        return _Decompressed(opener(raw, "rb"), raw)  # type: ignore[return-value]
    except BaseException:
        raw.close()
        raise


def _stored_position(f) -> int:
    """How far into its stored file (compressed, for a compressed one) ``f`` has read."""
    position = getattr(f, "stored_position", None)
    return position() if position is not None else f.tell()


class ReadProgress:
    """How far a read of corpus ``files`` is, in bytes as they are stored (a compressed
    file counts its compressed bytes), told to ``report(done, total)`` as each block is read.
    A file read again (a second pass) counts from its start again."""

    def __init__(self, files: list, report: Callable[[int, int], None]):
        self.report = report
        self.offsets: dict = {}
        total = 0
        for path in files:
            self.offsets[path] = total
            total += _stored_size(path)
        self.total = total

    def at(self, path, position: int) -> None:
        """``path`` has been read up to byte ``position``."""
        self.report(min(self.offsets.get(path, 0) + position, self.total), self.total)


def _stored_size(path) -> int:
    if isinstance(path, FilePart):
        return path.end - path.start
    try:
        return os.stat(path).st_size
    except OSError:
        return 0        # reading it raises the error that names it


#: The :class:`ReadProgress` the corpus files read in this context report to, if any.
_READING: contextvars.ContextVar[ReadProgress | None] = contextvars.ContextVar(
    "wordvec_corpus_reading", default=None)


@contextlib.contextmanager
def reading_progress(source: Source, report: Callable[[int, int], None] | None):
    """Within it, every read of the files of ``source`` (counting, encoding) calls
    ``report(done, total)``: the bytes read so far of the ``total`` the files take on disk.
    Nothing for token lists, or without ``report``."""
    files = _resolve(source)[0] if report is not None else None
    if files is None or report is None:
        yield
        return
    token = _READING.set(ReadProgress(files, report))
    try:
        yield
    finally:
        _READING.reset(token)


def _check_text(path: Path, head: bytes) -> None:
    """Raise :class:`CorpusError` if ``head`` (the first bytes of ``path``) looks binary:
    a NUL byte (as git and grep decide), or more than :data:`BINARY_CONTROL_SHARE` control
    bytes. UTF-8 text never holds either; UTF-16 text holds NULs, and is refused too."""
    head = head[:_SNIFF_BYTES]
    if not head:
        return
    control = len(head.translate(None, _NON_CONTROL_BYTES))  # C speed: deletes the rest
    if b"\x00" in head or control > BINARY_CONTROL_SHARE * len(head):
        raise CorpusError(f"corpus file {str(path)!r} looks like a binary file, not text "
                          f"({control:,} control or NUL bytes in its first {len(head):,}); "
                          "pass a text corpus (UTF-8, words separated by spaces)")


def _checked_blocks(f: BinaryIO, path: Path, block_size: int) -> Iterator[bytes]:
    """The non-empty blocks of ``block_size`` bytes of open file ``f``, after checking its
    head is text. The head is at least 4 KiB whatever ``block_size`` is, and is handed out
    in ``block_size`` slices, so the blocks are the same as plain reads would give."""
    head = f.read(max(block_size, 4096))
    _check_text(path, head)
    for start in range(0, len(head), block_size):
        yield head[start:start + block_size]
    while True:
        block = f.read(block_size)
        if not block:
            return
        yield block


def _last_whitespace(data: bytes) -> int:
    """Index of the last ASCII whitespace byte of ``data``, or -1."""
    # The common space first, then the others only after it, so the rare bytes do not each
    # scan the whole block.
    cut = data.rfind(b" ")
    for ws in _ASCII_WHITESPACE[1:]:
        cut = max(cut, data.rfind(ws, cut + 1))
    return cut


def _first_whitespace(data: bytes) -> int:
    """Index of the first ASCII whitespace byte of ``data``, or -1."""
    first, end = -1, len(data)
    for ws in _ASCII_WHITESPACE:  # each search stops where an earlier one found whitespace
        at = data.find(ws, 0, end)
        if at >= 0:
            first = end = at
    return first


def _aligned_blocks(path: Path, block_size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """Yield the bytes of ``path`` in pieces that each end at ASCII whitespace (or at EOF),
    so that no token straddles two pieces.

    Each piece is about ``block_size`` bytes: the token cut by a block's end is carried over
    to the next block. A token carried past :data:`_CARRY_LIMIT` bytes keeps only those
    (they decide its word, see :func:`_cut_word`) and the rest of it is dropped up to the next
    whitespace, so a piece is at most ``block_size + _CARRY_LIMIT`` bytes and time is linear
    even for one token of hundreds of MB. Raises :class:`CorpusError` naming the file if it
    cannot be opened or read, or if its first bytes look binary (:func:`_check_text`).
    """
    carry = b""
    skipping = False  # inside a carried token already cut to _CARRY_LIMIT bytes
    progress = _READING.get()
    try:
        with _open_binary(path) as f:
            for block in _checked_blocks(f, path, block_size):
                if progress is not None:
                    progress.at(path, _stored_position(f))
                if skipping:
                    start = _first_whitespace(block)
                    if start < 0:  # the long token goes on through this whole block
                        continue
                    block = block[start:]
                    skipping = False
                data = carry + block if carry else block
                cut = _last_whitespace(data)
                if cut < 0:  # no whitespace at all: the whole block is part of one token
                    carry, piece = data, b""
                else:
                    carry, piece = data[cut + 1:], data[:cut + 1]
                if len(carry) > _CARRY_LIMIT:
                    carry, skipping = carry[:_CARRY_LIMIT], True
                if piece:
                    yield piece
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as e:
        # An unreadable file (EACCES, EIO, EINVAL from /proc), or a truncated or corrupt
        # .gz/.bz2/.xz.
        raise CorpusError(f"cannot read corpus file {_show_path(path)}: {_reason(e)}") from e
    if carry:
        yield carry


def _byte_sentences(files: list[Path], block_size: int = BLOCK_SIZE,
                    max_sentence: int = MAX_SENTENCE) -> Iterator[list[bytes]]:
    """Sentences of ``files`` as lists of ``bytes`` tokens: one per line, cut every
    ``max_sentence`` tokens; empty lines skipped. A sentence never spans two files."""
    for path in files:
        pending: list[bytes] = []  # tokens of the current line not yet yielded
        for piece in _aligned_blocks(path, block_size):
            lines = piece.split(b"\n")
            # The last element is the start of a line that goes on in the next piece ("" when
            # the piece ends with a newline); all the others end at a newline.
            for i, line in enumerate(lines):
                tokens = line.split()
                if pending:
                    pending.extend(tokens)
                    tokens, pending = pending, []
                last = i == len(lines) - 1
                n = len(tokens)
                # Yield whole max_sentence chunks now; keep the rest if the line goes on.
                full = n - n % max_sentence if last else n
                for start in range(0, full, max_sentence):
                    yield tokens[start:start + max_sentence]
                if last and full < n:
                    pending = tokens[full:]
        if pending:
            yield pending


def _cut(tokens: list, max_sentence: int) -> Iterator[list]:
    if len(tokens) <= max_sentence:
        if tokens:
            yield tokens
        return
    for start in range(0, len(tokens), max_sentence):
        yield tokens[start:start + max_sentence]


def _token_lists(source: Iterable | None) -> Iterator[list]:
    """Each sentence of an in-memory source (None: none) as a list, checked to be a token
    sequence."""
    for i, sentence in enumerate(source or ()):
        if isinstance(sentence, (str, bytes)):
            raise CorpusError(
                f"sentence {i} of the corpus is a {type(sentence).__name__} "
                f"({sentence[:40]!r}), not a list of tokens; split it first, e.g. "
                "[line.split() for line in lines], or pass a file path")
        if isinstance(sentence, list):
            yield sentence
        else:
            try:
                yield list(sentence)
            except TypeError:
                raise CorpusError(f"sentence {i} of the corpus is a {type(sentence).__name__}, "
                                  "not a list of tokens") from None


def _check_sizes(block_size: int, max_sentence: int) -> None:
    # Checked eagerly: the generators that use them would only fail at the first next().
    if block_size <= 0:
        raise ValueError(f"block_size must be > 0, got {block_size}")
    if max_sentence <= 0:
        raise ValueError(f"max_sentence must be > 0, got {max_sentence}")


def _cut_word(token: bytes) -> bytes:
    """The first :data:`MAX_WORD_BYTES` bytes of a longer ``token``, moved back to the start
    of a UTF-8 character so that a valid character is never split (no invalid UTF-8 is made).

    The one rule for long tokens, wherever they are decoded (counting, encoding, streaming);
    it reads bytes ``[0, MAX_WORD_BYTES]`` only, so a token of which only the first
    :data:`_CARRY_LIMIT` bytes were kept gives the same word as the whole token.
    """
    end = MAX_WORD_BYTES
    # A continuation byte (0b10xxxxxx) at the cut means a character straddles it; its lead
    # byte is at most 3 bytes before, as a UTF-8 character has at most 4 bytes.
    for back in range(4):
        if token[end - back] & 0xC0 != 0x80:
            return token[:end - back]
    return token[:end]  # 4 continuation bytes in a row: invalid anyway, cut where it falls


def _decode(token: bytes) -> str:
    """The word of a byte token: cut if long (:func:`_cut_word`), invalid bytes -> U+FFFD."""
    if len(token) > MAX_WORD_BYTES:
        token = _cut_word(token)
    return token.decode("utf-8", "replace")


def decode_token(token: bytes) -> tuple[str, bool, bool]:
    """``(word, cut, invalid)``: the word :func:`_decode` makes of a byte token, whether it
    was cut to :data:`MAX_WORD_BYTES` and whether (the part kept) held invalid UTF-8, for
    the readers that count and warn. ASCII tokens (nearly all, in English) skip the strict
    decode attempt."""
    cut = len(token) > MAX_WORD_BYTES
    if cut:
        token = _cut_word(token)
    if token.isascii():
        return token.decode("ascii"), cut, False
    try:
        return token.decode("utf-8"), cut, False
    except UnicodeDecodeError:
        return token.decode("utf-8", "replace"), cut, True


def _decode_sentence(tokens: list[bytes]) -> list[str]:
    """``[_decode(t) for t in tokens]``, for a non-empty sentence, without a Python call per
    token: one C-level pass over the lengths finds whether any token must be cut."""
    if max(map(len, tokens)) > MAX_WORD_BYTES:
        return [_decode(t) for t in tokens]
    return [t.decode("utf-8", "replace") for t in tokens]


#: What separates words, as str: the ASCII whitespace the reader splits on. Nothing else
#: (not U+00A0, U+0085, U+3000 or the other characters ``str.split()`` also splits on) ends a
#: word, in the corpus reader and in the word2vec readers and writers alike.
WORD_SEPARATORS = frozenset(b.decode("ascii") for b in _ASCII_WHITESPACE)


def word_problem(word) -> str | None:
    """Why ``word`` cannot be a word of the word2vec formats, or None when it can: the one
    rule shared by the corpus reader (which only ever produces such words), the word2vec
    readers and the writers. A word is a non-empty ``str`` holding none of
    :data:`WORD_SEPARATORS` and encodable as UTF-8 (no lone surrogates)."""
    if not isinstance(word, str):
        return f"it is a {type(word).__name__}, not a str"
    if not word:
        return "it is empty"
    if not WORD_SEPARATORS.isdisjoint(word):
        return "it holds ASCII whitespace (space, tab, line break), which separates words"
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return "it holds a lone surrogate, which UTF-8 cannot encode"
    return None


# --------------------------------------------------------------------------------------------
# Public API


def iter_sentences(source: Source, *, block_size: int = BLOCK_SIZE,
                   max_sentence: int = MAX_SENTENCE) -> Iterator[list[str]]:
    """Stream the sentences of a corpus source (see the module docstring).

    Returns an iterator of non-empty ``list[str]``, each at most ``max_sentence`` tokens long.
    The source is checked when this is called, so a missing file raises here, not at the
    first ``next()``. Raises :class:`CorpusError` (missing path, empty folder, a sentence that
    is a string) or :class:`NotReiterableError` (a one-shot generator).
    """
    _check_sizes(block_size, max_sentence)
    files, sentences = _resolve(source)
    if files is not None:
        return map(_decode_sentence, _byte_sentences(files, block_size, max_sentence))
    return (chunk for s in _token_lists(sentences) for chunk in _cut(s, max_sentence))


def _check_tokens(tokens: Iterable) -> None:
    """Raise :class:`CorpusError` at the first token of ``tokens`` that is not a ``str``."""
    for token in tokens:
        if not isinstance(token, str):
            raise CorpusError(f"the corpus holds a token of type {type(token).__name__} "
                              f"({shown(token)}); tokens must be str")


@dataclass(frozen=True, eq=False)  # eq would compare arrays elementwise
class EncodedCorpus:
    """A corpus as word ids, ready for a trainer.

    ids: (T,) int32 ids of the in-vocabulary tokens, in corpus order; out-of-vocabulary tokens
        are already dropped, as word2vec.c and gensim drop them before windowing. A read-only
        ``np.memmap`` over a temporary file when the corpus is large (see :func:`encode`).
    bounds: (S+1,) int64 sentence offsets: sentence ``i`` is ``ids[bounds[i]:bounds[i+1]]``;
        ``bounds[0] == 0``, ``bounds[-1] == T``. Every sentence is non-empty (sentences left
        empty by dropping OOV words are dropped).
    raw_words: tokens read, out-of-vocabulary ones included (word2vec.c's ``train_words``
        counts only vocabulary words; this is the input size, for progress and reports).
    fingerprint: what the trainer sees, as 32 hex digits: BLAKE2b (``digest_size=16``) of
        ``ids`` as int32 little-endian bytes followed by ``bounds`` as int64 little-endian
        bytes. Equal for equal ids and bounds, whatever the source's form (a file, its .gz,
        token lists) and whether ``ids`` is a memmap; any changed id or moved sentence
        boundary changes it. "" when not computed (built by hand).
    """

    ids: np.ndarray
    bounds: np.ndarray
    raw_words: int
    fingerprint: str = ""

    @property
    def n_sentences(self) -> int:
        """S, the number of sentences."""
        return int(self.bounds.shape[0]) - 1

    @property
    def tokens(self) -> int:
        """T, the number of ids."""
        return int(self.ids.shape[0])

    @property
    def longest_sentence(self) -> int:
        """The ids of the longest sentence (0 for an empty corpus)."""
        return int(np.diff(self.bounds).max()) if self.n_sentences else 0

    def sentence(self, i: int) -> np.ndarray:
        """Sentence ``i`` as a (length,) int32 view into ``ids``."""
        return self.ids[self.bounds[i]:self.bounds[i + 1]]


class _IdSink:
    """Collects id chunks in memory; past ``threshold`` bytes, spills them to a temporary
    file and returns a memmap of it at the end. For files of more than ``threshold`` bytes
    of text in all (:func:`_sink_for`) it spills from the first chunk: their ids are likely
    to pass the threshold, and chunks held until then (64 MiB) would stay in the heap."""

    def __init__(self, threshold: int, tmp_dir, spill_now: bool = False):
        self.threshold = -1 if spill_now else threshold
        self.tmp_dir = tmp_dir
        self.chunks: list[np.ndarray] = []
        self.nbytes = 0
        self.file: IO[bytes] | None = None

    def append(self, ids: np.ndarray) -> None:
        self.nbytes += ids.nbytes
        if self.file is None:
            self.chunks.append(ids)
            if self.nbytes > self.threshold:
                # Named as wordvec.io names its temporaries (.NAME.wordvec-PID-RANDOM.tmp),
                # so a later run removes the file of a run that was killed while encoding.
                self.file = tempfile.NamedTemporaryFile(
                    prefix=f".ids.wordvec-{os.getpid()}-", suffix=".tmp", dir=self.tmp_dir,
                    delete=False)
                for chunk in self.chunks:
                    self.file.write(chunk.data)
                self.chunks = []
        else:
            self.file.write(ids.data)

    def finish(self, writable: bool = False) -> np.ndarray:
        """The ids collected; a memmap of the spilled file, read-only unless ``writable``
        (an in-memory result is always writable)."""
        if self.file is None or not self.nbytes:   # nothing to map: no ids were kept
            self.abort()
            return (np.concatenate(self.chunks) if self.chunks
                    else np.empty(0, dtype=np.int32))
        self.file.close()
        path = self.file.name
        ids = np.memmap(path, dtype=np.int32, mode="r+" if writable else "r",
                        shape=(self.nbytes // 4,))
        try:
            # POSIX: the mapping keeps the data alive and the disk space is freed when the
            # last view goes, even if the process dies; nothing is left behind in tmp.
            os.unlink(path)
        except OSError:  # Windows cannot delete a mapped file: delete it when unmapped
            weakref.finalize(ids._mmap, _remove_quietly, path)  # type: ignore[attr-defined]
        return ids

    def abort(self) -> None:
        if self.file is not None:
            self.file.close()
            _remove_quietly(self.file.name)


def _sink_for(files: list, threshold: int, tmp_dir) -> _IdSink:
    """The sink of the ids of ``files``: spilling from the start when their text (as stored:
    a compressed file counts its compressed bytes) is larger than ``threshold``. The sizes
    are summed only until they pass it (a large folder's files are not all stat'd again)."""
    text = 0
    for f in files:
        text += f.end - f.start if isinstance(f, FilePart) else _stat(f).st_size
        if text > threshold:
            return _IdSink(threshold, tmp_dir, spill_now=True)
    return _IdSink(threshold, tmp_dir, spill_now=False)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _batches(sentences: Iterator[list], batch_tokens: int) -> Iterator[tuple[list, list[int]]]:
    """Group sentences into (flat token list, sentence lengths) of about ``batch_tokens``."""
    flat: list = []
    lengths: list[int] = []
    for s in sentences:
        flat.extend(s)
        lengths.append(len(s))
        if len(flat) >= batch_tokens:
            yield flat, lengths
            flat, lengths = [], []
    if lengths:
        yield flat, lengths


def encode(source: Source, word_to_id: Mapping[str, int], *, block_size: int = BLOCK_SIZE,
           max_sentence: int = MAX_SENTENCE, memmap_threshold: int = MEMMAP_THRESHOLD,
           tmp_dir: str | os.PathLike | None = None) -> EncodedCorpus:
    """Map a corpus source to word ids with ``word_to_id``, a mapping word -> id (for a
    :class:`wordvec.vocab.Vocab`, its ``word_to_id``); ids must be >= 0.

    The result equals, sentence by sentence,
    ``[[word_to_id[w] for w in s if w in word_to_id] for s in iter_sentences(source)]`` with
    empty sentences dropped, flattened into ``ids: (T,) int32`` with ``bounds: (S+1,) int64``
    (see :class:`EncodedCorpus`). When the ids exceed ``memmap_threshold`` bytes they are
    written to a temporary file in ``tmp_dir`` (default: the system's) and ``ids`` is a
    read-only ``np.memmap`` of it; the file is deleted as soon as it is mapped (POSIX), so
    it never outlives the array. The ids are hashed as they are produced into
    :attr:`EncodedCorpus.fingerprint` (text8-head's 8 MB of ids: 11-15 ms, 2% of encoding).
    Raises :class:`CorpusError` for a path that cannot be read, a file that looks binary
    (see the module docstring) or a token that is not a ``str``, as counting does; TypeError
    if ``word_to_id`` is not a mapping (a ``Vocab`` itself: pass ``vocab.word_to_id``).
    """
    if not isinstance(word_to_id, Mapping):
        raise TypeError(f"encode takes a mapping word -> id such as vocab.word_to_id, got a "
                        f"{type(word_to_id).__name__}")
    _check_sizes(block_size, max_sentence)
    files, token_lists = _resolve(source)
    ids_of: _FileIds | _TokenIds
    if files is not None:
        ids_of = _FileIds(word_to_id)
        sentences = _byte_sentences(files, block_size, max_sentence)
    else:
        ids_of = _TokenIds(word_to_id)
        sentences = (c for s in _token_lists(token_lists) for c in _cut(s, max_sentence))
    sink = (_sink_for(files, memmap_threshold, tmp_dir) if files is not None
            else _IdSink(memmap_threshold, tmp_dir))
    hasher = hashlib.blake2b(digest_size=16)
    kept_lengths: list[np.ndarray] = []
    raw_words = 0
    try:
        for flat, lengths in _batches(sentences, _ENCODE_BATCH):
            raw_words += len(flat)
            kept_ids, kept = _kept(ids_of(flat), lengths)
            kept_lengths.append(kept)
            hasher.update(np.ascontiguousarray(kept_ids, dtype="<i4").data)  # no copy on x86/ARM
            sink.append(kept_ids)
    except BaseException:
        sink.abort()
        raise
    return _encoded(sink.finish(), kept_lengths, raw_words, hasher)


def _encoded(ids: np.ndarray, kept_lengths: list[np.ndarray], raw_words: int,
             hasher) -> EncodedCorpus:
    """The :class:`EncodedCorpus` of the kept ``ids`` (already hashed into ``hasher``) and
    the kept sentence lengths of each batch; the bounds are hashed last."""
    lengths = (np.concatenate(kept_lengths) if kept_lengths
               else np.empty(0, dtype=np.int64))
    bounds = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    hasher.update(np.ascontiguousarray(bounds, dtype="<i8").data)
    return EncodedCorpus(ids=ids, bounds=bounds, raw_words=raw_words,
                         fingerprint=hasher.hexdigest())


def _kept(ids: np.ndarray, lengths: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The in-vocabulary ids (>= 0) of a batch and the lengths of its sentences that keep
    any, from sentence ``lengths`` and a running count of kept tokens."""
    keep = ids >= 0
    running = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    ends = np.cumsum(lengths, dtype=np.int64)
    kept = running[ends] - running[ends - np.asarray(lengths, dtype=np.int64)]
    return ids[keep], kept[kept > 0]


class _TokenIds:
    """Ids of a batch of tokens from token lists (-1 out of vocabulary); a token that is
    not found is checked to be a ``str``."""

    def __init__(self, word_to_id: Mapping[str, int]):
        self.word_to_id = word_to_id

    def __call__(self, flat: list) -> np.ndarray:
        try:
            ids = np.fromiter(map(self.word_to_id.get, flat, repeat(-1)), dtype=np.int32,
                              count=len(flat))
        except TypeError:  # an unhashable token in a token list
            _check_tokens(flat)
            raise
        missing = np.flatnonzero(ids == -1)
        if missing.size:   # only tokens not found can be of a wrong type: check just those
            _check_tokens(map(flat.__getitem__, missing.tolist()))
        return ids


class _FileIds:
    """Ids of a batch of file tokens (bytes; -1 out of vocabulary).

    bytes -> id for the words as they appear in valid UTF-8; a token not found there (out of
    vocabulary, or invalid UTF-8 that decodes to a vocabulary word) is decoded and its id
    (or -1) cached, so a token is decoded once while the cache holds it. The cache is emptied
    past _ENCODE_CACHE tokens: a corpus of many millions of distinct rare words must not grow
    it without bound. A vocabulary word longer than MAX_WORD_BYTES (from token lists) is left
    out: a file token of its bytes must be cut first, as when counting, so it must be
    resolved.
    """
    UNSEEN = -2

    def __init__(self, word_to_id: Mapping[str, int]):
        self.word_to_id = word_to_id
        self.lookup = {b: i for b, i in ((w.encode("utf-8", "surrogatepass"), i)
                                         for w, i in word_to_id.items())
                       if len(b) <= MAX_WORD_BYTES}
        self.cached: list[bytes] = []

    def __call__(self, flat: list) -> np.ndarray:
        ids = np.fromiter(map(self.lookup.get, flat, repeat(self.UNSEEN)), dtype=np.int32,
                          count=len(flat))
        missing = np.flatnonzero(ids == self.UNSEEN)
        if missing.size:
            ids[missing] = [self.resolve(flat[j]) for j in missing.tolist()]
        return ids

    def resolve(self, token: bytes) -> int:
        wid = self.lookup.get(token, self.UNSEEN)  # resolved earlier in this batch?
        if wid != self.UNSEEN:
            return wid
        wid = self.word_to_id.get(_decode(token), -1)  # _decode cuts a long token
        if len(token) > MAX_WORD_BYTES:
            return wid  # not cached: a cache of long tokens would hold their bytes
        if len(self.cached) >= _ENCODE_CACHE:
            for old in self.cached:
                del self.lookup[old]
            self.cached.clear()
        self.lookup[token] = wid
        self.cached.append(token)
        return wid


# ----------------------------------------------------------------------------------------
# Reading a file corpus once: the tokens as ids before the vocabulary is known.


@dataclass(frozen=True, eq=False)  # eq would compare arrays elementwise
class TokenStream:
    """A file corpus read once, before its vocabulary is known (:func:`read_tokens`), so
    that counting and encoding need not each read and split the text.

    - ``tokens``: the distinct byte tokens, in order of first occurrence; a token longer than
      :data:`MAX_WORD_BYTES` is held as its first ``_CARRY_LIMIT`` bytes, which decide its
      word (:func:`_cut_word`).
    - ``ids``: (raw_words,) int32, every token of the corpus as its index in ``tokens``;
      writable (:func:`encode_stream` compacts it in place), a memmap of a temporary file
      when it is larger than the encoder's threshold.
    - ``lengths``: (S,) int64, the tokens of each sentence, as the reader cuts them (never 0).
    - ``file_ends``: the offset in ``ids`` where each file's tokens end, in reading order.
    - ``files``: the files, in reading order.
    """

    tokens: list[bytes]
    ids: np.ndarray
    lengths: np.ndarray
    file_ends: list[int]
    files: list[Path]

    @property
    def raw_words(self) -> int:
        """Tokens read."""
        return int(self.ids.shape[0])


def read_tokens(source: Source, *, max_distinct: int, max_token_bytes: int,
                block_size: int = BLOCK_SIZE, max_sentence: int = MAX_SENTENCE,
                memmap_threshold: int = MEMMAP_THRESHOLD,
                tmp_dir: str | os.PathLike | None = None) -> TokenStream | None:
    """Read a path source once into a :class:`TokenStream`: the sentences
    :func:`iter_sentences` yields, each token as the index of its distinct byte token.

    The pieces of each file (:func:`_aligned_blocks`) are split and numbered by a Numba
    kernel (:class:`wordvec.scan.TokenScanner`, imported here so that reading a corpus in
    any other way never loads Numba) by the rules :func:`_byte_sentences` follows; a token
    longer than :data:`MAX_WORD_BYTES` is held by its first ``_CARRY_LIMIT`` bytes.

    Returns None for token lists (they are in memory: counting and encoding them costs no
    reading), and as soon as a piece leaves more than ``max_distinct`` distinct tokens, or
    distinct tokens of more than ``max_token_bytes`` bytes in all, held: the caller then
    counts with word2vec.c's pruning and encodes in a second pass, whose memory is bounded.
    Raises :class:`CorpusError` as :func:`encode` does.
    """
    _check_sizes(block_size, max_sentence)
    files, _ = _resolve(source)
    if files is None:
        return None
    require_numba()
    from .scan import TokenScanner

    scanner = TokenScanner(_CARRY_LIMIT, max_sentence)
    sink = _sink_for(files, memmap_threshold, tmp_dir)
    lengths: list[np.ndarray] = []
    file_ends: list[int] = []
    raw_words = 0
    try:
        for path in files:
            for piece in _aligned_blocks(path, block_size):
                ids, finished = scanner.scan(piece)
                if scanner.distinct > max_distinct or scanner.key_bytes > max_token_bytes:
                    sink.abort()
                    return None
                sink.append(ids)
                lengths.append(finished)
                raw_words += ids.shape[0]
            lengths.append(scanner.end_file())
            file_ends.append(raw_words)
    except BaseException:
        sink.abort()
        raise
    # Each file adds its end_file() array, so ``lengths`` is never empty.
    return TokenStream(tokens=scanner.tokens(), ids=sink.finish(writable=True),
                       lengths=np.concatenate(lengths), file_ends=file_ends, files=files)


def encode_stream(stream: TokenStream, id_of_token: np.ndarray) -> EncodedCorpus:
    """The :class:`EncodedCorpus` of a :class:`TokenStream` once its vocabulary is known:
    ``id_of_token[i]`` (int32) is the word id of ``stream.tokens[i]``, -1 out of vocabulary.

    Equal, array for array and fingerprint for fingerprint, to :func:`encode` of the same
    source with the same vocabulary. The stream's ids are compacted in place, a batch of
    sentences at a time (the kept ids never overtake the ones still to be read), so no
    second copy of the corpus is made; the stream is spent.
    """
    ids = stream.ids
    pages = CorpusPages(ids)
    ends = np.cumsum(stream.lengths)
    hasher = hashlib.blake2b(digest_size=16)
    kept_lengths: list[np.ndarray] = []
    written = first = start = released = 0
    while first < stream.lengths.shape[0]:
        last = max(int(np.searchsorted(ends, start + _ENCODE_BATCH, side="right")), first + 1)
        stop = int(ends[last - 1])
        kept_ids, kept = _kept(id_of_token[ids[start:stop]], stream.lengths[first:last])
        ids[written:written + kept_ids.shape[0]] = kept_ids
        hasher.update(np.ascontiguousarray(kept_ids, dtype="<i4").data)
        written += kept_ids.shape[0]
        pages.release(released, written)    # encoded: a mapped corpus keeps what is next
        released = written
        kept_lengths.append(kept)
        first, start = last, stop
    encoded = ids[:written]
    encoded.flags.writeable = False
    return _encoded(encoded, kept_lengths, stream.raw_words, hasher)


def file_stats(source: Source) -> list[tuple[str, int, int]] | None:
    """The files a path source stands for, as the reader finds them, in the order it reads
    them: ``[(absolute path, size in bytes, st_mtime_ns), ...]``; None for token lists.

    For a checkpoint to tell a changed corpus cheaply (a size or a time differs) before
    comparing :attr:`EncodedCorpus.fingerprint`. Links are followed (the size and time are
    the target's; the path is the link's). Raises :class:`CorpusError` as the reader would
    for a path source that cannot be read.
    """
    if not _names_paths(source):
        return None
    files, _ = _resolve(source)
    stats = []
    for path in files or ():
        st = _stat(path)
        stats.append((os.path.abspath(path), st.st_size, st.st_mtime_ns))
    return stats
