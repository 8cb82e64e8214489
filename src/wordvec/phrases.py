"""Phrases: join frequent word pairs into one token ("new york" -> "new_york"), as word2vec.c's
``word2phrase`` does, or with gensim's normalized PMI scorer.

Two scorers, each following its source whole (counting, scoring, arithmetic):

- ``"word2phrase"``: word2phrase.c (``LearnVocabFromTrainFile`` and ``TrainModel``). A pair
  ``a b`` scores ``(count(a_b) - min_count) / count(a) / count(b) * train_words``, computed in
  float32 operation by operation as the C code does (``real`` is ``float``), with the
  threshold rounded to float32 too, so ties fall the same way. A word or pair counted fewer
  than ``min_count`` times is unknown (word2phrase.c's ``SortVocab`` drops it) and the pair
  scores 0. ``train_words`` counts every token. The threshold must be >= 0: below 0,
  word2phrase.c joins every pair, unknown words and line starts included.
- ``"npmi"``: gensim 4's ``npmi_scorer``: ``log(pab / (pa * pb)) / -log(pab)`` with
  ``p = count / corpus_word_count`` in float64, for pairs counted at least ``min_count``
  times (``min_count`` applies to the pair only; the two words need only have been counted);
  threshold in [-1, 1]. gensim's default ``connector_words`` is empty and so is ours: no
  word is treated as a connector.

In both, a pair joins when its score is greater than the threshold, scanning each line left
to right; a token made by a join cannot join again in the same pass (in ``a b c`` where both
``a b`` and ``b c`` score above the threshold, only ``a_b`` joins; ``c`` may still start a
pair with the word after it), and no pair spans a line break.

Counting (one table of counts, as in both sources): the counts of words and of pairs live in
one dict, a pair under its joined key ``a + delimiter + b``, so a token that already holds
the delimiter (``new_york`` from an earlier pass) shares its count with the pair ``new york``,
as in word2phrase.c and gensim. Pairs are counted across line breaks with the word2phrase
scorer: word2phrase.c resets its ``start`` flag before testing it, so its counting never
stops at a newline (it only stops joining there); with npmi they are counted within lines,
as gensim counts within sentences. ``count_across_lines`` overrides that choice.

Memory is bounded by ``prune_at`` (distinct words and pairs held): past it the entries
counted at most ``n`` times so far are dropped, ``n`` starting at 1 and rising by one at each
pruning, as word2phrase.c's ``ReduceVocab`` and :func:`wordvec.vocab.count_words` do; a
:class:`PhrasesPrunedWarning` says so. The check is made after each block of a file (256 KiB)
or each sentence of token lists, so at most ``prune_at`` plus two entries per token of one
block are held. ``prune_at`` is lowered to what half the available memory holds, as the
vocabulary's is (:func:`wordvec.memory.counting_limit`); 0 never prunes.

Several passes (word2vec.c's demo-train-big-model-v1.sh runs word2phrase twice, threshold
200 then 100, to get phrases of up to 4 words): ``passes=N`` repeats ``(min_count,
threshold)`` N times; ``passes=[(5, 200), (5, 100)]`` gives each pass its own. Pass k learns
from the corpus as the passes before it rewrite it, streamed (no intermediate file): the
result is word2phrase.c run on the previous pass's output.

Corpora are read by :mod:`wordvec.corpus` (paths, folders, .gz/.bz2/.xz, lists of them, or
token lists), tokens split at ASCII whitespace and decoded as UTF-8 (invalid bytes become
U+FFFD). Lines are kept: one output line per input line, however long (lines are not cut at
``MAX_SENTENCE`` tokens here; text8 is one line). Several inputs make one output, in order;
the end of a file ends its last line (a line break is written there if the file lacks one
and another file follows). Token lists are lines, one each.

:meth:`Phrases.transform_corpus` writes the rewritten corpus as word2phrase.c writes it,
byte for byte: each word preceded by one space, or by the delimiter when it joins the word
before it (so every line with words starts with a space), a line break for each line break
read, none at the end when the input lacks one; tabs and runs of spaces become one space,
``\\r`` is dropped. A name ending in .gz, .bz2 or .xz is written compressed.

Where we differ from word2phrase.c on purpose (each a bug or limit of the C code):
it drops the last word of a file that does not end in whitespace (``ReadWord`` sets ``eof``
and the word is discarded); it keeps only 59 bytes of a word (the first 58 and the last) and
of a pair's key; it deletes ``\\r`` inside words and takes ``\\v`` and ``\\f`` as letters; it
counts a pair for the first word of the file with an uninitialised previous word; with
``min_count=1`` its ``SortVocab`` also frees one entry of the lowest count; it passes invalid
UTF-8 through, where we write U+FFFD; it prunes at 350M entries. Where we differ from
gensim: our phrasegrams score a key ``a_b_c`` at each split whose parts are both known
(``(a_b, c)`` and ``(a, b_c)``), as joining would score it; gensim's ``export_phrases`` scores it
as ``(a, c)``; and gensim raises ZeroDivisionError for a pair counted as often as the corpus
has words, which we never join.

The model is saved as UTF-8 JSON (:meth:`Phrases.save`, written atomically; no pickle);
:meth:`Phrases.load` checks every field and raises :class:`PhrasesFileError` naming the file
for anything else (a gensim pickle, a damaged or foreign file).
"""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import math
import os
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, cast

import numpy as np

from . import memory
from .corpus import (
    BLOCK_SIZE,
    MAX_WORD_BYTES,
    CorpusError,
    Source,
    _aligned_blocks,
    _check_sizes,
    _check_tokens,
    _decode_sentence,
    _resolve,
    _token_lists,
    word_problem,
)
from .errors import ConfigError, ConfigTypeError, WordvecError, WriteError, shown
from .inputfile import InputTooLargeError, read_input
from .io.atomic import atomic_write, check_output_path
from .io.errors import PICKLE_SNIFF, VectorFileError, _cap, pickle_problem
from .vocab import _Pruner

__all__ = ["DEFAULT_PRUNE_AT", "PHRASES_FORMAT", "PHRASES_VERSION", "SCORERS", "PhrasePass",
           "Phrases", "PhrasesError", "PhrasesFileError", "PhrasesPrunedWarning",
           "TransformStats", "phrase_corpus"]

#: The scorers, each named after its source.
SCORERS = ("word2phrase", "npmi")

#: The default threshold of each scorer: word2phrase.c's 100; for npmi (gensim has no
#: default that fits its range) 0.5, the value gensim's own npmi tests use.
DEFAULT_THRESHOLD = {"word2phrase": 100.0, "npmi": 0.5}

DEFAULT_MIN_COUNT = 5

#: Distinct words and pairs held while counting: gensim's ``max_vocab_size`` default (40M;
#: about 200 bytes an entry, so 8 GB), lowered to what half the available memory holds.
DEFAULT_PRUNE_AT = 40_000_000

PHRASES_FORMAT = "wordvec-phrases"
PHRASES_VERSION = 1

#: The largest phrases model read where the available memory is unknown (where it is known:
#: an eighth of it, since the parsed document takes several times the file's bytes).
_MAX_MODEL_BYTES = 1 << 30

# How a chunk of tokens of a line stream ends: the line goes on in the next chunk, it ends
# at a line break, or it ends at the end of the input without one.
_GOES_ON, _LINE_BREAK, _END_OF_INPUT = 0, 1, 2

_COMPRESSORS = {".gz": lambda f: gzip.GzipFile(fileobj=f, mode="wb", mtime=0),
                ".bz2": lambda f: bz2.BZ2File(f, "wb"),
                ".xz": lambda f: lzma.LZMAFile(f, "wb")}


class PhrasesError(WordvecError):
    """A Phrases model used before it learned anything, or given a wrong kind of input."""


class PhrasesFileError(VectorFileError):
    """A file that :meth:`Phrases.load` cannot read: not a phrases model as
    :meth:`Phrases.save` writes it, damaged, or a pickle. The message names the file."""


class PhrasesPrunedWarning(UserWarning):
    """Counting pass ``pass_index`` (1-based) held more than ``limit`` distinct words and
    pairs, so it dropped the rarest while counting (word2phrase.c's ``ReduceVocab``):
    ``times`` prunings, the last dropping entries seen at most ``max_dropped`` times.
    ``lowered_from``: the ``prune_at`` asked for, when it was lowered to fit the memory."""

    def __init__(self, pass_index: int, limit: int, max_dropped: int, times: int,
                 lowered_from: int | None = None):
        lowered = ("" if lowered_from is None else
                   f" (prune_at={lowered_from:,} lowered to fit the available memory)")
        super().__init__(
            f"phrases pass {pass_index}: the corpus has more than {limit:,} distinct words "
            f"and pairs{lowered}, so counting dropped entries seen at most {max_dropped} "
            f"time{'s' if max_dropped > 1 else ''} so far ({times} pruning"
            f"{'s' if times > 1 else ''}, as word2phrase.c does) to bound its memory; counts "
            "of rare pairs may be low; to count exactly use prune_at=0 or a larger prune_at "
            "(about 200 bytes an entry)")
        self.pass_index, self.limit, self.max_dropped, self.times = (pass_index, limit,
                                                                     max_dropped, times)
        self.lowered_from = lowered_from


@dataclass(frozen=True, repr=False)
class PhrasePass:
    """What one pass learned.

    min_count, threshold: its settings. words: tokens counted (word2phrase.c's
    ``train_words``, gensim's ``corpus_word_count``). entries: distinct words and pairs held
    at the end of counting; peak_entries: the most held at once; prunings: how often it
    pruned; max_pruned: the largest count the last pruning dropped (0: none).
    phrasegrams: ``{(a, b): score}``, every pair that joins (score > threshold), in order of
    first occurrence of its key.
    """

    min_count: int
    threshold: float
    words: int
    entries: int
    peak_entries: int
    prunings: int
    max_pruned: int
    phrasegrams: dict[tuple[str, str], float] = field(default_factory=dict)

    def __repr__(self):
        return (f"PhrasePass(min_count={self.min_count}, threshold={self.threshold:g}, "
                f"{len(self.phrasegrams):,} phrasegrams, words={self.words:,}, "
                f"entries={self.entries:,}, prunings={self.prunings})")


@dataclass(frozen=True)
class TransformStats:
    """What :meth:`Phrases.transform_corpus` wrote: ``lines`` output lines, ``words_read``
    input tokens, ``words_written`` output tokens (fewer by one per join)."""

    lines: int
    words_read: int
    words_written: int


# --------------------------------------------------------------------------------------------
# Options


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigTypeError(f"{name} must be an integer >= {low}, got {shown(value)}")
    if value < low:
        raise ConfigError(f"{name} must be an integer >= {low}, got {value}")
    return int(value)


def _check_threshold(value, scorer: str, name: str = "threshold") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ConfigTypeError(f"{name} must be a number, got {shown(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, got {value}")
    if scorer == "npmi" and not -1.0 <= value <= 1.0:
        raise ConfigError(f"{name} must be in [-1, 1] with the npmi scorer (a normalized PMI "
                          f"lies there), got {value:g}")
    if scorer == "word2phrase" and value < 0:
        raise ConfigError(f"{name} must be >= 0 with the word2phrase scorer (below 0 "
                          f"word2phrase.c joins every pair, unknown words too), got {value:g}")
    return value


def _check_scorer(scorer) -> str:
    if scorer not in SCORERS:
        raise ConfigError(f"scorer must be one of {', '.join(map(repr, SCORERS))}, "
                          f"got {shown(scorer)}")
    return scorer


def _delimiter_problem(delimiter) -> str | None:
    problem = word_problem(delimiter)
    if problem is None and any(c.isspace() for c in delimiter):
        problem = "it holds whitespace"
    return problem


def _check_delimiter(delimiter) -> str:
    problem = _delimiter_problem(delimiter)
    if problem is not None:
        raise (ConfigTypeError if not isinstance(delimiter, str) else ConfigError)(
            f"delimiter must be a non-empty string without whitespace, got {shown(delimiter)}: "
            f"{problem}")
    return delimiter


def _schedule(min_count, threshold, passes, scorer) -> tuple[tuple[int, float], ...]:
    """((min_count, threshold), ...) of each pass, checked."""
    if isinstance(passes, (int, np.integer)) and not isinstance(passes, bool):
        n = _check_int("passes", passes, 1)
        mc = _check_int("min_count", DEFAULT_MIN_COUNT if min_count is None else min_count, 1)
        t = _check_threshold(DEFAULT_THRESHOLD[scorer] if threshold is None else threshold,
                             scorer)
        return ((mc, t),) * n
    if isinstance(passes, (str, bytes)) or not isinstance(passes, Sequence):
        raise ConfigTypeError(f"passes must be a number of passes >= 1 or a list of (min_count, "
                              f"threshold) pairs, got {shown(passes)}")
    if min_count is not None or threshold is not None:
        raise ConfigError("give min_count and threshold either as options or inside passes="
                          "[(min_count, threshold), ...], not both")
    if not passes:
        raise ConfigError("passes must list at least one (min_count, threshold) pair")
    out = []
    for i, item in enumerate(passes):
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 2:
            raise ConfigTypeError(f"passes[{i}] must be a (min_count, threshold) pair, got "
                                  f"{shown(item)}")
        out.append((_check_int(f"passes[{i}] min_count", item[0], 1),
                    _check_threshold(item[1], scorer, f"passes[{i}] threshold")))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Streams of lines: (tokens, how the chunk ends)


def _line_stream(files: list[Path] | None, token_lists: Iterable | None,
                 block_size: int) -> Iterator[tuple[list[str], int]]:
    """The corpus as chunks ``(tokens, end)``: a line may come in several chunks, the last
    one's ``end`` saying how it ended (see the module docstring)."""
    if files is None:
        for i, sentence in enumerate(_token_lists(token_lists)):
            if "" in sentence:
                raise CorpusError(f"sentence {i} of the corpus holds an empty token; tokens "
                                  "must be non-empty strings")
            yield sentence, _LINE_BREAK
        return
    for k, path in enumerate(files):
        open_line = False   # words of the current line were given, its line break not yet
        for piece in _aligned_blocks(path, block_size):
            lines = piece.split(b"\n")
            last = len(lines) - 1
            for i, line in enumerate(lines):
                words = _decode_line(line.split())
                if i < last:
                    yield words, _LINE_BREAK
                    open_line = False
                elif words:                 # the line goes on in the next piece, or ends here
                    yield words, _GOES_ON
                    open_line = True
        if open_line:
            yield [], _LINE_BREAK if k < len(files) - 1 else _END_OF_INPUT


def _decode_line(tokens: list[bytes]) -> list[str]:
    """``[_decode(t) for t in tokens]`` (the reader's words) at C speed: decoding the tokens
    joined by spaces gives the same words, since a space ends any invalid sequence and
    U+FFFD is never a space; long tokens (cut first) take the reader's own path."""
    if not tokens:
        return []
    if max(map(len, tokens)) > MAX_WORD_BYTES:
        return _decode_sentence(tokens)
    return b" ".join(tokens).decode("utf-8", "replace").split(" ")


def _joined(stream: Iterable[tuple[list[str], int]], table: dict, delimiter: str
            ) -> Iterator[tuple[list[str], int]]:
    """``stream`` with the pairs of ``table`` joined, left to right, a joined token never
    joining again (word2phrase.c sets ``pb = 0`` after a join). The last token of a chunk is
    held back until the next word shows whether it joins; lines end where they ended."""
    pending: str | None = None
    free = False                    # pending may join the next word
    for tokens, end in stream:
        out = []
        for word in tokens:
            if free and (pending, word) in table:
                pending = cast(str, pending) + delimiter + word
                free = False
            else:
                if pending is not None:
                    out.append(pending)
                pending, free = word, True
        if end != _GOES_ON:
            if pending is not None:
                out.append(pending)
            pending, free = None, False
        yield out, end


def _join_sentence(tokens: list[str], table: dict, delimiter: str) -> list[str]:
    """One line through one pass (:func:`_joined` on one chunk)."""
    return next(_joined(((tokens, _LINE_BREAK),), table, delimiter))[0]


# --------------------------------------------------------------------------------------------
# Counting and scoring


@dataclass
class _Counts:
    counts: dict[str, int]
    words: int
    peak: int
    pruner: _Pruner


def _count(stream: Iterable[tuple[list[str], int]], delimiter: str, across_lines: bool,
           limit: int, lowered_from: int | None, check_keys: bool) -> _Counts:
    """Counts of the words and pairs of ``stream`` in one dict, a pair under its joined key
    (see the module docstring), pruned past ``limit`` entries."""
    counts: Counter = Counter()
    pruner = _Pruner(limit, lowered_from)
    words = peak = 0
    prev: str | None = None         # the word before this chunk, if a pair may span to it
    join = delimiter.join
    for tokens, end in stream:
        if tokens:
            words += len(tokens)
            try:
                counts.update(tokens)
                if prev is not None:
                    counts[prev + delimiter + tokens[0]] += 1
                counts.update(map(join, zip(tokens, islice(tokens, 1, None))))
            except TypeError:       # a token list holding a token that is not a str
                _check_tokens(tokens)
                raise
            prev = tokens[-1]
        if end != _GOES_ON and not across_lines:
            prev = None
        if limit and len(counts) > limit:
            peak = max(peak, len(counts))
            pruner.prune(counts)
    peak = max(peak, len(counts))
    if check_keys:                  # token lists: a lone token that is not a str
        _check_tokens(k for k in counts if not isinstance(k, str))
    return _Counts(counts, words, peak, pruner)


def _candidates(counts: dict[str, int], delimiter: str, min_pair: int, min_word: int):
    """Every ``(a, b, count(a), count(b), count(a_b))`` where the key ``a + delimiter + b``
    was counted at least ``min_pair`` times and ``a`` and ``b`` at least ``min_word`` times
    each. A key holding the delimiter more than once gives a pair for each split whose parts
    are known, as joining would look it up."""
    step = len(delimiter)
    for key, n in counts.items():
        if n < min_pair:
            continue
        at = key.find(delimiter, 1)
        while at != -1 and at + step < len(key):
            a, b = key[:at], key[at + step:]
            na, nb = counts.get(a, 0), counts.get(b, 0)
            if na >= min_word and nb >= min_word:
                yield a, b, na, nb, n
            at = key.find(delimiter, at + 1)


def _word2phrase_table(counts, delimiter, min_count, threshold, words) -> dict:
    """word2phrase.c's score, in float32 as its ``real`` arithmetic: ``(pab - min_count) /
    (real)pa / (real)pb * (real)train_words > threshold`` (a float too)."""
    found = list(_candidates(counts, delimiter, min_count, min_count))
    if not found:
        return {}
    pa, pb, pab = (np.fromiter((c[i] for c in found), dtype=np.int64, count=len(found))
                   for i in (2, 3, 4))
    f32 = np.float32
    score = (pab - min_count).astype(f32) / pa.astype(f32) / pb.astype(f32) * f32(words)
    keep = np.flatnonzero(score > f32(threshold))
    return {(found[i][0], found[i][1]): float(score[i]) for i in keep.tolist()}


def _npmi(na: int, nb: int, nab: int, words: int) -> float:
    """gensim's ``npmi_scorer``, operation for operation (float64); -inf where it has none."""
    total = float(words)
    pa, pb, pab = na / total, nb / total, nab / total
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except (ValueError, ZeroDivisionError):     # gensim: ValueError -> -inf; pab == 1 raises
        return -math.inf


def _npmi_table(counts, delimiter, min_count, threshold, words) -> dict:
    table = {}
    for a, b, na, nb, nab in _candidates(counts, delimiter, min_count, 1):
        score = _npmi(na, nb, nab, words)
        if score > threshold:
            table[(a, b)] = score
    return table


_SCORE_TABLES = {"word2phrase": _word2phrase_table, "npmi": _npmi_table}


# --------------------------------------------------------------------------------------------
# The model


class Phrases:
    """Learns which word pairs to join and joins them (see the module docstring).

    ``Phrases(min_count=5, threshold=None, scorer="word2phrase", delimiter="_", passes=1,
    prune_at=DEFAULT_PRUNE_AT, count_across_lines=None)``: ``threshold`` None is the
    scorer's default (100 for word2phrase, 0.5 for npmi); ``passes`` a number of passes with
    the same ``(min_count, threshold)`` or a list of ``(min_count, threshold)`` pairs, one a
    pass (then ``min_count`` and ``threshold`` stay None); ``prune_at`` bounds the distinct
    words and pairs held while counting (0: never prune); ``count_across_lines`` None takes
    the scorer's source's choice (word2phrase: True, npmi: False). Every option is checked
    here: :class:`~wordvec.errors.ConfigError` naming it.

    Use: ``model = Phrases().learn(corpus)``; ``model.apply(["new", "york"])``;
    ``model.transform_corpus(corpus, "out.txt")``; ``model.save(path)``,
    ``Phrases.load(path)``. ``learned_passes`` holds a :class:`PhrasePass` per pass once
    learned (empty before).
    """

    def __init__(self, min_count: int | None = None, threshold: float | None = None,
                 scorer: str = "word2phrase", delimiter: str = "_", *,
                 passes: int | Sequence[tuple[int, float]] = 1,
                 prune_at: int = DEFAULT_PRUNE_AT, count_across_lines: bool | None = None):
        self.scorer: str = _check_scorer(scorer)
        self.delimiter: str = _check_delimiter(delimiter)
        self.schedule: tuple[tuple[int, float], ...] = _schedule(min_count, threshold, passes,
                                                                 scorer)
        self.prune_at: int = _check_int("prune_at", prune_at, 0)
        if count_across_lines is None:
            count_across_lines = scorer == "word2phrase"
        elif not isinstance(count_across_lines, bool):
            raise ConfigTypeError(f"count_across_lines must be True, False or None, got "
                                  f"{shown(count_across_lines)}")
        self.count_across_lines: bool = count_across_lines
        self.learned_passes: tuple[PhrasePass, ...] = ()

    # ---------------------------------------------------------------------------------------
    # Learning

    def learn(self, corpus: Source, *, block_size: int = BLOCK_SIZE) -> Phrases:
        """Count ``corpus`` (a :mod:`wordvec.corpus` source, read once per pass) and keep the
        pairs that join, pass after pass; replaces what was learned before. Returns self.
        Warns :class:`PhrasesPrunedWarning` for each pass that pruned. Raises
        :class:`~wordvec.corpus.CorpusError` for a corpus that cannot be read."""
        _check_sizes(block_size, 1)
        files, token_lists = _resolve(corpus)
        available = memory.available_memory()
        limit = memory.counting_limit(self.prune_at, available)
        lowered = self.prune_at if limit < self.prune_at else None
        learned: list[PhrasePass] = []
        for index, (min_count, threshold) in enumerate(self.schedule, start=1):
            stream = _line_stream(files, token_lists, block_size)
            for done in learned:
                stream = _joined(stream, done.phrasegrams, self.delimiter)
            counted = _count(stream, self.delimiter, self.count_across_lines, limit, lowered,
                             check_keys=files is None)
            table = _SCORE_TABLES[self.scorer](counted.counts, self.delimiter, min_count,
                                               threshold, counted.words)
            pruner = counted.pruner
            learned.append(PhrasePass(min_count, threshold, counted.words, len(counted.counts),
                                      counted.peak, pruner.times,
                                      pruner.min_reduce - 1 if pruner.times else 0, table))
            del counted
            if pruner.times:
                warnings.warn(PhrasesPrunedWarning(index, limit, pruner.min_reduce - 1,
                                                   pruner.times, lowered), stacklevel=2)
        self.learned_passes = tuple(learned)
        return self

    # ---------------------------------------------------------------------------------------
    # Applying

    def _tables(self) -> list[dict]:
        if not self.learned_passes:
            raise PhrasesError("this Phrases model has learned nothing yet; call "
                               "learn(corpus) first, or Phrases.load(path)")
        return [p.phrasegrams for p in self.learned_passes]

    def apply(self, tokens: Sequence[str]) -> list[str]:
        """One sentence (a list of str tokens) with its phrases joined, every pass in turn."""
        if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Iterable):
            raise PhrasesError(f"apply takes a list of tokens such as 'new york'.split(), got "
                               f"a {type(tokens).__name__} ({shown(tokens)})")
        out = list(tokens)
        _check_tokens(out)
        for table in self._tables():
            out = _join_sentence(out, table, self.delimiter)
        return out

    def transform_corpus(self, corpus: Source, out_path, *,
                         block_size: int = BLOCK_SIZE) -> TransformStats:
        """Write ``corpus`` with its phrases joined to ``out_path``, atomically, one line per
        input line, as word2phrase.c writes it (see the module docstring; .gz, .bz2 and .xz
        names are compressed). Returns :class:`TransformStats`. Raises
        :class:`~wordvec.corpus.CorpusError` for a corpus that cannot be read or a token
        that cannot be written as a word, :class:`~wordvec.errors.WriteError` for a file that
        cannot be written (the old file is kept)."""
        _check_sizes(block_size, 1)
        tables = self._tables()
        files, token_lists = _resolve(corpus)
        stream: Iterable[tuple[list[str], int]] = _line_stream(files, token_lists, block_size)
        if files is None:
            stream = _writable(stream)
        counted = _Tally(stream)
        stream = counted
        for table in tables:
            stream = _joined(stream, table, self.delimiter)
        lines = written = 0
        compress = _COMPRESSORS.get(Path(os.fspath(out_path)).suffix.lower())
        with atomic_write(out_path, "wb") as raw:
            f = compress(raw) if compress else raw
            try:
                for tokens, end in stream:
                    if tokens:
                        written += len(tokens)
                        f.write((" " + " ".join(tokens)).encode("utf-8"))
                    if end == _LINE_BREAK:
                        f.write(b"\n")
                    if end != _GOES_ON:
                        lines += 1
            finally:
                if compress:
                    f.close()
        return TransformStats(lines, counted.words, written)

    def phrasegrams(self) -> dict[str, float]:
        """``{phrase: score}`` of every pair that joins, the phrase joined with the delimiter
        (gensim's ``export_phrases`` form), pass after pass."""
        return {self.delimiter.join(pair): score for table in self._tables()
                for pair, score in table.items()}

    def __repr__(self):
        passes = ", ".join(f"({mc}, {t:g})" for mc, t in self.schedule)
        learned = (f", {sum(len(p.phrasegrams) for p in self.learned_passes):,} phrasegrams"
                   if self.learned_passes else ", not learned")
        return (f"Phrases(scorer={self.scorer!r}, delimiter={self.delimiter!r}, "
                f"passes=[{passes}]{learned})")

    # ---------------------------------------------------------------------------------------
    # Files

    def save(self, path) -> None:
        """Write the model as UTF-8 JSON, atomically (see :meth:`load` for what it holds)."""
        self._tables()
        doc = {"format": PHRASES_FORMAT, "version": PHRASES_VERSION, "scorer": self.scorer,
               "delimiter": self.delimiter, "prune_at": self.prune_at,
               "count_across_lines": self.count_across_lines,
               "passes": [{"min_count": p.min_count, "threshold": p.threshold,
                           "words": p.words, "entries": p.entries,
                           "peak_entries": p.peak_entries, "prunings": p.prunings,
                           "max_pruned": p.max_pruned,
                           "phrasegrams": [[a, b, s] for (a, b), s in p.phrasegrams.items()]}
                          for p in self.learned_passes]}
        try:
            data = json.dumps(doc, ensure_ascii=False, allow_nan=False,
                              separators=(",", ":")).encode("utf-8")
        except (UnicodeEncodeError, ValueError) as exc:
            raise WriteError(os.fspath(path), f"a phrase cannot be written as UTF-8 JSON "
                             f"({_cap(exc)})") from None
        with atomic_write(path, "wb") as f:
            f.write(data)

    @classmethod
    def load(cls, path) -> Phrases:
        """Read a model written by :meth:`save`: UTF-8 JSON with ``format``
        ``"wordvec-phrases"``, ``version`` 1, ``scorer``, ``delimiter``, ``prune_at``,
        ``count_across_lines`` and ``passes``: one object per pass with ``min_count``,
        ``threshold``, ``words``, ``entries``, ``peak_entries``, ``prunings``, ``max_pruned``
        and ``phrasegrams`` (a list of ``[a, b, score]``). Raises :class:`PhrasesFileError`
        naming the file for a file that cannot be read, is not such a model (a gensim pickle,
        another JSON), is damaged, or would not fit in memory."""
        path = os.fspath(path)
        available = memory.available_memory()
        limit = available // 8 if available is not None else _MAX_MODEL_BYTES
        try:
            data = read_input(path, limit)
        except InputTooLargeError:
            raise PhrasesFileError(path, f"larger than {limit:,} bytes, it would not fit in "
                                   "the available memory once read; free memory first") from None
        except OSError as exc:
            raise PhrasesFileError(path, f"cannot read it: {exc.strerror or _cap(exc)}") from None
        return _from_document(path, data)


# --------------------------------------------------------------------------------------------
# Helpers of transform_corpus and load


class _Tally:
    """A stream passed through, counting its tokens."""

    def __init__(self, stream):
        self.stream, self.words = stream, 0

    def __iter__(self):
        for tokens, end in self.stream:
            self.words += len(tokens)
            yield tokens, end


def _writable(stream):
    """Token lists checked to be words a text line can hold (:func:`word_problem`)."""
    for i, (tokens, end) in enumerate(stream):
        for token in tokens:
            problem = word_problem(token)
            if problem is not None:
                raise CorpusError(f"sentence {i} of the corpus holds the token "
                                  f"{shown(token)}, which cannot be written to a text "
                                  f"corpus: {problem}")
        yield tokens, end


def _from_document(path: str, data: bytes) -> Phrases:
    def damaged(problem: str) -> PhrasesFileError:
        return PhrasesFileError(path, f"{problem}; the file is damaged, or not a phrases model "
                                "as Phrases.save writes it")

    problem = pickle_problem(data[:PICKLE_SNIFF])
    if problem:
        raise PhrasesFileError(path, problem)
    if not data.lstrip()[:1] == b"{":
        raise PhrasesFileError(path, f"not a wordvec phrases model: it is not a JSON object "
                               f"(it starts {data[:8]!r}); Phrases.save writes one")
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise damaged(f"it is not UTF-8 ({_cap(exc)})") from None
    except json.JSONDecodeError as exc:
        cut = not data.rstrip().endswith(b"}")      # save writes one object: "{...}"
        raise damaged(f"its JSON {'ends early (truncated?)' if cut else 'is broken'} at "
                      f"character {exc.pos:,} ({exc.msg})") from None
    except RecursionError:
        raise damaged("its JSON is nested too deeply") from None
    except ValueError as exc:                   # an integer of more digits than int() takes
        raise damaged(f"its JSON holds a value Python cannot read ({_cap(exc)})") from None
    if not isinstance(doc, dict) or doc.get("format") != PHRASES_FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else None
        raise PhrasesFileError(path, f"not a wordvec phrases model: its format is "
                               f"{shown(found)}, not {PHRASES_FORMAT!r}")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise damaged(f"its version is {shown(version)}")
    if version > PHRASES_VERSION:
        raise PhrasesFileError(path, f"phrases format version {version}: this wordvec reads "
                               f"version {PHRASES_VERSION}; upgrade wordvec to read it")
    try:
        settings: dict[str, Any] = {
            "scorer": doc.get("scorer"), "delimiter": doc.get("delimiter"),
            "passes": [(p.get("min_count"), p.get("threshold")) if isinstance(p, dict) else None
                       for p in _list(doc.get("passes"))],
            "prune_at": doc.get("prune_at"),
            "count_across_lines": _bool(doc.get("count_across_lines"))}
        model = Phrases(**settings)
    except (ConfigError, PhrasesError) as exc:
        raise damaged(f"it holds a wrong setting: {exc}") from None
    learned = []
    for i, p in enumerate(doc["passes"], start=1):
        numbers = {}
        for key in ("words", "entries", "peak_entries", "prunings", "max_pruned"):
            value = p.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise damaged(f"pass {i} has {key} {shown(value)}, not a count")
            numbers[key] = value
        grams = p.get("phrasegrams")
        if not isinstance(grams, list):
            raise damaged(f"pass {i} has no phrasegrams list")
        table = {}
        for gram in grams:
            if not (isinstance(gram, list) and len(gram) == 3 and all(
                    isinstance(w, str) and w for w in gram[:2])
                    and isinstance(gram[2], (int, float)) and not isinstance(gram[2], bool)
                    and math.isfinite(gram[2])):
                raise damaged(f"pass {i} holds the phrasegram {shown(gram)}, not [word, word, "
                              "score]")
            table[(gram[0], gram[1])] = float(gram[2])
        mc, t = model.schedule[i - 1]
        learned.append(PhrasePass(mc, t, phrasegrams=table, **numbers))
    model.learned_passes = tuple(learned)
    return model


def _list(value) -> list:
    if not isinstance(value, list) or not value:
        raise PhrasesError(f"passes must be a non-empty list, got {shown(value)}")
    return value


def _bool(value) -> bool:
    if not isinstance(value, bool):
        raise PhrasesError(f"count_across_lines must be true or false, got {shown(value)}")
    return value


# --------------------------------------------------------------------------------------------
# The command


def phrase_corpus(corpus: Source, out_path, *, min_count: int | None = None,
                  threshold: float | None = None, passes: int | Sequence = 1,
                  scorer: str = "word2phrase", delimiter: str = "_",
                  prune_at: int = DEFAULT_PRUNE_AT) -> tuple[Phrases, TransformStats]:
    """``wordvec phrases CORPUS... -o OUT``: check the options and the output path, learn
    the phrases of ``corpus`` and write it rewritten to ``out_path``. Returns the model and
    what was written."""
    model = Phrases(min_count, threshold, scorer, delimiter, passes=passes, prune_at=prune_at)
    check_output_path(out_path)
    model.learn(corpus)
    return model, model.transform_corpus(corpus, out_path)
