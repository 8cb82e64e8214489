"""The book's Momentum, Nesterov, AdaGrad and RMSprop: equal to the book's dense updates
(written out here as the book writes them), on dense gradients and on row-sparse ones that
touch every row; lazy on the rows a sparse gradient leaves out; usable on the ch04 models."""
from __future__ import annotations

import numpy as np
import pytest

from wordvec.nn import (
    CBOW,
    AdaGrad,
    Momentum,
    Nesterov,
    RMSprop,
    SparseGrad,
    Trainer,
    create_contexts_target,
)


class BookMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
            params[i] += self.v[i]


class BookNesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.v[i] *= self.momentum
            self.v[i] -= self.lr * grads[i]
            params[i] += self.momentum * self.momentum * self.v[i]
            params[i] -= (1 + self.momentum) * self.lr * grads[i]


class BookAdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.h[i] += grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class BookRMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate, self.h = lr, decay_rate, None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.h[i] *= self.decay_rate
            self.h[i] += (1 - self.decay_rate) * grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


PAIRS = [(Momentum, BookMomentum), (Nesterov, BookNesterov), (AdaGrad, BookAdaGrad),
         (RMSprop, BookRMSprop)]
IDS = [ours.__name__ for ours, _ in PAIRS]


def _sparse(rng, shape, rows):
    grad = SparseGrad(shape)
    grad.set(np.asarray(rows), rng.standard_normal((len(rows), shape[1])))
    return grad


@pytest.mark.parametrize("ours,book", PAIRS, ids=IDS)
def test_dense_updates_are_the_books(ours, book):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((6, 3))
    A, B = W.copy(), W.copy()
    a, b = ours(lr=0.1), book(lr=0.1)
    for _ in range(4):
        g = rng.standard_normal(W.shape)
        a.update([A], [g.copy()])
        b.update([B], [g.copy()])
    np.testing.assert_allclose(A, B, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("ours,book", PAIRS, ids=IDS)
def test_sparse_updates_touching_every_row_equal_the_books_dense_ones(ours, book):
    rng = np.random.default_rng(1)
    shape = (5, 4)
    W = rng.standard_normal(shape)
    A, B = W.copy(), W.copy()
    a, b = ours(lr=0.05), book(lr=0.05)
    for _ in range(4):
        grad = _sparse(rng, shape, [4, 0, 1, 2, 3, 0, 4])   # every row, two of them twice
        dense = grad.todense()
        a.update([A], [grad])
        b.update([B], [dense])
    np.testing.assert_allclose(A, B, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("ours", [o for o, _ in PAIRS], ids=IDS)
def test_rows_a_sparse_gradient_leaves_out_keep_their_weights_and_state(ours):
    rng = np.random.default_rng(2)
    shape = (6, 3)
    W = rng.standard_normal(shape)
    opt = ours(lr=0.05)
    opt.update([W], [_sparse(rng, shape, [0, 1, 2, 3, 4, 5])])
    before, state = W.copy(), opt.state[0].copy()
    opt.update([W], [_sparse(rng, shape, [1, 4])])
    untouched = [0, 2, 3, 5]
    assert np.array_equal(W[untouched], before[untouched])
    assert np.array_equal(opt.state[0][untouched], state[untouched])
    assert not np.array_equal(W[[1, 4]], before[[1, 4]])


@pytest.mark.parametrize("ours", [o for o, _ in PAIRS], ids=IDS)
def test_the_books_optimisers_train_the_chapter_4_cbow(ours):
    corpus = np.tile(np.arange(20, dtype=np.int32), 60)     # a cycle: each word has fixed context
    contexts, target = create_contexts_target(corpus, 2)
    model = CBOW(20, 8, 2, corpus, seed=0)
    trainer = Trainer(model, ours(lr=0.05), seed=0)
    trainer.fit(contexts, target, max_epoch=5, batch_size=20, eval_interval=None)
    assert np.all(np.isfinite(trainer.epoch_loss))
    assert trainer.epoch_loss[-1] < trainer.epoch_loss[0]
