"""Gradient checks and formula checks of the book's layers (float64, central differences)."""
import numpy as np
import pytest

from gradcheck import numerical_grad
from wordvec.nn import (
    CBOW,
    Embedding,
    EmbeddingDot,
    NegativeSamplingLoss,
    Sigmoid,
    SigmoidWithLoss,
    SkipGram,
    SparseGrad,
)

RTOL, ATOL = 1e-6, 1e-8


def dense(grad):
    return grad.todense() if isinstance(grad, SparseGrad) else grad


def test_embedding_forward_is_row_lookup_of_one_hot_product():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((7, 3))
    idx = np.array([[0, 2, 2], [6, 0, 2]])
    one_hot = np.eye(7)[idx]                       # (2, 3, 7)
    np.testing.assert_allclose(Embedding(W).forward(idx), one_hot @ W)


def test_embedding_backward_adds_repeated_rows():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((6, 4))
    idx = np.array([[0, 2, 2], [5, 0, 2]])
    R = rng.standard_normal((2, 3, 4))
    layer = Embedding(W)

    def loss():
        return float((layer.forward(idx) * R).sum())

    loss()
    layer.backward(R)
    analytic = layer.grads[0].todense()
    np.testing.assert_allclose(analytic, numerical_grad(loss, W), rtol=RTOL, atol=ATOL)
    # Row 2 is read three times: its gradient is the sum of the three, not the last one.
    np.testing.assert_allclose(analytic[2], R[0, 1] + R[0, 2] + R[1, 2])
    # Coalescing keeps the same dense gradient with sorted unique rows.
    grad = layer.grads[0].coalesce()
    assert grad.rows.tolist() == [0, 2, 5]
    np.testing.assert_allclose(grad.todense(), analytic)


@pytest.mark.parametrize("idx_shape", [(5,), (5, 3), (5, 2, 3)])
def test_embedding_dot_gradients(idx_shape):
    rng = np.random.default_rng(2)
    W = rng.standard_normal((4, 6))
    h = rng.standard_normal((5, 6))
    idx = rng.integers(0, 4, size=idx_shape)       # few rows: repeats are certain
    R = rng.standard_normal(idx_shape)
    layer = EmbeddingDot(W)

    def loss():
        return float((layer.forward(h, idx) * R).sum())

    out = layer.forward(h, idx)
    np.testing.assert_allclose(out, np.einsum("n...d,nd->n...", W[idx], h))
    dh = layer.backward(R)
    np.testing.assert_allclose(dh, numerical_grad(loss, h), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(dense(layer.grads[0]), numerical_grad(loss, W), rtol=RTOL, atol=ATOL)
    # The factored gradient (dout[n, m] * h[n]) coalesces to the same dense gradient.
    before = layer.grads[0].todense()
    coalesced = layer.grads[0].coalesce()
    assert coalesced.source is None and len(set(coalesced.rows.tolist())) == len(coalesced.rows)
    np.testing.assert_allclose(coalesced.todense(), before, rtol=1e-12)


def test_sigmoid_gradient_and_extremes():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3)) * 3
    R = rng.standard_normal((4, 3))
    layer = Sigmoid()

    def loss():
        return float((layer.forward(x) * R).sum())

    np.testing.assert_allclose(layer.forward(x), 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(layer.backward(R), numerical_grad(loss, x), rtol=RTOL, atol=ATOL)
    assert np.all(np.isfinite(layer.forward(np.array([-1000.0, 1000.0]))))


@pytest.mark.parametrize("shape", [(6,), (6, 4)])
def test_sigmoid_with_loss_formula_and_gradient(shape):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape) * 2
    t = rng.integers(0, 2, size=shape).astype(np.float64)
    layer = SigmoidWithLoss()

    def loss():
        return float(layer.forward(x, t))

    y = 1 / (1 + np.exp(-x))
    expected = -(t * np.log(y) + (1 - t) * np.log(1 - y)).sum() / shape[0]
    assert loss() == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(layer.backward(1.0), numerical_grad(loss, x), rtol=RTOL, atol=ATOL)


def test_sigmoid_with_loss_saturated_scores_stay_finite():
    layer = SigmoidWithLoss()
    loss = layer.forward(np.array([-800.0, 800.0]), np.array([1.0, 0.0]))
    assert loss == pytest.approx(800.0)            # each term log(1 + e^800) ~ 800, mean of 2
    np.testing.assert_allclose(layer.backward(), [-0.5, 0.5])


def _book_ns_loss(W, h, target, negatives):
    # The book's NegativeSamplingLoss: one SigmoidWithLoss (a batch mean) per column.
    y = lambda s: 1 / (1 + np.exp(-s))
    loss = -np.log(y(np.sum(W[target] * h, axis=1))).mean()
    for k in range(negatives.shape[1]):
        loss += -np.log(1 - y(np.sum(W[negatives[:, k]] * h, axis=1))).mean()
    return loss


def test_negative_sampling_loss_equals_book_sum_and_gradients():
    rng = np.random.default_rng(5)
    corpus = rng.integers(0, 9, size=200)
    W = rng.standard_normal((9, 5)) * 0.5
    h = rng.standard_normal((4, 5))
    target = np.array([1, 3, 3, 8])
    negatives = rng.integers(0, 9, size=(4, 3))
    layer = NegativeSamplingLoss(W, corpus, sample_size=3, seed=0)

    def loss():
        return float(layer.forward(h, target, negative_sample=negatives))

    assert loss() == pytest.approx(_book_ns_loss(W, h, target, negatives), rel=1e-12)
    dh = layer.backward()
    np.testing.assert_allclose(dh, numerical_grad(loss, h), rtol=RTOL, atol=ATOL)
    loss()
    layer.backward()
    np.testing.assert_allclose(dense(layer.grads[0]), numerical_grad(loss, W), rtol=RTOL, atol=ATOL)


def test_negative_sampling_loss_over_context_block_is_sum_over_positions():
    # Skip-gram scores a (N, C) block of true words; the loss is the sum over positions.
    rng = np.random.default_rng(6)
    corpus = rng.integers(0, 9, size=200)
    W = rng.standard_normal((9, 5)) * 0.5
    h = rng.standard_normal((4, 5))
    target = rng.integers(0, 9, size=(4, 2))
    negatives = rng.integers(0, 9, size=(4, 2, 3))
    layer = NegativeSamplingLoss(W, corpus, sample_size=3, seed=0)
    expected = sum(_book_ns_loss(W, h, target[:, c], negatives[:, c]) for c in range(2))
    loss = float(layer.forward(h, target, negative_sample=negatives))
    assert loss == pytest.approx(expected, rel=1e-12)


def _fixed_negatives(model, negatives):
    model.ns_loss.sampler.get_negative_sample = lambda target: negatives


@pytest.mark.parametrize("model_class", [CBOW, SkipGram])
def test_models_end_to_end_gradients(model_class):
    rng = np.random.default_rng(7)
    V, H, window, N = 8, 4, 2, 3
    corpus = rng.integers(0, V, size=100)
    model = model_class(V, H, window, corpus, sample_size=2, seed=0, dtype=np.float64)
    contexts = rng.integers(0, V, size=(N, 2 * window))
    target = rng.integers(0, V, size=N)
    neg_shape = (N, 2) if model_class is CBOW else (N, 2 * window, 2)
    _fixed_negatives(model, rng.integers(0, V, size=neg_shape))
    W_in, W_out = model.params

    def loss():
        return float(model.forward(contexts, target))

    for i, W in enumerate((W_in, W_out)):
        loss()
        model.backward()
        np.testing.assert_allclose(dense(model.grads[i]), numerical_grad(loss, W),
                                   rtol=RTOL, atol=ATOL)


def test_cbow_hidden_is_mean_of_contexts_and_skipgram_sums_positions():
    rng = np.random.default_rng(8)
    V, H = 8, 4
    corpus = np.arange(V).repeat(3)
    contexts = np.array([[1, 2, 3, 4], [5, 5, 6, 7]])
    target = np.array([0, 3])
    negatives = np.array([[6, 7], [1, 2]])
    cbow = CBOW(V, H, 2, corpus, sample_size=2, seed=1, dtype=np.float64)
    _fixed_negatives(cbow, negatives)
    W_in, W_out = cbow.params
    h = W_in[contexts].mean(axis=1)
    assert float(cbow.forward(contexts, target)) == pytest.approx(
        _book_ns_loss(W_out, h, target, negatives), rel=1e-12)

    sg = SkipGram(V, H, 2, corpus, sample_size=2, seed=1, dtype=np.float64)
    sg_negatives = rng.integers(0, V, size=(2, 4, 2))
    _fixed_negatives(sg, sg_negatives)
    W_in, W_out = sg.params
    expected = sum(_book_ns_loss(W_out, W_in[target], contexts[:, c], sg_negatives[:, c])
                   for c in range(4))
    assert float(sg.forward(contexts, target)) == pytest.approx(expected, rel=1e-12)


def test_model_word_vecs_is_w_in_and_init_scale():
    corpus = np.arange(1000) % 500
    model = CBOW(500, 50, 5, corpus, seed=3)
    assert model.word_vecs is model.params[0]
    assert model.word_vecs.dtype == np.float32
    # The book initialises both matrices with 0.01 * N(0, 1).
    assert model.params[0].std() == pytest.approx(0.01, rel=0.02)
    assert model.params[1].std() == pytest.approx(0.01, rel=0.02)
