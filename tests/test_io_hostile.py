"""Hostile input and a hostile system for wordvec.io ("Nothing lost, nobody in"): every failure
is a WordvecError with a short message naming the file and the cause, the old file stays
byte for byte, no temporary is left, and nothing is allocated for what a file merely claims."""
from __future__ import annotations

import bz2
import errno
import gzip
import io
import json
import lzma
import os
import re
import struct
import subprocess
import sys
import tempfile
import tracemalloc
import zipfile

import numpy as np
import pytest

import wordvec.io as wio
from wordvec.errors import QueryError, WordvecError, WriteError
from wordvec.io import (
    VectorFileError,
    atomic_write,
    atomic_write_group,
    check_output_path,
    load,
    load_model,
    load_word2vec_format,
    read_npz_members,
    remove_stale_temporaries,
    save_model,
    save_projector,
    save_word2vec_format,
)
from wordvec.vectors import WordVectors

OLD = b"old file, complete\n"


def listing(folder):
    return sorted(os.listdir(folder))


def assert_untouched(folder, name="out.bin", content=OLD):
    """The old file is byte for byte as it was and nothing else lies beside it."""
    assert (folder / name).read_bytes() == content
    assert listing(folder) == [name]


def fail_with(code, message=None):
    def fail(*args, **kwargs):
        raise OSError(code, message or os.strerror(code))
    return fail


# --------------------------------------------------------------------------- one word rule

# Characters Python's str.split() splits on but the corpus reader (ASCII whitespace only)
# keeps inside a word, as gensim's readers do.
UNICODE_SPACES = ["\u00a0", "\u0085", "\u3000", "\u2028", "\u2029", "\u1680", "\u202f",
                  "\x1c", "\x1d", "\x1e", "\x1f"]


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize("space", UNICODE_SPACES, ids=[f"U+{ord(c):04X}" for c in UNICODE_SPACES])
def test_words_with_unicode_spaces_round_trip_through_ours_and_gensim(tmp_path, space, binary):
    words = [f"new{space}york", f"{space}lead", f"trail{space}", space, "plain"]
    vectors = np.random.default_rng(ord(space)).standard_normal((5, 3)).astype(np.float32)
    path = tmp_path / "v"
    save_word2vec_format(path, words, vectors, binary=binary)
    first = path.read_bytes()
    assert f"new{space}york ".encode() in first               # the word's own bytes, unescaped
    wv = load_word2vec_format(path, binary=binary)
    assert wv.index_to_key == words
    np.testing.assert_array_equal(wv.vectors, vectors)
    assert load_word2vec_format(path).index_to_key == words   # detection by content too
    save_word2vec_format(path, wv.index_to_key, wv.vectors, binary=binary)
    assert path.read_bytes() == first                          # byte-exact round trip
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert kv.index_to_key == words
    np.testing.assert_array_equal(kv.vectors, vectors)


@pytest.mark.parametrize("word", ["", "new york", "a\tb", "line\n", "cr\rx", "v\x0bt", "f\x0cf",
                                  "x" * 5000 + " y", "lone\ud800"])
@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_words_the_formats_cannot_hold_are_refused_before_writing(tmp_path, word, binary):
    (tmp_path / "out.bin").write_bytes(OLD)
    with pytest.raises(WriteError) as info:
        save_word2vec_format(tmp_path / "out.bin", ["ok", word], np.zeros((2, 2)), binary=binary)
    message = str(info.value)
    assert message.startswith(f"cannot write {tmp_path / 'out.bin'}: word 1 (")
    assert repr(word[:60]) in message and "save_model" in message
    assert len(message) < 400                                  # a 5,000-character word is cut
    assert_untouched(tmp_path)


# --------------------------------------------------------------------------- atomic_write

TEMP = re.compile(rf"\.out\.bin\.wordvec-{os.getpid()}-[a-z0-9_]+\.tmp")


def test_the_temporary_carries_our_pid_beside_the_target(tmp_path):
    with atomic_write(tmp_path / "out.bin") as f:
        f.write(b"new")
        (name,) = listing(tmp_path)
        assert TEMP.fullmatch(name), name
    assert listing(tmp_path) == ["out.bin"] and (tmp_path / "out.bin").read_bytes() == b"new"


@pytest.mark.parametrize("where,code,fragment", [
    ("tempfile.mkstemp", errno.EROFS, "read-only file system"),
    ("tempfile.mkstemp", errno.EACCES, "permission denied"),
    ("tempfile.mkstemp", errno.EMFILE, "too many open files"),
    ("os.fsync", errno.ENOSPC, "no space left on device"),
    ("os.fsync", errno.EDQUOT, "the disk quota is exceeded"),
    ("os.fsync", errno.EIO, "an input/output error"),
    ("os.replace", errno.ENOENT, "its folder does not exist (any more)"),
    ("os.replace", errno.EXDEV, os.strerror(errno.EXDEV)),    # no phrase of ours: strerror
])
def test_os_failures_become_write_errors_and_keep_the_old_file(tmp_path, monkeypatch, where,
                                                               code, fragment):
    (tmp_path / "out.bin").write_bytes(OLD)
    module, name = where.split(".")
    monkeypatch.setattr({"os": os, "tempfile": tempfile}[module], name, fail_with(code))
    with pytest.raises(WriteError) as info:
        save_word2vec_format(tmp_path / "out.bin", ["a", "b"], np.ones((2, 3)))
    assert str(info.value).startswith(f"cannot write {tmp_path / 'out.bin'}: {fragment}")
    assert info.value.path == str(tmp_path / "out.bin")
    assert isinstance(info.value.__cause__, OSError) and info.value.__cause__.errno == code
    monkeypatch.undo()
    assert_untouched(tmp_path)


@pytest.mark.parametrize("code,fragment", [(errno.ENOSPC, "no space left"),
                                           (errno.EFBIG, "larger than the file system"),
                                           (errno.EROFS, "read-only")])
def test_a_write_failing_inside_the_block_is_a_write_error(tmp_path, code, fragment):
    (tmp_path / "out.bin").write_bytes(OLD)
    with pytest.raises(WriteError, match=re.escape(fragment)):
        with atomic_write(tmp_path / "out.bin") as f:
            f.write(b"half")
            raise OSError(code, os.strerror(code))   # what f.write raises: no file name
    assert_untouched(tmp_path)


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), SystemExit(3), RuntimeError("boom"),
                                 FileNotFoundError(errno.ENOENT, "gone", "/some/input"),
                                 OSError(errno.ENOSPC, "full", "/another/file")],
                         ids=["KeyboardInterrupt", "SystemExit", "RuntimeError",
                              "input-missing", "another-file-full"])
def test_other_exceptions_propagate_unchanged_and_remove_the_temporary(tmp_path, exc):
    (tmp_path / "out.bin").write_bytes(OLD)
    with pytest.raises(type(exc)) as info:
        with atomic_write(tmp_path / "out.bin") as f:
            f.write(b"half")
            raise exc
    assert info.value is exc
    assert_untouched(tmp_path)


def _interrupted_after(name, monkeypatch):
    """Make ``name`` (tempfile.mkstemp, os.close, os.unlink) do its work once and then raise
    KeyboardInterrupt: a stop signal landing just after the call, before its caller can
    remember what it made."""
    module, attr = (tempfile, "mkstemp") if name == "mkstemp" else (os, name)
    real, calls = getattr(module, attr), []

    def interrupted(*args, **kwargs):
        result = real(*args, **kwargs)
        if not calls:
            calls.append(args)
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(module, attr, interrupted)
    return calls


@pytest.mark.parametrize("name", ["mkstemp", "close", "unlink"])
def test_a_stop_signal_anywhere_in_the_probe_leaves_no_temporary(tmp_path, monkeypatch, name):
    calls = _interrupted_after(name, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        check_output_path(tmp_path / "out.bin")
    assert calls and listing(tmp_path) == []


def test_a_stop_signal_as_the_temporary_is_made_leaves_no_temporary(tmp_path, monkeypatch):
    (tmp_path / "out.bin").write_bytes(OLD)
    (tmp_path / "other.bin.wordvec-1-x.tmp").write_bytes(b"not ours")
    _interrupted_after("mkstemp", monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(tmp_path / "out.bin") as f:
            f.write(b"never")
    assert listing(tmp_path) == ["other.bin.wordvec-1-x.tmp", "out.bin"]
    assert (tmp_path / "out.bin").read_bytes() == OLD


def test_name_too_long_for_the_temporary(tmp_path):
    name = "n" * 250                          # fits (255), but .{name}.wordvec-PID-XXX.tmp not
    with pytest.raises(WriteError, match="the file name is too long for the file system"):
        save_word2vec_format(tmp_path / name, ["a"], np.ones((1, 2)))
    assert listing(tmp_path) == []
    with pytest.raises(WriteError, match="too long"):
        check_output_path(tmp_path / name)
    assert listing(tmp_path) == []


def test_a_vanished_folder(tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    folder.rmdir()
    with pytest.raises(WriteError, match=r"gone/v.bin: its folder does not exist \(any more\)"):
        save_word2vec_format(folder / "v.bin", ["a"], np.ones((1, 2)))
    assert listing(tmp_path) == []


def test_the_target_is_a_folder(tmp_path):
    (tmp_path / "out.bin").mkdir()
    with pytest.raises(WriteError, match="out.bin: it is a folder"):
        save_word2vec_format(tmp_path / "out.bin", ["a"], np.ones((1, 2)))
    assert listing(tmp_path) == ["out.bin"] and listing(tmp_path / "out.bin") == []


# --------------------------------------------------------------------------- a real small disk

@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs (root only), holding out.bin = OLD; unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        (mount / "out.bin").write_bytes(OLD)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk(small_disk):
    vectors = np.ones((3000, 100), np.float32)           # 1.2 MB, more than the disk holds
    words = [f"w{i}" for i in range(3000)]
    with pytest.raises(WriteError) as info:
        save_word2vec_format(small_disk / "out.bin", words, vectors)
    assert "no space left on device" in str(info.value)
    assert_untouched(small_disk)
    save_word2vec_format(small_disk / "out.bin", words[:10], vectors[:10])   # room again
    assert load_word2vec_format(small_disk / "out.bin").index_to_key == words[:10]


def test_a_read_only_file_system(small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(WriteError, match="out.bin: read-only file system"):
        save_word2vec_format(small_disk / "out.bin", ["a"], np.ones((1, 2)))
    with pytest.raises(WriteError, match="new.bin: read-only file system"):
        check_output_path(small_disk / "new.bin")
    assert_untouched(small_disk)


# --------------------------------------------------------------------------- check_output_path

@pytest.mark.parametrize("make,fragment", [
    (lambda d: d / "missing" / "v.bin", "does not exist; create it first"),
    (lambda d: (d / "file").write_bytes(b"") or d / "file" / "v.bin", "is not a folder"),
    (lambda d: (d / "sub").mkdir() or d / "sub", "it is a folder"),
    (lambda d: str(d / "new") + os.sep, "it names a folder, not a file"),
    (lambda d: d / ("n" * 256), "too long for the file system (256 bytes, at most 255)"),
    (lambda d: d / ("n" * 240), "the file name is too long"),        # only its temporary is
])
def test_check_output_path_refuses(tmp_path, make, fragment):
    path = make(tmp_path)
    before = listing(tmp_path)
    with pytest.raises(WriteError) as info:
        check_output_path(path)
    assert fragment in str(info.value) and str(info.value).startswith(f"cannot write {path}")
    assert listing(tmp_path) == before


def test_check_output_path_probes_the_folder(tmp_path, monkeypatch):
    assert check_output_path(tmp_path / "v.bin") is None
    assert check_output_path(tmp_path / ("n" * 200)) is None
    assert listing(tmp_path) == []                                    # the probe is gone
    (tmp_path / "v.bin").write_bytes(OLD)
    assert check_output_path(tmp_path / "v.bin") is None             # replacing is fine
    monkeypatch.setattr(tempfile, "mkstemp", fail_with(errno.EACCES))
    with pytest.raises(WriteError, match="permission denied"):
        check_output_path(tmp_path / "v.bin")
    monkeypatch.undo()
    assert_untouched(tmp_path, "v.bin")


# --------------------------------------------------------------------------- stale temporaries

def dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_remove_stale_temporaries_removes_only_dead_writers_temporaries(tmp_path):
    dead = dead_pid()
    stale = [f".v.bin.wordvec-{dead}-abc_123.tmp", f".m.npz.wordvec-{dead}-x9.tmp",
             f".name.with.dots.wordvec-{dead}-q.tmp"]
    kept = [f".v.bin.wordvec-{os.getpid()}-mine.tmp",       # ours: a write under way
            f".v.bin.wordvec-{os.getppid()}-live.tmp",      # a running process
            ".v.bin.wordvec-1-init.tmp",                   # pid 1: always running
            ".v.bin.wordvec-0-zero.tmp",                   # not a pid
            f"v.bin.wordvec-{dead}-nodot.tmp", f".v.bin.wordvec-{dead}-abc.tmp.keep",
            f".v.bin.{dead}-abc.tmp", ".v.bin.abcdef.tmp", "v.bin", "notes.txt"]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / f".dir.wordvec-{dead}-d.tmp").mkdir()          # a folder is never removed
    removed = remove_stale_temporaries(tmp_path)
    assert sorted(removed) == sorted(str(tmp_path / n) for n in stale)
    assert listing(tmp_path) == sorted(kept + [f".dir.wordvec-{dead}-d.tmp"])
    assert remove_stale_temporaries(tmp_path) == []
    assert remove_stale_temporaries(tmp_path / "missing") == []


def test_a_killed_writer_leaves_a_temporary_that_the_next_run_removes(tmp_path):
    (tmp_path / "out.bin").write_bytes(OLD)
    writer = ("import os, sys\nfrom wordvec.io import atomic_write\n"
              "with atomic_write(sys.argv[1]) as f:\n    f.write(b'half')\n    f.flush()\n"
              "    os._exit(9)\n")
    subprocess.run([sys.executable, "-c", writer, str(tmp_path / "out.bin")])
    (leftover,) = [n for n in listing(tmp_path) if n != "out.bin"]
    assert re.fullmatch(r"\.out\.bin\.wordvec-[0-9]+-[a-z0-9_]+\.tmp", leftover)
    assert remove_stale_temporaries(tmp_path) == [str(tmp_path / leftover)]
    assert_untouched(tmp_path)


# --------------------------------------------------------------------------- pairs of files

def projector_files(tmp_path):
    (tmp_path / "vectors.tsv").write_bytes(b"old vectors\n")
    (tmp_path / "metadata.tsv").write_bytes(b"old metadata\n")
    return WordVectors(["a", "b"], np.ones((2, 2), np.float32))


def assert_projector_untouched(tmp_path):
    assert (tmp_path / "vectors.tsv").read_bytes() == b"old vectors\n"
    assert (tmp_path / "metadata.tsv").read_bytes() == b"old metadata\n"
    assert listing(tmp_path) == ["metadata.tsv", "vectors.tsv"]


def test_projector_second_write_failing_keeps_both_old_files(tmp_path, monkeypatch):
    wv = projector_files(tmp_path)
    calls = []
    real_fsync = os.fsync

    def fsync(fd):                     # the first file syncs, the second finds the disk full
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(WriteError, match="metadata.tsv: no space left"):
        save_projector(tmp_path, wv)
    assert len(calls) == 2
    assert_projector_untouched(tmp_path)


@pytest.mark.parametrize("old_files", [True, False], ids=["replacing", "new"])
def test_projector_second_rename_failing_undoes_the_first(tmp_path, monkeypatch, old_files):
    wv = projector_files(tmp_path)
    if not old_files:
        os.unlink(tmp_path / "vectors.tsv")
        os.unlink(tmp_path / "metadata.tsv")
    real_replace = os.replace

    def replace(src, dst):
        if os.path.basename(dst) == "metadata.tsv" and ".wordvec-" in os.path.basename(src):
            raise OSError(errno.EROFS, "Read-only file system")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(WriteError, match="metadata.tsv: read-only file system"):
        save_projector(tmp_path, wv)
    if old_files:
        assert_projector_untouched(tmp_path)
    else:
        assert listing(tmp_path) == []


def test_projector_failing_mid_write_keeps_both_old_files(tmp_path, monkeypatch):
    wv = projector_files(tmp_path)
    monkeypatch.setattr(wio.projector, "_FLOAT_FORMAT", "%q")     # the row format fails mid-way
    with pytest.raises(ValueError):
        save_projector(tmp_path, wv)
    assert_projector_untouched(tmp_path)
    monkeypatch.undo()
    assert save_projector(tmp_path, wv) == (str(tmp_path / "vectors.tsv"),
                                            str(tmp_path / "metadata.tsv"))
    assert (tmp_path / "vectors.tsv").read_bytes() == b"1\t1\n1\t1\n"
    assert (tmp_path / "metadata.tsv").read_bytes() == b"a\nb\n"
    assert listing(tmp_path) == ["metadata.tsv", "vectors.tsv"]


@pytest.mark.parametrize("word", ["a\tb", "", "x" * 3000 + "\n", "lone\udc80"])
def test_projector_words_refused_before_anything_is_written(tmp_path, word):
    projector_files(tmp_path)
    wv = WordVectors(["ok", word], np.ones((2, 2), np.float32))
    with pytest.raises(WriteError, match="word 1 .* cannot be written to metadata.tsv") as info:
        save_projector(tmp_path, wv)
    assert len(str(info.value)) < 400
    assert_projector_untouched(tmp_path)


def test_atomic_write_group_renames_all_or_none(tmp_path):
    paths = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    with pytest.raises(KeyboardInterrupt):
        with atomic_write_group(paths) as files:
            assert len(files) == 3 and len(listing(tmp_path)) == 3      # three temporaries
            files[0].write(b"A")
            raise KeyboardInterrupt
    assert listing(tmp_path) == []
    with atomic_write_group(paths, "w") as files:
        for f, text in zip(files, "ABC"):
            f.write(text)
    assert [p.read_text() for p in paths] == ["A", "B", "C"] and listing(tmp_path) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="distinct"):
        with atomic_write_group([tmp_path / "a", str(tmp_path / "a")]):
            pass


# --------------------------------------------------------------------------- decompression bombs

BOMB_SIZES = {"gz": 50 << 20, "bz2": 8 << 20, "xz": 8 << 20}


def write_bomb(path, kind, size):
    """A compressed file of ``size`` zero bytes after a valid header, written in pieces."""
    opener = {"gz": lambda p: gzip.open(p, "wb", compresslevel=1), "bz2": lambda p: bz2.open(p, "wb"),
              "xz": lambda p: lzma.open(p, "wb", preset=1)}[kind]
    with opener(path) as f:
        f.write(b"1000000 100\n")
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            f.write(block)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_a_decompression_bomb_is_refused_in_little_memory(tmp_path, monkeypatch, kind):
    path = tmp_path / f"bomb.{kind}"
    write_bomb(path, kind, BOMB_SIZES[kind])
    assert path.stat().st_size < BOMB_SIZES[kind] // 100
    monkeypatch.setattr("wordvec.memory.available_memory", lambda: 2 << 20)    # bound: 1 MiB
    tracemalloc.start()
    try:
        with pytest.raises(VectorFileError) as info:
            load_word2vec_format(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "it inflates to more than 1.0 MiB, half the 2.0 MiB of memory available" in str(info.value)
    assert "decompress it to a file first" in str(info.value)
    assert peak < 6 << 20, peak                     # far below the inflated size


@pytest.mark.parametrize("available", [None, 1 << 20, 1 << 30])
def test_compressed_files_within_the_bound_read_as_before(tmp_path, monkeypatch, available):
    words, vectors = ["a", "b"], np.array([[1, 2], [3, 4.5]], np.float32)
    save_word2vec_format(tmp_path / "v.txt", words, vectors, binary=False)
    with gzip.open(tmp_path / "v.txt.gz", "wb") as f:
        f.write((tmp_path / "v.txt").read_bytes())
    monkeypatch.setattr("wordvec.memory.available_memory", lambda: available)
    wv = load_word2vec_format(tmp_path / "v.txt.gz")
    assert wv.index_to_key == words
    np.testing.assert_array_equal(wv.vectors, vectors)


# --------------------------------------------------------------------------- .npz member bounds

def npy_bytes(shape, dtype="<f4", data=b""):
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": dtype, "fortran_order": False,
                                               "shape": shape})
    return out.getvalue() + data


def meta_bytes(words):
    meta = {"format": "wordvec-model", "version": 1, "words": words, "config": {},
            "history": None}
    blob = json.dumps(meta).encode()
    return npy_bytes((len(blob),), "|u1", blob)


def crafted_npz(path, w_in, compress_type):
    """A model file whose W_in member is ``w_in`` (bytes), stored with ``compress_type``."""
    words = [f"w{i}" for i in range(1000)]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.npy", meta_bytes(words))
        zf.writestr(zipfile.ZipInfo("W_in.npy"), w_in, compress_type=compress_type)
        zf.writestr("counts.npy", npy_bytes((1000,), "<i8", bytes(8000)))


def read_model(path):
    """load_model's fields by name, as read_npz_members gives its members."""
    return vars(load_model(path))


def read_members(path):
    return read_npz_members(path, ("meta", "W_in", "counts"))


READERS = pytest.mark.parametrize("reader", [read_model, read_members],
                                  ids=["load_model", "read_npz_members"])


@READERS
@pytest.mark.parametrize("shape,data,fragment", [
    ((1000, 1000), bytes(4000), "but it holds only"),
    ((1000, 10**9), b"", "but it holds only"),
    ((1000, 2**40), bytes(64), "but it holds only"),
])
def test_a_stored_member_promising_more_than_it_holds(tmp_path, reader, shape, data, fragment):
    path = tmp_path / "m.npz"
    crafted_npz(path, npy_bytes(shape, data=data), zipfile.ZIP_STORED)
    with pytest.raises(VectorFileError) as info:
        reader(path)
    nbytes = shape[0] * shape[1] * 4
    assert f"member W_in.npy promises an array of {nbytes:,} bytes" in str(info.value)
    assert fragment in str(info.value)


@READERS
@pytest.mark.parametrize("claimed_rows", [10_000, 100_000, 10**7])
def test_a_deflated_member_promising_more_than_deflate_can_hold(tmp_path, reader, claimed_rows):
    path = tmp_path / "m.npz"
    crafted_npz(path, npy_bytes((claimed_rows, 1000), data=bytes(1 << 20)), zipfile.ZIP_DEFLATED)
    held = zipfile.ZipFile(path).getinfo("W_in.npy").compress_size
    assert claimed_rows * 4000 > 1100 * held + (1 << 20)
    with pytest.raises(VectorFileError, match=r"more than its [0-9,]+ deflated bytes can hold "
                                              r"\(deflate compresses at most ~1032:1\)"):
        reader(path)


def test_a_deflated_member_of_zeros_at_deflates_best_ratio_is_read(tmp_path):
    # 16 MB of zeros deflate ~1000-fold: within the bound, read as saved.
    path = tmp_path / "z.npz"
    np.savez_compressed(path, W=np.zeros(2_000_000), meta=np.arange(3, dtype=np.uint8))
    info = zipfile.ZipFile(path).getinfo("W.npy")
    assert info.file_size > 900 * info.compress_size
    got = read_npz_members(path, ("W", "meta"))
    assert got["W"].shape == (2_000_000,) and not got["W"].any()


@READERS
@pytest.mark.parametrize("compress_type", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED,
                                           zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA],
                         ids=["stored", "deflated", "bzip2", "lzma"])
def test_a_member_larger_than_the_memory_available(tmp_path, monkeypatch, reader, compress_type):
    path = tmp_path / "m.npz"
    crafted_npz(path, npy_bytes((1000, 600), data=bytes(2_400_000)), compress_type)
    monkeypatch.setattr("wordvec.memory.available_memory", lambda: 1 << 20)
    with pytest.raises(VectorFileError, match=r"member W_in.npy promises an array of 2,400,000 "
                                              r"bytes \(float32 \(1000, 600\)\), more than the "
                                              r"1.0 MiB of memory available"):
        reader(path)
    monkeypatch.setattr("wordvec.memory.available_memory", lambda: 1 << 30)
    assert reader(path)["W_in"].shape == (1000, 600)


def test_a_stored_model_larger_than_memory_still_maps(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    crafted_npz(path, npy_bytes((1000, 600), data=bytes(2_400_000)), zipfile.ZIP_STORED)
    monkeypatch.setattr("wordvec.memory.available_memory", lambda: 1 << 20)
    with pytest.raises(VectorFileError, match="with mmap=True"):
        load_model(path)
    assert load_model(path, mmap=True).W_in.shape == (1000, 600)


# --------------------------------------------------------------------------- truncated .npz

def real_model(path):
    words = [f"word{i}" for i in range(40)]
    rng = np.random.default_rng(0)
    save_model(path, words=words, counts=np.arange(40, 0, -1),
               W_in=rng.standard_normal((40, 16)).astype(np.float32),
               W_out=rng.standard_normal((40, 16)).astype(np.float32), config={"dim": 16})
    return path.read_bytes()


def cut_points(data, path):
    """Ten lengths: inside the first header, inside each member, just before and in the
    central directory, and a byte before the end."""
    zf = zipfile.ZipFile(path)
    infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    central = zf.start_dir                    # where the central directory begins
    assert data[central:central + 4] == b"PK\x01\x02"
    return [4, 20, infos[0].header_offset + 100, infos[1].header_offset + 10,
            infos[1].header_offset + 700, infos[2].header_offset + 200,
            central, central + 30, len(data) - 22, len(data) - 1]


@pytest.mark.parametrize("reader", ["load_model", "load_model_mmap", "load", "read_npz_members"])
def test_a_model_cut_short_says_truncated(tmp_path, reader):
    full = tmp_path / "full.npz"
    data = real_model(full)
    cuts = cut_points(data, full)
    assert len(set(cuts)) == 10 and all(0 < c < len(data) for c in cuts)
    call = {"load_model": load_model, "load_model_mmap": lambda p: load_model(p, mmap=True),
            "load": load, "read_npz_members":
            lambda p: read_npz_members(p, ("W_in", "W_out", "counts", "meta"))}[reader]
    for cut in cuts:
        path = tmp_path / f"cut{cut}.npz"
        path.write_bytes(data[:cut])
        with pytest.raises(VectorFileError) as info:
            call(path)
        assert "truncated" in str(info.value), (cut, str(info.value))
        assert str(info.value).startswith(str(path))
    assert load_model(full).words[0] == "word0"               # the whole file still reads


def test_a_checkpoint_cut_short_says_truncated(tmp_path):
    from wordvec.checkpoint import CheckpointError, load_checkpoint

    path = tmp_path / "checkpoint.npz"
    path.write_bytes(real_model(tmp_path / "m.npz")[:-5])
    with pytest.raises(CheckpointError, match="truncated"):
        load_checkpoint(path)


# --------------------------------------------------------------------------- NaN and infinity

@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_binary_vectors_holding_nan_or_inf_are_refused(tmp_path, bad):
    rows = [(b"good", [1.0, 2.0]), (b"b" + "\u00e9".encode() * 100, [0.5, bad]),
            (b"c", [bad, bad])]
    data = b"3 2\n" + b"".join(w + b" " + struct.pack("<2f", *v) + b"\n" for w, v in rows)
    path = tmp_path / "v.bin"
    path.write_bytes(data)
    for binary in (True, None):
        with pytest.raises(VectorFileError) as info:
            load_word2vec_format(path, binary=binary)
        message = str(info.value)
        offset = data.index(b"b" + "é".encode())
        assert f"byte offset {offset}: vector 2 of 3 ('b{'é' * 59}'...) holds" in message
        assert "holds NaN or infinity" in message and "diverged" in message
        assert len(message) < 400


@pytest.mark.parametrize("spelling", ["nan", "NaN", "inf", "-inf", "Infinity", "-Infinity",
                                      "1e39"])
def test_text_vectors_holding_nan_or_inf_are_refused(tmp_path, spelling):
    path = tmp_path / "v.txt"
    path.write_bytes(f"3 2\ngood 1 2\nfine 3 4\nbad 0.5 {spelling}\n".encode())
    with pytest.raises(VectorFileError, match=r"v.txt: line 4: vector 3 of 3 \('bad'\) holds "
                                              r"NaN or infinity"):
        load_word2vec_format(path)
    with gzip.open(tmp_path / "v.gz", "wb") as f:
        f.write(path.read_bytes())
    with pytest.raises(VectorFileError, match="line 4: vector 3 of 3"):
        load(tmp_path / "v.gz")


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
@pytest.mark.parametrize("member,row,bad", [("W_in", 0, np.nan), ("W_in", 37, np.inf),
                                            ("W_out", 12, -np.inf), ("W_in", 39, np.nan)])
def test_model_vectors_holding_nan_or_inf_are_refused(tmp_path, monkeypatch, mmap, member,
                                                      row, bad):
    words = [f"word{i}" for i in range(40)]
    arrays = {"W_in": np.ones((40, 8), np.float32), "W_out": np.ones((40, 8), np.float32)}
    arrays[member][row, 5] = bad
    path = tmp_path / "m.npz"
    save_model(path, words=words, counts=np.ones(40, np.int64), config={}, **arrays)
    monkeypatch.setattr(wio.finite, "_FINITE_BLOCK", 24)        # 3 rows a block: many blocks
    with pytest.raises(VectorFileError, match=rf"m.npz: {member} row {row + 1} of 40 "
                                              rf"\('word{row}'\) holds NaN or infinity"):
        load_model(path, mmap=mmap)


# --------------------------------------------------------------------------- queries

@pytest.fixture(scope="module")
def wv():
    rng = np.random.default_rng(1)
    return WordVectors([f"w{i}" for i in range(20)], rng.standard_normal((20, 4)).astype(np.float32))


BAD_TOPN = [-1, -100, 2.5, 3.0, "5", True, False, np.float64(2), [3], np.bool_(True)]


@pytest.mark.parametrize("topn", BAD_TOPN, ids=[repr(t) for t in BAD_TOPN])
def test_topn_out_of_range_is_a_query_error(wv, topn):
    for query in (lambda: wv.most_similar("w0", topn=topn),
                  lambda: wv.most_similar_cosmul("w0", topn=topn),
                  lambda: wv.analogy("w0", "w1", "w2", topn=topn)):
        with pytest.raises(QueryError) as info:
            query()
        assert str(info.value) == ("topn must be a whole number of words from 1 to 20 (the "
                                   "vocabulary size; more means all of them), or None for the "
                                   f"scores of every word; got {topn!r}")


BAD_RESTRICT = [0, -1, 2.5, True, "10", np.float32(4)]


@pytest.mark.parametrize("restrict", BAD_RESTRICT, ids=[repr(r) for r in BAD_RESTRICT])
def test_restrict_vocab_out_of_range_is_a_query_error(wv, tmp_path, restrict):
    (tmp_path / "q.txt").write_text(": s\nw0 w1 w2 w3\n")
    (tmp_path / "p.txt").write_text("w0\tw1\t3.0\nw2\tw3\t1.0\nw4\tw5\t2\n")
    for query in (lambda: wv.most_similar("w0", restrict_vocab=restrict),
                  lambda: wv.most_similar_cosmul("w0", restrict_vocab=restrict),
                  lambda: wv.analogy("w0", "w1", "w2", restrict_vocab=restrict),
                  lambda: wv.evaluate_word_analogies(tmp_path / "q.txt", restrict_vocab=restrict),
                  lambda: wv.evaluate_word_pairs(tmp_path / "p.txt", restrict_vocab=restrict)):
        with pytest.raises(QueryError, match=r"restrict_vocab must be a whole number of words "
                                             r"from 1 to 20 .* got " + re.escape(repr(restrict))):
            query()


def test_query_ranges_kept_as_gensim_has_them(wv):
    assert wv.most_similar("w0", topn=0) == []
    assert len(wv.most_similar("w0", topn=19)) == 19
    assert len(wv.most_similar("w0", topn=1000)) == 19                 # above the size: all
    assert len(wv.most_similar("w0", topn=np.int64(3))) == 3
    assert wv.most_similar("w0", topn=None).shape == (20,)
    assert wv.most_similar("w0", topn=None, restrict_vocab=5).shape == (5,)
    assert wv.most_similar("w0", restrict_vocab=300_000) == wv.most_similar("w0")
    assert len(wv.most_similar_cosmul("w0", topn=50, restrict_vocab=1)) == 0   # only w0 itself


@pytest.mark.parametrize("word", ["q" * 10_000, "wrong\u3000" * 3000, "w0" * 100,
                                  ["w0"] * 10_000, np.arange(10**5)],
                         ids=["long", "unicode-spaces", "near-a-word", "list", "array"])
def test_unknown_word_messages_quote_a_short_prefix(wv, word):
    with pytest.raises(KeyError) as info:
        wv.get_index(word)
    message = str(info.value)
    assert "is not in the vocabulary" in message and len(message) < 200
    if isinstance(word, str):
        with pytest.raises(KeyError, match="is not in the vocabulary") as info:
            wv.most_similar(["w1", word])
        assert info.value.args[0].startswith(f"word {word[:60]!r}... is not in the vocabulary")


# --------------------------------------------------------------------------- short messages

def test_reader_messages_quote_a_short_prefix(tmp_path):
    long_bad = b"\xff" * 5000
    cases = {
        "bad-utf8-text": b"1 2\n" + long_bad + b" 1 2\n",
        "bad-utf8-binary": b"1 2\n" + long_bad + b" " + struct.pack("<2f", 1, 2) + b"\n",
        "bad-number": b"1 2\nword 1 " + b"x" * 5000 + b"\n",
        "header": b"x" * 5000 + b"\n",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(VectorFileError) as info:
            load_word2vec_format(tmp_path / name)
        assert len(str(info.value)) < 500, (name, len(str(info.value)))


def test_repeated_long_word_warning_is_short(tmp_path):
    word = "r" * 5000
    save_word2vec_format(tmp_path / "v.txt", [word, "a"], np.ones((2, 2)), binary=False)
    text = (tmp_path / "v.txt").read_text().replace("2 2\n", "3 2\n") + f"{word} 3 4\n"
    (tmp_path / "v.txt").write_text(text)
    with pytest.warns(UserWarning) as record:
        load_word2vec_format(tmp_path / "v.txt")
    assert len(str(record[0].message)) < 300


def test_model_messages_quote_a_short_prefix(tmp_path):
    path = tmp_path / "many.npz"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(200):
            zf.writestr(f"{'m' * 300}{i}.npy", b"")
    with pytest.raises(VectorFileError, match=r"has no 'meta' member .*200 in all") as info:
        load_model(path)
    assert len(str(info.value)) < 800
    with pytest.raises(VectorFileError, match="member W_in.npy is missing") as info:
        read_npz_members(path, ("W_in",))
    assert len(str(info.value)) < 800
    np.savez(path, meta=np.frombuffer(json.dumps({"format": "f" * 9000}).encode(), np.uint8))
    with pytest.raises(VectorFileError, match="its meta names format 'fff") as info:
        load_model(path)
    assert len(str(info.value)) < 400


def test_every_error_here_is_a_wordvec_error():
    for cls in (VectorFileError, WriteError, QueryError):
        assert issubclass(cls, WordvecError) and issubclass(cls, ValueError)


# ------------------------------------------------------------------------------------------
# Pickles (gensim's save() writes them) are refused by every reader, never loaded


def _pickles(tmp_path):
    """gensim's own saved model and KeyedVectors, and plain pickles of protocols 2 to 5;
    each would run code if loaded (the plain one would create a marker file)."""
    import pickle

    gensim = pytest.importorskip("gensim")
    model = gensim.models.Word2Vec([["a", "b", "c"]] * 20, vector_size=8, min_count=1,
                                   epochs=1, workers=1)
    paths = [tmp_path / "gensim.model", tmp_path / "gensim.kv"]
    model.save(str(paths[0]))
    model.wv.save(str(paths[1]))
    class Evil:
        def __reduce__(self):
            return os.system, (f"touch {tmp_path / 'ran'}",)
    for protocol in (2, 3, 4, 5):
        path = tmp_path / f"plain{protocol}.pkl"
        path.write_bytes(pickle.dumps(Evil(), protocol=protocol))
        paths.append(path)
    return paths


def test_a_pickle_is_refused_by_every_reader_naming_gensim_and_the_way_out(tmp_path):
    from wordvec import Word2Vec
    from wordvec.checkpoint import CheckpointError, load_checkpoint

    for path in _pickles(tmp_path):
        gensim_made = path.name.startswith("gensim")
        readers = [wio.load, wio.load_model, wio.load_word2vec_format, Word2Vec.load]
        for read in readers:
            with pytest.raises(VectorFileError) as info:
                read(path)
            message = str(info.value)
            assert "Python pickle" in message and "never loads" in message, message
            assert "save_word2vec_format" in message
            assert ("gensim's save()" in message) == gensim_made
        (tmp_path / "ckpt").mkdir(exist_ok=True)
        (tmp_path / "ckpt" / "checkpoint.npz").write_bytes(path.read_bytes())
        with pytest.raises(CheckpointError, match="Python pickle"):
            load_checkpoint(tmp_path / "ckpt")
    assert not (tmp_path / "ran").exists()


def test_the_cli_refuses_a_gensim_pickle_in_one_line(tmp_path):
    path = _pickles(tmp_path)[0]
    done = subprocess.run([sys.executable, "-m", "wordvec", "similar", str(path), "a"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Python pickle (gensim's save() writes one)" in lines[0]
