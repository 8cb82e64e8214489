"""The engine's driver: threads, the learning-rate schedule, progress and loss bookkeeping.

Python prepares plain arrays once (keep probabilities, the packed noise table, per-thread
state), cuts the corpus into chunks of whole sentences (``chunk_words`` words or a little
more), and ``n_threads`` Python threads take the chunks of every epoch in order and run
:func:`~wordvec.engine.kernels.train_range` on them with the GIL released, all writing the
same weights without locks (Hogwild, as word2vec.c and gensim). The calling thread
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
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..config import TrainConfig
from ..errors import DivergenceError
from ..hooks import Progress
from ..huffman import huffman_tree
from ..pages import CorpusPages
from ..sampling import alias_table, keep_probabilities, unigram_probs
from ..schedule import Schedule, TrainState
from ..weights import NAMES, needed
from . import kernels as K


@dataclass
class TrainResult:
    """epoch_loss: mean loss per example of each epoch (CBOW: per target word; skip-gram: per
    (center, context) pair); history: every :class:`Progress` reported; words: raw words
    trained (epochs * T); kept_words: after subsampling; examples: targets or pairs;
    seconds: wall time of training; state: the :class:`TrainState` at the end (for ``train``'s
    ``start``, after a partial run with ``stop_at``); loss_curve: the sums of loss and
    examples of this call's chunks per hundredth of an epoch (see
    :func:`wordvec.schedule.curve_points`)."""
    epoch_loss: list[float]
    history: list[Progress] = field(default_factory=list)
    words: int = 0
    kept_words: int = 0
    examples: int = 0
    seconds: float = 0.0
    state: TrainState | None = None
    loss_curve: np.ndarray | None = None

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


def make_tables(counts, sample: float, power: float = 0.75, *, ns: bool = True,
                hs: bool = False) -> K.Tables:
    """The kernels' read-only tables from word counts (V,): keep probabilities, the packed
    noise table (with ``ns``) and the Huffman tree (with ``hs``)."""
    counts = np.asarray(counts)
    noise = np.zeros(1, dtype=np.uint64)
    if ns:
        noise = K.pack_alias(*alias_table(unigram_probs(counts, power)))
    tree = huffman_tree(counts) if hs else huffman_tree(np.zeros(0, dtype=np.int64))
    return K.Tables(
        keep_prob=np.ascontiguousarray(keep_probabilities(counts, sample), dtype=np.float32),
        noise=noise, codes=tree.codes, points=tree.points, offsets=tree.offsets,
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


def make_state(dim: int, negative: int, max_sentence: int, seed: int, thread: int,
               max_path: int = 0, batch_window: int = 0) -> K.ThreadState:
    """A fresh :class:`~wordvec.engine.kernels.ThreadState` for thread ``thread``, each array
    on cache lines of its own; ``max_path``: the longest path of the Huffman tree (0 without
    hierarchical softmax); ``batch_window``: the window of skip-gram's shared negatives
    (``Options.batch``; 0 without them), whose blocks take ``2 * batch_window`` rows."""
    rng = _private((1,), np.uint64)
    rng[:] = K.seed_state(seed, thread)
    contexts = 2 * max(int(batch_window), 0)
    return K.ThreadState(
        rng=rng,
        neu1=_private((1, dim), np.float32),
        neu1e=_private((1, dim), np.float32),
        sent=_private((max(int(max_sentence), 1),), np.int32),
        rows=_private((1 + negative,), np.int32),
        grads=_private((max(1 + negative, max_path),), np.float32),
        window_grads=_private((contexts, 1 + negative), np.float32),
        window_deltas=_private((contexts, dim), np.float32),
        sums=_private((3,), np.float64),
    )


def _check(ids, bounds, counts, weights, dim):
    if ids.dtype != np.int32 or ids.ndim != 1:
        raise TypeError(f"ids must be a 1-D int32 array of vocabulary ids, got {ids.dtype} with "
                        f"shape {ids.shape} (convert with ids.astype(np.int32))")
    if bounds.dtype != np.int64 or bounds.ndim != 1 or bounds.size < 1:
        raise TypeError("bounds must be a 1-D int64 array of sentence offsets (S+1,)")
    if bounds[0] != 0 or bounds[-1] != ids.size or np.any(np.diff(bounds) < 0):
        raise ValueError("bounds must start at 0, end at len(ids) and never decrease")
    V = counts.shape[0]
    named = [(name, W) for name, W in zip(NAMES, weights) if W is not None]
    for name, W in named:
        if W.dtype != np.float32 or W.shape != (V, dim) or not W.flags.c_contiguous:
            raise ValueError(f"{name} must be a C-contiguous float32 array of shape {(V, dim)}, "
                             f"got {W.dtype} {W.shape}")
        if not W.flags.writeable:
            raise ValueError(f"{name} must be writeable (it is trained in place)")
    for i, (a, A) in enumerate(named):
        for b, B in named[i + 1:]:
            if np.shares_memory(A, B):
                raise ValueError(f"{a} and {b} must be separate arrays (they share memory)")
    if ids.size and not _ids_below(ids, V):
        raise ValueError(f"ids must lie in [0, {V}) (the vocabulary size given by counts)")


#: Ids checked at a time by :func:`_ids_below` (16 MiB).
_CHECK_SLICE = 1 << 22


def _ids_below(ids: np.ndarray, V: int) -> bool:
    """Whether every id lies in [0, V), checked a slice at a time whose pages a mapped
    corpus hands back once checked (a whole pass would make the corpus resident at once)."""
    pages = CorpusPages(ids)
    for start in range(0, ids.shape[0], _CHECK_SLICE):
        part = ids[start:start + _CHECK_SLICE]
        if int(part.min()) < 0 or int(part.max()) >= V:
            return False
        pages.release(start, start + part.shape[0])
    return True


def read_only_ids(ids: np.ndarray) -> np.ndarray:
    """A read-only view of ``ids``, so that the kernel has one compiled version whatever
    holds the corpus: a mapped corpus is read-only, ids in memory are not, and Numba compiles
    :func:`~wordvec.engine.kernels.train_range` once for each (about 15 s the first time)."""
    view = ids.view()
    view.flags.writeable = False
    return view


class _Run:
    """One training in progress: the worker threads, the pause-and-save barrier, the weight
    check and the progress reports, sharing one lock (``cond``) over the :class:`Schedule`
    and a few counters."""

    def __init__(self, arrays, schedule: Schedule, states, opts: K.Options, config: TrainConfig,
                 progress, checkpoint, checkpoint_every: float, epoch_end=None):
        ids, self.bounds, self.tables, weights = arrays
        self.pages = CorpusPages(ids)
        self.pages.release(0, ids.shape[0])   # what reading the corpus left resident
        self.ids = read_only_ids(ids)
        self.matrices = [W for W in weights if W is not None]
        # The kernel takes all three; a layer not trained gets an empty matrix it never reads.
        empty = np.zeros((1, weights[0].shape[1]), dtype=np.float32)
        self.W_in, self.W_out, self.W_hs = (empty if W is None else W for W in weights)
        self.schedule, self.states, self.opts = schedule, states, opts
        self.progress, self.checkpoint, self.epoch_end = progress, checkpoint, epoch_end
        self.ended: set[int] = set()   # epochs finished, not yet handed to epoch_end
        # The next epoch to hand over: the first not finished when this run started.
        self.next_epoch = next((e for e in range(schedule.epochs)
                                if not schedule.epoch_complete(e)), schedule.epochs)
        self.checkpoint_every = checkpoint_every
        self.progress_interval = config.progress_interval
        self.every_chunk = checkpoint is not None and checkpoint_every == 0
        self.cond = threading.Condition()
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        # Under `cond`: jobs running, threads alive, a pause for checkpoints, and the loss of
        # the chunks finished since the last report.
        self.running, self.alive, self.paused = 0, len(states), False
        self.loss, self.examples = 0.0, 0
        self.saved_at = schedule.next_job  # the job of the last checkpoint (none before start)
        self.history: list[Progress] = []
        self.words0 = schedule.words_done
        V = self.W_in.shape[0]
        self.block = max(1, _CHECK_FLOATS // max(int(self.W_in.shape[1]), 1))
        self.scan_row, self.V = 0, V
        self.t0 = time.perf_counter()

    # -------------------------------------------------------------------- worker threads
    def worker(self, thread: int) -> None:
        """Take jobs in schedule order and train them until none is left or a stop."""
        try:
            while self._one_job(self.states[thread]):
                pass
        except BaseException as exc:  # re-raised in the calling thread
            self.errors.append(exc)
            self.stop.set()
        finally:
            with self.cond:
                self.alive -= 1
                self.cond.notify_all()

    def _one_job(self, state: K.ThreadState) -> bool:
        cond, schedule = self.cond, self.schedule
        with cond:
            while self.paused and not self.stop.is_set():
                cond.wait()
            if self.stop.is_set() or schedule.finished:
                return False
            epoch, first, last, alpha = schedule.take()
            self.running += 1
        try:
            state.sums[:] = 0.0
            words = K.train_range(self.ids, self.bounds, first, last, self.tables, self.W_in,
                                  self.W_out, self.W_hs, alpha, schedule.step, self.opts,
                                  state)
            loss, examples, kept = state.sums
            self.pages.release(int(self.bounds[first]), int(self.bounds[last]))
        finally:
            with cond:
                self.running -= 1
                cond.notify_all()
        if not math.isfinite(loss):
            raise DivergenceError(schedule.a0, epoch, "the loss")
        with cond:
            schedule.record(epoch, first, loss, examples, kept, words)
            if schedule.epoch_complete(epoch):
                self.ended.add(epoch)
                cond.notify_all()
            self.loss += float(loss)
            self.examples += int(examples)
            if self.every_chunk:
                # Hold the next job until the main thread has saved this boundary: otherwise
                # a fast worker could run past boundaries unsaved.
                self.paused = True
                cond.notify_all()
        return True

    # -------------------------------------------------------------------- calling thread
    def check_weights(self, full: bool = True) -> None:
        """Raise DivergenceError for a NaN or inf in the weights: all rows (before a
        checkpoint and at the end) or, at a progress report, the next block of rows in turn,
        so a report costs O(_CHECK_FLOATS) however large the model (a diverging run shows
        in the chunk losses first anyway)."""
        V, block = self.V, self.block
        a, b = (0, V) if full else (self.scan_row, min(self.scan_row + block, V))
        if not full:
            self.scan_row = b % V if V else 0
        for lo in range(a, b, block):
            hi = min(lo + block, b)
            if not all(np.isfinite(W[lo:hi]).all() for W in self.matrices):
                with self.cond:
                    done = self.schedule.words_done
                raise DivergenceError(self.schedule.a0, self.schedule.epoch_of(done),
                                      "the weights")

    def report(self) -> None:
        """Append a :class:`Progress` to the history and hand it to ``progress``."""
        schedule = self.schedule
        with self.cond:
            done, loss, examples = schedule.words_done, self.loss, self.examples
            self.loss, self.examples = 0.0, 0
        elapsed = time.perf_counter() - self.t0
        speed = (done - self.words0) / elapsed if elapsed > 0 else 0.0
        info = Progress(epoch=schedule.epoch_of(done), words_done=done,
                        total_words=schedule.total, words_per_sec=speed,
                        alpha=schedule.alpha_after(done),
                        loss=loss / examples if examples else float("nan"),
                        elapsed=elapsed,
                        eta=(schedule.total - done) / speed if speed > 0 else float("inf"))
        self.history.append(info)
        if self.progress is not None:
            self.progress(info)

    def snapshot(self) -> TrainState:
        """The resumable state; called with no chunk running."""
        return self.schedule.state([s.rng[0] for s in self.states])

    def pause_and_save(self) -> None:
        """The barrier: stop handing out jobs, wait for the running ones, save, go on."""
        cond = self.cond
        with cond:
            self.paused = True
            while self.running:
                cond.wait()
        try:
            nxt = self.schedule.next_job
            if self.errors or nxt == self.saved_at or nxt >= len(self.schedule.jobs):
                return
            self.check_weights()   # never overwrite a good checkpoint with diverged weights
            self.saved_at = nxt
            self.checkpoint(self.snapshot())
        finally:
            with cond:
                self.paused = False
                cond.notify_all()

    def _fresh(self) -> bool:
        """New work since the last checkpoint (under ``cond``)."""
        return self.checkpoint is not None and self.schedule.next_job != self.saved_at

    def end_epochs(self) -> None:
        """Hand the epochs finished since the last call to ``epoch_end(epoch, loss)``, in
        order: with several threads an epoch's last chunk may finish after the next epoch's
        chunks, and a later epoch waits here until the earlier one is done."""
        ended = []
        with self.cond:
            while self.next_epoch in self.ended:
                self.ended.discard(self.next_epoch)
                ended.append(self.next_epoch)
                self.next_epoch += 1
        if self.epoch_end is not None:
            for epoch in ended:
                self.epoch_end(epoch, self.schedule.loss_of(epoch))

    def supervise(self) -> None:
        """Wait for the workers, reporting and checkpointing on time, until they stop."""
        next_report = self.t0 + self.progress_interval
        next_checkpoint = self.t0 + self.checkpoint_every
        while True:
            with self.cond:
                if not self.alive:
                    return
                # A checkpoint waits for new work since the last one (woken per chunk).
                wake = min(next_report, next_checkpoint) if self._fresh() else next_report
                self.cond.wait(max(0.0, wake - time.perf_counter()))
                alive, fresh = self.alive, self._fresh()
            if not alive or self.errors:
                return
            self.end_epochs()
            now = time.perf_counter()
            if now >= next_report:
                next_report = now + self.progress_interval
                self.check_weights(full=False)
                self.report()
            if fresh and now >= next_checkpoint:
                self.pause_and_save()
                next_checkpoint = time.perf_counter() + self.checkpoint_every

    def run(self) -> None:
        """Start the workers, supervise them, and on an exception in the calling thread
        (e.g. KeyboardInterrupt) let running chunks finish, save a last checkpoint and
        re-raise; a worker's exception is re-raised here too."""
        workers = [threading.Thread(target=self.worker, args=(i,), name=f"wordvec-engine-{i}",
                                    daemon=True) for i in range(len(self.states))]
        for t in workers:
            t.start()
        try:
            self.supervise()
        except BaseException as exc:
            self.stop.set()     # running chunks finish, no new ones start
            with self.cond:
                self.paused = False
                self.cond.notify_all()
            for t in workers:
                t.join()
            if isinstance(exc, KeyboardInterrupt) and self.checkpoint is not None \
                    and not self.errors:
                self.pause_and_save()
            raise
        for t in workers:
            t.join()
        if self.errors:
            raise self.errors[0]


def train(ids, bounds, counts, config: TrainConfig, W_in, W_out=None,
          progress: Callable[[Progress], None] | None = None, *, W_hs=None,
          start: TrainState | None = None, stop_at: int | None = None,
          checkpoint: Callable[[TrainState], None] | None = None,
          checkpoint_every: float = 600.0,
          epoch_end: Callable[[int, float], None] | None = None) -> TrainResult:
    """Train the weights in place with word2vec.c's rules (see ``engine.kernels``).

    ids: (T,) int32 vocabulary ids (OOV removed); bounds: (S+1,) int64 sentence offsets,
    sentence i is ``ids[bounds[i]:bounds[i+1]]`` and no window crosses its ends;
    counts: (V,) word counts (subsampling and the noise distribution);
    config: model, dim, window, negative, sample, epochs, start_alpha/end_alpha, n_threads,
    seed, and the engine's own fields: saturation, sigmoid, batch_negatives (skip-gram's
    shared negatives), chunk_words (the unit of work handed to a thread), progress_interval;
    W_in, W_out: (V, dim) float32, C-contiguous (see :func:`init_weights`), W_out None when
    ``config.negative == 0``; W_hs: (V, dim) float32 zeros at first, the inner nodes of
    hierarchical softmax when ``config.hs == 1``, else None (see
    :class:`wordvec.weights.Weights`).
    progress: called as ``progress(info: Progress)`` from the calling thread about every
    ``config.progress_interval`` seconds and once at the end.

    Resuming and checkpoints: ``start`` (a :class:`TrainState` from a checkpoint or from
    ``TrainResult.state``) continues a schedule at its next job with its threads' random
    states and loss sums (its thread count wins over ``config``'s; the weights must be
    the weights saved with it); ``stop_at`` stops before that job index (a partial run).
    ``checkpoint(state)`` is called from the calling thread at a chunk boundary about every
    ``checkpoint_every`` seconds (0: after every chunk), with no chunk running (the threads
    wait, a barrier), so the weights are consistent with ``state`` while it runs; it
    is called once more when a KeyboardInterrupt stops training, before re-raising it. It is
    never called with non-finite weights. With one thread, an interrupted and resumed run is
    bit-identical to an uninterrupted one. ``epoch_end(epoch, loss)`` is called from the
    calling thread for each epoch that finishes in this call (0-based, with its mean loss),
    in order, within about one progress interval of its last chunk.

    Raises :class:`DivergenceError` as soon as a chunk's loss is NaN or infinite, or the
    weights are at a progress report (so within one progress interval).
    Returns a :class:`TrainResult`: the mean loss per example of every epoch, the progress
    history, word and example counts, the wall time and the final ``state``.
    With ``config.n_threads == 1`` the result is bit-identical for a given ``config.seed``.
    """
    ids, bounds, counts = _arrays(ids, bounds, counts)
    weights = (W_in, W_out, W_hs)
    present = tuple(name for name, W in zip(NAMES, weights) if W is not None)
    if present != needed(config):
        raise ValueError(f"negative={config.negative} and hs={config.hs} train "
                         f"{', '.join(needed(config))}; got {', '.join(present)}")
    _check(ids, bounds, counts, weights, config.dim)
    if not checkpoint_every >= 0:
        raise ValueError("checkpoint_every must be >= 0")
    schedule = Schedule(bounds, config.epochs, config.start_alpha, config.end_alpha,
                        config.chunk_words, start=start, stop_at=stop_at)
    n_threads = max(1, int(config.n_threads)) if start is None else len(start.rng)
    max_sentence = int(np.diff(bounds).max()) if bounds.size > 1 else 1
    tables = make_tables(counts, config.sample, config.ns_exponent, ns=config.negative > 0,
                         hs=config.hs == 1)
    max_path = int(np.diff(tables.offsets).max()) if tables.offsets.shape[0] > 1 else 0
    batch = int(config.batch_window > 0)
    states = [make_state(config.dim, config.negative, max_sentence, config.seed, thread,
                         max_path, config.batch_window) for thread in range(n_threads)]
    if start is not None:
        for state, rng in zip(states, np.asarray(start.rng, dtype=np.uint64)):
            state.rng[0] = rng
    opts = K.Options(K.MODELS[config.model], int(config.window),
                     K.SATURATIONS[config.saturation], K.SIGMOIDS[config.sigmoid], config.hs,
                     int(config.negative > 0), config.cbow_mean, config.shrink_windows, batch)
    run = _Run((ids, bounds, tables, weights), schedule,
               states, opts, config, progress, checkpoint, checkpoint_every, epoch_end)
    run.run()
    run.check_weights()
    run.end_epochs()
    seconds = time.perf_counter() - run.t0
    run.report()
    words, kept, examples = schedule.totals()
    return TrainResult(epoch_loss=schedule.epoch_loss(), history=run.history, words=words,
                       kept_words=kept, examples=examples, seconds=seconds,
                       state=run.snapshot(), loss_curve=schedule.curve)


def _arrays(ids, bounds, counts):
    """``ids``, ``bounds`` (int64 when integral) and ``counts`` as contiguous arrays."""
    ids = np.ascontiguousarray(ids)
    bounds = np.asarray(bounds)
    if bounds.dtype.kind in "iu":
        bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    return ids, bounds, np.asarray(counts)
