"""The merge of the workers' rows as one Numba kernel: :func:`wordvec.cluster.average.merge_rows`
in one pass over the rows, without NumPy's temporaries (a synchronisation's merge is on the
driver's critical path, between two rounds). Tested equal, bit for bit, to the NumPy
reference :func:`~wordvec.cluster.average.merge_rows_reference`."""
from __future__ import annotations

import math

import numpy as np
from numba import njit

#: The rules by number, as the kernel takes them (``wordvec.cluster.average.RULES``).
RULE_NUMBERS = {"mean": 0, "sqrt": 1, "sum": 2}


@njit(nogil=True, cache=True)
def merge_kernel(base, rows, values, rule, result):
    """Merge into ``result`` (V, dim) float32, a copy of ``base`` (V, dim) float32, the
    updates ``rows`` (n,) int64 and ``values`` (n, dim) float32: every worker's rows one
    after the other, each worker's distinct. ``rule``: 0 mean, 1 sqrt, 2 sum."""
    V, dim = base.shape
    times = np.zeros(V, np.int64)
    for i in range(rows.shape[0]):
        times[rows[i]] += 1
    at = np.full(V, -1, np.int64)
    shared = 0
    for r in range(V):
        if times[r] > 1:
            at[r] = shared
            shared += 1
    change = np.zeros((shared, dim), np.float64)
    for i in range(rows.shape[0]):
        r = rows[i]
        if times[r] == 1:
            for j in range(dim):
                result[r, j] = values[i, j]
        else:
            a = at[r]
            for j in range(dim):
                change[a, j] += np.float64(values[i, j]) - np.float64(base[r, j])
    for r in range(V):
        a = at[r]
        if a < 0:
            continue
        n = np.float64(times[r])
        for j in range(dim):
            c = change[a, j]
            if rule == 0:
                c = c / n
            elif rule == 1:
                c = c / math.sqrt(n)
            result[r, j] = np.float32(np.float64(base[r, j]) + c)
