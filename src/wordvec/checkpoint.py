"""Save and resume the engine's training state.

A checkpoint is one file, ``DIR/checkpoint.npz``: an uncompressed ``.npz`` written
atomically (:func:`wordvec.io.atomic_write`: temporary file, fsync, rename), so a crash or a
Ctrl-C while writing leaves the previous checkpoint whole. No pickle anywhere: arrays are
``.npy`` members and everything else is one JSON document.

Members: ``W_in.npy`` and the output matrices the configuration trains (``W_out.npy``,
``W_hs.npy``; see :class:`~wordvec.weights.Weights`), each (V, dim) float32;
``counts.npy`` (V,) int64;
``rng.npy`` (n_threads,) uint64, each thread's SplitMix64 state; ``epoch_sums.npy``
(epochs, 4) float64, per epoch the loss sum, examples, kept and raw words so far;
``meta.npy`` uint8 UTF-8 JSON: format, version, words, config (the
:class:`~wordvec.config.TrainConfig` fields), next_job and n_jobs (the position in the
schedule: job ``j`` is epoch ``j // (n_jobs / epochs)``), chunk_words (the schedule's unit),
corpus (absolute paths, or null for an in-memory corpus), corpus_fingerprint (see
:class:`CorpusFingerprint`; null when the writer had none), loss_history (epoch losses of
earlier ``fit`` calls), extra (what the caller asked to keep, e.g. the command line's
output path and format) and cluster (null, or a cluster run's progress).

A cluster run (:mod:`wordvec.cluster`) writes the same file with its synchronised matrices,
its schedule as the sum of its workers' (next_job, n_jobs, epoch_sums; rng their threads'
states in worker order) and, beside it, each worker's: ``cluster`` is ``{"fraction": f,
"workers": [{"next_job", "n_jobs", "threads", "digest", "ids", "raw_words"}, ...]}`` (the
share of the run the rounds reached, and per worker its schedule and the fingerprint of its
encoded shard) and member ``cluster_sums.npy`` (workers, epochs, 4) float64 their epoch
sums. Every worker's part is checked as a single run's is.

A checkpoint is untrusted input: it may have been cut short, had a byte flipped by a disk,
or been edited. Two guards:

- **The checksum.** The file ends with the SHA-256 of all its other bytes, as 64 hex digits
  in the zip comment (the last field of a zip file, which zip readers ignore): damage to
  any byte -- array data, JSON, zip and .npy headers, the checksum itself -- makes it
  disagree, which no per-member checksum does (zip's CRC-32 leaves most header fields
  unchecked). Writing costs one read of the file just written, loading one more read.
- **Every field checked** for type, range and consistency with the others (the schedule
  with the loss sums, the vectors with the words and the configuration, ...), so that a
  file whose checksum was recomputed after an edit still cannot make training skip epochs,
  read rows that are not there or run on NaN.

Version 2 files (before the cluster field) and version 1 files (before the checksum and the
corpus fingerprint) are still accepted: they
are the unfinished runs of the previous version, each possibly hours of training, and every
field check applies to them; zip's CRC-32 still guards their array and JSON bytes. What they
lack is the corpus fingerprint, so resuming one checks the corpus only as far as its size
in words and its sentence boundaries show (:func:`check_encoded`).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .config import TrainConfig
from .errors import WordvecError, shown
from .schedule import ClusterState, TrainState, cluster_stop
from .weights import NAMES, Weights, needed

FORMAT = "wordvec-checkpoint"
VERSION = 3
FILENAME = "checkpoint.npz"
#: The members every checkpoint holds, and in the order written (after W_in) the output
#: matrices that those whose configuration trains them hold.
MEMBERS = ("W_in", "counts", "rng", "epoch_sums", "meta")
OUTPUTS = NAMES[1:]
#: The member only a cluster run's checkpoint holds, written after MEMBERS.
CLUSTER_MEMBER = "cluster_sums"
#: What a cluster run's ``cluster`` field keeps per worker.
_WORKER_KEYS = frozenset({"next_job", "n_jobs", "threads", "digest", "ids", "raw_words"})

_V1_FIELDS = frozenset({"format", "version", "words", "config", "next_job", "n_jobs",
                        "chunk_words", "corpus", "loss_history", "extra"})
_FIELDS = {1: _V1_FIELDS, 2: _V1_FIELDS | {"corpus_fingerprint"},
           3: _V1_FIELDS | {"corpus_fingerprint", "cluster"}}

_DIGEST_LEN = 64                   # hex digits of a SHA-256
_EOCD = b"PK\x05\x06"              # the zip's end-of-central-directory record, 22 bytes
_EOCD_LEN = 22
_READ_BLOCK = 1 << 24              # bytes hashed at a time: memory stays bounded
_INT64_MAX = 2**63 - 1
_FINGERPRINT_HEX = re.compile(r"[0-9a-f]{32}")
_RESTORE = ("restore the corpus as it was when the run started, or start a new run on the "
            "corpus as it is now")


class CheckpointError(WordvecError):
    """A checkpoint folder that holds no usable checkpoint, or a corpus that no longer
    matches it; the message names the file and the field or corpus file."""


class _Damage(Exception):
    """A field of a checkpoint out of range or inconsistent; ``load_checkpoint`` turns it
    into a CheckpointError naming the file."""


@dataclass(frozen=True)
class CorpusFingerprint:
    """What a run was trained on, to refuse resuming it on another corpus.

    files: ``[(absolute path, size, st_mtime_ns), ...]`` of a path corpus in reading order
    (:func:`wordvec.corpus.file_stats`), None for token lists; digest: the encoded corpus's
    :attr:`~wordvec.corpus.EncodedCorpus.fingerprint` (32 hex digits); raw_words: tokens
    read; ids: T, the in-vocabulary tokens trained on (``len(ids)``).
    """
    files: list | None
    digest: str
    raw_words: int
    ids: int


@dataclass
class Checkpoint:
    """A loaded checkpoint. words: list of V str; counts: (V,) int64; W_in, and W_out / W_hs
    where the configuration trains them (else None): (V, dim) float32, writeable; config:
    the :class:`~wordvec.config.TrainConfig`; state: the engine's
    :class:`~wordvec.schedule.TrainState`; chunk_words: int; corpus: list of paths or
    None; loss_history: list of float; extra: dict; path: the file read; fingerprint: the
    :class:`CorpusFingerprint` or None (version 1, or a writer that had none); version: the
    file's format version; cluster: a cluster run's :class:`~wordvec.schedule.ClusterState`
    (``state`` is then its workers' sum), else None."""
    words: list
    counts: np.ndarray
    W_in: np.ndarray
    W_out: np.ndarray | None
    config: TrainConfig
    state: TrainState
    chunk_words: int
    corpus: list | None
    loss_history: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    path: Path | None = None
    fingerprint: CorpusFingerprint | None = None
    version: int = VERSION
    W_hs: np.ndarray | None = None
    cluster: ClusterState | None = None

    @property
    def weights(self) -> Weights:
        return Weights(self.W_in, self.W_out, self.W_hs)


def checkpoint_path(directory) -> Path:
    return Path(directory) / FILENAME


def corpus_paths(corpus) -> list[str] | None:
    """The absolute paths of a corpus given as a path or a list of paths; None for anything
    else (an iterable of token lists cannot be re-read from a checkpoint)."""
    if isinstance(corpus, (str, os.PathLike)):
        return [os.path.abspath(corpus)]
    if isinstance(corpus, (list, tuple)) and corpus and all(
            isinstance(c, (str, os.PathLike)) for c in corpus):
        return [os.path.abspath(c) for c in corpus]
    return None


def corpus_fingerprint(corpus, encoded) -> CorpusFingerprint:
    """The fingerprint of ``corpus`` (a source as :mod:`wordvec.corpus` reads it) and
    ``encoded``, the :class:`~wordvec.corpus.EncodedCorpus` made from it; the file sizes and
    times are taken now."""
    from .corpus import file_stats

    files = file_stats(corpus)
    return CorpusFingerprint(files=None if files is None else [list(f) for f in files],
                             digest=encoded.fingerprint, raw_words=int(encoded.raw_words),
                             ids=int(encoded.tokens))


def shards_digest(digests: list[str]) -> str:
    """The fingerprint of a corpus encoded in shards: BLAKE2b (``digest_size=16``) of the
    shards' fingerprints, in order, as ASCII hex joined by commas (32 hex digits)."""
    return hashlib.blake2b(",".join(digests).encode("ascii"), digest_size=16).hexdigest()


def words_problem(words) -> str | None:
    """Why ``words`` cannot be a checkpoint's vocabulary (a list of distinct, non-empty,
    UTF-8-encodable str; any other character is fine), or None when it can."""
    if not isinstance(words, list):
        return f"words must be a list of strings, got {shown(words)}"
    for i, w in enumerate(words):
        if not isinstance(w, str) or not w:
            return f"word {i} must be a non-empty string, got {shown(w)}"
        try:
            w.encode("utf-8")
        except UnicodeEncodeError:
            return f"word {i} ({shown(w)}) holds a lone surrogate, which UTF-8 cannot encode"
    if len(set(words)) != len(words):
        seen: set = set()
        i = next(i for i, w in enumerate(words) if w in seen or seen.add(w))
        return f"word {i} ({shown(words[i])}) appears twice in words"
    return None


# --------------------------------------------------------------------------- writing

def save_checkpoint(directory, *, words, counts, W_in, W_out=None, W_hs=None, config, state,
                    chunk_words: int, corpus=None, loss_history=(), extra=None,
                    fingerprint: CorpusFingerprint | None = None) -> Path:
    """Write ``DIR/checkpoint.npz`` atomically (creating DIR) and return its path.

    words: V str (see :func:`words_problem`); counts: (V,) int; W_in and the output matrices
    ``config`` trains (W_out, W_hs; None for one it does not): (V, dim) float32; config:
    dict of TrainConfig fields; state: a TrainState (next_job, n_jobs, rng (n_threads,)
    uint64, epoch_sums (epochs, 4) float64), or a cluster run's
    :class:`~wordvec.schedule.ClusterState`; corpus: as :func:`corpus_paths` takes it;
    extra: a JSON-serialisable dict kept as is; fingerprint: the corpus's
    (:func:`corpus_fingerprint`), which :meth:`wordvec.Word2Vec.resume` needs.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cluster = state if isinstance(state, ClusterState) else None
    if cluster is not None:
        state = cluster.total
    meta = {"format": FORMAT, "version": VERSION, "words": list(words), "config": dict(config),
            "next_job": int(state.next_job), "n_jobs": int(state.n_jobs),
            "chunk_words": int(chunk_words), "corpus": corpus_paths(corpus),
            "corpus_fingerprint": (None if fingerprint is None
                                   else dataclasses.asdict(fingerprint)),
            "loss_history": [float(x) for x in loss_history], "extra": dict(extra or {}),
            "cluster": None if cluster is None else _cluster_meta(cluster)}
    arrays = {"W_in": W_in, "W_out": W_out, "W_hs": W_hs,
              "counts": np.asarray(counts, dtype=np.int64),
              "rng": np.asarray(state.rng, dtype=np.uint64),
              "epoch_sums": np.asarray(state.epoch_sums, dtype=np.float64),
              CLUSTER_MEMBER: None if cluster is None else np.array(
                  [w.epoch_sums for w in cluster.workers], dtype=np.float64)}
    path = checkpoint_path(directory)
    _write_file(path, arrays, meta)
    return path


def _write_file(path, arrays: dict, meta: dict) -> None:
    """Write the members (``arrays`` by name, ``meta`` as JSON) and the checksum, atomically.

    The members are stored 64-byte aligned with fixed dates (:func:`wordvec.io.write_member`),
    so the same state always gives the same bytes. The JSON is ASCII (non-ASCII escaped), so
    any path the system gives, even one that is not valid UTF-8, can be written.
    """
    from .io.atomic import atomic_write
    from .io.container import write_member

    blob = np.frombuffer(json.dumps(meta, ensure_ascii=True).encode("ascii"), dtype=np.uint8)
    with atomic_write(path, "w+b") as f:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name in ("W_in", *OUTPUTS, *MEMBERS[1:], CLUSTER_MEMBER):
                if name == "meta":
                    write_member(zf, f, name, blob)
                elif arrays.get(name) is not None:
                    write_member(zf, f, name, arrays[name])
            zf.comment = b"0" * _DIGEST_LEN     # the checksum's place, filled in below
        _write_digest(f)


def _write_digest(f) -> None:
    """Replace the last 64 bytes of the zip file ``f`` (open for reading and writing; its
    comment, 64 bytes long) by the SHA-256 of all bytes before them, in hex."""
    size = f.seek(0, os.SEEK_END)
    digest = _sha256(f, size - _DIGEST_LEN)
    f.seek(size - _DIGEST_LEN)
    f.write(digest.encode("ascii"))


def _sha256(f, n: int) -> str:
    """The hex SHA-256 of the first ``n`` bytes of file ``f``, read in bounded blocks."""
    f.seek(0)
    h = hashlib.sha256()
    left = n
    while left > 0:
        block = f.read(min(left, _READ_BLOCK))
        if not block:
            break
        h.update(block)
        left -= len(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- reading

def load_checkpoint(directory) -> Checkpoint:
    """Read ``DIR/checkpoint.npz`` (or a checkpoint file given directly); never unpickles.

    Raises :class:`CheckpointError` for a missing, unreadable, damaged or foreign file: one
    whose checksum disagrees with its bytes, a version 2 file without a checksum, or any
    field out of its range or inconsistent with the others; the message names the file and
    the field.
    """
    path = Path(directory)
    if path.is_dir() or not path.exists():
        path = checkpoint_path(directory)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint in {directory} (expected {path}); pass the "
                              "folder given to --checkpoint-dir")
    from .inputfile import open_input
    from .io.container import read_npz_members
    from .io.errors import VectorFileError

    try:
        with open_input(path) as f:     # opened once: the bytes checksummed are those read
            sealed = _check_digest(f)
            arrays = read_npz_members(path, MEMBERS, optional=(*OUTPUTS, CLUSTER_MEMBER), f=f)
    except OSError as exc:
        raise CheckpointError(f"cannot read {path}: {exc.strerror or exc}") from None
    except VectorFileError as exc:
        raise CheckpointError(f"{path} is not a readable wordvec checkpoint: "
                              f"{exc.problem}") from None
    except _Damage as exc:
        raise CheckpointError(f"{path} is damaged: {exc}") from None
    meta = _meta(path, arrays["meta"])
    version = meta["version"]
    if version >= 2 and not sealed:
        raise CheckpointError(f"{path} is damaged: it has no checksum at its end (every "
                              f"version {version} checkpoint has one), so it was cut short "
                              "or rewritten by another program; restore a copy of it or "
                              "start a new run")
    try:
        return _checkpoint(path, meta, arrays)
    except _Damage as exc:
        raise CheckpointError(f"{path} is damaged: {exc}") from None


def _check_digest(f) -> bool:
    """Whether the open file ``f`` ends with a checksum (a 64-byte zip comment); raises
    _Damage when it does and the checksum disagrees with the bytes before it."""
    size = f.seek(0, os.SEEK_END)
    if size < _EOCD_LEN + _DIGEST_LEN:
        return False
    f.seek(size - _EOCD_LEN - _DIGEST_LEN)
    tail = f.read(_EOCD_LEN + _DIGEST_LEN)
    comment_len, = struct.unpack("<H", tail[_EOCD_LEN - 2:_EOCD_LEN])
    if tail[:4] != _EOCD or comment_len != _DIGEST_LEN:
        return False
    if _sha256(f, size - _DIGEST_LEN).encode("ascii") != tail[_EOCD_LEN:]:
        raise _Damage("its checksum (the SHA-256 of the file, kept at its end) disagrees "
                      "with its bytes, so some of them changed after it was written; "
                      "restore a copy of it or start a new run")
    return True


def _meta(path, blob: np.ndarray) -> dict:
    """The JSON meta of a checkpoint, of a known format and version."""
    try:
        if blob.dtype != np.uint8 or blob.ndim != 1:
            raise ValueError(f"it is {blob.dtype} {blob.shape}, not uint8 bytes")
        meta = json.loads(blob.tobytes().decode("utf-8"))
    except (ValueError, RecursionError) as exc:   # UnicodeDecodeError, JSONDecodeError
        raise CheckpointError(f"{path} is not a readable wordvec checkpoint: its meta is not "
                              f"UTF-8 JSON ({shown(str(exc), 80)})") from None
    version = meta.get("version") if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT \
            or type(version) is not int or version not in _FIELDS:
        raise CheckpointError(f"{path} is not a wordvec checkpoint of version <= {VERSION} "
                              f"(its meta says format {shown(_get(meta, 'format'))}, "
                              f"version {shown(version)})")
    return meta


def _get(meta, key):
    return meta.get(key) if isinstance(meta, dict) else None


def _checkpoint(path: Path, meta: dict, arrays: dict) -> Checkpoint:
    """The Checkpoint of a file's parts, each field checked in turn (each check may use
    those before it); raises _Damage naming the first field out of range or inconsistent."""

    version = meta["version"]
    _check_fields(meta, version)
    words = _words(meta["words"])
    corpus = _corpus(meta["corpus"])
    fingerprint = _fingerprint(meta.get("corpus_fingerprint"), corpus, version)
    # Word2Vec.fit wrote every version 1 file and keeps a fingerprint in every later one; its
    # vocabulary is Vocab.build's. Other writers (around engine.train) may use any counts.
    from_fit = version == 1 or fingerprint is not None
    counts = _counts(arrays["counts"], len(words), from_fit)
    config = _config(meta["config"], counts, from_fit)
    weights = _matrices(arrays, config, len(words))
    T = None if fingerprint is None else fingerprint.ids
    chunk_words = _int(meta["chunk_words"], "chunk_words", 1, _INT64_MAX)
    cluster = _cluster(meta.get("cluster"), arrays, config, chunk_words, fingerprint)
    if cluster is None:
        n_jobs, next_job = _schedule(meta["n_jobs"], meta["next_job"], config.epochs,
                                     chunk_words, T)
        rng = _rng(arrays["rng"], config.threads)
        sums = _epoch_sums(arrays["epoch_sums"], config, next_job, n_jobs, chunk_words, T)
    else:
        n_jobs, next_job, rng, sums = _cluster_totals(cluster, meta, arrays)
    loss_history = _loss_history(meta["loss_history"])
    extra = meta["extra"]
    if not isinstance(extra, dict):
        raise _Damage(f"extra must be a mapping, got {shown(extra)}")
    state = TrainState(next_job=next_job, n_jobs=n_jobs, rng=rng, epoch_sums=sums)
    return Checkpoint(words=words, counts=counts, W_in=weights.W_in, W_out=weights.W_out,
                      W_hs=weights.W_hs, config=config,
                      state=state, chunk_words=chunk_words, corpus=corpus,
                      loss_history=loss_history, extra=extra, path=path,
                      fingerprint=fingerprint, version=version, cluster=cluster)


# --------------------------------------------------------------------------- field checks

def _int(value, name: str, low: int, high: int) -> int:
    """``value`` as an int in [low, high]: a JSON integer, not a bool nor a float."""
    if type(value) is not int or not low <= value <= high:
        raise _Damage(f"{name} must be an integer from {low:,} to {high:,}, got "
                      f"{shown(value)}")
    return value


def _check_fields(meta: dict, version: int) -> None:
    expected = _FIELDS[version]
    missing = sorted(expected - meta.keys())
    if missing:
        raise _Damage(f"its meta has no {missing[0]!r} field")
    unknown = sorted(str(k) for k in meta.keys() - expected)
    if unknown:
        raise _Damage(f"its meta has fields a version {version} checkpoint does not have: "
                      f"{shown(', '.join(unknown))} (written by a newer wordvec?)")


def _words(words) -> list:
    from .config import MAX_WORDS

    problem = words_problem(words)
    if problem:
        raise _Damage(problem)
    if not 1 <= len(words) <= MAX_WORDS:
        raise _Damage(f"words must hold 1 to {MAX_WORDS:,} words, it holds {len(words):,}")
    return words


def _array(a: np.ndarray, name: str, dtype, shape: tuple) -> np.ndarray:
    """``a`` if it has exactly this dtype and shape (None in ``shape``: any length there)."""
    if a.dtype != np.dtype(dtype) or a.ndim != len(shape) or any(
            want is not None and got != want for got, want in zip(a.shape, shape)):
        want = "(" + ", ".join("n" if s is None else f"{s:,}" for s in shape) + \
            ("," if len(shape) == 1 else "") + ")"
        raise _Damage(f"{name}.npy must be {want} {np.dtype(dtype)}, it is {a.shape} {a.dtype}")
    return a


def _counts(counts: np.ndarray, V: int, from_fit: bool) -> np.ndarray:
    """(V,) int64 >= 0; ``from_fit``: every count >= 1 and most frequent first (the order of
    :class:`~wordvec.vocab.Vocab`: counts descending, equal counts in first-occurrence order),
    as Word2Vec's vocabulary always is."""
    counts = _array(counts, "counts", np.int64, (V,))
    least = 1 if from_fit else 0
    if counts.min() < least:
        raise _Damage(f"counts must be >= {least} (each word was seen), word "
                      f"{int(counts.argmin())} has {int(counts.min())}")
    rise = np.flatnonzero(counts[1:] > counts[:-1]) if from_fit else ()
    if len(rise):
        i = int(rise[0]) + 1
        raise _Damage(f"counts must not increase (words are most frequent first), but word {i} "
                      f"has {int(counts[i]):,} and word {i - 1} {int(counts[i - 1]):,}")
    # Exactly, in Python ints, where int64 could overflow (never for real counts).
    if int(counts.max()) > _INT64_MAX // len(counts) and sum(map(int, counts)) > _INT64_MAX:
        raise _Damage("counts add up to more than 2^63 - 1 words")
    return counts


def _config(data, counts: np.ndarray, from_fit: bool):
    """The TrainConfig (ranges checked by :meth:`TrainConfig.from_dict`), for the engine and
    (``from_fit``) consistent with the vocabulary it built."""

    try:
        config = TrainConfig.from_dict(data)
    except (ValueError, TypeError) as exc:     # ConfigError, ConfigTypeError
        raise _Damage(f"its configuration is unusable: {exc}") from None
    if config.backend != "engine":
        raise _Damage(f"config backend is {config.backend!r}, but only the engine writes "
                      "checkpoints")
    if not from_fit:
        return config
    # Vocab.build keeps words seen min_count times or more, at most max_vocab of them.
    if int(counts[-1]) < config.min_count:
        raise _Damage(f"config min_count is {config.min_count:,}, but word {len(counts) - 1} "
                      f"was kept with a count of {int(counts[-1]):,}")
    for name in ("max_vocab", "max_final_vocab"):
        limit = getattr(config, name)
        if limit is not None and len(counts) > limit:
            raise _Damage(f"config {name} is {limit:,}, but the vocabulary holds "
                          f"{len(counts):,} words")
    return config


def _matrices(arrays: dict, config, V: int) -> Weights:
    """The checkpoint's matrices: W_in and exactly the output matrices ``config`` trains."""
    names = needed(config)
    for name in OUTPUTS:
        if (name in names) != (name in arrays):
            raise _Damage(f"member {name}.npy is {'missing' if name in names else 'present'}, "
                          f"but its configuration (negative={config.negative}, hs="
                          f"{config.hs}) {'trains' if name in names else 'has no'} "
                          "such matrix")
    return Weights(*(_weights(arrays[name], name, V, config.dim) if name in arrays else None
                     for name in NAMES))


def _weights(W: np.ndarray, name: str, V: int, dim: int) -> np.ndarray:
    """(V, dim) float32, C order, finite (checked a block of rows at a time by
    :func:`wordvec.io.first_nonfinite_row`, in bounded memory however large the model)."""
    from .io.finite import first_nonfinite_row

    W = _array(W, name, np.float32, (V, dim))
    if not W.flags.c_contiguous:
        raise _Damage(f"{name}.npy must be stored in C order, it is in Fortran order")
    row = first_nonfinite_row(W)
    if row is not None:
        raise _Damage(f"{name}.npy holds NaN or infinite values (row {row:,} first)")
    return W


def _path(value, name: str) -> str:
    if not isinstance(value, str) or not os.path.isabs(value) or "\0" in value:
        raise _Damage(f"{name} must be an absolute path, got {shown(value)}")
    return value


def _corpus(corpus) -> list | None:
    """None (an in-memory corpus) or a non-empty list of absolute paths."""
    if corpus is None:
        return None
    if not isinstance(corpus, list) or not corpus:
        raise _Damage(f"its corpus is not a list of paths, got {shown(corpus)}")
    for i, c in enumerate(corpus):
        _path(c, f"corpus path {i}")
    return corpus


def _fingerprint(data, corpus, version: int) -> CorpusFingerprint | None:
    """None (version 1, or a writer without one) or the fingerprint, whose files lie in the
    corpus paths (a path corpus) or are None (token lists)."""
    if data is None:
        if corpus is not None and version >= 2:
            raise _Damage("corpus_fingerprint is null, but the run read files (its corpus "
                          "names them), and Word2Vec.fit always keeps their fingerprint")
        return None
    keys = {f.name for f in dataclasses.fields(CorpusFingerprint)}
    if not isinstance(data, dict) or data.keys() != keys:
        raise _Damage(f"corpus_fingerprint must be a mapping of {', '.join(sorted(keys))}, "
                      f"got {shown(data)}")
    digest = data["digest"]
    if not isinstance(digest, str) or not _FINGERPRINT_HEX.fullmatch(digest):
        raise _Damage(f"corpus_fingerprint digest must be 32 hex digits, got {shown(digest)}")
    ids = _int(data["ids"], "corpus_fingerprint ids", 1, _INT64_MAX)
    raw_words = _int(data["raw_words"], "corpus_fingerprint raw_words", ids, _INT64_MAX)
    files = data["files"]
    if (files is None) != (corpus is None):
        raise _Damage(f"corpus_fingerprint files is {shown(files)}, but the corpus is "
                      f"{shown(corpus)}: files are listed exactly for a path corpus")
    if files is not None:
        files = _file_stats(files, corpus)
    return CorpusFingerprint(files=files, digest=digest, raw_words=raw_words, ids=ids)


def _file_stats(files, corpus: list) -> list:
    """A non-empty list of [absolute path, size, st_mtime_ns], each file inside one of the
    corpus paths (the file itself, or a folder above it)."""
    if not isinstance(files, list) or not files:
        raise _Damage(f"corpus_fingerprint files must be a non-empty list, got {shown(files)}")
    roots = [c.rstrip(os.sep) + os.sep for c in corpus]
    for i, entry in enumerate(files):
        if not isinstance(entry, list) or len(entry) != 3:
            raise _Damage(f"corpus_fingerprint file {i} must be [path, size, mtime_ns], got "
                          f"{shown(entry)}")
        path = _path(entry[0], f"corpus_fingerprint file {i}")
        _int(entry[1], f"corpus_fingerprint file {i} size", 0, _INT64_MAX)
        _int(entry[2], f"corpus_fingerprint file {i} mtime_ns", -2**63, _INT64_MAX)
        if path not in corpus and not any(path.startswith(r) for r in roots):
            raise _Damage(f"corpus_fingerprint file {i} ({shown(path)}) lies in none of the "
                          "corpus paths")
    return files


def _schedule(n_jobs, next_job, epochs: int, chunk_words: int, T: int | None, *,
              name: str = "", inside: bool = True):
    """(n_jobs, next_job): ``n_jobs`` a multiple of ``epochs`` (every epoch has the same
    chunks), no more chunks per epoch than T words allow, and ``next_job`` strictly inside
    (a checkpoint is written only between two jobs of an unfinished run); a cluster worker's
    (``inside`` False, ``name`` naming it) may stand at either end of its schedule."""
    from .corpus import MAX_SENTENCE

    n_jobs = _int(n_jobs, f"{name}n_jobs", max(epochs, 2 if inside else 1), _INT64_MAX)
    if n_jobs % epochs:
        raise _Damage(f"{name}n_jobs ({n_jobs:,}) must be a multiple of config epochs "
                      f"({epochs:,})")
    chunks = n_jobs // epochs
    if T is not None:
        # Every chunk but an epoch's last holds chunk_words words or more, and at most
        # chunk_words - 1 + MAX_SENTENCE (it ends at the first sentence end past the mark).
        most = (T - 1) // chunk_words + 1
        least = -(-T // (chunk_words + MAX_SENTENCE - 1))
        if not least <= chunks <= most:
            raise _Damage(f"{name}n_jobs ({n_jobs:,}) gives {chunks:,} chunks per epoch, but "
                          f"{T:,} words in chunks of {chunk_words:,} make {least:,} to "
                          f"{most:,}")
    next_job = _int(next_job, f"{name}next_job", 1 if inside else 0,
                    n_jobs - 1 if inside else n_jobs)
    return n_jobs, next_job


def _cluster_meta(cluster: ClusterState) -> dict:
    """The ``cluster`` field of a cluster run's checkpoint (see the module's docstring)."""
    return {"fraction": float(cluster.fraction),
            "workers": [{"next_job": int(w.next_job), "n_jobs": int(w.n_jobs),
                         "threads": int(np.shape(w.rng)[0]), "digest": digest,
                         "ids": int(ids), "raw_words": int(raw)}
                        for w, (digest, ids, raw) in zip(cluster.workers, cluster.shards)]}


def _cluster(data, arrays: dict, config, chunk_words: int,
             fingerprint: CorpusFingerprint | None) -> ClusterState | None:
    """A cluster run's progress (None for a run of one machine): every worker's schedule,
    threads' states and epoch sums checked as a single run's are, at the rounds' fraction,
    on shards whose fingerprints make the corpus's."""
    from .config import MAX_THREADS, MAX_WORKERS

    if data is None:
        if config.cluster is not None or CLUSTER_MEMBER in arrays:
            raise _Damage("its cluster field is null, but its configuration or its "
                          f"{CLUSTER_MEMBER}.npy member says a cluster run wrote it")
        return None
    if config.cluster is None:
        raise _Damage("its cluster field holds a cluster run's progress, but its "
                      "configuration sets no cluster")
    if not isinstance(data, dict) or data.keys() != {"fraction", "workers"}:
        raise _Damage(f"cluster must be a mapping of fraction and workers, got {shown(data)}")
    fraction, workers = data["fraction"], data["workers"]
    if type(fraction) is not float or not 0 < fraction < 1:
        raise _Damage(f"cluster fraction must be a number between 0 and 1, got "
                      f"{shown(fraction)}")
    if not isinstance(workers, list) or not 1 <= len(workers) <= MAX_WORKERS:
        raise _Damage(f"cluster workers must be a list of 1 to {MAX_WORKERS:,} workers, got "
                      f"{shown(workers)}")
    if fingerprint is None or fingerprint.files is None:
        raise _Damage("a cluster run reads files, but its corpus_fingerprint lists none")
    sums = _array(arrays.get(CLUSTER_MEMBER, np.zeros(0)), CLUSTER_MEMBER, np.float64,
                  (len(workers), config.epochs, 4))
    threads = [_int(w.get("threads") if isinstance(w, dict) else None,
                    f"cluster worker {k} threads", 1, MAX_THREADS)
               for k, w in enumerate(workers)]
    rng = _array(arrays["rng"], "rng", np.uint64, (sum(threads),))
    states, shards, first = [], [], 0
    for k, (w, n) in enumerate(zip(workers, threads)):
        states.append(_worker(k, w, rng[first:first + n], sums[k], config, chunk_words,
                              fraction))
        shards.append((w["digest"], w["ids"], w["raw_words"]))
        first += n
    digests = [digest for digest, _, _ in shards]
    if (shards_digest(digests), sum(i for _, i, _ in shards), sum(r for _, _, r in shards)) \
            != (fingerprint.digest, fingerprint.ids, fingerprint.raw_words):
        raise _Damage("its workers' shards do not make up the corpus of its "
                      "corpus_fingerprint (their fingerprints, ids or raw words)")
    return ClusterState(workers=states, fraction=fraction, shards=shards)


def _worker(k: int, w: dict, rng: np.ndarray, sums: np.ndarray, config, chunk_words: int,
            fraction: float) -> TrainState:
    """Worker ``k``'s state from its entry ``w`` of the cluster field."""
    if w.keys() != _WORKER_KEYS:
        raise _Damage(f"cluster worker {k} must be a mapping of "
                      f"{', '.join(sorted(_WORKER_KEYS))}, got {shown(w)}")
    name = f"cluster worker {k} "
    digest = w["digest"]
    if not isinstance(digest, str) or not _FINGERPRINT_HEX.fullmatch(digest):
        raise _Damage(f"{name}digest must be 32 hex digits, got {shown(digest)}")
    ids = _int(w["ids"], f"{name}ids", 1, _INT64_MAX)
    _int(w["raw_words"], f"{name}raw_words", ids, _INT64_MAX)
    n_jobs, next_job = _schedule(w["n_jobs"], w["next_job"], config.epochs, chunk_words, ids,
                                 name=name, inside=False)
    if next_job != cluster_stop(fraction, n_jobs):
        raise _Damage(f"{name}next_job ({next_job:,} of {n_jobs:,}) is not where the "
                      f"rounds stop it at the cluster's fraction {fraction!r}")
    if config.threads not in (0, rng.shape[0]):
        raise _Damage(f"{name}has {rng.shape[0]:,} thread states, config threads is "
                      f"{config.threads:,}")
    sums = _epoch_sums(np.ascontiguousarray(sums), config, next_job, n_jobs, chunk_words, ids,
                       where=f"{CLUSTER_MEMBER}.npy (worker {k})")
    return TrainState(next_job=next_job, rng=rng.copy(), epoch_sums=sums, n_jobs=n_jobs)


def _cluster_totals(cluster: ClusterState, meta: dict, arrays: dict):
    """The top-level schedule of a cluster run's checkpoint: its workers' sum, exactly."""
    total = cluster.total
    if (meta["n_jobs"], meta["next_job"]) != (total.n_jobs, total.next_job):
        raise _Damage(f"n_jobs and next_job ({shown(meta['n_jobs'])}, "
                      f"{shown(meta['next_job'])}) must be the sums of its workers', "
                      f"{total.n_jobs:,} and {total.next_job:,}")
    sums = _array(arrays["epoch_sums"], "epoch_sums", np.float64, total.epoch_sums.shape)
    if not np.array_equal(sums, total.epoch_sums):
        raise _Damage(f"epoch_sums.npy must be the sum of {CLUSTER_MEMBER}.npy over its "
                      "workers")
    return total.n_jobs, total.next_job, total.rng, sums


def _rng(rng: np.ndarray, threads: int) -> np.ndarray:
    """(n_threads,) uint64, 1 <= n_threads <= MAX_THREADS, as many as config threads (unless
    0, every core: the machine that wrote it decided)."""
    from .config import MAX_THREADS

    rng = _array(rng, "rng", np.uint64, (None,))
    if not 1 <= rng.shape[0] <= MAX_THREADS:
        raise _Damage(f"rng.npy must hold one state per thread, 1 to {MAX_THREADS:,}, it "
                      f"holds {rng.shape[0]:,}")
    if threads not in (0, rng.shape[0]):
        raise _Damage(f"rng.npy holds {rng.shape[0]:,} thread states, config threads is "
                      f"{threads:,}")
    return rng


def _epoch_sums(sums: np.ndarray, config, next_job: int, n_jobs: int, chunk_words: int,
                T: int | None, where: str = "epoch_sums.npy") -> np.ndarray:
    """(epochs, 4) float64 [loss sum, examples, kept words, raw words] per epoch, exactly
    what jobs 0 .. next_job-1 leave (see :func:`wordvec.engine.train.train`): whole numbers
    of examples and words, nothing for the epochs not begun, the whole corpus (T words) for
    each finished epoch, whole chunks for the current one. ``where`` names them in errors."""
    from .corpus import MAX_SENTENCE

    epochs = config.epochs
    sums = _array(sums, "epoch_sums", np.float64, (epochs, 4))
    if not np.isfinite(sums).all() or (sums < 0).any():
        raise _Damage(f"{where} must hold finite numbers >= 0")
    counted = sums[:, 1:]
    if (counted != np.floor(counted)).any() or (counted > 2.0**53).any():
        raise _Damage(f"{where}'s examples, kept and raw words must be whole numbers")
    loss, examples, kept, raw = sums.T
    chunks = n_jobs // epochs
    done, part = divmod(next_job, chunks)       # finished epochs; jobs done in the next one
    begun = done + (1 if part else 0)
    if sums[begun:].any():
        e = begun + int(np.flatnonzero(sums[begun:].any(axis=1))[0])
        raise _Damage(f"{where} has sums for epoch {e + 1}, which next_job "
                      f"({next_job:,} of {n_jobs:,}) has not begun")
    for e in range(begun):
        _epoch_row(e, loss[e], examples[e], kept[e], raw[e], config, where)
    whole = T if T is not None else (int(raw[0]) if done else None)
    if done and ((raw[:done] != whole).any() or whole < 1):
        raise _Damage(f"{where}'s raw words of the finished epochs 1 to {done} must "
                      f"each be the corpus's {whole:,} words, they are "
                      f"{shown(raw[:done].astype(np.int64).tolist())}")
    if part:
        low, high = part * chunk_words, _INT64_MAX
        if T is not None:
            high = part * (chunk_words + MAX_SENTENCE - 1)
        if whole is not None:
            high = min(high, whole - (chunks - part))  # each chunk left holds a word or more
        if not low <= raw[done] <= high:
            raise _Damage(f"{where} says epoch {done + 1} read {int(raw[done]):,} raw "
                          f"words in {part:,} of its {chunks:,} chunks of {chunk_words:,} "
                          f"words; they hold {low:,} to {high:,}")
    return sums


def _epoch_row(e: int, loss, examples, kept, raw, config, where: str) -> None:
    """One begun epoch's sums: kept words no more than raw (all of them without
    subsampling), examples no more than kept words allow, no loss without examples."""
    if kept > raw or (config.sample == 0 and kept != raw):
        raise _Damage(f"{where} says epoch {e + 1} kept {int(kept):,} of {int(raw):,} "
                      f"raw words{' (sample=0 keeps every word)' if config.sample == 0 else ''}")
    # CBOW: one example per kept word; skip-gram: one per context word, 2 * window at most.
    per_word = 1 if config.model == "cbow" else 2 * config.window
    if examples > per_word * kept:
        raise _Damage(f"{where} says epoch {e + 1} had {int(examples):,} examples from "
                      f"{int(kept):,} kept words, more than {config.model} makes")
    if examples == 0 and loss != 0:
        raise _Damage(f"{where} says epoch {e + 1} had a loss of {float(loss):g} "
                      "without a single example")


def _loss_history(history) -> list:
    """A list of epoch losses, each >= 0 or nan (an epoch without examples); inf is damage."""
    if not isinstance(history, list):
        raise _Damage(f"loss_history must be a list of numbers, got {shown(history)}")
    out = []
    for i, x in enumerate(history):
        try:
            value = float(x) if type(x) in (int, float) else None
        except OverflowError:
            value = None
        if value is None or not (math.isnan(value) or (math.isfinite(value) and value >= 0)):
            raise _Damage(f"loss_history entry {i} must be a number >= 0 or NaN, got "
                          f"{shown(x)}")
        out.append(value)
    return out


# --------------------------------------------------------------------------- resuming

def check_corpus_files(ckpt: Checkpoint, corpus, *, same_paths: bool) -> None:
    """Before encoding: refuse a corpus whose files differ from those the run read.

    The same number of files, in the same order, each of its size; with ``same_paths``
    (the corpus is the checkpoint's own paths) also the same paths, so a folder that gained
    or lost a file is refused. A file's time may differ (it was touched, copied back): the
    content is what counts, and :func:`check_encoded` compares it. Raises CheckpointError;
    also for a version 2 checkpoint without a fingerprint (not written by Word2Vec.fit).
    """
    from .corpus import CorpusError, file_stats

    fp = ckpt.fingerprint
    if fp is None:
        if ckpt.version >= 2:
            raise CheckpointError(f"{ckpt.path} keeps no fingerprint of its corpus (it was "
                                  "not written by Word2Vec.fit), so resuming cannot check "
                                  "the corpus; continue it with wordvec.engine.train(start=...)")
        return
    if fp.files is None:
        return
    try:
        now = file_stats(corpus)
    except CorpusError as exc:
        raise CheckpointError(f"{ckpt.path} cannot be resumed: its corpus cannot be read any "
                              f"more ({exc}); {_RESTORE}") from None
    if now is None:
        return                  # token lists: the fingerprint decides
    problem = _files_changed(fp.files, now, same_paths)
    if problem:
        raise CheckpointError(f"{ckpt.path} cannot be resumed: the corpus changed since the "
                              f"run started: {problem}; {_RESTORE}")


def _files_changed(saved: list, now: list, same_paths: bool) -> str | None:
    """What differs between the files read then and now (lists of [path, size, mtime_ns]),
    or None."""
    old, new = [f[0] for f in saved], [f[0] for f in now]
    if same_paths:
        added = [p for p in new if p not in set(old)]
        gone = [p for p in old if p not in set(new)]
        if added:
            return f"{_paths(added)} {'is' if len(added) == 1 else 'are'} new"
        if gone:
            return f"{_paths(gone)} {'is' if len(gone) == 1 else 'are'} gone"
        if old != new:
            return "its files are read in another order"
    elif len(old) != len(new):
        return f"it has {len(new):,} files, the run read {len(old):,}"
    for (_, size_then, _), (path, size, _) in zip(saved, now):
        if size != size_then:
            return f"{path} is now {size:,} bytes, it was {size_then:,}"
    return None


def _paths(paths: list) -> str:
    more = len(paths) - 1
    return paths[0] + (f" (and {more:,} more)" if more else "")


def check_encoded(ckpt: Checkpoint, encoded) -> None:
    """After encoding: refuse a corpus whose encoded words differ from those the run was
    trained on (the fingerprint, raw word and id counts), or whose sentences do not cut into
    the checkpoint's schedule exactly (its jobs, and the words of the jobs done). Raises
    CheckpointError."""
    fp = ckpt.fingerprint
    if fp is not None and (encoded.fingerprint, encoded.raw_words, encoded.tokens) \
            != (fp.digest, fp.raw_words, fp.ids):
        if (encoded.raw_words, encoded.tokens) != (fp.raw_words, fp.ids):
            what = (f"{encoded.raw_words:,} words ({encoded.tokens:,} in the vocabulary) "
                    f"now, {fp.raw_words:,} ({fp.ids:,}) then")
        else:
            what = "as many words as then, but other words or other sentences"
        raise CheckpointError(f"{ckpt.path} cannot be resumed: the corpus holds other text "
                              f"than when the run started ({what}); {_RESTORE}")
    if ckpt.cluster is not None:
        problem = _shards_problem(ckpt.cluster, encoded.shard_prints, encoded.n_jobs)
    else:
        problem = _schedule_problem(ckpt, np.asarray(encoded.bounds))
    if problem:
        raise CheckpointError(f"{ckpt.path} cannot be resumed on this corpus: {problem}; "
                              f"{_RESTORE}")


def _schedule_problem(ckpt: Checkpoint, bounds: np.ndarray) -> str | None:
    """Whether the schedule of ``bounds`` (S+1,) int64 is the checkpoint's: as many jobs,
    each finished epoch the whole corpus, the current one the words of its chunks done."""
    from .schedule import make_chunks

    state, epochs = ckpt.state, ckpt.config.epochs
    chunks = make_chunks(bounds, ckpt.chunk_words)
    if state.n_jobs != epochs * len(chunks):
        return (f"its schedule has {state.n_jobs:,} jobs, this corpus makes "
                f"{epochs * len(chunks):,} ({len(chunks):,} chunks x {epochs:,} epochs)")
    done, part = divmod(state.next_job, len(chunks))
    expected = np.zeros(epochs)
    expected[:done] = bounds[-1]
    if part:
        expected[done] = bounds[chunks[part - 1][1]]
    raw = state.epoch_sums[:, 3]
    if not np.array_equal(raw, expected):
        return (f"the raw words done per epoch, {shown(raw.astype(np.int64).tolist())}, are "
                f"not those of its first {state.next_job:,} jobs on this corpus, "
                f"{shown(expected.astype(np.int64).tolist())}")
    return None


def _shards_problem(cluster: ClusterState, prints: list, n_jobs: list) -> str | None:
    """Whether shards read again (``prints``: per worker (fingerprint, ids, raw words);
    ``n_jobs``: their schedules' jobs) are the ones a cluster run was trained on."""
    if len(prints) != len(cluster.shards):
        return (f"the run had {len(cluster.shards):,} workers, this one "
                f"{len(prints):,}: resume with the same workers")
    for k, (now, then, jobs, state) in enumerate(zip(prints, cluster.shards, n_jobs,
                                                    cluster.workers)):
        if tuple(now) != tuple(then) or jobs != state.n_jobs:
            return (f"worker {k}'s shard reads {now[2]:,} words ({now[1]:,} in the "
                    f"vocabulary, {jobs:,} jobs) now, {then[2]:,} ({then[1]:,}, "
                    f"{state.n_jobs:,}) then, or other words")
    return None
