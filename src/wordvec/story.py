"""The speed-up story: what each fix of the book buys, measured against the vocabulary size.

Five systems train CBOW (hidden 100, window 5) on the same synthetic Zipf corpus, and for
each vocabulary size V the cost of one batch of 100 examples (forward + backward + the
optimiser's update) and the peak memory are measured:

1. ``simple_cbow`` -- the chapter-3 system: one-hot contexts through ``MatMul(W_in)`` (one
   layer per context position, all sharing ``W_in``, as the book's ``SimpleCBOW``), then
   ``MatMul(W_out)`` and a softmax over all V words. Time and memory grow as V.
2. ``embedding_softmax`` -- fix 1 only: the ``Embedding`` input (mean of the context rows),
   still ``MatMul(W_out (H, V))`` and ``SoftmaxWithLoss``. Still linear in V.
3. ``cbow_ns`` -- the chapter-4 system, :class:`wordvec.nn.CBOW`: Embedding + negative
   sampling. Flat in V.
4. ``cbow_hs`` -- Embedding + hierarchical softmax (``CBOW(hs=True, ns=False)``): a word costs
   its Huffman path, about log2 V nodes (fewer for frequent words).
5. ``engine_ns`` / ``engine_hs`` -- the Numba engine (word2vec.c's rules, one thread, no
   subsampling), negative sampling and hierarchical softmax, timed per example (one target
   word); its "per batch" figure is 100 examples' worth, for comparison.

The book's layers are updated with plain SGD (the cheapest optimiser: no state, so every
step after the first costs and holds the same), after a few untimed warm-up steps (Numba's
kernels are compiled once per process before, on a tiny vocabulary); the time of a system
is the median over ``repeats`` batches. System 1's one-hot batch is made before its timed
step, as the book converts its corpus before training. Peak memory is measured with
:mod:`tracemalloc` (NumPy reports its allocations to it) from building the system through
its first step (the engine: its whole first ``fit``, vocabulary included); the shared
corpus is made before and not counted, and memory outside Python's allocators (Numba's own)
is not seen. Before anything is allocated, :func:`estimate_bytes` predicts that peak, and a
system whose estimate passes ``memory_limit`` is reported as skipped with the reason
instead of being run.

:func:`run` measures every system at every size, with one BLAS thread (:func:`blas_threads`,
as the engine's one thread) unless told otherwise; :func:`measure` alone keeps NumPy's
threads. :func:`write_outputs` writes ``speedup.md`` and ``speedup.png``; :data:`FULL` and
:data:`QUICK` (the one-minute demo) are their settings. matplotlib is imported by
:func:`plot` only.
"""
from __future__ import annotations

import contextlib
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

GiB = 1 << 30

#: Every system, by name: (legend label, what it is).
SYSTEMS: dict[str, tuple[str, str]] = {
    "simple_cbow": ("1. SimpleCBOW (one-hot + softmax)",
                    "chapter 3: one-hot contexts x W_in through MatMul, MatMul(W_out) and a "
                    "softmax over all V words"),
    "embedding_softmax": ("2. Embedding + softmax",
                          "fix 1 only: Embedding input (mean of the context rows), still "
                          "MatMul(W_out) and a full softmax"),
    "cbow_ns": ("3. CBOW + negative sampling",
                "chapter 4 (wordvec.nn.CBOW): Embedding + negative sampling, 5 negatives"),
    "cbow_hs": ("4. CBOW + hierarchical softmax",
                "Embedding + hierarchical softmax over a Huffman tree (CBOW(hs=True, ns=False))"),
    "engine_ns": ("5a. engine, negative sampling",
                  "the Numba engine (word2vec.c rules), CBOW, 5 negatives, 1 thread"),
    "engine_hs": ("5b. engine, hierarchical softmax",
                  "the Numba engine (word2vec.c rules), CBOW, hierarchical softmax, 1 thread"),
}

#: Negative samples of the negative-sampling systems.
NEGATIVES = 5
#: Tokens per sentence of the engine's corpus (token lists handed to ``Word2Vec.fit``).
SENTENCE_WORDS = 1000
#: The SGD learning rate of the book's layers (its value does not change the cost).
LR = 0.1


@dataclass(frozen=True)
class Measurement:
    """One system at one vocabulary size.

    seconds_per_batch: median time of one batch of ``batch`` examples (forward, backward,
    update; for the engine ``batch`` times its time per example); seconds_per_example: the
    same per example (per target word); peak_bytes: tracemalloc's peak while building the
    system and running its first step (the engine: its whole first ``fit``); estimate_bytes:
    :func:`estimate_bytes`, made before; skipped_reason: why it did not run (then the three
    measured fields are None), else None.
    """
    system: str
    vocab_size: int
    seconds_per_batch: float | None
    seconds_per_example: float | None
    peak_bytes: int | None
    estimate_bytes: int
    skipped_reason: str | None = None

    @property
    def ran(self) -> bool:
        return self.skipped_reason is None


def format_bytes(n: float) -> str:
    """``n`` bytes as a short human figure: ``512 B``, ``3.2 MiB``, ``40.0 GiB``."""
    for unit, size in (("GiB", GiB), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if abs(n) >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


# ----------------------------------------------------------------------------- corpus
def zipf_counts(vocab_size: int, n_words: int) -> np.ndarray:
    """(V,) int64 counts of a Zipf law over exactly V words: word ``r`` (0-based rank) is seen
    ``round(n_words / ((r + 1) * H_V))`` times (``H_V`` the V-th harmonic number), and at
    least once, so every word is present; the total is about ``n_words`` (more when the
    floor of 1 lifts the tail, never fewer than V)."""
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be >= 1, got {vocab_size}")
    ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
    harmonic = float((1.0 / ranks).sum())
    counts = np.rint(max(n_words, 1) / (ranks * harmonic)).astype(np.int64)
    return np.maximum(counts, 1)


def _harmonic(k: float) -> float:
    """The k-th harmonic number, ``ln k + gamma + 1 / (2k)`` (exact to 1e-4 for k >= 1)."""
    return math.log(k) + 0.5772156649 + 0.5 / k if k >= 1 else 0.0


def zipf_total(vocab_size: int, n_words: int) -> int:
    """About ``zipf_counts(vocab_size, n_words).sum()`` (within 1 % for V >= 1000), in
    closed form and without allocating: words of rank up to ``r0 = n_words / H_V`` (count
    >= 1) follow the law, the rest are seen once."""
    H = _harmonic(vocab_size)
    r0 = min(float(vocab_size), max(n_words, 1) / H)
    return int(round(max(n_words, 1) * _harmonic(r0) / H + (vocab_size - math.floor(r0))))


def zipf_corpus(vocab_size: int, n_words: int, seed: int = 0) -> np.ndarray:
    """(T,) int32 word ids in random order whose frequencies are :func:`zipf_counts`: id 0
    the most frequent, every id in ``0 .. V-1`` present, T = ``zipf_counts(...).sum()``."""
    counts = zipf_counts(vocab_size, n_words)
    ids = np.repeat(np.arange(vocab_size, dtype=np.int32), counts)
    np.random.default_rng(seed).shuffle(ids)
    return ids


def corpus_words(vocab_size: int, *, batch: int = 100, window: int = 5, steps: int = 10,
                 engine_words: int = 1_000_000) -> int:
    """The ``n_words`` of the corpus one size needs: enough positions for ``steps`` batches,
    ``engine_words`` words for the engine to train on for about a second, and at least
    2 V so that the head of the Zipf law rises above the floor of 1."""
    return max(engine_words, steps * batch + 2 * window, 2 * vocab_size)


def batches(corpus: np.ndarray, window: int, batch: int, n: int):
    """The first ``n`` batches of the corpus's full windows, consecutive positions (the
    corpus is already shuffled): a list of (contexts (batch, 2*window) int32, target
    (batch,) int32)."""
    from .nn.util import create_contexts_target

    needed = n * batch + 2 * window
    if corpus.shape[0] < needed:
        raise ValueError(f"the corpus has {corpus.shape[0]:,} words; {n} batches of {batch} "
                         f"with window {window} need {needed:,}")
    contexts, target = create_contexts_target(corpus[:needed], window)
    return [(contexts[i * batch:(i + 1) * batch], target[i * batch:(i + 1) * batch])
            for i in range(n)]


# ----------------------------------------------------------------------------- estimates
def _tree_bytes(vocab_size: int) -> int:
    """Bytes of the Huffman tree and its build (paths of about log2 V + 2 nodes, 5 bytes a
    node, plus the per-node merge arrays), a bound for a Zipf vocabulary."""
    depth = math.log2(max(vocab_size, 2)) + 2
    return int(vocab_size * (96 + 10 * depth))


def estimate_bytes(system: str, vocab_size: int, *, batch: int = 100, hidden: int = 100,
                   window: int = 5, corpus_size: int | None = None) -> int:
    """Peak bytes a system needs at vocabulary size V, predicted before anything is
    allocated (the shared corpus excluded). With M = V * H * 4 (one float32 weight matrix),
    S = N * V * 4 (one float32 (N, V) score matrix, N = ``batch``), C = 2 * window:

    * simple_cbow: (C + 5) M + (C + 4) S -- W_in and W_out, one dense (V, H) gradient per
      layer (C input layers and the output layer), the merged gradient and its temporary,
      the one-hot batch (N, C, V) (C S), each input layer's discarded (N, V) ``dx``, the
      scores and the softmax's temporaries;
    * embedding_softmax: max(6 M, 4 M + 5 S) -- the book's initialisation (``0.01 *
      standard_normal``: two float64 temporaries beside the float32 W_in) or W_in, W_out, the
      dense gradient of W_out and its update temporary, the scores and softmax;
    * cbow_ns: 6 M + 64 V + 8 T -- the initialisation peak (as above), the sampler's tables
      and the int64 copy of the corpus (T = ``corpus_size`` ids) that ``bincount`` counts;
    * cbow_hs: max(5 M, 2 M + tree) + 8 T -- W_in's initialisation, then W_in, W_hs and the
      Huffman tree, and the corpus's int64 copy;
    * engine_ns, engine_hs: 3 M + 450 V + 6 T + 4 MiB -- W_in (made with two float32
      temporaries) and the output matrix, the vocabulary while it is counted and kept
      (:mod:`wordvec.memory`'s 200 + 250 bytes a word), the encoded ids and sentence bounds,
      and the facade's fixed allocations.

    Where NumPy elides the temporary of ``0.01 * standard_normal(...)`` (it reuses the
    buffer of a temporary operand; CPython builds usually do), the book's initialisation
    peaks 2 M lower than counted here: the estimates are upper bounds.
    """
    V, H, N, C = vocab_size, hidden, batch, 2 * window
    M, S = 4 * V * H, 4 * N * V
    if system == "simple_cbow":
        return (C + 5) * M + (C + 4) * S
    if system == "embedding_softmax":
        return max(6 * M, 4 * M + 5 * S)
    T = corpus_size if corpus_size is not None else zipf_total(
        V, corpus_words(V, batch=N, window=window))
    if system == "cbow_ns":
        return 6 * M + 64 * V + 8 * T
    if system == "cbow_hs":
        return max(5 * M, 2 * M + _tree_bytes(V)) + 8 * T
    if system in ("engine_ns", "engine_hs"):
        return 3 * M + 450 * V + 6 * T + (4 << 20)
    raise ValueError(f"unknown system {system!r}; the systems are {', '.join(SYSTEMS)}")


# ----------------------------------------------------------------------------- the book's layers
def _book_matrix(shape, rng) -> np.ndarray:
    """The book's initial weights ``0.01 * N(0, 1)`` of ``shape``, float32 (drawn in
    float64 first, as the book does)."""
    return (0.01 * rng.standard_normal(shape)).astype(np.float32)


def one_hot(ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """One-hot rows of ids (N, C) -> (N, C, V) float32. The book's ``convert_one_hot`` makes
    int32 rows; float32 keeps NumPy's products in float32 (int32 x float32 is computed in
    float64), which only makes system 1 cheaper."""
    out = np.zeros((*ids.shape, vocab_size), dtype=np.float32)
    np.put_along_axis(out, ids[..., None].astype(np.intp), 1.0, axis=-1)
    return out


class WindowSimpleCBOW:
    """The book's ``SimpleCBOW`` with C = 2 * window contexts instead of 2: one ``MatMul``
    per context position, all sharing W_in (V, H) and each holding its own dense gradient,
    the mean of their outputs, ``MatMul(W_out (H, V))`` and ``SoftmaxWithLoss``.

    forward(contexts, target): contexts one-hot (N, C, V) float32, target (N,) ids -> mean
    loss; backward(dout=1) fills ``grads`` (the book's lists: W_in C times, then W_out).
    """

    def __init__(self, vocab_size: int, hidden_size: int, n_contexts: int, seed: int = 0):
        from .nn import MatMul, SoftmaxWithLoss

        rng = np.random.default_rng(seed)
        W_in = _book_matrix((vocab_size, hidden_size), rng)
        W_out = _book_matrix((hidden_size, vocab_size), rng)
        self.in_layers = [MatMul(W_in) for _ in range(n_contexts)]
        self.out_layer = MatMul(W_out)
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = [], []
        for layer in [*self.in_layers, self.out_layer]:
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, contexts, target):
        C = len(self.in_layers)
        h = self.in_layers[0].forward(contexts[:, 0])
        for i in range(1, C):
            h = h + self.in_layers[i].forward(contexts[:, i])
        h *= 1.0 / C
        return self.loss_layer.forward(self.out_layer.forward(h), target)

    def backward(self, dout=1):
        dh = self.out_layer.backward(self.loss_layer.backward(dout))
        dh *= 1.0 / len(self.in_layers)
        for layer in self.in_layers:
            layer.backward(dh)
            layer.x = None   # drop the one-hot batch now (the book keeps it until the next
            #                  forward), so that the next batch's is never held beside it


class EmbeddingSoftmaxCBOW:
    """Fix 1 only: ``Embedding(W_in (V, H))`` over the (N, C) context ids, the mean of the C
    rows, ``MatMul(W_out (H, V))`` and ``SoftmaxWithLoss`` over all V words.

    forward(contexts (N, C) ids, target (N,) ids) -> mean loss; backward(dout=1) fills
    ``grads`` (W_in's sparse, W_out's dense (H, V)).
    """

    def __init__(self, vocab_size: int, hidden_size: int, seed: int = 0):
        from .nn import Embedding, MatMul, SoftmaxWithLoss

        rng = np.random.default_rng(seed)
        self.in_layer = Embedding(_book_matrix((vocab_size, hidden_size), rng))
        self.out_layer = MatMul(_book_matrix((hidden_size, vocab_size), rng))
        self.loss_layer = SoftmaxWithLoss()
        self.params = self.in_layer.params + self.out_layer.params
        self.grads = self.in_layer.grads + self.out_layer.grads

    def forward(self, contexts, target):
        rows = self.in_layer.forward(contexts)                    # (N, C, H)
        h = rows.mean(axis=1)
        return self.loss_layer.forward(self.out_layer.forward(h), target)

    def backward(self, dout=1):
        dh = self.out_layer.backward(self.loss_layer.backward(dout))
        self.in_layer.backward_outer(1.0 / self.in_layer.idx.shape[1], dh)


def build_book_system(system: str, vocab_size: int, corpus: np.ndarray, *, hidden: int = 100,
                      window: int = 5, seed: int = 0):
    """One of the book's-layer systems (1 to 4) at vocabulary size V on ``corpus`` (T,)
    (the word counts of the sampler and of the Huffman tree)."""
    from .nn import CBOW

    if system == "simple_cbow":
        return WindowSimpleCBOW(vocab_size, hidden, 2 * window, seed)
    if system == "embedding_softmax":
        return EmbeddingSoftmaxCBOW(vocab_size, hidden, seed)
    if system == "cbow_ns":
        return CBOW(vocab_size, hidden, window, corpus, sample_size=NEGATIVES, seed=seed)
    if system == "cbow_hs":
        return CBOW(vocab_size, hidden, window, corpus, seed=seed, hs=True, ns=False)
    raise ValueError(f"{system!r} is not a system of the book's layers")


def book_step(model, optimizer, contexts, target) -> float:
    """One training step as the book's Trainer makes it: forward, backward, merge the
    gradients of shared weights, update. Returns the loss."""
    from .nn import merge_shared

    loss = model.forward(contexts, target)
    model.backward()
    params, grads = merge_shared(model.params, model.grads)
    optimizer.update(params, grads)
    return float(loss)


_WARM: set[str] = set()


def _warm_up(system: str) -> None:
    """Compile the Numba code a system runs (row kernels, Huffman tree, engine) once per
    process on a tiny vocabulary, so that neither its time nor its memory is measured."""
    if system in _WARM:
        return
    corpus = zipf_corpus(60, 3000, seed=1)
    if system.startswith("engine"):
        _engine_fit(system, _sentences(corpus), 8, seed=1)
    else:
        from .nn import SGD

        model = build_book_system(system, 60, corpus, hidden=8, window=2)
        for contexts, target in batches(corpus, 2, 10, 2):
            if system == "simple_cbow":
                contexts = one_hot(contexts, 60)
            book_step(model, SGD(LR), contexts, target)
    _WARM.add(system)


def _traced(build: Callable[[], object]):
    """Run ``build()`` under tracemalloc: (its result, the peak bytes allocated during it)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = build()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def _measure_book(system: str, vocab_size: int, corpus: np.ndarray, *, batch: int,
                  hidden: int, window: int, repeats: int, warmup: int, seed: int):
    """(seconds per batch (median of ``repeats``), peak bytes) of a book's-layer system.

    Building the system and its first step are traced; system 1's one-hot batch is made
    before each timed step (the book converts its whole corpus before training), so only
    forward, backward, the merge of shared gradients and the SGD update are timed."""
    from .nn import SGD

    data = batches(corpus, window, batch, warmup + repeats)
    optimizer = SGD(LR)

    def inputs(i):
        contexts, target = data[i]
        if system == "simple_cbow":
            contexts = one_hot(contexts, vocab_size)
        return contexts, target

    def build_and_first_step():
        built = build_book_system(system, vocab_size, corpus, hidden=hidden, window=window,
                                  seed=seed)
        book_step(built, optimizer, *inputs(0))
        return built

    model, peak = _traced(build_and_first_step)
    for W in {id(p): p for p in model.params}.values():
        W += 0   # fault in every page (np.zeros maps them lazily) before the timed steps
    for i in range(1, warmup):
        book_step(model, optimizer, *inputs(i))
    times = []
    for i in range(warmup, warmup + repeats):
        contexts, target = inputs(i)
        start = time.perf_counter()
        book_step(model, optimizer, contexts, target)
        times.append(time.perf_counter() - start)
        del contexts
    return statistics.median(times), peak


def _sentences(corpus: np.ndarray) -> list[list[str]]:
    """The corpus as token lists of :data:`SENTENCE_WORDS` words, word ``i`` spelt ``w<i>``
    (one str object per word, shared by its occurrences)."""
    words = np.array([f"w{i}" for i in range(int(corpus.max()) + 1)], dtype=object)
    return [words[corpus[i:i + SENTENCE_WORDS]].tolist()
            for i in range(0, corpus.shape[0], SENTENCE_WORDS)]


def _engine_fit(system: str, sentences, hidden: int, *, window: int = 5, seed: int = 0,
                model=None):
    """Train one epoch of CBOW on the engine through :class:`wordvec.Word2Vec` (sample 0,
    1 thread, min_count 1), or continue ``model``'s training; returns the model."""
    from .word2vec import Word2Vec

    if model is None:
        hs = system == "engine_hs"
        model = Word2Vec(model="cbow", dim=hidden, window=window, hs=int(hs),
                         negative=0 if hs else NEGATIVES, sample=0, min_count=1, epochs=1,
                         threads=1, seed=seed + 1, progress_interval=60.0)
    model.fit(sentences)
    return model


def _measure_engine(system: str, corpus: np.ndarray, *, hidden: int, window: int,
                    repeats: int, seed: int):
    """(seconds per example (median over ``repeats`` epochs), peak bytes) of the engine: the
    first ``fit`` (vocabulary, encoding, weights, one epoch) is traced for memory, then
    ``repeats`` more epochs continue the same model untraced and are timed by the engine
    (``train_seconds / words_trained``; with sample 0 every word is a CBOW example)."""
    sentences = _sentences(corpus)
    model, peak = _traced(lambda: _engine_fit(system, sentences, hidden, window=window,
                                              seed=seed))
    per_example = []
    for _ in range(repeats):
        _engine_fit(system, sentences, hidden, model=model)
        per_example.append(model.train_seconds / model.words_trained)
    return statistics.median(per_example), peak


def measure(system: str, vocab_size: int, *, corpus: np.ndarray | None = None,
            batch: int = 100, hidden: int = 100, window: int = 5, repeats: int = 5,
            warmup: int = 2, memory_limit: int = 8 * GiB, seed: int = 0,
            engine_words: int = 1_000_000) -> Measurement:
    """Time one system at vocabulary size V, or say why not.

    corpus: (T,) int32 ids over exactly V words (default: :func:`zipf_corpus` of
    :func:`corpus_words` words, made only when the system runs); batch, hidden, window: the
    book's N, H and w; repeats: timed batches (the engine: timed epochs) whose median is
    kept, after ``warmup`` untimed steps (at least 1: the traced first step; the engine's
    warm-up is its first, traced ``fit``); memory_limit:
    bytes; a system whose :func:`estimate_bytes` passes it is skipped before anything is
    allocated, and a MemoryError while it runs is reported the same way.
    """
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}; the systems are {', '.join(SYSTEMS)}")
    if repeats < 1 or warmup < 1:
        raise ValueError("repeats and warmup must be >= 1")
    n_words = corpus_words(vocab_size, batch=batch, window=window, steps=warmup + repeats,
                           engine_words=engine_words)
    size = int(corpus.shape[0]) if corpus is not None else zipf_total(vocab_size, n_words)
    need = estimate_bytes(system, vocab_size, batch=batch, hidden=hidden, window=window,
                          corpus_size=size)
    if need > memory_limit:
        return Measurement(system, vocab_size, None, None, None, need,
                           f"needs ~{format_bytes(need)} > limit {format_bytes(memory_limit)}")
    if corpus is None:
        corpus = zipf_corpus(vocab_size, n_words, seed)
    _warm_up(system)
    try:
        if system.startswith("engine"):
            per_example, peak = _measure_engine(system, corpus, hidden=hidden, window=window,
                                                repeats=repeats, seed=seed)
            per_batch = per_example * batch
        else:
            per_batch, peak = _measure_book(system, vocab_size, corpus, batch=batch,
                                            hidden=hidden, window=window, repeats=repeats,
                                            warmup=warmup, seed=seed)
            per_example = per_batch / batch
    except MemoryError:
        return Measurement(system, vocab_size, None, None, None, need,
                           f"MemoryError (estimate ~{format_bytes(need)})")
    return Measurement(system, vocab_size, per_batch, per_example, int(peak), need)


# ----------------------------------------------------------------------------- results
def fit_slope(points: Iterable[tuple[float, float]]) -> float:
    """Least-squares slope of log(time) against log(V) over (V, time) points: 1 for time
    growing as V, 0 for flat. nan with fewer than two distinct V."""
    pts = [(math.log(v), math.log(t)) for v, t in points if v > 0 and t and t > 0]
    if len({x for x, _ in pts}) < 2:
        return float("nan")
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    x0 = x - x.mean()
    return float((x0 * (y - y.mean())).sum() / (x0 * x0).sum())


def slopes(measurements: Sequence[Measurement]) -> dict[str, float]:
    """Each system's :func:`fit_slope` of time per example over the sizes it ran at."""
    out: dict[str, float] = {}
    for name in SYSTEMS:
        pts = [(m.vocab_size, m.seconds_per_example) for m in measurements
               if m.system == name and m.ran]
        if any(m.system == name for m in measurements):
            out[name] = fit_slope(pts)
    return out


def markdown_table(measurements: Sequence[Measurement]) -> str:
    """A markdown table, one row per measurement: system, V, milliseconds per batch,
    microseconds per example, peak memory, the estimate, and why it was skipped."""
    lines = ["| system | V | ms / batch | µs / example | peak memory | estimate | note |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for m in measurements:
        label = SYSTEMS[m.system][0]
        if m.ran:
            cells = [f"{m.seconds_per_batch * 1e3:.3g}", f"{m.seconds_per_example * 1e6:.3g}",
                     format_bytes(m.peak_bytes), format_bytes(m.estimate_bytes), ""]
        else:
            cells = ["—", "—", "—", format_bytes(m.estimate_bytes),
                     f"skipped: {m.skipped_reason}"]
        lines.append(f"| {label} | {m.vocab_size:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(measurements: Sequence[Measurement], path, *, title: str | None = None) -> None:
    """Write a log-log PNG (1100 x 500 pixels) of time per example against V to ``path``
    (atomically): one line per system that ran at some size, its fitted slope in the
    legend, which sits right of the axes so that it hides no line."""
    from .io.atomic import atomic_write
    from .plot import _pyplot

    plt = _pyplot()
    fitted = slopes(measurements)
    fig, ax = plt.subplots(figsize=(11.0, 5.0), dpi=100)
    for name, (label, _) in SYSTEMS.items():
        pts = sorted((m.vocab_size, m.seconds_per_example) for m in measurements
                     if m.system == name and m.ran)
        if not pts:
            continue
        slope = fitted.get(name, float("nan"))
        slope_text = "n/a" if math.isnan(slope) else f"{slope:.2f}"
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o",
                label=f"{label} (slope {slope_text})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("vocabulary size V")
    ax.set_ylabel("seconds per example (forward + backward + update)")
    ax.set_title(title or "CBOW, hidden 100, window 5: cost per example against V")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    try:
        with atomic_write(path, "wb") as f:
            fig.savefig(f, format="png")
    finally:
        plt.close(fig)


# ----------------------------------------------------------------------------- BLAS threads
@contextlib.contextmanager
def blas_threads(n: int | None):
    """Run the block with ``n`` BLAS threads, restored afterwards, through threadpoolctl
    (the ``bench`` extra); ``None``, or threadpoolctl not installed, leaves them as they are.
    Yields True when a limit was set. One thread puts the book's layers on one core, as
    the engine's ``threads=1``; on a shared machine it also keeps small products from
    stalling on busy threads."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if n is None or threadpool_limits is None:
        yield False
        return
    with threadpool_limits(limits=int(n), user_api="blas"):
        yield True


# ----------------------------------------------------------------------------- the whole story
#: The full run and the one-minute demo: sizes, timed repeats, untimed warm-up steps, the
#: words the engine trains on per timed epoch.
FULL = dict(sizes=(1_000, 10_000, 100_000, 1_000_000, 10_000_000), repeats=5, warmup=2,
            engine_words=1_000_000)
QUICK = dict(sizes=(1_000, 10_000, 100_000), repeats=3, warmup=1, engine_words=200_000)


def parse_bytes(text: str) -> int:
    """``"8GiB"``, ``"6G"``, ``"500MiB"``, ``"123456"`` -> bytes (K, M, G, T: powers of 1024)."""
    t = text.strip().upper().replace(" ", "").removesuffix("B").removesuffix("I")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    factor = scale.get(t[-1:], 1)
    number = t[:-1] if t[-1:] in scale else t
    try:
        value = float(number) * factor
    except ValueError:
        raise ValueError(f"not a size in bytes: {text!r} (e.g. 8GiB, 500MiB)") from None
    if not value > 0:
        raise ValueError(f"a size must be positive, got {text!r}")
    return int(value)


def run(sizes: Sequence[int], *, systems: Sequence[str] = tuple(SYSTEMS), repeats: int = 5,
        warmup: int = 2, memory_limit: int = 8 * GiB, engine_words: int = 1_000_000,
        seed: int = 0, batch: int = 100, hidden: int = 100, window: int = 5,
        threads: int | None = 1,
        echo: Callable[[str], None] | None = print) -> list[Measurement]:
    """Every system at every size, on one Zipf corpus per size (made only when some system
    fits there), with ``threads`` BLAS threads (:func:`blas_threads`; None: as they are).
    A system that raises is recorded as skipped with the error as its reason, so one
    failure does not lose the rest; ``echo`` gets one line per measurement."""
    with blas_threads(threads):
        return _run(sizes, systems, dict(batch=batch, hidden=hidden, window=window,
                                         repeats=repeats, warmup=warmup,
                                         memory_limit=memory_limit, seed=seed,
                                         engine_words=engine_words), echo)


def _run(sizes, systems, kw, echo) -> list[Measurement]:
    """:func:`run`'s loop; ``kw``: :func:`measure`'s keywords."""
    batch, hidden, window = kw["batch"], kw["hidden"], kw["window"]
    memory_limit, seed = kw["memory_limit"], kw["seed"]
    warmup, repeats, engine_words = kw["warmup"], kw["repeats"], kw["engine_words"]
    out = []
    for V in sizes:
        n_words = corpus_words(V, batch=batch, window=window, steps=warmup + repeats,
                               engine_words=engine_words)
        size = zipf_total(V, n_words)
        fits = [estimate_bytes(s, V, batch=batch, hidden=hidden, window=window,
                               corpus_size=size) <= memory_limit for s in systems]
        corpus = zipf_corpus(V, n_words, seed) if any(fits) else None
        for system in systems:
            try:
                m = measure(system, V, corpus=corpus, **kw)
            except Exception as exc:  # noqa: BLE001 - reported in the table, run goes on
                need = estimate_bytes(system, V, batch=batch, hidden=hidden, window=window,
                                      corpus_size=size)
                m = Measurement(system, V, None, None, None, need,
                                f"failed: {type(exc).__name__}: {exc}")
            out.append(m)
            if echo is not None:
                echo(describe(m))
        del corpus
    return out


def describe(m: Measurement) -> str:
    """One line about a measurement, for progress output."""
    head = f"{SYSTEMS[m.system][0]:<36} V={m.vocab_size:>10,}"
    if not m.ran:
        return f"{head}  skipped: {m.skipped_reason}"
    return (f"{head}  {m.seconds_per_batch * 1e3:10.3f} ms/batch "
            f"{m.seconds_per_example * 1e6:10.3f} µs/example  peak {format_bytes(m.peak_bytes)}"
            f" (estimate {format_bytes(m.estimate_bytes)})")


def stops(measurements: Sequence[Measurement]) -> dict[str, str]:
    """Each system's largest size run and, if it stopped before the largest size asked,
    where and why (the first skip after the last run)."""
    out = {}
    for name in SYSTEMS:
        mine = sorted((m for m in measurements if m.system == name), key=lambda m: m.vocab_size)
        if not mine:
            continue
        ran = [m for m in mine if m.ran]
        skipped = [m for m in mine if not m.ran]
        text = f"ran up to V = {ran[-1].vocab_size:,}" if ran else "never ran"
        if skipped:
            first = skipped[0]
            text += f"; stopped at V = {first.vocab_size:,}: {first.skipped_reason}"
        out[name] = text
    return out


def slope_table(measurements: Sequence[Measurement]) -> str:
    """Markdown: each system, its fitted slope of log time per example against log V, and
    where it stopped."""
    fitted, where = slopes(measurements), stops(measurements)
    lines = ["| system | slope | sizes |", "|---|---:|---|"]
    for name, slope in fitted.items():
        text = "n/a" if math.isnan(slope) else f"{slope:.2f}"
        lines.append(f"| {SYSTEMS[name][0]} | {text} | {where[name]} |")
    return "\n".join(lines) + "\n"


def pivot_table(measurements: Sequence[Measurement]) -> str:
    """Markdown: microseconds per example, one row per system, one column per size
    ("—" where skipped)."""
    sizes = sorted({m.vocab_size for m in measurements})
    cell = {(m.system, m.vocab_size): m for m in measurements}
    lines = ["| µs / example | " + " | ".join(f"V = {v:,}" for v in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for name in SYSTEMS:
        if not any(m.system == name for m in measurements):
            continue
        row = []
        for v in sizes:
            m = cell.get((name, v))
            row.append(f"{m.seconds_per_example * 1e6:.3g}" if m and m.ran else "—")
        lines.append(f"| {SYSTEMS[name][0]} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def report(measurements: Sequence[Measurement], *, settings: str = "") -> str:
    """The markdown report: settings, the per-example pivot, slopes and stops, every
    measurement."""
    parts = ["# The speed-up story: cost per example against vocabulary size\n",
             settings + "\n" if settings else "",
             "## Time per example\n", pivot_table(measurements),
             "\n## Fitted slopes (log time per example against log V) and where each stopped\n",
             slope_table(measurements),
             "\n## Every measurement\n", markdown_table(measurements),
             "\nSystems:\n\n" + "".join(f"- {label}: {what}\n"
                                        for label, what in SYSTEMS.values())]
    return "\n".join(p for p in parts if p)


def write_outputs(measurements: Sequence[Measurement], out_dir, *, settings: str = ""):
    """Write ``out_dir/speedup.md`` and ``out_dir/speedup.png``, each atomically. Returns
    (markdown path, png path or None when matplotlib is missing)."""
    from pathlib import Path

    from .io.atomic import atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md = out / "speedup.md"
    with atomic_write(md, "wb") as f:
        f.write(report(measurements, settings=settings).encode("utf-8"))
    png = out / "speedup.png"
    try:
        plot(measurements, png)
    except ImportError:
        return md, None
    return md, png
