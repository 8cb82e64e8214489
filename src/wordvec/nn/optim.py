"""The book's optimisers (``common/optimizer.py``): SGD, Momentum, Nesterov, AdaGrad, RMSprop
and Adam, for dense and row-sparse gradients.

``update(params, grads)`` takes the book's index-aligned lists. A dense gradient gets the
book's update. A :class:`~wordvec.nn.layers.SparseGrad` updates only the rows it holds:
for SGD that is the same result as the dense update; for Adam it is *lazy* Adam (as
PyTorch's ``SparseAdam``): rows absent from the gradient keep their moments and do not move,
where the book's dense Adam decays every moment and moves every row with a non-zero moment.
The two agree on every step in which the gradient touches every row. Momentum, Nesterov,
AdaGrad and RMSprop are lazy the same way (their state rows move only with their gradient).
"""
from __future__ import annotations

import numpy

from . import rowops
from .backend import xp
from .layers import SparseGrad


def _factored(grad):
    """rows, source, weights (all (M,)) and values (K, H) of a SparseGrad, defaults filled in."""
    M = grad.rows.shape[0]
    source = numpy.arange(M) if grad.source is None else grad.source
    weights = (numpy.ones(M, dtype=grad.values.dtype) if grad.weights is None
               else grad.weights.astype(grad.values.dtype, copy=False))
    return grad.rows, source, weights, grad.values


def _fused(param, grad):
    # The Numba row kernels serve NumPy arrays whose dtypes agree; anything else (CuPy,
    # mixed dtypes) takes the array-module reference path.
    return (isinstance(param, numpy.ndarray) and isinstance(grad, SparseGrad)
            and isinstance(grad.values, numpy.ndarray) and grad.values.dtype == param.dtype)


class SGD:
    """``W <- W - lr * dW``."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for param, grad in zip(params, grads):
            if _fused(param, grad):
                rowops.sgd_rows(param, *_factored(grad), self.lr)
            elif isinstance(grad, SparseGrad):
                # Repeated rows add up first, as in the dense gradient.
                grad.coalesce()
                param[grad.rows] -= self.lr * grad.values
            else:
                param -= self.lr * grad


class Adam:
    """Adam (Kingma & Ba), with the book's bias correction folded into ``lr_t``.

    ``m``, ``v``: one (V, H) moment pair per parameter, allocated at the first update.
    """

    _slots = None  # the fused kernel's scratch: {V: (V,) row slots}
    _sums = None   # and {(H, dtype): (M, H) row sums}

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [xp.zeros_like(p) for p in params]
            self.v = [xp.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * (1.0 - self.beta2 ** self.iter) ** 0.5 / (1.0 - self.beta1 ** self.iter)
        for param, grad, m, v in zip(params, grads, self.m, self.v):
            if _fused(param, grad):
                rows, source, weights, values = _factored(grad)
                rowops.adam_rows(param, m, v, rows, source, weights, values, lr_t, self.beta1,
                                 self.beta2, 1e-7, *self._scratch(param, rows.shape[0]))
            elif isinstance(grad, SparseGrad):
                self._update_rows(param, grad.coalesce(), m, v, lr_t)
            else:
                m += (1 - self.beta1) * (grad - m)
                v += (1 - self.beta2) * (grad ** 2 - v)
                param -= lr_t * m / (xp.sqrt(v) + 1e-7)

    def _scratch(self, param, M):
        """The fused kernel's scratch for M gradient rows of ``param`` (V, H): the (V,) int64
        row slots, all -1 between calls (so parameters with as many rows share them), and an
        (M, H) buffer for the summed rows, a view of one kept buffer that only grows."""
        if self._slots is None:
            self._slots, self._sums = {}, {}
        V, H = param.shape
        if V not in self._slots:
            self._slots[V] = numpy.full(V, -1, dtype=numpy.int64)
        key = (H, param.dtype)
        sums = self._sums.get(key)
        if sums is None or sums.shape[0] < M:
            sums = self._sums[key] = numpy.empty((M, H), dtype=param.dtype)
        return self._slots[V], sums[:M]

    def _update_rows(self, param, grad, m, v, lr_t):
        # The dense update restricted to grad.rows, in place on gathered copies: each moment
        # row becomes beta * (old - g) + g = beta * old + (1 - beta) * g.
        rows, g = grad.rows, grad.values
        m_rows = m[rows]
        m_rows -= g
        m_rows *= self.beta1
        m_rows += g
        m[rows] = m_rows
        g2 = g * g
        v_rows = v[rows]
        v_rows -= g2
        v_rows *= self.beta2
        v_rows += g2
        v[rows] = v_rows
        step = xp.sqrt(v_rows, out=v_rows)
        step += 1e-7
        xp.divide(m_rows, step, out=step)
        step *= lr_t
        param_rows = param[rows]
        param_rows -= step
        param[rows] = param_rows


class _RowState:
    """What the book's other optimisers share: one state array per parameter, allocated at
    the first update, and the update applied to a dense gradient as the book does or, for a
    :class:`SparseGrad`, to its rows only (lazily, as :class:`Adam`: rows the gradient does
    not touch keep their state and do not move). Subclasses define
    ``_step(param_rows, grad_rows, state_rows) -> (new_param_rows, new_state_rows)``."""

    def update(self, params, grads):
        if self.state is None:
            self.state = [xp.zeros_like(p) for p in params]
        for param, grad, state in zip(params, grads, self.state):
            if isinstance(grad, SparseGrad):
                grad.coalesce()      # repeated rows add up first, as in the dense gradient
                rows = grad.rows
                new_param, new_state = self._step(param[rows], grad.values, state[rows])
                param[rows], state[rows] = new_param, new_state
            else:
                new_param, new_state = self._step(param, grad, state)
                param[...], state[...] = new_param, new_state


class Momentum(_RowState):
    """``v <- momentum * v - lr * dW``; ``W <- W + v`` (book ``common/optimizer.py``)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.state = None

    @property
    def v(self):
        return self.state

    def _step(self, W, g, v):
        v = self.momentum * v - self.lr * g
        return W + v, v


class Nesterov(Momentum):
    """Nesterov's accelerated gradient in the book's form: ``v <- momentum * v - lr * dW``;
    ``W <- W + momentum^2 * v - (1 + momentum) * lr * dW``."""

    def _step(self, W, g, v):
        v = self.momentum * v - self.lr * g
        return W + self.momentum * self.momentum * v - (1 + self.momentum) * self.lr * g, v


class AdaGrad(_RowState):
    """``h <- h + dW^2``; ``W <- W - lr * dW / (sqrt(h) + 1e-7)``."""

    def __init__(self, lr=0.01):
        self.lr = lr
        self.state = None

    @property
    def h(self):
        return self.state

    def _step(self, W, g, h):
        h = h + g * g
        return self._descend(W, g, h), h

    def _descend(self, W, g, h):
        """The step AdaGrad and RMSprop share: ``W - lr * dW / (sqrt(h) + 1e-7)``."""
        return W - self.lr * g / (xp.sqrt(h) + 1e-7)


class RMSprop(AdaGrad):
    """``h <- decay_rate * h + (1 - decay_rate) * dW^2``;
    ``W <- W - lr * dW / (sqrt(h) + 1e-7)``."""

    def __init__(self, lr=0.01, decay_rate=0.99):
        super().__init__(lr)
        self.decay_rate = decay_rate

    def _step(self, W, g, h):
        h = self.decay_rate * h + (1 - self.decay_rate) * g * g
        return self._descend(W, g, h), h
