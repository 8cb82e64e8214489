"""SGD and Adam (book ``common/optimizer.py``) for dense and row-sparse gradients.

``update(params, grads)`` takes the book's index-aligned lists. A dense gradient gets the
book's update. A :class:`~wordvec.nn.layers.SparseGrad` updates only the rows it holds:
for SGD that is the same result as the dense update; for Adam it is *lazy* Adam (as
PyTorch's ``SparseAdam``): rows absent from the gradient keep their moments and do not move,
where the book's dense Adam decays every moment and moves every row with a non-zero moment.
The two agree on every step in which the gradient touches every row.
"""
from __future__ import annotations

from .backend import xp
from .layers import SparseGrad


class SGD:
    """``W <- W - lr * dW``."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for param, grad in zip(params, grads):
            if isinstance(grad, SparseGrad):
                # Repeated rows add up first, as in the dense gradient.
                grad.coalesce()
                param[grad.rows] -= self.lr * grad.values
            else:
                param -= self.lr * grad


class Adam:
    """Adam (Kingma & Ba), with the book's bias correction folded into ``lr_t``.

    ``m``, ``v``: one (V, H) moment pair per parameter, allocated at the first update.
    """

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
            if isinstance(grad, SparseGrad):
                grad.coalesce()
                rows, g = grad.rows, grad.values
                m_rows = m[rows]
                v_rows = v[rows]
                m_rows += (1 - self.beta1) * (g - m_rows)
                v_rows += (1 - self.beta2) * (g * g - v_rows)
                m[rows] = m_rows
                v[rows] = v_rows
                param[rows] -= lr_t * m_rows / (xp.sqrt(v_rows) + 1e-7)
            else:
                m += (1 - self.beta1) * (grad - m)
                v += (1 - self.beta2) * (grad ** 2 - v)
                param -= lr_t * m / (xp.sqrt(v) + 1e-7)
