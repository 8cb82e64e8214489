"""Atomic writes and the word2vec vector formats, byte for byte."""
import os
import struct

import numpy as np
import pytest

from wordvec.io import atomic_write, save_word2vec_format


def test_word2vec_binary_bytes(tmp_path):
    path = tmp_path / "v.bin"
    vectors = np.array([[1.0, -2.5], [0.25, 3.0]], dtype=np.float32)
    save_word2vec_format(path, ["the", "ünï"], vectors, binary=True)
    expected = (b"2 2\n"
                + b"the " + struct.pack("<2f", 1.0, -2.5) + b"\n"
                + "ünï".encode() + b" " + struct.pack("<2f", 0.25, 3.0) + b"\n")
    assert path.read_bytes() == expected


def test_word2vec_text_round_trips_float32_exactly(tmp_path):
    path = tmp_path / "v.txt"
    vectors = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    save_word2vec_format(path, ["a", "b", "c"], vectors, binary=False)
    lines = path.read_text().splitlines()
    assert lines[0] == "3 4"
    parsed = np.array([[float(x) for x in line.split()[1:]] for line in lines[1:]], dtype=np.float32)
    np.testing.assert_array_equal(parsed, vectors)
    assert [line.split()[0] for line in lines[1:]] == ["a", "b", "c"]


def test_word2vec_refuses_words_with_whitespace(tmp_path):
    with pytest.raises(ValueError, match="'new york'"):
        save_word2vec_format(tmp_path / "v.bin", ["new york"], np.zeros((1, 2)))
    assert not (tmp_path / "v.bin").exists()


def test_atomic_write_keeps_old_file_on_failure_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    with pytest.raises(RuntimeError):
        with atomic_write(path) as f:
            f.write(b"half of the new")
            raise RuntimeError("killed mid-write")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]
    with atomic_write(path) as f:
        f.write(b"new")
    assert path.read_bytes() == b"new"
    assert os.stat(path).st_mode & 0o777 == 0o640     # the replaced file's mode is kept
    assert os.listdir(tmp_path) == ["out.bin"]


def test_atomic_write_new_file_gets_umask_mode(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "new.txt", "w") as f:
            f.write("x")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "new.txt").st_mode & 0o777 == 0o644


# U+3000 and the other non-ASCII spaces are part of a word (corpus.word_problem): see
# test_io_hostile; a lone surrogate cannot be encoded.
@pytest.mark.parametrize("word", ["", "a\tb", "line\n", "lone\ud800surrogate", " lead"])
def test_word2vec_refusal_names_the_word_and_the_native_format(tmp_path, word):
    path = tmp_path / "v.txt"
    path.write_bytes(b"old")
    with pytest.raises(ValueError) as info:
        save_word2vec_format(path, ["ok", word], np.zeros((2, 2)), binary=False)
    assert f"word 1 ({word!r})" in str(info.value)
    assert "save_model" in str(info.value)
    assert path.read_bytes() == b"old"


def test_a_writer_killed_mid_write_leaves_the_old_file_whole(tmp_path):
    import signal
    import subprocess
    import sys

    path = tmp_path / "vectors.bin"
    path.write_bytes(b"old complete file\n")
    writer = ("import sys, time\n"
              "from wordvec.io import atomic_write\n"
              "with atomic_write(sys.argv[1]) as f:\n"
              "    for i in range(1000):\n"
              "        f.write(b'x' * 65536)\n"
              "        f.flush()\n"
              "        if i == 10:\n"
              "            print('writing', flush=True)\n"
              "        time.sleep(0.01)\n")
    proc = subprocess.Popen([sys.executable, "-c", writer, str(path)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == b"old complete file\n"
    # What the killed writer had written lies in a hidden temporary file beside it, never in
    # the target.
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "vectors.bin"]
    assert all(name.startswith(".vectors.bin.") and name.endswith(".tmp") for name in leftovers)
