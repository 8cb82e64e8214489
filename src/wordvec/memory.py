"""How much memory a training run needs, estimated before anything large is allocated.

After counting, the vocabulary size V and the number of in-vocabulary tokens T are known, and
with the configuration they fix every large allocation of a run:

=====================  =========================================================  ===========
part                   what                                                       bytes
=====================  =========================================================  ===========
vocabulary             words, counts, the word -> id dicts of Vocab, of encode's    250 V
                       byte lookup and of WordVectors (measured on text8's first
                       2M words: 69 + 57 (the str) + 73 + 64 = 263 bytes a word)
matrices               W_in, W_out (negative > 0) and W_hs (hs = 1), (V, dim)      4 m V dim
                       float32 each: m matrices
optimizer              backend "nn" only: Adam's m and v for every matrix         8 m V dim
corpus                 encoded ids, int32, one per in-vocabulary token            4 T
sentences              sentence bounds and lengths, int64 (16 bytes a sentence),  1.6 T
                       assumed one sentence per 10 tokens (PTB has 21)
windows                backend "nn" only: contexts (T, 2 window) and targets,      4 T (2w+1)
                       int32, every position counted
tables                 packed noise table (8 V) + alias build (12 V) + keep        24 V
                       probabilities (4 V); with hs = 1 the Huffman tree: its      + 74 V
                       build arrays (66 V) and paths (5 bytes a node, log2 V + 1   + 5 V L
                       nodes a word on average: L, Huffman's bound)
threads                per engine thread: its scratch (two dim-vectors, a         see below
                       sentence of up to 10,000 ids, 1 + negative rows and
                       gradients, each on cache lines of its own) and 64 KiB of
                       resident stack
writer                 the word2vec writers join 4,096 rows at a time: up to      min(V, 4096)
                       48 bytes a number (text, with its Python float)             x (48 dim + 64)
=====================  =========================================================  ===========

Ids beyond :data:`wordvec.corpus.MEMMAP_THRESHOLD` bytes live in a memory-mapped temporary
file (see :func:`wordvec.corpus.encode`), whose pages the system can drop and re-read, so
:attr:`MemoryEstimate.needed` (what must fit in RAM) counts only the threshold of them;
:attr:`MemoryEstimate.total` counts them all.

The available memory is the least of what the machine and the process's own limits allow:
Linux's ``MemAvailable`` (``/proc/meminfo``: free memory plus the caches the kernel can
reclaim); the memory cgroup's limit less its usage (v2 ``memory.max`` / ``memory.current``, v1
``memory.limit_in_bytes`` / ``memory.usage_in_bytes`` less its reclaimable inactive file
cache); and ``RLIMIT_AS`` / ``RLIMIT_DATA`` less the process's current virtual / data size.
Where none can be read, no check is made.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .corpus import MAX_SENTENCE, MEMMAP_THRESHOLD
from .errors import WordvecError

__all__ = ["MemoryEstimate", "MemoryEstimateError", "available_memory", "counting_limit",
           "estimate", "format_bytes", "largest_vocab", "min_count_for"]

#: Python objects per vocabulary word (see the module docstring for the measurement).
VOCAB_BYTES_PER_WORD = 250
#: Counting, per distinct word held: :func:`wordvec.vocab.count_words` peaked (tracemalloc)
#: at 160 to 200 bytes a word for 0.2M to 1M distinct words of 7 to 11 bytes, its byte-token
#: and word dicts side by side; 141 bytes a word at 3M, where the byte dict is merged in parts.
COUNT_BYTES_PER_WORD = 200
#: Share of the available memory that counting may take.
COUNT_MEMORY_SHARE = 0.5
#: Noise table, its build temporaries and keep probabilities, per word.
TABLE_BYTES_PER_WORD = 8 + 12 + 4
#: The Huffman tree's build arrays per word (counts, parents, codes and depths of 2V nodes)
#: and its offsets; its paths take HS_BYTES_PER_NODE per node of every word's path.
HS_BYTES_PER_WORD = 66 + 8
HS_BYTES_PER_NODE = 5
#: A bound on a Huffman path's length for the estimate: with counts >= 1 summing below
#: 2**62 (huffman_tree's limit) no path reaches 90 nodes (Fibonacci counts are the deepest).
HS_MAX_PATH = 90
#: Sentence bounds and lengths per in-vocabulary token: 16 bytes a sentence, 10 tokens each.
SENTENCE_BYTES_PER_ID = 1.6
#: Resident stack of one worker thread (its virtual stack is larger but mostly untouched).
THREAD_STACK_BYTES = 64 << 10
#: Rows the word2vec writers join per write, and bytes per number of the text writer's
#: block (its formatted text and the Python float each number passes through).
WRITER_ROWS = 4096
WRITER_BYTES_PER_NUMBER = 48
_LINE = 64

_MEMINFO = "/proc/meminfo"


class MemoryEstimateError(WordvecError):
    """Training would need more memory than is available; the message gives the estimate,
    the available memory and a ``max_vocab`` / ``min_count`` that would fit."""


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a training run needs, by part (see the module docstring for each formula)."""

    vocab_size: int
    dim: int
    corpus_ids: int
    vocabulary: int
    matrices: int
    optimizer: int
    corpus: int
    sentences: int
    windows: int
    tables: int
    threads: int
    writer: int
    mapped: int  # bytes of ``corpus`` held in a memory-mapped file rather than in RAM

    @property
    def total(self) -> int:
        """Every part, memory-mapped ids included."""
        return (self.vocabulary + self.matrices + self.optimizer + self.corpus
                + self.sentences + self.windows + self.tables + self.threads + self.writer)

    @property
    def needed(self) -> int:
        """Bytes that must fit in RAM: :attr:`total` less the memory-mapped ids."""
        return self.total - self.mapped

    def __int__(self) -> int:
        return self.needed

    def describe(self, available: int | None) -> str:
        """One line, e.g. ``~123 MiB needed (vocabulary 22,541 x 100, corpus 2,046,942 ids),
        20.1 GiB available``."""
        mapped = (f", {format_bytes(self.mapped)} of them memory-mapped from a temporary file"
                  if self.mapped else "")
        line = (f"~{format_bytes(self.needed)} needed (vocabulary {self.vocab_size:,} x "
                f"{self.dim}, corpus {self.corpus_ids:,} ids{mapped})")
        if available is not None:
            line += f", {format_bytes(available)} available"
        return line


def thread_bytes(dim: int, negative: int, hs: int = 0, batch_window: int = 0) -> int:
    """Bytes of one engine thread: the arrays of ``engine.train.make_state`` (each padded
    onto cache lines of its own) and its resident stack; with ``hs`` its gradients hold a
    path of the tree (:data:`HS_MAX_PATH` bounds it); with ``batch_window`` (skip-gram's
    shared negatives) its window blocks hold ``2 * batch_window`` rows of gradients and of
    input deltas."""
    grads = max(1 + negative, HS_MAX_PATH if hs else 0)
    window = 2 * 4 * batch_window * (1 + negative), 2 * 4 * batch_window * dim
    arrays = (2 * 4 * dim, 4 * MAX_SENTENCE, 8, 4 * (1 + negative), 4 * grads, 24, *window)
    return sum(n + 3 * _LINE for n in arrays) + THREAD_STACK_BYTES


def tree_bytes(vocab_size):
    """Bytes of the Huffman tree of ``vocab_size`` words (an int or an array of them): its
    build arrays and, for paths, Huffman's bound on the mean code length, log2 V + 1."""
    V = np.asarray(vocab_size, dtype=np.int64)
    nodes = np.ceil(V * (np.log2(np.maximum(V, 1)) + 1)).astype(np.int64)
    return HS_BYTES_PER_WORD * V + HS_BYTES_PER_NODE * nodes


def _parts(vocab_size, dim: int, corpus_ids, backend: str, window: int, threads: int,
           negative: int, hs: int, batch_window: int = 0):
    """The parts of the estimate; vocab_size and corpus_ids may be arrays (vectorised)."""
    per_matrix = 4 * vocab_size * dim
    matrices = 1 + (negative > 0) + hs
    return dict(
        vocabulary=VOCAB_BYTES_PER_WORD * vocab_size,
        matrices=matrices * per_matrix,
        optimizer=2 * matrices * per_matrix if backend == "nn" else 0 * vocab_size,
        corpus=4 * corpus_ids,
        sentences=(16 * corpus_ids + 9) // 10,  # SENTENCE_BYTES_PER_ID, rounded up
        windows=4 * corpus_ids * (2 * window + 1) if backend == "nn" else 0 * corpus_ids,
        tables=TABLE_BYTES_PER_WORD * vocab_size + (tree_bytes(vocab_size) if hs else 0),
        threads=(threads * thread_bytes(dim, negative, hs, batch_window)
                 if backend == "engine" else 0)
        + 0 * vocab_size,
        writer=np.minimum(vocab_size, WRITER_ROWS) * (WRITER_BYTES_PER_NUMBER * dim + 64),
    )


def _mapped(corpus_bytes, memmap_threshold: int):
    return np.maximum(corpus_bytes - memmap_threshold, 0)


def estimate(vocab_size: int, dim: int, corpus_ids: int, *, backend: str = "engine",
             window: int = 5, threads: int = 1, negative: int = 5, hs: int = 0,
             batch_window: int = 0,
             memmap_threshold: int = MEMMAP_THRESHOLD) -> MemoryEstimate:
    """The :class:`MemoryEstimate` for V = ``vocab_size`` words of ``dim`` dimensions and
    T = ``corpus_ids`` in-vocabulary tokens (``Vocab.total``). ``backend`` and ``window``
    matter for ``"nn"`` (Adam state, window arrays), ``threads`` and ``negative`` for the
    engine's per-thread state, ``negative`` and ``hs`` for the output matrices (and the
    tree), ``batch_window`` for the window blocks of skip-gram's shared negatives (0: none);
    ``memmap_threshold`` is :func:`wordvec.corpus.encode`'s."""
    if (vocab_size < 0 or dim <= 0 or corpus_ids < 0 or threads < 1 or negative < 0
            or hs not in (0, 1)):
        raise ValueError(f"need vocab_size >= 0, dim > 0, corpus_ids >= 0, threads >= 1, "
                         f"negative >= 0, hs 0 or 1; got {vocab_size}, {dim}, {corpus_ids}, "
                         f"{threads}, {negative}, {hs}")
    parts = {k: int(v) for k, v in _parts(int(vocab_size), int(dim), int(corpus_ids), backend,
                                          int(window), int(threads), int(negative),
                                          int(hs), int(batch_window)).items()}
    # The nn path copies ids into its own array, so it maps none of them.
    mapped = int(_mapped(parts["corpus"], memmap_threshold)) if backend == "engine" else 0
    return MemoryEstimate(vocab_size=int(vocab_size), dim=int(dim), corpus_ids=int(corpus_ids),
                          mapped=mapped, **parts)


def largest_vocab(counts, dim: int, available: int, *, backend: str = "engine",
                  window: int = 5, threads: int = 1, negative: int = 5, hs: int = 0,
                  batch_window: int = 0, memmap_threshold: int = MEMMAP_THRESHOLD) -> int:
    """The largest k such that training on the k most frequent words fits in ``available``
    bytes (``estimate(k, dim, counts[:k].sum()).needed <= available``); 0 if none does.

    counts: (V,) word counts, most frequent first (``Vocab.counts``). Keeping fewer words
    also drops their tokens from the corpus, which the estimate of each k accounts for.
    """
    counts = np.asarray(counts, dtype=np.int64)
    k = np.arange(counts.shape[0] + 1, dtype=np.int64)
    ids = np.concatenate(([0], np.cumsum(counts)))
    parts = _parts(k, int(dim), ids, backend, int(window), int(threads), int(negative),
                   int(hs), int(batch_window))
    needed = sum(np.asarray(p, dtype=np.int64) for p in parts.values())
    if backend == "engine":
        needed = needed - _mapped(parts["corpus"], memmap_threshold)
    # needed grows with k (every part is non-decreasing), so the fitting k form a prefix.
    return max(int(np.searchsorted(needed, available, side="right")) - 1, 0)


def min_count_for(counts, max_words: int) -> int:
    """The smallest ``min_count`` that keeps at most ``max_words`` of the words with these
    counts (``counts``: (V,) most frequent first)."""
    counts = np.asarray(counts, dtype=np.int64)
    if max_words >= counts.shape[0]:
        return int(counts.min()) if counts.size else 1
    # Every word from position max_words on has a count <= counts[max_words].
    return int(counts[max_words]) + 1


def counting_limit(prune_at: int, available: int | None) -> int:
    """The ``prune_at`` counting can afford: ``prune_at`` itself, or, when that many words
    would take more than half the ``available`` bytes, the number of words that fit there
    (at least 1). ``prune_at=0`` (never prune) is kept as asked, as is any value when the
    available memory is unknown (None)."""
    if prune_at == 0 or available is None:
        return prune_at
    affordable = max(1, int(available * COUNT_MEMORY_SHARE) // COUNT_BYTES_PER_WORD)
    return min(prune_at, affordable)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation: the least of ``MemAvailable``, the
    memory cgroup's room and the room under RLIMIT_AS / RLIMIT_DATA (see the module
    docstring), or None where none of them can be read (other systems, a restricted /proc)."""
    known = [n for n in (_meminfo_available(), _cgroup_room(), _rlimit_room())
             if n is not None]
    return max(0, min(known)) if known else None


def _meminfo_available() -> int | None:
    try:
        with open(_MEMINFO, "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    value, unit = line.split()[1:3]
                    return int(value) * (1024 if unit.lower() == b"kb" else 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


#: Where cgroup file systems are mounted, and a limit that means "none" (v1 writes the
#: largest page-aligned 64-bit number, v2 the word "max").
_CGROUP_ROOT = "/sys/fs/cgroup"
_PROC_CGROUP = "/proc/self/cgroup"
_NO_LIMIT = 1 << 60


def _read_number(path: str) -> int | None:
    try:
        with open(path, "rb") as f:
            text = f.read(64).strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _stat_value(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as f:
            for line in f:
                name, _, value = line.partition(b" ")
                if name == key and value.strip().isdigit():
                    return int(value)
    except OSError:
        pass
    return 0


def _cgroup_dirs() -> list[tuple[str, str]]:
    """(version, folder) of this process's memory cgroup, from /proc/self/cgroup; the mount
    root itself too, as a container sees its own cgroup there."""
    found = []
    try:
        with open(_PROC_CGROUP, encoding="utf-8", errors="replace") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                path = path.lstrip("/")
                if controllers == "":
                    found.append(("v2", os.path.join(_CGROUP_ROOT, path)))
                elif "memory" in controllers.split(","):
                    found.append(("v1", os.path.join(_CGROUP_ROOT, "memory", path)))
    except (OSError, ValueError):
        pass
    found += [("v2", _CGROUP_ROOT), ("v1", os.path.join(_CGROUP_ROOT, "memory"))]
    return found


def _cgroup_room() -> int | None:
    """The memory cgroup's limit less what it uses (reclaimable file cache not counted),
    or None where there is no cgroup limit."""
    rooms = []
    for version, folder in _cgroup_dirs():
        if version == "v2":
            limit = _read_number(os.path.join(folder, "memory.max"))
            used = _read_number(os.path.join(folder, "memory.current"))
            cache = _stat_value(os.path.join(folder, "memory.stat"), b"inactive_file")
        else:
            limit = _read_number(os.path.join(folder, "memory.limit_in_bytes"))
            used = _read_number(os.path.join(folder, "memory.usage_in_bytes"))
            cache = _stat_value(os.path.join(folder, "memory.stat"), b"total_inactive_file")
        if limit is not None and used is not None and limit < _NO_LIMIT:
            rooms.append(limit - max(used - cache, 0))
    return min(rooms) if rooms else None


def _rlimit_room() -> int | None:
    """Room left under RLIMIT_AS and RLIMIT_DATA (the soft limits), or None where neither
    is set."""
    try:
        import resource
    except ImportError:            # not on this system
        return None
    rooms = []
    for limit_name, status_key in (("RLIMIT_AS", b"VmSize:"), ("RLIMIT_DATA", b"VmData:")):
        limit = getattr(resource, limit_name, None)
        if limit is None:
            continue
        soft, _ = resource.getrlimit(limit)
        if soft != resource.RLIM_INFINITY and soft >= 0:
            rooms.append(soft - _status_bytes(status_key))
    return min(rooms) if rooms else None


def _status_bytes(key: bytes) -> int:
    """A ``kB`` line of /proc/self/status in bytes (0 where it cannot be read)."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def format_bytes(n: float) -> str:
    """``123 MiB``, ``20.1 GiB``: binary units, three significant figures or so."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            if unit == "bytes":
                return f"{int(n)} bytes"
            return f"{n:.1f} {unit}" if abs(n) < 100 else f"{n:,.0f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")
