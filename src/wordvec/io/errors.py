"""The error of every reader here, :class:`VectorFileError`, and how file content is quoted
in messages.

Readers raise :class:`VectorFileError` (a :class:`~wordvec.errors.WordvecError`, so a
``ValueError``) naming the file, the line (text) or byte offset (binary), and what is wrong;
no reader ever unpickles. Messages quote at most 60 bytes of a word or line.
"""
from __future__ import annotations

import functools
import os

from ..errors import WordvecError, shown

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


#: Bytes of a file's start that :func:`pickle_problem` looks at.
PICKLE_SNIFF = 64


def pickle_problem(head: bytes) -> str | None:
    """The problem to report for a file starting with ``head`` (its first
    :data:`PICKLE_SNIFF` bytes) when it is a Python pickle of protocol 2 or later (``0x80``
    and the protocol number: what gensim's ``save`` writes), else None. A pickle is never
    loaded: loading one runs code of the file's choosing."""
    if len(head) < 2 or head[0] != 0x80 or not 2 <= head[1] <= 5:
        return None
    who = "gensim's save() writes one" if b"gensim" in head else "Python's pickle module"
    return (f"this is a Python pickle ({who}), which wordvec never loads, since loading a "
            "pickle runs code from the file; convert it where it was made, e.g. in gensim "
            "model.wv.save_word2vec_format('vectors.bin', binary=True), and load that")
