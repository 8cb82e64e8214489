"""Where each system's peak resident memory comes from: file-backed pages against private ones.

``peers.py`` reports each process's peak RSS (``ru_maxrss``). RSS counts two different
kinds of page: the *anonymous* ones a process writes itself (heap, arrays, the interpreter's
objects), which only it holds, and the clean *file-backed* ones of the libraries it maps
(code and read-only data), which stay in the page cache, are shared by every process that
maps the file and can be dropped and read again at any time. How many file pages a library
load leaves mapped depends on the kernel (its page-cache folio size and fault-around), not
only on what the library touches.

This script runs the same command lines as ``peers.py`` (its settings, its corpora) and reads
the process's ``/proc/PID/smaps`` every ``--interval`` seconds while it runs, reporting:

* ``peak RSS``: the highest sampled RSS (close to ``ru_maxrss``, which is also shown);
* ``peak anon``: the highest sampled anonymous memory (``Anonymous:``, the heap included),
  the memory the process itself holds;
* at the RSS peak, the file-backed part and the library holding most of it.

Linux only. Reading ``smaps`` costs the sampled process a little time: the wall times here
are not ``peers.py``'s and are not reported.

    python benchmarks/peak_memory.py                     # wordvec and gensim-file, lines, CBOW
    python benchmarks/peak_memory.py --systems wordvec gensim gensim-file --models cbow skipgram
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402  (the benchmark beside this one: its commands and corpora)

#: The first line of a mapping in smaps: ``start-end perms offset dev inode [path]``.
_MAPPING = re.compile(r"[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$")


def parse_smaps(text: str) -> dict:
    """``{"rss": KiB, "anon": KiB, "files": Counter(file name -> RSS KiB)}`` of a smaps text:
    ``rss`` sums every mapping's ``Rss:``, ``anon`` its ``Anonymous:`` (private pages that
    no file holds, wherever mapped), ``files`` the ``Rss:`` of the mappings of each file (by
    its base name), less their anonymous pages (a library's relocated data)."""
    rss = anon = 0
    files: collections.Counter[str] = collections.Counter()
    name = None
    for line in text.splitlines():
        mapping = _MAPPING.match(line)
        if mapping:
            path = mapping.group(1)
            name = os.path.basename(path) if path.startswith("/") else None
            continue
        key, _, rest = line.partition(":")
        if key == "Rss":
            kib = int(rest.split()[0])
            rss += kib
            if name:
                files[name] += kib
        elif key == "Anonymous":
            kib = int(rest.split()[0])
            anon += kib
            if name:
                files[name] -= kib
    return {"rss": rss, "anon": anon, "files": files}


def sample(cmd, interval: float, timeout: float) -> dict:
    """Run ``cmd`` and sample its smaps until it exits: the peak RSS sample, the peak
    anonymous memory, ``ru_maxrss`` (KiB) and the return code."""
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(list(map(str, cmd)), stdout=null, stderr=null,
                                stdin=subprocess.DEVNULL)
    peak = {"rss": 0, "anon": 0, "files": collections.Counter()}
    peak_anon = 0
    deadline = time.monotonic() + timeout
    while True:     # os.wait4 reaps the child itself (Popen.poll would, losing its usage)
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
        try:
            with open(f"/proc/{proc.pid}/smaps") as f:
                now = parse_smaps(f.read())
        except OSError:         # exiting: the next wait4 reaps it
            now = {"rss": 0, "anon": 0}
        peak_anon = max(peak_anon, now["anon"])
        if now["rss"] > peak["rss"]:
            peak = now
        time.sleep(interval)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"peak": peak, "peak_anon": peak_anon, "maxrss": usage.ru_maxrss,
            "rc": proc.returncode}


def report(system, corpus, model, found) -> None:
    peak, mib = found["peak"], 1 / 1024
    file_kib = peak["rss"] - peak["anon"]
    top, top_kib = (peak["files"].most_common(1) or [("-", 0)])[0]
    print(f"{corpus:<7} {model:<9} {system:<12} {found['maxrss'] * mib:9.1f} "
          f"{peak['rss'] * mib:9.1f} {found['peak_anon'] * mib:9.1f} {file_kib * mib:9.1f}  "
          f"{top} {top_kib * mib:.1f}" + ("" if found["rc"] == 0 else f"  FAILED rc {found['rc']}"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="+", default=["wordvec", "gensim-file"],
                        choices=[s for s in peers.SYSTEMS if s != "word2vec.c"])
    parser.add_argument("--models", nargs="+", default=["cbow"], choices=["cbow", "skipgram"])
    parser.add_argument("--corpora", nargs="+", default=["lines"], choices=peers.CORPORA)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--interval", type=float, default=0.02,
                        help="seconds between samples (default 0.02)")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    if min(args.repeat, args.threads) < 1 or min(args.interval, args.timeout) <= 0:
        parser.error("--repeat and --threads must be at least 1, --interval and --timeout "
                     "above 0")
    if not Path("/proc/self/smaps").is_file():
        print("needs Linux's /proc/PID/smaps", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="peak-memory-") as tmp_name:
        tmp = Path(tmp_name)
        ctx = {"source": peers.data_dir() / "text8-head", "tmp": tmp, "timeout": args.timeout}
        corpora = peers.make_corpora(args.corpora, ctx)
        print(f"{'corpus':<7} {'model':<9} {'system':<12} {'maxrss':>9} {'peak RSS':>9} "
              f"{'peak anon':>9} {'file pages':>9}  largest file at the peak (MiB)")
        for _ in range(args.repeat):
            for corpus, model, system in ((c, m, s) for c in corpora for m in args.models
                                          for s in args.systems):
                cmd = peers.system_cmd(system, corpus["path"], model, args.threads, args.seed,
                                       tmp / "vectors.bin", None)
                report(system, corpus["name"], model, sample(cmd, args.interval, args.timeout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
