"""The ``wordvec`` command line, end to end in subprocesses."""
import os
import struct
import subprocess
import sys

import numpy as np
import pytest


def run_cli(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "wordvec.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=600)


def read_word2vec_binary(path):
    data = path.read_bytes()
    header, _, rest = data.partition(b"\n")
    count, dim = map(int, header.split())
    vectors, pos = {}, 0
    for _ in range(count):
        space = rest.index(b" ", pos)
        word = rest[pos:space].decode()
        vectors[word] = np.frombuffer(rest, dtype="<f4", count=dim, offset=space + 1)
        pos = space + 1 + 4 * dim
        assert rest[pos:pos + 1] == b"\n"
        pos += 1
    assert pos == len(rest)
    return count, dim, vectors


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.quality
def test_demo_trains_ptb_and_writes_vectors_and_plot(data_file, tmp_path):
    data = data_file("ptb.train.txt").parent
    out = tmp_path / "demo"
    result = run_cli("demo", "--epochs", "1", "--out", str(out), env={"WORDVEC_DATA": str(data)})
    assert result.returncode == 0, result.stderr
    assert "[query] you" in result.stdout and "[analogy] king:man = queen:?" in result.stdout
    count, dim, vectors = read_word2vec_binary(out / "vectors.bin")
    assert (count, dim) == (10_000, 100) and len(vectors) == 10_000
    cos = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    # Measured after one epoch (seed 0): you/we 0.99, you/year -0.12
    assert cos(vectors["you"], vectors["we"]) > 0.7 > cos(vectors["you"], vectors["year"]) + 0.3
    assert png_size(out / "loss.png") == (640, 400)


def test_demo_unwritable_output_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("demo", "--out", str(blocker / "sub"))
    assert result.returncode == 2
    assert result.stderr.startswith("wordvec: error: cannot create output folder")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_demo_without_corpus_or_network_is_a_one_line_error(tmp_path):
    env = {"WORDVEC_DATA": str(tmp_path / "none"), "WORDVEC_CACHE": str(tmp_path / "cache"),
           "WORDVEC_PTB_URL": "http://127.0.0.1:9/"}
    result = run_cli("demo", "--out", str(tmp_path / "out"), env=env)
    assert result.returncode == 2
    assert "ptb.train.txt" in result.stderr and "WORDVEC_DATA" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "vectors.bin").exists()


@pytest.mark.parametrize("command", [[], ["demo"]])
def test_help(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "Usage: " in result.stdout
    if command:
        assert "--epochs" in result.stdout and "Example" in result.stdout
