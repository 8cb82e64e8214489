"""Queries from standard input: word2vec.c's distance and word-analogy loops, fastText's nn,
analogies and print-word-vectors, as ``wordvec similar``, ``analogy`` and ``vectors``."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wordvec.cli.query import MAX_QUERY_LINE
from wordvec.io import save_word2vec_format


def run(*args, stdin=b""):
    done = subprocess.run([sys.executable, "-m", "wordvec", *map(str, args)], input=stdin,
                          capture_output=True, timeout=300)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "paris", "france", "rome", "italy", "bank"]
    path = tmp_path_factory.mktemp("v") / "v.bin"
    save_word2vec_format(path, words, rng.standard_normal((len(words), 6)).astype(np.float32))
    return path


def test_similar_reads_one_query_a_line_until_exit(vectors):
    one = run("similar", vectors, "king", "--topn", "3")[1]
    two = run("similar", vectors, "paris", "rome", "--topn", "3")[1]
    code, out, err = run("similar", vectors, "--topn", "3",
                         stdin=b"king\n\n  paris rome \nEXIT\nqueen\n")
    assert code == 0 and err == ""
    assert out == one + "\n" + two + "\n"          # a blank line after each answer; EXIT ends


def test_a_failing_query_is_one_line_on_stderr_and_the_loop_goes_on(vectors):
    code, out, err = run("similar", vectors, "--topn", "2", stdin=b"kingg\nqueen\n")
    assert code == 0
    assert err.splitlines() == ["wordvec: error: word 'kingg' is not in the vocabulary; "
                                "did you mean 'king'?"]
    assert out == run("similar", vectors, "queen", "--topn", "2")[1] + "\n"


def test_analogy_reads_three_words_a_line(vectors):
    expected = run("analogy", vectors, "man", "king", "woman")[1]
    code, out, err = run("analogy", vectors, stdin=b"man king woman\nfrance paris\n")
    assert code == 0 and out == expected + "\n"
    assert err.splitlines() == ["wordvec: error: an analogy takes three words A B C, got 2: "
                                "'france paris'"]
    code, _, err = run("analogy", vectors, "man", "king")
    assert code == 2 and "an analogy takes three words A B C, got 2" in err


def test_a_huge_or_binary_line_is_skipped_in_bounded_memory(vectors):
    huge = b"x" * (MAX_QUERY_LINE + 10) + b"\n"
    code, out, err = run("similar", vectors, "--topn", "1",
                         stdin=huge + b"\xff\xfe\n" + b"king\n")
    assert code == 0
    assert err.splitlines() == [
        f"wordvec: error: a query line is longer than {MAX_QUERY_LINE:,} bytes; skipped",
        "wordvec: error: a query line is not UTF-8 text; skipped"]
    assert out == run("similar", vectors, "king", "--topn", "1")[1] + "\n"


def test_vectors_prints_each_known_word_exactly_and_names_the_unknown(vectors):
    from wordvec import load

    wv = load(vectors)
    code, out, err = run("vectors", vectors, stdin=b"king queen\nnowhere\nbank\n")
    assert code == 0
    rows = [line.split(" ") for line in out.splitlines()]
    assert [r[0] for r in rows] == ["king", "queen", "bank"]
    for word, *numbers in rows:
        np.testing.assert_array_equal(np.array(numbers, dtype=np.float32), wv[word])
    assert err.splitlines() == [f"wordvec: error: unknown word 'nowhere': not in {vectors}"]


# ------------------------------------------------------------------------------------------
# A corpus of - reads standard input


def test_a_corpus_from_standard_input_trains_as_the_same_file_does(tmp_path):
    import tempfile

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(40)]
    text = "\n".join(" ".join(rng.choice(words, 12)) for _ in range(300)) + "\n"
    (tmp_path / "c.txt").write_text(text)
    options = ("--min-count", "1", "--threads", "1", "--epochs", "2", "--dim", "8", "-q")
    before = set(Path(tempfile.gettempdir()).iterdir())
    code, _, err = run("train", "-", "-o", tmp_path / "stdin.bin", *options,
                       stdin=text.encode())
    assert code == 0, err
    assert run("train", tmp_path / "c.txt", "-o", tmp_path / "file.bin", *options)[0] == 0
    assert (tmp_path / "stdin.bin").read_bytes() == (tmp_path / "file.bin").read_bytes()
    spilled = {p for p in set(Path(tempfile.gettempdir()).iterdir()) - before
               if "stdin-corpus" in p.name}
    assert not spilled                      # the copy of standard input is removed


@pytest.mark.parametrize("args, message", [
    (("-", "-"), "the corpus - (standard input) is given more than once"),
    (("-", "--checkpoint-dir", "ckpt"), "--checkpoint-dir needs a corpus that can be read "
                                        "again to resume, not - (standard input)"),
])
def test_standard_input_that_cannot_work_is_one_line(tmp_path, args, message):
    code, out, err = run("train", *args, "-o", tmp_path / "v.bin", stdin=b"a b c\n")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"wordvec: error: {message}; "
                                + ("give it once" if "once" in message else
                                   "save it to a file and train on that")]
    assert not (tmp_path / "v.bin").exists()
