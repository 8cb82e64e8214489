"""A roofline estimate: how close the engine comes to what this machine can do.

Three ceilings are measured with small Numba kernels, compiled the way the engine's kernels
are (``@njit``, ``fastmath=wordvec.engine.kernels.FASTMATH``, ``nogil``, run on 1 and 2 Python
threads as the engine runs its Hogwild threads), and set against the work of one training
example counted from ``wordvec.engine.kernels``:

1. **Compute**: peak float32 FMA throughput, 8 independent ``v = v*v + b`` chains of 16
   FMAs per element of an L1-resident array (nothing for ``reassoc`` to fold). LLVM emits
   256-bit (ymm) FMAs for this CPU (it prefers 256-bit vectors on Intel server cores, and the
   engine gets the same code generator), so this is the peak *for the code Numba emits*; the
   script reports the register width it found in the kernel's assembly.
2. **Bandwidth**: sustained streaming over arrays several times the L3: read (a sum),
   STREAM's triad ``a = b + s*c`` (12 bytes per element counted, as STREAM does; the
   write-allocate read is not counted) and read-modify-write ``y += s*x`` (12 bytes, all of
   them real traffic: word2vec's row updates are this pattern). The bound uses the last.
3. **Random rows**: word2vec does not stream; every example reads and writes a handful of
   100-float (400-byte, 7 cache lines) rows chosen all over ``W_in`` and ``W_out``. Measured:
   dot products of rows picked uniformly at random from a (V, 100) float32 matrix, rows
   independent (the CPU overlaps their misses, as it overlaps the engine's k+1 scores, which
   are computed before any update) and dependent (the next row's index waits for the last
   dot: pure latency), and dot + update of the same row (the engine's own ``dot_row`` and
   ``_update_row``), for V = 10k, 100k, 1M and text8-head's vocabulary, plus rows drawn
   from text8-head's noise distribution (``counts**0.75``, where the negatives come from:
   frequent rows stay cached), and V = 100 (40 KB, a block per thread: rows in L1), the
   in-core cost of a row op with no miss at all.

The work of one example at the default settings (d = 100, k = 5 negatives, window 5),
counted from the kernels' loops (``_cbow_example``, ``_skipgram_example``, ``_ns_update``,
``_update_row``); "lane-ops" count one float per add, multiply or FMA (each occupies one
lane of an FMA unit: the compute bound is lane-ops / (peak GFLOP/s / 2)), flops count an FMA
as 2:

* **CBOW target** with C contexts: h = sum of C rows (C*d adds), scaled by 1/C (d), k+1 dots
  (k+1)*d FMAs, k+1 fused updates (``neu1e += g*w; w += g*h``: 2*(k+1)*d FMAs), and ``neu1e``
  added to each context row (C*d adds): lane-ops d*(2C + 3(k+1) + 1), flops d*(2C + 6(k+1)
  + 1). Rows touched: C context rows and k+1 output rows, each read and written once
  (2 * 4d bytes each; ``neu1``/``neu1e`` are scratch, always in L1).
* **Skip-gram pair**: k+1 dots and fused updates against one input row, then that row
  ``+= neu1e``: lane-ops d*(3(k+1) + 1), flops d*(6(k+1) + 1); rows touched 1 + (k+1).
* **Cold rows**: a row a recent example did not just touch. Windows slide, so each context
  row is reused by ~C consecutive examples: per CBOW target ~1 new input row, its own output
  row and k negatives (k + 2); per skip-gram pair the k negatives plus the center's output
  row and the context's input row amortised over ~C pairs (k + 2/C).
* **C**, the mean number of contexts: word2vec.c's reduced window draws b ~ U{0..4}, so the
  half-width 5 - b is uniform on 1..5, mean 3: 6 contexts inside a long sentence, a little
  less at sentence ends. It is computed exactly from the subsampled sentence lengths;
  subsampling itself (sample=1e-3) is computed from ``wordvec.sampling.keep_probabilities``
  on ``wordvec.vocab`` counts: kept words per raw word (raw words include the tokens that
  min_count drops, as the engine's words/s does). Both are checked against the engine's own
  example counts on the corpus's first sentences.

Bounds, in raw corpus words per second on 2 threads: peak rate / (work per example *
examples per raw word), for FMA; row ops with rows in L1 (every touched row costs one
dot + update, with no miss: CBOW's context rows take two add passes instead, about the
same); streaming read-modify-write bandwidth (as if every touched row came from DRAM at
stream speed); random-row rates (all rows touched, at text8-head's V uniform and
noise-weighted, and at V = 1M; there also cold rows only). The engine's measured rate is
``vocab.raw_words * epochs / train_seconds`` of ``wordvec.Word2Vec(..., threads=2).fit`` on
text8-head (compare_gensim.py's number); its achieved GFLOP/s, bytes/s and rows/s follow
from the counts above. Finally the engine itself runs on corpora of uniformly random ids
(no subsampling) with V = 1,000 (both matrices 0.8 MB, in L2), text8-head's V and 1M: how
its time per example moves with where the rows live (``--no-sweep`` skips it).

Two bases. **Wall clock**: work / elapsed time. **Whole cores**: work / the CPU time the
threads actually got (``time.thread_time`` per thread; for the engine the process CPU time
between its first and last progress reports), i.e. the rate with each thread on a core of
its own. On a machine shared with other jobs (load above the core count) the wall rates
mostly measure the share the scheduler gave, and the whole-core rates are the ones to
compare; other jobs still share the L3 and DRAM, which no basis removes. Every rate is the
best of ``--repeat`` runs; the CPU share of the best wall run is printed so contention shows.

Assumptions and limits of the model: rows of text8-head's matrices (22.5k x 100 floats =
9 MB each, 18 MB both) fit in L3 but not in L2 (2 MiB per core here), so its random rows
come from L3, not DRAM; at V = 1M a matrix is 400 MB, above this L3 (260 MB, shared by the
host's cores), so uniformly random rows come mostly from DRAM. Real text is Zipfian, so
real rows are hotter than uniform ones (the noise-weighted row rate shows by how much). The
bounds ignore the scalar work (one ``exp`` per score, the random draws, subsampling) and
assume the vector work runs at the FMA peak, which the dot products cannot reach (two loads
per FMA); each bound is therefore optimistic, and the engine can only approach the lowest.
The random-row bounds assume one touched row costs what one random row op costs in the
microbenchmark, whose rows overlap their misses as freely as the engine's scores do.

    python benchmarks/roofline.py                     # data from $WORDVEC_DATA, ~2-4 min
    python benchmarks/roofline.py --quick             # smaller, 1 training epoch, < 1 min
    python benchmarks/roofline.py --json roofline.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import threading
import time
from pathlib import Path

import numpy as np
from numba import njit

from wordvec.config import TrainConfig
from wordvec.corpus import encode
from wordvec.engine import init_weights, train
from wordvec.engine.kernels import FAST_DIM, FASTMATH, _update_row, dot_row
from wordvec.sampling import keep_probabilities, unigram_probs
from wordvec.vocab import Vocab

DIM = FAST_DIM          # the engine's default size, for which it has constant-length loops
NEGATIVE = 5
WINDOW = 5
SAMPLE = 1e-3
MIN_COUNT = 5
EPOCHS = 5
FMA_DEPTH = 16          # dependent FMAs per chain and element
FMA_CHAINS = 8          # independent chains (FMA latency 4 x 2 ports)
ROW_SIZES = (10_000, 100_000, 1_000_000)
L1_ROWS = 100           # 100 rows = 40 KB: in L1 (48 KB here), one block per thread
KIB = 1024
MIB = 1024 * KIB


def data_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("WORDVEC_DATA", root.parent / "shared" / "data"))


# ----------------------------------------------------------------------------------------
# Kernels.
@njit(fastmath=FASTMATH, nogil=True, error_model="numpy")
def fma_kernel(y, reps):
    """``FMA_CHAINS`` independent chains ``v = v*v + b`` of ``FMA_DEPTH`` FMAs per element of
    the (FMA_CHAINS, n) array y, ``reps`` times; the chains do not fold under reassoc."""
    b = np.float32(0.2)          # v -> v*v + 0.2 has a stable fixed point: no overflow
    n = y.shape[1]
    for _ in range(reps):
        for j in range(n):
            v0 = y[0, j]
            v1 = y[1, j]
            v2 = y[2, j]
            v3 = y[3, j]
            v4 = y[4, j]
            v5 = y[5, j]
            v6 = y[6, j]
            v7 = y[7, j]
            for _m in range(FMA_DEPTH):
                v0 = v0 * v0 + b
                v1 = v1 * v1 + b
                v2 = v2 * v2 + b
                v3 = v3 * v3 + b
                v4 = v4 * v4 + b
                v5 = v5 * v5 + b
                v6 = v6 * v6 + b
                v7 = v7 * v7 + b
            y[0, j] = v0
            y[1, j] = v1
            y[2, j] = v2
            y[3, j] = v3
            y[4, j] = v4
            y[5, j] = v5
            y[6, j] = v6
            y[7, j] = v7
    return y[0, 0]


@njit(fastmath=FASTMATH, nogil=True, error_model="numpy")
def read_kernel(a, lo, hi):
    """Sum of a[lo:hi] (a stream of reads)."""
    s = np.float32(0.0)
    for i in range(lo, hi):
        s += a[i]
    return s


@njit(fastmath=FASTMATH, nogil=True, error_model="numpy")
def triad_kernel(a, b, c, s, lo, hi):
    """STREAM's triad a = b + s*c on [lo, hi)."""
    for i in range(lo, hi):
        a[i] = b[i] + s * c[i]


@njit(fastmath=FASTMATH, nogil=True, error_model="numpy")
def rmw_kernel(y, x, s, lo, hi):
    """y += s*x on [lo, hi): read-modify-write, as a row update."""
    for i in range(lo, hi):
        y[i] += s * x[i]


@njit(fastmath=FASTMATH, nogil=True, error_model="numpy")
def rows_dot(M, idx, x):
    """Sum of M[idx[i]] . x[0]: independent random rows (their misses overlap)."""
    s = np.float32(0.0)
    for i in range(idx.shape[0]):
        s += dot_row(M, idx[i], x, 0, DIM)
    return s


@njit(fastmath=FASTMATH, nogil=True, error_model="numpy")
def rows_chase(M, idx, x):
    """As rows_dot, but each row's index waits for the previous dot (``f != f`` is false for
    any finite f, and FASTMATH has no ``nnan``): one miss at a time, pure latency."""
    s = np.float32(0.0)
    f = np.float32(0.0)
    for i in range(idx.shape[0]):
        f = dot_row(M, idx[i] + np.int64(f != f), x, 0, DIM)
        s += f
    return s


@njit(fastmath=FASTMATH, nogil=True, error_model="numpy")
def rows_update(M, idx, x, e):
    """Per random row: its score, then the engine's fused update of that row (read + write),
    as the engine treats an output row (``_ns_update``)."""
    s = np.float32(0.0)
    for i in range(idx.shape[0]):
        j = idx[i]
        f = dot_row(M, j, x, 0, DIM)
        _update_row(x, 0, e, M, j, np.float32(1e-6) * f, DIM)
        s += f
    return s


# ----------------------------------------------------------------------------------------
# Timing on Python threads.
def run_threads(fn, args_per_thread):
    """Run ``fn(*args)`` for each args on its own thread, started together; returns (wall
    seconds, [CPU seconds of each thread])."""
    n = len(args_per_thread)
    barrier = threading.Barrier(n + 1)
    cpu = [0.0] * n

    def work(k):
        barrier.wait()
        c0 = time.thread_time()
        fn(*args_per_thread[k])
        cpu[k] = time.thread_time() - c0

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, cpu


def best_rate(fn, args_per_thread, work_per_thread, repeat, unit=1.0):
    """The best of ``repeat`` runs, in ``unit``s per second: ``wall`` (all threads' work / wall
    time), ``cpu`` (the sum of each thread's work / its own CPU time: the rate with every
    thread on a core of its own, what contention hides) and ``share`` (mean thread CPU time /
    wall time, of the best wall run)."""
    best = {"wall": 0.0, "cpu": 0.0, "share": 0.0}
    for _ in range(repeat):
        wall, cpu = run_threads(fn, args_per_thread)
        rate = work_per_thread * len(cpu) / wall / unit
        if rate > best["wall"]:
            best["wall"], best["share"] = rate, sum(cpu) / len(cpu) / wall
        best["cpu"] = max(best["cpu"], sum(work_per_thread / max(c, 1e-9) for c in cpu) / unit)
    return best


def split(n, parts):
    edges = np.linspace(0, n, parts + 1).astype(np.int64)
    return [(int(edges[i]), int(edges[i + 1])) for i in range(parts)]


# ----------------------------------------------------------------------------------------
# Microbenchmarks.
def vector_width(kernel) -> str:
    """The widest register of the FMAs in ``kernel``'s assembly (zmm 512, ymm 256, xmm 128)."""
    try:
        asm = kernel.inspect_asm(kernel.signatures[0])
    except Exception:       # a diagnostic only
        return "unknown"
    for reg, bits in (("zmm", 512), ("ymm", 256), ("xmm", 128)):
        if re.search(rf"vfmadd\w*\s+%{reg}", asm):
            return f"{reg} ({bits}-bit)"
    return "scalar"


def bench_fma(repeat, quick):
    """GFLOP/s on 1 and 2 threads: {"vector_width", "1t": best_rate, "2t": best_rate}."""
    n = 256                                     # 8 x 256 floats = 8 KiB: L1-resident
    reps = 40_000 if quick else 150_000         # 2.6 / 9.8 GFLOP per thread and run
    fma_kernel(np.full((FMA_CHAINS, n), 0.3, np.float32), 1)
    flops = 2.0 * FMA_CHAINS * FMA_DEPTH * n * reps
    out = {"vector_width": vector_width(fma_kernel)}
    for threads in (1, 2):
        args = [(np.full((FMA_CHAINS, n), 0.3, np.float32), reps) for _ in range(threads)]
        out[f"{threads}t"] = best_rate(fma_kernel, args, flops, repeat, 1e9)
    return out


def bench_bandwidth(repeat, quick):
    """GB/s: {"array_bytes", "read" / "triad" / "rmw": {"1t", "2t": best_rate}}."""
    n = (512 if quick else 1024) * MIB // 4     # floats per array: 1 GiB each (L3 260 MiB)
    a = np.full(n, 1.0, np.float32)
    b = np.full(n, 2.0, np.float32)
    c = np.full(n, 0.5, np.float32)
    s = np.float32(1e-7)
    read_kernel(a, 0, 16)
    triad_kernel(a, b, c, s, 0, 16)
    rmw_kernel(a, c, s, 0, 16)
    out = {"array_bytes": 4 * n, "read": {}, "triad": {}, "rmw": {}}
    for threads in (1, 2):
        parts = split(n, threads)
        per = 4.0 * n / threads                 # bytes of one array per thread
        tests = {
            "read": (read_kernel, [(a, lo, hi) for lo, hi in parts], per),
            "triad": (triad_kernel, [(a, b, c, s, lo, hi) for lo, hi in parts], 3 * per),
            "rmw": (rmw_kernel, [(a, c, s, lo, hi) for lo, hi in parts], 3 * per),
        }
        for name, (fn, args, nbytes) in tests.items():
            out[name][f"{threads}t"] = best_rate(fn, args, nbytes, repeat, 1e9)
    return out


def bench_rows(repeat, quick, v_text8, noise_probs):
    """Rows/s of random-row dots, chases and updates at each V:
    {label: {"V", "matrix_bytes", "dot" / "chase" / "update": {"1t", "2t": best_rate}}}."""
    sizes = sorted({L1_ROWS} | set(ROW_SIZES) | {v_text8})
    n_idx = 300_000 if quick else 1_500_000
    rng = np.random.default_rng(1)
    M = (rng.random((max(sizes), DIM), dtype=np.float32) - 0.5) / DIM
    scratch = [np.full((3, DIM), 0.01, np.float32) for _ in range(2)]   # rows 1: padded
    xs = [s[0:1] for s in scratch]
    es = [s[2:3] for s in scratch]
    tiny = np.zeros(4, np.int64)
    rows_dot(M, tiny, xs[0])
    rows_chase(M, tiny, xs[0])
    rows_update(M, tiny, xs[0], es[0])
    cases = [(f"uniform V={v:,}", v, None) for v in sizes]
    cases.append((f"noise V={v_text8:,}", v_text8, noise_probs))
    out = {}
    for label, V, probs in cases:
        # L1-resident rows: a block of its own per thread (shared, the two threads' updates
        # would bounce the lines between the cores: Hogwild's cost, not the core's rate).
        Ws = [M[k * V:(k + 1) * V] if V == L1_ROWS else M[:V] for k in range(2)]
        if probs is None:
            idx = [rng.integers(0, V, n_idx, dtype=np.int64) for _ in range(2)]
        else:
            idx = [rng.choice(V, n_idx, p=probs).astype(np.int64) for _ in range(2)]
        res = {"V": V, "matrix_bytes": Ws[0].nbytes, "noise": probs is not None,
               "dot": {}, "chase": {}, "update": {}}
        for threads in (1, 2):
            for name, fn in (("dot", rows_dot), ("chase", rows_chase), ("update", rows_update)):
                if name == "chase" and (threads == 2 or probs is not None):
                    continue
                args = [(Ws[k], idx[k], xs[k]) + ((es[k],) if name == "update" else ())
                        for k in range(threads)]
                for k in range(threads):
                    rows_dot(Ws[k], idx[k][:50_000], xs[k])     # warm the caches
                res[name][f"{threads}t"] = best_rate(fn, args, float(n_idx), repeat)
        out[label] = res
    return out


def cache_sizes():
    """The caches of cpu0 from sysfs: [{level, type, size, shared_cpus}]."""
    root = Path("/sys/devices/system/cpu/cpu0/cache")
    found = []
    for d in sorted(root.glob("index*")):
        try:
            found.append({name: (d / f).read_text().strip() for name, f in (
                ("level", "level"), ("type", "type"), ("size", "size"),
                ("shared_cpus", "shared_cpu_list"))})
        except OSError:
            continue
    return found


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ----------------------------------------------------------------------------------------
# The work of one example and of one raw word.
def contexts_in_sentence(n: int, window: int) -> float:
    """Expected contexts summed over the n positions of a sentence under the reduced
    window (half-width uniform on 1..window, clipped at both ends)."""
    if n < 2:
        return 0.0
    i = np.arange(n)
    total = 0.0
    for r in range(1, window + 1):
        total += float(np.minimum(i, r).sum() + np.minimum(n - 1 - i, r).sum())
    return total / window


def corpus_counts(path, window=WINDOW):
    """Vocabulary, encoded corpus and the expected per-raw-word counts of text8-head."""
    vocab = Vocab.build(str(path), min_count=MIN_COUNT)
    enc = encode(str(path), vocab.word_to_id)
    keep = keep_probabilities(vocab.counts, SAMPLE).astype(np.float64)
    cum = np.concatenate([[0.0], np.cumsum(keep[np.asarray(enc.ids)])])
    kept_per_sentence = cum[enc.bounds[1:]] - cum[enc.bounds[:-1]]
    lengths = np.rint(kept_per_sentence).astype(np.int64)
    contexts = sum(contexts_in_sentence(int(n), window) for n in lengths)
    targets = int(lengths[lengths >= 2].sum())
    kept = float(cum[-1])
    return vocab, enc, {
        "vocab_size": len(vocab), "raw_words": vocab.raw_words, "in_vocab_words": vocab.total,
        "sentences": int(enc.bounds.shape[0] - 1),
        "kept_per_raw": kept / vocab.raw_words,
        "contexts_per_target": contexts / targets,
        "cbow_examples_per_raw": targets / lengths.sum() * kept / vocab.raw_words,
        "sg_examples_per_raw": contexts / lengths.sum() * kept / vocab.raw_words,
    }


def check_counts(vocab, enc, n_sentences=20):
    """The engine's own kept words and examples on the first sentences (1 epoch, 1 thread),
    against the expectation computed as in :func:`corpus_counts`."""
    bounds = np.asarray(enc.bounds[:n_sentences + 1], dtype=np.int64)
    ids = np.ascontiguousarray(enc.ids[:bounds[-1]], dtype=np.int32)
    keep = keep_probabilities(vocab.counts, SAMPLE).astype(np.float64)
    k = keep[ids]
    lengths = [k[bounds[s]:bounds[s + 1]].sum() for s in range(n_sentences)]
    expected_ctx = sum(contexts_in_sentence(int(round(n)), WINDOW) for n in lengths)
    out = {"words": int(ids.shape[0]), "expected_kept": float(k.sum()),
           "expected_contexts_per_kept": expected_ctx / float(k.sum())}
    for model in ("cbow", "skipgram"):
        cfg = TrainConfig(model=model, dim=DIM, window=WINDOW, negative=NEGATIVE, sample=SAMPLE,
                          min_count=MIN_COUNT, epochs=1, threads=1, seed=1)
        W_in, W_out = init_weights(len(vocab), DIM, seed=1)
        r = train(ids, bounds, vocab.counts, cfg, W_in, W_out)
        out[f"{model}_kept"] = int(r.kept_words)
        out[f"{model}_examples_per_kept"] = r.examples / r.kept_words
    return out


def work_per_example(model, C, d=DIM, k=NEGATIVE):
    """Lane-ops, flops, rows touched (each read and written) and cold rows of one example."""
    n_out = k + 1
    if model == "cbow":
        lane_ops = d * (C + 1 + n_out + 2 * n_out + C)
        flops = d * (C + 1 + 2 * n_out + 4 * n_out + C)
        rows, cold = C + n_out, k + 2.0
    else:
        lane_ops = d * (n_out + 2 * n_out + 1)
        flops = d * (2 * n_out + 4 * n_out + 1)
        rows, cold = 1.0 + n_out, k + 2.0 / C
    return {"lane_ops": lane_ops, "flops": flops, "rows": rows, "cold_rows": cold,
            "bytes": rows * 2 * 4 * d}


# ----------------------------------------------------------------------------------------
# The engine.
def train_engine(path, vocab, model, epochs, repeat):
    """The engine's training words/s (raw words * epochs / train_seconds), best of ``repeat``
    fits: ``wall``, and ``cpu``: the rate on two whole cores, from the process CPU time
    between the first and the last progress report (``cores`` = that CPU time / wall)."""
    from wordvec import Word2Vec

    best = {"wall": 0.0, "cpu": 0.0, "cores": 0.0, "train_seconds": 0.0, "epochs": epochs}
    for _ in range(repeat):
        marks = []
        record = lambda info, marks=marks: marks.append(
            (time.perf_counter(), time.process_time(), info.words_done))
        m = Word2Vec(model=model, threads=2, seed=1, dim=DIM, window=WINDOW, negative=NEGATIVE,
                     sample=SAMPLE, min_count=MIN_COUNT, epochs=epochs, progress_interval=0.5)
        m.vocab = vocab                      # counted once; fit encodes and trains
        m.fit(str(path), progress=record)
        rate = m.vocab.raw_words * epochs / m.train_seconds
        if rate > best["wall"]:
            best.update(wall=rate, train_seconds=m.train_seconds)
        if len(marks) >= 2 and marks[-1][1] > marks[0][1]:
            (w0, c0, d0), (w1, c1, d1) = marks[0], marks[-1]
            cores = (c1 - c0) / (w1 - w0)
            # words_done counts in-vocabulary words: scale to raw words as the wall rate does
            per_cpu = (d1 - d0) * m.vocab.raw_words / m.vocab.total / (c1 - c0)
            if 2 * per_cpu > best["cpu"]:
                best.update(cpu=2 * per_cpu, cores=cores)
    if best["cpu"] == 0.0:
        best["cpu"] = best["wall"]
    return best


def sweep_engine(model, sizes, n_words, repeat):
    """The engine on a corpus of uniformly random ids (no subsampling), per V: the best ns per
    example, {V: {"wall", "cpu"}} (cpu: on two whole cores, from the process CPU time of the
    call; the setup in it is small)."""
    rng = np.random.default_rng(2)
    out = {}
    for V in sizes:
        ids = rng.integers(0, V, n_words, dtype=np.int64).astype(np.int32)
        bounds = np.arange(0, n_words + 1, 10_000, dtype=np.int64)
        cfg = TrainConfig(model=model, dim=DIM, window=WINDOW, negative=NEGATIVE, sample=0,
                          min_count=1, epochs=1, threads=2, seed=1)
        counts = np.full(V, 100, np.int64)
        best = {"wall": float("inf"), "cpu": float("inf")}
        for _ in range(repeat):
            W_in, W_out = init_weights(V, DIM, seed=1)
            W_out.fill(0.0)              # touch its pages now, not inside the timed run
            c0, t0 = time.process_time(), time.perf_counter()
            r = train(ids, bounds, counts, cfg, W_in, W_out)
            cores = (time.process_time() - c0) / (time.perf_counter() - t0)
            best["wall"] = min(best["wall"], r.seconds / r.examples * 1e9)
            best["cpu"] = min(best["cpu"], r.seconds * cores / 2 / r.examples * 1e9)
        out[V] = best
    return out


# ----------------------------------------------------------------------------------------
def bounds_for(model, res):
    """The ceilings as raw words/s on 2 threads, on both bases ("wall", "cpu"), the engine's
    fraction of each, and what the engine achieves."""
    counts = res["corpus"]
    w = work_per_example(model, counts["contexts_per_target"])
    per_raw = counts["cbow_examples_per_raw" if model == "cbow" else "sg_examples_per_raw"]
    fma, bw, rows = res["fma"], res["bandwidth"], res["rows"]
    v8 = counts["vocab_size"]
    u8, u1m = rows[f"uniform V={v8:,}"], rows[f"uniform V={ROW_SIZES[-1]:,}"]
    l1, noise = rows[f"uniform V={L1_ROWS:,}"], rows[f"noise V={v8:,}"]
    ceilings = [   # (name, rates in units/s, units per example)
        ("FMA peak (lane-ops)", fma["2t"], 2 * w["lane_ops"] / 1e9),
        (f"row ops, rows in L1 (V={L1_ROWS})", l1["update"]["2t"], w["rows"]),
        ("stream read+write (rmw), DRAM", bw["rmw"]["2t"], w["bytes"] / 1e9),
        (f"random rows, uniform V={v8:,}", u8["update"]["2t"], w["rows"]),
        (f"random rows, noise V={v8:,}", noise["update"]["2t"], w["rows"]),
        (f"random rows, uniform V={ROW_SIZES[-1]:,}", u1m["update"]["2t"], w["rows"]),
        (f"  cold rows only, V={ROW_SIZES[-1]:,}", u1m["update"]["2t"], w["cold_rows"]),
    ]
    engine = res["engine"][model]
    table = []
    for name, rate, per_example in ceilings:
        row = {"bound": name}
        for basis in ("wall", "cpu"):
            ex_s = rate[basis] / per_example
            row[basis] = {"ns_per_example": 1e9 / ex_s, "raw_words_per_s": ex_s / per_raw,
                          "engine_fraction": engine[basis] * per_raw / ex_s}
        table.append(row)
    achieved = {}
    for basis in ("wall", "cpu"):
        ex_s = engine[basis] * per_raw
        achieved[basis] = {
            "ns_per_example": 1e9 / ex_s, "examples_per_s": ex_s,
            "gflops": ex_s * w["flops"] / 1e9, "gbytes_per_s": ex_s * w["bytes"] / 1e9,
            "rows_per_s": ex_s * w["rows"], "cold_rows_per_s": ex_s * w["cold_rows"],
            "fma_fraction": ex_s * w["lane_ops"] * 2 / 1e9 / fma["2t"][basis],
            "rmw_fraction": ex_s * w["bytes"] / 1e9 / bw["rmw"]["2t"][basis]}
    return w, per_raw, table, achieved


def _pair(rate, fmt="{:.1f}"):
    return f"{fmt.format(rate['wall'])} ({fmt.format(rate['cpu'])})"


def report(res):
    print(f"CPU: {res['cpu']}; {os.cpu_count()} logical CPUs; transparent huge pages "
          f"{res['thp']}; load average (1, 5, 15 min) at start "
          f"{', '.join(f'{x:.1f}' for x in res['load_start'])}, at end "
          f"{', '.join(f'{x:.1f}' for x in res['load_end'])}")
    print("caches (cpu0): " + ", ".join(
        f"L{c['level']} {c['type']} {c['size']} (cpus {c['shared_cpus']})"
        for c in res["caches"]))
    print("Rates: wall clock (in brackets: on whole cores, from the threads' CPU time); "
          "[CPU share of the best wall run]")
    fma = res["fma"]
    print(f"\n(a) FMA peak, float32, {fma['vector_width']} FMAs, GFLOP/s: 1 thread "
          f"{_pair(fma['1t'])} [{fma['1t']['share']:.0%}], 2 threads {_pair(fma['2t'])} "
          f"[{fma['2t']['share']:.0%}]")
    bw = res["bandwidth"]
    print(f"(b) streaming bandwidth, arrays of {bw['array_bytes'] / MIB:,.0f} MiB, GB/s:")
    for name in ("read", "triad", "rmw"):
        r1, r2 = bw[name]["1t"], bw[name]["2t"]
        print(f"      {name:6s} 1 thread {_pair(r1):>13s} [{r1['share']:.0%}]   2 threads "
              f"{_pair(r2):>13s} [{r2['share']:.0%}]")
    print("(c) random 100-float rows, million rows/s, wall (whole cores): dot = independent "
          "rows, chase = each\n    row waits for the last dot, update = dot + the engine's "
          "fused row update")
    print(f"      {'rows':22s} {'matrix':>8s} {'dot 1t':>13s} {'dot 2t':>13s} "
          f"{'chase 1t':>11s} {'update 1t':>13s} {'update 2t':>13s}  {'chase ns/row':>12s}")
    for label, r in res["rows"].items():
        def cell(kind, t, r=r):
            v = r[kind].get(t)
            return _pair({b: v[b] / 1e6 for b in ("wall", "cpu")}) if v else "-"

        chase = r["chase"].get("1t")
        ns = f"{1e9 / chase['cpu']:.0f}" if chase else "-"
        print(f"      {label:22s} {r['matrix_bytes'] / MIB:6.1f}MB {cell('dot', '1t'):>13s} "
              f"{cell('dot', '2t'):>13s} {cell('chase', '1t'):>11s} "
              f"{cell('update', '1t'):>13s} {cell('update', '2t'):>13s}  {ns:>12s}")

    c = res["corpus"]
    print(f"\ntext8-head: {c['raw_words']:,} raw words, vocabulary {c['vocab_size']:,} "
          f"(min_count {MIN_COUNT}), {c['sentences']} sentences; sample={SAMPLE:g} keeps "
          f"{c['kept_per_raw']:.4f} words per raw word; {c['contexts_per_target']:.3f} "
          f"contexts per CBOW target (6 without sentence ends)")
    chk = res["check"]
    print(f"    check, the engine on the first {chk['words']:,} words: kept "
          f"{chk['cbow_kept']:,} and {chk['skipgram_kept']:,} (expected "
          f"{chk['expected_kept']:,.0f}); skip-gram pairs per kept word "
          f"{chk['skipgram_examples_per_kept']:.3f} (expected "
          f"{chk['expected_contexts_per_kept']:.3f}); CBOW targets per kept word "
          f"{chk['cbow_examples_per_kept']:.4f}")
    print("\nengine = the engine's rate / the ceiling; above 100% the engine beats that ceiling's "
          "assumption\n(its rows come from closer caches, or are reused), so it does not bind.")
    for model in ("cbow", "skipgram"):
        w, per_raw, table, ach = bounds_for(model, res)
        e = res["engine"][model]
        unit = "target" if model == "cbow" else "pair"
        print(f"\n{model}: per {unit} {w['lane_ops']:,.0f} lane-ops = {w['flops']:,.0f} flops, "
              f"{w['rows']:.2f} rows touched = {w['bytes']:,.0f} bytes read+written, "
              f"{w['cold_rows']:.2f} cold rows; {per_raw:.4f} {unit}s per raw word")
        print(f"  {'':36s} {'---------- wall clock ----------':>34s}  "
              f"{'---------- whole cores ---------':>34s}")
        print(f"  {'ceiling (2 threads)':36s} " + "  ".join(
            [f"{'ns/ex':>7s} {'raw words/s':>12s} {'engine':>7s}"] * 2))
        for row in table:
            print(f"  {row['bound']:36s} " + "  ".join(
                f"{row[b]['ns_per_example']:7.0f} {row[b]['raw_words_per_s']:12,.0f} "
                f"{row[b]['engine_fraction']:7.1%}" for b in ("wall", "cpu")))
        print(f"  {'engine, measured (best of runs)':36s} " + "  ".join(
            f"{ach[b]['ns_per_example']:7.0f} {e[b]:12,.0f} {'':7s}" for b in ("wall", "cpu")))
        print(f"  engine: train {e['train_seconds']:.2f} s ({e['epochs']} epochs), "
              f"{e['cores']:.2f} cores used while training")
        for b, name in (("wall", "wall clock"), ("cpu", "whole cores")):
            a = ach[b]
            print(f"  engine achieves ({name}): {a['gflops']:.2f} GFLOP/s "
                  f"({a['fma_fraction']:.1%} of FMA peak), {a['gbytes_per_s']:.2f} GB/s of row "
                  f"traffic ({a['rmw_fraction']:.1%} of stream rmw), "
                  f"{a['rows_per_s'] / 1e6:.1f} M rows/s ({a['cold_rows_per_s'] / 1e6:.1f} M "
                  "cold)")
        sweep = res.get("sweep", {}).get(model)
        if sweep:
            print("  engine on uniformly random ids (no subsampling), ns/example wall (whole "
                  "cores): " + ", ".join(f"V={int(v):,} {s['wall']:.0f} ({s['cpu']:.0f})"
                                         for v, s in sweep.items()))


def thp() -> str:
    try:
        text = Path("/sys/kernel/mm/transparent_hugepage/enabled").read_text()
        found = re.search(r"\[(\w+)\]", text)
        return found.group(1) if found else text.strip()
    except OSError:
        return "unknown"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="folder with text8-head")
    ap.add_argument("--quick", action="store_true",
                    help="smaller arrays and row counts, 1 training epoch, fewer repeats")
    ap.add_argument("--repeat", type=int, default=None,
                    help="runs per microbenchmark, best kept (default 5, quick 2)")
    ap.add_argument("--train-repeat", type=int, default=None,
                    help="training runs per model, best kept (default 2, quick 1)")
    ap.add_argument("--no-sweep", action="store_true",
                    help="skip the engine on synthetic uniform corpora")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 5)
    train_repeat = args.train_repeat or (1 if args.quick else 2)
    path = (args.data or data_dir()) / "text8-head"

    res = {"cpu": cpu_name(), "thp": thp(), "load_start": os.getloadavg(),
           "caches": cache_sizes(), "quick": args.quick}
    vocab, enc, res["corpus"] = corpus_counts(path)
    res["check"] = check_counts(vocab, enc)
    res["fma"] = bench_fma(repeat, args.quick)
    res["bandwidth"] = bench_bandwidth(repeat, args.quick)
    res["rows"] = bench_rows(repeat, args.quick, len(vocab), unigram_probs(vocab.counts))
    epochs = 1 if args.quick else EPOCHS
    res["engine"] = {m: train_engine(path, vocab, m, epochs, train_repeat)
                     for m in ("cbow", "skipgram")}
    if not args.no_sweep:
        n_words = 200_000 if args.quick else 600_000
        sizes = (1_000, len(vocab), ROW_SIZES[-1])
        res["sweep"] = {m: sweep_engine(m, sizes, n_words, train_repeat)
                        for m in ("cbow", "skipgram")}
    res["load_end"] = os.getloadavg()
    report(res)
    if args.json:
        res["bounds"] = {}
        for m in ("cbow", "skipgram"):
            w, per_raw, table, ach = bounds_for(m, res)
            res["bounds"][m] = {"work": w, "examples_per_raw": per_raw, "ceilings": table,
                                "achieved": ach}
        args.json.write_text(json.dumps(res, indent=2, default=str))
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
