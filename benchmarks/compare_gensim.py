"""wordvec's engine against gensim 4.4, side by side, on text8-head.

For each model (CBOW, skip-gram) and thread count (2, then 1), each system trains in its
own subprocess (so that peak memory is its own) with the same settings: dim 100, window 5,
negative 5, sample 1e-3, min_count 5, 5 epochs, the same alpha and min_alpha (word2vec.c's
defaults: 0.05 for CBOW, 0.025 for skip-gram, decaying to alpha * 1e-4). gensim reads the
file with ``LineSentence`` (which cuts text8's single line into 10,000-word sentences, as
wordvec does). Printed per run: wall seconds including the vocabulary, training words/s
(raw corpus words x epochs / training seconds), peak RSS, and the quality of both sets of
vectors measured by the same code: analogy accuracy on ``questions-words.txt`` (30,000 most
frequent words, case-insensitive) and WordSim-353 Spearman. The goal: wordvec >= 2.0x
gensim's words/s at analogy and WordSim-353 each no more than 0.01 below gensim's.

``--output hs`` trains hierarchical softmax instead of negative sampling, at word2vec.c's
``-hs 1 -negative 0`` (gensim's ``hs=1, negative=0``); its goal is speed ahead of gensim's
(>= 1.0x) at the same quality bounds.

``--batch-negatives`` trains wordvec's skip-gram with one draw of negatives per center word,
shared by its window's pairs (``TrainConfig.batch_negatives=1``, pWord2Vec's scheme; CBOW
ignores it); gensim keeps its per-pair draws, so its rows are the per-pair reference.

    pip install ".[bench]"
    python benchmarks/compare_gensim.py --repeat 2          # data from $WORDVEC_DATA
    python benchmarks/compare_gensim.py --threads 2 --seeds 4   # mean over seeds 1..4
    python benchmarks/compare_gensim.py --threads 2 --seeds 4 --output hs
    python benchmarks/compare_gensim.py --threads 2 --seeds 4 --models skipgram --batch-negatives
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from wordvec.config import TrainConfig

SETTINGS = dict(dim=100, window=5, sample=1e-3, min_count=5, epochs=5)
ALPHA = {"cbow": 0.05, "skipgram": 0.025}
#: The output layer: negative sampling, or hierarchical softmax alone.
OUTPUTS = {"ns": dict(negative=5, hs=0), "hs": dict(negative=0, hs=1)}
#: The least words/s ratio over gensim that meets the goal, per output layer.
GOAL_RATIO = {"ns": 2.0, "hs": 1.0}


def data_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("WORDVEC_DATA", root.parent / "shared" / "data"))


def train_wordvec(path, model, threads, seed, init, output, batch_negatives=0):
    from wordvec import Word2Vec

    m = Word2Vec(model=model, threads=threads, seed=seed, alpha=ALPHA[model], init=init,
                 batch_negatives=batch_negatives, **SETTINGS, **OUTPUTS[output])
    m.fit(str(path))
    return m.wv.index_to_key, m.wv.vectors, m.train_seconds, m.vocab.raw_words


def train_gensim(path, model, threads, seed, init, output, batch_negatives=0):
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    s = SETTINGS
    m = Word2Vec(vector_size=s["dim"], window=s["window"], **OUTPUTS[output],
                 sample=s["sample"], min_count=s["min_count"], epochs=s["epochs"],
                 sg=int(model == "skipgram"), workers=threads, seed=seed,
                 alpha=ALPHA[model], min_alpha=ALPHA[model] * 1e-4)
    sentences = LineSentence(str(path))
    m.build_vocab(sentences)
    start = time.perf_counter()
    m.train(sentences, total_examples=m.corpus_count, epochs=m.epochs)
    seconds = time.perf_counter() - start
    return m.wv.index_to_key, m.wv.vectors, seconds, m.corpus_total_words


def peak_rss_mib() -> float:
    """Peak resident memory of this process's own address space (VmHWM). ru_maxrss is not
    used: Linux carries it over from the parent across exec, so every worker would report
    at least the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args):
    """Train one system in this process; write the vectors and a JSON line of figures."""
    train = train_wordvec if args.worker == "wordvec" else train_gensim
    start = time.perf_counter()
    words, vectors, train_seconds, raw_words = train(args.corpus, args.model, args.threads,
                                                     args.seed, args.init, args.output,
                                                     int(args.batch_negatives))
    wall = time.perf_counter() - start
    np.save(args.out + ".npy", np.asarray(vectors, dtype=np.float32))
    Path(args.out + ".words").write_text("\n".join(words), encoding="utf-8")
    peak_mib = peak_rss_mib()
    print(json.dumps({"wall": wall, "train": train_seconds, "raw_words": int(raw_words),
                      "peak_mib": peak_mib}))


def evaluate(prefix, data):
    """Analogy accuracy and WordSim-353 Spearman of saved vectors, the same code for both
    (wordvec's evaluation, tested equal to gensim's ``evaluate_word_*``)."""
    from wordvec import WordVectors

    words = Path(prefix + ".words").read_text(encoding="utf-8").split("\n")
    wv = WordVectors(words, np.load(prefix + ".npy"))
    analogy, _ = wv.evaluate_word_analogies(data / "questions-words.txt", restrict_vocab=30_000,
                                            case_insensitive=True)
    pairs = wv.evaluate_word_pairs(data / "wordsim353.tsv", case_insensitive=True)
    return float(analogy), float(pairs[1][0])


def run(system, model, threads, seed, corpus, tmp, init, output, batch_negatives=False):
    out = str(Path(tmp) / f"{system}-{model}-{threads}")
    cmd = [sys.executable, __file__, "--worker", system, "--model", model, "--threads",
           str(threads), "--seed", str(seed), "--corpus", str(corpus), "--out", out,
           "--init", init, "--output", output] + (["--batch-negatives"] if batch_negatives
                                                  else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{system} {model} failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["words_per_sec"] = figures["raw_words"] * SETTINGS["epochs"] / figures["train"]
    figures["analogy"], figures["wordsim"] = evaluate(out, corpus.parent)
    return figures


def compare(threads, seeds, corpus, models, init, output, batch_negatives=False):
    """One table for ``threads``: each model trained by both systems with each seed, then,
    with several seeds, each system's mean figures and the mean and spread of the
    differences (wordvec - gensim)."""
    print(f"\n{threads} thread(s), load average {os.getloadavg()[0]:.2f}")
    header = (f"{'model':<9} {'system':<8} {'seed':>4} {'wall s':>7} {'words/s':>11} "
              f"{'peak MiB':>9} {'analogy':>8} {'ws353':>7}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            diffs = []
            runs: dict[str, list[dict]] = {"gensim": [], "wordvec": []}
            for seed in seeds:
                res = {}
                for system in ("gensim", "wordvec"):
                    f = res[system] = run(system, model, threads, seed, corpus, tmp, init,
                                          output, batch_negatives)
                    runs[system].append(f)
                    print(f"{model:<9} {system:<8} {seed:>4} {f['wall']:>7.2f} "
                          f"{f['words_per_sec']:>11,.0f} {f['peak_mib']:>9,.0f} "
                          f"{f['analogy']:>8.4f} {f['wordsim']:>7.4f}")
                ours, theirs = res["wordvec"], res["gensim"]
                ratio = ours["words_per_sec"] / theirs["words_per_sec"]
                diff = (ratio, ours["analogy"] - theirs["analogy"],
                        ours["wordsim"] - theirs["wordsim"], ours["peak_mib"] - theirs["peak_mib"])
                diffs.append(diff)
                print(f"{'':<9} wordvec/gensim: {ratio:.2f}x words/s, "
                      f"{theirs['wall'] / ours['wall']:.2f}x wall; analogy {diff[1]:+.4f}, "
                      f"ws353 {diff[2]:+.4f}, peak {diff[3]:+,.0f} MiB -> "
                      f"{_verdict(*diff, output)}")
            if len(seeds) > 1:
                for system, figures in runs.items():
                    _print_means(model, system, figures)
                mean = np.mean(diffs, axis=0)
                spread = np.std(diffs, axis=0)
                print(f"{'':<9} mean of {len(seeds)} seeds: {mean[0]:.2f}x words/s; analogy "
                      f"{mean[1]:+.4f} (sd {spread[1]:.4f}), ws353 {mean[2]:+.4f} "
                      f"(sd {spread[2]:.4f}) -> {_verdict(*mean, output)}")


def _print_means(model, system, figures) -> None:
    """One system's mean words/s, analogy and WordSim-353 over the seeds (sd: population)."""
    def stat(key):
        values = np.array([f[key] for f in figures])
        return values.mean(), values.std()

    speed, analogy, wordsim = stat("words_per_sec"), stat("analogy"), stat("wordsim")
    print(f"{model:<9} {system:<8} mean {speed[0]:>11,.0f} words/s; analogy {analogy[0]:.4f} "
          f"(sd {analogy[1]:.4f}), ws353 {wordsim[0]:.4f} (sd {wordsim[1]:.4f})")


def _verdict(ratio, analogy, wordsim, peak, output) -> str:
    ok = ratio >= GOAL_RATIO[output] and analogy >= -0.01 and wordsim >= -0.01 and peak <= 0
    return "goal met" if ok else "goal NOT met"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--models", nargs="+", default=["cbow", "skipgram"],
                        choices=["cbow", "skipgram"])
    parser.add_argument("--seed", type=int, default=1, help="the first seed")
    parser.add_argument("--seeds", type=int, default=1,
                        help="train with this many seeds (seed, seed+1, ...) and print the mean "
                             "and spread of the differences")
    parser.add_argument("--init", choices=["word2vec", "gensim"], default=TrainConfig().init,
                        help="wordvec's initial range (default: TrainConfig's); gensim always "
                             "uses its own, twice word2vec.c's")
    parser.add_argument("--output", choices=sorted(OUTPUTS), default="ns",
                        help="the output layer: negative sampling (ns, negative 5) or "
                             "hierarchical softmax (hs, word2vec.c's -hs 1 -negative 0)")
    parser.add_argument("--batch-negatives", action="store_true",
                        help="wordvec's skip-gram shares one draw of negatives among a "
                             "window's pairs (TrainConfig.batch_negatives=1)")
    parser.add_argument("--worker", choices=["wordvec", "gensim"], help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        args.threads = args.threads[0]
        return worker(args)
    corpus = data_dir() / "text8-head"
    if not corpus.is_file():
        sys.exit(f"text8-head not found in {corpus.parent}: set WORDVEC_DATA")
    import gensim

    print(f"text8-head, {SETTINGS | OUTPUTS[args.output]}, wordvec init {args.init!r}, "
          f"batch_negatives={int(args.batch_negatives)}, gensim {gensim.__version__}")
    for r in range(args.repeat):
        print(f"\n=== run {r + 1}/{args.repeat}")
        for threads in args.threads:
            compare(threads, list(range(args.seed, args.seed + args.seeds)), corpus, args.models,
                    args.init, args.output, args.batch_negatives)
    return 0


if __name__ == "__main__":
    sys.exit(main())
