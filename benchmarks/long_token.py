"""Counting a corpus that is one enormous token (a minified blob, a gzip bomb of one letter):
time and peak memory, which must stay linear and bounded however long the token runs.

Writes a file of ``--mib`` MiB holding a single token (then one short word) to a temporary
folder, counts it with ``count_words`` under tracemalloc, ``--repeat`` times, and removes it:

    python benchmarks/long_token.py                  # 200 MiB, twice
    python benchmarks/long_token.py --mib 1000 --repeat 3

Each line: seconds, traced peak (MiB), tokens counted and the longest word kept (cut at
wordvec.corpus.MAX_WORD_BYTES).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
import warnings

from wordvec.corpus import LongWordWarning
from wordvec.vocab import count_words


def write_one_token(path: str, mib: int) -> None:
    block = b"a" * (1 << 20)
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(block)
        f.write(b" b\n")


def measure(path: str) -> tuple[float, float, int, int]:
    """(seconds, peak MiB, tokens, longest word) of counting ``path``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LongWordWarning)
        tracemalloc.start()
        start = time.perf_counter()
        counts, tokens = count_words(path)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak, tokens, max(map(len, counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200, help="size of the token, MiB")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "one-token.txt")
        write_one_token(path, args.mib)
        for run in range(1, args.repeat + 1):
            seconds, peak, tokens, longest = measure(path)
            print(f"run {run}: {args.mib} MiB token counted in {seconds:.2f} s, peak "
                  f"{peak:.2f} MiB, {tokens} tokens, longest word {longest} characters")


if __name__ == "__main__":
    main()
