"""Training speed of ``wordvec.nn`` against the book's chapter 4 code, side by side, on PTB.

Settings are the book's ``ch04/train.py``: PTB train (929,589 tokens, V = 10,000), window 5,
hidden 100, batch 100, Adam (lr 0.001), 5 negatives. For each model (CBOW, SkipGram) and each
implementation -- ``wordvec.nn`` and the book baseline (``book_baseline.py``) -- one run:

1. builds the model (untimed) and shuffles the (contexts, target) pairs once with a fixed seed,
   as the book's Trainer does at the start of an epoch;
2. runs ``--warmup`` steps untimed (the first Adam step allocates the moments), then times the
   next N steps with ``time.perf_counter``. A step is the book's Trainer step: forward,
   backward, merge shared weights (``merge_shared`` / the book's ``remove_duplicate``),
   ``optimizer.update``, ``float(loss)``.

Both implementations see the same batches in the same order. Reported per run: target words/s
(= steps * batch_size / seconds), the projected time of one epoch (9,295 steps), the loss of
the first step and the mean loss of the last 10 timed steps; and per model the ratio
ours/baseline of words/s, against the targets CBOW >= 100,000 words/s, SkipGram >= 30,000
words/s, ratio >= 50x. Because the baseline runs far fewer steps, ours' mean loss over the
*same* steps is printed beside the baseline's, so that the two are compared like for like.
Expect ours to lag there early on: lazy Adam moves only the rows in the batch, where the
book's dense Adam keeps moving every row with momentum (measured on CBOW, seed 0: mean loss
of steps 401-500 3.02 lazy vs 2.72 dense, of the first epoch's last 100 steps 2.30 vs 2.22).

Then a memory check (``tracemalloc``, after warm-up so that Adam's one-time (V, H) moments
are excluded): the peak of the memory allocated within one step of ``wordvec.nn``, maximised
over 50 steps, on PTB (V = 10,000) and on the same text with its ids spread over a vocabulary
of V = 100,000 (same batches, same repeated rows; only V differs). With sparse gradients and
lazy Adam it depends on the batch, not on V, so the two peaks should be about equal -- where a
dense (V, H) gradient would add V * H * 4 bytes per step.

Run (numbers are noisy on a busy machine: use ``--repeat 2``)::

    WORDVEC_DATA=/path/to/ptb python benchmarks/nn_speed.py --repeat 2
"""
from __future__ import annotations

import argparse
import functools
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from wordvec.datasets import ptb
from wordvec.nn import CBOW, Adam, SkipGram, create_contexts_target, merge_shared

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_baseline as book  # noqa: E402

WINDOW, HIDDEN, BATCH = 5, 100, 100
TARGET_WPS = {"CBOW": 100_000, "SkipGram": 30_000}
TARGET_RATIO = 50
MODELS = {"CBOW": (CBOW, book.CBOW), "SkipGram": (SkipGram, book.SkipGram)}


def shuffled(contexts, target, seed):
    """The pairs in one fixed random order: contexts (N, 2*WINDOW), target (N,)."""
    perm = np.random.default_rng(seed).permutation(len(target))
    return contexts[perm], target[perm]


def run_steps(step, contexts, target, warmup, n_steps):
    """Call ``step(batch_contexts, batch_target) -> loss`` on consecutive batches of BATCH rows:
    ``warmup`` untimed, then ``n_steps`` timed. Returns (seconds of the timed steps, losses of
    every step, warm-up included)."""
    losses = []

    def batch(i):
        sl = slice(i * BATCH, (i + 1) * BATCH)
        return contexts[sl], target[sl]

    for i in range(warmup):
        losses.append(step(*batch(i)))
    start = time.perf_counter()
    for i in range(warmup, warmup + n_steps):
        losses.append(step(*batch(i)))
    return time.perf_counter() - start, losses


def ours_step(model, optimizer, merge=merge_shared):
    """The Trainer's step, as a function of one batch; ``merge`` joins shared weights
    (``merge_shared`` for ``wordvec.nn``, the book's ``remove_duplicate`` for its code)."""
    def step(bx, bt):
        loss = model.forward(bx, bt)
        model.backward()
        params, grads = merge(model.params, model.grads)
        optimizer.update(params, grads)
        return float(loss)
    return step


def time_ours(name, corpus, contexts, target, warmup, n_steps, seed):
    model = MODELS[name][0](int(corpus.max()) + 1, HIDDEN, WINDOW, corpus, seed=seed)
    return run_steps(ours_step(model, Adam()), contexts, target, warmup, n_steps)


def time_book(name, corpus, contexts, target, warmup, n_steps, seed):
    np.random.seed(seed)  # the book's code draws from NumPy's global state
    model = MODELS[name][1](int(corpus.max()) + 1, HIDDEN, WINDOW, corpus)
    optimizer = book.Adam()

    def step(bx, bt):
        return book.train_step(model, optimizer, bx, bt)
    return run_steps(step, contexts, target, warmup, n_steps)


def book_source(folder):
    """The book's own ch04 classes from a checkout of its repository (``--book-src``):
    {model name: class}, its Adam class and its ``remove_duplicate``."""
    for sub in ("", "ch04"):
        sys.path.insert(0, str(Path(folder, sub)))
    from cbow import CBOW as BookCBOW
    from common.optimizer import Adam as BookAdam
    from common.trainer import remove_duplicate
    from skip_gram import SkipGram as BookSkipGram
    return {"CBOW": BookCBOW, "SkipGram": BookSkipGram}, BookAdam, remove_duplicate


def time_book_source(classes, name, corpus, contexts, target, warmup, n_steps, seed):
    models, adam, remove_duplicate = classes
    np.random.seed(seed)
    model = models[name](int(corpus.max()) + 1, HIDDEN, WINDOW, corpus.astype(np.int64))
    step = ours_step(model, adam(), merge=remove_duplicate)
    return run_steps(step, contexts.astype(np.int64), target.astype(np.int64), warmup, n_steps)


def step_peak_bytes(name, corpus, n_steps=50, warmup=5, seed=0):
    """Largest memory allocated within one ``wordvec.nn`` step (peak minus the memory held at
    the step's start), over ``n_steps`` steps after ``warmup`` untimed ones."""
    contexts, target = shuffled(*create_contexts_target(corpus, WINDOW), seed)
    model = MODELS[name][0](int(corpus.max()) + 1, HIDDEN, WINDOW, corpus, seed=seed)
    step = ours_step(model, Adam())
    run_steps(step, contexts, target, warmup, 0)
    worst = 0
    tracemalloc.start()
    try:
        for i in range(warmup, warmup + n_steps):
            tracemalloc.reset_peak()
            held = tracemalloc.get_traced_memory()[0]
            step(contexts[i * BATCH:(i + 1) * BATCH], target[i * BATCH:(i + 1) * BATCH])
            worst = max(worst, tracemalloc.get_traced_memory()[1] - held)
    finally:
        tracemalloc.stop()
    return worst


def spread_ids(corpus, vocab_size):
    """corpus (T,) ids < V0 -> (T,) int32 ids in a vocabulary of ``vocab_size`` (a multiple of
    V0): id i becomes ``i * k + k - 1`` with ``k = vocab_size // V0``. The same text with the same
    repeats, so batches match token for token; only V differs (unused ids have count 0)."""
    k = vocab_size // (int(corpus.max()) + 1)
    return (corpus.astype(np.int64) * k + k - 1).astype(np.int32)


def fmt_duration(seconds):
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def compare(corpus, contexts, target, args, seed):
    """One side-by-side run of every model; prints a table, returns {model: ratio}."""
    epoch_steps = len(target) // BATCH
    header = (f"{'model':<9} {'impl':<11} {'steps':>6} {'seconds':>8} {'words/s':>9} "
              f"{'epoch est.':>10} {'loss first':>10} {'loss last10':>11}")
    print(header)
    print("-" * len(header))
    ratios = {}
    impls = [("wordvec.nn", time_ours, args.batches), ("book", time_book, args.baseline_batches)]
    if args.book_src:
        classes = book_source(args.book_src)
        impls.append(("book code", functools.partial(time_book_source, classes),
                      args.baseline_batches))
    for name in args.models:
        runs = {}
        for impl, timer, batches in impls:
            n = batches[name]
            warmup = args.warmup if impl == "wordvec.nn" else args.baseline_warmup
            seconds, losses = timer(name, corpus, contexts, target, warmup, n, seed)
            wps = n * BATCH / seconds
            runs[impl] = (wps, losses, warmup + n)
            print(f"{name:<9} {impl:<11} {n:>6} {seconds:>8.2f} {wps:>9,.0f} "
                  f"{fmt_duration(epoch_steps * seconds / n):>10} {losses[0]:>10.3f} "
                  f"{np.mean(losses[-10:]):>11.3f}")
        (ours_wps, ours_losses, _), (book_wps, book_losses, book_end) = list(runs.values())[:2]
        ratio = ratios[name] = ours_wps / book_wps
        same = np.mean(ours_losses[max(0, book_end - 10):book_end])
        print(f"{'':<9} ours/book {ratio:,.0f}x (target >= {TARGET_RATIO}x: "
              f"{'ok' if ratio >= TARGET_RATIO else 'BELOW'}); ours {ours_wps:,.0f} words/s "
              f"(target >= {TARGET_WPS[name]:,}: "
              f"{'ok' if ours_wps >= TARGET_WPS[name] else 'BELOW'})")
        print(f"{'':<9} same steps {max(0, book_end - 10) + 1}-{book_end}: loss ours "
              f"{same:.3f}, book {np.mean(book_losses[-10:]):.3f}")
        if "book code" in runs:
            print(f"{'':<9} ours/book code {ours_wps / runs['book code'][0]:,.0f}x "
                  "(the book's own classes, run unchanged)")
    return ratios


def memory_check(corpus, models):
    """Print the per-step allocation peak of ``wordvec.nn`` at V = 10,000 and V = 100,000."""
    big = spread_ids(corpus, 100_000)
    print("\nper-step allocation peak of wordvec.nn (tracemalloc, max over 50 steps, "
          "after warm-up)")
    ok = True
    for name in models:
        small_peak = step_peak_bytes(name, corpus)
        big_peak = step_peak_bytes(name, big)
        growth = big_peak / small_peak
        ok &= growth < 1.5
        print(f"{name:<9} V=10,000 (PTB): {small_peak / 1024:,.0f} KiB   V=100,000 (same text): "
              f"{big_peak / 1024:,.0f} KiB   ratio {growth:.2f} "
              f"({'ok, independent of V' if growth < 1.5 else 'GROWS WITH V'}); a dense (V, H) "
              f"float32 gradient at V=100,000 alone is {100_000 * HIDDEN * 4 / 1024:,.0f} KiB")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, nargs=2, default=[2000, 500],
                        metavar=("CBOW", "SKIPGRAM"), help="timed steps of wordvec.nn")
    parser.add_argument("--baseline-batches", type=int, nargs=2, default=[100, 25],
                        metavar=("CBOW", "SKIPGRAM"), help="timed steps of the book baseline")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps of wordvec.nn")
    parser.add_argument("--baseline-warmup", type=int, default=2,
                        help="untimed steps of the baseline")
    parser.add_argument("--repeat", type=int, default=1, help="run the whole comparison N times")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory check")
    parser.add_argument("--book-src", metavar="DIR",
                        help="also time the book's own code, from a checkout of its repository "
                             "(oreilly-japan/deep-learning-from-scratch-2)")
    args = parser.parse_args(argv)
    args.batches = dict(zip(MODELS, args.batches))
    args.baseline_batches = dict(zip(MODELS, args.baseline_batches))

    corpus, word_to_id, _ = ptb.load_data("train")
    contexts, target = shuffled(*create_contexts_target(corpus, WINDOW), args.seed)
    print(f"PTB train: {len(corpus):,} tokens, V={len(word_to_id):,}, {len(target):,} pairs, "
          f"{len(target) // BATCH:,} steps/epoch; window {WINDOW}, hidden {HIDDEN}, "
          f"batch {BATCH}, Adam, 5 negatives; numpy {np.__version__}")
    for r in range(args.repeat):
        print(f"\nrepeat {r + 1}/{args.repeat} (1-min load average {os.getloadavg()[0]:.2f}, "
              f"{os.cpu_count()} CPUs)")
        compare(corpus, contexts, target, args, args.seed)
    if not args.no_memory:
        if not memory_check(corpus, args.models):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
