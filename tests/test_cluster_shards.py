"""Cutting a corpus into shards (wordvec.cluster.shards) and reading a byte range of a file
(wordvec.corpus.FilePart): every token is read by exactly one shard, cuts fall after
whitespace (after a newline when one is near), compressed files go whole to one shard, and
the shards hold about equal bytes."""
import gzip
import os
import random
from collections import Counter

import pytest

from wordvec.cluster.shards import NEWLINE_REACH, plan_shards
from wordvec.corpus import CorpusError, FilePart, iter_sentences
from wordvec.vocab import count_words


def _text(rng: random.Random, words: int, line: int | None) -> str:
    vocab = [f"w{i}" for i in range(300)]
    tokens = [rng.choice(vocab) for _ in range(words)]
    if line is None:
        return " ".join(tokens)
    return "\n".join(" ".join(tokens[i:i + line]) for i in range(0, words, line)) + "\n"


@pytest.fixture
def corpus(tmp_path):
    """Three plain files (lines, one long line, short lines) and a gzip file between them."""
    rng = random.Random(5)
    files = [tmp_path / "a.txt", tmp_path / "b.gz", tmp_path / "c.txt", tmp_path / "d.txt"]
    files[0].write_text(_text(rng, 40_000, 17))
    with gzip.open(files[1], "wt") as f:
        f.write(_text(rng, 5_000, 9))
    files[2].write_text(_text(rng, 60_000, None))        # one line, text8's shape
    files[3].write_text(_text(rng, 20_000, 3))
    return files


def _bytes(part) -> int:
    if isinstance(part, FilePart):
        return part.end - part.start
    return os.stat(part).st_size


@pytest.mark.parametrize("workers", [1, 2, 3, 5, 8])
def test_every_token_is_counted_by_exactly_one_shard(corpus, workers):
    whole, whole_words = count_words(corpus)
    shards = plan_shards(corpus, workers)
    assert len(shards) == workers and all(shards)
    total, words = Counter(), 0
    for shard in shards:
        counts, raw = count_words(shard)
        total.update(counts)
        words += raw
    assert words == whole_words and total == Counter(whole)


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_cuts_follow_a_newline_when_one_is_near_else_a_space(corpus, workers):
    parts = [p for shard in plan_shards(corpus, workers) for p in shard
             if isinstance(p, FilePart)]
    assert parts
    for part in parts:
        data = part.path.read_bytes()
        if part.start:
            before = data[part.start - 1:part.start]
            has_lines = b"\n" in data[:-1]
            assert before == (b"\n" if has_lines else b" "), part


def test_a_compressed_file_goes_whole_to_one_shard(corpus):
    for workers in (2, 3, 5, 8):
        holders = [k for k, shard in enumerate(plan_shards(corpus, workers))
                   if corpus[1] in shard]
        assert len(holders) == 1
        assert not any(isinstance(p, FilePart) and p.path == corpus[1]
                       for shard in plan_shards(corpus, workers) for p in shard)


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_shards_hold_about_equal_bytes(corpus, workers):
    sizes = [sum(_bytes(p) for p in shard) for shard in plan_shards(corpus, workers)]
    share = sum(sizes) / workers
    # A shard misses its share by at most the whole compressed file and a line's reach.
    slack = os.stat(corpus[1]).st_size + NEWLINE_REACH
    assert max(abs(size - share) for size in sizes) <= slack
    assert sum(sizes) == sum(os.stat(f).st_size for f in corpus)


def test_shards_keep_corpus_order(corpus):
    sentences = [s for shard in plan_shards(corpus, 3) for s in iter_sentences(shard)]
    whole = list(iter_sentences(corpus))
    # Only the lines cut at a shard boundary differ: joined, the tokens are the same.
    assert [w for s in sentences for w in s] == [w for s in whole for w in s]


def test_a_file_part_reads_its_bytes_only(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("alpha beta\ngamma delta epsilon\nzeta\n")
    start = path.read_bytes().index(b"gamma")
    end = path.read_bytes().index(b"zeta")
    assert list(iter_sentences(FilePart(path, start, end))) == [["gamma", "delta", "epsilon"]]
    assert list(iter_sentences(FilePart(path, 0, 0))) == []


def test_a_file_part_out_of_order_or_of_a_compressed_file_is_refused(tmp_path):
    with pytest.raises(CorpusError, match=r"from a byte offset >= 0 to one no smaller, not 9 "
                                          r"to 3$"):
        FilePart(tmp_path / "t.txt", 9, 3)
    with pytest.raises(CorpusError, match=r"is compressed, so it cannot be read from a byte "
                                          r"offset; pass it whole$"):
        FilePart(tmp_path / "t.txt.gz", 0, 3)
    with pytest.raises(CorpusError, match=r"^corpus file not found: .*missing\.txt'$"):
        count_words([FilePart(tmp_path / "missing.txt", 0, 3)])
