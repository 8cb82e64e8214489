"""PTB loader: the book's corpus and vocabulary, and the cache/download path (never the network).

Every test gets an empty cache and a dead mirror URL (autouse fixture), so a bug that
falls through to a download fails here instead of reaching the real mirror.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import threading

import numpy as np
import pytest

from wordvec.datasets import ptb

# Read before the autouse fixture below clears it for every test.
_REAL_DATA = os.environ.get("WORDVEC_DATA")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("WORDVEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("WORDVEC_PTB_URL", "http://127.0.0.1:9/no-mirror-in-tests/")
    monkeypatch.delenv("WORDVEC_DATA", raising=False)


@pytest.fixture
def real_data(data_file, monkeypatch):
    if _REAL_DATA:
        monkeypatch.setenv("WORDVEC_DATA", _REAL_DATA)
    folder = data_file("ptb.train.txt").parent
    for split in ("valid", "test"):
        data_file(f"ptb.{split}.txt")
    monkeypatch.setenv("WORDVEC_DATA", str(folder))
    return folder


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """serve(folder) -> base URL of a local HTTP server on that folder; stop() ends it."""
    servers = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    def serve(folder):
        handler = functools.partial(Quiet, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        servers.append(server)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        monkeypatch.setenv("WORDVEC_PTB_URL", url)
        return url

    def stop():
        while servers:
            server = servers.pop()
            server.shutdown()
            server.server_close()

    serve.stop = stop
    yield serve
    stop()


def _counts(file):
    text = file.read_text(encoding="utf-8")
    return len(text.split()), text.count("\n")


# --- the book's corpus, on the real files ---------------------------------------------

def test_train_corpus_is_the_books(real_data):
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    words, lines = _counts(real_data / "ptb.train.txt")
    assert (words, lines) == (887_521, 42_068)
    assert corpus.shape == (929_589,) == (words + lines,)
    assert corpus.dtype == np.int32
    assert len(word_to_id) == len(id_to_word) == 10_000
    assert all(id_to_word[i] == w for w, i in word_to_id.items())
    # ids in order of first appearance: the first line is 24 new words, then '<eos>'
    first = (real_data / "ptb.train.txt").read_text().split("\n")[0].split()
    assert [id_to_word[i] for i in corpus[:25]] == first + ["<eos>"]
    assert corpus[:25].tolist() == list(range(25))
    assert np.count_nonzero(corpus == word_to_id["<eos>"]) == lines
    # every line ends in '<eos>': the id before each '<eos>' is never '<eos>'
    eos = np.flatnonzero(corpus == word_to_id["<eos>"])
    assert eos[-1] == len(corpus) - 1 and np.all(np.diff(eos) > 1)


@pytest.mark.parametrize("split", ["valid", "val", "test"])
def test_valid_and_test_use_the_train_vocabulary(real_data, split):
    corpus, word_to_id, id_to_word = ptb.load_data(split)
    _, train_vocab, _ = ptb.load_data("train")
    assert word_to_id == train_vocab
    name = "ptb.valid.txt" if split == "val" else f"ptb.{split}.txt"
    words, lines = _counts(real_data / name)
    assert len(corpus) == words + lines == {"ptb.valid.txt": 73_760, "ptb.test.txt": 82_430}[name]
    assert corpus.dtype == np.int32
    expected = (real_data / name).read_text().replace("\n", "<eos>").split()[:50]
    assert [id_to_word[i] for i in corpus[:50]] == expected


def test_unknown_data_type_names_the_accepted_ones():
    with pytest.raises(ValueError, match="'train'.*'valid'.*'test'"):
        ptb.load_data("training")


# --- where the files come from, on small synthetic files ---------------------------------

def _synthetic(folder, monkeypatch):
    """Tiny PTB-shaped files, with their checksums swapped in for the real ones."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {"train": " a b a \n c b \n", "valid": " c a \n", "test": " b b c \n a \n"}
    for split, text in texts.items():
        (folder / f"ptb.{split}.txt").write_text(text)
    monkeypatch.setattr(ptb, "SHA256", {f"ptb.{s}.txt": hashlib.sha256(t.encode()).hexdigest()
                                        for s, t in texts.items()})


def test_synthetic_download_then_cache(tmp_path, monkeypatch, mirror):
    _synthetic(tmp_path / "srv", monkeypatch)
    mirror(tmp_path / "srv")
    corpus, word_to_id, id_to_word = ptb.load_data("test")
    assert word_to_id == {"a": 0, "b": 1, "<eos>": 2, "c": 3}  # from train, first appearance
    assert id_to_word == {0: "a", 1: "b", 2: "<eos>", 3: "c"}
    assert corpus.tolist() == [1, 1, 3, 2, 0, 2] and corpus.dtype == np.int32
    assert sorted(p.name for p in ptb.cache_dir().iterdir()) == ["ptb.test.txt", "ptb.train.txt"]
    mirror.stop()  # now only the cache can answer
    assert ptb.load_data("train")[0].tolist() == [0, 1, 0, 2, 3, 1, 2]


def test_wordvec_data_wins_and_falls_through_per_file(tmp_path, monkeypatch):
    _synthetic(tmp_path / "data", monkeypatch)
    (tmp_path / "data" / "ptb.valid.txt").unlink()
    ptb.cache_dir().mkdir(parents=True)
    (ptb.cache_dir() / "ptb.valid.txt").write_text(" b \n")
    monkeypatch.setenv("WORDVEC_DATA", str(tmp_path / "data"))
    assert ptb.path("train") == tmp_path / "data" / "ptb.train.txt"
    assert ptb.path("val") == ptb.cache_dir() / "ptb.valid.txt"
    assert ptb.load_data("valid")[0].tolist() == [1, 2]


def test_corrupted_download_raises_and_leaves_nothing(tmp_path, monkeypatch, mirror):
    _synthetic(tmp_path / "srv", monkeypatch)
    (tmp_path / "srv" / "ptb.valid.txt").write_text(" c a a \n")  # not the checksummed bytes
    url = mirror(tmp_path / "srv")
    with pytest.raises(ptb.DownloadError) as err:
        ptb.path("valid")
    message = str(err.value)
    assert "ptb.valid.txt" in message and url + "ptb.valid.txt" in message
    assert ptb.SHA256["ptb.valid.txt"] in message and "WORDVEC_DATA" in message
    assert list(ptb.cache_dir().iterdir()) == []  # no file, no temporary file


def test_missing_file_on_mirror_raises(tmp_path, mirror):
    (tmp_path / "empty").mkdir()
    url = mirror(tmp_path / "empty")
    with pytest.raises(ptb.DownloadError, match=r"ptb\.test\.txt.*404.*WORDVEC_DATA") as err:
        ptb.path("test")
    assert url + "ptb.test.txt" in str(err.value)
    assert list(ptb.cache_dir().iterdir()) == []


def test_url_base_keyword_beats_the_environment(tmp_path, monkeypatch, mirror):
    _synthetic(tmp_path / "srv", monkeypatch)
    url = mirror(tmp_path / "srv")
    monkeypatch.setenv("WORDVEC_PTB_URL", "http://127.0.0.1:9/dead/")
    assert ptb.path("valid", url_base=url.rstrip("/")).read_text() == " c a \n"


# --- the real files through the download path --------------------------------------------

def test_real_download_is_verified_and_cached(real_data, tmp_path, monkeypatch, mirror):
    monkeypatch.delenv("WORDVEC_DATA")
    srv = tmp_path / "srv"
    srv.mkdir()
    for split in ("train", "valid"):
        shutil.copy(real_data / f"ptb.{split}.txt", srv)
    mirror(srv)
    corpus, word_to_id, _ = ptb.load_data("valid")
    assert len(corpus) == 73_760 and len(word_to_id) == 10_000
    for split in ("train", "valid"):
        name = f"ptb.{split}.txt"
        assert (ptb.cache_dir() / name).read_bytes() == (real_data / name).read_bytes()
    mirror.stop()
    assert np.array_equal(ptb.load_data("valid")[0], corpus)


@pytest.mark.parametrize("content,problem", [
    (b" a b \n c \xff d \n", "not UTF-8 text (invalid start byte at byte 9)"),
    (b" a" * 60, "larger than 100 bytes"),
])
def test_a_ptb_file_that_is_not_ptb_is_one_line_naming_it(tmp_path, monkeypatch, content,
                                                           problem):
    monkeypatch.setattr(ptb, "MAX_FILE_BYTES", 100)
    (tmp_path / "ptb.train.txt").write_bytes(content)
    monkeypatch.setenv("WORDVEC_DATA", str(tmp_path))
    with pytest.raises(ptb.DatasetError) as caught:
        ptb.load_data("train")
    message = str(caught.value)
    assert problem in message and str(tmp_path / "ptb.train.txt") in message, message
    assert "WORDVEC_DATA" in message and "\n" not in message


def test_a_split_with_words_outside_the_train_vocabulary_is_a_value_error(tmp_path,
                                                                         monkeypatch):
    (tmp_path / "ptb.train.txt").write_text(" a b \n")
    (tmp_path / "ptb.test.txt").write_text(" a c \n")
    monkeypatch.setenv("WORDVEC_DATA", str(tmp_path))
    assert ptb.load_data("train")[0].tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="'c' of ptb.test.txt is not in the vocabulary"):
        ptb.load_data("test")
