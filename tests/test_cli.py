"""The ``wordvec`` command line, end to end in subprocesses."""
import os
import re
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
    result = run_cli("demo", "--backend", "nn", "--epochs", "1", "--seed", "0", "--out", str(out),
                     env={"WORDVEC_DATA": str(data)})
    assert result.returncode == 0, result.stderr
    assert "[query] you" in result.stdout and "[analogy] king:man = queen:?" in result.stdout
    scores = re.findall(r"^ \S+: (-?\d+\.\d+)$", result.stdout, re.M)
    assert len(scores) == 5 * 8 and all(len(x.split(".")[1]) == 3 for x in scores)
    count, dim, vectors = read_word2vec_binary(out / "vectors.bin")
    assert (count, dim) == (10_000, 100) and len(vectors) == 10_000
    cos = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    # Measured after one epoch (seed 0): you/we 0.99, you/year -0.12
    assert cos(vectors["you"], vectors["we"]) > 0.7 > cos(vectors["you"], vectors["year"]) + 0.3
    assert png_size(out / "loss.png") == (640, 400)


@pytest.mark.slow
def test_demo_on_the_engine(data_file, tmp_path):
    data = data_file("ptb.train.txt").parent
    result = run_cli("demo", "--out", str(tmp_path), env={"WORDVEC_DATA": str(data)})
    assert result.returncode == 0, result.stderr
    count, dim, vectors = read_word2vec_binary(tmp_path / "vectors.bin")
    assert (count, dim) == (9_999, 100)       # PTB's 10,000 words but the book's <eos>
    cos = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    # Measured twice (10 epochs, seed 1, 2 threads): you/we 0.77 0.77, year/month 0.85 0.84,
    # you/year 0.04 0.02
    assert min(cos(vectors["you"], vectors["we"]), cos(vectors["year"], vectors["month"])) > 0.6
    assert cos(vectors["you"], vectors["year"]) < 0.3
    assert png_size(tmp_path / "loss.png") == (640, 400)


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


COMMANDS = ["train", "similar", "analogy", "evaluate", "export", "plot", "demo"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: " in result.stdout and "Example" in result.stdout


@pytest.fixture(scope="module")
def trained(data_file, tmp_path_factory):
    """A CBOW model trained on PTB by the command line, in the native format."""
    folder = tmp_path_factory.mktemp("cli")
    corpus = data_file("ptb.train.txt")
    result = run_cli("train", str(corpus), "-o", str(folder / "m.npz"), "--threads", "2",
                     "--epochs", "3", "--seed", "1")
    assert result.returncode == 0, result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("trained cbow on 887,521 words, 3 epochs in "), summary
    return folder, corpus


def test_native_model_loads_and_exports_to_both_word2vec_formats(trained):
    from wordvec import Word2Vec, load

    folder, corpus = trained
    model = Word2Vec.load(folder / "m.npz")
    assert len(model.loss_history) == 3 and model.loss_history[-1] < model.loss_history[0]
    assert model.config.epochs == 3 and len(model.vocab) == model.wv.vectors.shape[0]
    for name in ("v.bin", "v.txt"):
        result = run_cli("export", str(folder / "m.npz"), "-o", str(folder / name))
        assert result.returncode == 0, result.stderr
        wv = load(folder / name)
        assert wv.index_to_key == model.wv.index_to_key
        np.testing.assert_array_equal(wv.vectors, model.wv.vectors)
    assert (folder / "v.bin").read_bytes().startswith(f"{len(model.vocab)} 100\n".encode())


def test_similar_and_analogy_print_ranked_words(trained):
    folder, _ = trained
    result = run_cli("similar", str(folder / "m.npz"), "you", "--topn", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    scores = [float(line.split()[-1]) for line in lines]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.5
    # Measured (seed 1, 3 epochs, 2 threads): you -> we 0.95, i 0.87, someone 0.85
    assert {"we", "i", "they"} & {line.split()[0] for line in lines}
    result = run_cli("analogy", str(folder / "m.npz"), "man", "he", "woman", "--topn", "5")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 5


def test_unknown_word_is_a_one_line_error_with_spellings(trained):
    folder, _ = trained
    result = run_cli("similar", str(folder / "m.npz"), "yuo")
    assert result.returncode == 2
    assert result.stderr.startswith("wordvec: error: word 'yuo' is not in the vocabulary; "
                                    "did you mean")
    assert "'you'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_evaluate_json_equals_the_python_api(trained, data_file):
    import json

    from wordvec import load

    folder, _ = trained
    questions, pairs = data_file("questions-words.txt"), data_file("wordsim353.tsv")
    result = run_cli("evaluate", str(folder / "m.npz"), "--analogies", str(questions),
                     "--pairs", str(pairs), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    wv = load(folder / "m.npz")
    accuracy, sections = wv.evaluate_word_analogies(questions)
    (pearson, _), (spearman, _), oov = wv.evaluate_word_pairs(pairs)
    assert report["analogy.accuracy"] == pytest.approx(accuracy)
    assert report["analogy.sections"]["Total accuracy"]["correct"] == len(sections[-1]["correct"])
    assert report["pairs.wordsim353.tsv.spearman"] == pytest.approx(spearman)
    assert report["pairs.wordsim353.tsv.pearson"] == pytest.approx(pearson)
    assert report["pairs.wordsim353.tsv.oov"] == pytest.approx(oov)
    answered = len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    skipped = report["analogy.skipped_out_of_vocabulary"] + \
        report["analogy.skipped_beyond_restrict_vocab"]
    assert report["analogy.total"] == 19_544 and answered + skipped == 19_544
    pairs_skipped = report["pairs.wordsim353.tsv.skipped_out_of_vocabulary"]
    assert pairs_skipped == round(oov / 100 * report["pairs.wordsim353.tsv.total"])
    text = run_cli("evaluate", str(folder / "m.npz"), "--analogies", str(questions),
                   "--pairs", str(pairs), "--restrict-vocab", "2000")
    line = next(x for x in text.stdout.splitlines() if x.startswith("19,544 questions"))
    found = re.search(r"skipped: ([\d,]+) with a word out of the vocabulary, ([\d,]+) "
                      r"beyond --restrict-vocab 2,000$", line)
    oov_q, beyond = (int(g.replace(",", "")) for g in found.groups())
    assert oov_q == report["analogy.skipped_out_of_vocabulary"] and beyond > 0


def test_export_projector_and_plots(trained):
    folder, _ = trained
    from wordvec import load

    wv = load(folder / "m.npz")
    result = run_cli("export", str(folder / "m.npz"), "--format", "projector", "-o",
                     str(folder / "proj"))
    assert result.returncode == 0, result.stderr
    assert (folder / "proj" / "metadata.tsv").read_text().splitlines() == wv.index_to_key
    rows = (folder / "proj" / "vectors.tsv").read_text().splitlines()
    np.testing.assert_allclose(np.array(rows[5].split("\t"), dtype=np.float32), wv.vectors[5])
    result = run_cli("plot", str(folder / "m.npz"), "--words", "you", "we", "year", "month",
                     "-o", str(folder / "map.png"))
    assert result.returncode == 0, result.stderr
    assert png_size(folder / "map.png") == (640, 480)
    result = run_cli("plot", "--loss", str(folder / "m.npz"), "-o", str(folder / "loss.png"))
    assert result.returncode == 0, result.stderr
    assert png_size(folder / "loss.png") == (640, 400)



def test_plot_of_a_damaged_loss_history_is_one_line(trained, tmp_path):
    from test_checkpoint import rewrite_meta

    folder, _ = trained
    damaged = tmp_path / "m.npz"
    damaged.write_bytes((folder / "m.npz").read_bytes())
    rewrite_meta(damaged, lambda meta: meta["history"].update(epoch_loss=["x", None]))
    result = run_cli("plot", "--loss", str(damaged), "-o", str(tmp_path / "loss.png"))
    assert result.returncode == 2 and not (tmp_path / "loss.png").exists()
    assert result.stderr.startswith(f"wordvec: error: {damaged}")
    assert "its training history is damaged" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["train", "{tmp}/missing.txt", "-o", "{tmp}/out.bin"], "corpus file not found"),
    (["train", "{corpus}", "-o", "{tmp}/no/such/folder/out.bin"], "does not exist"),
    (["train", "{corpus}", "-o", "{tmp}/out.bin", "--dim", "0"], "--dim must be an integer from 1"),
    (["train", "{corpus}", "-o", "{tmp}/out.bin", "--min-count", "1000000"], "use --min-count 20 "),
    (["train", "{corpus}", "-o", "{tmp}/out.xyz"], "cannot tell the output format"),
    (["similar", "{tmp}/garbage.bin", "word"], "garbage.bin: line 1"),
    (["evaluate", "{tmp}/garbage.bin"], "nothing to evaluate"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, args, message):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("a b c d e f g\n" * 20)
    (tmp_path / "garbage.bin").write_text("not a vector file\n")
    result = run_cli(*[a.format(tmp=tmp_path, corpus=corpus) for a in args])
    assert result.returncode == 2
    assert result.stderr.startswith("wordvec: error: ") and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("out*"))
