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

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..config import TrainConfig
from ..errors import WordvecError
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
    seconds: wall time of training; state: the :class:`TrainState` at the end (for ``train``'s
    ``start``, after a partial run with ``stop_at``)."""
    epoch_loss: list[float]
    history: list[Progress] = field(default_factory=list)
    words: int = 0
    kept_words: int = 0
    examples: int = 0
    seconds: float = 0.0
    state: "TrainState | None" = None

    @property
    def words_per_sec(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")


INIT_HALF_WIDTH = {"word2vec": 0.5, "gensim": 1.0}


def init_weights(vocab_size: int, dim: int, seed: int = 1,
                 init: str = "word2vec") -> tuple[np.ndarray, np.ndarray]:
    """The initial weights: ``W_out = 0`` and ``W_in ~ U(-w/dim, w/dim)`` with ``w = 0.5``
    for ``init="word2vec"`` (word2vec.c's ``InitNet``) or ``w = 1`` for ``init="gensim"``
    (gensim 4's ``prep_vectors``: twice word2vec.c's range).

    Returns (W_in, W_out), each (vocab_size, dim) float32, C-contiguous; ``seed`` fixes W_in.
    """
    if init not in INIT_HALF_WIDTH:
        raise ValueError(f"init must be one of {sorted(INIT_HALF_WIDTH)}, not {init!r}")
    rng = np.random.default_rng(seed)
    W_in = ((rng.random((vocab_size, dim), dtype=np.float32) - np.float32(0.5))
            / np.float32(dim))
    if init == "gensim":
        W_in *= np.float32(2)
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
_CHECK_FLOATS = 1 << 22  # weights scanned for NaN/inf per progress report (16 MiB per matrix)


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


class Jobs:
    """Every epoch's chunks in schedule order, as a sequence computed on demand: job ``j`` is
    ``(epoch, first, last)`` for chunk ``j % C`` of epoch ``j // C`` (C chunks an epoch). A
    list of all epochs x chunks tuples would grow with the epoch count."""

    def __init__(self, chunks: list[tuple[int, int]], epochs: int):
        self.chunks, self.epochs = chunks, epochs

    def __len__(self) -> int:
        return len(self.chunks) * self.epochs

    def __getitem__(self, job: int) -> tuple[int, int, int]:
        if not 0 <= job < len(self):
            raise IndexError(job)
        epoch, chunk = divmod(job, len(self.chunks))
        return (epoch, *self.chunks[chunk])


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


class DivergenceError(WordvecError):
    """Training diverged: the loss or the weights became NaN or infinite (too large a
    learning rate). ``alpha`` is the starting learning rate used, ``epoch`` 0-based."""

    def __init__(self, alpha: float, epoch: int, where: str):
        self.alpha, self.epoch = alpha, epoch
        super().__init__(
            f"training diverged in epoch {epoch + 1}: {where} became NaN or infinite with "
            f"alpha={alpha:g}; use a smaller learning rate, e.g. alpha={alpha / 10:g}")


@dataclass
class TrainState:
    """Where a training stands at a chunk boundary, enough to resume it exactly.

    next_job: index of the next job in schedule order (``job // chunks_per_epoch`` is its
    epoch); rng: (n_threads,) uint64, each thread's SplitMix64 state; epoch_sums:
    (epochs, 4) float64, per epoch the loss sum, examples, kept words and raw words so far;
    n_jobs: jobs in the whole schedule. The weights are the arrays being trained.
    """
    next_job: int
    rng: np.ndarray
    epoch_sums: np.ndarray
    n_jobs: int

    @property
    def complete(self) -> bool:
        return self.next_job >= self.n_jobs


def train(ids, bounds, counts, config: TrainConfig, W_in, W_out,
          progress: Callable[[Progress], None] | None = None, *,
          saturation: str = "clip", sigmoid: str = "exact", chunk_words: int = 10_000,
          progress_interval: float = 1.0,
          start: TrainState | None = None, stop_at: int | None = None,
          checkpoint: Callable[[TrainState], None] | None = None,
          checkpoint_every: float = 600.0) -> TrainResult:
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

    Resuming and checkpoints: ``start`` (a :class:`TrainState` from a checkpoint or from
    ``TrainResult.state``) continues a schedule at its next job with its threads' random
    states and loss sums (its thread count wins over ``config``'s; ``W_in``/``W_out`` must be
    the weights saved with it); ``stop_at`` stops before that job index (a partial run).
    ``checkpoint(state)`` is called from the calling thread at a chunk boundary about every
    ``checkpoint_every`` seconds (0: after every chunk), with no chunk running (the threads
    wait, a barrier), so ``W_in``/``W_out`` are consistent with ``state`` while it runs; it
    is called once more when a KeyboardInterrupt stops training, before re-raising it. It is
    never called with non-finite weights. With one thread, an interrupted and resumed run is
    bit-identical to an uninterrupted one.

    Raises :class:`DivergenceError` as soon as a chunk's loss is NaN or infinite, or the
    weights are at a progress report (so within one progress interval).
    Returns a :class:`TrainResult`: the mean loss per example of every epoch, the progress
    history, word and example counts, the wall time and the final ``state``.
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
    if chunk_words < 1 or not progress_interval > 0 or not checkpoint_every >= 0:
        raise ValueError("chunk_words must be >= 1, progress_interval > 0 and "
                         "checkpoint_every >= 0")

    n_threads = max(1, int(config.n_threads)) if start is None else len(start.rng)
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
    jobs = Jobs(make_chunks(bounds, chunk_words), epochs)
    end = len(jobs) if stop_at is None else max(0, min(int(stop_at), len(jobs)))

    states = [make_state(config.dim, config.negative, max_sentence, config.seed, thread)
              for thread in range(n_threads)]
    per_epoch = np.zeros((epochs, 4), dtype=np.float64)  # loss sum, examples, kept, raw words
    first_job = 0
    if start is not None:
        if start.n_jobs != len(jobs) or np.shape(start.epoch_sums) != per_epoch.shape:
            raise ValueError(f"the state to resume has {start.n_jobs} jobs over "
                             f"{np.shape(start.epoch_sums)[0]} epochs, this schedule "
                             f"{len(jobs)} over {epochs}: resume with the same corpus, "
                             "configuration and chunk_words")
        first_job = int(start.next_job)
        per_epoch[...] = start.epoch_sums
        for state, rng in zip(states, np.asarray(start.rng, dtype=np.uint64)):
            state.rng[0] = rng

    cond = threading.Condition()
    stop = threading.Event()
    errors: list[BaseException] = []
    # Under `cond`: the next job, jobs running, threads alive, a pause for checkpoints.
    book = {"next": first_job, "running": 0, "alive": n_threads, "paused": False,
            "done": int(per_epoch[:, 3].sum()), "loss": 0.0, "examples": 0}

    every_chunk = checkpoint is not None and checkpoint_every == 0

    def worker(thread: int) -> None:
        state = states[thread]
        try:
            while True:
                with cond:
                    while book["paused"] and not stop.is_set():
                        cond.wait()
                    if stop.is_set() or book["next"] >= end:
                        return
                    epoch, first, last = jobs[book["next"]]
                    book["next"] += 1
                    book["running"] += 1
                try:
                    # The learning rate from the chunk's place in the schedule, not timing.
                    alpha = a0 - step * (epoch * T + int(bounds[first]))
                    state.sums[:] = 0.0
                    words = K.train_range(ids, bounds, first, last, tables, W_in, W_out,
                                          alpha, step, opts, state)
                    loss, examples, kept = state.sums
                finally:
                    with cond:
                        book["running"] -= 1
                        cond.notify_all()
                if not math.isfinite(loss):
                    raise DivergenceError(a0, epoch, "the loss")
                with cond:
                    per_epoch[epoch] += (loss, examples, kept, words)
                    book["done"] += int(words)
                    book["loss"] += float(loss)
                    book["examples"] += int(examples)
                    if every_chunk:
                        # Hold the next job until the main thread has saved this boundary:
                        # otherwise a fast worker could run past boundaries unsaved.
                        book["paused"] = True
                        cond.notify_all()
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)
            stop.set()
        finally:
            with cond:
                book["alive"] -= 1
                cond.notify_all()

    result = TrainResult(epoch_loss=[])
    t0 = time.perf_counter()
    done0 = book["done"]

    def current_epoch(done: int) -> int:
        return min(done // T, epochs - 1) if T else 0

    V = W_in.shape[0]
    block = max(1, _CHECK_FLOATS // max(int(config.dim), 1))
    scan = {"row": 0}

    def check_weights(full: bool = True) -> None:
        """Raise DivergenceError for a NaN or inf in W_in/W_out: all rows (before a
        checkpoint and at the end) or, at a progress report, the next block of rows in turn,
        so a report costs O(_CHECK_FLOATS) however large the model (a diverging run shows
        in the chunk losses first anyway)."""
        a, b = (0, V) if full else (scan["row"], min(scan["row"] + block, V))
        if not full:
            scan["row"] = b % V if V else 0
        for lo in range(a, b, block):
            hi = min(lo + block, b)
            if not (np.isfinite(W_in[lo:hi]).all() and np.isfinite(W_out[lo:hi]).all()):
                with cond:
                    done = book["done"]
                raise DivergenceError(a0, current_epoch(done), "the weights")

    def report() -> None:
        with cond:
            done, loss, examples = book["done"], book["loss"], book["examples"]
            book["loss"], book["examples"] = 0.0, 0
        elapsed = time.perf_counter() - t0
        speed = (done - done0) / elapsed if elapsed > 0 else 0.0
        info = Progress(epoch=current_epoch(done), words_done=done,
                        total_words=total, words_per_sec=speed,
                        alpha=max(a0 - step * done, a1),
                        loss=loss / examples if examples else float("nan"),
                        elapsed=elapsed,
                        eta=(total - done) / speed if speed > 0 else float("inf"))
        result.history.append(info)
        if progress is not None:
            progress(info)

    def snapshot() -> TrainState:
        # Called with no chunk running.
        return TrainState(next_job=book["next"], n_jobs=len(jobs),
                          rng=np.array([s.rng[0] for s in states], dtype=np.uint64),
                          epoch_sums=per_epoch.copy())

    saved = {"at": first_job}   # the job index of the last checkpoint (none before the start)

    def save_checkpoint() -> None:
        """The barrier: stop handing out jobs, wait for the running ones, save, go on."""
        with cond:
            book["paused"] = True
            while book["running"]:
                cond.wait()
        try:
            if errors or book["next"] == saved["at"] or book["next"] >= len(jobs):
                return
            check_weights()      # never overwrite a good checkpoint with diverged weights
            saved["at"] = book["next"]
            checkpoint(snapshot())
        finally:
            with cond:
                book["paused"] = False
                cond.notify_all()

    workers = [threading.Thread(target=worker, args=(i,), name=f"wordvec-engine-{i}",
                                daemon=True) for i in range(n_threads)]
    for t in workers:
        t.start()
    try:
        next_report = t0 + progress_interval
        next_checkpoint = t0 + checkpoint_every
        while True:
            with cond:
                if not book["alive"]:
                    break
                # A checkpoint waits for new work since the last one (woken per chunk).
                fresh = checkpoint is not None and book["next"] != saved["at"]
                wake = min(next_report, next_checkpoint) if fresh else next_report
                cond.wait(max(0.0, wake - time.perf_counter()))
                alive = book["alive"]
                fresh = checkpoint is not None and book["next"] != saved["at"]
            if not alive or errors:
                break
            now = time.perf_counter()
            if now >= next_report:
                next_report = now + progress_interval
                check_weights(full=False)
                report()
            if fresh and now >= next_checkpoint:
                save_checkpoint()
                next_checkpoint = time.perf_counter() + checkpoint_every
    except BaseException as exc:
        stop.set()          # e.g. KeyboardInterrupt: running chunks finish, no new ones start
        with cond:
            book["paused"] = False
            cond.notify_all()
        for t in workers:
            t.join()
        if isinstance(exc, KeyboardInterrupt) and checkpoint is not None and not errors:
            save_checkpoint()
        raise
    for t in workers:
        t.join()
    if errors:
        raise errors[0]
    check_weights()
    result.seconds = time.perf_counter() - t0
    report()
    result.state = snapshot()
    result.epoch_loss = [float(l / n) if n else float("nan") for l, n, _, _ in per_epoch]
    result.words = int(per_epoch[:, 3].sum())
    result.kept_words = int(per_epoch[:, 2].sum())
    result.examples = int(per_epoch[:, 1].sum())
    return result
