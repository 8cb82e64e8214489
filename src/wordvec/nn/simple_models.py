"""Chapter 3's word2vec (book ``ch03/simple_cbow.py``, ``simple_skip_gram.py``): one-hot
contexts times ``W_in`` through ``MatMul``, a dense ``W_out`` (H, V) and a softmax over the
whole vocabulary, with a window of 1 (two contexts), as the book builds them."""
from __future__ import annotations

from .backend import default_rng
from .dense import MatMul, SoftmaxWithLoss


def _weights(vocab_size, hidden_size, seed, dtype):
    """The book's initialisation: ``W_in`` (V, H) and ``W_out`` (H, V), each 0.01 * N(0, 1)."""
    rng = default_rng(seed)
    W_in = (0.01 * rng.standard_normal((vocab_size, hidden_size))).astype(dtype)
    W_out = (0.01 * rng.standard_normal((hidden_size, vocab_size))).astype(dtype)
    return W_in, W_out


class _Layers:
    """``params``/``grads`` gathered from ``layers`` in order, as the book's models do (the
    two input layers share ``W_in``: the Trainer merges shared weights)."""

    def _gather(self, layers):
        self.params, self.grads = [], []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads


class SimpleCBOW(_Layers):
    """CBOW with a softmax output: forward(contexts, target), contexts one-hot (N, 2, V),
    target one-hot (N, V) or ids (N,) -> mean loss; backward(dout=1) fills ``grads``.
    ``word_vecs`` is ``W_in``. ``seed`` (beyond the book's) fixes the initial weights."""

    def __init__(self, vocab_size, hidden_size, *, seed=None, dtype="f"):
        W_in, W_out = _weights(vocab_size, hidden_size, seed, dtype)
        self.in_layer0 = MatMul(W_in)
        self.in_layer1 = MatMul(W_in)
        self.out_layer = MatMul(W_out)
        self.loss_layer = SoftmaxWithLoss()
        self._gather([self.in_layer0, self.in_layer1, self.out_layer, self.loss_layer])
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h0 = self.in_layer0.forward(contexts[:, 0])
        h1 = self.in_layer1.forward(contexts[:, 1])
        h = (h0 + h1) * 0.5
        score = self.out_layer.forward(h)
        return self.loss_layer.forward(score, target)

    def backward(self, dout=1):
        ds = self.loss_layer.backward(dout)
        da = self.out_layer.backward(ds)
        da *= 0.5
        self.in_layer1.backward(da)
        self.in_layer0.backward(da)
        return None


class SimpleSkipGram(_Layers):
    """Skip-gram with a softmax output: forward(contexts, target), target one-hot (N, V),
    contexts one-hot (N, 2, V) or ids (N, 2) -> the sum of the two positions' mean losses;
    backward(dout=1) fills ``grads``. ``word_vecs`` is ``W_in``."""

    def __init__(self, vocab_size, hidden_size, *, seed=None, dtype="f"):
        W_in, W_out = _weights(vocab_size, hidden_size, seed, dtype)
        self.in_layer = MatMul(W_in)
        self.out_layer = MatMul(W_out)
        self.loss_layer1 = SoftmaxWithLoss()
        self.loss_layer2 = SoftmaxWithLoss()
        self._gather([self.in_layer, self.out_layer, self.loss_layer1, self.loss_layer2])
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h = self.in_layer.forward(target)
        s = self.out_layer.forward(h)
        l1 = self.loss_layer1.forward(s, contexts[:, 0])
        l2 = self.loss_layer2.forward(s, contexts[:, 1])
        return l1 + l2

    def backward(self, dout=1):
        dl1 = self.loss_layer1.backward(dout)
        dl2 = self.loss_layer2.backward(dout)
        dh = self.out_layer.backward(dl1 + dl2)
        self.in_layer.backward(dh)
        return None
