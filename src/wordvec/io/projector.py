"""TensorBoard Embedding Projector files (:func:`save_projector`): ``vectors.tsv``
(tab-separated numbers, one vector per line) and ``metadata.tsv`` (one word per line, no
header), written as a pair atomically.
"""
from __future__ import annotations

import os

import numpy as np

from ..errors import WriteError
from .atomic import _write_cause, atomic_write_group
from .errors import _show
from .word2vec_format import _FLOAT_FORMAT


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
