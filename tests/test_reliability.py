"""Bad input and memory: binary files, invalid UTF-8, invalid options, empty corpora, and the
memory estimate checked before training allocates anything."""
import gzip
import math
import re
import tracemalloc
import warnings

import numpy as np
import pytest
from click.testing import CliRunner

from test_cli import run_cli
from wordvec import memory
from wordvec.cli import main
from wordvec.corpus import CorpusError, InvalidUTF8Warning, encode
from wordvec.engine.train import make_tables
from wordvec.memory import MemoryEstimateError
from wordvec.vectors import WordVectors
from wordvec.vocab import Vocab, VocabPrunedWarning, count_words
from wordvec.word2vec import NoExamplesWarning, Word2Vec

TEXT = "the cat sat on the mat and the dog sat on the log\n" * 30


def assert_one_line_error(result, *fragments, out=None):
    """Exit 2, a single ``wordvec: error:`` line holding every fragment, no output file."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wordvec: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    if out is not None:
        assert not out.exists()


# ------------------------------------------------------------------------------------------
# Binary files


def _random_bytes(path):
    path.write_bytes(np.random.default_rng(0).bytes(3000))


def _npy(path):
    with open(path, "wb") as f:
        np.save(f, np.arange(500, dtype=np.float32))


def _gzipped_npy(path):
    data = np.arange(500, dtype=np.int64).tobytes()
    path.write_bytes(gzip.compress(data))


@pytest.mark.parametrize("name, write", [("random.txt", _random_bytes), ("vectors.npy", _npy),
                                         ("array.gz", _gzipped_npy)])
def test_binary_corpus_is_a_one_line_error_naming_the_file(tmp_path, name, write):
    corpus = tmp_path / name
    write(corpus)
    out = tmp_path / "out.bin"
    result = run_cli("train", str(corpus), "-o", str(out), "--min-count", "1")
    assert_one_line_error(result, f"'{corpus}'", "looks like a binary file, not text",
                          "pass a text corpus", out=out)


def test_binary_file_in_a_folder_is_named_even_with_tiny_blocks(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "b.dat").write_bytes(b"header\x00\x00\x01\x02" * 10)
    with pytest.raises(CorpusError, match=r"b\.dat' looks like a binary file"):
        count_words(tmp_path, block_size=1)  # the check reads its own head, not one byte


def test_non_ascii_text_and_a_few_control_bytes_are_not_binary(tmp_path):
    path = tmp_path / "text.txt"
    # Cyrillic, CJK, accents: every byte >= 0x80; ANSI colour codes: a few ESC bytes.
    path.write_text("привет мир 日本語 テキスト café naïve\n" * 50
                    + "\x1b[31mred\x1b[0m words here and there\n" * 5, encoding="utf-8")
    counts, raw = count_words(path, block_size=7)
    assert counts["привет"] == 50 and counts["日本語"] == 50 and raw == 50 * 6 + 5 * 5


# ------------------------------------------------------------------------------------------
# Invalid UTF-8

# 7 + 3 = 10 token occurrences with invalid bytes (caf\xe9, \xff); café and naïve are valid.
DIRTY = (b"caf\xe9 the cat sat caf\xc3\xa9 na\xc3\xafve\n" * 7
         + b"the \xff dog\n" * 3 + TEXT.encode())


def test_invalid_utf8_is_counted_once_per_file(tmp_path):
    dirty, clean = tmp_path / "a.txt", tmp_path / "b.txt"
    dirty.write_bytes(DIRTY)
    clean.write_bytes("café naïve 日本\n".encode() * 4 + TEXT.encode())
    with pytest.warns(InvalidUTF8Warning) as record:
        counts, _ = count_words([dirty, clean], block_size=5)
    assert len(record) == 1
    warning = record[0].message
    assert (warning.tokens, warning.path) == (10, str(dirty))
    assert str(warning) == (f"10 tokens in {dirty} had invalid UTF-8 bytes, "
                            "replaced by U+FFFD")
    assert counts["caf\ufffd"] == 7 and counts["\ufffd"] == 3 and counts["café"] == 11
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean file warns nothing
        count_words(clean)


def test_cli_trains_on_invalid_utf8_with_one_warning_line(tmp_path):
    corpus, out = tmp_path / "dirty.txt", tmp_path / "v.txt"
    corpus.write_bytes(DIRTY)
    result = run_cli("train", str(corpus), "-o", str(out), "--min-count", "1", "--epochs", "1",
                     "--threads", "1", "--dim", "8")
    assert result.returncode == 0, result.stderr
    warning_lines = [l for l in result.stderr.splitlines() if "warning" in l]
    assert warning_lines == [f"wordvec: warning: 10 tokens in {corpus} had invalid UTF-8 "
                             "bytes, replaced by U+FFFD"]
    words = {line.split(" ")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert {"caf\ufffd", "\ufffd", "café", "naïve"} <= words
    # The memory estimate is printed before training, as one line.
    with pytest.warns(InvalidUTF8Warning):
        vocab = Vocab.build(corpus, min_count=1)
    memory_lines = [l for l in result.stderr.splitlines() if l.startswith("memory: ")]
    assert len(memory_lines) == 1
    assert re.fullmatch(rf"memory: ~[\d.,]+ (bytes|KiB) needed \(vocabulary {len(vocab)} x 8, "
                        rf"corpus {vocab.total:,} ids\), [\d.,]+ [KMGT]iB available",
                        memory_lines[0]), memory_lines[0]


def test_cli_says_in_one_line_that_counting_pruned(tmp_path):
    corpus, out = tmp_path / "c.txt", tmp_path / "v.txt"
    corpus.write_text("".join(f"the cat {' '.join(f'x{i}_{j}' for j in range(50))} sat\n"
                              for i in range(40)))
    result = run_cli("train", str(corpus), "-o", str(out), "--prune-at", "100", "--min-count",
                     "2", "--epochs", "1", "--threads", "1", "--dim", "8", "--sample", "0")
    assert result.returncode == 0, result.stderr
    warning_lines = [l for l in result.stderr.splitlines() if "warning" in l]
    assert len(warning_lines) == 1
    assert warning_lines[0].startswith("wordvec: warning: the corpus has more than 100 distinct "
                                       "words, so counting dropped words seen at most ")
    assert warning_lines[0].endswith("to count exactly use --prune-at 0 or a larger "
                                     "--prune-at (about 200 bytes a word)")
    words = {line.split(" ")[0] for line in out.read_text().splitlines()[1:]}
    assert words == {"the", "cat", "sat"}


# ------------------------------------------------------------------------------------------
# Options and empty corpora


@pytest.mark.parametrize("option, value, message", [
    ("--dim", "0", "--dim must be an integer from 1 to 100,000, got 0"),
    ("--window", "0", "--window must be an integer from 1 to 10,000, got 0"),
    ("--negative", "-1", "--negative must be an integer from 0 to 1,000, got -1"),
    ("--epochs", "0", "--epochs must be an integer from 1 to 10,000, got 0"),
    ("--prune-at", "-1", "--prune-at must be an integer from 0 to 2,147,483,647, got -1"),
    ("--sample", "-0.5", "--sample must be a finite number from 0 to 1, got -0.5"),
    ("--alpha", "0", "--alpha must be a finite number > 0 and <= 10, got 0.0"),
    ("--max-vocab", "0", "--max-vocab must be an integer from 1 to 2,147,483,647, got 0"),
])
def test_invalid_option_names_the_option(tmp_path, option, value, message):
    corpus, out = tmp_path / "c.txt", tmp_path / "out.bin"
    corpus.write_text(TEXT)
    result = run_cli("train", str(corpus), "-o", str(out), f"{option}={value}")
    assert_one_line_error(result, message, out=out)


def test_python_api_messages_keep_field_names():
    with pytest.raises(ValueError, match=r"^dim must be an integer from 1 to 100,000, got 0$"):
        Word2Vec(dim=0)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n   \n"], ids=["empty", "whitespace"])
def test_empty_corpus_is_a_one_line_error(tmp_path, content):
    corpus, out = tmp_path / "blank.txt", tmp_path / "out.bin"
    corpus.write_bytes(content)
    result = run_cli("train", str(corpus), "-o", str(out))
    assert_one_line_error(result, f"'{corpus}'", "has no words",
                          "text with words separated by spaces", out=out)


# ------------------------------------------------------------------------------------------
# Small vocabularies and corpora


def two_pairs_corpus(n_sentences=400, seed=0):
    """Sentences of either a/b or c/d: four words, fewer than negative + 1 = 6."""
    rng = np.random.default_rng(seed)
    return [list(rng.choice([["a", "b"], ["c", "d"]][i % 2], size=10))
            for i in range(n_sentences)]


@pytest.mark.parametrize("backend, epochs", [("engine", 5), ("nn", 20)])
def test_a_vocabulary_smaller_than_negative_plus_one_trains_and_learns(backend, epochs):
    # The book's sampler raises here (it draws 5 distinct negatives from 3 other words);
    # word2vec.c and the engine skip negatives equal to the target, the nn backend draws
    # the negatives with repeats.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        engine_only = dict(sample=0, threads=1) if backend == "engine" else {}
        model = Word2Vec(min_count=1, dim=8, negative=5, window=2, epochs=epochs,
                         backend=backend, **engine_only).fit(two_pairs_corpus())
    assert len(model.vocab) == 4 and np.all(np.isfinite(model.loss_history))
    assert model.loss_history[-1] < model.loss_history[0]
    # Words of the same pair end closer than words of different pairs (measured margins:
    # engine 0.79 and 0.32, nn 0.46 and 0.48).
    wv = model.wv
    assert wv.similarity("a", "b") > wv.similarity("a", "c") + 0.25
    assert wv.similarity("c", "d") > wv.similarity("b", "d") + 0.25


def test_a_one_word_vocabulary_trains_on_both_backends():
    corpus = [["only"] * 12] * 100
    for backend in ("engine", "nn"):
        engine_only = dict(sample=0, threads=1) if backend == "engine" else {}
        model = Word2Vec(min_count=1, dim=8, epochs=2, backend=backend,
                         **engine_only).fit(corpus)
        assert len(model.vocab) == 1
        assert np.all(np.isfinite(model.loss_history)) and np.all(np.isfinite(model.wv.vectors))


def test_epochs_without_examples_are_named_with_their_cause():
    tiny = [["a", "b", "c"]] * 3   # each word is a third of the corpus: sample=1e-3 drops ~94%
    with pytest.warns(NoExamplesWarning) as record:
        model = Word2Vec(min_count=1, dim=4, threads=1, seed=1).fit(tiny)
    assert all(math.isnan(x) for x in model.loss_history)
    assert str(record[0].message) == (
        "no epoch had a training example, so training left the vectors as they were: "
        "subsampling dropped nearly every word of this small corpus (9 tokens, sample=0.001); "
        "use sample=0 for a corpus this small")
    assert record[0].message.epochs == [1, 2, 3, 4, 5]
    # The advice works: without subsampling every epoch has examples.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(Word2Vec(min_count=1, dim=4, threads=1, sample=0)
                                  .fit(tiny).loss_history))
    # Some epochs empty, some not: the empty ones are listed.
    with pytest.warns(NoExamplesWarning) as record:
        model = Word2Vec(min_count=1, dim=4, threads=1, seed=1, epochs=20).fit(tiny * 10)
    empty = [i + 1 for i, x in enumerate(model.loss_history) if math.isnan(x)]
    assert 0 < len(empty) < 20 and record[0].message.epochs == empty
    # One-word sentences: no context anywhere, whatever the subsampling.
    with pytest.warns(NoExamplesWarning, match="no sentence holds two words of the vocabulary "
                                               r"\(2 words\), so no word has a context"):
        Word2Vec(min_count=1, dim=4, threads=1, sample=0).fit([["x"], ["y"], ["x"]])


def test_cli_tiny_corpus_warns_in_one_line_and_nn_refuses_in_one_line(tmp_path):
    corpus, out = tmp_path / "tiny.txt", tmp_path / "v.bin"
    corpus.write_text("a b c a b c\n")
    result = run_cli("train", str(corpus), "-o", str(out), "--min-count", "1", "--threads", "1")
    assert result.returncode == 0, result.stderr
    warning_lines = [l for l in result.stderr.splitlines() if "warning" in l]
    assert warning_lines == ["wordvec: warning: no epoch had a training example, so training "
                             "left the vectors as they were: subsampling dropped nearly every "
                             "word of this small corpus (6 tokens, --sample 0.001); use "
                             "--sample 0 for a corpus this small"]
    out.unlink()
    result = run_cli("train", str(corpus), "-o", str(out), "--min-count", "1", "--backend", "nn")
    assert result.returncode == 2
    assert [l for l in result.stderr.splitlines() if "error" in l] == [
        "wordvec: error: the corpus has 0 positions with a full window of 5 inside a sentence, "
        "fewer than one batch of 100 for the nn backend; use a larger corpus, a smaller "
        "--window, or the engine backend"]
    assert not out.exists()


# ------------------------------------------------------------------------------------------
# Memory estimate


def _zipf_corpus(path, n_words=400, n_lines=300, seed=0):
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_words + 1)
    ids = rng.choice(n_words, size=n_lines * 12, p=weights / weights.sum())
    path.write_text("\n".join(" ".join(f"w{i}" for i in ids[k:k + 12])
                              for k in range(0, ids.size, 12)) + "\n")


def test_estimate_matches_the_arrays_training_allocates(tmp_path):
    path = tmp_path / "c.txt"
    _zipf_corpus(path)
    model = Word2Vec(dim=16, min_count=2, epochs=1, threads=1).fit(path)
    est, vocab = model.memory_estimate, model.vocab
    assert (est.vocab_size, est.dim, est.corpus_ids) == (len(vocab), 16, vocab.total)
    # Exact: both matrices and the ids.
    assert est.matrices == model.wv.vectors.nbytes + model.syn1neg.nbytes
    enc = encode(path, vocab.word_to_id)
    assert est.corpus == enc.ids.nbytes and est.mapped == 0 and est.needed == est.total
    # Sentences: 12 tokens a line here, the estimate assumes 10 (16 bytes each): within 2x.
    assert enc.bounds.nbytes <= est.sentences <= 2 * 2 * enc.bounds.nbytes
    # Tables: the kept arrays plus build temporaries, at most 3x the kept ones.
    tables = make_tables(vocab.counts, 1e-3)
    kept = tables.keep_prob.nbytes + tables.noise.nbytes
    assert kept <= est.tables <= 3 * kept
    assert est.optimizer == 0 and est.windows == 0  # the engine has neither
    nn = memory.estimate(len(vocab), 16, vocab.total, backend="nn", window=3)
    assert nn.optimizer == 2 * est.matrices and nn.windows == 4 * vocab.total * 7


def test_vocabulary_bytes_per_word_within_2x_of_measured(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(" ".join(f"word{i:05d}" for i in range(20_000)) + "\n")
    tracemalloc.start()
    try:
        vocab = Vocab.build(path, min_count=1)
        lookup = {w.encode(): i for w, i in vocab.word_to_id.items()}  # encode's
        wv = WordVectors(vocab.words, np.zeros((len(vocab), 1), np.float32), counts=vocab.counts)
        measured = tracemalloc.get_traced_memory()[0] - wv.vectors.nbytes
    finally:
        tracemalloc.stop()
    per_word = measured / len(vocab)
    assert lookup and memory.VOCAB_BYTES_PER_WORD / 2 <= per_word <= 2 * memory.VOCAB_BYTES_PER_WORD


def test_large_corpus_ids_count_as_memory_mapped():
    est = memory.estimate(1000, 10, 100_000_000, memmap_threshold=64 << 20)
    assert est.corpus == 400_000_000 and est.mapped == 400_000_000 - (64 << 20)
    assert est.needed == est.total - est.mapped
    assert "memory-mapped" in est.describe(None)


def test_too_little_memory_suggests_a_max_vocab_and_min_count_that_fit(tmp_path, monkeypatch):
    path = tmp_path / "c.txt"
    _zipf_corpus(path)
    full = Word2Vec(dim=200, min_count=1).build_vocab(path)
    available = full.memory_estimate.needed // 3
    monkeypatch.setattr(memory, "available_memory", lambda: available)
    model = Word2Vec(dim=200, min_count=1, epochs=1)
    with pytest.raises(MemoryEstimateError) as info:
        model.fit(path)
    message = str(info.value)
    assert model.wv is None  # nothing trained
    assert memory.format_bytes(full.memory_estimate.needed) in message
    assert memory.format_bytes(available) in message
    max_vocab = int(re.search(r"max_vocab=(\d+)", message).group(1))
    min_count = int(re.search(r"min_count=(\d+)", message).group(1))
    counts = full.vocab.counts
    sizes = dict(threads=model.config.n_threads, negative=model.config.negative)
    fits = lambda k: memory.estimate(k, 200, int(counts[:k].sum()), **sizes).needed <= available
    assert 0 < max_vocab < len(full.vocab) and fits(max_vocab) and not fits(max_vocab + 1)
    # The suggestions really fit: training with either passes the check.
    for kw in ({"max_vocab": max_vocab}, {"min_count": min_count}):
        smaller = Word2Vec(dim=200, **{"min_count": 1, **kw}).build_vocab(path)
        assert smaller.memory_estimate.needed <= available and len(smaller.vocab) <= max_vocab
    # ... and min_count is the smallest that does.
    assert len(Vocab.build(path, min_count=min_count - 1)) > max_vocab


def test_cli_memory_error_names_options_and_writes_nothing(tmp_path, monkeypatch):
    path, out = tmp_path / "c.txt", tmp_path / "out.bin"
    _zipf_corpus(path)
    # 200,000 bytes: counting its 364 words fits in half of it, training does not.
    monkeypatch.setattr(memory, "available_memory", lambda: 600_000)
    result = CliRunner().invoke(main, ["train", str(path), "-o", str(out), "--min-count", "1",
                                       "--dim", "200"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wordvec: error: training needs about ")
    assert "586 KiB is available" in lines[0]
    assert re.search(r"use --max-vocab \d+ or --min-count \d+ \(or a smaller --dim than 200\)",
                     lines[0]), lines[0]
    assert not out.exists()


def test_counting_prunes_at_what_half_the_available_memory_holds(monkeypatch, tmp_path):
    path = tmp_path / "c.txt"
    _zipf_corpus(path)                      # 364 distinct words
    assert memory.counting_limit(21_000_000, 40_000) == 40_000 // 2 // 200 == 100
    assert memory.counting_limit(50, 40_000) == 50          # already small enough
    assert memory.counting_limit(0, 40_000) == 0            # never prune, as asked
    assert memory.counting_limit(21_000_000, None) == 21_000_000   # memory unknown
    monkeypatch.setattr(memory, "available_memory", lambda: 40_000)
    model = Word2Vec(min_count=1)
    with pytest.warns(VocabPrunedWarning) as record:
        with pytest.raises(MemoryEstimateError):   # training does not fit either
            model.build_vocab(path)
    warning = record[0].message
    assert warning.limit == 100 and warning.lowered_from == 21_000_000
    assert str(warning).startswith("the corpus has more than 100 distinct words (prune_at="
                                   "21,000,000 lowered to fit the available memory), so ")
    assert 0 < len(model.vocab) <= 100
    # With enough memory the same corpus is counted exactly.
    monkeypatch.setattr(memory, "available_memory", lambda: 10 ** 12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(Word2Vec(min_count=1).build_vocab(path).vocab) == 364


def test_nothing_fits_says_so(monkeypatch, tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(TEXT)
    monkeypatch.setattr(memory, "available_memory", lambda: 10)
    with pytest.warns(VocabPrunedWarning, match="more than 1 distinct word "):
        with pytest.raises(MemoryEstimateError, match="even one word does not fit"):
            Word2Vec(min_count=1).build_vocab(path)


def test_available_memory_reads_meminfo_or_gives_none(tmp_path, monkeypatch):
    fake = tmp_path / "meminfo"
    fake.write_text("MemTotal:       16000000 kB\nMemFree:  100 kB\n"
                    "MemAvailable:    2048 kB\n")
    monkeypatch.setattr(memory, "_MEMINFO", str(fake))
    assert memory.available_memory() == 2048 * 1024
    monkeypatch.setattr(memory, "_MEMINFO", str(tmp_path / "missing"))
    assert memory.available_memory() is None
    # Unknown available memory: no check, training goes on.
    path = tmp_path / "c.txt"
    path.write_text(TEXT)
    model = Word2Vec(min_count=1, dim=8, epochs=1, threads=1).fit(path)
    assert model.memory_estimate.needed > 0 and model.wv is not None


def test_format_bytes():
    assert [memory.format_bytes(n) for n in (512, 4300, 123 * 2**20, 20.1 * 2**30)] == \
        ["512 bytes", "4.2 KiB", "123 MiB", "20.1 GiB"]
