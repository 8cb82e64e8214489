"""The native model format: :func:`save_model` writes it, :func:`load_model` reads it back
as a checked :class:`SavedModel`.

One uncompressed ``.npz`` (a zip of ``.npy`` files, readable by ``np.load``; the container of
:mod:`wordvec.io.container`) holding ``W_in``, the output matrices ``W_out`` and ``W_hs``
(each optional, see :class:`~wordvec.weights.Weights`), ``counts`` and ``meta``:
a UTF-8 JSON document stored as a uint8 array, with the words, the training config and
history, and the format name and version. Every word is kept, whitespace included. Array
data is 64-byte aligned inside the file so that ``load_model(mmap=True)`` maps the matrices
read-only. It is written atomically (:func:`~wordvec.io.atomic.atomic_write`), and its
members are read within the bounds of :mod:`wordvec.io.container`; its vectors are checked
for NaN and infinity (:func:`~wordvec.io.finite.first_nonfinite_row`).
"""
from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from typing import Any

import numpy as np

from ..errors import WriteError
from ..inputfile import open_input
from ..weights import NAMES, Weights
from .atomic import atomic_write
from .container import (
    _ZIP_DAMAGE,
    _head,
    _map_member,
    _read_member,
    _truncated_error,
    _zip_end_missing,
    write_member,
)
from .errors import VectorFileError, _cap, _names, _show, pickle_problem
from .finite import _nonfinite_problem, first_nonfinite_row

#: The optional matrices, each shaped like W_in.
_OUTPUTS = NAMES[1:]

MODEL_FORMAT = "wordvec-model"
MODEL_VERSION = 1


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class SavedModel:
    """A native model file as :func:`load_model` read and checked it.

    words: list of V distinct str; counts: (V,) int64; W_in: (V, dim) float (read-only
    np.memmap with ``mmap=True``); W_out, W_hs: float like W_in, or None (not saved);
    config: the training config (a dict as save_model writes it); history: as saved (a dict, list or
    None). config and history are the JSON values the file holds, passed on unchecked: their
    user tells a damaged one (:meth:`wordvec.word2vec.Word2Vec.load` names which).
    """

    words: list[str]
    counts: np.ndarray
    W_in: np.ndarray
    W_out: np.ndarray | None
    config: Any
    history: Any
    W_hs: np.ndarray | None = None

    @property
    def weights(self) -> Weights:
        return Weights(self.W_in, self.W_out, self.W_hs)

    def __repr__(self):
        saved = [name for name, _ in self.weights.named()[1:]] or ["no output weights"]
        return (f"SavedModel({len(self.words):,} words, dim {self.W_in.shape[1]}, "
                f"{', '.join(saved)})")


def save_model(path, *, words, counts, W_in, W_out=None, W_hs=None, config, history=None):
    """Write a native model file: one uncompressed ``.npz``, atomically (see the module doc).

    words: list of V distinct str (any characters); counts: (V,) int, stored int64;
    W_in: (V, dim) float (the word vectors), W_out, W_hs: (V, dim) float or None (the output
    weights of negative sampling and of hierarchical softmax, kept for further training);
    each stored in its own dtype, C order.
    config: dict (a dataclass is turned into one) and history: dict, list or None —
    both must be JSON-serialisable; they come back from ``load_model`` as JSON gives them
    (tuples become lists). Members: W_in.npy, W_out.npy and W_hs.npy (if given), counts.npy,
    meta.npy (uint8 UTF-8 JSON: format, version, words, config, history). No pickle anywhere.
    The bytes depend only on the arguments (fixed zip dates): saving twice gives one file.
    """
    words = list(words)
    W_in = np.asarray(W_in)
    counts = np.asarray(counts)
    if W_in.ndim != 2 or W_in.shape[0] != len(words) or W_in.dtype.kind != "f":
        raise ValueError(f"W_in must be a ({len(words)}, dim) float matrix (one row per word), "
                         f"got {W_in.dtype} {W_in.shape}")
    if counts.shape != (len(words),) or counts.dtype.kind not in "iu":
        raise ValueError(f"counts must be ({len(words)},) integers, got {counts.dtype} "
                         f"{counts.shape}")
    outputs = {name: np.asarray(W) for name, W in zip(_OUTPUTS, (W_out, W_hs)) if W is not None}
    for name, W in outputs.items():
        if W.shape != W_in.shape or W.dtype.kind != "f":
            raise ValueError(f"{name} must be a float matrix shaped like W_in {W_in.shape}, "
                             f"got {W.dtype} {W.shape}")
    if not all(isinstance(w, str) for w in words):
        raise ValueError("words must all be str")
    if len(set(words)) != len(words):
        seen = set()
        repeated = next(w for w in words if w in seen or seen.add(w))
        raise WriteError(os.fspath(path), f"word {_show(repeated)} appears more than once in "
                         "words")
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        config = dataclasses.asdict(config)
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    meta = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "words": words,
            "config": config, "history": history}
    try:
        meta_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise WriteError(os.fspath(path), f"words, config and history must be "
                         f"JSON-serialisable (and words encodable as UTF-8): {_cap(exc)}") from None
    arrays = {"W_in": W_in, "counts": counts.astype(np.int64), **outputs}
    arrays["meta"] = np.frombuffer(meta_bytes, dtype=np.uint8)
    with atomic_write(path, "wb") as f:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, array in arrays.items():
                write_member(zf, f, name, array)


def load_model(path, mmap=False):
    """Read a native model file written by ``save_model``; never unpickles.

    mmap: map the matrices read-only from the file (np.memmap, 64-byte aligned) instead of
    reading them into memory: pages load on use (opening reads them once, in blocks, to
    check that every number is finite).
    Returns a :class:`SavedModel`: words (list of V str), counts (V,) int64, W_in (V, dim)
    float, W_out and W_hs (V, dim) float or None, config (a dict), history (as saved).
    Raises VectorFileError for a file that is not a zip, truncated (the problem says so), not
    a wordvec model (another .npz), of a newer format version, damaged, holding pickled
    objects, a member larger than the memory available (without mmap), or vectors holding
    NaN or infinity (naming the first such row and its word).
    """
    # A missing file, a folder, a FIFO: the OSError open_input gives. Opened once: what is
    # checked is what is read and mapped.
    with open_input(path) as f:
        try:
            return _load_model(path, f, mmap)
        except VectorFileError:
            if _zip_end_missing(f):
                raise _truncated_error(path) from None
            raise
        except _ZIP_DAMAGE as exc:  # anything else the zip or .npy readers trip on: damage
            if _zip_end_missing(f):
                raise _truncated_error(path) from None
            raise VectorFileError(path, f"the file is damaged ({type(exc).__name__}: "
                                  f"{_cap(exc)}); it is not a model file as save_model "
                                  "writes it") from None


def _load_model(path, f, mmap):
    """load_model's work on the open file ``f``; errors other than VectorFileError mean
    damaged bytes."""
    try:
        zf = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        head = _head(f)
        start = head[:8]
        pickled = pickle_problem(head)
        if pickled:
            raise VectorFileError(path, pickled) from None
        if _zip_end_missing(f):
            raise _truncated_error(path) from None
        raise VectorFileError(path, "not a wordvec model file: it is not a zip (.npz) archive "
                              f"(it starts {start!r}); word2vec files load with "
                              "load_word2vec_format or load") from None
    with zf:
        names = set(zf.namelist())
        if "meta.npy" not in names:
            raise VectorFileError(path, "not a wordvec model file: the .npz has no 'meta' member "
                                  f"(it holds {_names(names)}); it was not written by save_model")

        def member(name, want_map=False):
            if want_map:
                mapped = _map_member(path, zf, f, name)
                if mapped is not None:
                    return mapped
            try:
                return _read_member(path, zf, name + ".npy")
            except VectorFileError:
                raise
            except _ZIP_DAMAGE as exc:
                raise VectorFileError(path, f"member {name}.npy is damaged ({_cap(exc)})") from None

        raw = member("meta")
        try:
            meta = json.loads(raw.tobytes().decode("utf-8")) if raw.dtype == np.uint8 else None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise VectorFileError(path, f"member meta.npy is not UTF-8 JSON ({_cap(exc)}); the "
                                  "file is damaged") from None
        if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise VectorFileError(path, f"not a wordvec model file: its meta names format "
                                  f"{_show(found)}, not {MODEL_FORMAT!r}")
        version = meta.get("version")
        if not isinstance(version, int) or version > MODEL_VERSION or version < 1:
            raise VectorFileError(path, f"model format version {_show(version)}: this wordvec "
                                  f"reads version {MODEL_VERSION}; the file was written by a "
                                  "newer wordvec — upgrade wordvec to read it")
        for name in ("W_in", "counts"):
            if name + ".npy" not in names:
                raise VectorFileError(path, f"member {name}.npy is missing; the file is damaged")
        words = meta.get("words")
        W_in = member("W_in", mmap)
        outputs = {name: member(name, mmap) for name in _OUTPUTS if name + ".npy" in names}
        counts = member("counts")
    return _checked_model(path, meta, words, counts, Weights(W_in, **outputs))


def _checked_model(path, meta, words, counts, weights: Weights):
    """The SavedModel of what _load_model read, once its parts agree (shapes, dtypes,
    distinct str words, finite vectors); VectorFileError naming what is wrong otherwise."""
    W_in = weights.W_in
    if (not isinstance(words, list) or W_in.ndim != 2 or W_in.shape[0] != len(words)
            or counts.shape != (len(words),)
            or any(W.shape != W_in.shape for _, W in weights.named())):
        n_words = len(words) if isinstance(words, list) else _show(words)
        shapes = ", ".join(f"{name} {W.shape}" for name, W in weights.named()[1:])
        raise VectorFileError(path, f"its parts disagree: {n_words} words, W_in "
                              f"{W_in.shape}, counts {counts.shape}"
                              f"{', ' + shapes if shapes else ''}; the file is damaged")
    members = [(name, W, "f") for name, W in weights.named()] + [("counts", counts, "iu")]
    for name, array, kinds in members:
        if array is not None and array.dtype.kind not in kinds:
            raise VectorFileError(path, f"member {name}.npy holds {array.dtype} numbers, not "
                                  f"{'floats' if kinds == 'f' else 'counts'}; the file is damaged")
    if not all(isinstance(w, str) for w in words) or len(set(words)) != len(words):
        raise VectorFileError(path, "its words are not distinct strings, as save_model writes "
                              "them; the file is damaged")
    for name, array in weights.named():
        bad = first_nonfinite_row(array)
        if bad is not None:
            raise VectorFileError(path, _nonfinite_problem(f"{name} row {bad + 1:,} of "
                                                           f"{len(words):,}", words[bad]))
    return SavedModel(words=words, counts=counts.astype(np.int64, copy=False), W_in=W_in,
                      W_out=weights.W_out, W_hs=weights.W_hs, config=meta.get("config"),
                      history=meta.get("history"))
