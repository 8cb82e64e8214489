"""The book's chapter 4 word2vec as the book runs it on a CPU: the baseline for ``nn_speed.py``.

"Deep Learning from Scratch 2", chapter 4 (Embedding + negative sampling), re-implemented from
the book's description of the algorithm (our code, not the book's), keeping every cost the
book's CPU path pays per minibatch:

- ``Embedding.backward`` zeroes a dense (V, H) gradient and scatters into it with
  ``np.add.at`` -- every Embedding layer, every step;
- ``UnigramSampler`` draws each row's negatives with its own
  ``np.random.choice(V, sample_size, replace=False, p=p)`` after zeroing the row's target in a
  copy of the (V,) probabilities (an O(V) call per row);
- ``NegativeSamplingLoss`` holds 1 + sample_size separate ``EmbeddingDot`` /
  ``SigmoidWithLoss`` layers, all sharing ``W_out``;
- ``CBOW`` has 2*window ``Embedding`` layers sharing ``W_in``; ``SkipGram`` has 2*window
  ``NegativeSamplingLoss`` layers sharing ``W_out``;
- ``remove_duplicate`` finds shared weights by an O(n^2) scan and adds their dense gradients;
- ``Adam`` updates the moments and weights of the whole (V, H) matrices every step.

One deliberate kindness to the baseline: ``Adam``'s step size ``lr_t`` is a Python float. The
book computes it with ``np.sqrt``, a NumPy float64 scalar, which under NumPy >= 2 (NEP 50)
turns the (V, H) update into float64 temporaries; here it stays float32, as it did on the
NumPy 1.x the book was written for. The baseline is therefore, if anything, a little faster
than the book's code run today, and speed-ups measured against it are conservative.

Shapes: ids are integer arrays; ``contexts`` (N, 2*window), ``target`` (N,); weights
(V, H) float32 initialised ``0.01 * randn``. Randomness comes from NumPy's global state
(``np.random.seed``), as in the book.
"""
from __future__ import annotations

import collections
import math
import time

import numpy as np


class Embedding:
    """``out = W[idx]``; backward scatters ``dout`` into a dense (V, H) gradient."""

    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx = None

    def forward(self, idx):
        """idx (N,) -> (N, H)."""
        self.idx = idx
        return self.params[0][idx]

    def backward(self, dout):
        """dout (N, H); the gradient is dense and reset every step."""
        dW, = self.grads
        dW[...] = 0
        np.add.at(dW, self.idx, dout)       # add, not assign: repeated ids accumulate


class EmbeddingDot:
    """``out[n] = W[idx[n]] . h[n]``: h (N, H), idx (N,) -> (N,)."""

    def __init__(self, W):
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.grads = self.embed.grads
        self.cache = None

    def forward(self, h, idx):
        target_W = self.embed.forward(idx)
        self.cache = (h, target_W)
        return np.sum(target_W * h, axis=1)

    def backward(self, dout):
        """dout (N,) -> dh (N, H)."""
        h, target_W = self.cache
        dout = dout.reshape(-1, 1)
        self.embed.backward(dout * h)
        return dout * target_W


class SigmoidWithLoss:
    """Sigmoid + binary cross-entropy, batch mean; x (N,) scores, t (N,) labels 0/1."""

    def __init__(self):
        self.params, self.grads = [], []
        self.y = self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = 1 / (1 + np.exp(-x))
        # The book's cross_entropy_error on the two-column [1 - y, y] probabilities.
        probs = np.c_[1 - self.y, self.y]
        n = probs.shape[0]
        return -np.sum(np.log(probs[np.arange(n), t] + 1e-7)) / n

    def backward(self, dout=1):
        return (self.y - self.t) * dout / self.t.shape[0]


class UnigramSampler:
    """Negatives from ``count**power``, without replacement and never the row's target."""

    def __init__(self, corpus, power, sample_size):
        counts = collections.Counter(int(w) for w in corpus)
        self.vocab_size = len(counts)
        self.sample_size = sample_size
        self.word_p = np.array([counts[i] for i in range(self.vocab_size)], dtype=np.float64)
        self.word_p = np.power(self.word_p, power)
        self.word_p /= self.word_p.sum()

    def get_negative_sample(self, target):
        """target (N,) -> (N, sample_size) int32, one ``np.random.choice`` call per row."""
        negative = np.zeros((target.shape[0], self.sample_size), dtype=np.int32)
        for i in range(target.shape[0]):
            p = self.word_p.copy()
            p[target[i]] = 0
            p /= p.sum()
            negative[i, :] = np.random.choice(self.vocab_size, size=self.sample_size,
                                              replace=False, p=p)
        return negative


class NegativeSamplingLoss:
    """The target (label 1) and ``sample_size`` negatives (label 0), one layer pair each."""

    def __init__(self, W, corpus, power=0.75, sample_size=5):
        self.sample_size = sample_size
        self.sampler = UnigramSampler(corpus, power, sample_size)
        self.loss_layers = [SigmoidWithLoss() for _ in range(sample_size + 1)]
        self.embed_dot_layers = [EmbeddingDot(W) for _ in range(sample_size + 1)]
        self.params, self.grads = [], []
        for layer in self.embed_dot_layers:
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, h, target):
        """h (N, H), target (N,) -> loss (sum of the 1 + sample_size batch-mean losses)."""
        n = target.shape[0]
        negative = self.sampler.get_negative_sample(target)
        score = self.embed_dot_layers[0].forward(h, target)
        loss = self.loss_layers[0].forward(score, np.ones(n, dtype=np.int32))
        zeros = np.zeros(n, dtype=np.int32)
        for i in range(self.sample_size):
            score = self.embed_dot_layers[1 + i].forward(h, negative[:, i])
            loss += self.loss_layers[1 + i].forward(score, zeros)
        return loss

    def backward(self, dout=1):
        """-> dh (N, H)."""
        dh = 0
        for loss_layer, dot_layer in zip(self.loss_layers, self.embed_dot_layers):
            dh += dot_layer.backward(loss_layer.backward(dout))
        return dh


class _Model:
    """The layers' ``params`` / ``grads`` concatenated, as the book's models expose them."""

    def _collect(self, layers):
        self.params, self.grads = [], []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads


def _init_weights(vocab_size, hidden_size):
    V, H = vocab_size, hidden_size
    return (0.01 * np.random.randn(V, H).astype('f'),
            0.01 * np.random.randn(V, H).astype('f'))


class CBOW(_Model):
    """2*window Embedding layers share W_in; h is their mean; one NegativeSamplingLoss."""

    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        W_in, W_out = _init_weights(vocab_size, hidden_size)
        self.in_layers = [Embedding(W_in) for _ in range(2 * window_size)]
        self.ns_loss = NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=5)
        self._collect(self.in_layers + [self.ns_loss])
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h = 0
        for i, layer in enumerate(self.in_layers):
            h += layer.forward(contexts[:, i])
        h *= 1 / len(self.in_layers)
        return self.ns_loss.forward(h, target)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)
        dh *= 1 / len(self.in_layers)
        for layer in self.in_layers:
            layer.backward(dh)


class SkipGram(_Model):
    """One Embedding of the target; 2*window NegativeSamplingLoss layers share W_out."""

    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        W_in, W_out = _init_weights(vocab_size, hidden_size)
        self.in_layer = Embedding(W_in)
        self.loss_layers = [NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=5)
                            for _ in range(2 * window_size)]
        self._collect([self.in_layer] + self.loss_layers)
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h = self.in_layer.forward(target)
        return sum(layer.forward(h, contexts[:, i]) for i, layer in enumerate(self.loss_layers))

    def backward(self, dout=1):
        dh = sum(layer.backward(dout) for layer in self.loss_layers)
        self.in_layer.backward(dh)


def remove_duplicate(params, grads):
    """Merge shared weights: an O(n^2) identity scan, restarted after every merge, adding the
    dense gradient of each duplicate into the first (in place, as the book does). Also merges
    a weight with its transpose (weight tying), though chapter 4 never ties weights."""
    params, grads = params[:], grads[:]
    while True:
        found = False
        for i in range(len(params) - 1):
            for j in range(i + 1, len(params)):
                if params[i] is params[j]:
                    grads[i] += grads[j]
                elif (params[i].ndim == 2 and params[j].ndim == 2
                      and params[i].T.shape == params[j].shape
                      and np.all(params[i].T == params[j])):
                    grads[i] += grads[j].T
                else:
                    continue
                found = True
                params.pop(j)
                grads.pop(j)
                break
            if found:
                break
        if not found:
            return params, grads


class Adam:
    """Dense Adam: moments of every (V, H) matrix and every weight move each step."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        # Bias correction folded into the step size (a Python float: see the module docstring).
        lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g ** 2 - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


def train_step(model, optimizer, contexts, target):
    """One step of the book's Trainer (no gradient clipping): returns the batch loss."""
    loss = model.forward(contexts, target)
    model.backward()
    params, grads = remove_duplicate(model.params, model.grads)
    optimizer.update(params, grads)
    return float(loss)


def train(model, optimizer, contexts, target, batch_size=100, max_iters=None, log_every=None):
    """One shuffled pass as the book's Trainer makes it (``np.random.permutation``), stopping
    after ``max_iters`` steps if given. Returns the list of per-step losses."""
    idx = np.random.permutation(len(contexts))
    contexts, target = contexts[idx], target[idx]
    steps = len(contexts) // batch_size
    if max_iters is not None:
        steps = min(steps, max_iters)
    losses, start = [], time.perf_counter()
    for it in range(steps):
        sl = slice(it * batch_size, (it + 1) * batch_size)
        losses.append(train_step(model, optimizer, contexts[sl], target[sl]))
        if log_every and it % log_every == 0:
            print(f'| iter {it + 1} / {steps} | time {time.perf_counter() - start:.1f}[s] '
                  f'| loss {np.mean(losses[-log_every:]):.2f}')
    return losses
