"""Each reader opens a checked file once: what it checked (a regular file, a checksum, a zip
directory) is what it reads. A FIFO put in the file's place right after that first open is
never opened (opening it would wait for a writer forever); a corpus file turned into a FIFO
after its check is refused when it is opened, with one line naming it."""
from __future__ import annotations

import os

import numpy as np
import pytest

from waiting import fails_if_waiting
from wordvec import corpus
from wordvec.checkpoint import load_checkpoint
from wordvec.io import load_model, read_npz_members, save_model
from wordvec.outputs import is_own_file
from wordvec.word2vec import Word2Vec

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


@pytest.fixture(autouse=True)
def no_waiting():
    """A reader that opens the FIFO waits: that fails the test instead of hanging the suite."""
    with fails_if_waiting(20):
        yield


def _put_fifo_at(path) -> None:
    fifo = f"{path}.fifo"
    os.mkfifo(fifo)
    os.replace(fifo, path)


@pytest.fixture
def fifo_after_first_open(monkeypatch):
    """``swap(path)``: the first ``os.open`` of ``path`` opens the file, then a FIFO takes
    its name; returns the list that records the swap."""
    def swap(path):
        target, real, swapped = os.path.abspath(path), os.open, []

        def opening(name, flags, *args, **kwargs):
            fd = real(name, flags, *args, **kwargs)
            if not swapped and os.path.abspath(os.fsdecode(name)) == target:
                swapped.append(target)
                _put_fifo_at(target)
            return fd
        monkeypatch.setattr(os, "open", opening)
        return swapped
    return swap


def _model(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(12)]
    W_in = rng.standard_normal((12, 8)).astype(np.float32)
    W_out = rng.standard_normal((12, 8)).astype(np.float32)
    path = tmp_path / "m.npz"
    save_model(path, words=words, counts=np.arange(12, 0, -1), W_in=W_in, W_out=W_out, config={})
    return path, words, W_in, W_out


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mapped"])
def test_a_model_is_read_from_its_one_open(tmp_path, fifo_after_first_open, mmap):
    path, words, W_in, W_out = _model(tmp_path)
    swapped = fifo_after_first_open(path)
    model = load_model(path, mmap=mmap)
    assert swapped and os.path.exists(path) and not os.path.isfile(path)
    assert model.words == words
    np.testing.assert_array_equal(model.W_in, W_in)
    np.testing.assert_array_equal(model.W_out, W_out)


def test_npz_members_are_read_from_their_one_open(tmp_path, fifo_after_first_open):
    path = tmp_path / "a.npz"
    a, b = np.arange(10, dtype=np.int64), np.eye(3, dtype=np.float32)
    np.savez(path, a=a, b=b)
    swapped = fifo_after_first_open(path)
    members = read_npz_members(path, ["a"], optional=["b", "c"])
    assert swapped and sorted(members) == ["a", "b"]
    np.testing.assert_array_equal(members["a"], a)
    np.testing.assert_array_equal(members["b"], b)


def test_a_checkpoint_is_checksummed_and_read_from_one_open(tmp_path, fifo_after_first_open):
    rng = np.random.default_rng(1)
    text = "\n".join(" ".join(f"w{t}" for t in rng.integers(0, 40, 20)) for _ in range(600))
    (tmp_path / "c.txt").write_text(text + "\n")
    folder = tmp_path / "ck"

    class Stop(KeyboardInterrupt):
        pass

    def stop(path):
        raise Stop
    with pytest.raises(Stop):
        Word2Vec(dim=8, window=2, epochs=2, min_count=1, threads=1, seed=3).fit(
            str(tmp_path / "c.txt"), checkpoint_dir=folder, checkpoint_every=0.0,
            on_checkpoint=stop)
    expected = load_checkpoint(folder)
    swapped = fifo_after_first_open(folder / "checkpoint.npz")
    saved = load_checkpoint(folder)
    assert swapped
    np.testing.assert_array_equal(saved.W_in, expected.W_in)
    assert saved.state.next_job == expected.state.next_job


def test_telling_our_own_model_file_reads_it_from_one_open(tmp_path, fifo_after_first_open):
    path, *_ = _model(tmp_path)
    swapped = fifo_after_first_open(path)
    assert is_own_file(path) and swapped


@pytest.mark.parametrize("name", ["c.txt", "c.txt.gz"])
def test_a_corpus_file_that_becomes_a_fifo_after_its_check_is_refused(tmp_path, monkeypatch,
                                                                      name):
    import gzip

    path = tmp_path / name
    data = b"the cat sat on the mat\n" * 50
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    real_stat = corpus._stat

    def checked_then_swapped(p):
        result = real_stat(p)
        if os.path.abspath(p) == str(path) and os.path.isfile(path):
            _put_fifo_at(path)
        return result
    monkeypatch.setattr(corpus, "_stat", checked_then_swapped)
    with pytest.raises(corpus.CorpusError) as caught:
        corpus.encode(path, {"the": 0, "cat": 1})
    message = str(caught.value)
    assert str(path) in message and "FIFO" in message and "\n" not in message
