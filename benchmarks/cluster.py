"""A cluster run (``cluster="local"``) against one machine, on text8-head: the quality of
model averaging by the number of workers and the sync interval (the table Spark MLlib's
users never got), the speed of 2 workers x 1 thread against the engine's 2 threads, and
the bytes each synchronisation moves.

Every run: CBOW (or ``--model skipgram``), dim 100, window 5, negative 5, sample 1e-3,
min_count 5, 5 epochs, word2vec.c's learning rate, the same seeds; quality by the same code
as ``compare_gensim.py`` (analogies on the 30,000 most frequent words, case-insensitive,
and WordSim-353's Spearman). One Ray cluster of this machine serves every cluster run,
with as many CPU slots as the most workers asked for (Ray's CPUs are scheduling slots:
8 workers on 2 cores share them, 1 engine thread each).

    pip install ".[ray]"
    python benchmarks/cluster.py                         # quality table, seeds 1 and 2
    python benchmarks/cluster.py --workers 1 2 --sync 1000000 --merge sum --seeds 3
    python benchmarks/cluster.py --speed --repeat 2      # speed and bytes only
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5, epochs=5)


def data_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("WORDVEC_DATA", root.parent / "shared" / "data"))


def quality(model, data: Path) -> tuple[float, float]:
    wv = model.wv
    analogy, _ = wv.evaluate_word_analogies(data / "questions-words.txt", restrict_vocab=30_000,
                                            case_insensitive=True)
    pairs = wv.evaluate_word_pairs(data / "wordsim353.tsv", case_insensitive=True)
    return float(analogy), float(pairs[1][0])


def fit(corpus: Path, model: str, seed: int, **options):
    from wordvec import Word2Vec

    start = time.perf_counter()
    m = Word2Vec(model=model, seed=seed, **SETTINGS, **options).fit(corpus)
    return m, time.perf_counter() - start


def quality_table(corpus: Path, model: str, workers: list[int], syncs: list[str],
                  merges: list[str], seeds: list[int]) -> None:
    data = corpus.parent
    print(f"quality of {model} on {corpus.name} by workers and sync interval, mean of seeds "
          f"{', '.join(map(str, seeds))} (sd over seeds in brackets)")
    print("| run | merge | sync every (words) | syncs | analogy (sd) | WordSim-353 (sd) |")
    print("|---|---|---:|---:|---:|---:|")
    base = [quality(fit(corpus, model, s, threads=1)[0], data) for s in seeds]
    _row("one machine, 1 thread", "-", "-", base, 0)
    for n in workers:
        for merge in merges if n > 1 else merges[:1]:
            for sync in syncs:
                runs = [fit(corpus, model, s, cluster="local", workers=n, threads=1,
                            sync_every=sync, sync_merge=merge)[0] for s in seeds]
                _row(f"{n} worker{'s' if n > 1 else ''}", merge, sync,
                     [quality(m, data) for m in runs], runs[0].train_stats["syncs"])


def _row(label: str, merge: str, sync: str, figures: list[tuple[float, float]],
         syncs: int) -> None:
    analogy = [a for a, _ in figures]
    wordsim = [w for _, w in figures]
    sd = (lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0)
    print(f"| {label:<22} | {merge:<5} | {sync:>9} | {syncs:>5} | {statistics.mean(analogy):.4f} "
          f"({sd(analogy):.4f}) | {statistics.mean(wordsim):.4f} ({sd(wordsim):.4f}) |",
          flush=True)


def speed(corpus: Path, model: str, repeat: int, sync: str) -> None:
    print(f"speed of {model} on {corpus.name}: whole fit seconds (training seconds), "
          f"sync_every {sync}, the default merge")
    for r in range(repeat):
        engine, engine_wall = fit(corpus, model, 1, threads=2)
        cluster, cluster_wall = fit(corpus, model, 1, cluster="local", workers=2, threads=1,
                                    sync_every=sync)
        stats = cluster.train_stats
        rates = ", ".join(f"{x / 1e6:.2f}M" for x in stats["worker_words_per_sec"])
        print(f"run {r + 1}: engine 2 threads {engine_wall:.2f} s ({engine.train_seconds:.2f} s); "
              f"2 workers x 1 thread {cluster_wall:.2f} s ({cluster.train_seconds:.2f} s), "
              f"ratio {cluster_wall / engine_wall:.2f}x wall, "
              f"{cluster.train_seconds / engine.train_seconds:.2f}x training; "
              f"{stats['syncs']} syncs, {stats['bytes_down_per_sync'] / 2**20:.1f} MiB down and "
              f"{stats['bytes_up_per_sync'] / 2**20:.1f} MiB up per sync (all workers); "
              f"worker words/s {rates}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="cbow", choices=("cbow", "skipgram"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--sync", nargs="+", default=["250000", "1000000", "4000000"],
                        help="sync intervals (words of all workers, or seconds as '2s')")
    parser.add_argument("--merge", nargs="+", default=["mean", "sqrt", "sum"],
                        help="merge rules of a row several workers changed")
    parser.add_argument("--seeds", type=int, default=2, help="seeds 1..N")
    parser.add_argument("--speed", action="store_true", help="speed and bytes only")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    import ray

    corpus = data_dir() / "text8-head"
    ray.init(num_cpus=max(max(args.workers), 2), include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    if args.speed:
        speed(corpus, args.model, args.repeat, args.sync[0])
    else:
        quality_table(corpus, args.model, args.workers, args.sync, args.merge,
                      list(range(1, args.seeds + 1)))
    ray.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
