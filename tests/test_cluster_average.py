"""The synchronisation of a cluster run (wordvec.cluster.average): a row several workers
changed merged by each rule (Spark's mean over the workers that changed it, the sum of
their changes, the sum over the root of their number), a row one worker changed taking
its value, the others kept; and the rows a worker reports as changed."""
import numpy as np
import pytest

from wordvec.cluster.average import RULES, changed_rows, merge_rows, merge_rows_reference

#: The kernel and the NumPy reference, each held to the same rules.
MERGES = pytest.mark.parametrize("merge", [merge_rows, merge_rows_reference],
                                 ids=["kernel", "reference"])


def _base(V=8, dim=3, seed=0):
    return np.random.default_rng(seed).standard_normal((V, dim)).astype(np.float32)


@MERGES
@pytest.mark.parametrize("rule, divisor", [("mean", 2.0), ("sqrt", np.sqrt(2.0)),
                                           ("sum", 1.0)])
def test_rows_touched_by_some_workers_only_merge_over_those_workers(merge, rule, divisor):
    base = _base()
    a, b = base.copy(), base.copy()
    a[[1, 3]] += np.float32(1.0)
    b[[3, 5]] -= np.float32(0.25)
    b[6] = base[6]                          # written back unchanged: not an update
    result = merge(base, [changed_rows(a, base), changed_rows(b, base)], rule)
    assert np.array_equal(result[1], a[1])                          # A alone: A's row whole
    assert np.array_equal(result[5], b[5])                          # B alone: B's row whole
    change = (a[3].astype(np.float64) - base[3]) + (b[3].astype(np.float64) - base[3])
    expected = (base[3] + change / divisor).astype(np.float32)
    assert np.array_equal(result[3], expected)                      # both: by the rule
    untouched = [0, 2, 4, 6, 7]
    assert np.array_equal(result[untouched], base[untouched])       # nobody: the base
    assert result.dtype == np.float32 and result is not base


@MERGES
def test_the_mean_of_rows_is_their_mean(merge):
    base = _base(V=3, dim=4, seed=2)
    rows = [base + np.float32(k) for k in (1, 2, 6)]
    result = merge(base, [changed_rows(W, base) for W in rows], "mean")
    assert np.allclose(result, base + np.float32(3), atol=1e-6)


def test_changed_rows_are_exactly_the_rows_that_differ():
    base = _base(V=6)
    W = base.copy()
    W[4, 2] = np.nextafter(W[4, 2], np.float32(np.inf))             # one ulp is a change
    W[0] = -W[0]
    rows, values = changed_rows(W, base)
    assert rows.tolist() == [0, 4] and np.array_equal(values, W[[0, 4]])
    values[0] = 0                                                   # a copy, not a view
    assert np.array_equal(W[0], -base[0])


@MERGES
@pytest.mark.parametrize("rule", RULES)
def test_one_worker_is_copied_bit_for_bit_by_every_rule(merge, rule):
    base = _base(V=50, dim=7)
    noise = np.random.default_rng(1).standard_normal(base.shape).astype(np.float32)
    W = base + noise * np.float32(1e-3)
    W[3] = base[3] * np.float32(1e7)                                # far-apart magnitudes
    W[10] = base[10]
    assert np.array_equal(merge(base, [changed_rows(W, base)], rule), W)


@MERGES
def test_many_workers_on_one_row_sum_in_float64(merge):
    base = np.zeros((2, 1), dtype=np.float32)
    values = [np.array([[v]], dtype=np.float32) for v in (1e8, 1.0, -1e8)]
    result = merge(base, [(np.array([0]), v) for v in values], "mean")
    assert result[0, 0] == np.float32(1.0 / 3) and result[1, 0] == 0


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("seed", range(6))
def test_the_kernel_merges_as_the_reference_bit_for_bit(rule, seed):
    rng = np.random.default_rng(seed)
    V, dim = int(rng.integers(1, 300)), int(rng.integers(1, 40))
    base = (rng.standard_normal((V, dim)) * 10.0 ** rng.integers(-3, 4)).astype(np.float32)
    updates = []
    for _ in range(int(rng.integers(1, 6))):
        rows = np.sort(rng.choice(V, size=int(rng.integers(0, V + 1)), replace=False))
        noise = rng.standard_normal((rows.size, dim)).astype(np.float32)
        updates.append((rows, base[rows] + noise * np.float32(10.0 ** rng.integers(-6, 1))))
    assert np.array_equal(merge_rows(base, updates, rule),
                          merge_rows_reference(base, updates, rule))


@MERGES
def test_an_update_of_the_wrong_shape_or_an_unknown_rule_is_refused(merge):
    base = _base(V=4, dim=3)
    with pytest.raises(ValueError, match=r"an update of 2 rows has values of shape \(2, 4\), "
                                         r"not \(2, 3\)"):
        merge(base, [(np.array([0, 1]), np.zeros((2, 4), np.float32))])
    with pytest.raises(ValueError, match=r"no merge rule 'median'; the rules are mean, sqrt, "
                                         r"sum"):
        merge(base, [], "median")
    assert np.array_equal(merge(base, []), base)
