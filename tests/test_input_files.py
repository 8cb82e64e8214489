"""Input files named by a path are regular files, read within a bound: a FIFO (which would
wait for a writer forever), a device (``/dev/zero`` never ends), a socket, a folder or a link
to one of them is refused at once by every reader with one line naming the file; a file read
whole stops at its limit however large it is or grows (:mod:`wordvec.inputfile`)."""
from __future__ import annotations

import errno
import os
import socket

import numpy as np
import pytest
from click.testing import CliRunner

from waiting import fails_if_waiting
from wordvec import cli as wordvec_cli
from wordvec import evaluate, inputfile
from wordvec.cli import files
from wordvec.corpus import CorpusError
from wordvec.gensim import LineSentence, Text8Corpus, Word2Vec
from wordvec.io import save_word2vec_format
from wordvec.phrases import Phrases, PhrasesFileError

WORDS = ["king", "queen", "man", "woman", "paris", "france", "berlin", "germany"]


@pytest.fixture(autouse=True)
def no_waiting():
    """A reader that waits (a FIFO's open, an endless device) fails the test instead of
    hanging the suite."""
    with fails_if_waiting(60):
        yield


@pytest.fixture
def vectors(tmp_path):
    path = tmp_path / "v.bin"
    save_word2vec_format(path, WORDS, np.random.default_rng(0).standard_normal((8, 10))
                         .astype(np.float32))
    return path


def _fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path, "FIFO"


def _device(tmp_path):
    return "/dev/zero", "character device"


def _socket(tmp_path):
    here = os.getcwd()
    os.chdir(tmp_path)                  # a short name: a socket's path has at most 107 bytes
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind("sock")         # the file stays when the socket is closed
    finally:
        os.chdir(here)
    return tmp_path / "sock", "socket"


def _link_to_fifo(tmp_path):
    fifo, _ = _fifo(tmp_path)
    link = tmp_path / "link.txt"
    link.symlink_to(fifo)
    return link, "FIFO"


def _folder(tmp_path):
    path = tmp_path / "folder"
    path.mkdir()
    return path, "folder"


KINDS = [_fifo, _device, _socket, _link_to_fifo]


@pytest.mark.parametrize("make", KINDS + [_folder])
def test_open_input_refuses_all_but_regular_files_without_waiting(tmp_path, make):
    path, kind = make(tmp_path)
    error = IsADirectoryError if kind == "folder" else inputfile.NotRegularFileError
    with pytest.raises(error) as caught:
        inputfile.open_input(path)
    assert kind in str(caught.value) or kind == "folder"
    assert caught.value.filename == os.fsdecode(path)


def test_open_input_follows_a_link_to_a_regular_file(tmp_path):
    target = tmp_path / "t.txt"
    target.write_bytes(b"abc")
    link = tmp_path / "l.txt"
    link.symlink_to(target)
    with inputfile.open_input(link) as f:
        assert f.read() == b"abc"


@pytest.mark.parametrize("size", [0, 99, 100])
def test_read_input_reads_up_to_its_limit(tmp_path, size):
    path = tmp_path / "f"
    path.write_bytes(b"x" * size)
    assert inputfile.read_input(path, 100) == b"x" * size


def test_read_input_refuses_past_its_limit_by_what_it_reads(tmp_path, monkeypatch):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 101)
    monkeypatch.setattr(os, "stat", lambda *a, **k: pytest.fail("sized by stat"))
    with pytest.raises(inputfile.InputTooLargeError) as caught:
        inputfile.read_input(path, 100)
    assert caught.value.errno == errno.EFBIG and "larger than 100 bytes" in str(caught.value)


# Every command that reads a file named by a path, with {x} the hostile path.
COMMANDS = {
    "vectors": ["similar", "{x}", "king"],
    "vectors (word2vec's distance)": ["distance", "{x}"],
    "vectors (export)": ["export", "{x}", "-o", "{tmp}/out.txt"],
    "--color-by": ["plot", "{v}", "--color-by", "{x}", "-o", "{tmp}/map.png"],
    "--analogies": ["evaluate", "{v}", "--analogies", "{x}"],
    "--pairs": ["evaluate", "{v}", "--pairs", "{x}"],
    "--read-vocab": ["train", "{v}", "--read-vocab", "{x}", "-o", "{tmp}/out.bin"],
    "-read-vocab": ["word2vec", "-train", "{v}", "-read-vocab", "{x}", "-output",
                    "{tmp}/out.bin"],
}


def _run(args, **fill):
    result = CliRunner().invoke(wordvec_cli.main, [a.format(**fill) for a in args])
    lines = result.stderr.strip().splitlines()
    return result, lines


@pytest.mark.parametrize("make", KINDS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_reader_refuses_a_path_that_is_no_regular_file(tmp_path, vectors, command,
                                                            make):
    path, kind = make(tmp_path)
    result, lines = _run(COMMANDS[command], x=path, v=vectors, tmp=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("wordvec: error: "), result.stderr
    assert kind in lines[0] and os.fsdecode(path) in lines[0], lines[0]
    assert not [p.name for p in tmp_path.iterdir() if "out" in p.name or "map" in p.name]



# gensim's corpus readers (wordvec.gensim), each reading the hostile path {x} to its end.
GENSIM_READERS = {
    "LineSentence": lambda x: list(LineSentence(x)),
    "LineSentence with a limit": lambda x: list(LineSentence(x, limit=3)),
    "Text8Corpus": lambda x: list(Text8Corpus(x)),
    "Word2Vec on a Text8Corpus": lambda x: Word2Vec(Text8Corpus(x), min_count=1),
}


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("make", KINDS)
@pytest.mark.parametrize("reader", GENSIM_READERS)
def test_gensim_s_readers_refuse_a_path_that_is_no_regular_file(tmp_path, reader, make,
                                                                suffix):
    path, kind = make(tmp_path)
    if suffix:                          # decompressed by its suffix: opened the same way
        link = tmp_path / f"corpus{suffix}"
        link.symlink_to(path)
        path = link
    with pytest.raises(CorpusError) as caught:
        GENSIM_READERS[reader](path)
    assert kind in str(caught.value) and os.fsdecode(path) in str(caught.value), caught.value

@pytest.mark.parametrize("command", ["--color-by", "--analogies", "--pairs"])
def test_option_files_read_whole_stop_at_their_limit(tmp_path, vectors, monkeypatch, command):
    monkeypatch.setattr(files, "MAX_GROUPS_BYTES", 1000)
    monkeypatch.setattr(evaluate, "MAX_EVALUATION_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("king\n" * 201)                    # 1,005 bytes
    result, lines = _run(COMMANDS[command], x=big, v=vectors, tmp=tmp_path)
    assert result.exit_code == 2 and len(lines) == 1, result.stderr
    assert "larger than 1,000 bytes" in lines[0] and str(big) in lines[0], lines[0]
    assert not (tmp_path / "map.png").exists()


@pytest.mark.parametrize("command", ["--color-by", "--analogies", "--pairs"])
def test_option_files_that_are_not_utf8_are_one_line_naming_the_byte(tmp_path, vectors,
                                                                     command):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"king 0\nqu\xffeen 1\n")
    result, lines = _run(COMMANDS[command], x=bad, v=vectors, tmp=tmp_path)
    assert result.exit_code == 2 and len(lines) == 1, result.stderr
    assert "not utf-8 text" in lines[0].lower() and "at byte 9" in lines[0], lines[0]
    assert str(bad) in lines[0] and not (tmp_path / "map.png").exists()


def test_evaluation_files_keep_open_s_line_ends(tmp_path):
    path = tmp_path / "q.txt"
    path.write_bytes(b": s\r\na b c d\rA B C D\n")
    sections = evaluate.read_analogies(path)
    assert sections == [("s", [(2, ("A", "B", "C", "D")), (3, ("A", "B", "C", "D"))])]


@pytest.mark.parametrize("make", KINDS)
def test_a_phrases_model_must_be_a_regular_file(tmp_path, make):
    path, kind = make(tmp_path)
    with pytest.raises(PhrasesFileError, match=kind):
        Phrases.load(path)


def test_a_phrases_model_past_the_memory_bound_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    path.write_bytes(b"{" + b" " * 2000 + b"}")
    monkeypatch.setattr("wordvec.memory.available_memory", lambda: 8 * 1000)
    with pytest.raises(PhrasesFileError, match="larger than 1,000 bytes"):
        Phrases.load(path)


@pytest.mark.parametrize("make", KINDS)
def test_files_of_ours_that_a_folder_may_hold_are_never_waited_on(tmp_path, make):
    """A checkpoint folder's PID file and a resumed run's output are named by untrusted
    places (the folder given, the checkpoint): neither is opened unless it is a regular
    file."""
    from wordvec.folderlock import PID_FILE, _other_pid
    from wordvec.outputs import is_own_file

    path, _ = make(tmp_path)
    assert is_own_file(path) is False
    folder = tmp_path / "ckpt"
    folder.mkdir()
    (folder / PID_FILE).symlink_to(path)
    assert _other_pid(folder) is None

