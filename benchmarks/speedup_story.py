"""The speed-up story: what each fix of the book buys, against the vocabulary size.

On one synthetic Zipf corpus per vocabulary size V (every one of the V words present), times
one batch (forward + backward + SGD update; batch 100, hidden 100, window 5) and measures the
peak memory (tracemalloc) of:

1. SimpleCBOW -- one-hot contexts through MatMul, MatMul + softmax out (chapter 3);
2. Embedding input, still MatMul + full softmax (fix 1 only);
3. CBOW with Embedding + negative sampling (chapter 4, ``wordvec.nn.CBOW``);
4. CBOW with Embedding + hierarchical softmax (``CBOW(hs=True, ns=False)``);
5. the engine (CBOW, one thread, no subsampling), negative sampling and hierarchical
   softmax, per example (train seconds / target words; "per batch" = 100 examples).

Before building a system its peak memory is estimated (``wordvec.story.estimate_bytes``); one
that would pass ``--memory-limit`` is reported as skipped with the estimate, not run. Writes
``speedup.md`` (tables) and ``speedup.png`` (log-log time per example against V, one line per
system, its fitted slope in the legend) to ``--out-dir`` and prints each system's slope.
Expected: 1 and 2 grow as V (slope ~1), 4 as log V, 3 and 5 stay about flat.

    python benchmarks/speedup_story.py                              # 1k .. 10M, ~ minutes
    python benchmarks/speedup_story.py --quick                      # 1k, 10k, 100k, < 1 min
    python benchmarks/speedup_story.py --sizes 1000,10000 --memory-limit 2GiB
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from wordvec import story


def default_out_dir() -> Path:
    """The user cache folder's ``speedup-story`` (never the repository or ../shared)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("wordvec")) / "speedup-story"


def parse_sizes(text: str) -> list[int]:
    """``"1000,10000,1e5"`` -> [1000, 10000, 100000]."""
    try:
        sizes = [int(float(s)) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes integers, got {text!r}") from None
    if not sizes or min(sizes) < 2:
        raise argparse.ArgumentTypeError("--sizes needs vocabulary sizes of at least 2")
    return sizes


def parse_systems(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [n for n in names if n not in story.SYSTEMS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown systems {unknown}; the systems are "
                                         f"{', '.join(story.SYSTEMS)}")
    return names


def memory_limit(text: str) -> int:
    try:
        return story.parse_bytes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="the one-minute demo: sizes 1k, 10k, 100k, 3 timed repeats after 1 "
                        "warm-up, the engine on 200k words (explicit options still win)")
    p.add_argument("--sizes", type=parse_sizes, default=None,
                   help="comma-separated vocabulary sizes (default 1000,10000,100000,1000000,"
                        "10000000; --quick: 1000,10000,100000)")
    p.add_argument("--systems", type=parse_systems, default=list(story.SYSTEMS),
                   help=f"comma-separated subset of {','.join(story.SYSTEMS)}")
    p.add_argument("--memory-limit", type=memory_limit, default=8 * story.GiB,
                   help="skip a system whose estimated peak passes this (default 8GiB)")
    p.add_argument("--repeats", type=int, default=None,
                   help="timed batches (engine: timed epochs), median kept (default 5; "
                        "--quick: 3)")
    p.add_argument("--warmup", type=int, default=None,
                   help="untimed steps first, at least 1 (default 2; --quick: 1)")
    p.add_argument("--engine-words", type=int, default=None,
                   help="corpus words (at least; 2 V at large V) the engine trains on per "
                        "timed epoch (default 1,000,000; --quick: 200,000)")
    p.add_argument("--blas-threads", type=int, default=1,
                   help="BLAS threads of the book's layers (default 1, as the engine's one "
                        "thread)")
    p.add_argument("--seed", type=int, default=0, help="seed of the corpus and the weights")
    p.add_argument("--out-dir", type=Path, default=None,
                   help=f"folder for speedup.md and speedup.png (default {default_out_dir()})")
    args = p.parse_args(argv)

    base = story.QUICK if args.quick else story.FULL
    sizes = args.sizes or list(base["sizes"])
    repeats = args.repeats or base["repeats"]
    warmup = args.warmup or base["warmup"]
    engine_words = args.engine_words or base["engine_words"]
    out_dir = args.out_dir or default_out_dir()
    settings = (f"Batch 100, hidden 100, window 5; {args.blas_threads} BLAS thread(s), engine "
                f"1 thread; book's layers updated with SGD (lr "
                f"{story.LR}); median of {repeats} timed batches (engine: epochs of at least "
                f"{engine_words:,} words) after {warmup} untimed; memory limit "
                f"{story.format_bytes(args.memory_limit)}; Zipf corpus, seed {args.seed}.")
    print(settings, flush=True)

    start = time.perf_counter()
    results = story.run(sizes, systems=args.systems, repeats=repeats, warmup=warmup,
                        memory_limit=args.memory_limit, engine_words=engine_words,
                        seed=args.seed, threads=args.blas_threads,
                        echo=lambda line: print(line, flush=True))
    seconds = time.perf_counter() - start

    print()
    print(story.markdown_table(results))
    print(story.slope_table(results))
    for name, slope in story.slopes(results).items():
        print(f"slope {story.SYSTEMS[name][0]}: {slope:.2f}")
    md, png = story.write_outputs(results, out_dir,
                                  settings=settings + f" Run took {seconds:.0f} s.")
    print(f"wrote {md}")
    print(f"wrote {png}" if png else "speedup.png skipped: matplotlib is not installed")
    print(f"benchmark took {seconds:.1f} s")
    failed = [m for m in results if m.skipped_reason and m.skipped_reason.startswith("failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
