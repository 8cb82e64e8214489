"""The layers of "Deep Learning from Scratch 2", chapter 4, with sparse gradients.

Every layer keeps the book's interface: ``params`` and ``grads`` (lists, index-aligned),
``forward`` and ``backward``. The one change of representation: the gradient of a weight that
is only read by row (``Embedding``, ``EmbeddingDot``) is a :class:`SparseGrad` — the rows that
were read and the gradient of each — instead of a dense V x H array that is almost all zeros.
``SparseGrad.todense`` gives the book's dense gradient; the optimisers update only those rows.
"""
from __future__ import annotations

from .backend import sparse, xp


class SparseGrad:
    """Gradient of a (V, H) weight matrix as rows:
    ``dW[rows[i]] += weights[i] * values[source[i]]``.

    rows: (M,) integer ids, possibly repeated (repeats add up, as ``np.add.at`` in the book's
    ``Embedding.backward``); values: (K, H) in the weight's dtype; source: (M,) indices into
    values, or None for ``source[i] = i``; weights: (M,) or None for all ones. The factored
    form lets a layer whose row gradients are multiples of a few vectors (EmbeddingDot's
    ``dout[n, m] * h[n]``, CBOW's ``dh[n] / C``) hand them over without forming the
    (M, H) product. ``shape`` is the weight's.
    After :meth:`coalesce` the rows are sorted and unique, with plain values (M = K).
    """

    __slots__ = ("shape", "rows", "values", "source", "weights", "coalesced")

    def __init__(self, shape):
        self.shape = tuple(shape)
        self.set(xp.zeros(0, dtype=xp.int64), xp.zeros((0, self.shape[1]), dtype=xp.float32))
        self.coalesced = True

    def set(self, rows, values, source=None, weights=None):
        """Replace the gradient: rows (M,), values (K, H), source (M,) or None, weights (M,)
        or None, as in the class docstring."""
        self.rows = rows
        self.values = values
        self.source = source
        self.weights = weights
        self.coalesced = False

    def _expanded(self):
        # The (M, H) row gradients, formed explicitly: the reference path.
        rows = self.values if self.source is None else self.values[self.source]
        return rows if self.weights is None else rows * self.weights[:, None]

    def coalesce(self):
        """Sum repeated rows in place, so that ``rows`` becomes sorted and unique."""
        if self.coalesced:
            return self
        M = self.rows.shape[0]
        if M == 0:
            self.values = self.values[:0]
            self.source = self.weights = None
            self.coalesced = True
            return self
        order = xp.argsort(self.rows)
        rows = self.rows[order]
        first = xp.empty(M, dtype=bool)
        first[0] = True
        xp.not_equal(rows[1:], rows[:-1], out=first[1:])
        starts = xp.flatnonzero(first)
        # The sum over each run of equal rows is a (U, K) sparse matrix times values: one
        # pass in compiled code, several times faster than np.add.at or np.add.reduceat.
        indptr = xp.concatenate([starts, xp.asarray([M], dtype=starts.dtype)])
        columns = order if self.source is None else self.source[order]
        data = (xp.ones(M, dtype=self.values.dtype) if self.weights is None
                else self.weights[order].astype(self.values.dtype, copy=False))
        product = sparse.csr_matrix((data, columns, indptr),
                                    shape=(starts.shape[0], self.values.shape[0])) @ self.values
        self.set(rows[starts], xp.asarray(product, dtype=self.values.dtype))
        self.coalesced = True
        return self

    def todense(self):
        """The dense (V, H) gradient, as the book's layers hold it."""
        dense = xp.zeros(self.shape, dtype=self.values.dtype)
        xp.add.at(dense, self.rows, self._expanded())
        return dense

    def scale(self, rate):
        """Multiply the gradient by ``rate`` (gradient clipping); values may be shared, so
        they are replaced, not changed in place."""
        self.values = self.values * rate

    def sq_norm(self):
        """Squared Frobenius norm of the dense gradient (repeats summed first)."""
        self.coalesce()
        return float((self.values.astype(xp.float64) ** 2).sum())

    @staticmethod
    def concat(grads):
        """One SparseGrad holding the sum of several gradients of the same weight."""
        out = SparseGrad(grads[0].shape)
        out.set(xp.concatenate([g.rows for g in grads]),
                xp.concatenate([g._expanded() for g in grads]))
        return out


class Embedding:
    """Row lookup ``out = W[idx]`` (the one-hot product ``onehot(idx) @ W``), book p.135.

    W: (V, H). forward(idx): idx of any integer shape S -> ``(*S, H)``.
    backward(dout): dout ``(*S, H)``; the gradient of W adds ``dout`` into the rows ``idx`` —
    adds, so that a row read twice in one batch gets both contributions.
    """

    def __init__(self, W):
        self.params = [W]
        self.grads = [SparseGrad(W.shape)]
        self.idx = None

    def forward(self, idx):
        W, = self.params
        self.idx = idx
        return xp.take(W, idx, axis=0)          # W[idx], about twice as fast

    def backward(self, dout):
        H = self.params[0].shape[1]
        self.grads[0].set(self.idx.reshape(-1), dout.reshape(-1, H))
        return None

    def backward_outer(self, weights, base):
        """``backward(weights[..., None] * base[n])`` without forming that ``(*S, H)`` product.

        weights: idx.shape (N, ...) array, or a scalar for all positions; base: (N, H). Row
        ``idx[n, ...]`` of the gradient gets ``weights[n, ...] * base[n]``.
        """
        N = base.shape[0]
        per_row = self.idx.size // N
        source = xp.repeat(xp.arange(N), per_row)
        if xp.ndim(weights) == 0:
            base = base * weights if weights != 1 else base
            weights = None
        else:
            weights = weights.reshape(-1)
        self.grads[0].set(self.idx.reshape(-1), base, source=source, weights=weights)
        return None


class EmbeddingDot:
    """Score ``out[n, ...] = W[idx[n, ...]] . h[n]``: Embedding then a row-wise dot, book p.149.

    W: (V, H). forward(h, idx): h (N, H), idx (N,) or ``(N, *K)`` integer -> out idx.shape.
    The book passes one column of ids per layer; a block of columns (the target and its
    negatives, or every context of skip-gram) gives the same scores in one product.
    backward(dout): dout idx.shape -> dh (N, H).
    """

    def __init__(self, W):
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.grads = self.embed.grads
        self.cache = None

    def forward(self, h, idx):
        target_W = self.embed.forward(idx)
        N, H = h.shape
        rows = target_W.reshape(N, -1, H)                  # (N, M, H)
        out = xp.matmul(rows, h[:, :, None])[:, :, 0]      # (N, M)
        self.cache = (h, rows)
        return out.reshape(idx.shape)

    def backward(self, dout):
        h, rows = self.cache
        dout = dout.reshape(h.shape[0], -1)                 # (N, M)
        # The book's embed.backward(dout * h): row idx[n, m] gets dout[n, m] * h[n].
        self.embed.backward_outer(dout, h)
        return xp.matmul(dout[:, None, :], rows)[:, 0, :]  # (N, H)


def _sigmoid(x):
    # 1 / (1 + exp(-x)) without overflow for large |x|.
    return 0.5 * (xp.tanh(0.5 * x) + 1.0)


class Sigmoid:
    """``y = 1 / (1 + exp(-x))``, elementwise, any shape; ``dx = dout * y * (1 - y)``."""

    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = _sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class SigmoidWithLoss:
    """Sigmoid then binary cross-entropy, book p.148.

    forward(x, t): scores x and labels t (0 or 1) of the same shape (N, ...) -> the loss summed
    over everything but the batch axis and averaged over the batch (N rows), as the book's
    layers add one per-column mean per layer. ``-log(sigmoid(x))`` is computed as
    ``log(1 + exp(-x))``, exactly, where the book adds 1e-7 inside the log.
    backward(dout=1): dx = (y - t) * dout / N, shape of x.
    """

    def __init__(self):
        self.params, self.grads = [], []
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = _sigmoid(x)
        # -[t log y + (1-t) log(1-y)] = t*softplus(-x) + (1-t)*softplus(x)
        per_item = xp.logaddexp(0.0, xp.where(t > 0, -x, x))
        self.loss = per_item.sum() / t.shape[0]
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        return (self.y - self.t) * (dout / batch_size)
