"""How fast ``wordvec explore`` answers on a large vocabulary.

Builds synthetic random vectors (1,000,000 words x 100 float32 by default) in a temporary
folder, saves them in the native format, loads them memory-mapped (as ``wordvec explore``
does), and times each JSON query of the explorer through Starlette's test client (the full
application: routing, parameter checks, the query, JSON), several repeats each with other
words, printing the median and the maximum. The words are ``w0000000`` ... in rank order.

    python benchmarks/explore_latency.py                    # 1,000,000 x 100, 7 repeats
    python benchmarks/explore_latency.py --rows 200000 --repeats 11

Needs the ``[explore]`` extra (Starlette, uvicorn, plotly) and httpx (the test client).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np


def synthetic_model(path: Path, rows: int, dim: int, seed: int = 0) -> None:
    """A native model file of ``rows`` words ``w0000000``... x ``dim`` random float32."""
    from wordvec.io import save_model

    rng = np.random.default_rng(seed)
    words = [f"w{i:07d}" for i in range(rows)]
    vectors = rng.standard_normal((rows, dim), dtype=np.float32)
    counts = np.arange(rows, 0, -1, dtype=np.int64)
    save_model(path, words=words, counts=counts, W_in=vectors, config={})


def timed(call) -> float:
    """Seconds ``call()`` takes."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def timed_get(client, url: str) -> float:
    """Seconds a GET of ``url`` takes; stop on an answer other than 200 (404 for an unknown
    word's query)."""
    start = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - start
    expected = 404 if "unknown" in url else 200
    if response.status_code != expected:
        raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:200]}")
    return seconds


def queries(rows: int, rng) -> dict:
    """Query name -> function of a repeat number giving its URL (other words each time)."""
    word = lambda: f"w{int(rng.integers(rows)):07d}"
    return {
        "/api/similar (topn 10)": lambda: f"/api/similar?word={word()}&topn=10",
        "/api/similar (topn 100)": lambda: f"/api/similar?word={word()}&topn=100",
        "/api/analogy": lambda: f"/api/analogy?a={word()}&b={word()}&c={word()}&topn=5",
        "/api/similarity": lambda: f"/api/similarity?w1={word()}&w2={word()}",
        "/api/map (top 200, pca)": lambda: "/api/map?n=200&method=pca",
        "/api/map (top 1000, pca)": lambda: "/api/map?n=1000&method=pca",
        "/api/map (200 around a word, pca)": lambda: f"/api/map?word={word()}&n=200",
        "/api/complete (prefix)": lambda: f"/api/complete?prefix=w{int(rng.integers(10))}",
        "/api/similar (unknown word, 404)": lambda: f"/api/similar?word=unknown{word()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    warnings.filterwarnings("ignore", message=".*httpx.*")  # Starlette's test-client notice
    from starlette.testclient import TestClient

    import wordvec
    from wordvec.explore import create_app

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.npz"
        print(f"saving {args.rows:,} x {args.dim} float32 ... "
              f"{timed(lambda: synthetic_model(path, args.rows, args.dim)):.1f} s")
        start = time.perf_counter()
        wv = wordvec.load(path, mmap=True)
        print(f"load (mmap={isinstance(wv.vectors, np.memmap)}): "
              f"{time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        client = TestClient(create_app(wv, source=path.name))
        print(f"create_app (row norms once): {time.perf_counter() - start:.2f} s")
        rng = np.random.default_rng(1)
        print(f"{'query':<36} {'median':>9} {'max':>9}   ({args.repeats} repeats)")
        for name, url in queries(args.rows, rng).items():
            times = [timed_get(client, url()) for _ in range(args.repeats)]
            print(f"{name:<36} {statistics.median(times) * 1e3:>7.1f}ms "
                  f"{max(times) * 1e3:>7.1f}ms")
        del client, wv   # the memory map closes before its folder goes


if __name__ == "__main__":
    main()
