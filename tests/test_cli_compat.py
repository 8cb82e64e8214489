"""word2vec.c's and fastText's own command lines (``wordvec word2vec``, ``word2phrase``,
``distance``, ``word-analogy``, ``compute-accuracy``, ``fasttext``): each training command
writes what the ``wordvec train`` / ``wordvec phrases`` run it translates to writes, byte
for byte; each query tool prints what a plain-Python port of the C tool's loop (below,
float32 operation by operation) prints, byte for byte; the demo scripts of word2vec.c run
with ``./word2vec`` replaced by ``wordvec word2vec``.

The ports were checked against the compiled C tools (``gcc -O2``) on word2vec.c's own
vectors of text8-head: compute-accuracy's output is the same bytes for thresholds 0 and
30000 on questions-words.txt, and distance's and word-analogy's for the queries tried.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from wordvec.cli import main
from wordvec.cli.compat import c_search, c_unit_rows
from wordvec.io import save_word2vec_format
from wordvec.io.loader import load
from wordvec.phrases import phrase_corpus
from wordvec.vocab import Vocab

f32 = np.float32

# The query loops read standard input through wordvec.cli.query, which asks click for it
# with a name click 8.4 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:'get_binary_stream' is deprecated")


def cli(*args, stdin: bytes = b""):
    """(exit code, stdout bytes, stderr str) of ``wordvec ARGS`` run in-process."""
    result = CliRunner().invoke(main, [str(a) for a in args], input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes, result.stderr


# --------------------------------------------------------------------------------------------
# Plain-Python ports of the C tools' loops (distance.c, word-analogy.c, compute-accuracy.c),
# float32 operation by operation, with the C code's names.


def port_normalise(rows):
    """Each row over ``sqrt(sum of x * x)``, accumulated in float32 as the C tools do."""
    out = []
    with np.errstate(all="ignore"):
        for row in rows:
            length = f32(0)
            for x in row:
                length = f32(length + f32(x * x))
            length = f32(math.sqrt(float(length)))
            out.append([f32(x / length) for x in row])
    return out


def port_dot(vec, row):
    dist = f32(0)
    with np.errstate(all="ignore"):
        for a, b in zip(vec, row, strict=True):
            dist = f32(dist + f32(a * b))
    return dist


def port_best(M, vec, skip, n, start):
    """The C tools' insertion of each row into the best ``n`` (bestd starts at ``start``)."""
    bestd, bestw = [start] * n, [""] * n
    for c, (word, row) in enumerate(M):
        if c in skip:
            continue
        dist = port_dot(vec, row)
        for a in range(n):
            if dist > bestd[a]:
                bestd[a + 1:] = bestd[a:-1]
                bestw[a + 1:] = bestw[a:-1]
                bestd[a], bestw[a] = dist, word
                break
    return bestw, bestd


def port_lines(bestw, bestd):
    return "".join(f"{' ' * (50 - len(w.encode()))}{w}\t\t{float(d):f}\n"
                   for w, d in zip(bestw, bestd, strict=True))


RULE = "-" * 72 + "\n"


def port_distance(words, vectors, lines) -> bytes:
    """distance.c's main loop over ``lines`` (split at whitespace, as wordvec does)."""
    M = list(zip(words, port_normalise(vectors), strict=True))
    out = []
    for line in lines + ["EXIT"]:
        out.append("Enter word or sentence (EXIT to break): ")
        if line == "EXIT":
            break
        st = line.split()
        bi = []
        for word in st:
            b = words.index(word) if word in words else -1
            bi.append(b)
            out.append(f"\nWord: {word}  Position in vocabulary: {b}\n")
            if b == -1:
                out.append("Out of dictionary word!\n")
                break
        if bi[-1] == -1:
            continue
        out.append("\n" + " " * 46 + "Word       Cosine distance\n" + RULE)
        vec = [f32(0)] * len(vectors[0])
        for b in bi:
            vec = [f32(v + m) for v, m in zip(vec, M[b][1], strict=True)]
        vec = port_normalise([vec])[0]
        out.append(port_lines(*port_best(M, vec, set(bi), 40, f32(-1))))
    return "".join(out).encode()


def port_word_analogy(words, vectors, lines) -> bytes:
    """word-analogy.c's main loop, with wordvec's one difference: row 0 is a word (the C
    code takes position 0 as "not found", its row 0 being </s>)."""
    M = list(zip(words, port_normalise(vectors), strict=True))
    out = []
    for line in lines + ["EXIT"]:
        out.append("Enter three words (EXIT to break): ")
        if line == "EXIT":
            break
        st = line.split()
        if len(st) < 3:
            out.append(f"Only {len(st)} words were entered.. three words are needed at the "
                       "input to perform the calculation\n")
            continue
        bi = []
        for word in st:
            b = words.index(word) if word in words else -1
            bi.append(b)
            out.append(f"\nWord: {word}  Position in vocabulary: {max(b, 0)}\n")
            if b == -1:
                out.append("Out of dictionary word!\n")
                break
        if bi[-1] == -1:
            continue
        out.append("\n" + " " * 46 + "Word              Distance\n" + RULE)
        vec = [f32(f32(b - a) + c) for a, b, c in zip(M[bi[0]][1], M[bi[1]][1], M[bi[2]][1],
                                                       strict=True)]
        vec = port_normalise([vec])[0]
        out.append(port_lines(*port_best(M, vec, set(bi), 40, f32(0))))
    return "".join(out).encode()


class PortScanf:
    """scanf("%s") and feof(stdin) over bytes."""

    def __init__(self, data: bytes):
        self.tokens = [(m.group(), m.end() == len(data))
                       for m in re.finditer(rb"[^ \t\n\r\x0b\x0c]+", data)]
        self.i = 0
        self.eof = False

    def scan(self, old: bytes) -> bytes:
        if self.eof or self.i == len(self.tokens):
            self.eof = True
            return old
        token, at_end = self.tokens[self.i]
        self.i += 1
        self.eof = at_end
        return token


def port_percent(a, b) -> str:
    with np.errstate(all="ignore"):
        x = float(f32(f32(a) / f32(b)) * f32(100))
    if math.isnan(x):
        return "-nan" if math.copysign(1, x) < 0 else "nan"
    return f"{x:.2f}"


def port_compute_accuracy(words, vectors, threshold, data: bytes) -> bytes:
    """compute-accuracy.c's main, line by line."""
    n = len(words)
    if threshold and n > threshold:
        n = threshold
    vocab = [w.encode().upper() for w in words[:n]]
    M = port_normalise(vectors[:n])
    out = []
    TCN = CCN = TACN = CACN = SECN = SYCN = SEAC = SYAC = QID = TQ = TQS = 0
    st1 = st2 = st3 = st4 = b""
    inp = PortScanf(data)

    def find(st):
        return vocab.index(st) if st in vocab else n

    while True:
        st1 = inp.scan(st1).upper()
        if st1 == b":" or st1 == b"EXIT" or inp.eof:
            if TCN == 0:
                TCN = 1
            if QID != 0:
                out.append(f"ACCURACY TOP1: {port_percent(CCN, TCN)} %  ({CCN} / {TCN})\n"
                           .encode())
                out.append(f"Total accuracy: {port_percent(CACN, TACN)} %   Semantic "
                           f"accuracy: {port_percent(SEAC, SECN)} %   Syntactic accuracy: "
                           f"{port_percent(SYAC, SYCN)} % \n".encode())
            QID += 1
            st1 = inp.scan(st1)
            if inp.eof:
                break
            out.append(st1 + b":\n")
            TCN = CCN = 0
            continue
        st2 = inp.scan(st2).upper()
        st3 = inp.scan(st3).upper()
        st4 = inp.scan(st4).upper()
        b1, b2, b3 = find(st1), find(st2), find(st3)
        TQ += 1
        if n in (b1, b2, b3) or find(st4) == n:
            continue
        vec = [f32(f32(y - x) + z) for x, y, z in zip(M[b1], M[b2], M[b3], strict=True)]
        TQS += 1
        bestd, bestw = f32(0), b""
        for c in range(n):
            if c in (b1, b2, b3):
                continue
            dist = port_dot(vec, M[c])
            if dist > bestd:
                bestd, bestw = dist, vocab[c]
        if st4 == bestw:
            CCN += 1
            CACN += 1
            if QID <= 5:
                SEAC += 1
            else:
                SYAC += 1
        if QID <= 5:
            SECN += 1
        else:
            SYCN += 1
        TCN += 1
        TACN += 1
    out.append(f"Questions seen / total: {TQS} {TQ}   {port_percent(TQS, TQ)} % \n".encode())
    return b"".join(out)


# --------------------------------------------------------------------------------------------
# Vectors with the cases that matter: exact ties (repeated rows), near-ties (rows one ulp
# apart), a zero row (NaN once normalised), spellings equal once upper-cased, a non-ASCII
# word (padding counts bytes).


def tricky_vectors(n_words=60, dim=8, seed=3):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n_words)]
    W = rng.standard_normal((n_words, dim)).astype(np.float32)
    W[7] = W[3]                                          # exact tie with w3
    W[8] = W[3]
    W[8, 0] = np.nextafter(W[3, 0], np.float32(np.inf))  # one ulp from w3
    W[9] = 0.0                                           # a zero row
    W[10] = W[4] * 3                                     # same direction as w4
    words[11], words[12] = "Paris", "paris"              # one upper-case spelling
    words[13] = "caf\u00e9"                               # two bytes in UTF-8
    return words, W


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    words, W = tricky_vectors()
    path = tmp_path_factory.mktemp("v") / "v.bin"
    save_word2vec_format(path, words, W)
    return path, words, W


def test_c_search_equals_the_c_scan_with_ties_and_nan():
    words, W = tricky_vectors(n_words=300, dim=24, seed=9)
    M = c_unit_rows(W)
    rows = port_normalise(W)
    assert np.array_equal(M, np.array(rows, dtype=np.float32), equal_nan=True)
    rng = np.random.default_rng(1)
    queries = np.vstack([M[3], M[4], M[9], rng.standard_normal((5, 24)).astype(np.float32)])
    exclude = np.array([[3, -1], [-1, -1], [-1, -1]] + [[0, 1]] * 5, dtype=np.int64)
    for n, floor in ((1, 0.0), (40, -1.0), (40, 0.0)):
        found = c_search(M, queries, exclude, n, floor)
        for q, skip, (got_rows, got_scores) in zip(queries, exclude, found, strict=True):
            bestw, bestd = port_best(list(zip(range(300), rows, strict=True)), list(q),
                                     set(skip.tolist()), n, f32(floor))
            kept = [i for i, w in enumerate(bestw) if w != ""]
            assert got_rows.tolist() == [bestw[i] for i in kept]
            assert got_scores.tolist() == [float(bestd[i]) for i in kept]


QUESTIONS = b"""w1 w2 w3 w4
: capital-common-countries
w1 w2 w3 w4
W5 w6 w7 W8
w3 w8 w1 w7
w4 w10 w3 w7
w4 w10 w3 w8
Paris w3 w20 PARIS
w9 w1 w2 w3
nosuch w1 w2 w3
: second
w10 w4 w11 w12
w21 w22 w23 w24
caf\xc3\xa9 w30 w31 w32
: third
w40 w41 w42 w43
: fourth
w1 w1 w1 w1
: fifth
w50 w51 w52 w53
: gram1-adjective-to-adverb
w54 w55 w56 w57
w2 w4 w6 w8
exit
w3 w5 w7 w9
: gram2
w11\tw13\r\nw15 w17
"""


@pytest.mark.parametrize("threshold", [0, 25, 1000])
@pytest.mark.parametrize("tail", [b"", b"w1 w2 w3 w5", b"w1 w2", b": last\n", b": last"])
def test_compute_accuracy_prints_what_the_c_loop_prints(tricky, threshold, tail):
    path, words, W = tricky
    data = QUESTIONS + tail
    code, out, err = cli("compute-accuracy", path, threshold, stdin=data)
    assert code == 0, err
    assert out == port_compute_accuracy(words, W, threshold, data)
    assert b"Syntactic accuracy: -nan %" in out         # 0 / 0 before the 6th section


def test_compute_accuracy_without_questions_and_with_a_bad_threshold(tricky):
    path, words, W = tricky
    for data in (b"", b"\n\n", b"w1"):
        code, out, _ = cli("compute-accuracy", path, stdin=data)
        assert code == 0 and out == port_compute_accuracy(words, W, 0, data)
    assert out.endswith(b"Questions seen / total: 0 0   -nan % \n")
    code, _, err = cli("compute-accuracy", path, "-5")
    assert code == 2 and len(err.splitlines()) == 1


def test_compute_accuracy_a_negative_only_answer_is_wrong(tmp_path):
    # b - a + c points away from d, the only other word: C's best stays at 0, no answer.
    words = ["a", "b", "c", "d", "e"]
    W = np.array([[1, 0], [-1, 0], [0, 1], [1, -0.1], [1, -0.2]], dtype=np.float32)
    path = tmp_path / "v.txt"
    save_word2vec_format(path, words, W, binary=False)
    data = b": s\na b c d\nb a c d\n"
    code, out, _ = cli("compute-accuracy", path, stdin=data)
    assert out == port_compute_accuracy(words, W, 0, data)
    assert out.startswith(b"s:\nACCURACY TOP1: 50.00 %  (1 / 2)\n")


def test_compute_accuracy_on_the_real_questions(tmp_path, data_file):
    """The first sections of questions-words.txt over a vocabulary of their words (and a
    few missing), random vectors: the port's bytes."""
    lines = data_file("questions-words.txt").read_bytes().split(b"\n")
    head = b"\n".join(lines[:120] + lines[8400:8460]) + b"\n"
    vocab = sorted({w for line in head.split(b"\n") if not line.startswith(b":")
                    for w in line.lower().split()})
    words = [w.decode() for w in vocab[:-10]]
    rng = np.random.default_rng(0)
    W = rng.standard_normal((len(words), 12)).astype(np.float32)
    path = tmp_path / "v.bin"
    save_word2vec_format(path, words, W)
    code, out, _ = cli("compute-accuracy", path, 50, stdin=head)
    assert code == 0 and out == port_compute_accuracy(words, W, 50, head)


DISTANCE_LINES = ["w1", "w3", "w1 w2", "  w4   w5 ", "nosuch", "w6 nosuch w7", "Paris",
                  "caf\u00e9", "w9", "", "w2 w3 w4 w5 w6"]


def test_distance_prints_what_the_c_loop_prints(tricky):
    path, words, W = tricky
    stdin = ("\n".join(DISTANCE_LINES) + "\nEXIT\nw1\n").encode()
    code, out, err = cli("distance", path, stdin=stdin)
    assert code == 0 and err == ""
    assert out == port_distance(words, W, [x for x in DISTANCE_LINES if x.strip()])
    # The end of input ends it as EXIT does.
    code, out_eof, _ = cli("distance", path, stdin=b"w1\n")
    assert out_eof == port_distance(words, W, ["w1"])


def test_distance_with_fewer_than_40_words_prints_empty_entries(tmp_path):
    words, W = tricky_vectors(n_words=15, dim=5)
    path = tmp_path / "v.txt"
    save_word2vec_format(path, words, W, binary=False)
    code, out, _ = cli("distance", path, stdin=b"w1 w2\n")
    assert out == port_distance(words, W, ["w1 w2"])
    # 15 words, less the 2 asked and the zero row (NaN, never shown): 12, then 28 empty.
    assert out.count(b" " * 50 + b"\t\t-1.000000\n") == 40 - 12


ANALOGY_LINES = ["w1 w2 w3", "w1 w2", "w5", "w2 w1 w4 w6", "w1 nosuch w3", "Paris w3 w4",
                 "w9 w1 w2", "w3 w7 w8", "w0 w1 w2"]


def test_word_analogy_prints_what_the_c_loop_prints(tricky):
    path, words, W = tricky
    code, out, err = cli("word-analogy", path, stdin=("\n".join(ANALOGY_LINES) + "\n").encode())
    assert code == 0 and err == ""
    assert out == port_word_analogy(words, W, ANALOGY_LINES)
    assert b"Only 2 words were entered.. three words are needed" in out
    assert b"\nWord: nosuch  Position in vocabulary: 0\nOut of dictionary word!\n" in out


def test_query_tools_refuse_a_missing_file(tmp_path):
    for tool in ("distance", "word-analogy", "compute-accuracy"):
        code, _, err = cli(tool, tmp_path / "none.bin")
        assert code == 2 and err.startswith("wordvec: error: vector file not found")


# --------------------------------------------------------------------------------------------
# Training commands: the run of 'wordvec train' / 'wordvec phrases' they translate to


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, data_file):
    """The first 3,000 lines of the Penn Treebank (about 60,000 words)."""
    lines = data_file("ptb.train.txt").read_text().splitlines()[:3000]
    path = tmp_path_factory.mktemp("c") / "ptb-head.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


SMALL = ("-size", 12, "-iter", 1, "-threads", 1)


@pytest.mark.parametrize("flags, train_options", [
    (("-binary", 1), ("--format", "word2vec")),
    (("-binary", 0, "-cbow", 0, "-window", 3), ("--format", "word2vec-text", "--model",
                                                 "skipgram", "--window", "3")),
    (("-binary", 1, "-hs", 1, "-negative", 0, "-sample", 0, "-alpha", 0.1, "-min-count", 3),
     ("--format", "word2vec", "--hs", "1", "--negative", "0", "--sample", "0", "--alpha",
      "0.1", "--min-count", "3")),
])
def test_word2vec_writes_what_train_writes(tmp_path, corpus, flags, train_options):
    out = tmp_path / "vectors.bin"
    code, stdout, err = cli("word2vec", "-train", corpus, "-output", out, *SMALL, *flags,
                            "-debug", 1)
    assert code == 0, err
    min_count = int(dict(zip(flags[::2], flags[1::2], strict=True)).get("-min-count", 5))
    vocab = Vocab.build(str(corpus), min_count=min_count)
    assert stdout.decode() == (f"Starting training using file {corpus}\nVocab size: "
                               f"{len(vocab)}\nWords in train file: {vocab.total}\n")
    # word2vec.c's initial range (InitNet), which wordvec word2vec keeps.
    code, _, err = cli("train", corpus, "-o", tmp_path / "ref.bin", "--dim", 12, "--epochs", 1,
                       "--threads", 1, "-q", "--init", "word2vec", *train_options)
    assert code == 0, err
    assert out.read_bytes() == (tmp_path / "ref.bin").read_bytes()
    text = flags[1] == 0
    assert out.read_bytes()[:1].isdigit() and (b"\x00" not in out.read_bytes()) == text


def test_word2vec_classes_vocabulary_and_stdin(tmp_path, corpus):
    classes, vocab = tmp_path / "classes.txt", tmp_path / "vocab.txt"
    code, stdout, err = cli("word2vec", "-train", "-", "-output", classes, "-classes", 5,
                            "-save-vocab", vocab, "-debug", 0, *SMALL,
                            stdin=corpus.read_bytes())
    assert code == 0, err
    assert stdout == b"Starting training using file -\n" and err == ""
    code, _, err = cli("train", corpus, "-o", tmp_path / "ref.txt", "--classes", 5,
                       "--save-vocab", tmp_path / "ref-vocab.txt", "--dim", 12, "--epochs", 1,
                       "--threads", 1, "-q", "--init", "word2vec")
    assert classes.read_bytes() == (tmp_path / "ref.txt").read_bytes()
    assert vocab.read_bytes() == (tmp_path / "ref-vocab.txt").read_bytes()
    assert re.fullmatch(r"(\S+ \d+\n)+", classes.read_text())
    # Without -output, word2vec.c only counts the vocabulary; -read-vocab reads it back.
    again = tmp_path / "again.txt"
    code, stdout, err = cli("word2vec", "-train", corpus, "-save-vocab", again, "-debug", 1)
    assert code == 0 and again.read_bytes() == vocab.read_bytes()
    assert b"Vocab size: " in stdout
    code, _, err = cli("word2vec", "-train", corpus, "-read-vocab", vocab, "-output",
                       tmp_path / "v.bin", "-binary", 1, "-debug", 0, *SMALL)
    assert code == 0 and len(load(tmp_path / "v.bin")) == len(vocab.read_text().splitlines()) - 1


def test_word2vec_debug_2_shows_the_training_display(tmp_path, corpus):
    code, stdout, err = cli("word2vec", "-train", corpus, "-output", tmp_path / "v.txt", *SMALL)
    assert code == 0, err
    text = stdout.decode()
    assert re.search(r"\rAlpha: \d\.\d{6}  Progress: 100\.00%  Words/thread/sec: [\d.]+k  \n$",
                     text), text[-200:]
    assert "memory: " in err and "wrote " in err


@pytest.mark.parametrize("args, message", [
    (("-size", 0), "Invalid value for '-size': must be an integer from 1 to 100,000, got 0"),
    (("-sample", "nan"), "Invalid value for '-sample'"),
    (("-binary", 2), "Invalid value for '-binary'"),
    (("-iters", 3), "-iters"),
    (("-negative", 0), "-negative 0 with -hs 0 trains no output layer; use -negative 5"),
    ((), "give -output FILE for the vectors, or -save-vocab FILE"),
])
def test_word2vec_errors_are_one_line_naming_its_flags(tmp_path, corpus, args, message):
    out = ("-output", tmp_path / "v.bin") if args else ()
    code, _, err = cli("word2vec", "-train", corpus, *out, *args)
    assert code == 2 and len(err.splitlines()) == 1 and message in err, err
    assert "--" not in re.sub(r"\(see '[^']*--help'\)", "", err)


def test_word2vec_never_writes_over_its_corpus(tmp_path, corpus):
    copy = tmp_path / "c.txt"
    shutil.copy(corpus, copy)
    code, _, err = cli("word2vec", "-train", copy, "-output", copy, *SMALL)
    assert code == 2 and "would destroy" in err and "-output" in err
    assert copy.read_bytes() == corpus.read_bytes()


def test_word2phrase_writes_what_phrases_writes(tmp_path, corpus):
    out = tmp_path / "phrases.txt"
    code, stdout, err = cli("word2phrase", "-train", corpus, "-output", out, "-threshold", 50,
                            "-min-count", 3)
    assert code == 0, err
    model, _ = phrase_corpus(str(corpus), tmp_path / "ref.txt", min_count=3, threshold=50.0)
    assert out.read_bytes() == (tmp_path / "ref.txt").read_bytes()
    assert b"_" in out.read_bytes()
    learned = model.learned_passes[0]
    assert stdout.decode() == (f"Starting training using file {corpus}\n\nVocab size "
                               f"(unigrams + bigrams): {learned.entries}\nWords in train "
                               f"file: {learned.words}\n")
    code, _, err = cli("word2phrase", "-train", corpus, "-output", out, "-threshold", -1)
    assert code == 2 and "-threshold" in err and "--threshold" not in err


def test_fasttext_writes_vec_and_npz_as_train_would(tmp_path, corpus):
    prefix = tmp_path / "model"
    code, stdout, err = cli("fasttext", "skipgram", "-input", corpus, "-output", prefix,
                            "-dim", 12, "-epoch", 1, "-thread", 1, "-verbose", 1)
    assert code == 0, err
    assert stdout == b""
    vocab = Vocab.build(str(corpus), min_count=5)
    assert err.startswith(f"Read 0M words\nNumber of words:  {len(vocab)}\n"
                          "Number of labels: 0\n")
    assert re.search(r"\rProgress: 100\.0% words/sec/thread: +\d+ lr:  0\.000000 avg\.loss: "
                     r" *\d+\.\d{6} ETA:   0h 0m 0s\n", err)
    code, _, _ = cli("train", corpus, "-o", tmp_path / "ref.vec", "--model", "skipgram",
                     "--dim", 12, "--epochs", 1, "--threads", 1, "--alpha", 0.05,
                     "--min-alpha", 0, "--sample", 1e-4, "--ns-exponent", 0.5, "--seed", 0, "-q")
    assert (tmp_path / "model.vec").read_bytes() == (tmp_path / "ref.vec").read_bytes()
    native = load(tmp_path / "model.npz")
    assert np.array_equal(native.vectors, load(tmp_path / "ref.vec").vectors)


@pytest.mark.parametrize("args, ok", [
    (("-minn", 3, "-maxn", 6), False),
    (("-maxn", 5), False),
    (("-bucket", 100),  False),
    (("-minn", 0, "-maxn", 0, "-bucket", 100), True),
    (("-loss", "hs"), True),
])
def test_fasttext_trains_word_vectors_only(tmp_path, corpus, args, ok):
    code, _, err = cli("fasttext", "cbow", "-input", corpus, "-output", tmp_path / "m",
                       "-dim", 8, "-epoch", 1, "-thread", 1, "-verbose", 0, *args)
    if ok:
        assert code == 0 and (tmp_path / "m.vec").exists() and err == ""
    else:
        assert code == 2 and len(err.splitlines()) == 1
        assert "wordvec trains word-level vectors (as fastText with -maxn 0)" in err
        assert not (tmp_path / "m.vec").exists()


def test_fasttext_refuses_other_losses_and_commands(tmp_path, corpus):
    code, _, err = cli("fasttext", "skipgram", "-input", corpus, "-output", tmp_path / "m",
                       "-loss", "softmax")
    assert code == 2 and "-loss softmax is not supported" in err
    code, _, err = cli("fasttext", "supervised", "-input", corpus, "-output", tmp_path / "m")
    assert code == 2 and len(err.splitlines()) == 1


# --------------------------------------------------------------------------------------------
# word2vec.c's demo scripts, ./word2vec replaced by wordvec word2vec (and so on)

#: The demo scripts' commands as word2vec.c has them, with ./word2vec replaced by wordvec
#: word2vec (and so on), on WORDVEC_DATA's text8-head instead of a download: demo-word.sh
#: and demo-word-accuracy.sh (one training: their commands are the same) on the whole of
#: it; demo-classes.sh and demo-phrases.sh, whose output is checked for its form only, on
#: its first 3 MB and with -iter 3 instead of their 15 (every option still spelled as they
#: spell it; 15 iterations there took a quarter of CI's longest test for nothing checked),
#: demo-phrases.sh's sed and tr normalisation of the news corpus left out (text8 is
#: normalised already).
DEMO = """
set -e
W="{wordvec}"
D="{data}"
cd "{work}"
# demo-word.sh, demo-word-accuracy.sh
$W word2vec -train $D/text8-head -output vectors.bin -cbow 1 -size 200 -window 8 \\
    -negative 25 -hs 0 -sample 1e-4 -threads 20 -binary 1 -iter 15 > train.out
printf 'france\\nking queen\\nEXIT\\n' | $W distance vectors.bin > distance.out
$W compute-accuracy vectors.bin 30000 < $D/questions-words.txt > accuracy.out
head -c 3000000 $D/text8-head > text8-3mb
# demo-classes.sh
$W word2vec -train text8-3mb -output classes.txt -cbow 1 -size 200 -window 8 -negative 25 \\
    -hs 0 -sample 1e-4 -threads 20 -iter 3 -classes 500 > classes.out
sort classes.txt -k 2 -n > classes.sorted.txt
# demo-phrases.sh
$W word2phrase -train text8-3mb -output phrase0 -threshold 200 -debug 2 > p0.out
$W word2phrase -train phrase0 -output phrase1 -threshold 100 -debug 2 > p1.out
tr A-Z a-z < phrase1 > norm1-phrase1
$W word2vec -train norm1-phrase1 -output vectors-phrase.bin -cbow 1 -size 200 -window 10 \\
    -negative 25 -hs 0 -sample 1e-5 -threads 20 -binary 1 -iter 3 > p2.out
printf 'new_york\\nEXIT\\n' | $W distance vectors-phrase.bin > p3.out
"""

#: word2vec.c built from its public source (gcc -O2): demo-word.sh's command with -threads 2
#: on text8-head, then ./compute-accuracy vectors.bin 30000 < questions-words.txt:
#: "Total accuracy: 14.03 %", 9,274 of the 19,544 questions seen (wordvec's run: 14.34 %).
C_TOTAL_ACCURACY = 14.03
C_QUESTIONS_SEEN = 9274


@pytest.mark.quality
def test_word2vec_demo_scripts_run_with_wordvec(tmp_path, data_file):
    data = data_file("text8-head").parent
    data_file("questions-words.txt")
    wordvec = f"{sys.executable} -m wordvec"
    script = DEMO.format(wordvec=wordvec, data=data, work=tmp_path)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "LC_ALL": "C"})
    assert done.returncode == 0, done.stderr[-2000:]
    train = (tmp_path / "train.out").read_text()
    assert train.startswith(f"Starting training using file {data}/text8-head\nVocab size: ")
    assert "Progress: 100.00%" in train
    distance = (tmp_path / "distance.out").read_text()
    assert distance.count("Enter word or sentence (EXIT to break): ") == 3
    assert "\nWord: france  Position in vocabulary: " in distance
    assert re.search(r"\n {40,}\S+\t\t0\.\d{6}\n", distance)
    accuracy = (tmp_path / "accuracy.out").read_text().splitlines()
    assert accuracy[:2] == ["capital-common-countries:", accuracy[1]]
    assert re.fullmatch(r"ACCURACY TOP1: \d+\.\d\d %  \(\d+ / 380\)", accuracy[1])
    assert re.fullmatch(r"Total accuracy: [\d.]+ %   Semantic accuracy: [\d.]+ %   Syntactic "
                        r"accuracy: -nan % ", accuracy[2])
    total = float(re.match(r"Total accuracy: ([\d.]+) %", accuracy[-2]).group(1))
    assert accuracy[-1] == (f"Questions seen / total: {C_QUESTIONS_SEEN} 19544   "
                            f"{C_QUESTIONS_SEEN / 19544 * 100:.2f} % ")
    assert total >= C_TOTAL_ACCURACY - 1.5, accuracy[-2]
    classes = (tmp_path / "classes.sorted.txt").read_text().splitlines()
    assert (tmp_path / "classes.out").read_text().startswith("Starting training using file ")
    assert len(classes) > 5000 and all(0 <= int(line.split()[1]) < 500 for line in classes)
    assert [int(line.split()[1]) for line in classes] == sorted(int(line.split()[1])
                                                               for line in classes)
    for name in ("p0.out", "p1.out"):
        assert re.fullmatch(r"Starting training using file \S+\n\nVocab size \(unigrams \+ "
                            r"bigrams\): \d+\nWords in train file: \d+\n",
                            (tmp_path / name).read_text())
    assert "new_york" in (tmp_path / "norm1-phrase1").read_text()
    assert "\nWord: new_york  Position in vocabulary: " in (tmp_path / "p3.out").read_text()
    assert "Out of dictionary word!" not in (tmp_path / "p3.out").read_text()


def test_the_demo_script_names_only_commands_that_exist():
    names = set(re.findall(r"\$W (\S+)", DEMO))
    assert names == {"word2vec", "distance", "compute-accuracy", "word2phrase"}
    for name in names:
        assert name in main.commands
    assert Path(__file__).name == "test_cli_compat.py"
