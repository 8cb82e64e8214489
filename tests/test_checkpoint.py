"""Checkpoints and divergence: exact resume with one thread, a complete checkpoint file,
``wordvec train --resume``, Ctrl-C, and NaN/inf detection that keeps the last good checkpoint.

Small synthetic corpora (a few ten thousand words); a few seconds in all.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile

import click.testing
import numpy as np
import pytest

import wordvec.checkpoint as ckpt_module
from wordvec.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from wordvec.cli import main as cli_main
from wordvec.config import TrainConfig
from wordvec.engine.train import init_weights, train
from wordvec.errors import DivergenceError
from wordvec.memory import MemoryEstimateError
from wordvec.word2vec import Word2Vec


def sha(a) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def synthetic_ids(V=60, T=24_000, sentence=20, seed=0):
    """ids (T,) int32 from a Zipf-like distribution, bounds (S+1,) int64, counts (V,)."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, V + 1)
    ids = rng.choice(V, size=T, p=p / p.sum()).astype(np.int32)
    bounds = np.arange(0, T + 1, sentence, dtype=np.int64)
    return ids, bounds, np.bincount(ids, minlength=V)


@pytest.fixture
def corpus_file(tmp_path):
    """A text corpus of 36,000 words in 1,800 lines (4 jobs of 10,000 words per epoch)."""
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(80)]
    p = 1.0 / np.arange(1, 81)
    tokens = rng.choice(80, size=(1800, 20), p=p / p.sum())
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(words[t] for t in line) for line in tokens) + "\n")
    return path


CONFIG = dict(dim=16, window=3, epochs=3, min_count=1, threads=1, seed=7)


class Stop(KeyboardInterrupt):
    pass


# --------------------------------------------------------------------------------------
# The engine: a state taken at a chunk boundary resumes bit-identically (one thread).
def test_engine_resumed_from_a_saved_checkpoint_is_bit_identical(tmp_path):
    ids, bounds, counts = synthetic_ids()
    cfg = TrainConfig(**CONFIG)
    W_in, W_out = init_weights(len(counts), cfg.dim, seed=cfg.seed)
    full = train(ids, bounds, counts, cfg.replace(chunk_words=1000), W_in, W_out)

    A, B = init_weights(len(counts), cfg.dim, seed=cfg.seed)
    calls = []

    def checkpoint(state):
        calls.append(state.next_job)
        save_checkpoint(tmp_path, words=[str(i) for i in range(len(counts))], counts=counts,
                        W_in=A, W_out=B, config=CONFIG, state=state, chunk_words=1000)
        if len(calls) == 2:
            raise Stop   # Ctrl-C right after the second checkpoint
    with pytest.raises(Stop):
        train(ids, bounds, counts, cfg.replace(chunk_words=1000), A, B, checkpoint=checkpoint,
              checkpoint_every=0.0)
    assert len(calls) == 2 and 0 < calls[0] < calls[1] < full.state.n_jobs

    saved = load_checkpoint(tmp_path)
    assert saved.state.next_job == calls[1]
    resumed = train(ids, bounds, counts, cfg.replace(chunk_words=1000), saved.W_in, saved.W_out,
                    start=saved.state)
    assert sha(saved.W_in) == sha(W_in) and sha(saved.W_out) == sha(W_out)
    assert resumed.epoch_loss == full.epoch_loss
    assert resumed.words == full.words and resumed.examples == full.examples


def test_engine_partial_runs_chain_to_the_full_run():
    ids, bounds, counts = synthetic_ids(seed=3)
    cfg = TrainConfig(**{**CONFIG, "model": "skipgram"})
    W_in, W_out = init_weights(len(counts), cfg.dim, seed=cfg.seed)
    full = train(ids, bounds, counts, cfg.replace(chunk_words=700), W_in, W_out)
    A, B = init_weights(len(counts), cfg.dim, seed=cfg.seed)
    state = None
    for stop_at in (5, 6, 40, None):      # one job, then across an epoch boundary, then the rest
        part = train(ids, bounds, counts, cfg.replace(chunk_words=700), A, B, start=state,
                     stop_at=stop_at)
        state = part.state
    assert state.complete
    assert sha(A) == sha(W_in) and sha(B) == sha(W_out)
    assert part.epoch_loss == full.epoch_loss


def test_a_state_from_another_schedule_is_refused():
    ids, bounds, counts = synthetic_ids()
    cfg = TrainConfig(**CONFIG)
    A, B = init_weights(len(counts), cfg.dim, seed=1)
    state = train(ids, bounds, counts, cfg.replace(chunk_words=1000), A, B, stop_at=3).state
    with pytest.raises(ValueError, match="same corpus, configuration and chunk_words"):
        train(ids, bounds, counts, cfg.replace(chunk_words=500), A, B, start=state)


# --------------------------------------------------------------------------------------
# Word2Vec: fit with checkpoints, interrupted, resumed.
def interrupted_fit(corpus, folder, extra=None, **config):
    """Fit with a checkpoint at the first chunk boundary and Ctrl-C right after it."""
    model = Word2Vec(**{**CONFIG, **config})
    written = []

    def on_checkpoint(path):
        written.append(path)
        raise Stop
    with pytest.raises(Stop):
        model.fit(str(corpus), checkpoint_dir=folder, checkpoint_every=0.0,
                  on_checkpoint=on_checkpoint, checkpoint_extra=extra)
    assert written == [folder / "checkpoint.npz"]
    return written[0]


@pytest.mark.parametrize("output", [dict(), dict(hs=1, negative=0), dict(hs=1)],
                         ids=["negative sampling", "hierarchical softmax", "both"])
def test_fit_interrupted_and_resumed_gives_bit_identical_vectors(corpus_file, tmp_path, output):
    full = Word2Vec(**CONFIG, **output).fit(str(corpus_file))
    interrupted_fit(corpus_file, tmp_path / "ckpt", **output)
    with zipfile.ZipFile(tmp_path / "ckpt" / "checkpoint.npz") as zf:
        held = {n[:-4] for n in zf.namelist() if n.startswith("W_")}
    assert held == {name for name, _ in full.weights.named()}
    resumed = Word2Vec.resume(tmp_path / "ckpt")
    for (name, W), (_, R) in zip(full.weights.named(), resumed.weights.named(), strict=True):
        assert sha(R) == sha(W), name
    assert resumed.loss_history == full.loss_history
    assert resumed.wv.index_to_key == full.wv.index_to_key


def test_resume_takes_the_file_or_a_loaded_checkpoint_and_saves_beside_it(corpus_file,
                                                                          tmp_path):
    full = Word2Vec(**CONFIG).fit(str(corpus_file))
    path = interrupted_fit(corpus_file, tmp_path / "ckpt")
    written = []
    by_file = Word2Vec.resume(path, checkpoint_every=0.0, on_checkpoint=written.append)
    assert written and set(written) == {path}     # into the folder, not a folder named .npz
    assert sha(by_file.wv.vectors) == sha(full.wv.vectors)
    interrupted_fit(corpus_file, tmp_path / "ckpt")
    loaded = Word2Vec.resume(load_checkpoint(tmp_path / "ckpt"), save_checkpoints=False)
    assert sha(loaded.wv.vectors) == sha(full.wv.vectors)


def test_two_threads_resumed_loss_is_within_noise_of_an_uninterrupted_run(corpus_file, tmp_path):
    full = Word2Vec(**{**CONFIG, "threads": 2}).fit(str(corpus_file))
    interrupted_fit(corpus_file, tmp_path / "ckpt", threads=2)
    saved = load_checkpoint(tmp_path / "ckpt")
    assert saved.state.rng.shape == (2,)
    resumed = Word2Vec.resume(tmp_path / "ckpt")
    # Hogwild races only: the same schedule, losses a few per mille apart (measured < 0.5%).
    np.testing.assert_allclose(resumed.loss_history, full.loss_history, rtol=0.03)
    assert resumed.loss_history[-1] < resumed.loss_history[0]


def test_the_checkpoint_file_is_complete_and_holds_no_pickle(corpus_file, tmp_path):
    path = interrupted_fit(corpus_file, tmp_path / "ckpt",
                           extra={"output": "/x/vectors.bin", "format": "word2vec"})
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["W_in.npy", "W_out.npy", "counts.npy",
                                        "epoch_sums.npy", "meta.npy", "rng.npy"]
    assert not [p for p in path.parent.iterdir() if p.name != "checkpoint.npz"]  # no temp file
    saved = load_checkpoint(path.parent)
    V = len(saved.words)
    assert V == 80 and saved.counts.dtype == np.int64 and saved.counts.sum() == 36_000
    assert saved.W_in.shape == saved.W_out.shape == (V, 16) and saved.W_in.dtype == np.float32
    assert np.isfinite(saved.W_in).all() and saved.W_out.any()   # trained, not initial
    assert saved.config == TrainConfig(**CONFIG)
    assert saved.corpus == [str(corpus_file.absolute())]
    assert saved.extra == {"output": "/x/vectors.bin", "format": "word2vec"}
    assert saved.chunk_words == 10_000 and saved.state.n_jobs == 3 * 4
    assert 0 < saved.state.next_job < saved.state.n_jobs
    assert saved.state.rng.dtype == np.uint64 and saved.state.rng.shape == (1,)
    sums = saved.state.epoch_sums
    assert sums.shape == (3, 4) and sums[0, 3] == 10_000 * saved.state.next_job
    assert saved.loss_history == []


def test_a_missing_or_foreign_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(CheckpointError, match="no checkpoint in"):
        load_checkpoint(tmp_path)
    (tmp_path / "checkpoint.npz").write_bytes(b"not a zip")
    with pytest.raises(CheckpointError, match="not a readable wordvec checkpoint"):
        load_checkpoint(tmp_path)


def rewrite_meta(path, change):
    """Rewrite a checkpoint (or native model) file with ``change(meta)`` applied to its
    JSON meta member, the arrays kept; a checkpoint gets a checksum of its new bytes
    (:func:`reseal`), so that its field checks are what refuses it."""
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays["meta"].tobytes())
    change(meta)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    if isinstance(meta, dict) and meta.get("format") == ckpt_module.FORMAT:
        reseal(path)


def reseal(path):
    """Give a rewritten checkpoint file the checksum save_checkpoint writes (the SHA-256 of
    its other bytes, as its zip comment): an edit made by someone who recomputed it."""
    with zipfile.ZipFile(path, "a") as z:
        z.comment = b"0" * 64
    with open(path, "r+b") as f:
        ckpt_module._write_digest(f)


@pytest.mark.parametrize("change, problem", [
    (lambda m: m.pop("next_job"), "no 'next_job'"),
    (lambda m: m.update(words="abc"), "words must be a list of strings"),
    (lambda m: m.update(words=m["words"][:-1]), "counts.npy must be (79,) int64, it is "
                                                "(80,) int64"),
    (lambda m: m.update(config=None), "the configuration is a NoneType, not a mapping"),
    (lambda m: m["config"].update(dim="16"), "dim must be an integer, got '16'"),
    (lambda m: m["config"].update(dim=32), "W_in.npy must be (80, 32) float32, it is "
                                           "(80, 16) float32"),
    (lambda m: m["config"].update(layers=3), "unknown configuration fields"),
    (lambda m: m.update(corpus="a.txt"), "its corpus is not a list of paths"),
    (lambda m: m.update(loss_history=["x"]), "loss_history entry 0 must be a number >= 0 or NaN, "
                                              "got 'x'"),
    (lambda m: m.update(version="1"), "is not a wordvec checkpoint of version <= 3"),
    (lambda m: m["config"].update(hs=1), "member W_hs.npy is missing, but its configuration "
                                         "(negative=5, hs=1) trains such matrix"),
    (lambda m: m["config"].update(hs=1, negative=0), "member W_out.npy is present, but its "
                                                     "configuration (negative=0, hs=1) has no "
                                                     "such matrix"),
    (lambda m: m["config"].update(negative=0), "negative=0 with hs=0 trains no output layer"),
])
def test_a_damaged_checkpoint_is_a_checkpoint_error_naming_the_problem(corpus_file, tmp_path,
                                                                       change, problem):
    path = interrupted_fit(corpus_file, tmp_path / "ckpt")
    rewrite_meta(path, change)
    with pytest.raises(CheckpointError) as info:
        Word2Vec.resume(tmp_path / "ckpt")
    assert problem in str(info.value) and str(path) in str(info.value)
    result = click.testing.CliRunner().invoke(cli_main, ["train", "--resume",
                                                         str(tmp_path / "ckpt")])
    assert result.exit_code == 2 and result.output.count("\n") == 1


def test_a_checkpoint_without_the_newest_fields_takes_their_defaults(corpus_file, tmp_path):
    # A checkpoint written before prune_at existed resumes with its default.
    full = Word2Vec(**CONFIG).fit(str(corpus_file))
    path = interrupted_fit(corpus_file, tmp_path / "ckpt")
    rewrite_meta(path, lambda m: m["config"].pop("prune_at"))
    resumed = Word2Vec.resume(tmp_path / "ckpt")
    assert resumed.config.prune_at == TrainConfig().prune_at
    assert sha(resumed.wv.vectors) == sha(full.wv.vectors)


# --------------------------------------------------------------------------------------
# The command line.
def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "wordvec.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


CLI_OPTIONS = ["--dim", "16", "--window", "3", "--epochs", "3", "--min-count", "1",
               "--threads", "1", "--seed", "7", "-q"]


def test_ctrl_c_saves_a_checkpoint_and_resume_writes_the_requested_file(
        corpus_file, tmp_path, monkeypatch):
    full = tmp_path / "full.txt"
    assert run_cli("train", str(corpus_file), "-o", str(full), *CLI_OPTIONS).returncode == 0

    out, folder = tmp_path / "vectors.txt", tmp_path / "ckpt"
    real_save = ckpt_module.save_checkpoint

    def save_then_ctrl_c(*args, **kw):
        real_save(*args, **kw)
        raise KeyboardInterrupt
    monkeypatch.setattr(ckpt_module, "save_checkpoint", save_then_ctrl_c)
    result = click.testing.CliRunner().invoke(
        cli_main, ["train", str(corpus_file), "-o", str(out), "--checkpoint-dir", str(folder),
                   "--checkpoint-every", "0", *CLI_OPTIONS])
    assert result.exit_code == 130, result.output
    assert f"wordvec train --resume {folder}" in result.output
    assert not out.exists() and (folder / "checkpoint.npz").is_file()

    done = run_cli("train", "--resume", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == full.read_bytes()
    summary = next(line for line in done.stderr.splitlines() if line.startswith("trained"))
    epochs = CLI_OPTIONS[CLI_OPTIONS.index("--epochs") + 1]
    assert re.match(rf"trained cbow on [\d,]+ words, {epochs} epochs \(the last \d+% resumed\) in ",
                    summary), summary
    assert not folder.exists()  # the finished run's checkpoint (and its empty folder) is gone


def cli_checkpoint(corpus_file, tmp_path):
    """A checkpoint as 'wordvec train -o OUT --checkpoint-dir DIR' leaves it after Ctrl-C:
    returns (folder, out, the checkpoint's bytes)."""
    folder, out = tmp_path / "ckpt", tmp_path / "vectors.txt"
    path = interrupted_fit(corpus_file, folder, extra={"output": str(out),
                                                       "format": "word2vec-text"})
    return folder, out, path.read_bytes()


def invoke(*args):
    return click.testing.CliRunner().invoke(cli_main, [str(a) for a in args])


@pytest.mark.parametrize("extra, named", [
    (["--dim", "32"], "--dim"),
    (["--epochs", "9", "--threads", "2"], "--epochs, --threads"),
    (["CORPUS"], "CORPUS"),
    (["--min-count", "3"], "--min-count"),
    (["--checkpoint-dir", "elsewhere"], "--checkpoint-dir"),
])
def test_resume_refuses_options_that_would_change_the_run(corpus_file, tmp_path, extra, named):
    folder, out, saved = cli_checkpoint(corpus_file, tmp_path)
    extra = [str(corpus_file) if a == "CORPUS" else a for a in extra]
    result = invoke("train", "--resume", folder, *extra)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"wordvec: error: --resume continues the saved run with "
                                    f"its own corpus and options; drop {named} ")
    assert (folder / "checkpoint.npz").read_bytes() == saved and not out.exists()


def test_resume_takes_quiet_and_checkpoint_every_and_removes_the_checkpoint(corpus_file,
                                                                           tmp_path):
    folder, out, _ = cli_checkpoint(corpus_file, tmp_path)
    (folder / "notes.txt").write_text("mine")
    result = invoke("train", "--resume", folder, "-q", "--checkpoint-every", "5")
    assert result.exit_code == 0, result.output
    # -q leaves one line: where the vectors go, said before training resumes.
    assert out.is_file() and result.output == (f"resuming {folder / 'checkpoint.npz'}: the "
                                               f"vectors go to {out} (word2vec-text)\n")
    # The checkpoint is gone, the user's own file and so the folder stay.
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_finished_run_removes_its_checkpoint_and_says_so(corpus_file, tmp_path):
    folder, out = tmp_path / "ckpt", tmp_path / "v.txt"
    result = invoke("train", corpus_file, "-o", out, "--checkpoint-dir", folder,
                    "--checkpoint-every", "0", *CLI_OPTIONS[:-1])
    assert result.exit_code == 0, result.output
    assert out.is_file() and not folder.exists()
    assert f"removed the finished run's checkpoint from {folder}" in result.output


def test_an_unfinished_runs_checkpoint_is_never_overwritten_by_a_new_run(corpus_file, tmp_path):
    folder, out, saved = cli_checkpoint(corpus_file, tmp_path)
    result = invoke("train", corpus_file, "-o", tmp_path / "new.bin", "--checkpoint-dir",
                    folder, *CLI_OPTIONS)
    assert result.exit_code == 2
    assert result.output == (f"wordvec: error: {folder} holds the checkpoint of an unfinished "
                             f"run: finish it with 'wordvec train --resume {folder}', or pass "
                             "another --checkpoint-dir\n")
    assert (folder / "checkpoint.npz").read_bytes() == saved
    assert not (tmp_path / "new.bin").exists()


def test_resume_checks_the_memory_it_needs(corpus_file, tmp_path, monkeypatch):
    import wordvec.memory

    folder, out, saved = cli_checkpoint(corpus_file, tmp_path)
    needed = Word2Vec(**CONFIG).build_vocab(str(corpus_file)).memory_estimate.needed
    ckpt = load_checkpoint(folder)
    matrices = ckpt.W_in.nbytes + ckpt.W_out.nbytes
    # Just enough (the loaded matrices count as available): the run goes on.
    monkeypatch.setattr(wordvec.memory, "available_memory", lambda: needed - matrices)
    model = Word2Vec.resume(folder, save_checkpoints=False)
    assert model.memory_estimate.needed == needed
    # One byte short: refused before anything is encoded or trained.
    monkeypatch.setattr(wordvec.memory, "available_memory", lambda: needed - matrices - 1)
    with pytest.raises(MemoryEstimateError, match="its vocabulary and dim are fixed, so free "
                                                  "memory or resume on a machine with more"):
        Word2Vec.resume(folder)
    result = invoke("train", "--resume", folder)
    assert result.exit_code == 2 and result.output.count("\n") == 2
    assert result.output.startswith(f"resuming {folder / 'checkpoint.npz'}: the vectors go to")
    assert result.output.endswith(f"(the last good checkpoint is kept in {folder})\n")
    assert (folder / "checkpoint.npz").read_bytes() == saved and not out.exists()


def test_resume_of_a_folder_without_checkpoint_is_one_line(tmp_path):
    done = run_cli("train", "--resume", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no checkpoint in" in done.stderr


# --------------------------------------------------------------------------------------
# Divergence.
def test_divergence_is_detected_and_names_the_learning_rate():
    ids, bounds, counts = synthetic_ids()
    cfg = TrainConfig(**{**CONFIG, "alpha": 10.0})
    A, B = init_weights(len(counts), cfg.dim, seed=1)
    seen = []
    with pytest.raises(DivergenceError, match=r"alpha=10; use a smaller learning rate, "
                                              r"e.g. alpha=1") as info:
        train(ids, bounds, counts, cfg.replace(chunk_words=1000), A, B, progress=seen.append)
    assert isinstance(info.value, ValueError) and info.value.epoch == 0
    assert seen == []      # stopped at the first chunk, long before any progress report


def test_non_finite_weights_are_caught_at_a_report_and_never_checkpointed(tmp_path):
    ids, bounds, counts = synthetic_ids()
    counts = np.append(counts, 0)      # a word never seen nor drawn as a negative
    cfg = TrainConfig(**CONFIG)
    A, B = init_weights(len(counts), cfg.dim, seed=1)
    A[-1, 0] = np.nan    # a NaN no example touches (the loss stays finite) still stops training
    states = []
    with pytest.raises(DivergenceError, match="the weights became NaN"):
        train(ids, bounds, counts, cfg.replace(chunk_words=1000), A, B, checkpoint=states.append,
              checkpoint_every=0.0)
    assert states == []


def test_a_diverging_fit_keeps_the_last_good_checkpoint(corpus_file, tmp_path):
    interrupted_fit(corpus_file, tmp_path / "ckpt")
    good = (tmp_path / "ckpt" / "checkpoint.npz").read_bytes()
    model = Word2Vec(**{**CONFIG, "alpha": 10.0})
    with pytest.raises(DivergenceError):
        model.fit(str(corpus_file), checkpoint_dir=tmp_path / "ckpt", checkpoint_every=0.0)
    assert (tmp_path / "ckpt" / "checkpoint.npz").read_bytes() == good


def test_cli_divergence_is_one_line_naming_alpha_and_writes_nothing(corpus_file, tmp_path):
    out = tmp_path / "vectors.bin"
    done = run_cli("train", str(corpus_file), "-o", str(out), "--alpha", "10",
                   "--min-count", "1", "--threads", "2", "--checkpoint-dir",
                   str(tmp_path / "ckpt"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert "--alpha" in lines[-1] and "diverged" in lines[-1]
    assert [line for line in lines if line.startswith("wordvec: error")] == [lines[-1]]
    assert not out.exists() and not (tmp_path / "ckpt" / "checkpoint.npz").exists()
