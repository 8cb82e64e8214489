"""A checkpoint is untrusted input: tampered checkpoints are refused with one CheckpointError.

Two real checkpoints of small engine runs (``Word2Vec(dim=8, epochs=3, threads=1,
min_count=1, sample=0)``): *small*, 300 words (one chunk an epoch), stopped after epoch 1
(next_job 1 of 3); *medium*, 36,000 words (four chunks an epoch), stopped after job 5 of 12,
so that it has a finished epoch, a begun one and one not begun.

- Field tampering: one field rewritten at a time, with many bad values each, and the
  checksum recomputed (:func:`test_checkpoint.reseal`), so that only the field checks stand
  between the file and training. Each is refused by ``load_checkpoint``, or, where a value
  is only wrong against the corpus (chunk_words, the fingerprint's digest and sizes), by
  ``Word2Vec.resume``: never accepted, never another exception.
- Plausible values the field checks cannot tell (swapped rows, another finite weight,
  another learning rate): accepted once resealed, refused by the checksum otherwise.
- Harmless changes (the seed, prune_at, a file time, key order, ...): accepted, and the
  resumed vectors are bit-identical to those of the untouched checkpoint.
- Any flipped byte (50 positions, fixed seed) and any truncation: refused by the checksum.
- The corpus: truncated, one word replaced (same size), a folder with a file more or less,
  a file gone -- refused with a line saying what changed; touched (time only), or moved and
  passed explicitly -- accepted, bit-identical.
- Hypothesis: values drawn from whole ranges, accepted exactly when an oracle says so.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_checkpoint import reseal
from wordvec.checkpoint import CheckpointError, load_checkpoint
from wordvec.word2vec import Word2Vec

CONFIG = dict(dim=8, epochs=3, threads=1, min_count=1, sample=0, seed=3)


class Stop(KeyboardInterrupt):
    pass


def sha(a) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def zipf_text(path, n_words: int, vocab: int, per_line: int, seed: int) -> Path:
    """A text file of ``n_words`` words w0..w{vocab-1} (Zipf-like), ``per_line`` a line."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab + 1)
    tokens = rng.choice(vocab, size=(n_words // per_line, per_line), p=p / p.sum())
    path.write_text("\n".join(" ".join(f"w{t}" for t in line) for line in tokens) + "\n")
    return path


def interrupted_fit(corpus, folder, stop_after: int = 1, **config) -> Path:
    """Fit with a checkpoint after every chunk, Ctrl-C after the ``stop_after``-th."""
    written = []

    def on_checkpoint(path):
        written.append(path)
        if len(written) == stop_after:
            raise Stop
    with pytest.raises(Stop):
        Word2Vec(**{**CONFIG, **config}).fit(corpus, checkpoint_dir=folder,
                                             checkpoint_every=0.0, on_checkpoint=on_checkpoint)
    return Path(folder) / "checkpoint.npz"


class Bases(dict):
    def __repr__(self):            # Hypothesis prints the arguments of a failing example
        return "<the small and medium checkpoints>"


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    """{'small': (corpus path, checkpoint bytes), 'medium': ...}; the corpora stay put."""
    root = tmp_path_factory.mktemp("bases")
    small = zipf_text(root / "small.txt", 300, 20, 10, seed=0)
    medium = zipf_text(root / "medium.txt", 36_000, 80, 20, seed=1)
    out = Bases(small=(small, interrupted_fit(str(small), root / "s").read_bytes()),
                medium=(medium, interrupted_fit(str(medium), root / "m", stop_after=5)
                        .read_bytes()))
    state = load_checkpoint(root / "m").state
    assert (state.next_job, state.n_jobs) == (5, 12)
    state = load_checkpoint(root / "s").state
    assert (state.next_job, state.n_jobs) == (1, 3)
    return out


def parts(data: bytes):
    """(arrays without meta, meta) of a checkpoint file's bytes."""
    with np.load(io.BytesIO(data)) as z:
        arrays = {k: z[k] for k in z.files}
    return arrays, json.loads(arrays.pop("meta").tobytes())


def write(path, arrays: dict, meta: dict, seal: bool = True) -> Path:
    """Write ``arrays`` (a None value drops that member; a "meta" array replaces the JSON)
    and ``meta`` as a checkpoint file, with a fresh checksum unless ``seal`` is False."""
    members = {"meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays}
    members = {k: v for k, v in members.items() if v is not None}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.savez(f, **members)
    if seal:
        reseal(path)
    return path


def verdict(path, corpus=None) -> str:
    """'load' or 'resume' (which refused it, with a one-line CheckpointError naming the
    file), or 'accepted' (resumed to the end)."""
    try:
        ckpt = load_checkpoint(path)
    except CheckpointError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc), str(exc)
        return "load"
    try:
        Word2Vec.resume(ckpt, corpus, save_checkpoints=False)
    except CheckpointError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc), str(exc)
        return "resume"
    return "accepted"


# --------------------------------------------------------------------------------------
# The tampered inputs: (field, label, tamper(arrays, meta), base).
def meta_set(key, value):
    return lambda a, m: m.__setitem__(key, value)


def meta_pop(key):
    return lambda a, m: m.pop(key)


def config_set(key, value):
    return lambda a, m: m["config"].__setitem__(key, value)


def fp_set(key, value):
    return lambda a, m: m["corpus_fingerprint"].__setitem__(key, value)


def array_set(name, change):
    return lambda a, m: a.__setitem__(name, change(a[name]))


def cell(name, index, value):
    """Array ``name`` with ``index`` set to ``value`` (a function of the old array, or a
    number)."""
    def change(x):
        x = x.copy()
        x[index] = value(x) if callable(value) else value
        return x
    return array_set(name, change)


def swapped(x, i, j):
    x = x.copy()
    x[[i, j]] = x[[j, i]]
    return x


NOT_INTS = [("float", 1.0), ("bool", True), ("str", "1"), ("null", None), ("list", [1]),
            ("nan", float("nan")), ("inf", float("inf")), ("2^64", 2**64), ("-2^63-1", -2**63 - 1)]


def schedule_cases():
    for label, v in [("-1", -1), ("0", 0), ("2: epoch 2 has no sums", 2), ("3 = n_jobs", 3),
                     ("4", 4), ("2^63", 2**63), *NOT_INTS]:
        yield "next_job", label, meta_set("next_job", v), "small"
    for label, v in [("4: no sums for its epoch 2", 4), ("6: too few words for 2 chunks", 6),
                     ("8", 8)]:
        yield "next_job", label, meta_set("next_job", v), "medium"
    for label, v in [("-1", -1), ("0", 0), ("1", 1), ("2 < epochs", 2), ("4 not a multiple", 4),
                     ("5", 5), ("6: 2 chunks of 300 words", 6), ("30", 30), *NOT_INTS]:
        yield "n_jobs", label, meta_set("n_jobs", v), "small"
    for label, v in [("15", 15), ("24", 24)]:
        yield "n_jobs", label, meta_set("n_jobs", v), "medium"
    for label, v in [("0", 0), ("-1", -1), ("1: not the engine's", 1),
                     ("5000: not the engine's", 5000),
                     *NOT_INTS]:
        yield "chunk_words", label, meta_set("chunk_words", v), "small"
    for label, v in [("20000: too few chunks", 20_000), ("5000: four chunks", 5000)]:
        yield "chunk_words", label, meta_set("chunk_words", v), "medium"


CONFIG_BAD = {
    "model": ["sg", "", 0, None, "CBOW"],
    "dim": [0, -1, 9, 7, 8.0, "8", True, None, 100_001, 2**64],
    "window": [0, -1, 10_001, 2.5, "5", None],
    "negative": [0, -1, 1001, 5.0, "5"],
    "sample": [-0.1, 1.5, float("nan"), float("inf"), "0", None],
    "min_count": [0, -1, 10**6, 1.5, "1", None],
    "max_vocab": [0, -5, 1, 2.0, "20", 2**31],
    "prune_at": [-1, 2**31, 1.5, "0", None],
    "epochs": [0, -1, 2, 4, 10_001, 3.0, "3", None],
    "alpha": [0, -1, float("inf"), float("nan"), 11, "0.05", True],
    "min_alpha": [-1, float("inf"), float("nan"), 11, "0"],
    "threads": [-1, 1025, 2, 1.0, "1", True],
    "seed": [-1, 2**64, 1.5, "1", None],
    "init": ["uniform", 1, None],
    "backend": ["nn", "torch", None],
}


def config_cases():
    for key, values in CONFIG_BAD.items():
        for v in values:
            yield "config", f"{key}={v!r}", config_set(key, v), "small"
    yield "config", "unknown field", config_set("layers", 3), "small"
    yield "config", "dim removed (default 100)", lambda a, m: m["config"].pop("dim"), "small"
    for v in (None, [], "x", 5):
        yield "config", f"config={v!r}", meta_set("config", v), "small"


def words_cases():
    values = {
        "a str": lambda w: "abc", "null": lambda w: None, "a mapping": lambda w: {},
        "empty": lambda w: [], "one fewer": lambda w: w[:-1], "one more": lambda w: w + ["new"],
        "a duplicate": lambda w: [w[0], w[0], *w[2:]], "an empty word": lambda w: ["", *w[1:]],
        "an int": lambda w: [5, *w[1:]], "a null": lambda w: [None, *w[1:]],
        "a lone surrogate": lambda w: ["\udc80", *w[1:]], "a list": lambda w: [["x"], *w[1:]],
        "a bool": lambda w: [True, *w[1:]],
    }
    for label, f in values.items():
        tamper = (lambda f: lambda a, m: m.__setitem__("words", f(m["words"])))(f)  # noqa: B023
        yield "words", label, tamper, "small"


def counts_cases():
    values = {
        "int32": lambda c: c.astype(np.int32), "float64": lambda c: c.astype(np.float64),
        "uint64": lambda c: c.astype(np.uint64), "bool": lambda c: c.astype(bool),
        "one fewer": lambda c: c[:-1], "one more": lambda c: np.append(c, 1),
        "(V, 1)": lambda c: c[:, None], "(1, V)": lambda c: c[None, :],
        "0-d": lambda c: np.int64(c[0]), "a zero": lambda c: np.append(c[:-1], 0),
        "a negative": lambda c: np.append(c[:-1], -1), "first and last swapped": lambda c:
        swapped(c, 0, len(c) - 1), "rising at the end": lambda c: np.append(c[:-1], c[0] + 1),
        "sum past 2^63": lambda c: np.full_like(c, 2**62), "objects (a pickle)": lambda c:
        c.astype(object),
    }
    for label, f in values.items():
        yield "counts", label, array_set("counts", f), "small"


def weights_cases():
    for name in ("W_in", "W_out"):
        values = {
            "float64": lambda W: W.astype(np.float64), "float16": lambda W: W.astype(np.float16),
            "int32": lambda W: W.astype(np.int32), "a row fewer": lambda W: W[:-1],
            "a row more": lambda W: np.vstack([W, W[:1]]), "a column more": lambda W:
            np.hstack([W, W[:, :1]]), "a column fewer": lambda W: W[:, :-1],
            "1-d": lambda W: W.reshape(-1), "3-d": lambda W: W[:, :, None],
            "a NaN": None, "an inf": None, "a -inf": None,
            "Fortran order": lambda W: np.asfortranarray(W), "empty": lambda W: W[:0],
            "objects (a pickle)": lambda W: W.astype(object),
        }
        for label, f in values.items():
            if f is None:
                bad = {"a NaN": np.nan, "an inf": np.inf, "a -inf": -np.inf}[label]
                yield name, label, cell(name, (3, 2), bad), "small"
            else:
                yield name, label, array_set(name, f), "small"


def rng_cases():
    values = {
        "int64": lambda r: r.astype(np.int64), "uint32": lambda r: r.astype(np.uint32),
        "float64": lambda r: r.astype(np.float64), "empty": lambda r: r[:0],
        "2 states, threads=1": lambda r: np.append(r, r), "1025 states": lambda r:
        np.resize(r, 1025), "(1, 1)": lambda r: r[:, None], "0-d": lambda r: r[0],
    }
    for label, f in values.items():
        yield "rng", label, array_set("rng", f), "small"


def sums_cases():
    shapes = {
        "float32": lambda s: s.astype(np.float32), "int64": lambda s: s.astype(np.int64),
        "(2, 4)": lambda s: s[:2], "(4, 4)": lambda s: np.vstack([s, s[:1]]),
        "(3, 3)": lambda s: s[:, :3], "(3, 5)": lambda s: np.hstack([s, s[:, :1]]),
        "(3, 4, 1)": lambda s: s[:, :, None], "flat": lambda s: s.reshape(-1),
    }
    for label, f in shapes.items():
        yield "epoch_sums", label, array_set("epoch_sums", f), "small"
    values = [  # (label, index, value): row 0 is epoch 1 (finished), rows 1 and 2 not begun
        ("NaN loss", (0, 0), np.nan), ("inf loss", (0, 0), np.inf), ("negative loss", (0, 0), -1),
        ("negative examples", (0, 1), -1), ("half an example", (0, 1), lambda s: s[0, 1] + 0.5),
        ("half a kept word", (0, 2), lambda s: s[0, 2] - 0.5),
        ("half a raw word", (0, 3), lambda s: s[0, 3] - 0.5),
        ("a raw word more", (0, 3), lambda s: s[0, 3] + 1),
        ("a raw word fewer", (0, 3), lambda s: s[0, 3] - 1),
        ("epoch 1 not done", 0, 0.0), ("a loss in epoch 2", (1, 0), 1.0),
        ("epoch 3 done", 2, lambda s: s[0]), ("a kept word fewer, sample=0", (0, 2),
                                              lambda s: s[0, 2] - 1),
        ("more kept than raw", (0, 2), lambda s: s[0, 3] + 1),
        ("more examples than kept words", (0, 1), lambda s: s[0, 2] + 1),
        ("a loss without examples", (0, 1), 0.0), ("raw 2^60", (0, 3), 2.0**60),
        ("raw 2^53 + 2", (0, 3), 2.0**53 + 2),
    ]
    for label, index, value in values:
        yield "epoch_sums", label, cell("epoch_sums", index, value), "small"
    for label, row, change in [("a word more (kept and raw)", 0, 1),
                               ("a word fewer (kept and raw)", 0, -1)]:
        yield "epoch_sums", label, words_done(row, change), "small"
    medium = [  # row 0 finished, row 1 one chunk done, row 2 not begun
        ("current epoch: a raw word more", (1, 3), lambda s: s[1, 3] + 1),
        ("current epoch: less than a chunk", (1, 3), 9_999.0),
        ("finished epoch: a raw word fewer", (0, 3), lambda s: s[0, 3] - 1),
        ("a loss in epoch 3", (2, 0), 1.0),
    ]
    for label, index, value in medium:
        yield "epoch_sums", label, cell("epoch_sums", index, value), "medium"
    for label, row, change in [("current epoch: a word more (kept and raw)", 1, 1),
                               ("current epoch: less than a chunk (kept and raw)", 1, -1_000),
                               ("current epoch: two chunks' words (kept and raw)", 1, 12_000),
                               ("finished epoch: a word fewer (kept and raw)", 0, -1)]:
        yield "epoch_sums", label, words_done(row, change), "medium"


def words_done(row: int, change: int):
    """epoch_sums with ``change`` words more kept and read in ``row`` (sample=0 keeps all)."""
    def tamper(a, m):
        s = a["epoch_sums"] = a["epoch_sums"].copy()
        s[row, 2:] += change
    return tamper


def history_cases():
    for label, v in [("a str", "x"), ("null", None), ("an int", 5), ("a mapping", {"a": 1}),
                     ("inf", [float("inf")]), ("-inf", [float("-inf")]), ("negative", [-1.0]),
                     ("a str entry", ["1"]), ("a bool", [True]), ("a null entry", [None]),
                     ("a list entry", [[1]]), ("10^400", [10**400])]:
        yield "loss_history", label, meta_set("loss_history", v), "small"


def corpus_cases():
    for label, v in [("a str", "a.txt"), ("empty", []), ("an empty path", [""]),
                     ("relative", ["small.txt"]), ("an int", [5]), ("a mapping", {"p": 1}),
                     ("null, files listed", None), ("elsewhere", ["/elsewhere/x.txt"]),
                     ("a NUL", ["/a\0b"])]:
        yield "corpus", label, meta_set("corpus", v), "small"
    yield "corpus", "a path more, missing", lambda a, m: m["corpus"].append("/no/such.txt"), \
        "small"


def fingerprint_cases():
    fp = "corpus_fingerprint"
    for label, v in [("null", None), ("a str", "x"), ("a list", []), ("empty", {})]:
        yield fp, label, meta_set(fp, v), "small"
    yield fp, "no digest", lambda a, m: m[fp].pop("digest"), "small"
    yield fp, "a field more", fp_set("more", 1), "small"
    for label, v in [("not hex", "zz" * 16), ("31 digits", "0" * 31), ("upper case", "A" * 32),
                     ("an int", 5), ("other text", "0123456789abcdef" * 2)]:
        yield fp, f"digest {label}", fp_set("digest", v), "small"
    for label, v in [("0", 0), ("-1", -1), ("1.5", 1.5), ("2^64", 2**64),
                     ("a word more", lambda m: m[fp]["ids"] + 1)]:
        yield fp, f"ids {label}", (lambda v: lambda a, m: m[fp].__setitem__(
            "ids", v(m) if callable(v) else v))(v), "small"  # noqa: B023 (bound by the call)
    for label, v in [("fewer than ids", lambda m: m[fp]["ids"] - 1),
                     ("a word more", lambda m: m[fp]["raw_words"] + 1), ("a str", "x")]:
        yield fp, f"raw_words {label}", (lambda v: lambda a, m: m[fp].__setitem__(
            "raw_words", v(m) if callable(v) else v))(v), "small"  # noqa: B023
    for label, v in [("null", None), ("empty", []), ("a str", "x")]:
        yield fp, f"files {label}", fp_set("files", v), "small"

    def file_entry(change):
        def tamper(a, m):
            m[fp]["files"][0] = change(m[fp]["files"][0])
        return tamper
    entries = {
        "two items": lambda e: e[:2], "size -1": lambda e: [e[0], -1, e[2]],
        "size a str": lambda e: [e[0], "1", e[2]], "size 1.5": lambda e: [e[0], 1.5, e[2]],
        "mtime 1.5": lambda e: [e[0], e[1], 1.5], "a relative path": lambda e:
        ["small.txt", e[1], e[2]], "a path outside the corpus": lambda e: ["/x.txt", e[1], e[2]],
        "a byte more": lambda e: [e[0], e[1] + 1, e[2]],
    }
    for label, change in entries.items():
        yield fp, f"file {label}", file_entry(change), "small"
    yield fp, "a file twice", lambda a, m: m[fp]["files"].append(m[fp]["files"][0]), "small"


def extra_cases():
    for label, v in [("null", None), ("a list", []), ("a str", "x"), ("an int", 5)]:
        yield "extra", label, meta_set("extra", v), "small"


def raw_meta(data: bytes):
    return lambda a, m: a.__setitem__("meta", np.frombuffer(data, dtype=np.uint8))


def file_cases():
    for label, tamper in [
            ("format other", meta_set("format", "wordvec-model")),
            ("no format", meta_pop("format")),
            ("version 0", meta_set("version", 0)), ("version 4", meta_set("version", 4)),
            ("version -1", meta_set("version", -1)), ("version '2'", meta_set("version", "2")),
            ("version true", meta_set("version", True)), ("version 2.0", meta_set("version", 2.0)),
            ("version null", meta_set("version", None)),
            ("version 1 with a fingerprint", meta_set("version", 1)),
            ("version 2 with a cluster field", meta_set("version", 2)),
            ("no cluster field", meta_pop("cluster")),
            ("a field more", meta_set("notes", "x")), ("no words", meta_pop("words")),
            ("no extra", meta_pop("extra")), ("no fingerprint", meta_pop("corpus_fingerprint")),
            ("meta not JSON", raw_meta(b"{not json")), ("meta not UTF-8", raw_meta(b"\xff\xfe")),
            ("meta a JSON list", raw_meta(b"[1, 2]")), ("meta a JSON str", raw_meta(b'"x"')),
            ("meta int32", lambda a, m: a.__setitem__(
                "meta", np.frombuffer(json.dumps(m).encode(), dtype=np.uint8).astype(np.int32))),
            ("no meta member", lambda a, m: a.__setitem__("meta", None)),
            ("no W_out member", lambda a, m: a.__setitem__("W_out", None))]:
        yield "file", label, tamper, "small"


CASES = [*schedule_cases(), *config_cases(), *words_cases(), *counts_cases(),
         *weights_cases(), *rng_cases(), *sums_cases(), *history_cases(), *corpus_cases(),
         *fingerprint_cases(), *extra_cases(), *file_cases()]
# Refused only by resume, the corpus in hand: the values that are wrong for it alone.
BY_RESUME = {("chunk_words", "1: not the engine's"), ("chunk_words", "5000: not the engine's"),
             ("chunk_words", "5000: four chunks"),
             ("corpus", "a path more, missing"),
             ("epoch_sums", "current epoch: a word more (kept and raw)"),
             ("corpus_fingerprint", "digest other text"),
             ("corpus_fingerprint", "raw_words a word more"),
             ("corpus_fingerprint", "file a byte more"), ("corpus_fingerprint", "a file twice")}


def test_there_are_many_tampered_inputs_for_every_field():
    per_field = {}
    for field, *_ in CASES:
        per_field[field] = per_field.get(field, 0) + 1
    assert len(CASES) >= 250 and len({(f, label) for f, label, *_ in CASES}) == len(CASES)
    assert min(per_field.values()) >= 4 and len(per_field) == 15, per_field


@pytest.mark.parametrize("field, label, tamper, base", CASES,
                         ids=[f"{f}-{label}" for f, label, _, _ in CASES])
def test_a_tampered_field_is_refused_even_with_a_recomputed_checksum(bases, tmp_path, field,
                                                                     label, tamper, base):
    corpus, data = bases[base]
    arrays, meta = parts(data)
    tamper(arrays, meta)
    path = write(tmp_path / "ckpt" / "checkpoint.npz", arrays, meta)
    expected = "resume" if (field, label) in BY_RESUME else "load"
    assert verdict(path) == expected


# --------------------------------------------------------------------------------------
# What only the checksum can tell, and what does not matter.
PLAUSIBLE = {  # a value of the right kind and range, and consistent: training would use it
    "W_in rows swapped": array_set("W_in", lambda W: swapped(W, 0, 1)),
    "W_out rows swapped": array_set("W_out", lambda W: swapped(W, 2, 5)),
    "another finite weight": cell("W_in", (4, 4), 0.125),
    "words reversed": lambda a, m: m["words"].reverse(),
    "another rng state": cell("rng", 0, lambda r: r[0] + np.uint64(1)),
    "another loss sum": cell("epoch_sums", (0, 0), lambda s: s[0, 0] * 1.01),
    "alpha 0.03": config_set("alpha", 0.03),
    "skip-gram": config_set("model", "skipgram"),
    "window 4": config_set("window", 4),
    "sample 1e-3": config_set("sample", 1e-3),
    "an earlier loss": meta_set("loss_history", [1.5]),
    "another output": meta_set("extra", {"output": "/x/y.txt", "format": "word2vec"}),
}


@pytest.mark.parametrize("label", list(PLAUSIBLE))
def test_a_plausible_change_is_refused_by_the_checksum(bases, tmp_path, label):
    corpus, data = bases["small"]
    arrays, meta = parts(data)
    PLAUSIBLE[label](arrays, meta)
    resealed = write(tmp_path / "a" / "checkpoint.npz", arrays, meta)
    # The same edit with a recomputed checksum passes every field check: the checksum is
    # what guards these.
    load_checkpoint(resealed)
    stale = tmp_path / "b" / "checkpoint.npz"          # the edit, the old checksum kept
    stale.parent.mkdir()
    stale.write_bytes(resealed.read_bytes()[:-64] + data[-64:])
    with pytest.raises(CheckpointError, match="its checksum .* disagrees with its bytes"):
        load_checkpoint(stale)
    without = write(tmp_path / "c" / "checkpoint.npz", arrays, meta, seal=False)
    with pytest.raises(CheckpointError, match="it has no checksum at its end"):
        load_checkpoint(without)


HARMLESS = {  # accepted: resuming gives the vectors of the untouched checkpoint, bit for bit
    "seed (the thread states come from the file, the weights too)": config_set("seed", 99),
    "prune_at (vocabulary counting only)": config_set("prune_at", 5),
    "max_vocab = V (vocabulary counting only)": lambda a, m: m["config"].__setitem__(
        "max_vocab", len(m["words"])),
    "threads 0 (the file's thread count wins)": config_set("threads", 0),
    "a file's time": lambda a, m: m["corpus_fingerprint"]["files"][0].__setitem__(2, 12345),
    "keys in another order": lambda a, m: a.__setitem__("meta", np.frombuffer(json.dumps(
        dict(reversed(list(m.items()))), indent=1).encode(), dtype=np.uint8)),
    "a member more (never read)": lambda a, m: a.__setitem__("notes", np.zeros(3)),
}


@pytest.fixture(scope="module")
def untouched(bases, tmp_path_factory):
    """sha of W_in and W_out resumed from the untouched small checkpoint."""
    path = tmp_path_factory.mktemp("untouched") / "checkpoint.npz"
    path.write_bytes(bases["small"][1])
    model = Word2Vec.resume(path, save_checkpoints=False)
    return sha(model.wv.vectors), sha(model.syn1neg)


@pytest.mark.parametrize("label", list(HARMLESS))
def test_a_harmless_change_resumes_bit_identically(bases, untouched, tmp_path, label):
    arrays, meta = parts(bases["small"][1])
    HARMLESS[label](arrays, meta)
    path = write(tmp_path / "ckpt" / "checkpoint.npz", arrays, meta)
    model = Word2Vec.resume(path, save_checkpoints=False)
    assert (sha(model.wv.vectors), sha(model.syn1neg)) == untouched


def test_a_version_1_file_without_checksum_or_fingerprint_resumes(bases, untouched, tmp_path):
    # The previous version's unfinished runs are accepted, with every field check.
    arrays, meta = parts(bases["small"][1])
    meta["version"] = 1
    del meta["corpus_fingerprint"], meta["cluster"]
    path = write(tmp_path / "ckpt" / "checkpoint.npz", arrays, meta, seal=False)
    assert load_checkpoint(path).fingerprint is None
    model = Word2Vec.resume(path, save_checkpoints=False)
    assert (sha(model.wv.vectors), sha(model.syn1neg)) == untouched
    # ... but not one whose epochs do not add up.
    arrays["epoch_sums"][1, 3] = 5
    assert verdict(write(tmp_path / "bad" / "checkpoint.npz", arrays, meta, seal=False)) == "load"


def test_a_version_2_file_without_a_cluster_field_resumes(bases, untouched, tmp_path):
    # The unfinished runs of the version before cluster runs are accepted as they are.
    arrays, meta = parts(bases["small"][1])
    meta["version"] = 2
    del meta["cluster"]
    path = write(tmp_path / "ckpt" / "checkpoint.npz", arrays, meta)
    assert load_checkpoint(path).cluster is None
    model = Word2Vec.resume(path, save_checkpoints=False)
    assert (sha(model.wv.vectors), sha(model.syn1neg)) == untouched


# --------------------------------------------------------------------------------------
# Bytes.
def test_a_flipped_byte_anywhere_is_refused(bases, tmp_path):
    data = bases["small"][1]
    rng = np.random.default_rng(2024)
    positions = rng.choice(len(data), size=50, replace=False).tolist()
    # And the first byte, the comment's length, the checksum's first and last bytes.
    ends = [0, len(data) - 66, len(data) - 64, len(data) - 1]
    path = tmp_path / "checkpoint.npz"
    for at in positions + ends:
        damaged = bytearray(data)
        damaged[at] ^= int(rng.integers(1, 256))
        path.write_bytes(bytes(damaged))
        with pytest.raises(CheckpointError) as info:
            load_checkpoint(path)
        assert str(path) in str(info.value), at


def test_a_truncated_file_is_refused(bases, tmp_path):
    data = bases["small"][1]
    path = tmp_path / "checkpoint.npz"
    for keep in (0, 10, len(data) // 3, len(data) // 2, len(data) - 65, len(data) - 1):
        path.write_bytes(data[:keep])
        with pytest.raises(CheckpointError):
            load_checkpoint(path)


def test_the_checksum_is_the_sha256_of_the_file_before_it(bases):
    data = bases["small"][1]
    assert data[-64:] == hashlib.sha256(data[:-64]).hexdigest().encode()
    assert data[-86:-82] == b"PK\x05\x06" and data[-66:-64] == (64).to_bytes(2, "little")


# --------------------------------------------------------------------------------------
# The corpus changed between the checkpoint and resume.
@pytest.fixture
def run(tmp_path):
    """(corpus file, checkpoint folder, vectors of the uninterrupted run)."""
    corpus = zipf_text(tmp_path / "corpus.txt", 300, 20, 10, seed=5)
    full = Word2Vec(**CONFIG).fit(str(corpus))
    interrupted_fit(str(corpus), tmp_path / "ckpt")
    return corpus, tmp_path / "ckpt", sha(full.wv.vectors)


def refusal(folder, corpus=None) -> str:
    with pytest.raises(CheckpointError) as info:
        Word2Vec.resume(folder, corpus, save_checkpoints=False)
    message = str(info.value)
    assert str(folder / "checkpoint.npz") in message and "\n" not in message
    assert message.endswith("restore the corpus as it was when the run started, or start a "
                            "new run on the corpus as it is now")
    return message


def test_resume_refuses_a_truncated_corpus(run):
    corpus, folder, _ = run
    text = corpus.read_bytes()
    corpus.write_bytes(text[:-31])
    assert f"{corpus} is now {len(text) - 31:,} bytes, it was {len(text):,}" in refusal(folder)


def test_resume_refuses_a_corpus_with_a_word_replaced_by_one_of_the_same_size(run):
    corpus, folder, _ = run
    text = corpus.read_text()
    assert " w1 " in text and " w2 " in text
    corpus.write_text(text.replace(" w1 ", " w2 ", 1))       # the same bytes, other ids
    assert "as many words as then, but other words or other sentences" in refusal(folder)


def test_resume_accepts_a_touched_corpus(run):
    corpus, folder, full = run
    st_ = corpus.stat()
    os.utime(corpus, ns=(st_.st_atime_ns, st_.st_mtime_ns + 3600 * 10**9))
    assert sha(Word2Vec.resume(folder, save_checkpoints=False).wv.vectors) == full


def test_resume_accepts_the_corpus_moved_and_passed_explicitly(run, tmp_path):
    corpus, folder, full = run
    moved = corpus.rename(tmp_path / "moved.txt")
    assert sha(Word2Vec.resume(folder, str(moved), save_checkpoints=False).wv.vectors) == full
    # ... but it is still checked: another file of another size is refused.
    other = zipf_text(tmp_path / "other.txt", 290, 20, 10, seed=5)
    assert f"{other} is now" in refusal(folder, str(other))


def test_resume_refuses_a_missing_corpus(run):
    corpus, folder, _ = run
    corpus.unlink()
    assert "its corpus cannot be read any more (" in refusal(folder)


@pytest.fixture
def folder_run(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    for i in range(2):
        zipf_text(books / f"b{i}.txt", 150, 20, 10, seed=i)
    interrupted_fit(str(books), tmp_path / "ckpt")
    return books, tmp_path / "ckpt"


def test_resume_refuses_a_folder_corpus_that_gained_a_file(folder_run):
    books, folder = folder_run
    zipf_text(books / "b2.txt", 50, 20, 10, seed=9)
    assert f"{books / 'b2.txt'} is new" in refusal(folder)


def test_resume_refuses_a_folder_corpus_that_lost_a_file(folder_run):
    books, folder = folder_run
    (books / "b0.txt").unlink()
    assert f"{books / 'b0.txt'} is gone" in refusal(folder)


def test_resume_refuses_other_token_lists(tmp_path):
    sentences = [[f"w{(i * 7 + j) % 13}" for j in range(9)] for i in range(40)]
    interrupted_fit(sentences, tmp_path / "ckpt")
    other = [s[::-1] for s in sentences]          # the same words, in another order
    assert "other words or other sentences" in refusal(tmp_path / "ckpt", other)
    Word2Vec.resume(tmp_path / "ckpt", sentences, save_checkpoints=False)


# --------------------------------------------------------------------------------------
# Hypothesis: values from a field's whole range, accepted exactly when the oracle says so.
quick = settings(max_examples=200, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])
json_junk = st.none() | st.booleans() | st.text(max_size=3) | st.lists(st.integers(), max_size=2)
any_int = st.integers(-2**70, 2**70)


def loads(data: bytes, tamper) -> bool:
    """Whether the small checkpoint with ``tamper`` applied (and a recomputed checksum)
    loads; any error but a CheckpointError fails the test."""
    arrays, meta = parts(data)
    tamper(arrays, meta)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "checkpoint.npz", arrays, meta)
        try:
            load_checkpoint(path)
        except CheckpointError as exc:
            assert folder in str(exc) and "\n" not in str(exc)
            return False
    return True


def is_int(v) -> bool:
    return type(v) is int


@quick
@given(st.sampled_from(["next_job", "n_jobs", "chunk_words"]),
       any_int | st.integers(-3, 12_000) | st.floats() | json_junk)
def test_any_schedule_value_loads_only_where_consistent(bases, key, value):
    data = bases["small"][1]
    ok = {"next_job": lambda v: v == 1, "n_jobs": lambda v: v == 3,
          # One chunk an epoch is what 300 words in chunks of any size make (resume then
          # refuses any size but the engine's).
          "chunk_words": lambda v: 1 <= v <= 2**63 - 1}[key]
    assert loads(data, meta_set(key, value)) == (is_int(value) and ok(value))


CONFIG_ORACLE = {  # field: (values, an int field?, accepted)
    "threads": (st.integers(-5, 2000), True, lambda v: v in (0, 1)),  # the file holds 1 state
    "dim": (st.integers(-5, 200_000), True, lambda v: v == 8),        # the vectors' size
    "epochs": (st.integers(-5, 20_000), True, lambda v: v == 3),      # epoch_sums has 3 rows
    "window": (st.integers(-5, 20_000), True, lambda v: 1 <= v <= 10_000),
    "negative": (st.integers(-5, 2000), True, lambda v: 1 <= v <= 1000),
    "seed": (any_int, True, lambda v: 0 <= v <= 2**64 - 1),
    "min_count": (any_int, True, lambda v: 1 <= v <= SMALLEST_COUNT),  # words were kept
    "alpha": (st.floats(), False, lambda v: v is None or 0 < v <= 10),
    "min_alpha": (st.floats(), False, lambda v: v is None or 0 <= v <= 10),
    "sample": (st.floats(), False, lambda v: 0 <= v <= 1),
}
SMALLEST_COUNT = 4      # in the small corpus's vocabulary (asserted below)


@quick
@given(st.data())
def test_any_configuration_value_loads_only_in_range_and_consistent(bases, data):
    raw = bases["small"][1]
    assert int(parts(raw)[0]["counts"].min()) == SMALLEST_COUNT
    key = data.draw(st.sampled_from(sorted(CONFIG_ORACLE)))
    values, integer, ok = CONFIG_ORACLE[key]
    value = data.draw(values | json_junk)
    kind_ok = is_int(value) if integer else (type(value) in (int, float) or (
        value is None and key != "sample"))
    assert loads(raw, config_set(key, value)) == (kind_ok and ok(value)), (key, value)


@quick
@given(st.lists(st.floats() | st.integers(-10, 10**3), max_size=5))
def test_any_loss_history_loads_only_as_losses(bases, history):
    ok = all(x != x or (abs(x) != float("inf") and x >= 0) for x in history)
    assert loads(bases["small"][1], meta_set("loss_history", history)) == ok


@quick
@given(st.integers(0, 2), st.integers(0, 3), st.floats() | st.integers(-10, 10**6))
def test_any_epoch_sum_loads_only_where_consistent(bases, row, col, value):
    raw = bases["small"][1]
    sums = parts(raw)[0]["epoch_sums"]
    value = float(value)
    loss, examples, kept, _ = sums[0]
    if row > 0:                        # epochs not begun: nothing
        ok = value == 0
    elif col == 0:                     # the loss: any finite number >= 0 (there are examples)
        ok = 0 <= value < float("inf")
    elif col == 1:                     # examples: whole, at most one per kept word, some
        ok = math.isfinite(value) and value == int(value) and 1 <= value <= kept
    else:                              # kept and raw words: sample=0 keeps them all
        ok = value == sums[0, col]
    assert loads(raw, cell("epoch_sums", (row, col), value)) == ok, (row, col, value)


@quick
@given(st.data())
def test_any_count_loads_only_in_vocabulary_order(bases, data):
    raw = bases["small"][1]
    counts = parts(raw)[0]["counts"]
    i = data.draw(st.integers(0, len(counts) - 1))
    value = data.draw(st.integers(-2**63, 2**63 - 1))
    new = [int(c) for c in counts]
    new[i] = value
    ok = all(c >= 1 for c in new) and all(a >= b for a, b in zip(new, new[1:])) \
        and sum(new) <= 2**63 - 1
    assert loads(raw, cell("counts", i, value)) == ok


@quick
@given(st.integers(0, 2**64 - 1))
def test_any_thread_state_loads(bases, state):
    # Every uint64 is a SplitMix64 state: only the checksum can tell another one.
    assert loads(bases["small"][1], cell("rng", 0, np.uint64(state)))


