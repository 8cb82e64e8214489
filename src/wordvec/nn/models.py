"""CBOW and skip-gram with the Embedding layer and negative sampling (book ch04 ``cbow.py``,
``skip_gram.py``), or hierarchical softmax, or both."""
from __future__ import annotations

from .backend import default_rng, xp
from .hierarchical_softmax import HierarchicalSoftmaxLoss
from .layers import Embedding
from .negative_sampling import NegativeSamplingLoss


class _Word2VecModel:
    """What CBOW and SkipGram share: two (V, H) float32 matrices initialised ``0.01 * N(0, 1)``
    as in the book, the negative-sampling loss on ``W_out`` (by default: see ``ns`` and ``hs``
    below), and the book's attributes ``params``, ``grads`` and ``word_vecs`` (= ``W_in``, the
    word vectors).

    Keywords beyond the book's: ``sample_size``, ``power``, ``exclude_target`` and ``distinct``
    go to the sampler (see :class:`UnigramSampler`); ``seed`` fixes initialisation and
    sampling; ``dtype`` of the weights (float64 for gradient checks).

    ``ns`` (default True) keeps the negative-sampling layer ``ns_loss``; ``hs`` (default False)
    adds a :class:`HierarchicalSoftmaxLoss` ``hs_loss`` on its own (V, H) matrix ``W_hs``,
    initialised to zeros as word2vec.c's ``syn1``, over the Huffman tree of the word counts
    ``bincount(corpus, minlength=V)``. At least one must be on; an absent one is None. With
    both, the loss is the sum of the two and so is the gradient of the hidden vector.
    ``params`` and ``grads``: ``W_in``, then ``W_out`` (if ns), then ``W_hs`` (if hs). The
    random draws are, in order, ``W_in``, ``W_out`` and the sampler's seed (the last two only
    with ns), so ``hs`` leaves the default model's numbers as they were.
    """

    def __init__(self, vocab_size, hidden_size, window_size, corpus, *, sample_size=5,
                 power=0.75, exclude_target=True, distinct=True, seed=None, dtype="f",
                 hs=False, ns=True):
        if not (hs or ns):
            raise ValueError("a model needs an output layer: pass ns=True, hs=True or both")
        V, H = vocab_size, hidden_size
        rng = default_rng(seed)
        W_in = (0.01 * rng.standard_normal((V, H))).astype(dtype)
        self.window_size = window_size
        self.in_layer = Embedding(W_in)
        self.ns_loss = self.hs_loss = None
        if ns:
            W_out = (0.01 * rng.standard_normal((V, H))).astype(dtype)
            self.ns_loss = NegativeSamplingLoss(
                W_out, corpus, power=power, sample_size=sample_size,
                exclude_target=exclude_target, distinct=distinct,
                seed=int(rng.integers(0, 2**31 - 1)))
        if hs:
            self.hs_loss = HierarchicalSoftmaxLoss(xp.zeros((V, H), dtype=dtype), corpus)
        self._out_layers = [layer for layer in (self.ns_loss, self.hs_loss) if layer is not None]
        self.params, self.grads = [], []
        for layer in [self.in_layer, *self._out_layers]:
            self.params += layer.params
            self.grads += layer.grads
        self.word_vecs = W_in

    def _loss_forward(self, h, target):
        """The sum of the output layers' losses on h (N, H) and target (N,) or (N, C)."""
        first, *rest = self._out_layers
        loss = first.forward(h, target)
        for layer in rest:
            loss = loss + layer.forward(h, target)
        return loss

    def _loss_backward(self, dout):
        """dh (N, H): the sum of the output layers' gradients of the hidden vectors."""
        first, *rest = self._out_layers
        dh = first.backward(dout)
        for layer in rest:
            dh = dh + layer.backward(dout)
        return dh


class CBOW(_Word2VecModel):
    """Continuous bag of words: predict the target from the mean of its 2*window contexts.

    forward(contexts, target): contexts (N, 2*window_size) ids, target (N,) ids -> loss
    (mean over the batch). backward(dout=1) fills ``grads``.
    The book gives each context column its own Embedding layer, all sharing ``W_in``; one
    Embedding over the (N, 2*window_size) block reads the same rows and its backward adds the
    same gradients, so the two are the same computation.
    """

    def forward(self, contexts, target):
        rows = self.in_layer.forward(contexts)               # (N, C, H)
        h = xp.einsum("nch->nh", rows) * (1.0 / rows.shape[1])   # the mean, faster
        return self._loss_forward(h, target)

    def backward(self, dout=1):
        dh = self._loss_backward(dout)                       # (N, H)
        # h is the mean of the C context rows: each gets dh / C.
        self.in_layer.backward_outer(1.0 / self.in_layer.idx.shape[1], dh)
        return None


class SkipGram(_Word2VecModel):
    """Skip-gram: predict each of the 2*window contexts from the target.

    forward(contexts, target): contexts (N, 2*window_size), target (N,) -> loss, the sum over
    the context positions of the batch-mean loss, as the book adds one NegativeSamplingLoss
    layer per position; here one layer scores the (N, 2*window_size) block of positives at
    once (each position with its own negatives). backward(dout=1) fills ``grads``.
    """

    def forward(self, contexts, target):
        h = self.in_layer.forward(target)                    # (N, H)
        return self._loss_forward(h, contexts)

    def backward(self, dout=1):
        dh = self._loss_backward(dout)
        self.in_layer.backward(dh)
        return None
