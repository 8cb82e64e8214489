"""``wordvec classes`` and ``wordvec phrases``: word2vec.c's companion tools as commands,
each equal to its API (tested against word2vec.c's own loops in test_classes.py and
test_phrases.py) and refusing what would destroy an input."""
import subprocess
import sys

import numpy as np
import pytest

from wordvec.classes import kmeans_classes, write_classes
from wordvec.io import save_word2vec_format
from wordvec.phrases import phrase_corpus


def run(*args):
    done = subprocess.run([sys.executable, "-m", "wordvec", *map(str, args)],
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def vectors(tmp_path):
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(60)]
    W = rng.standard_normal((60, 8)).astype(np.float32)
    path = tmp_path / "v.bin"
    save_word2vec_format(path, words, W)
    return path, words, W


@pytest.mark.parametrize("flag", [(), ("--sorted",)])
def test_classes_writes_what_the_api_writes(tmp_path, vectors, flag):
    path, words, W = vectors
    code, _, err = run("classes", path, "-k", 7, "-o", tmp_path / "c.txt", *flag)
    assert code == 0 and err.strip() == f"wrote {tmp_path / 'c.txt'} (60 words in 7 classes)"
    write_classes(tmp_path / "api.txt", words, kmeans_classes(W, 7), sort_by_class=bool(flag))
    assert (tmp_path / "c.txt").read_bytes() == (tmp_path / "api.txt").read_bytes()


def test_classes_never_overwrites_its_input(vectors):
    path = vectors[0]
    before = path.read_bytes()
    code, out, err = run("classes", path, "-k", 3, "-o", path)
    assert code == 2 and len(err.splitlines()) == 1 and "would destroy" in err
    assert path.read_bytes() == before


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(2)
    lines = []
    for _ in range(400):
        words = list(rng.choice(["a", "b", "c", "d", "e", "f"], 8))
        if rng.random() < 0.6:
            words[3:3] = ["new", "york"]
        lines.append(" ".join(words))
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("options, api", [
    ((), {}),
    (("--threshold", "2", "--passes", "2"), {"threshold": 2.0, "passes": 2}),
    (("--scorer", "npmi", "--threshold", "0.3", "--delimiter", "+"),
     {"scorer": "npmi", "threshold": 0.3, "delimiter": "+"}),
])
def test_phrases_writes_what_the_api_writes(tmp_path, corpus, options, api):
    code, _, err = run("phrases", corpus, "-o", tmp_path / "out.txt", *options)
    assert code == 0, err
    phrase_corpus(str(corpus), tmp_path / "api.txt", **api)
    text = (tmp_path / "out.txt").read_text()
    assert text == (tmp_path / "api.txt").read_text()
    # word2phrase's default threshold (100) joins nothing in a corpus this small.
    assert (f"new{api.get('delimiter', '_')}york" in text) == bool(api)


@pytest.mark.parametrize("options, message", [
    (("--scorer", "npmi", "--threshold", "5"), "threshold must be in [-1, 1]"),
    (("--min-count", "0"), "Invalid value for '--min-count'"),
    (("--delimiter", "a b"), "delimiter"),
])
def test_bad_phrase_options_are_one_line_and_write_nothing(tmp_path, corpus, options,
                                                           message):
    code, out, err = run("phrases", corpus, "-o", tmp_path / "out.txt", *options)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and message in err
    assert not (tmp_path / "out.txt").exists()


def test_phrases_never_overwrites_its_corpus(corpus):
    before = corpus.read_bytes()
    code, _, err = run("phrases", corpus, "-o", corpus)
    assert code == 2 and "would destroy the corpus" in err and corpus.read_bytes() == before


# ------------------------------------------------------------------------------------------
# wordvec train --classes, --save-vocab, --read-vocab (word2vec.c's -classes, -save-vocab,
# -read-vocab)

TRAIN = ("--min-count", "2", "--threads", "1", "--epochs", "1", "--dim", "8", "-q")


def test_train_classes_are_the_classes_of_the_trained_vectors(tmp_path, corpus):
    for args in (("train", corpus, "-o", tmp_path / "v.bin", *TRAIN),
                 ("train", corpus, "--classes", 4, "-o", tmp_path / "cl.txt", *TRAIN),
                 ("classes", tmp_path / "v.bin", "-k", 4, "-o", tmp_path / "k.txt")):
        code, _, err = run(*args)
        assert code == 0, err
    assert (tmp_path / "cl.txt").read_bytes() == (tmp_path / "k.txt").read_bytes()


def test_a_saved_vocabulary_read_back_trains_the_same_vectors(tmp_path, corpus):
    from wordvec.vocab import Vocab
    from wordvec.vocabfile import save_vocab

    code, _, err = run("train", corpus, "-o", tmp_path / "a.bin", "--save-vocab",
                       tmp_path / "vocab.txt", *TRAIN)
    assert code == 0, err
    save_vocab(tmp_path / "api.txt", Vocab.build(corpus, min_count=2),
               newlines=corpus.read_bytes().count(b"\n"))
    assert (tmp_path / "vocab.txt").read_bytes() == (tmp_path / "api.txt").read_bytes()
    code, _, err = run("train", corpus, "-o", tmp_path / "b.bin", "--read-vocab",
                       tmp_path / "vocab.txt", *TRAIN)
    assert code == 0, err
    assert (tmp_path / "a.bin").read_bytes() == (tmp_path / "b.bin").read_bytes()


@pytest.mark.parametrize("extra, message", [
    (("--classes", "3", "--format", "native"), "--classes writes word classes, not vectors: "
                                               "leave out --format"),
    (("--classes", "3", "--checkpoint-dir", "{tmp}/ck"), "--classes does not go with "
                                                         "--checkpoint-dir"),
    (("--read-vocab", "{corpus}", "--max-vocab", "5"), "--read-vocab takes the vocabulary as "
                                                       "the file gives it; --max-vocab would "
                                                       "not apply"),
    (("--save-vocab", "{tmp}/out.bin"), "--save-vocab and -o/--output name the same file"),
    (("--save-vocab", "{corpus}"), "writing it would destroy the corpus"),
    (("--classes", "0"), "Invalid value for '--classes'"),
    (("--read-vocab", "{tmp}/missing.txt"), "missing.txt: cannot be read: No such file"),
    (("--read-vocab", "{tmp}"), "Invalid value for '--read-vocab'"),
])
def test_bad_vocabulary_and_classes_options_are_one_line(tmp_path, corpus, extra, message):
    before = corpus.read_bytes()
    extra = [e.format(tmp=tmp_path, corpus=corpus) for e in extra]
    code, out, err = run("train", corpus, "-o", tmp_path / "out.bin", *extra, *TRAIN)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "out.bin").exists() and corpus.read_bytes() == before


def test_save_vocab_through_a_link_to_the_corpus_is_refused(tmp_path, corpus):
    before = corpus.read_bytes()
    (tmp_path / "link.txt").symlink_to(corpus)
    code, out, err = run("train", corpus, "-o", tmp_path / "out.bin", "--save-vocab",
                         tmp_path / "link.txt", *TRAIN)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "would destroy the corpus" in err
    assert corpus.read_bytes() == before and not (tmp_path / "out.bin").exists()
