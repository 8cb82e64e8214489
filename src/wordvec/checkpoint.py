"""Save and resume the engine's training state.

A checkpoint is one file, ``DIR/checkpoint.npz``: an uncompressed ``.npz`` written
atomically (:func:`wordvec.io.atomic_write`: temporary file, fsync, rename), so a crash or a
Ctrl-C while writing leaves the previous checkpoint whole. No pickle anywhere: arrays are
``.npy`` members and everything else is one JSON document.

Members: ``W_in.npy``, ``W_out.npy`` (V, dim) float32; ``counts.npy`` (V,) int64;
``rng.npy`` (n_threads,) uint64, each thread's SplitMix64 state; ``epoch_sums.npy``
(epochs, 4) float64, per epoch the loss sum, examples, kept and raw words so far;
``meta.npy`` uint8 UTF-8 JSON: format, version, words, config (the
:class:`~wordvec.config.TrainConfig` fields), next_job and n_jobs (the position in the
schedule: job ``j`` is epoch ``j // (n_jobs / epochs)``), chunk_words (the schedule's unit),
corpus (absolute paths, or null for an in-memory corpus), loss_history (epoch losses of
earlier ``fit`` calls) and extra (what the caller asked to keep, e.g. the command line's
output path and format).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import WordvecError

FORMAT = "wordvec-checkpoint"
VERSION = 1
FILENAME = "checkpoint.npz"


class CheckpointError(WordvecError):
    """A checkpoint folder that holds no usable checkpoint; the message names it."""


@dataclass
class Checkpoint:
    """A loaded checkpoint. words: list of V str; counts: (V,) int64; W_in, W_out: (V, dim)
    float32, writeable; config: the :class:`~wordvec.config.TrainConfig`; state: the engine's
    :class:`~wordvec.engine.train.TrainState`; chunk_words: int; corpus: list of paths or
    None; loss_history: list of float; extra: dict; path: the file read."""
    words: list
    counts: np.ndarray
    W_in: np.ndarray
    W_out: np.ndarray
    config: object
    state: object
    chunk_words: int
    corpus: list | None
    loss_history: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    path: Path | None = None


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


def save_checkpoint(directory, *, words, counts, W_in, W_out, config, state, chunk_words: int,
                    corpus=None, loss_history=(), extra=None) -> Path:
    """Write ``DIR/checkpoint.npz`` atomically (creating DIR) and return its path.

    words: V str; counts: (V,) int; W_in, W_out: (V, dim) float32; config: dict of
    TrainConfig fields; state: a TrainState (next_job, n_jobs, rng (n_threads,) uint64,
    epoch_sums (epochs, 4) float64); corpus: as :func:`corpus_paths` takes it; extra: a
    JSON-serialisable dict kept as is.
    """
    from .io import atomic_write

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta = {"format": FORMAT, "version": VERSION, "words": list(words), "config": dict(config),
            "next_job": int(state.next_job), "n_jobs": int(state.n_jobs),
            "chunk_words": int(chunk_words), "corpus": corpus_paths(corpus),
            "loss_history": [float(x) for x in loss_history], "extra": dict(extra or {})}
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    path = checkpoint_path(directory)
    with atomic_write(path, "wb") as f:
        np.savez(f, W_in=np.ascontiguousarray(W_in), W_out=np.ascontiguousarray(W_out),
                 counts=np.asarray(counts, dtype=np.int64),
                 rng=np.asarray(state.rng, dtype=np.uint64),
                 epoch_sums=np.asarray(state.epoch_sums, dtype=np.float64), meta=blob)
    return path


def load_checkpoint(directory) -> Checkpoint:
    """Read ``DIR/checkpoint.npz`` (or a checkpoint file given directly); never unpickles.
    Raises :class:`CheckpointError` for a missing, damaged or foreign file."""
    path = Path(directory)
    if path.is_dir() or not path.exists():
        path = checkpoint_path(directory)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint in {directory} (expected {path}); pass the "
                              "folder given to --checkpoint-dir")
    from .io import VectorFileError, read_npz_members

    try:
        arrays = read_npz_members(path, ("W_in", "W_out", "counts", "rng", "epoch_sums", "meta"))
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except VectorFileError as exc:
        raise CheckpointError(f"{path} is not a readable wordvec checkpoint: "
                              f"{exc.problem}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CheckpointError(f"{path} is not a readable wordvec checkpoint: its meta is not "
                              f"UTF-8 JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT \
            or not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise CheckpointError(f"{path} is not a wordvec checkpoint of version <= {VERSION}")
    try:
        return _checkpoint(path, meta, arrays)
    except (KeyError, TypeError, ValueError) as exc:
        problem = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise CheckpointError(f"{path} is damaged: {problem}") from None


def _checkpoint(path: Path, meta: dict, arrays: dict) -> Checkpoint:
    """The Checkpoint of a file's parts, each checked; KeyError, TypeError or ValueError
    name what is missing or wrong."""
    from .config import TrainConfig
    from .engine.train import TrainState

    words, counts = meta["words"], arrays["counts"]
    W_in, W_out = arrays["W_in"], arrays["W_out"]
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise TypeError("its words are not a list of strings")
    V = len(words)
    if W_in.ndim != 2 or W_in.shape[0] != V or W_out.shape != W_in.shape \
            or counts.shape != (V,) or W_in.dtype != np.float32 or W_out.dtype != np.float32 \
            or counts.dtype.kind not in "iu":
        raise ValueError(f"its parts disagree: {V} words, W_in {W_in.shape} {W_in.dtype}, "
                         f"W_out {W_out.shape} {W_out.dtype}, counts {counts.shape}")
    config = TrainConfig.from_dict(meta["config"])
    if W_in.shape[1] != config.dim:
        raise ValueError(f"its vectors have {W_in.shape[1]} dimensions, its configuration "
                         f"says dim={config.dim}")
    corpus = meta["corpus"]
    if corpus is not None and (not isinstance(corpus, list)
                               or not all(isinstance(c, str) for c in corpus)):
        raise TypeError("its corpus is not a list of paths")
    extra = meta["extra"]
    if not isinstance(extra, dict):
        raise TypeError("its extra is not a mapping")
    state = TrainState(next_job=int(meta["next_job"]), n_jobs=int(meta["n_jobs"]),
                       rng=arrays["rng"].astype(np.uint64).copy(),
                       epoch_sums=arrays["epoch_sums"].astype(np.float64).copy())
    return Checkpoint(words=words, counts=counts.astype(np.int64),
                      W_in=np.ascontiguousarray(W_in).copy(),
                      W_out=np.ascontiguousarray(W_out).copy(),
                      config=config, state=state, chunk_words=int(meta["chunk_words"]),
                      corpus=corpus, loss_history=[float(x) for x in meta["loss_history"]],
                      extra=extra, path=path)
