"""Every word2vec peer in one run, each a whole process, side by side.

Each system trains in its own subprocess and is timed from outside, start-up, vocabulary,
encoding, training and writing the vectors included:

* ``wordvec``: the command line, ``python -m wordvec train ... --format word2vec``;
* ``gensim``: gensim 4.4 over ``LineSentence`` (its iterable mode);
* ``gensim-file``: gensim's ``corpus_file`` mode (its faster one). It cuts every line at
  10,000 words and skips the rest of the line, so on the one-line ``oneline`` corpus it
  trains on almost nothing: its quality there shows it;
* ``fasttext``: the ``fasttext-numpy2`` package (``pip install fasttext-numpy2``), word
  vectors only (``minn=0, maxn=0, bucket=0``), written in word2vec binary format with NumPy.
  fastText has no ``min_alpha`` (its learning rate decays to 0) and a fixed seed
  (``train_unsupervised`` takes none), so ``--seeds`` does not vary it;
* ``word2vec.c``: only with ``--word2vec-src DIR`` (a checkout of
  github.com/tmikolov/word2vec). ``DIR/word2vec.c`` is compiled with its makefile's flags
  (``-lm -pthread -O3 -march=native -Wall -funroll-loops -Wno-unused-result``) into the
  temporary folder; the compile time is not counted. Its seed is fixed too.

Settings for all: dim 100, window 5, negative 5, sample 1e-3, min_count 5, 5 epochs,
``--threads`` threads, word2vec.c's learning rates (alpha 0.05 CBOW, 0.025 skip-gram,
decaying to alpha * 1e-4 where the system has a min_alpha).

Measured per process: wall seconds around the subprocess; its peak RSS from
``os.wait4``'s ``ru_maxrss``. Linux carries the parent's peak into a child's ``ru_maxrss``
across fork/exec, so this driver imports only the standard library and does nothing
heavy itself (corpora are written and vectors scored in subprocesses of their own); a
trivial child (``python -c pass``) is measured each round to show that floor. Training
words/s = raw corpus words x epochs / the training seconds the system reports itself
(wordvec's summary line, to 0.1 s; gensim's ``train``); fastText and word2vec.c report
none (``—``). Quality of every output, by the same code in one evaluation subprocess:
``wordvec.load``, analogy accuracy on ``questions-words.txt`` (30,000 most frequent words,
case-insensitive) and WordSim-353 Spearman (:mod:`wordvec.evaluate`, as
``compare_gensim.py``).

Corpora, written to a temporary folder (never kept): ``oneline`` is text8-head itself (one
line); ``lines`` is text8-head cut into 1,000-word lines; ``17m`` is text8-head eight times
over (about 17M words), cut into 1,000-word lines. ``--repeat`` runs the whole matrix that
many rounds, the order of the systems rotated each round; the last table gives each
system's median over the rounds, quality averaged over all its runs. Round r trains with
seed ``--seed + r % --seeds``.

    python benchmarks/peers.py                                  # data from $WORDVEC_DATA
    python benchmarks/peers.py --corpora lines --models cbow --repeat 1 --word2vec-src DIR
    python benchmarks/peers.py --systems wordvec gensim-file --json peers.json
"""
from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5, epochs=5)
ALPHA = {"cbow": 0.05, "skipgram": 0.025}
MIN_ALPHA_RATIO = 1e-4
SYSTEMS = ("wordvec", "gensim", "gensim-file", "fasttext", "word2vec.c")
#: The Python module each system needs, found without importing it (the driver stays small).
MODULES = {"wordvec": "wordvec", "gensim": "gensim", "gensim-file": "gensim",
           "fasttext": "fasttext"}
CORPORA = ("oneline", "lines", "17m")
LINE_WORDS = 1000
REPEATS_17M = 8
#: word2vec.c's makefile: CFLAGS = -lm -pthread -O3 -march=native -Wall -funroll-loops ...
W2V_CFLAGS = ["-lm", "-pthread", "-O3", "-march=native", "-Wall", "-funroll-loops",
              "-Wno-unused-result"]
#: The targets of "wordvec vs gensim's faster mode".
TARGET_SPEED, TARGET_RSS = 4.0, 1.0
#: wordvec's summary line on standard error.
WORDVEC_SUMMARY = re.compile(r"on ([\d,]+) words, (\d+) epochs? in ([\d.]+) s")


def data_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("WORDVEC_DATA", root.parent / "shared" / "data"))


# ---------------------------------------------------------------- subprocess side: corpora
def iter_words(path, chunk: int = 1 << 20):
    """The whitespace-separated words of a file, as bytes, read a chunk at a time."""
    rest = b""
    with open(path, "rb") as f:
        while block := f.read(chunk):
            words = (rest + block).split()
            rest = b"" if block[-1:].isspace() or not words else words.pop()
            yield from words
    if rest:
        yield rest


def write_lines(words, dest: Path, per_line: int) -> tuple[int, int]:
    """Write ``words`` as lines of ``per_line`` words; returns (words, lines)."""
    n_words = n_lines = 0
    with open(dest, "wb") as out:
        while line := list(itertools.islice(words, per_line)):
            out.write(b" ".join(line) + b"\n")
            n_words += len(line)
            n_lines += 1
    return n_words, n_lines


def make_corpus(name: str, source: Path, dest: Path) -> dict:
    """Write corpus ``name`` from text8-head (``oneline`` is the source itself, counted)."""
    if name == "oneline":
        with open(source, "rb") as f:
            lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
        return {"path": str(source), "words": sum(1 for _ in iter_words(source)),
                "lines": max(lines, 1)}
    repeats = REPEATS_17M if name == "17m" else 1
    words = itertools.chain.from_iterable(iter_words(source) for _ in range(repeats))
    n_words, n_lines = write_lines(words, dest, LINE_WORDS)
    return {"path": str(dest), "words": n_words, "lines": n_lines}


# ---------------------------------------------------------------- subprocess side: trainers
def train_gensim(corpus, model, threads, seed, out, corpus_file: bool) -> dict:
    """gensim 4.4, over ``LineSentence`` or with ``corpus_file``; writes word2vec binary."""
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    s, alpha = SETTINGS, ALPHA[model]
    m = Word2Vec(vector_size=s["dim"], window=s["window"], negative=s["negative"], hs=0,
                 sample=s["sample"], min_count=s["min_count"], epochs=s["epochs"],
                 sg=int(model == "skipgram"), workers=threads, seed=seed, alpha=alpha,
                 min_alpha=alpha * MIN_ALPHA_RATIO)
    source = {"corpus_file": corpus} if corpus_file else {"corpus_iterable": LineSentence(corpus)}
    start = time.perf_counter()
    m.build_vocab(**source)
    vocab_seconds = time.perf_counter() - start
    start = time.perf_counter()
    if corpus_file:
        m.train(corpus_file=corpus, total_words=m.corpus_total_words, epochs=m.epochs)
    else:
        m.train(source["corpus_iterable"], total_examples=m.corpus_count, epochs=m.epochs)
    train_seconds = time.perf_counter() - start
    m.wv.save_word2vec_format(out, binary=True)
    return {"vocab_seconds": vocab_seconds, "train_seconds": train_seconds}


def train_fasttext(corpus, model, threads, seed, out) -> dict:
    """fastText word vectors (no subwords); ``seed`` is unused (fastText's is fixed)."""
    import fasttext
    import numpy as np

    s = SETTINGS
    ft = fasttext.train_unsupervised(
        corpus, model=model, dim=s["dim"], ws=s["window"], neg=s["negative"], t=s["sample"],
        minCount=s["min_count"], epoch=s["epochs"], lr=ALPHA[model], thread=threads, minn=0,
        maxn=0, wordNgrams=1, bucket=0, loss="ns", verbose=0)
    words, matrix = ft.get_words(), ft.get_input_matrix()
    if matrix.shape[0] != len(words):
        raise SystemExit(f"fastText: {matrix.shape[0]} input rows for {len(words)} words")
    for i in range(0, len(words), max(1, len(words) // 100)):
        if not np.allclose(ft.get_word_vector(words[i]), matrix[i]):
            raise SystemExit(f"fastText: get_word_vector({words[i]!r}) != input row {i}")
    write_word2vec_binary(out, words, matrix)
    return {}


def write_word2vec_binary(out, words, matrix) -> None:
    """word2vec.c's binary format: ``V dim`` header, then ``word`` space float32s newline."""
    import numpy as np

    rows = np.ascontiguousarray(matrix, dtype="<f4")
    with open(out, "wb") as f:
        f.write(f"{rows.shape[0]} {rows.shape[1]}\n".encode())
        for word, row in zip(words, rows):
            f.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")


def worker(args) -> None:
    """Train one Python peer in this process; print a JSON line of its own timings."""
    if args.worker == "fasttext":
        figures = train_fasttext(args.corpus, args.model, args.threads, args.seed, args.out)
    else:
        figures = train_gensim(args.corpus, args.model, args.threads, args.seed, args.out,
                               corpus_file=args.worker == "gensim-file")
    print(json.dumps(figures))


def evaluate(paths, data: Path) -> dict:
    """Analogy accuracy and WordSim-353 Spearman of each word2vec file, the same code for
    all (as ``compare_gensim.py``): path -> [analogy, wordsim] or an error string."""
    import wordvec
    from wordvec.evaluate import evaluate_word_analogies, evaluate_word_pairs

    scores = {}
    for path in paths:
        try:
            wv = wordvec.load(path)
            analogy, _ = evaluate_word_analogies(wv, data / "questions-words.txt",
                                                 restrict_vocab=30_000, case_insensitive=True)
            pairs = evaluate_word_pairs(wv, data / "wordsim353.tsv", case_insensitive=True)
            scores[path] = [float(analogy), float(pairs[1][0])]
        except Exception as exc:   # one bad file is reported in its row, the rest go on
            scores[path] = f"{type(exc).__name__}: {exc}"
    return scores


# ---------------------------------------------------------------- driver: processes
def spawn(cmd, log: Path, timeout: float) -> dict:
    """Run ``cmd`` with stdout/stderr to ``log``.out/.err; wall seconds, peak RSS (KiB, the
    child's ``ru_maxrss`` from ``os.wait4``), return code, and whether it timed out."""
    killed = threading.Event()

    with open(f"{log}.out", "wb") as out, open(f"{log}.err", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)

        def kill():
            killed.set()
            os.kill(proc.pid, signal.SIGKILL)   # not reaped yet: the pid is still ours

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            timer.cancel()
            proc.kill()
            proc.wait()
            raise
        timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "peak_kib": usage.ru_maxrss, "rc": proc.returncode,
            "timed_out": killed.is_set()}


def read_text(path) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


def self_cmd(*options) -> list[str]:
    """This script run in a fresh interpreter with ``options``."""
    return [sys.executable, str(Path(__file__).resolve()), *map(str, options)]


def run_helper(options, log: Path, timeout: float) -> dict:
    """Run this script as a helper subprocess (corpus writer, evaluator); its JSON answer."""
    res = spawn(self_cmd(*options), log, timeout)
    if res["rc"] != 0:
        sys.exit(f"{' '.join(map(str, options[:2]))} failed:\n{read_text(f'{log}.err')}")
    return json.loads(read_text(f"{log}.out").strip().splitlines()[-1])


def compile_word2vec(src: Path, tmp: Path) -> Path:
    """Compile ``src/word2vec.c`` into ``tmp``; the binary's path. CalledProcessError or
    OSError if it cannot be."""
    binary = tmp / "word2vec"
    subprocess.run(["gcc", str(src / "word2vec.c"), "-o", str(binary), *W2V_CFLAGS],
                   check=True, capture_output=True, text=True)
    return binary


def available_systems(args, tmp: Path) -> tuple[list[str], dict, Path | None]:
    """The systems to run, the skipped ones with their reasons, word2vec.c's binary."""
    chosen, skipped, binary = [], {}, None
    for system in args.systems:
        if system == "word2vec.c":
            binary, reason = _word2vec_binary(args.word2vec_src, tmp)
        else:
            found = importlib.util.find_spec(MODULES[system]) is not None
            reason = None if found else f"module {MODULES[system]!r} is not installed"
        if reason:
            skipped[system] = reason
        else:
            chosen.append(system)
    return chosen, skipped, binary


def _word2vec_binary(src, tmp: Path) -> tuple[Path | None, str | None]:
    if src is None:
        return None, "needs --word2vec-src DIR (a checkout of github.com/tmikolov/word2vec)"
    if not (Path(src) / "word2vec.c").is_file():
        return None, f"{src}/word2vec.c not found"
    if shutil.which("gcc") is None:
        return None, "gcc not found"
    try:
        start = time.perf_counter()
        binary = compile_word2vec(Path(src), tmp)
        print(f"compiled word2vec.c in {time.perf_counter() - start:.1f} s (not counted)")
        return binary, None
    except (subprocess.CalledProcessError, OSError) as exc:
        return None, f"compiling word2vec.c failed: {getattr(exc, 'stderr', '') or exc}"


def system_cmd(system, corpus, model, threads, seed, out, w2v_binary) -> list[str]:
    """The command line that trains ``system`` on ``corpus`` and writes ``out``."""
    s, alpha = SETTINGS, ALPHA[model]
    if system == "wordvec":
        return [sys.executable, "-m", "wordvec", "train", corpus, "-o", out, "--format",
                "word2vec", "--model", model, "--dim", s["dim"], "--window", s["window"],
                "--negative", s["negative"], "--sample", s["sample"], "--min-count",
                s["min_count"], "--epochs", s["epochs"], "--threads", threads, "--alpha", alpha,
                "--min-alpha", alpha * MIN_ALPHA_RATIO, "--seed", seed]
    if system == "word2vec.c":
        return [w2v_binary, "-train", corpus, "-output", out, "-cbow", int(model == "cbow"),
                "-size", s["dim"], "-window", s["window"], "-negative", s["negative"], "-hs", 0,
                "-sample", s["sample"], "-min-count", s["min_count"], "-iter", s["epochs"],
                "-threads", threads, "-alpha", alpha, "-binary", 1]
    return self_cmd("--worker", system, "--corpus", corpus, "--model", model, "--threads",
                    threads, "--seed", seed, "--out", out)


def train_seconds(system, log: Path) -> float | None:
    """The training seconds ``system`` reported itself, or None."""
    if system == "wordvec":
        found = WORDVEC_SUMMARY.search(read_text(f"{log}.err"))
        return float(found.group(3)) if found else None
    if system in ("gensim", "gensim-file"):
        lines = read_text(f"{log}.out").strip().splitlines()
        return json.loads(lines[-1])["train_seconds"] if lines else None
    return None


def run_system(system, corpus, model, ctx, seed, tag) -> dict:
    """Train ``system`` once as a whole process; its row of raw results."""
    tmp = ctx["tmp"]
    out, log = tmp / f"{tag}.bin", tmp / tag
    cmd = [str(c) for c in system_cmd(system, corpus["path"], model, ctx["threads"], seed,
                                      out, ctx["w2v_binary"])]
    res = spawn(cmd, log, ctx["timeout"])
    row = {"system": system, "model": model, "corpus": corpus["name"], "seed": seed,
           "cmd": cmd, "out": str(out), **res, "status": "ok", "train_seconds": None,
           "words_per_sec": None, "analogy": None, "wordsim": None}
    if res["timed_out"]:
        row["status"] = f"timed out after {ctx['timeout']:g} s"
    elif res["rc"] != 0:
        tail = (read_text(f"{log}.err").strip().splitlines() or [""])[-1]
        row["status"] = f"failed (rc {res['rc']}): {tail[:60]}"
    elif not out.is_file():
        row["status"] = "wrote no vectors"
    else:
        seconds = train_seconds(system, log)
        row["train_seconds"] = seconds
        if seconds:
            row["words_per_sec"] = corpus["words"] * SETTINGS["epochs"] / seconds
    row["ok"] = row["status"] == "ok"
    return row


def add_quality(rows, ctx, tag) -> None:
    """Score every output of ``rows`` in one evaluation subprocess, then remove the files."""
    paths = [r["out"] for r in rows if r["ok"]]
    if not paths:
        return
    scores = run_helper(["--evaluate", *paths], ctx["tmp"] / f"evaluate-{tag}",
                        ctx["timeout"])
    for row in rows:
        score = scores.get(row["out"])
        if isinstance(score, list):
            row["analogy"], row["wordsim"] = score
        elif score is not None:
            row["status"], row["ok"] = f"unreadable vectors: {score[:60]}", False
    for path in paths:
        Path(path).unlink(missing_ok=True)


# ---------------------------------------------------------------- driver: tables
def fmt(value, spec, width) -> str:
    return f"{'—':>{width}}" if value is None else f"{value:>{width}{spec}}"


def ratio(value, base):
    return None if value is None or not base else value / base


HEADER = (f"{'corpus':<8} {'model':<9} {'system':<12} {'seed':>4} {'wall s':>8} {'x wv':>6} "
          f"{'train w/s':>11} {'peak MiB':>9} {'x wv':>6} {'analogy':>8} {'ws353':>7}  status")


def print_row(row, base) -> None:
    """One line: ``base`` is wordvec's row of the same (corpus, model), or None."""
    wall = row["wall"] if row["ok"] else None
    peak = row["peak_kib"] / 1024
    base_wall = base["wall"] if base and base["ok"] else None
    base_peak = base["peak_kib"] / 1024 if base else None
    print(f"{row['corpus']:<8} {row['model']:<9} {row['system']:<12} {row['seed']:>4} "
          f"{fmt(wall, '.2f', 8)} {fmt(ratio(wall, base_wall), '.2f', 6)} "
          f"{fmt(row['words_per_sec'], ',.0f', 11)} {fmt(peak, ',.0f', 9)} "
          f"{fmt(ratio(peak, base_peak), '.2f', 6)} {fmt(row['analogy'], '.4f', 8)} "
          f"{fmt(row['wordsim'], '.4f', 7)}  {row['status']}")


def print_verdict(cell) -> None:
    """wordvec against gensim's faster mode (the lower wall of gensim and gensim-file) and
    gensim's lower peak RSS, beside the targets."""
    ok = {r["system"]: r for r in cell if r["ok"]}
    gensims = [ok[s] for s in ("gensim", "gensim-file") if s in ok]
    if "wordvec" not in ok or not gensims:
        return
    ours = ok["wordvec"]
    fastest = min(gensims, key=lambda r: r["wall"])
    lowest = min(gensims, key=lambda r: r["peak_kib"])
    speed = fastest["wall"] / ours["wall"]
    rss = ours["peak_kib"] / lowest["peak_kib"]
    print(f"{'':<8} wordvec vs gensim's faster mode ({fastest['system']}, "
          f"{fastest['wall']:.2f} s): {speed:.2f}x speed (target >= {TARGET_SPEED:g}x: "
          f"{_met(speed >= TARGET_SPEED)}); RSS {ours['peak_kib'] / 1024:,.0f} / "
          f"{lowest['peak_kib'] / 1024:,.0f} MiB ({lowest['system']}) = {rss:.2f}x "
          f"(target <= {TARGET_RSS:g}: {_met(rss <= TARGET_RSS)})")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_table(rows) -> None:
    """Rows grouped by (corpus, model), each group followed by its verdict line."""
    print(HEADER)
    print("-" * len(HEADER))
    for _, group in itertools.groupby(rows, key=lambda r: (r["corpus"], r["model"])):
        cell = sorted(group, key=lambda r: SYSTEMS.index(r["system"]))
        base = next((r for r in cell if r["system"] == "wordvec"), None)
        for row in cell:
            print_row(row, base)
        print_verdict(cell)


def median_rows(rows) -> list[dict]:
    """Per (corpus, model, system), in the order of ``rows``: the median wall, words/s and
    peak over its successful runs, quality averaged over them; a system that never succeeded
    keeps its last status."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["corpus"], r["model"], r["system"]), []).append(r)
    return [_merge(*key, group) for key, group in groups.items()]


def _merge(corpus, model, system, group) -> dict:
    ok = [r for r in group if r["ok"]]
    row = {"corpus": corpus, "model": model, "system": system, "seed": len(group),
           "wall": None, "peak_kib": group[-1]["peak_kib"], "status": group[-1]["status"],
           "ok": bool(ok),
           "words_per_sec": None, "analogy": None, "wordsim": None}
    if not ok:
        return row
    failed = len(group) - len(ok)
    return {**row, "status": f"{failed} of {len(group)} runs failed" if failed else "ok",
            "wall": statistics.median(r["wall"] for r in ok),
            "peak_kib": statistics.median(r["peak_kib"] for r in ok),
            "words_per_sec": _median([r["words_per_sec"] for r in ok]),
            "analogy": _mean([r["analogy"] for r in ok]),
            "wordsim": _mean([r["wordsim"] for r in ok])}


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _mean(values):
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


# ---------------------------------------------------------------- driver: the run
def make_corpora(names, ctx) -> list[dict]:
    corpora = []
    for name in names:
        found = run_helper(["--make-corpus", name, "--corpus", ctx["source"], "--out",
                            ctx["tmp"] / f"corpus-{name}.txt"],
                           ctx["tmp"] / f"make-{name}", ctx["timeout"])
        corpora.append({"name": name, **found})
        print(f"corpus {name}: {found['words']:,} words, {found['lines']:,} lines "
              f"({found['path']})")
    return corpora


def run_round(r, systems, corpora, ctx, args) -> list[dict]:
    """Every (corpus, model, system) once, the systems' order rotated by the round."""
    seed = args.seed + r % args.seeds
    order = systems[r % len(systems):] + systems[:r % len(systems)]
    trivial = spawn([sys.executable, "-c", "pass"], ctx["tmp"] / f"trivial-{r}", 60)
    ctx["trivial_kib"].append(trivial["peak_kib"])
    print(f"\n=== round {r + 1}/{args.repeat}: seed {seed}, order {', '.join(order)}, load "
          f"average {os.getloadavg()[0]:.2f}; trivial child (python -c pass) peak "
          f"{trivial['peak_kib'] / 1024:.1f} MiB")
    rows = []
    for corpus in corpora:
        for model in args.models:
            for system in order:
                tag = f"r{r}-{corpus['name']}-{model}-{system}"
                rows.append(run_system(system, corpus, model, ctx, seed, tag))
                print(f"  {tag}: {rows[-1]['wall']:.2f} s, {rows[-1]['status']}", flush=True)
    add_quality(rows, ctx, f"r{r}")
    print_table(rows)
    return rows


def check_trivial_floor(rows, trivial_kib) -> None:
    """Warn if the trivial child's peak is not far below every system's."""
    floor = max(trivial_kib)
    low = [r for r in rows if r["ok"] and r["peak_kib"] < 3 * floor]
    verdict = "far below every system's" if not low else (
        f"NOT far below {', '.join(sorted({r['system'] for r in low}))}'s")
    print(f"\ntrivial child peak {floor / 1024:.1f} MiB: {verdict} (the driver's own RSS is "
          f"carried into each child's ru_maxrss)")


def drive(args) -> int:
    source = data_dir() / "text8-head"
    if not source.is_file():
        sys.exit(f"text8-head not found in {source.parent}: set WORDVEC_DATA")
    print(f"settings {SETTINGS}, threads {args.threads}, alpha {ALPHA}, min_alpha = alpha * "
          f"{MIN_ALPHA_RATIO:g} (fastText: decays to 0)")
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        tmp = Path(tmp)
        systems, skipped, w2v_binary = available_systems(args, tmp)
        for system, reason in skipped.items():
            print(f"skipped {system}: {reason}")
        if not systems:
            sys.exit("no system to run")
        ctx = {"tmp": tmp, "source": source, "threads": args.threads, "timeout": args.timeout,
               "w2v_binary": w2v_binary, "trivial_kib": []}
        corpora = make_corpora(args.corpora, ctx)
        rows = []
        for r in range(args.repeat):
            rows += run_round(r, systems, corpora, ctx, args)
    if args.repeat > 1:
        print(f"\n=== median of {args.repeat} rounds (seed column: runs; quality: mean)")
        print_table(median_rows(rows))
    check_trivial_floor(rows, ctx["trivial_kib"])
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"settings": SETTINGS, "alpha": ALPHA, "threads": args.threads,
             "corpora": corpora, "skipped": skipped, "trivial_peak_kib": ctx["trivial_kib"],
             "runs": rows}, indent=1), encoding="utf-8")
        print(f"raw results written to {args.json}")
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS),
                        help="default: all (word2vec.c only with --word2vec-src)")
    parser.add_argument("--models", nargs="+", choices=sorted(ALPHA),
                        default=["cbow", "skipgram"])
    parser.add_argument("--corpora", nargs="+", choices=CORPORA, default=["lines", "17m"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the whole matrix")
    parser.add_argument("--seed", type=int, default=1, help="the first seed")
    parser.add_argument("--seeds", type=int, default=1,
                        help="round r uses seed --seed + r %% --seeds")
    parser.add_argument("--word2vec-src", help="a checkout of github.com/tmikolov/word2vec")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds before a process is killed (default 1800)")
    parser.add_argument("--json", help="write all raw results to this file")
    parser.add_argument("--worker", choices=["gensim", "gensim-file", "fasttext"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--make-corpus", choices=CORPORA, help=argparse.SUPPRESS)
    parser.add_argument("--evaluate", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.repeat, args.seeds, args.threads) < 1:
        parser.error("--repeat, --seeds and --threads must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        worker(args)
    elif args.make_corpus:
        print(json.dumps(make_corpus(args.make_corpus, Path(args.corpus), Path(args.out))))
    elif args.evaluate:
        print(json.dumps(evaluate(args.evaluate, data_dir())))
    else:
        return drive(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
