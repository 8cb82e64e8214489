"""Files: atomic writes, the word2vec vector formats, native model files, projector TSV.

One module per job; each public name is importable from ``wordvec.io`` too:

- :mod:`wordvec.io.atomic`: atomic writes (temporary, fsync, rename), OSErrors as WriteError;
- :mod:`wordvec.io.container`: the 64-byte aligned, uncompressed ``.npz`` container and its
  reader, which never unpickles;
- :mod:`wordvec.io.word2vec_format`: the word2vec binary and text formats (fastText ``.vec``);
- :mod:`wordvec.io.model`: the native model format (``save_model``, ``load_model``);
- :mod:`wordvec.io.loader`: :func:`load`, which tells the format by content;
- :mod:`wordvec.io.projector`: TensorBoard Embedding Projector TSV files;
- :mod:`wordvec.io.finite`: the check for NaN and infinity every reader makes;
- :mod:`wordvec.io.errors`: :class:`VectorFileError` and how messages quote a file.

Readers raise :class:`VectorFileError` (a :class:`~wordvec.errors.WordvecError`, so a
``ValueError``) naming the file, the line (text) or byte offset (binary), and what is wrong;
no reader ever unpickles. Writers write atomically. Nothing is allocated for what a hostile
file merely claims: each module says how it bounds what it reads.
"""
from __future__ import annotations

from .atomic import atomic_write, atomic_write_group, check_output_path, remove_stale_temporaries
from .container import read_npz_members, write_member
from .errors import VectorFileError
from .finite import first_nonfinite_row
from .loader import load
from .model import MODEL_FORMAT, MODEL_VERSION, SavedModel, load_model, save_model
from .projector import save_projector
from .word2vec_format import _binary_kernel as _binary_kernel  # imported by tests/test_formats.py
from .word2vec_format import _scan_binary_rows as _scan_binary_rows
from .word2vec_format import _scan_binary_rows_by_find as _scan_binary_rows_by_find
from .word2vec_format import load_word2vec_format, save_word2vec_format

__all__ = ["MODEL_FORMAT", "MODEL_VERSION", "SavedModel", "VectorFileError", "atomic_write",
           "atomic_write_group", "check_output_path", "first_nonfinite_row", "load",
           "load_model", "load_word2vec_format", "read_npz_members", "remove_stale_temporaries",
           "save_model", "save_projector", "save_word2vec_format", "write_member"]
