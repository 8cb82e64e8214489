"""The one error family: every error wordvec raises about its input derives from
:class:`WordvecError`, so a caller (the command line above all) catches one class and prints
its message as one line.

``WordvecError`` is a ``ValueError``, as each of its members was before the family existed,
so code that caught ``ValueError`` keeps working. The members live beside what they guard
(:class:`~wordvec.corpus.CorpusError`, :class:`~wordvec.io.VectorFileError`, ...); the ones
shared by several modules live here.
"""
from __future__ import annotations

import mmap
import reprlib


def shown(value, limit: int = 40, *, decode: bool = False) -> str:
    """``value`` as a message may quote it, never much longer than ``limit`` characters: a
    word, a line, a token or an option's value may be megabytes long. A str is cut to its
    first ``limit`` characters, bytes to their first ``limit`` bytes, both quoted and followed
    by ``...`` when cut (with ``decode``, bytes that are UTF-8 are shown as the text they
    hold: a file's words); anything else by its repr, shortened as it is built (``reprlib``:
    a huge list costs nothing), and a repr that fails (an int of 5,000 digits) by the type's
    name."""
    if isinstance(value, str):
        return repr(value[:limit]) + ("..." if len(value) > limit else "")
    if isinstance(value, (bytes, bytearray, memoryview, mmap.mmap)):
        cut = bytes(value[:limit])
        try:
            text = repr(cut.decode("utf-8")) if decode else repr(cut)
        except UnicodeDecodeError:
            text = repr(cut)
        return text + ("..." if len(value) > limit else "")
    short = reprlib.Repr()
    short.maxstring = short.maxother = short.maxlong = limit
    short.maxlist = short.maxtuple = short.maxset = short.maxdict = 4
    try:
        text = short.repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit + 20 else text[:limit + 17] + "..."


class WordvecError(ValueError):
    """A problem with wordvec's input (a file, an option, a corpus) or its output; the
    message names the file, option or word, and says what to do."""


class ConfigError(WordvecError):
    """An option outside its range or of the wrong kind; the message names the option
    (a :class:`~wordvec.config.TrainConfig` field) and its range."""


class ConfigTypeError(ConfigError, TypeError):
    """An option of the wrong type (also a ``TypeError``)."""


class WriteError(WordvecError):
    """A file could not be written (a full disk, a read-only file system, a name too long,
    a folder that vanished): the message names the file and the cause. The file that was
    there before is intact and no temporary file is left."""

    def __init__(self, path, cause: str):
        super().__init__(f"cannot write {path}: {cause}")
        self.path, self.cause = str(path), cause

    def __reduce__(self):
        return type(self), (self.path, self.cause)


class DivergenceError(WordvecError):
    """Training diverged: the loss or the weights became NaN or infinite (too large a
    learning rate). ``alpha`` is the starting learning rate used, ``epoch`` 0-based."""

    def __init__(self, alpha: float, epoch: int, where: str):
        self.alpha, self.epoch = alpha, epoch
        super().__init__(
            f"training diverged in epoch {epoch + 1}: {where} became NaN or infinite with "
            f"alpha={alpha:g}; use a smaller learning rate, e.g. alpha={alpha / 10:g}")


class Interrupted(KeyboardInterrupt):
    """A signal asked the run to stop (SIGINT, SIGTERM or SIGHUP): raised in the main thread
    by the command line's handlers, so it unwinds as Ctrl-C does (temporary files removed, a
    checkpoint saved where one is kept). ``signum`` is the signal's number; the command
    exits with 128 + signum, as shells report a process a signal ended."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class QueryError(WordvecError):
    """A query argument outside its range or of the wrong kind (``topn``,
    ``restrict_vocab`` of :class:`~wordvec.vectors.WordVectors`' queries): the message names
    the argument, its range and the value given."""
