"""Peak memory of counting a corpus with millions of distinct words: wordvec against gensim.

Writes a synthetic corpus to a temporary folder: ``--distinct`` words seen once each (in
lines of 1,000) plus three words on every line, the shape that makes a vocabulary outgrow
memory (a corpus larger than RAM has many more rare words than frequent ones). Then counts it
in fresh subprocesses, one after the other, and reports each one's peak resident memory
(``ru_maxrss``, interpreter and imports included) and wall time:

- wordvec ``count_words`` with ``prune_at=0`` (exact) and ``prune_at=--prune-at`` (word2vec.c's
  pruning while counting);
- gensim 4.4 ``Word2Vec.scan_vocab`` with ``max_vocab_size=None`` (its default, exact) and
  ``max_vocab_size=--prune-at`` (its pruning while counting).

    python benchmarks/count_memory.py                       # 10M distinct, prune at 1M
    python benchmarks/count_memory.py --distinct 3000000 --prune-at 300000 --repeat 2

Each line ends with the ratio of gensim's peak to ours at the same setting (> 1: we use less).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

OURS = """
import json, resource, sys, time, warnings
from wordvec.vocab import count_words
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    counts, raw = count_words(sys.argv[1], prune_at=int(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start, "words": len(counts), "raw": raw,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "the": counts.get("the", 0)}))
"""

GENSIM = """
import json, logging, resource, sys, time
from gensim.models.word2vec import LineSentence, Word2Vec
limit = int(sys.argv[2]) or None
model = Word2Vec(max_vocab_size=limit)
start = time.perf_counter()
raw, _ = model.scan_vocab(corpus_iterable=LineSentence(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - start, "words": len(model.raw_vocab),
                  "raw": raw, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "the": model.raw_vocab.get("the", 0)}))
"""


def write_corpus(path: Path, distinct: int) -> int:
    lines = 0
    with open(path, "w") as f:
        for start in range(0, distinct, 1000):
            f.write(" ".join(f"tok{j}" for j in range(start, min(distinct, start + 1000))))
            f.write(" the of and\n")
            lines += 1
    return lines


def run(script: str, path: Path, limit: int) -> dict:
    done = subprocess.run([sys.executable, "-c", script, str(path), str(limit)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--distinct", type=int, default=10_000_000,
                        help="words seen once each (default 10,000,000)")
    parser.add_argument("--prune-at", type=int, default=1_000_000,
                        help="the pruning limit of the second setting (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "distinct.txt"
        lines = write_corpus(path, args.distinct)
        print(f"corpus: {args.distinct:,} distinct words seen once and 3 words on each of "
              f"{lines:,} lines ({path.stat().st_size / 2**20:,.0f} MiB)")
        for run_no in range(1, args.repeat + 1):
            for limit in (0, args.prune_at):
                ours, theirs = run(OURS, path, limit), run(GENSIM, path, limit)
                setting = "exact" if limit == 0 else f"pruned at {limit:,}"
                print(f"run {run_no}, {setting:>20}: wordvec {mib(ours['peak'])} "
                      f"{ours['seconds']:.1f} s ({ours['words']:,} words kept) | gensim "
                      f"{mib(theirs['peak'])} {theirs['seconds']:.1f} s "
                      f"({theirs['words']:,} words kept) | gensim/wordvec peak = "
                      f"{theirs['peak'] / ours['peak']:.2f}x")
                assert ours["raw"] == theirs["raw"] and ours["the"] == theirs["the"] == lines
    return 0


if __name__ == "__main__":
    sys.exit(main())
