"""NaN and infinity in vectors: every reader here checks its matrices with
:func:`first_nonfinite_row` (16 MiB at a time, so a memory map is read in blocks): such a
file is damaged or came from a diverged training.
"""
from __future__ import annotations

import numpy as np

from .errors import _show

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
