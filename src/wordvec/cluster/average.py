"""Synchronising the workers' models, pure: each row several workers changed is merged by
a rule, each row one worker changed takes its value, each row nobody changed stays.

After a sync interval each worker reports, for each matrix, the rows it changed and their
new values. For a row that ``n`` workers changed, each by ``d_k = value_k - base``, the
rules are (:data:`RULES`):

- ``"mean"``: ``base + sum(d_k) / n``, the mean of their rows: Spark MLlib's per-row
  average over the workers that touched the row. A rare word's update stays whole (a mean
  over all workers would divide it by their number), but a frequent word's progress counts
  once for ``n`` workers' data: quality falls as workers are added, as Spark warns.
- ``"sum"``: ``base + sum(d_k)``: every worker's steps count whole, as asynchronous SGD whose
  steps are one interval stale. Right while a row's steps are few; a frequent row's steps,
  each made from the same stale base, overshoot ``n``-fold.
- ``"sqrt"``: ``base + sum(d_k) / sqrt(n)``, between the two.

Sums are in float64; with one worker every rule gives that worker's rows exactly (the
difference of two float32 numbers, and its sum with the first, are exact in float64).
"""
from __future__ import annotations

import numpy as np

#: The merge rules of a row several workers changed (``TrainConfig.sync_merge``).
RULES = ("mean", "sqrt", "sum")


def changed_rows(W: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``W`` (V, dim) that differ from ``base`` (V, dim): ``(rows, values)``,
    rows (k,) int64 ascending, values (k, dim) the rows of ``W`` (a copy)."""
    rows = np.flatnonzero(np.any(W != base, axis=1))
    return rows, W[rows]


def merge_rows(base: np.ndarray, updates, rule: str = "mean") -> np.ndarray:
    """The synchronised matrix: ``base`` (V, dim) float32 with each row that some of
    ``updates`` changed merged by ``rule`` (see the module's docstring); a new array.

    updates: one ``(rows, values)`` per worker, rows (k,) int64 distinct ids in ``[0, V)``,
    values (k, dim) float32 (from :func:`changed_rows`). Computed by the Numba kernel
    :func:`wordvec.cluster.merge.merge_kernel`, equal bit for bit to
    :func:`merge_rows_reference` and about ten times faster."""
    if rule not in RULES:
        raise ValueError(f"no merge rule {rule!r}; the rules are {', '.join(RULES)}")
    updates = _checked(updates, base.shape[1])
    from ..compiler import require_numba

    require_numba()
    from .merge import RULE_NUMBERS, merge_kernel

    result = base.copy()
    if updates:
        rows = np.concatenate([rows for rows, _ in updates])
        values = np.concatenate([np.asarray(v, dtype=np.float32) for _, v in updates])
        merge_kernel(base, rows, values, RULE_NUMBERS[rule], result)
    return result


def merge_rows_reference(base: np.ndarray, updates, rule: str = "mean") -> np.ndarray:
    """:func:`merge_rows` in NumPy, the readable reference the kernel is tested against."""
    if rule not in RULES:
        raise ValueError(f"no merge rule {rule!r}; the rules are {', '.join(RULES)}")
    dim = base.shape[1]
    updates = _checked(updates, dim)
    result = base.copy()
    if not updates:
        return result
    # Over the touched rows only: (U, dim), not a float64 copy of the whole matrix.
    touched = np.unique(np.concatenate([rows for rows, _ in updates]))
    change = np.zeros((touched.shape[0], dim), dtype=np.float64)
    times = np.zeros(touched.shape[0], dtype=np.float64)
    for rows, values in updates:
        at = np.searchsorted(touched, rows)   # rows are distinct within one update
        change[at] += values - base[rows].astype(np.float64)
        times[at] += 1
    if rule != "sum":
        change /= (times if rule == "mean" else np.sqrt(times))[:, None]
    result[touched] = (base[touched] + change).astype(base.dtype)
    return result


def _checked(updates, dim: int) -> list:
    """``updates`` as a list of ``(rows int64, values)``, each values (k, dim)."""
    updates = [(np.asarray(rows, dtype=np.int64), values) for rows, values in updates]
    for rows, values in updates:
        if rows.shape[0] != values.shape[0] or values.shape[1:] != (dim,):
            raise ValueError(f"an update of {rows.shape[0]} rows has values of shape "
                             f"{values.shape}, not ({rows.shape[0]}, {dim})")
    return updates
