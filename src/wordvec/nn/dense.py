"""Chapter 3's dense layers (book ``common/layers.py``): ``MatMul``, ``Softmax`` and
``SoftmaxWithLoss``, the layers a plain CBOW is built of before chapter 4 replaces them.

Their cost is the point: ``MatMul`` on a one-hot input multiplies a whole (N, V) matrix by
``W_in`` (V, H), and the softmax scores all V words for every example, so time and memory
grow with the vocabulary (``benchmarks/`` measures it beside chapter 4's layers).
"""
from __future__ import annotations

from .backend import xp


def softmax(x):
    """Row-wise softmax of (N, V) scores (or of one (V,) row), shifted by the row maximum so
    that large scores do not overflow."""
    shifted = x - x.max(axis=-1, keepdims=True)
    e = xp.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """Mean of ``-log(y[i, t[i]] + 1e-7)`` over the batch, as the book (the 1e-7 keeps a
    probability of 0 finite); ``t`` class ids (N,) or one-hot rows (N, V)."""
    if y.ndim == 1:
        y, t = y.reshape(1, -1), xp.asarray(t).reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    n = y.shape[0]
    return float(-xp.sum(xp.log(y[xp.arange(n), t] + 1e-7)) / n)


class MatMul:
    """``out = x @ W`` (book p.129). ``params = [W]``, ``grads = [dW]`` (dense, W's shape)."""

    def __init__(self, W):
        self.params = [W]
        self.grads = [xp.zeros_like(W)]
        self.x = None

    def forward(self, x):
        (W,) = self.params
        self.x = x
        return x @ W

    def backward(self, dout):
        (W,) = self.params
        dx = dout @ W.T
        self.grads[0][...] = self.x.T @ dout
        return dx


class Softmax:
    """The softmax as a layer; backward is ``y * (dout - sum(y * dout))`` per row."""

    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        dx -= self.out * dx.sum(axis=1, keepdims=True)
        return dx


class SoftmaxWithLoss:
    """Softmax and cross-entropy together: forward(x, t) -> mean loss over the batch (``t``
    class ids or one-hot rows); backward(dout=1) -> ``(y - onehot(t)) * dout / N``."""

    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        if self.t.size == self.y.size:   # one-hot rows -> class ids
            self.t = self.t.argmax(axis=1)
        return cross_entropy_error(self.y, self.t)

    def backward(self, dout=1):
        n = self.t.shape[0]
        dx = self.y.copy()
        dx[xp.arange(n), self.t] -= 1
        return dx * (dout / n)
