"""The engine's driver: threads, the learning-rate schedule, progress and loss bookkeeping.

Python prepares plain arrays once (keep probabilities, the packed noise table, per-thread
state), cuts the corpus into chunks of whole sentences (``chunk_words`` words or a little
more), and ``n_threads`` Python threads take the chunks of every epoch in order and run
:func:`~wordvec.engine.kernels.train_range` on them with the GIL released, all writing the
same ``W_in``/``W_out`` without locks (Hogwild, as word2vec.c and gensim). The calling thread
only waits, and every ``progress_interval`` seconds calls ``progress``.

The learning rate of a chunk comes from its place in the schedule (epoch * T + offset of its
first word, T = ``len(ids)``), decaying linearly from ``config.start_alpha`` to
``config.end_alpha`` over all epochs' words, and within the chunk per sentence; it does not
depend on timing or on the thread count. With one thread and a seed the vectors are
bit-identical run to run; with more, Hogwild's races make every run differ a little.

Loss: each thread sums the exact loss of its examples in float64 and the sums are added
under a lock per chunk, so the reported means are right for any thread count. It is the
loss *during* training (each example scored just before its update): for skip-gram on real
text it can rise in the last epochs while the loss of the parameters keeps falling, because
a large learning rate also fits each center word's next few pairs (measured on text8-head:
online 2.27 -> 2.31 over epochs 3-5, while the loss of the epoch-end parameters went 2.48 ->
2.32).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..config import TrainConfig
from ..sampling import alias_table, keep_probabilities, unigram_probs
from . import kernels as K


@dataclass(frozen=True)
class Progress:
    """What ``progress`` receives, from the main thread.

    words_done/total_words: words of ``ids`` (before subsampling) over all epochs;
    words_per_sec: since the start; alpha: the learning rate at ``words_done``;
    loss: mean loss per example (CBOW target, skip-gram pair) of the chunks finished since
    the previous report (nan if none); epoch: 0-based, ``words_done // len(ids)`` (capped);
    elapsed and eta in seconds.
    """
    epoch: int
    words_done: int
    total_words: int
    words_per_sec: float
    alpha: float
    loss: float
    elapsed: float
    eta: float

    @property
    def fraction(self) -> float:
        return self.words_done / self.total_words if self.total_words else 1.0


@dataclass
class TrainResult:
    """epoch_loss: mean loss per example of each epoch (CBOW: per target word; skip-gram: per
    (center, context) pair); history: every :class:`Progress` reported; words: raw words
    trained (epochs * T); kept_words: after subsampling; examples: targets or pairs;
    seconds: wall time of training."""
    epoch_loss: list[float]
    history: list[Progress] = field(default_factory=list)
    words: int = 0
    kept_words: int = 0
    examples: int = 0
    seconds: float = 0.0

    @property
    def words_per_sec(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")


def init_weights(vocab_size: int, dim: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """word2vec.c's initialisation: ``W_in ~ U(-0.5/dim, 0.5/dim)``, ``W_out = 0``.

    Returns (W_in, W_out), each (vocab_size, dim) float32, C-contiguous; ``seed`` fixes W_in.
    """
    rng = np.random.default_rng(seed)
    W_in = ((rng.random((vocab_size, dim), dtype=np.float32) - np.float32(0.5))
            / np.float32(dim))
    W_out = np.zeros((vocab_size, dim), dtype=np.float32)
    return W_in, W_out


def make_tables(counts, sample: float, power: float = 0.75) -> K.Tables:
    """The kernels' read-only tables from word counts (V,): keep probabilities and the packed
    noise table."""
    counts = np.asarray(counts)
    prob, alias = alias_table(unigram_probs(counts, power))
    return K.Tables(
        keep_prob=np.ascontiguousarray(keep_probabilities(counts, sample), dtype=np.float32),
        noise=K.pack_alias(prob, alias),
    )


_LINE = 64  # bytes in a cache line


def _private(shape, dtype) -> np.ndarray:
    """Zeros of ``shape`` that share no cache line with any other array.

    A thread's scratch is written for every example; if a few bytes of another thread's
    scratch sat in the same 64-byte line, the two cores would pass the line back and forth
    on every write (false sharing).
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    raw = np.zeros(nbytes + 3 * _LINE, dtype=np.uint8)
    start = (-raw.ctypes.data) % _LINE + _LINE
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def make_state(dim: int, negative: int, max_sentence: int, seed: int, thread: int) -> K.ThreadState:
    """A fresh :class:`~wordvec.engine.kernels.ThreadState` for thread ``thread``, each array
    on cache lines of its own."""
    rng = _private((1,), np.uint64)
    rng[:] = K.seed_state(seed, thread)
    return K.ThreadState(
        rng=rng,
        neu1=_private((1, dim), np.float32),
        neu1e=_private((1, dim), np.float32),
        sent=_private((max(int(max_sentence), 1),), np.int32),
        rows=_private((1 + negative,), np.int32),
        grads=_private((1 + negative,), np.float32),
        sums=_private((3,), np.float64),
    )


def make_chunks(bounds: np.ndarray, chunk_words: int) -> list[tuple[int, int]]:
    """Cut sentences 0..S-1 into consecutive ranges ``(first, last)``, each ending at the
    first sentence end at or after ``chunk_words`` words (the last range may be shorter)."""
    chunks = []
    S = len(bounds) - 1
    first = 0
    while first < S:
        last = int(np.searchsorted(bounds, bounds[first] + chunk_words, side="left"))
        last = min(max(last, first + 1), S)
        chunks.append((first, last))
        first = last
    return chunks


def _check(ids, bounds, counts, W_in, W_out, dim):
    if ids.dtype != np.int32 or ids.ndim != 1:
        raise TypeError(f"ids must be a 1-D int32 array of vocabulary ids, got {ids.dtype} with "
                        f"shape {ids.shape} (convert with ids.astype(np.int32))")
    if bounds.dtype != np.int64 or bounds.ndim != 1 or bounds.size < 1:
        raise TypeError("bounds must be a 1-D int64 array of sentence offsets (S+1,)")
    if bounds[0] != 0 or bounds[-1] != ids.size or np.any(np.diff(bounds) < 0):
        raise ValueError("bounds must start at 0, end at len(ids) and never decrease")
    V = counts.shape[0]
    for name, W in (("W_in", W_in), ("W_out", W_out)):
        if W.dtype != np.float32 or W.shape != (V, dim) or not W.flags.c_contiguous:
            raise ValueError(f"{name} must be a C-contiguous float32 array of shape {(V, dim)}, "
                             f"got {W.dtype} {W.shape}")
        if not W.flags.writeable:
            raise ValueError(f"{name} must be writeable (it is trained in place)")
    if np.shares_memory(W_in, W_out):
        raise ValueError("W_in and W_out must be two separate arrays (they share memory)")
    if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= V):
        raise ValueError(f"ids must lie in [0, {V}) (the vocabulary size given by counts)")


def train(ids, bounds, counts, config: TrainConfig, W_in, W_out,
          progress: Callable[[Progress], None] | None = None, *,
          saturation: str = "clip", sigmoid: str = "exact", chunk_words: int = 10_000,
          progress_interval: float = 1.0) -> TrainResult:
    """Train ``W_in``, ``W_out`` in place with word2vec.c's rules (see ``engine.kernels``).

    ids: (T,) int32 vocabulary ids (OOV removed); bounds: (S+1,) int64 sentence offsets,
    sentence i is ``ids[bounds[i]:bounds[i+1]]`` and no window crosses its ends;
    counts: (V,) word counts (subsampling and the noise distribution);
    config: model, dim, window, negative, sample, epochs, start_alpha/end_alpha, n_threads,
    seed; W_in, W_out: (V, dim) float32, C-contiguous (see :func:`init_weights`).
    progress: called as ``progress(info: Progress)`` from the calling thread about every
    ``progress_interval`` seconds and once at the end.
    saturation: what a score with ``|f| >= 6`` does -- 'clip' (word2vec.c, default: sigmoid
    taken as 0 or 1), 'skip' (gensim: no update) or 'none' (exact sigmoid);
    sigmoid: 'exact' (default) or 'table' (word2vec.c's 1000-entry table);
    chunk_words: the unit of work handed to a thread (whole sentences, about this many words).
    Returns a :class:`TrainResult`: the mean loss per example of every epoch, the progress
    history, word and example counts, and the wall time.
    With ``config.n_threads == 1`` the result is bit-identical for a given ``config.seed``.
    """
    ids = np.ascontiguousarray(ids)
    bounds = np.asarray(bounds)
    if bounds.dtype.kind in "iu":
        bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    counts = np.asarray(counts)
    _check(ids, bounds, counts, W_in, W_out, config.dim)
    if saturation not in K.SATURATIONS:
        raise ValueError(f"saturation must be one of {sorted(K.SATURATIONS)}, not {saturation!r}")
    if sigmoid not in K.SIGMOIDS:
        raise ValueError(f"sigmoid must be one of {sorted(K.SIGMOIDS)}, not {sigmoid!r}")
    if chunk_words < 1 or not progress_interval > 0:
        raise ValueError("chunk_words must be >= 1 and progress_interval > 0")

    n_threads = max(1, int(config.n_threads))
    tables = make_tables(counts, config.sample)
    opts = K.Options(K.MODELS[config.model], int(config.window), K.SATURATIONS[saturation],
                     K.SIGMOIDS[sigmoid])
    T = int(ids.size)
    epochs = int(config.epochs)
    total = T * epochs
    a0, a1 = float(config.start_alpha), float(config.end_alpha)
    step = (a0 - a1) / total if total else 0.0
    max_sentence = int(np.diff(bounds).max()) if bounds.size > 1 else 1
    # Jobs in schedule order: every epoch's chunks, handed out one at a time.
    jobs = [(epoch, first, last) for epoch in range(epochs)
            for first, last in make_chunks(bounds, chunk_words)]

    lock = threading.Lock()
    stop = threading.Event()
    errors: list[BaseException] = []
    per_epoch = np.zeros((epochs, 4), dtype=np.float64)  # loss sum, examples, kept, raw words
    book = {"next": 0, "done": 0, "loss": 0.0, "examples": 0}  # under `lock`

    def worker(thread: int) -> None:
        state = make_state(config.dim, config.negative, max_sentence, config.seed, thread)
        try:
            while not stop.is_set():
                with lock:
                    if book["next"] == len(jobs):
                        return
                    epoch, first, last = jobs[book["next"]]
                    book["next"] += 1
                # The learning rate from the chunk's place in the schedule, not from timing.
                alpha = a0 - step * (epoch * T + int(bounds[first]))
                state.sums[:] = 0.0
                words = K.train_range(ids, bounds, first, last, tables, W_in, W_out,
                                      alpha, step, opts, state)
                loss, examples, kept = state.sums
                with lock:
                    per_epoch[epoch] += (loss, examples, kept, words)
                    book["done"] += int(words)
                    book["loss"] += float(loss)
                    book["examples"] += int(examples)
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)
            stop.set()

    result = TrainResult(epoch_loss=[])
    start = time.perf_counter()

    def report() -> None:
        with lock:
            done, loss, examples = book["done"], book["loss"], book["examples"]
            book["loss"], book["examples"] = 0.0, 0
        elapsed = time.perf_counter() - start
        speed = done / elapsed if elapsed > 0 else 0.0
        info = Progress(epoch=min(done // T, epochs - 1) if T else 0, words_done=done,
                        total_words=total, words_per_sec=speed,
                        alpha=max(a0 - step * done, a1),
                        loss=loss / examples if examples else float("nan"),
                        elapsed=elapsed,
                        eta=(total - done) / speed if speed > 0 else float("inf"))
        result.history.append(info)
        if progress is not None:
            progress(info)

    workers = [threading.Thread(target=worker, args=(i,), name=f"wordvec-engine-{i}",
                                daemon=True) for i in range(n_threads)]
    for t in workers:
        t.start()
    try:
        deadline = start + progress_interval
        for t in workers:
            while t.is_alive():
                t.join(max(0.0, deadline - time.perf_counter()))
                if time.perf_counter() >= deadline:
                    deadline += progress_interval
                    if not stop.is_set():
                        report()
    except BaseException:
        stop.set()          # e.g. KeyboardInterrupt: running chunks finish, no new ones start
        for t in workers:
            t.join()
        raise
    if errors:
        raise errors[0]
    result.seconds = time.perf_counter() - start
    report()
    result.epoch_loss = [float(l / n) if n else float("nan") for l, n, _, _ in per_epoch]
    result.words = int(per_epoch[:, 3].sum())
    result.kept_words = int(per_epoch[:, 2].sum())
    result.examples = int(per_epoch[:, 1].sum())
    return result
