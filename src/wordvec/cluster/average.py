"""Synchronising the workers' models, pure: Spark MLlib's per-row average.

After a sync interval each worker reports, for each matrix, the rows it changed and their
new values. A row changed by some workers becomes the mean of those workers' rows; a row no
worker changed keeps the synchronised value. Averaging only over the workers that touched a
row keeps a rare word's update whole (a plain average over all workers would divide it by
the number of workers), which is why Spark averages this way.
"""
from __future__ import annotations

import numpy as np


def changed_rows(W: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``W`` (V, dim) that differ from ``base`` (V, dim): ``(rows, values)``,
    rows (k,) int64 ascending, values (k, dim) the rows of ``W`` (a copy)."""
    rows = np.flatnonzero(np.any(W != base, axis=1))
    return rows, W[rows]


def average_rows(base: np.ndarray, updates) -> np.ndarray:
    """The synchronised matrix: ``base`` (V, dim) float32 with each row that some of
    ``updates`` changed replaced by the mean of their values for it.

    updates: one ``(rows, values)`` per worker, rows (k,) int64 distinct ids in ``[0, V)``,
    values (k, dim) float32 (from :func:`changed_rows`). The mean sums in float64; with one
    worker the result is that worker's rows exactly (a float32 value divided by 1)."""
    dim = base.shape[1]
    updates = [(np.asarray(rows, dtype=np.int64), values) for rows, values in updates]
    for rows, values in updates:
        if rows.shape[0] != values.shape[0] or values.shape[1:] != (dim,):
            raise ValueError(f"an update of {rows.shape[0]} rows has values of shape "
                             f"{values.shape}, not ({rows.shape[0]}, {dim})")
    result = base.copy()
    if not updates:
        return result
    # Sums over the touched rows only: (U, dim), not a float64 copy of the whole matrix.
    touched = np.unique(np.concatenate([rows for rows, _ in updates]))
    sums = np.zeros((touched.shape[0], dim), dtype=np.float64)
    times = np.zeros(touched.shape[0], dtype=np.int64)
    for rows, values in updates:
        at = np.searchsorted(touched, rows)   # rows are distinct within one update
        sums[at] += values
        times[at] += 1
    result[touched] = (sums / times[:, None]).astype(base.dtype)
    return result
