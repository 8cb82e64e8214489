"""Hierarchical softmax: the layer's loss and gradients (float64, central differences), the
models with ``hs=True``, and the default models left as they were."""
import numpy as np
import pytest

from gradcheck import numerical_grad
from wordvec.huffman import huffman_tree
from wordvec.nn import (
    CBOW,
    Adam,
    HierarchicalSoftmaxLoss,
    NegativeSamplingLoss,
    SkipGram,
    SparseGrad,
    Trainer,
    create_contexts_target,
)
from wordvec.nn import hierarchical_softmax as hs_module

RTOL, ATOL = 1e-6, 1e-8


def _loop_loss(tree, W, h, target):
    """The sum over positions of the batch mean of -log P(target | h), path by path."""
    target = target.reshape(h.shape[0], -1)
    total = 0.0
    for n in range(h.shape[0]):
        for word in target[n]:
            for point, code in zip(*tree.path(word)):
                x = float(W[point] @ h[n])
                total -= np.log(1 / (1 + np.exp(-x)) if code == 0 else 1 / (1 + np.exp(x)))
    return total / h.shape[0]


def _layer(V=11, H=5, seed=0):
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 30, size=V)
    W = rng.standard_normal((V, H)) * 0.5
    return rng, HierarchicalSoftmaxLoss(W, counts=counts), W


@pytest.mark.parametrize("target_shape", [(6,), (6, 3)])
def test_loss_equals_explicit_path_loop(target_shape):
    rng, layer, W = _layer()
    h = rng.standard_normal((6, 5))
    target = rng.integers(0, 11, size=target_shape)
    loss = float(layer.forward(h, target))
    assert loss == pytest.approx(_loop_loss(layer.tree, W, h, target), rel=1e-12)


def test_context_block_is_sum_over_positions():
    rng, layer, W = _layer(seed=1)
    h = rng.standard_normal((4, 5))
    target = rng.integers(0, 11, size=(4, 3))
    parts = [float(layer.forward(h, target[:, c])) for c in range(3)]
    assert float(layer.forward(h, target)) == pytest.approx(sum(parts), rel=1e-12)


@pytest.mark.parametrize("target_shape", [(6,), (6, 3)])
def test_gradients(target_shape):
    rng, layer, W = _layer(seed=2)
    h = rng.standard_normal((6, 5))
    target = rng.integers(0, 11, size=target_shape)
    target[0] = 3                                  # repeated words: repeated nodes

    def loss():
        return float(layer.forward(h, target))

    loss()
    dh = layer.backward()
    np.testing.assert_allclose(dh, numerical_grad(loss, h), rtol=RTOL, atol=ATOL)
    loss()
    layer.backward()
    grad = layer.grads[0]
    assert isinstance(grad, SparseGrad)
    np.testing.assert_allclose(grad.todense(), numerical_grad(loss, W), rtol=RTOL, atol=ATOL)
    # Factored: the values are the hidden vectors themselves, one weight per (pair, node).
    assert grad.values is h
    pairs = int(layer.tree.lengths[target].sum())
    assert grad.rows.shape == grad.source.shape == grad.weights.shape == (pairs,)
    before = grad.todense()
    np.testing.assert_allclose(grad.coalesce().todense(), before, rtol=1e-12, atol=1e-15)


def test_backward_scales_with_dout():
    rng, layer, W = _layer(seed=3)
    h = rng.standard_normal((4, 5))
    target = rng.integers(0, 11, size=4)
    layer.forward(h, target)
    dh1 = layer.backward()
    dW1 = layer.grads[0].todense()
    dh3 = layer.backward(3.0)
    np.testing.assert_allclose(dh3, 3 * dh1, rtol=1e-12)
    np.testing.assert_allclose(layer.grads[0].todense(), 3 * dW1, rtol=1e-12)


def test_float32_in_float32_out():
    rng, layer, _ = _layer(seed=4)
    W = layer.params[0].astype(np.float32)
    layer = HierarchicalSoftmaxLoss(W, counts=np.asarray(layer.tree.lengths) + 1)
    h = rng.standard_normal((8, 5)).astype(np.float32)
    loss = layer.forward(h, rng.integers(0, 11, size=(8, 2)))
    dh = layer.backward()
    assert np.asarray(loss).dtype == np.float32 and dh.dtype == np.float32
    grad = layer.grads[0]
    assert grad.values.dtype == grad.weights.dtype == grad.todense().dtype == np.float32


def test_saturated_scores_stay_finite():
    rng = np.random.default_rng(5)
    W = rng.standard_normal((6, 4)) * 1e4
    layer = HierarchicalSoftmaxLoss(W, counts=[5, 4, 3, 3, 2, 1])
    h = rng.standard_normal((3, 4))
    loss = float(layer.forward(h, np.array([0, 4, 5])))
    assert np.isfinite(loss) and loss > 0
    assert np.isfinite(layer.backward()).all()


def test_one_word_vocabulary_costs_nothing():
    layer = HierarchicalSoftmaxLoss(np.ones((1, 3)), corpus=np.zeros(5, dtype=np.int64))
    h = np.ones((2, 3))
    assert float(layer.forward(h, np.array([0, 0]))) == 0.0
    np.testing.assert_array_equal(layer.backward(), np.zeros((2, 3)))
    np.testing.assert_array_equal(layer.grads[0].todense(), np.zeros((1, 3)))


def test_corpus_and_counts_give_the_same_tree():
    corpus = np.array([0, 1, 1, 2, 2, 2, 4])
    W = np.zeros((6, 2))
    from_corpus = HierarchicalSoftmaxLoss(W, corpus).tree
    expected = huffman_tree(np.bincount(corpus, minlength=6))
    for a, b in zip(from_corpus, expected):
        np.testing.assert_array_equal(a, b)
    from_counts = HierarchicalSoftmaxLoss(W, counts=[1, 2, 3, 0, 1, 0]).tree
    for a, b in zip(from_counts, expected):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs", [
    {},                                                   # neither
    {"corpus": np.arange(4), "counts": np.ones(4, int)},  # both
    {"counts": np.ones(3, int)},                          # wrong length
    {"corpus": np.array([0, 4])},                         # an id past V
    {"corpus": np.array([0.0, 1.0])},                     # not ids
    {"counts": np.array([1, -1, 2, 3])},                  # negative
])
def test_invalid_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        HierarchicalSoftmaxLoss(np.zeros((4, 2)), **kwargs)


def test_exactly_one_message():
    with pytest.raises(ValueError, match="exactly one of corpus and counts"):
        HierarchicalSoftmaxLoss(np.zeros((4, 2)))


# --- the models -----------------------------------------------------------------------------

def _fixed_negatives(model, negatives):
    model.ns_loss.sampler.get_negative_sample = lambda target: negatives


@pytest.mark.parametrize("ns", [False, True])
@pytest.mark.parametrize("model_class", [CBOW, SkipGram])
def test_models_end_to_end_gradients_with_hs(model_class, ns):
    rng = np.random.default_rng(7)
    V, H, window, N = 8, 4, 2, 3
    corpus = rng.integers(0, V, size=100)
    model = model_class(V, H, window, corpus, sample_size=2, seed=0, dtype=np.float64,
                        hs=True, ns=ns)
    contexts = rng.integers(0, V, size=(N, 2 * window))
    target = rng.integers(0, V, size=N)
    if ns:
        neg_shape = (N, 2) if model_class is CBOW else (N, 2 * window, 2)
        _fixed_negatives(model, rng.integers(0, V, size=neg_shape))
    assert len(model.params) == (3 if ns else 2)
    for W in model.params:                           # W_hs starts at zero: move it off
        W[...] = rng.standard_normal(W.shape) * 0.5

    def loss():
        return float(model.forward(contexts, target))

    for i, W in enumerate(model.params):
        loss()
        model.backward()
        np.testing.assert_allclose(model.grads[i].todense(), numerical_grad(loss, W),
                                   rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("model_class", [CBOW, SkipGram])
def test_both_layers_add_up(model_class):
    rng = np.random.default_rng(8)
    V, H, window, N = 9, 4, 1, 5
    corpus = rng.integers(0, V, size=200)
    both = model_class(V, H, window, corpus, seed=3, dtype=np.float64, hs=True, sample_size=2)
    negatives = rng.integers(0, V, size=(N, 2) if model_class is CBOW else (N, 2, 2))
    _fixed_negatives(both, negatives)
    W_in, W_out, W_hs = both.params
    assert W_out is both.ns_loss.params[0] and W_hs is both.hs_loss.params[0]
    W_hs[...] = rng.standard_normal(W_hs.shape)
    contexts = rng.integers(0, V, size=(N, 2 * window))
    target = rng.integers(0, V, size=N)
    if model_class is CBOW:
        h, out_target = W_in[contexts].mean(axis=1), target
    else:
        h, out_target = W_in[target], contexts
    ns_part = NegativeSamplingLoss(W_out, corpus, sample_size=2).forward(
        h, out_target, negative_sample=negatives)
    hs_part = _loop_loss(both.hs_loss.tree, W_hs, h, out_target)
    assert float(both.forward(contexts, target)) == pytest.approx(ns_part + hs_part, rel=1e-12)


def test_hs_model_layout():
    corpus = np.array([0, 1, 1, 2, 2, 2, 3, 3, 3, 3])
    model = CBOW(6, 3, 1, corpus, seed=0, hs=True, ns=False)
    assert model.ns_loss is None and model.hs_loss is not None
    W_in, W_hs = model.params
    assert W_in is model.word_vecs and W_hs.shape == (6, 3) and W_hs.dtype == np.float32
    assert not W_hs.any()                            # word2vec.c's syn1 starts at zero
    assert model.grads[1] is model.hs_loss.grads[0]
    expected = huffman_tree(np.bincount(corpus, minlength=6))
    np.testing.assert_array_equal(model.hs_loss.tree.points, expected.points)
    np.testing.assert_array_equal(model.hs_loss.tree.offsets, expected.offsets)
    with pytest.raises(ValueError, match="output layer"):
        SkipGram(6, 3, 1, corpus, hs=False, ns=False)


def _book_draws(V, H, seed):
    # What _Word2VecModel documents: W_in, W_out, then the sampler's seed, from one Generator.
    rng = np.random.default_rng(seed)
    W_in = (0.01 * rng.standard_normal((V, H))).astype("f")
    W_out = (0.01 * rng.standard_normal((V, H))).astype("f")
    return W_in, W_out, int(rng.integers(0, 2**31 - 1))


@pytest.mark.parametrize("hs", [False, True])
@pytest.mark.parametrize("model_class", [CBOW, SkipGram])
def test_default_draws_unchanged(model_class, hs):
    corpus = np.arange(300) % 50
    W_in, W_out, sampler_seed = _book_draws(50, 7, seed=11)
    model = model_class(50, 7, 2, corpus, seed=11, hs=hs)
    np.testing.assert_array_equal(model.params[0], W_in)
    np.testing.assert_array_equal(model.params[1], W_out)
    assert len(model.params) == (3 if hs else 2)
    state = np.random.default_rng(sampler_seed).bit_generator.state
    assert model.ns_loss.sampler.rng.bit_generator.state == state
    # Without negative sampling only W_in is drawn, and it is the same W_in.
    np.testing.assert_array_equal(model_class(50, 7, 2, corpus, seed=11, hs=True,
                                              ns=False).params[0], W_in)


def test_cbow_with_hs_only_learns_a_structured_corpus():
    # A cycle of 8 words: each pair of neighbours fixes the word between them.
    corpus = np.tile(np.arange(8), 40)
    contexts, target = create_contexts_target(corpus, window_size=1)
    model = CBOW(8, 10, 1, corpus, seed=0, hs=True, ns=False)
    first = float(model.forward(contexts, target))
    assert first == pytest.approx(3 * np.log(2), rel=1e-3)       # W_hs = 0: each step 1/2
    trainer = Trainer(model, Adam(0.01), seed=0)
    trainer.fit(contexts, target, max_epoch=40, batch_size=16, eval_interval=None)
    last = float(model.forward(contexts, target))
    assert last < 0.1 * first
    assert trainer.epoch_loss[-1] < 0.2 * trainer.epoch_loss[0]



class _ArrayModule:
    """NumPy under another name: takes the layer's path for array modules other than NumPy
    (CuPy's, whose repeat takes no array of counts)."""

    def __getattr__(self, name):
        return getattr(np, name)


@pytest.mark.parametrize("lengths", [[3, 0, 2, 0, 0, 4, 0], [0, 0], [1], [2, 5, 1]])
def test_segment_ids_without_numpy_repeat(monkeypatch, lengths):
    monkeypatch.setattr(hs_module, "xp", _ArrayModule())
    lengths = np.array(lengths)
    ends = np.concatenate([[0], np.cumsum(lengths)])
    ids = hs_module._segment_ids(lengths, ends, int(ends[-1]))
    np.testing.assert_array_equal(ids, np.repeat(np.arange(lengths.size), lengths))


def test_layer_without_numpy_repeat_gives_the_same_results(monkeypatch):
    rng, layer, W = _layer(seed=9)
    h = rng.standard_normal((5, 5))
    target = rng.integers(0, 11, size=(5, 2))
    loss = float(layer.forward(h, target))
    dh = layer.backward()
    dW = layer.grads[0].todense()
    monkeypatch.setattr(hs_module, "xp", _ArrayModule())
    assert float(layer.forward(h, target)) == loss
    np.testing.assert_array_equal(layer.backward(), dh)
    np.testing.assert_array_equal(layer.grads[0].todense(), dW)
