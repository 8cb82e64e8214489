"""The book's ``Trainer`` (``common/trainer.py``): shuffled minibatches, loss every
``eval_interval`` iterations, optional gradient clipping."""
from __future__ import annotations

import time

import numpy

from .backend import xp
from .layers import SparseGrad


def merge_shared(params, grads):
    """Collapse parameters shared by several layers into one (param, grad) pair each.

    The book's ``remove_duplicate`` finds shared weights with an O(n^2) scan and adds their
    dense gradients; here weights are grouped by identity and sparse gradients are joined, so
    a row read by two layers gets both contributions (summed by the optimiser).
    """
    order, groups = [], {}
    for param, grad in zip(params, grads):
        key = id(param)
        if key not in groups:
            order.append(param)
            groups[key] = []
        groups[key].append(grad)
    merged = []
    for param in order:
        gs = groups[id(param)]
        if isinstance(gs[0], SparseGrad):
            grad = SparseGrad.concat(gs) if len(gs) > 1 else gs[0]
        else:
            grad = gs[0] if len(gs) == 1 else sum(gs[1:], gs[0].copy())
        merged.append(grad)
    return order, merged


def clip_grads(grads, max_norm):
    """Scale all gradients by ``max_norm / total_norm`` when their total L2 norm exceeds it."""
    total = 0.0
    for grad in grads:
        total += grad.sq_norm() if isinstance(grad, SparseGrad) else float((grad ** 2).sum())
    rate = max_norm / (total ** 0.5 + 1e-6)
    if rate < 1:
        for grad in grads:
            if isinstance(grad, SparseGrad):
                grad.scale(rate)
            else:
                grad *= rate


class Trainer:
    """Trains ``model`` (``forward``, ``backward``, ``params``, ``grads``) with ``optimizer``.

    ``loss_list`` holds the mean loss of every ``eval_interval`` iterations, as the book's;
    ``epoch_loss`` the mean loss of each epoch.
    ``seed`` fixes the shuffling (default: drawn from NumPy's global state, as the book's
    ``numpy.random.permutation``).
    """

    def __init__(self, model, optimizer, seed=None):
        self.model = model
        self.optimizer = optimizer
        self.loss_list = []
        self.epoch_loss = []
        self.eval_interval = None
        self.current_epoch = 0
        if seed is None:
            seed = int(numpy.random.randint(0, 2**31 - 1))
        self.rng = numpy.random.default_rng(seed)

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20, *,
            callback=None):
        """x: (N, ...) inputs, t: (N, ...) targets; one epoch is ``N // batch_size`` steps.
        ``callback(epoch, iteration, iterations, loss)`` (beyond the book's) is called after
        every step, ``epoch`` and ``iteration`` 0-based, ``iterations`` per epoch."""
        data_size = len(x)
        max_iters = data_size // batch_size
        self.eval_interval = eval_interval
        model, optimizer = self.model, self.optimizer
        total_loss = 0.0
        loss_count = 0
        start_time = time.time()
        for _ in range(max_epoch):
            epoch_total = 0.0
            idx = xp.asarray(self.rng.permutation(data_size))
            x = x[idx]
            t = t[idx]
            for iters in range(max_iters):
                batch_x = x[iters * batch_size:(iters + 1) * batch_size]
                batch_t = t[iters * batch_size:(iters + 1) * batch_size]
                loss = model.forward(batch_x, batch_t)
                model.backward()
                params, grads = merge_shared(model.params, model.grads)
                if max_grad is not None:
                    clip_grads(grads, max_grad)
                optimizer.update(params, grads)
                loss = float(loss)
                total_loss += loss
                epoch_total += loss
                loss_count += 1
                if callback is not None:
                    callback(self.current_epoch, iters, max_iters, loss)
                if (eval_interval is not None) and (iters % eval_interval) == 0:
                    avg_loss = total_loss / loss_count
                    elapsed_time = time.time() - start_time
                    print('| epoch %d |  iter %d / %d | time %d[s] | loss %.2f'
                          % (self.current_epoch + 1, iters + 1, max_iters, elapsed_time, avg_loss))
                    self.loss_list.append(float(avg_loss))
                    total_loss, loss_count = 0.0, 0
            self.epoch_loss.append(epoch_total / max_iters if max_iters else float("nan"))
            self.current_epoch += 1

    def plot(self, ylim=None, path=None):
        """Plot ``loss_list``; saved to ``path`` if given, else shown (needs ``wordvec[plot]``)."""
        from ..plot import loss_curve

        loss_curve(self.loss_list, self.eval_interval, ylim=ylim, path=path)
