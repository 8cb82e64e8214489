"""The command line under hostile and careless input: outputs that would destroy an input,
options from their whole range, stop signals at random moments, one run per checkpoint
folder, a checkpoint that names its own output, writes that fail after training, and the
memory limits of the process."""
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from test_cli import run_cli
from wordvec import memory
from wordvec.checkpoint import load_checkpoint
from wordvec.cli import main
from wordvec.config import TrainConfig, range_text
from wordvec.corpus import CorpusError
from wordvec.engine.train import make_state
from wordvec.errors import ConfigError, WriteError
from wordvec.folderlock import FolderLockedError, folder_lock
from wordvec.io import load
from wordvec.word2vec import Word2Vec

TEXT = "the cat sat on the mat and the dog sat on the log\n" * 40


def one_line_error(result, *fragments):
    """Exit 2 and a single ``wordvec: error:`` line holding every fragment; returns it."""
    stderr = result.stderr
    assert result.returncode == 2 if hasattr(result, "returncode") else result.exit_code == 2
    lines = [l for l in stderr.strip().splitlines() if not l.startswith("memory: ")]
    assert len(lines) == 1 and lines[0].startswith("wordvec: error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def invoke(*args, **env):
    """The command line in this process (fast): a CliRunner result with stderr apart."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env or None)


def ours(folder: Path) -> list[str]:
    """Temporary files of ours left in ``folder``."""
    return sorted(p.name for p in folder.rglob("*") if re.search(r"\.wordvec-\d+-.*\.tmp$", p.name))


# ------------------------------------------------------------------------------------------
# The output never destroys an input


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(TEXT)
    return path


def _same(corpus):
    return corpus, corpus


def _hard_link(corpus):
    link = corpus.parent / "link.bin"
    os.link(corpus, link)
    return corpus, link


def _symlink(corpus):
    link = corpus.parent / "sym.txt"
    link.symlink_to(corpus)
    return corpus, link


def _dotted(corpus):
    return corpus, corpus.parent / "." / corpus.name


def _in_folder(corpus):
    folder = corpus.parent / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    return folder, folder / "v.bin"


def _nested_in_folder(corpus):
    folder = corpus.parent / "corpus"
    (folder / "deep").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT)
    return folder, folder / "deep" / "v.txt"


def _through_symlinked_folder(corpus):
    folder = corpus.parent / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    (corpus.parent / "alias").symlink_to(folder)
    return folder, corpus.parent / "alias" / "v.bin"


@pytest.mark.parametrize("case", [_same, _hard_link, _symlink, _dotted, _in_folder,
                                  _nested_in_folder, _through_symlinked_folder])
def test_an_output_that_is_or_feeds_the_corpus_is_refused_before_reading(corpus, case):
    source, out = case(corpus)
    before = {p: p.read_bytes() for p in corpus.parent.rglob("*.txt") if p.is_file()}
    result = invoke("train", source, "-o", out, "--format", "word2vec")
    line = one_line_error(result, "-o/--output")
    assert "corpus" in line
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize("inside", ["ckpt", "deep/ckpt"])
def test_a_checkpoint_folder_inside_a_corpus_folder_is_refused(tmp_path, inside):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    result = invoke("train", folder, "-o", tmp_path / "v.bin", "--checkpoint-dir",
                    folder / inside)
    one_line_error(result, "--checkpoint-dir", "inside the corpus folder")
    assert not (folder / inside).exists()


@pytest.mark.parametrize("name", ["checkpoint.npz", ".wordvec.pid"])
def test_the_output_may_not_be_the_checkpoint_folders_own_file(corpus, tmp_path, name):
    ckpt = tmp_path / "ckpt"
    result = invoke("train", corpus, "-o", ckpt / name, "--format", "native",
                    "--checkpoint-dir", ckpt)
    one_line_error(result, "checkpoint folder's own file")


# ------------------------------------------------------------------------------------------
# Every option has a range, checked before the corpus is read


INT_FIELDS = [f for f in TrainConfig.__dataclass_fields__.values() if f.type.startswith("int")]
FLOAT_FIELDS = [f for f in TrainConfig.__dataclass_fields__.values()
                if f.type.startswith("float")]
#: Settings under which every value of a field's own range is valid: negative=0 needs hs=1
#: (some output layer), and a cluster run's workers need a cluster.
PARTNERS = {"negative": {"hs": 1}, "workers": {"cluster": "local"}}


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(INT_FIELDS),
       value=st.integers(min_value=-2**80, max_value=2**80) | st.sampled_from(
           [-1, 0, 1, 1024, 1025, 10_000, 10_001, 100_000, 100_001, 2**31 - 1, 2**31,
            2**63 - 1, 2**63, 2**64 - 1, 2**64]))
def test_every_integer_option_is_accepted_exactly_in_its_range(field, value):
    meta = field.metadata
    inside = ((meta["low"] is None or value >= meta["low"])
              and (meta["high"] is None or value <= meta["high"])
              and (meta["above"] is None or value > meta["above"]))
    try:
        config = TrainConfig(backend=meta["backends"][0], **PARTNERS.get(field.name, {}),
                             **{field.name: value})
    except ConfigError as exc:
        assert not inside
        assert str(exc).startswith(f"{field.name} must be {range_text(field)}, got ")
        assert len(str(exc)) < 160           # a huge value is shown shortened
    else:
        assert inside and getattr(config, field.name) == value


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(FLOAT_FIELDS),
       value=st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
           [float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1.0, 10.0, 10.000001]))
def test_every_float_option_is_finite_and_in_its_range(field, value):
    meta = field.metadata
    inside = (np.isfinite(value) and (meta["low"] is None or value >= meta["low"])
              and (meta["high"] is None or value <= meta["high"])
              and (meta["above"] is None or value > meta["above"]))
    try:
        TrainConfig(backend=meta["backends"][0], **{field.name: value})
    except ConfigError as exc:
        assert not inside and str(exc).startswith(f"{field.name} must be {range_text(field)}")
    else:
        assert inside


@pytest.mark.parametrize("option, value, message", [
    ("--threads", "100000", "--threads must be an integer from 0 to 1,024, got 100000"),
    ("--threads", "-1", "--threads must be an integer from 0 to 1,024"),
    ("--negative", "10000000000000", "--negative must be an integer from 0 to 1,000"),
    ("--negative", "0", "--negative 0 with --hs 0 trains no output layer; use --negative 5 "
                        "(negative sampling), --hs 1 (hierarchical softmax), or both"),
    ("--hs", "2", "--hs must be an integer from 0 to 1, got 2"),
    ("--seed", "-1", "--seed must be an integer from 0 to 18,446,744,073,709,551,615, got -1"),
    ("--seed", str(2**64), "--seed must be an integer from 0"),
    ("--epochs", "1000000000", "--epochs must be an integer from 1 to 10,000"),
    ("--window", "99999999", "--window must be an integer from 1 to 10,000"),
    ("--dim", "10000000", "--dim must be an integer from 1 to 100,000"),
    ("--max-vocab", str(2**40), "--max-vocab must be an integer from 1 to 2,147,483,647"),
    ("--prune-at", str(2**40), "--prune-at must be an integer from 0 to 2,147,483,647"),
    ("--alpha", "inf", "--alpha must be a finite number > 0 and <= 10, got inf"),
    ("--alpha", "nan", "--alpha must be a finite number"),
    ("--min-alpha", "-1e-9", "--min-alpha must be a finite number from 0 to 10"),
    ("--sample", "inf", "--sample must be a finite number from 0 to 1"),
    ("--checkpoint-every", "nan", "--checkpoint-every"),
    ("--checkpoint-every", "inf", "--checkpoint-every"),
    ("--checkpoint-every", "-1", "--checkpoint-every"),
    ("--checkpoint-every", "1e12", "--checkpoint-every"),
    ("--checkpoint-every", "soon", "'soon' is not a number of seconds"),
    ("--dim", "abc", "Invalid value for '--dim': 'abc' is not a valid integer"),
    ("--alpha", "0x1p-4", "Invalid value for '--alpha'"),
    ("--model", "glove", "Invalid value for '--model'"),
])
def test_an_option_out_of_range_is_named_before_the_corpus_is_read(tmp_path, option, value,
                                                                   message):
    # The corpus does not exist: the option must be what the error is about.
    result = invoke("train", tmp_path / "missing.txt", "-o", tmp_path / "v.bin", option, value)
    one_line_error(result, message)
    assert not list(tmp_path.iterdir())


def test_the_cli_help_states_each_range():
    text = invoke("train", "--help").output
    flat = " ".join(text.split())
    assert "an integer from 0 to 1,024" in flat and "an integer from 1 to 100,000" in flat
    assert "seconds between checkpoints, from 0 (after every chunk of work) to 31,536,000" in flat


# ------------------------------------------------------------------------------------------
# The memory estimate counts the threads and respects the process's limits


def test_thread_state_is_counted_per_thread():
    base = memory.estimate(1000, 64, 10_000, threads=1, negative=5)
    many = memory.estimate(1000, 64, 10_000, threads=1024, negative=5)
    assert many.needed - base.needed == 1023 * memory.thread_bytes(64, 5)
    state = make_state(64, 5, 10_000, seed=1, thread=0)
    arrays = sum(getattr(state, f).nbytes for f in state._fields)
    assert arrays < memory.thread_bytes(64, 5) < arrays + memory.THREAD_STACK_BYTES + 4096
    # negative grows it: 1 + negative rows and gradients.
    assert memory.thread_bytes(64, 1000) - memory.thread_bytes(64, 5) == 8 * 995


def test_writer_buffer_is_counted_up_to_4096_rows():
    assert memory.estimate(10, 100, 0).writer == 10 * (48 * 100 + 64)
    assert memory.estimate(10 ** 6, 100, 0).writer == 4096 * (48 * 100 + 64)


def _fake_cgroup(tmp_path, monkeypatch, proc_line, files):
    root = tmp_path / "cgroup"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    proc = tmp_path / "proc_cgroup"
    proc.write_text(proc_line)
    monkeypatch.setattr(memory, "_CGROUP_ROOT", str(root))
    monkeypatch.setattr(memory, "_PROC_CGROUP", str(proc))
    monkeypatch.setattr(memory, "_rlimit_room", lambda: None)


def test_a_cgroup_v2_limit_bounds_the_available_memory(tmp_path, monkeypatch):
    _fake_cgroup(tmp_path, monkeypatch, "0::/job\n", {
        "job/memory.max": f"{300 << 20}\n", "job/memory.current": f"{120 << 20}\n",
        "job/memory.stat": f"anon 1\ninactive_file {20 << 20}\n"})
    assert memory.available_memory() == (300 << 20) - (100 << 20)


def test_a_cgroup_v1_limit_bounds_the_available_memory(tmp_path, monkeypatch):
    _fake_cgroup(tmp_path, monkeypatch, "4:memory:/job\n", {
        "memory/job/memory.limit_in_bytes": f"{1 << 30}\n",
        "memory/job/memory.usage_in_bytes": f"{600 << 20}\n",
        "memory/job/memory.stat": f"total_inactive_file {100 << 20}\n"})
    assert memory.available_memory() == (1 << 30) - (500 << 20)


def test_no_cgroup_limit_leaves_meminfo(tmp_path, monkeypatch):
    _fake_cgroup(tmp_path, monkeypatch, "0::/\n", {"memory.max": "max\n",
                                                   "memory.current": "123\n"})
    # A fixed MemAvailable: two reads of the real one differ while anything else runs.
    monkeypatch.setattr(memory, "_meminfo_available", lambda: 5 << 30)
    assert memory.available_memory() == 5 << 30


def test_rlimit_as_bounds_the_available_memory():
    code = ("import resource; from wordvec import memory; "
            "size = memory._status_bytes(b'VmSize:'); "
            "resource.setrlimit(resource.RLIMIT_AS, (size + (300 << 20), resource.RLIM_INFINITY)); "
            "a = memory.available_memory(); print(a, size)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    available, size = map(int, out.stdout.split())
    assert 0 < available <= 300 << 20


def _train_under_rlimit(tmp_path, preload: str):
    """``wordvec train`` at dim 5000 in a process whose address space is limited to 150 MiB
    above what it holds once ``preload`` has run."""
    corpus = tmp_path / "c.txt"
    rng = np.random.default_rng(0)
    corpus.write_text(" ".join(f"w{i}" for i in rng.integers(0, 5000, 60_000)) + "\n")
    code = ("import resource, sys; from wordvec import memory; from wordvec.__main__ import run; "
            f"{preload}; size = memory._status_bytes(b'VmSize:'); "
            "resource.setrlimit(resource.RLIMIT_AS, (size + (150 << 20), resource.RLIM_INFINITY)); "
            "sys.argv = ['wordvec'] + sys.argv[1:]; run()")
    return subprocess.run([sys.executable, "-c", code, "train", str(corpus), "-o",
                           str(tmp_path / "v.bin"), "--dim", "5000", "--min-count", "1",
                           "--threads", "1"], capture_output=True, text=True, timeout=120)


def test_training_beyond_an_rlimit_is_refused_with_advice(tmp_path):
    """With the compiler loaded, the estimate refuses a run the limit cannot hold."""
    result = _train_under_rlimit(tmp_path, "import wordvec.scan, wordvec.engine")
    one_line_error(result, "of memory", "use --max-vocab")
    assert not (tmp_path / "v.bin").exists()


def test_a_compiler_that_cannot_load_under_an_rlimit_is_one_line(tmp_path):
    """Below what Numba's LLVM library needs, the run stops at its first kernel with one line
    naming the limit, not llvmlite's traceback."""
    result = _train_under_rlimit(tmp_path, "pass")
    one_line_error(result, "cannot load Numba", "raise the limit")
    assert not (tmp_path / "v.bin").exists()


# ------------------------------------------------------------------------------------------
# One run per checkpoint folder


def test_a_second_run_on_a_locked_folder_is_refused_naming_the_first(corpus, tmp_path):
    ckpt = tmp_path / "ckpt"
    with folder_lock(ckpt):
        assert (ckpt / ".wordvec.pid").read_text().strip() == str(os.getpid())
        result = run_cli("train", str(corpus), "-o", str(tmp_path / "v.bin"),
                         "--checkpoint-dir", str(ckpt))
        one_line_error(result, f"in use by another wordvec run (PID {os.getpid()})")
        with folder_lock(ckpt):          # re-entrant within one process
            pass
        assert (ckpt / ".wordvec.pid").exists()
    assert not (ckpt / ".wordvec.pid").exists()
    assert not (tmp_path / "v.bin").exists()


def test_the_lock_refuses_another_process_and_is_freed_when_it_dies(tmp_path):
    ckpt = tmp_path / "ckpt"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from wordvec.folderlock import folder_lock\n"
                               f"with folder_lock({str(ckpt)!r}):\n"
                               "    print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(FolderLockedError) as info:
            with folder_lock(ckpt):
                pass
        assert info.value.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
    with folder_lock(ckpt):      # SIGKILL left no stale lock
        pass


def test_a_checkpoint_folder_that_cannot_be_made_is_refused_before_training(corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke("train", corpus, "-o", tmp_path / "v.bin", "--checkpoint-dir",
                    blocker / "ckpt")
    one_line_error(result, "cannot use --checkpoint-dir")
    assert not (tmp_path / "v.bin").exists()


# ------------------------------------------------------------------------------------------
# Stale temporaries, failed writes


def test_stale_temporaries_of_killed_runs_are_removed(corpus, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".v.bin.wordvec-{dead.pid}-abc123.tmp"
    alive = tmp_path / ".v.bin.wordvec-1-abc123.tmp"      # PID 1 runs: not ours to remove
    other = tmp_path / ".v.bin.other.tmp"
    for path in (stale, alive, other):
        path.write_bytes(b"partial")
    result = invoke("train", corpus, "-o", tmp_path / "v.bin", "--min-count", "1", "-q",
                    "--epochs", "1")
    assert result.exit_code == 0, result.output
    assert not stale.exists() and alive.exists() and other.exists()


@pytest.mark.parametrize("fmt, suffix", [("word2vec", ".bin"), ("native", ".npz")])
def test_a_failed_write_after_training_keeps_the_model(corpus, tmp_path, monkeypatch, fmt,
                                                       suffix):
    import wordvec.cli.train as cli

    out = tmp_path / f"v{suffix}"
    out.write_bytes(b"old")
    trained = {}

    def failing_save(model, path, fmt):
        trained["vectors"] = model.wv.vectors.copy()
        raise WriteError(path, "no space left on device")
    monkeypatch.setattr(cli, "_save", failing_save)
    result = invoke("train", corpus, "-o", out, "--min-count", "1", "--epochs", "1", "-q")
    line = one_line_error(result, f"cannot write {out}: no space left on device",
                          "the trained model is saved in ")
    kept = Path(re.search(r"saved in (\S+?\.npz) instead", line).group(1))
    assert kept.parent == tmp_path and out.read_bytes() == b"old"
    assert np.array_equal(load(kept).vectors, trained["vectors"])
    if fmt == "word2vec":
        assert f"'wordvec export {kept} -o {out}'" in line


def test_when_every_place_fails_the_error_says_so(corpus, tmp_path, monkeypatch):
    import wordvec.cli.train as cli
    import wordvec.word2vec as w2v

    def fail(*args, **kwargs):
        raise WriteError(args[-1] if args else "x", "no space left on device")
    monkeypatch.setattr(cli, "_save", lambda model, path, fmt: fail(path))
    monkeypatch.setattr(w2v.Word2Vec, "save", lambda self, path: fail(path))
    result = invoke("train", corpus, "-o", tmp_path / "v.bin", "--min-count", "1", "-q",
                    "--epochs", "1")
    one_line_error(result, "could not be saved anywhere else either")


def _tmpfs(tmp_path, size="256k"):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): " + done.stderr.decode()[:80])
    return mount


def test_a_full_disk_after_training_rescues_the_model_and_leaves_no_temporary(tmp_path):
    mount = _tmpfs(tmp_path)
    try:
        corpus = tmp_path / "c.txt"
        rng = np.random.default_rng(0)
        corpus.write_text(" ".join(f"w{i}" for i in rng.integers(0, 3000, 30_000)) + "\n")
        out = mount / "v.txt"
        result = run_cli("train", str(corpus), "-o", str(out), "--min-count", "1", "--dim",
                         "50", "--epochs", "1", "-q",
                         env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
        line = one_line_error(result, f"cannot write {out}: no space left on device")
        kept = Path(re.search(r"saved in (\S+?\.npz) instead", line).group(1))
        assert kept.is_file() and len(load(kept)) == 3000
        assert not out.exists() and not list(mount.iterdir())
    finally:
        subprocess.run(["umount", str(mount)], check=False)


# ------------------------------------------------------------------------------------------
# A checkpoint names its own output: untrusted


def _checkpoint_naming(tmp_path, corpus, output, fmt):
    """A genuine, unfinished checkpoint whose command-line record asks for ``output``."""
    ckpt = tmp_path / "ckpt"

    def stop(path):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        Word2Vec(dim=8, epochs=3, min_count=1, threads=1, sample=0).fit(
            str(corpus), checkpoint_dir=ckpt, checkpoint_every=0, on_checkpoint=stop,
            checkpoint_extra={"output": str(output), "format": fmt})
    return ckpt


@pytest.mark.parametrize("target, fmt, message", [
    ("{tmp}/notes.txt", "word2vec-text", "exists and is not a file wordvec wrote"),
    ("{tmp}/v.txt", "word2vec", "whose suffix says otherwise"),
    ("{tmp}/v.exe", "native", "whose suffix says otherwise"),
    ("{corpus}", "word2vec-text", "is the corpus file"),
    ("{tmp}/missing/v.bin", "word2vec", "v.bin"),
    ("", "word2vec", "does not say which file to write"),
    ("{tmp}/v.bin", "pickle", "does not say which file to write"),
])
def test_resume_never_writes_where_only_the_checkpoint_says(tmp_path, corpus, target, fmt,
                                                            message):
    big_corpus = tmp_path / "big.txt"
    big_corpus.write_text(TEXT * 30)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    target = target.format(tmp=tmp_path, corpus=big_corpus)
    ckpt = _checkpoint_naming(tmp_path, big_corpus, target, fmt)
    result = run_cli("train", "--resume", str(ckpt))
    one_line_error(result, message)
    assert notes.read_text() == "my notes\n" and big_corpus.read_text() == TEXT * 30
    assert load_checkpoint(ckpt).extra["output"] == target        # the checkpoint is kept


def test_resume_prints_the_output_and_o_chooses_another(tmp_path):
    corpus = tmp_path / "big.txt"
    corpus.write_text(TEXT * 30)
    ckpt = _checkpoint_naming(tmp_path, corpus, tmp_path / "notes.txt", "word2vec-text")
    (tmp_path / "notes.txt").write_text("mine\n")
    chosen = tmp_path / "chosen.bin"
    result = run_cli("train", "--resume", str(ckpt), "-o", str(chosen), "-q")
    assert result.returncode == 0, result.stderr
    assert f"the vectors go to {chosen} (word2vec)" in result.stderr
    assert len(load(chosen)) == 8 and (tmp_path / "notes.txt").read_text() == "mine\n"
    assert not ckpt.exists()


# ------------------------------------------------------------------------------------------
# Stop signals at random moments


def _spawn(*args, ignored=()):
    """``wordvec ARGS`` as the console script runs it (``python -m wordvec``), started with
    the stop signals at their defaults but for those ``ignored`` (as ``nohup`` or a shell's
    ``&`` start a command), whatever the tests' own process was started with."""
    def start():
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_IGN if number in ignored else signal.SIG_DFL)

    return subprocess.Popen([sys.executable, "-m", "wordvec", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=start)


def _await_handlers(proc, timeout: float = 60.0) -> None:
    """Wait until ``proc`` catches SIGTERM (Linux's ``SigCgt`` mask): the moment wordvec's
    stop-signal handlers are set up, all together. Before it the interpreter is still
    starting (importing ``site``), where a signal is Python's to report, not ours; a loaded
    machine can take over a second to get there."""
    status = Path(f"/proc/{proc.pid}/status")
    if not status.exists():
        pytest.skip("needs Linux's /proc/PID/status to see when the handlers are set up")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        caught = next((line.split()[1] for line in status.read_text().splitlines()
                       if line.startswith("SigCgt:")), "0")
        if int(caught, 16) >> (signal.SIGTERM - 1) & 1:
            return
        time.sleep(0.005)
    raise AssertionError(f"the command never set up its stop-signal handlers "
                         f"(exit code {proc.poll()})")


@pytest.fixture(scope="module")
def signal_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("sig") / "c.txt"
    rng = np.random.default_rng(3)
    p = 1.0 / np.arange(1, 2001)
    ids = rng.choice(2000, size=200_000, p=p / p.sum())
    path.write_text("\n".join(" ".join(f"w{i}" for i in ids[k:k + 20])
                              for k in range(0, ids.size, 20)) + "\n")
    return path


@pytest.mark.slow
def test_stop_signals_at_random_moments_lose_nothing_and_leave_no_temporary(tmp_path,
                                                                          signal_corpus):
    rng = random.Random(10)
    outcomes = []
    for trial in range(10):
        folder = tmp_path / f"run{trial}"
        folder.mkdir()
        out, ckpt = folder / "v.bin", folder / "ckpt"
        sig = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
        proc = _spawn("train", str(signal_corpus), "-o", str(out), "--checkpoint-dir", str(ckpt),
                      "--checkpoint-every", "0", "--epochs", "3", "--threads", "1", "--dim", "32",
                      "--min-count", "1")
        _await_handlers(proc)
        time.sleep(rng.uniform(0.0, 2.7))
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=120)
        assert "Traceback" not in stderr and "Aborted!" not in stderr, stderr
        assert proc.returncode in (0, 128 + sig), (proc.returncode, stderr)
        assert ours(folder) == [], stderr
        if proc.returncode == 0:
            assert len(load(out)) == 2000 and not ckpt.exists()
        else:
            assert not out.exists()
            assert f"interrupted ({signal.Signals(sig).name})" in stderr
            if (ckpt / "checkpoint.npz").exists():
                assert "--resume" in stderr
                load_checkpoint(ckpt)                      # whole and readable
        outcomes.append((proc.returncode, (ckpt / "checkpoint.npz").exists()))
    assert any(code != 0 for code, _ in outcomes), outcomes   # most runs are cut
    # And once at a known moment: SIGTERM just after the first checkpoint, then resume.
    folder = tmp_path / "known"
    folder.mkdir()
    proc = _spawn("train", str(signal_corpus), "-o", str(folder / "v.bin"), "--checkpoint-dir",
                  str(folder / "ckpt"), "--checkpoint-every", "0", "--epochs", "20",
                  "--threads", "1", "--dim", "32", "--min-count", "1")
    deadline = time.monotonic() + 60
    while not (folder / "ckpt" / "checkpoint.npz").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "continue with 'wordvec train --resume" in stderr and ours(folder) == []
    done = run_cli("train", "--resume", str(folder / "ckpt"), "-q")
    assert done.returncode == 0, done.stderr
    assert len(load(folder / "v.bin")) == 2000 and ours(folder) == []
    assert not (folder / "ckpt").exists()


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.4])
def test_an_interrupt_during_start_up_exits_130_without_a_traceback(tmp_path, signal_corpus,
                                                                   delay):
    """From the moment the handlers are set up (the console script's first lines), through
    the imports of the command line, NumPy and Numba, to counting: exit 130 and one line
    saying so, wherever it lands (a CI run found a start-up interrupt that said nothing)."""
    proc = _spawn("train", str(signal_corpus), "-o", str(tmp_path / "v.bin"), "-q")
    _await_handlers(proc)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert "Traceback" not in stderr and "Aborted!" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("wordvec: interrupted (SIGINT)"), stderr
    assert not (tmp_path / "v.bin").exists() and ours(tmp_path) == []


@pytest.mark.parametrize("where", ["loading the command line", "reading the options"])
def test_an_interrupt_before_the_command_runs_says_so_in_one_line(capfd, monkeypatch, where):
    """The two places an interrupt comes before a command's own handling: the console
    script (while it imports the command line) and click reading the options."""
    from wordvec.__main__ import run
    from wordvec.cli import main
    from wordvec.errors import Interrupted

    def loading():
        raise Interrupted(signal.SIGHUP)

    def reading(*args, **kwargs):
        raise Interrupted(signal.SIGHUP)
    if where == "reading the options":
        monkeypatch.setattr(type(main), "parse_args", reading)
        monkeypatch.setattr(sys, "argv", ["wordvec", "similar", "v.bin", "king"])
    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    handlers = {number: signal.getsignal(number) for number in stops}
    try:
        with pytest.raises(SystemExit) as exited:
            run(loading if where == "loading the command line" else main)
    finally:                # run() leaves them ignored, as a process that is exiting
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert exited.value.code == 128 + signal.SIGHUP
    assert capfd.readouterr().err == "wordvec: interrupted (SIGHUP); stopped\n"

def test_a_stop_signal_the_command_was_started_ignoring_stays_ignored(tmp_path,
                                                                      signal_corpus):
    """``nohup wordvec train ... &``: the terminal closing (SIGHUP) and the shell's Ctrl-C
    (SIGINT, which a shell's ``&`` ignores) do not stop the run; SIGTERM still does."""
    out = tmp_path / "v.bin"
    proc = _spawn("train", str(signal_corpus), "-o", str(out), "--threads", "1", "--dim", "32",
                  "--min-count", "1", "--epochs", "3", "--checkpoint-dir",
                  str(tmp_path / "ckpt"), "--checkpoint-every", "0",
                  ignored=(signal.SIGINT, signal.SIGHUP))
    deadline = time.monotonic() + 60
    while not (tmp_path / "ckpt" / "checkpoint.npz").exists() and time.monotonic() < deadline:
        time.sleep(0.02)                  # training: the handlers are set up by now
    proc.send_signal(signal.SIGHUP)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, (proc.returncode, stderr)
    assert len(load(out)) == 2000 and ours(tmp_path) == []
    proc = _spawn("train", str(signal_corpus), "-o", str(tmp_path / "w.bin"), "-q",
                  ignored=(signal.SIGINT, signal.SIGHUP))
    _await_handlers(proc)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, (proc.returncode, stderr)


# ------------------------------------------------------------------------------------------
# Smaller: warnings, a corpus changed while read


def test_every_warning_is_one_line(tmp_path):
    vectors = tmp_path / "v.txt"
    vectors.write_text("3 2\na 1 0\nb 0 1\na 1 1\n")        # a repeated word: io warns
    result = run_cli("similar", str(vectors), "a")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wordvec: warning: ") and "repeated" in lines[0]


def test_a_corpus_cut_between_counting_and_training_is_an_error(tmp_path, monkeypatch):
    """Where the corpus is read twice (counting, then encoding: here because the one read
    is refused its token bytes), a file cut in between is an error."""
    import wordvec.vocab

    monkeypatch.setattr(wordvec.vocab, "_ONE_PASS_TOKEN_BYTES", 0)
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT)
    model = Word2Vec(min_count=1, epochs=1, dim=8).build_vocab(str(corpus))
    corpus.write_text(TEXT[:len(TEXT) // 2])
    with pytest.raises(CorpusError, match="the corpus changed while it was read: counting saw "
                                          "520 words, reading it again for training 260"):
        model.fit(str(corpus))
    assert model.wv is None


def test_a_corpus_read_once_trains_on_what_was_counted(tmp_path):
    """Counting a file encodes it in the same read: cutting the file before fit changes
    nothing, the counts and the ids are of the same text."""
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT)
    model = Word2Vec(min_count=1, epochs=1, dim=8).build_vocab(str(corpus))
    corpus.write_text(TEXT[:len(TEXT) // 2])
    model.fit(str(corpus))
    assert model.words_read == model.vocab.raw_words == 520


def test_a_checkpoint_that_cannot_be_written_warns_and_training_goes_on(tmp_path, monkeypatch):
    from wordvec.checkpointing import CheckpointWriteWarning

    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 30)

    def full_disk(directory, **kwargs):
        raise WriteError(Path(directory) / "checkpoint.npz", "no space left on device")
    monkeypatch.setattr("wordvec.checkpoint.save_checkpoint", full_disk)
    with pytest.warns(CheckpointWriteWarning, match="no space left on device; the previous "
                                                    "checkpoint is kept and training goes on"):
        model = Word2Vec(min_count=1, epochs=2, dim=8, threads=1).fit(
            str(corpus), checkpoint_dir=tmp_path / "ckpt", checkpoint_every=0)
    reference = Word2Vec(min_count=1, epochs=2, dim=8, threads=1).fit(str(corpus))
    assert np.array_equal(model.wv.vectors, reference.wv.vectors)


def test_the_id_file_of_a_run_killed_while_encoding_is_removed_by_the_next(tmp_path,
                                                                         monkeypatch):
    import tempfile

    from wordvec.corpus import encode
    from wordvec.vocab import Vocab

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".ids.wordvec-{dead.pid}-x1y2.tmp"
    stale.write_bytes(b"\0" * 64)
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT * 20)
    vocab = Vocab.build(str(corpus), min_count=1)
    spilled = encode(str(corpus), vocab.word_to_id, memmap_threshold=16, tmp_dir=tmp_path)
    assert isinstance(spilled.ids, np.memmap) and stale.exists()      # encode alone keeps it
    Word2Vec(min_count=1, epochs=1, dim=8, threads=1).fit(str(corpus))
    assert not stale.exists() and ours(tmp_path) == []


def test_resume_of_a_missing_folder_creates_nothing(tmp_path):
    result = invoke("train", "--resume", tmp_path / "typo")
    one_line_error(result, f"no checkpoint in {tmp_path / 'typo'}: the folder does not exist")
    assert not (tmp_path / "typo").exists()


def test_a_run_that_fails_before_its_first_checkpoint_leaves_no_folder(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT)
    result = invoke("train", corpus, "-o", tmp_path / "v.bin", "--min-count", "1000",
                    "--checkpoint-dir", tmp_path / "ckpt")
    one_line_error(result, "--min-count")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


def test_an_output_that_is_a_link_elsewhere_replaces_the_link_not_its_target(corpus, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file\n")
    out = tmp_path / "v.bin"
    out.symlink_to(elsewhere)
    result = invoke("train", corpus, "-o", out, "--min-count", "1", "--epochs", "1", "-q")
    assert result.exit_code == 0, result.output
    assert elsewhere.read_text() == "someone else's file\n"
    assert not out.is_symlink() and len(load(out)) == 8


@pytest.mark.parametrize("module", ["llvmlite.binding.executionengine",
                                    "importlib._bootstrap", "weakref",
                                    "numba.core.types.abstract"])
def test_a_signal_inside_a_c_callback_is_delivered_again_outside_it(module):
    # Python drops an exception raised in a C callback, as llvmlite makes while Numba
    # compiles and the import system's module-lock weakref callback is (a CI run lost a
    # Ctrl-C there); the handler must not raise there but deliver the signal again.
    from wordvec.errors import Interrupted
    from wordvec.signals import stop_signals_raise

    fake_module = {"__name__": module}
    code = compile("handler(signal.SIGTERM, sys._getframe())", f"<{module}>", "eval")
    with stop_signals_raise():
        handler = signal.getsignal(signal.SIGTERM)
        eval(code, {**fake_module, "handler": handler, "signal": signal, "sys": sys})
        with pytest.raises(Interrupted) as info:
            time.sleep(5)             # the signal comes again, and raises here
    assert info.value.signum == signal.SIGTERM


def test_once_the_work_is_done_a_stop_signal_no_longer_stops_the_command():
    from wordvec.errors import Interrupted
    from wordvec.signals import stop_signals_raise, work_done

    with stop_signals_raise():
        work_done()                       # the output is written
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)                   # nothing raised: the rest of the command runs
    with stop_signals_raise():            # the next command starts afresh
        with pytest.raises(Interrupted):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)


def test_a_stopping_run_removes_its_own_temporaries_and_only_them(tmp_path):
    from wordvec.io import remove_stale_temporaries

    own = tmp_path / f".v.bin.wordvec-{os.getpid()}-abc.tmp"
    alive = tmp_path / ".v.bin.wordvec-1-abc.tmp"
    for path in (own, alive):
        path.write_bytes(b"partial")
    assert remove_stale_temporaries(tmp_path) == [] and own.exists()
    assert remove_stale_temporaries(tmp_path, ours=True) == [str(own)]
    assert alive.exists()


@pytest.mark.parametrize("args,expected", [
    (["--backend", "nn", "--sample", "0.1"],
     "wordvec: error: --sample 0.1 is not used by --backend 'nn' (only by the engine backend); "
     "leave it at its default, 0.001"),
    (["--batch-size", "50"],
     "wordvec: error: --batch-size 50 is not used by --backend 'engine' (only by the nn "
     "backend); leave it at its default, 100"),
    (["--chunk-words", "0"],
     "wordvec: error: --chunk-words must be an integer from 1 to 2,147,483,647, got 0"),
])
def test_an_option_of_the_other_backend_or_out_of_range_is_one_line_naming_it(tmp_path, args,
                                                                              expected):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c d e f\n" * 50)
    result = invoke("train", corpus, "-o", tmp_path / "v.bin", *args)
    assert one_line_error(result) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


@pytest.mark.parametrize("options, fix", [
    (["--batch-negatives", "1", "--negative", "0", "--hs", "1"], "use --negative 5"),
    (["--batch-negatives", "1", "--hs", "1"], "use --hs 0"),
    (["--batch-negatives", "2"], "--batch-negatives must be"),
])
def test_shared_negatives_refused_where_they_cannot_apply(corpus, tmp_path, options, fix):
    """--batch-negatives: out of range, or with no negatives to share, or beside hierarchical
    softmax, is one line naming the fix; nothing is written."""
    out = tmp_path / "v.bin"
    result = run_cli("train", str(corpus), "-o", str(out), "--model", "skipgram", *options)
    one_line_error(result, fix)
    assert not out.exists()
