"""Files: atomic writes and the word2vec vector formats."""
from __future__ import annotations

import contextlib
import os
import tempfile

import numpy as np


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


def save_word2vec_format(path, words, vectors, binary=True):
    """Write vectors in word2vec.c's format: header ``count dim``, then per word
    ``word<space>`` + dim little-endian float32 + newline (binary) or the numbers as text.

    words: list of V str without whitespace; vectors: (V, dim) float.
    """
    vectors = np.asarray(vectors, dtype="<f4")
    if len(words) != vectors.shape[0]:
        raise ValueError(f"{len(words)} words but {vectors.shape[0]} vectors")
    for word in words:
        if not word or any(ch.isspace() for ch in word):
            raise ValueError(f"word {word!r} cannot be written in word2vec format "
                             "(empty or contains whitespace)")
    with atomic_write(path, "wb") as f:
        f.write(f"{vectors.shape[0]} {vectors.shape[1]}\n".encode())
        for word, row in zip(words, vectors):
            if binary:
                f.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
            else:
                f.write((word + " " + " ".join(repr(float(x)) for x in row) + "\n").encode("utf-8"))
