"""The fast path: Numba kernels with word2vec.c's rules, Hogwild over Python threads.

``train`` runs a whole training in place on ``W_in``/``W_out`` (arrays from ``init_weights``,
word2vec.c's initialisation); ``cbow_step`` / ``skipgram_step`` make one update on one fixed
example with the same code (the tie to the book's layers, ``wordvec.nn``). The rules, the
named options (``saturation``, ``sigmoid``) and the performance notes are in
``engine.kernels``; threads, schedule and progress in ``engine.train``.
"""
from .kernels import cbow_step, skipgram_step
from .train import Progress, TrainResult, init_weights, train

__all__ = ["train", "init_weights", "Progress", "TrainResult", "cbow_step", "skipgram_step"]
