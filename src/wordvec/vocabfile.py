"""word2vec.c's vocabulary file (``-save-vocab`` / ``-read-vocab``): ``word count`` lines.

word2vec.c's ``SaveVocab`` writes one ``word count\\n`` line per word of its vocabulary, in
vocabulary order: ``</s>`` first, then the words by count, most frequent first. Its ``</s>``
is the end of a line: ``ReadWord`` turns every newline of the training file into the token
``</s>`` (so its count is the number of newlines, plus any literal ``</s>`` tokens), and
``SortVocab`` keeps it at index 0, exempt from ``min_count``, where the training loop takes
word 0 for the end of a sentence.

Our :class:`~wordvec.vocab.Vocab` has no ``</s>``: sentences end by structure, not by a
token. So:

- :func:`save_vocab` always writes a ``</s>`` line first, with the count ``newlines`` (what
  word2vec.c would have counted: :func:`count_newlines` counts it for a corpus's files; 0
  when not given), because word2vec.c reading a file without it would take the first word
  (the most frequent) for its end of sentence. A literal ``</s>`` word of the vocabulary is
  added into that line, as word2vec.c counts the two together.
- :func:`read_vocab` reads a ``</s>`` line, wherever it is, as that newline count and leaves
  it out of the vocabulary (:func:`parse_vocab` returns the count); every other line is a
  word. (word2vec.c's ``ReadVocab`` instead keeps whatever the first line holds at index 0,
  unsorted and exempt from ``min_count``, and sorts a ``</s>`` found further down among the
  words; for its own files, ``</s>`` first, the two agree.)

A file written by word2vec.c for a corpus therefore reads back into the vocabulary
:meth:`Vocab.build <wordvec.vocab.Vocab.build>` counts for it with the same ``min_count``:
the same words with the same counts, in the same order where word2vec.c's ``qsort`` kept
words of equal count in their order of first occurrence (glibc's merge sort does; C does not
promise it). Differences of word2vec.c's counting that such a file shows: a file's last word
is not counted when no whitespace follows it (its ``ReadWord`` meets the end of the file and
the word is dropped), words are cut at 99 bytes (ours at
:data:`~wordvec.corpus.MAX_WORD_BYTES`), and above 21 million distinct words it prunes rare
words (ours with ``prune_at``).

Words are bytes in the file, decoded as the corpus reader decodes tokens
(cut to :data:`~wordvec.corpus.MAX_WORD_BYTES` bytes,
invalid UTF-8 replaced by U+FFFD), so that they are the words the corpus reader produces.
Lines whose different bytes decode to one word are merged into it, counts added, as
:func:`~wordvec.vocab.count_words` merges such tokens, with an
:class:`~wordvec.corpus.InvalidUTF8Warning` or :class:`~wordvec.corpus.LongWordWarning`.

The reader checks every line and streams the file (gzip, bz2 or xz too, told by content):
a line that is not ``word count`` (a word of bytes other than space, tab, carriage return
and NUL, one or more spaces or tabs, a decimal count below 2**63, optional trailing spaces or
tabs and a Windows line end), a word repeated, an empty file, a binary file, a line longer
than :data:`MAX_LINE_BYTES` and counts adding up to 2**63 or more each raise a one-line
:class:`~wordvec.io.VectorFileError` naming the file and the line.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import os
import re
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

from .corpus import (
    InvalidUTF8Warning,
    LongWordWarning,
    Source,
    _open_binary,
    _resolve,
    decode_token,
    word_problem,
)
from .errors import ConfigError, WriteError, shown
from .inputfile import open_input
from .io.atomic import atomic_write
from .io.errors import VectorFileError, _cap, pickle_problem
from .vocab import Vocab, VocabError

__all__ = ["EOS", "MAX_LINE_BYTES", "VocabFile", "count_newlines", "parse_vocab", "read_vocab",
           "save_vocab"]

#: word2vec.c's end-of-line token, the first entry of its vocabulary files.
EOS = "</s>"
_EOS_BYTES = EOS.encode("ascii")

#: Longest line :func:`parse_vocab` reads, in bytes (its line end excluded): a word is at
#: most :data:`~wordvec.corpus.MAX_WORD_BYTES` long once read, so a longer line is no
#: vocabulary; the bound keeps one hostile line from taking the memory.
MAX_LINE_BYTES = 1 << 20

_INT64_LIMIT = 2 ** 63

_LINE = re.compile(rb"([^ \t\r\x00]+)[ \t]+([0-9]+)[ \t]*")
_FIELDS = re.compile(rb"[ \t]+")

#: Compressed files, told by their first bytes.
_MAGIC_OPENERS = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))

#: Words written per chunk by :func:`save_vocab`.
_WRITE_CHUNK = 1 << 16


@dataclass(frozen=True)
class VocabFile:
    """The content of a vocabulary file, as :func:`parse_vocab` reads it.

    words: ``list[str]`` of the file's words in file order (``</s>`` left out, words whose
    bytes decode alike merged at the first); counts: (len(words),) int64, their counts;
    newlines: the count of the ``</s>`` line, or None when the file has none.
    """

    words: list[str]
    counts: np.ndarray
    newlines: int | None


def _open(path):
    """The file open for binary reading, decompressed when its first bytes say so."""
    try:
        f = open_input(path)
    except IsADirectoryError:
        raise VectorFileError(path, "is a folder, not a vocabulary file") from None
    except OSError as exc:
        raise VectorFileError(path, f"cannot be read: {exc.strerror or _cap(exc)}") from None
    magic = f.read(6)
    f.seek(0)
    for prefix, opener in _MAGIC_OPENERS:
        if magic.startswith(prefix):
            f.close()
            return opener(path, "rb")
    return f


def _line_problem(content: bytes) -> str:
    """Why ``content`` (a line without its line end) is not ``word count``."""
    if b"\x00" in content:
        return "it holds a NUL byte: this is a binary file, not a vocabulary file"
    if content[:1] in (b" ", b"\t"):
        return ("it starts with a space or tab: expected 'word count' (an empty word cannot "
                "be read back)")
    fields = _FIELDS.split(content.rstrip(b" \t"))
    if len(fields) == 1:
        return f"it holds the word {shown(fields[0], 60, decode=True)} but no count"
    if len(fields) > 2:
        return (f"it has {len(fields)} fields separated by spaces or tabs, expected 2, "
                "'word count' (a word cannot hold a space or tab)")
    if b"\r" in fields[0]:
        return "its word holds a carriage return, which cannot be part of a word"
    return (f"the count {shown(fields[1], 60, decode=True)} is not a non-negative whole "
            "number: expected 'word count'")


def parse_vocab(path) -> VocabFile:
    """Read a vocabulary file as it is (see the module docstring): its words and counts in
    file order, nothing dropped or sorted, and the count of its ``</s>`` line.

    Streams the file, a line of at most :data:`MAX_LINE_BYTES` bytes at a time; raises
    :class:`~wordvec.io.VectorFileError` naming the file and line for what the module
    docstring lists, and for a file that holds no word besides ``</s>``.
    """
    path = os.fspath(path)
    words: list[str] = []
    counts: list[int] = []
    where: dict[str, int] = {}         # word -> its position in words
    first_line: list[int] = []         # the line of each word
    clean: bytearray = bytearray()     # 1 where the word was read from its own bytes
    lossy_seen: set[bytes] = set()     # the bytes of words read with a cut or a U+FFFD
    newlines: int | None = None
    eos_line = 0
    invalid = cut = total = 0
    line = 0
    with _open(path) as f:
        try:
            while True:
                raw = f.readline(MAX_LINE_BYTES + 2)
                if not raw:
                    break
                line += 1
                if line == 1:
                    problem = pickle_problem(raw[:64])
                    if problem is not None:
                        raise VectorFileError(path, problem, line=1)
                content = raw[:-1] if raw.endswith(b"\n") else raw
                if content.endswith(b"\r"):
                    content = content[:-1]
                if len(content) > MAX_LINE_BYTES:
                    raise VectorFileError(path, f"the line is longer than {MAX_LINE_BYTES:,} "
                                          "bytes: this is no vocabulary file of 'word count' "
                                          "lines", line=line)
                if not content:
                    raise VectorFileError(path, "the line is empty: expected 'word count'",
                                          line=line)
                match = _LINE.fullmatch(content)
                if match is None:
                    raise VectorFileError(path, _line_problem(content), line=line)
                token, digits = match.groups()
                count = int(digits) if len(digits) <= 19 else _INT64_LIMIT
                if count >= _INT64_LIMIT:
                    raise VectorFileError(path, f"the count {shown(digits, 60)} is too large "
                                          "(at most 2**63 - 1)", line=line)
                if token == _EOS_BYTES:
                    if newlines is not None:
                        raise VectorFileError(path, f"{EOS} appears twice (first on line "
                                              f"{eos_line})", line=line)
                    newlines, eos_line = count, line
                    continue
                total += count
                if total >= _INT64_LIMIT:
                    raise VectorFileError(path, "the counts add up to 2**63 or more, beyond "
                                          "a 64-bit count", line=line)
                # Decoded as the corpus reader decodes a token.
                word, was_cut, was_invalid = decode_token(token)
                lossless = not (was_cut or was_invalid)
                cut += was_cut
                invalid += was_invalid
                position = where.get(word)
                if position is None:
                    where[word] = len(words)
                    words.append(word)
                    counts.append(count)
                    first_line.append(line)
                    clean.append(1 if lossless else 0)
                    if not lossless:
                        lossy_seen.add(token)
                    continue
                # The word is known: the same bytes again is a repeated word; other bytes
                # that decode to it are merged, as the corpus reader merges such tokens.
                if (clean[position] if lossless else token in lossy_seen):
                    raise VectorFileError(path, f"the word {shown(word, 60)} appears twice "
                                          f"(first on line {first_line[position]})",
                                          line=line)
                if lossless:
                    clean[position] = 1
                else:
                    lossy_seen.add(token)
                counts[position] += count
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
            raise VectorFileError(path, f"cannot read it ({_cap(exc)}); the file is damaged "
                                  "or truncated", line=line + 1) from None
    if line == 0:
        raise VectorFileError(path, "the file is empty: expected 'word count' lines")
    if not words:
        raise VectorFileError(path, f"the file holds no word besides {EOS}")
    if invalid:
        warnings.warn(InvalidUTF8Warning(invalid, path), stacklevel=3)
    if cut:
        warnings.warn(LongWordWarning(cut, path), stacklevel=3)
    return VocabFile(words, np.array(counts, dtype=np.int64), newlines)


def read_vocab(path, min_count: int = 1) -> Vocab:
    """The vocabulary of a word2vec.c vocabulary file, as word2vec.c's ``ReadVocab`` and
    ``SortVocab`` make it (see the module docstring for ``</s>``).

    Words counted fewer than ``min_count`` times (an integer >= 0; word2vec.c applies its
    ``-min-count``, default 5) are dropped, the others sorted by count, most frequent first;
    words of equal count keep their file order (word2vec.c's ``qsort`` promises no order for
    them). A file written by :func:`save_vocab` therefore reads back into the same words and
    counts in the same order. ``raw_words`` is the sum of the counts of every word of the
    file, those below ``min_count`` included (the tokens the words counted; words the writer
    had already dropped, and the ``</s>`` line, are not in it).

    Raises :class:`~wordvec.io.VectorFileError` for a file that cannot be read (see
    :func:`parse_vocab`), :class:`~wordvec.vocab.VocabError` when no word reaches
    ``min_count``, :class:`~wordvec.errors.ConfigError` for a ``min_count`` that is not an
    integer >= 0.
    """
    if isinstance(min_count, (bool, np.bool_)) or not isinstance(min_count, (int, np.integer)) \
            or min_count < 0:
        raise ConfigError(f"min_count must be an integer >= 0, got {shown(min_count)}")
    parsed = parse_vocab(path)
    keep = np.flatnonzero(parsed.counts >= min_count)
    if keep.size == 0:
        top = int(np.argmax(parsed.counts))
        raise VocabError(
            f"no word of {os.fspath(path)} occurs at least min_count={min_count} times: the "
            f"largest count is {int(parsed.counts[top])} (the word "
            f"{shown(parsed.words[top])}), among {len(parsed.words):,} words; use "
            f"min_count={int(parsed.counts[top])} or lower")
    kept = parsed.counts[keep]
    order = keep[np.argsort(-kept, kind="stable")]      # count descending, file order in ties
    return Vocab([parsed.words[i] for i in order.tolist()], parsed.counts[order],
                 raw_words=int(parsed.counts.sum()))


def save_vocab(path, vocab: Vocab, *, newlines: int = 0) -> None:
    """Write ``vocab`` as word2vec.c's ``SaveVocab`` does, atomically: ``</s> newlines``
    first, then ``word count\\n`` per word in vocabulary order, UTF-8.

    vocab: a :class:`~wordvec.vocab.Vocab` (its words as
    :func:`wordvec.corpus.word_problem` allows: what the corpus reader produces). newlines:
    the count of the ``</s>`` line, an integer >= 0: word2vec.c's number of newlines of the
    training file (:func:`count_newlines`); 0 when unknown, which word2vec.c reads as well
    (``</s>`` stays at index 0 whatever its count). A word ``</s>`` of ``vocab`` is added into
    that line rather than written twice (word2vec.c counts the two together).

    Raises :class:`~wordvec.errors.ConfigError` for a bad ``newlines``,
    :class:`~wordvec.errors.WriteError` naming the first word that cannot be written (before
    anything is written) or the system's cause (see
    :func:`~wordvec.io.atomic.atomic_write`).
    """
    path = os.fspath(path)
    if isinstance(newlines, (bool, np.bool_)) or not isinstance(newlines, (int, np.integer)) \
            or not 0 <= newlines < _INT64_LIMIT:
        raise ConfigError(f"newlines must be an integer from 0 to 2**63 - 1, got "
                          f"{shown(newlines)}")
    words = vocab.words
    counts = vocab.counts.tolist()
    for i, word in enumerate(words):
        problem = word_problem(word)
        if problem is not None:
            raise WriteError(path, f"word {i} ({shown(word, 60)}) cannot be written in a "
                             f"vocabulary file: {problem}")
    eos = int(newlines)
    position = vocab.word_to_id.get(EOS)
    if position is not None:
        eos += counts[position]
    with atomic_write(path, "wb") as f:
        f.write(f"{EOS} {eos}\n".encode("ascii"))
        for start in range(0, len(words), _WRITE_CHUNK):
            text = "".join(f"{words[i]} {counts[i]}\n"
                           for i in range(start, min(start + _WRITE_CHUNK, len(words)))
                           if i != position)
            f.write(text.encode("utf-8"))


def count_newlines(source: Source) -> int:
    """The newline bytes of a corpus's files: the count word2vec.c gives ``</s>`` (every
    ``\\n`` of its training file is one ``</s>`` token). source: a path, a folder or a list
    of them, read as :mod:`wordvec.corpus` reads them (``.gz``, ``.bz2``, ``.xz`` inflated).
    Token lists have no newlines: ConfigError. Raises
    :class:`~wordvec.corpus.CorpusError` for a path that cannot be read.
    """
    files, _ = _resolve(source)
    if files is None:
        raise ConfigError("count_newlines needs corpus files (a path, a folder or a list of "
                          "them), not token lists")
    total = 0
    for file in files:
        with _open_binary(file) as f:
            while block := f.read(1 << 20):
                total += block.count(b"\n")
    return total
