"""Sparse SGD / lazy Adam against dense references; clipping and shared-weight merging."""
import numpy as np

from wordvec.nn import SGD, Adam, Embedding, SparseGrad, clip_grads, merge_shared


class DenseAdam:
    """The book's Adam, on dense gradients: the reference."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2, self.iter, self.m, self.v = lr, beta1, beta2, 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g ** 2 - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


def sparse_grad(rng, shape, rows):
    grad = SparseGrad(shape)
    grad.set(np.asarray(rows), rng.standard_normal((len(rows), shape[1])))
    return grad


def test_sparse_sgd_equals_dense_sgd_with_repeated_rows():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((10, 4))
    W_ref = W.copy()
    grad = sparse_grad(rng, W.shape, [3, 1, 3, 3, 9])
    dense = grad.todense()
    SGD(lr=0.1).update([W], [grad])
    W_ref -= 0.1 * dense
    np.testing.assert_allclose(W, W_ref, rtol=1e-14)


def test_lazy_adam_first_step_equals_dense_adam():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((10, 4))
    W_ref = W.copy()
    grad = sparse_grad(rng, W.shape, [2, 7, 2, 5])
    dense = grad.todense()
    Adam(lr=0.01).update([W], [grad])
    DenseAdam(lr=0.01).update([W_ref], [dense])
    np.testing.assert_allclose(W, W_ref, rtol=1e-12, atol=1e-15)


def test_lazy_adam_equals_dense_adam_when_every_row_is_touched():
    rng = np.random.default_rng(2)
    W = rng.standard_normal((6, 3))
    W_ref = W.copy()
    lazy, ref = Adam(lr=0.05), DenseAdam(lr=0.05)
    for _ in range(20):
        rows = np.concatenate([rng.permutation(6), rng.integers(0, 6, size=4)])
        grad = sparse_grad(rng, W.shape, rows)
        dense = grad.todense()
        lazy.update([W], [grad])
        ref.update([W_ref], [dense])
    np.testing.assert_allclose(W, W_ref, rtol=1e-10, atol=1e-12)


def test_lazy_adam_leaves_untouched_rows_and_moments_alone():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((6, 3))
    adam = Adam(lr=0.05)
    adam.update([W], [sparse_grad(rng, W.shape, [0, 1, 2, 3, 4, 5])])
    before, m_before = W.copy(), adam.m[0].copy()
    adam.update([W], [sparse_grad(rng, W.shape, [1, 4])])
    untouched = [0, 2, 3, 5]
    np.testing.assert_array_equal(W[untouched], before[untouched])
    np.testing.assert_array_equal(adam.m[0][untouched], m_before[untouched])
    assert not np.allclose(W[[1, 4]], before[[1, 4]])


def test_merge_shared_sums_gradients_of_one_weight_read_by_two_layers():
    rng = np.random.default_rng(4)
    W = rng.standard_normal((5, 2))
    a, b = Embedding(W), Embedding(W)
    a.forward(np.array([0, 3]))
    b.forward(np.array([3, 4, 3]))
    da, db = rng.standard_normal((2, 2)), rng.standard_normal((3, 2))
    a.backward(da)
    b.backward(db)
    expected = a.grads[0].todense() + b.grads[0].todense()
    params, grads = merge_shared(a.params + b.params, a.grads + b.grads)
    assert len(params) == 1 and params[0] is W
    np.testing.assert_allclose(grads[0].todense(), expected)
    assert grads[0].coalesce().rows.tolist() == [0, 3, 4]


def test_clip_grads_sparse_equals_dense_clipping():
    rng = np.random.default_rng(5)
    sparse = sparse_grad(rng, (6, 3), [1, 1, 4])
    dense_other = rng.standard_normal((2, 2))
    dense_ref = [sparse.todense(), dense_other.copy()]
    norm = np.sqrt(sum((g ** 2).sum() for g in dense_ref))
    clip_grads([sparse, dense_other], max_norm=norm / 2)
    np.testing.assert_allclose(sparse.todense(), dense_ref[0] / 2, rtol=1e-5)
    np.testing.assert_allclose(dense_other, dense_ref[1] / 2, rtol=1e-5)
    before = sparse.todense()
    clip_grads([sparse], max_norm=1e9)
    np.testing.assert_array_equal(sparse.todense(), before)


def _factored_grad(rng, shape, M, K):
    # Row i gets weights[i] * values[source[i]], as EmbeddingDot hands its gradient over.
    grad = SparseGrad(shape)
    grad.set(rng.integers(0, shape[0], size=M),
             rng.standard_normal((K, shape[1])).astype(np.float32),
             source=rng.integers(0, K, size=M), weights=rng.standard_normal(M).astype(np.float32))
    return grad


def test_fused_row_kernels_equal_the_array_reference_path():
    # On NumPy the optimisers run Numba kernels; the array code (the CuPy path) is the reference.
    rng = np.random.default_rng(6)
    W = rng.standard_normal((50, 8)).astype(np.float32)
    grads = [_factored_grad(rng, W.shape, 40, 7) for _ in range(5)]
    fused, ref = W.copy(), W.copy()
    adam, ref_adam = Adam(lr=0.01), Adam(lr=0.01)
    ref_adam.m, ref_adam.v = [np.zeros_like(W)], [np.zeros_like(W)]
    for step, grad in enumerate(grads, start=1):
        dense = grad.todense()
        adam.update([fused], [grad])
        lr_t = 0.01 * np.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
        coalesced = SparseGrad(W.shape)
        coalesced.set(np.flatnonzero(np.abs(dense).sum(1) > 0), dense[np.abs(dense).sum(1) > 0])
        ref_adam._update_rows(ref, coalesced.coalesce(), ref_adam.m[0], ref_adam.v[0], lr_t)
    np.testing.assert_allclose(fused, ref, rtol=1e-5, atol=1e-6)

    sgd_fused, sgd_ref = W.copy(), W.copy()
    SGD(lr=0.1).update([sgd_fused], [grads[0]])
    sgd_ref -= 0.1 * grads[0].todense()
    np.testing.assert_allclose(sgd_fused, sgd_ref, rtol=1e-5, atol=1e-6)


def test_fused_adam_on_two_weights_of_one_shape_equals_each_alone():
    # CBOW's W_in and W_out have the same shape, so the fused kernel's row-slot scratch is
    # shared between them; it must come back clean after every call.
    rng = np.random.default_rng(8)
    A = rng.standard_normal((30, 6)).astype(np.float32)
    B = rng.standard_normal((30, 6)).astype(np.float32)
    steps = [(_factored_grad(rng, A.shape, 50, 9), _factored_grad(rng, B.shape, 20, 4))
             for _ in range(4)]
    together, alone_a, alone_b = Adam(lr=0.01), Adam(lr=0.01), Adam(lr=0.01)
    A2, B2 = A.copy(), B.copy()
    for grad_a, grad_b in steps:
        together.update([A, B], [grad_a, grad_b])
        alone_a.update([A2], [grad_a])
        alone_b.update([B2], [grad_b])
    assert np.array_equal(A, A2) and np.array_equal(B, B2)
