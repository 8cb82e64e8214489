"""word2vec.c's and fastText's own command lines, so that their scripts run unchanged:
``wordvec word2vec``, ``word2phrase``, ``distance``, ``word-analogy``, ``compute-accuracy``
and ``wordvec fasttext skipgram|cbow``.

The training commands translate their single-dash flags into a
:class:`~wordvec.config.TrainConfig` and run the machinery of ``wordvec train`` and
``wordvec phrases`` (:mod:`.train`, :func:`wordvec.phrases.phrase_corpus`): the same checks
before any work (the output is writable and destroys no input, the memory estimate), the
same atomic writes, the same one-line errors (exit 2), spoken in the flags typed
(``-size``, not ``--dim``). What they print follows the C tools: word2vec.c's and
word2phrase.c's lines on standard output, fastText's on standard error.

The query tools are word2vec.c's loops with NumPy: :func:`c_unit_rows` normalises the rows
as the C code does (float32 sums of squares, dimension by dimension), and :func:`c_search`
finds the C code's best rows exactly -- one float32 matrix product picks the candidates,
and those within the product's rounding bound of the last place are scored again the C
way, dimension by dimension in float32 (:func:`c_dots`), so that near-ties fall as in a
``gcc -O2`` build (one that fuses multiply-adds, e.g. ``-march=native`` on an FMA machine,
rounds differently), and the printed numbers are the C tool's to the last digit.

Where the C tools are silent or odd, what these commands do (their help says what a user
meets):

- word2vec.c ignores an unknown flag and takes the first of a repeated one; here an unknown
  flag is an error and the last one given counts (click's rule). ``-binary``, ``-cbow`` and
  ``-hs`` take 0 or 1 (the C code takes any nonzero number as 1), and every number is
  checked against the range of its TrainConfig field instead of going through ``atoi``.
- ``-threads`` (fastText's ``-thread``) defaults to every available core, not 12: the count
  changes only the speed (Hogwild threads beyond the cores contend; fewer leave cores idle).
- The vectors have no ``</s>`` row (word2vec.c's and fastText's vocabularies start with it,
  never trained by word2vec.c), as everywhere in wordvec, so "Vocab size" counts one word
  fewer than word2vec.c prints, and "Words in train file" (the tokens of the kept words)
  does not count line ends as ``</s>`` tokens.
- ``-binary 0`` writes wordvec's word2vec text: the same layout, each number with nine
  significant digits (so it reads back exactly) where word2vec.c prints ``%lf`` (six
  decimals) with a space after each; fastText's ``.vec`` likewise (fastText: five digits).
- word2vec.c prints "Starting training using file" at every ``-debug`` level, as here; its
  ``-debug 2`` counting display ("1M2M...") is not shown; the training display is its own
  line, reprinted about every second (``\\r``), and a line end follows it at the end.
- Without ``-output``, word2vec.c only counts the vocabulary (for ``-save-vocab``); so does
  this one.
- ``distance`` and ``word-analogy`` print their prompt before every line read, whether or not
  standard input is a terminal, as the C tools do, and stop at the end of input (the C
  tools loop for ever there) or at a line ``EXIT``. A line is split at runs of whitespace
  (the C tools split at each single space, so two spaces make an empty word, and keep a
  ``\\r``); a blank line is skipped; a line longer than 1 MiB is reported and skipped (the C
  tools cut it at 1,999 bytes and read the rest as the next query). word-analogy.c uses row
  0 as its "not found" mark (row 0 is ``</s>`` in its files): an unknown word is printed at
  position 0, as it prints it, but a word in row 0 is found, since wordvec's row 0 is a word.
- ``compute-accuracy``'s threshold must be a whole number >= 0 (the C tool takes ``atoi``
  of anything, and a negative one crashes it). Words are compared whole (the C tools keep
  only 50 bytes of a vocabulary word), upper-cased in ASCII as C's ``toupper``; a word of the
  questions longer than 1 MiB is an error (the C tool overflows at 2,000 bytes). As in the C
  tool, a token ``EXIT`` acts as a section header, and a question cut short by the end of
  input reuses the previous question's last words.
- ``word2phrase``'s "Vocab size (unigrams + bigrams)" is the number of distinct words and
  pairs counted; word2phrase.c prints what its ``SortVocab`` leaves, which drops about half
  of those counted fewer than ``-min-count`` times (it shrinks the table while walking it).
- ``wordvec fasttext`` trains word-level vectors: fastText with ``-maxn 0``, its defaults
  (``-lr 0.05`` for both models, ``-t 1e-4``, ``-minCount 5``), its noise distribution
  (counts to the power 0.5: TrainConfig's ns_exponent) and its learning rate decaying to 0;
  ``-minn``, ``-maxn`` and ``-bucket`` are refused unless ``-maxn 0`` says there are no
  subwords; ``-loss`` takes ns or hs. It writes ``PREFIX.npz`` (wordvec's model, where
  fastText writes ``PREFIX.bin``), then ``PREFIX.vec``.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
import re
import sys
from pathlib import Path

import click
import numpy as np

from ..config import MAX_WORDS, TrainConfig, _in_range, range_text
from .base import UserError, _check_output_file, _load_vectors, _with_option_names, main

# --------------------------------------------------------------------------------------------
# word2vec.c's arithmetic, vectorised

#: Unit roundoff of float32.
_U32 = 2.0 ** -24
#: Scores (float32) held at a time by :func:`c_search`: about 64 MB.
_BLOCK_SCORES = 1 << 24
#: Rows transposed at a time by :func:`c_unit_rows`.
_ROW_BLOCK = 1 << 13


def _c_lengths(rows: np.ndarray) -> np.ndarray:
    """(n, dim) float32 -> (n,) float32: each row's length as word2vec.c's tools compute it,
    ``len += x * x`` in float32 dimension by dimension, then ``len = sqrt(len)`` (the double
    square root, stored back in a float)."""
    total = np.zeros(len(rows), dtype=np.float32)
    columns = np.ascontiguousarray(rows.T)
    for column in columns:
        total += column * column
    return np.sqrt(total.astype(np.float64)).astype(np.float32)


def c_unit_rows(vectors, copy: bool = True) -> np.ndarray:
    """(V, dim) vectors -> (V, dim) float32, the rows divided by their :func:`_c_lengths`,
    float32 division as word2vec.c's tools normalise what they read (a zero row becomes
    NaN, 0 / 0, and is never chosen). A new array, unless ``copy`` is False and
    ``vectors`` is a writable C-contiguous float32 array: then it is normalised in place."""
    M = np.asarray(vectors)
    if copy or M.dtype != np.float32 or not M.flags.c_contiguous or not M.flags.writeable:
        M = np.array(M, dtype=np.float32, order="C")
    with np.errstate(invalid="ignore", divide="ignore"):
        for start in range(0, len(M), _ROW_BLOCK):
            block = M[start:start + _ROW_BLOCK]
            block /= _c_lengths(block)[:, None]
    return M


def c_unit(vector: np.ndarray) -> np.ndarray:
    """(dim,) float32 -> the vector over its :func:`_c_lengths`, as distance.c and
    word-analogy.c normalise their query vector."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return vector / _c_lengths(vector[None, :])[0]


def c_dots(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """(P, dim) float32 and (P, dim) float32 -> (P,) float32 dot products of paired rows,
    accumulated as the C tools do: ``dist += a * b`` in float32, dimension by dimension."""
    total = np.zeros(len(left), dtype=np.float32)
    with np.errstate(invalid="ignore", over="ignore"):
        for a, b in zip(np.ascontiguousarray(left.T), np.ascontiguousarray(right.T),
                        strict=True):
            total += a * b
    return total


def max_row_norm(M: np.ndarray) -> float:
    """The largest Euclidean length of a finite row of (V, dim) ``M``, in float64 (0 when
    there is none), computed a block of rows at a time."""
    largest = 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        for start in range(0, len(M), _ROW_BLOCK):
            norms = np.linalg.norm(M[start:start + _ROW_BLOCK].astype(np.float64), axis=1)
            norms = norms[np.isfinite(norms)]
            if norms.size:
                largest = max(largest, float(norms.max()))
    return largest


def c_search(M: np.ndarray, queries: np.ndarray, exclude: np.ndarray, n: int,
             floor: float, row_norm: float | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The C tools' top-``n`` scan, for each query: the rows whose score (:func:`c_dots`
    with the query) is above ``floor`` (the C tools' starting ``bestd``), best first, a tie
    going to the lower row (``dist > bestd`` is strict), at most ``n``; NaN never wins.

    M: (V, dim) float32 (from :func:`c_unit_rows`); queries: (Q, dim) float32; exclude:
    (Q, k) int64 rows each query may not return (-1 pads); row_norm: :func:`max_row_norm`
    of ``M`` (computed when None). Returns Q pairs (rows (m,) int64, scores (m,) float32),
    m <= n.

    A float32 matrix product scores every row; any order of summation is within
    ``gamma_dim * |q| * |m|`` of the exact dot product (``gamma_n = n u / (1 - n u)``), so
    a row whose product is more than twice that below the n-th best cannot be in the C
    tool's top n. The rest are scored again the C way, and ranked by those scores.
    """
    V, dim = M.shape
    gamma = dim * _U32 / (1 - dim * _U32)
    if row_norm is None:
        row_norm = max_row_norm(M)
    results: list[tuple[np.ndarray, np.ndarray]] = []
    per_block = max(1, _BLOCK_SCORES // max(V, 1))
    for start in range(0, len(queries), per_block):
        q = queries[start:start + per_block]
        with np.errstate(invalid="ignore", over="ignore"):
            scores = q @ M.T
            q_norms = np.linalg.norm(q.astype(np.float64), axis=1)
        scores[~np.isfinite(scores)] = -np.inf
        ex = exclude[start:start + per_block]
        which = np.broadcast_to(np.arange(len(q))[:, None], ex.shape)
        scores[which[ex >= 0], ex[ex >= 0]] = -np.inf
        # Twice the bound, and a little more for the float64 arithmetic of the bound itself.
        slack = 2 * gamma * np.nan_to_num(q_norms, nan=0.0) * row_norm * (1 + 1e-9) + 1e-30
        finite = np.isfinite(scores)
        if V > n:
            nth = np.partition(scores, V - n, axis=1)[:, V - n].astype(np.float64)
        else:
            nth = np.full(len(q), -np.inf)
        limit = np.where(finite.sum(axis=1) > n, nth - 2 * slack, -np.inf)
        qi, ri = np.nonzero(finite & (scores >= limit[:, None]))
        exact = c_dots(q[qi], M[ri])
        keep = exact > np.float32(floor)
        qi, ri, exact = qi[keep], ri[keep], exact[keep]
        order = np.lexsort((ri, -exact, qi))
        qi, ri, exact = qi[order], ri[order], exact[order]
        bounds = np.searchsorted(qi, np.arange(len(q) + 1))
        for i in range(len(q)):
            lo = bounds[i]
            hi = min(bounds[i + 1], lo + n)
            results.append((ri[lo:hi].astype(np.int64), exact[lo:hi]))
    return results


def _c_float(value, digits: int) -> str:
    """``printf("%.<digits>f")`` of a float as glibc prints it, NaN as ``-nan`` or ``nan``
    by its sign bit (0 / 0 on x86 is a negative NaN)."""
    value = float(value)
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    return f"{value:.{digits}f}"


def _c_percent(part: int, whole: int) -> str:
    """``part / (float)whole * 100`` in float32, as compute-accuracy.c computes it, ``%.2f``."""
    with np.errstate(all="ignore"):
        value = np.float32(part) / np.float32(whole) * np.float32(100)
    return _c_float(value, 2)


# --------------------------------------------------------------------------------------------
# Options spoken as the C tools spell them

_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}


class _FieldValue(click.ParamType):
    """A value of TrainConfig field ``name``, checked against its range here, so that the
    error names the flag typed."""

    def __init__(self, name: str):
        self.field = _FIELDS[name]
        self.integer = self.field.type.startswith("int")
        self.name = "integer" if self.integer else "float"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(value) if self.integer else float(value)
            except (TypeError, ValueError):
                kind = "an integer" if self.integer else "a number"
                self.fail(f"{str(value)[:40]!r} is not {kind}", param, ctx)
        if not _in_range(self.field, number):
            self.fail(f"must be {range_text(self.field, with_none=False)}, got "
                      f"{str(value)[:40]}", param, ctx)
        return number


def _field_option(flag: str, name: str, *, default=None, help: str | None = None):
    """Flag ``flag`` setting TrainConfig field ``name``, its help from the field (or
    ``help``), its default the field's unless ``default`` is given (None: left unset)."""
    f = _FIELDS[name]
    text = help or f.metadata["help"]
    value = f.default if default is None else default
    return click.option(flag, name, type=_FieldValue(name), default=value,
                        show_default=value is not None,
                        help=f"{text}; {range_text(f, with_none=False)}")


#: What ``wordvec train``'s messages call an option -> what each compat command calls it.
_W2V_NAMES = {"--dim": "-size", "--window": "-window", "--sample": "-sample", "--hs": "-hs",
              "--negative": "-negative", "--threads": "-threads", "--epochs": "-iter",
              "--min-count": "-min-count", "--alpha": "-alpha", "--model": "-cbow",
              "--classes": "-classes", "--save-vocab": "-save-vocab",
              "--read-vocab": "-read-vocab", "-o/--output": "-output", "--output": "-output",
              "--threshold": "-threshold"}
_FASTTEXT_NAMES = {"--dim": "-dim", "--window": "-ws", "--sample": "-t", "--negative": "-neg",
                   "--threads": "-thread", "--epochs": "-epoch",
                   "--min-count": "-minCount", "--alpha": "-lr", "--seed": "-seed",
                   "-o/--output": "-output", "--output": "-output"}
_OPTION_WORD = re.compile(r"(?<![\w-])(-o/--output|--[a-z][a-z-]*)(?![\w-])")


#: word2phrase's settings as :mod:`wordvec.phrases` names them at the start of a message.
_PHRASE_NAMES = {"threshold": "-threshold", "min_count": "-min-count"}
_LEADING_NAME = re.compile(r"^([a-z_]+)\b")


@contextlib.contextmanager
def _spoken_as(names: dict[str, str], leading: dict[str, str] | None = None):
    """Within it, an error's message names options as ``names`` maps them (``--dim`` ->
    ``-size``): the shared machinery speaks ``wordvec train``'s words; ``leading`` maps a
    setting's bare name opening a message (``threshold must be ...``)."""
    from ..errors import WordvecError

    def translated(message: str) -> str:
        message = _OPTION_WORD.sub(lambda m: names.get(m.group(1), m.group(1)), message)
        if leading:
            message = _LEADING_NAME.sub(lambda m: leading.get(m.group(1), m.group(1)),
                                        message)
        return message

    try:
        yield
    except UserError as exc:
        raise UserError(translated(exc.format_message())) from exc
    except WordvecError as exc:
        raise UserError(translated(_with_option_names(str(exc)))) from exc


class _SingleDash(click.Command):
    """A command of single-dash flags: an unknown ``-flag`` is named whole in the error
    (click would read ``-iters`` as the short options ``-i -t ...`` and name ``-i``)."""

    def parse_args(self, ctx, args):
        import difflib

        given = list(args)
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            known = [o for p in self.params for o in getattr(p, "opts", [])]
            for arg in given:
                flag = arg.split("=", 1)[0]
                if flag.startswith(exc.option_name) and flag not in known:
                    raise click.NoSuchOption(
                        flag, possibilities=difflib.get_close_matches(flag, known, n=3),
                        ctx=ctx) from None
            raise


def _binary_stream(name: str):
    """The byte stream under ``sys.stdin`` / ``sys.stdout`` (click's get_binary_stream is
    deprecated from click 8.4)."""
    stream = getattr(sys, name)
    return getattr(stream, "buffer", stream)


def _out(text: str) -> None:
    """Standard output, as the C tools write it (no line end added; flushed)."""
    click.echo(text, nl=False)


# --------------------------------------------------------------------------------------------
# Training, through wordvec train's machinery


def _train(corpus: str, out: Path, fmt, config: dict, *, save_vocab, read_vocab, on_vocab,
           progress, quiet: bool):
    """``wordvec train``'s run with its checks: ``corpus`` (a path or -) to ``out`` in
    ``fmt`` (a format name, or train's classes format), ``config`` TrainConfig's fields;
    ``on_vocab(vocab)`` runs once the vocabulary is known, ``progress`` (None, or a display
    with an ``end()``, called when training ends, before the output is written) gets the
    reports; ``quiet`` silences wordvec's own memory and summary lines. Returns the trained
    model."""
    from ..word2vec import Word2Vec
    from .train import (
        STDIN,
        _check_output,
        _check_stdin,
        _check_vocab_files,
        _report_memory,
        _stdin_spilled,
        _train_and_write,
        _vocabulary,
    )

    model = Word2Vec(**config)
    sources = [corpus]
    _check_stdin(sources, None)
    files_read = [s for s in sources if s != STDIN]
    _check_output(out, files_read, None)
    _check_vocab_files(save_vocab, read_vocab, out, files_read, model.config)

    def train_model(_bar):
        with _stdin_spilled(sources) as files:
            _vocabulary(model, files[0], save_vocab, read_vocab, quiet=True)  # a peer's display
            on_vocab(model.vocab)
            _report_memory(model.memory_estimate, quiet)
            try:
                return model.fit(files[0], progress=progress)
            finally:
                if progress is not None:
                    progress.end()

    _train_and_write(train_model, out, fmt, quiet, None, lambda: False, model.config.epochs)
    return model


def _count_only(corpus: str, config: dict, *, save_vocab, read_vocab, on_vocab) -> None:
    """word2vec.c without ``-output``: count the vocabulary (or read it) and write
    ``-save-vocab``, checked as ``wordvec train`` checks it."""
    from ..outputs import refuse_overlap
    from ..word2vec import Word2Vec
    from .train import STDIN, _check_stdin, _stdin_spilled, _vocabulary

    model = Word2Vec(**config)
    sources = [corpus]
    _check_stdin(sources, None)
    files_read = [s for s in sources if s != STDIN]
    refuse_overlap(save_vocab, files_read + ([str(read_vocab)] if read_vocab else []),
                   option="-save-vocab")
    _check_output_file(save_vocab)
    with _stdin_spilled(sources) as files:
        _vocabulary(model, files[0], save_vocab, read_vocab, quiet=True)
        on_vocab(model.vocab)


class _Word2vecProgress:
    """word2vec.c's ``-debug 2`` display on standard output: ``\\rAlpha: ... Progress: ...
    Words/thread/sec: ...k``, once a report; :meth:`end` ends its line."""

    def __init__(self, threads: int):
        self.threads = threads
        self.shown = False

    def __call__(self, info) -> None:
        rate = info.words_per_sec / self.threads / 1000
        _out(f"\rAlpha: {info.alpha:f}  Progress: {info.fraction * 100:.2f}%  "
             f"Words/thread/sec: {rate:.2f}k  ")
        self.shown = True

    def end(self) -> None:
        if self.shown:
            _out("\n")


def _w2v_vocab_lines(vocab) -> None:
    _out(f"Vocab size: {len(vocab)}\nWords in train file: {vocab.total}\n")


@main.command("word2vec", cls=_SingleDash, no_args_is_help=True)
@click.option("-train", "train_file", type=click.Path(path_type=Path), required=True,
              help="the corpus to train on (a file, a folder, .gz/.bz2/.xz; - for standard "
                   "input)")
@click.option("-output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="the vectors (or, with -classes, the word classes); without it only the "
                   "vocabulary is counted, for -save-vocab")
@_field_option("-size", "dim")
@_field_option("-window", "window")
@_field_option("-sample", "sample")
@_field_option("-hs", "hs")
@_field_option("-negative", "negative")
@_field_option("-threads", "threads",
               help="worker threads; 0, the default, uses every available core "
                    "(word2vec.c's default is 12)")
@_field_option("-iter", "epochs")
@_field_option("-min-count", "min_count")
@click.option("-alpha", "alpha", type=_FieldValue("alpha"), default=None,
              help="the starting learning rate (default: 0.05 with -cbow 1, 0.025 with -cbow 0)")
@click.option("-classes", "classes", type=click.IntRange(0, MAX_WORDS), default=0,
              show_default=True,
              help="write K word classes ('word class' lines, word2vec.c's k-means) instead of "
                   "the vectors; 0 writes the vectors")
@click.option("-debug", "debug", type=click.IntRange(min=0), default=2, show_default=True,
              help="0: only the 'Starting training' line (as word2vec.c); 1: also the "
                   "vocabulary's size; 2: also the training display")
@click.option("-binary", "binary", type=click.IntRange(0, 1), default=0, show_default=True,
              help="1 writes word2vec's binary format, 0 its text format")
@click.option("-save-vocab", "save_vocab", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the vocabulary, 'word count' lines")
@click.option("-read-vocab", "read_vocab", type=click.Path(dir_okay=False, path_type=Path),
              help="take the vocabulary from this 'word count' file instead of counting the "
                   "corpus (-min-count applies to it)")
@click.option("-cbow", "cbow", type=click.IntRange(0, 1), default=1, show_default=True,
              help="1: CBOW; 0: skip-gram")
def word2vec(train_file, out, classes, debug, binary, save_vocab, read_vocab, cbow, **fields):
    """word2vec.c's command line: its flags, defaults, output formats and printed lines.

    Trains with wordvec's engine (word2vec.c's update rules) and the checks of 'wordvec
    train'. Standard output gets word2vec.c's lines ("Starting training using file",
    "Vocab size", "Words in train file"; at -debug 2 the training display); wordvec's
    memory estimate and summary go to standard error (not at -debug 0). The vectors have
    no </s> row. An unknown flag is an error.

    \b
    Example (word2vec.c's demo-word.sh):
      wordvec word2vec -train text8 -output vectors.bin -cbow 1 -size 200 -window 8 \\
          -negative 25 -hs 0 -sample 1e-4 -threads 20 -binary 1 -iter 15
    """
    from .train import _Classes

    config = dict(fields, model="cbow" if cbow else "skipgram", init="word2vec")  # InitNet
    _out(f"Starting training using file {train_file}\n")
    on_vocab = _w2v_vocab_lines if debug >= 1 else (lambda vocab: None)
    with _spoken_as(_W2V_NAMES):
        if out is None:
            if save_vocab is None:
                raise UserError("give -output FILE for the vectors, or -save-vocab FILE "
                                "to only count the vocabulary")
            _count_only(str(train_file), config, save_vocab=save_vocab,
                        read_vocab=read_vocab, on_vocab=on_vocab)
            return
        fmt = _Classes(classes) if classes else ("word2vec" if binary else "word2vec-text")
        threads = TrainConfig(**config).n_threads
        display = _Word2vecProgress(threads) if debug >= 2 else None
        _train(str(train_file), out, fmt, config, save_vocab=save_vocab,
               read_vocab=read_vocab, on_vocab=on_vocab, progress=display, quiet=debug < 1)


@main.command("word2phrase", cls=_SingleDash, no_args_is_help=True)
@click.option("-train", "train_file", type=click.Path(path_type=Path), required=True,
              help="the corpus (a file, a folder, .gz/.bz2/.xz)")
@click.option("-output", "out", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="the corpus rewritten with its phrases joined by '_'")
@click.option("-min-count", "min_count", type=click.IntRange(min=1), default=5,
              show_default=True, help="words and pairs seen fewer times never join")
@click.option("-threshold", "threshold", type=float, default=100.0, show_default=True,
              help="a pair joins when its score is above this (>= 0; higher: fewer phrases)")
@click.option("-debug", "debug", type=click.IntRange(min=0), default=2, show_default=True,
              help="0: only the 'Starting training' line (as word2phrase.c); 1 or more: "
                   "also the counts")
def word2phrase(train_file, out, min_count, threshold, debug):
    """word2phrase.c's command line: the same output bytes as word2phrase (its scorer,
    through 'wordvec phrases'), its printed lines on standard output.

    \b
    Example (word2vec.c's demo-phrases.sh):
      wordvec word2phrase -train news -output news-phrase0 -threshold 200 -debug 2
    """
    from ..outputs import refuse_overlap
    from ..phrases import phrase_corpus

    _out(f"Starting training using file {train_file}\n")
    with _spoken_as(_W2V_NAMES, _PHRASE_NAMES):
        refuse_overlap(out, [str(train_file)], option="-output")
        model, _ = phrase_corpus(str(train_file), out, min_count=min_count,
                                 threshold=threshold, scorer="word2phrase")
    learned = model.learned_passes[0]
    if debug >= 1:
        _out(f"\nVocab size (unigrams + bigrams): {learned.entries}\n"
             f"Words in train file: {learned.words}\n")


# --------------------------------------------------------------------------------------------
# distance, word-analogy


#: The C tools' number of closest words shown.
_SHOWN = 40
_RULE = "-" * 72 + "\n"
_DISTANCE_HEADER = "\n" + " " * 46 + "Word       Cosine distance\n" + _RULE
_ANALOGY_HEADER = "\n" + " " * 46 + "Word              Distance\n" + _RULE


def _c_lines(words: list[str], rows, scores, floor: float) -> str:
    """The C tools' ``printf("%50s\\t\\t%f\\n", bestw[a], bestd[a])`` for the 40 entries:
    the words found, then empty ones at ``floor`` (the starting ``bestd``). ``%50s`` pads
    to 50 bytes, as C counts them."""
    lines = []
    for row, score in zip(rows.tolist(), scores.tolist(), strict=True):
        word = words[row]
        pad = max(0, 50 - len(word.encode("utf-8")))
        lines.append(f"{' ' * pad}{word}\t\t{_c_float(score, 6)}\n")
    lines.extend(f"{' ' * 50}\t\t{_c_float(floor, 6)}\n" for _ in range(_SHOWN - len(lines)))
    return "".join(lines)


class _CTool:
    """What distance and word-analogy load: the words, the rows normalised as the C tools
    normalise them (:func:`c_unit_rows`) and each word's first row."""

    def __init__(self, path: Path):
        wv = _load_vectors(path)
        self.words = wv.index_to_key
        self.M = c_unit_rows(wv.vectors, copy=False)
        self.row_norm = max_row_norm(self.M)
        self.rows: dict[str, int] = {}
        for i, word in enumerate(self.words):
            self.rows.setdefault(word, i)

    def top(self, vector: np.ndarray, exclude: list[int], floor: float):
        return c_search(self.M, vector[None, :], np.array([exclude], dtype=np.int64),
                        _SHOWN, floor, self.row_norm)[0]


def _prompted_lines(prompt: str):
    """The lines of standard input, bounded (:func:`.query._stdin_lines`: until EXIT or the
    end, each stripped, a blank one skipped), with the C tools' prompt before each read,
    whatever standard input is."""
    from .query import _stdin_lines

    lines = _stdin_lines("")
    while True:
        _out(prompt)
        try:
            yield next(lines)
        except StopIteration:
            return


@main.command("distance", no_args_is_help=True)
@click.argument("vectors", type=click.Path(path_type=Path))
def distance(vectors):
    """word2vec.c's distance: for each line of standard input (a word, or words whose unit
    vectors are summed), the 40 closest words by cosine, printed as distance.c prints them.

    Reads any vector file wordvec reads (word2vec binary or text, a native .npz). Ends at a
    line EXIT or at the end of input. Input words are never shown; ties go to the word
    first in the file.

    \b
    Example:
      echo "france" | wordvec distance vectors.bin
    """
    tool = _CTool(vectors)
    for text in _prompted_lines("Enter word or sentence (EXIT to break): "):
        found = []
        for word in text.split():
            row = tool.rows.get(word, -1)
            _out(f"\nWord: {word}  Position in vocabulary: {row}\n")
            if row == -1:
                _out("Out of dictionary word!\n")
                break
            found.append(row)
        else:
            vector = np.zeros(tool.M.shape[1], dtype=np.float32)
            for row in found:
                vector += tool.M[row]
            rows, scores = tool.top(c_unit(vector), found, -1.0)
            _out(_DISTANCE_HEADER + _c_lines(tool.words, rows, scores, -1.0))


@main.command("word-analogy", no_args_is_help=True)
@click.argument("vectors", type=click.Path(path_type=Path))
def word_analogy(vectors):
    """word2vec.c's word-analogy: for each line 'A B C' of standard input, the 40 words
    closest to B - A + C (unit vectors; the sum normalised), printed as word-analogy.c
    prints them.

    Reads any vector file wordvec reads. Ends at a line EXIT or at the end of input. The
    input words are never shown; ties go to the word first in the file.

    \b
    Example:
      echo "man king woman" | wordvec word-analogy vectors.bin
    """
    tool = _CTool(vectors)
    for text in _prompted_lines("Enter three words (EXIT to break): "):
        words = text.split()
        if len(words) < 3:
            _out(f"Only {len(words)} words were entered.. three words are needed at the "
                 "input to perform the calculation\n")
            continue
        found = []
        for word in words:
            row = tool.rows.get(word, -1)
            _out(f"\nWord: {word}  Position in vocabulary: {max(row, 0)}\n")
            if row == -1:
                _out("Out of dictionary word!\n")
                break
            found.append(row)
        else:
            M = tool.M
            vector = (M[found[1]] - M[found[0]]) + M[found[2]]
            rows, scores = tool.top(c_unit(vector), found, 0.0)
            _out(_ANALOGY_HEADER + _c_lines(tool.words, rows, scores, 0.0))


# --------------------------------------------------------------------------------------------
# compute-accuracy

#: The longest word read from the questions (compute-accuracy.c's buffer is 2,000 bytes).
MAX_QUESTION_WORD = 1 << 20
#: Bytes read from standard input at a time.
_READ_BLOCK = 1 << 16
#: Questions answered together.
_QUESTION_BATCH = 1024
#: Sections counted as semantic (compute-accuracy.c's ``QID <= 5``).
_SEMANTIC_SECTIONS = 5
_WHITESPACE = b" \t\n\r\x0b\x0c"


class _Scanf:
    """``scanf("%s", buf)`` and ``feof(stdin)`` over a binary stream: :meth:`read` returns
    the next whitespace-separated word, or None when the input has none left (the C buffer
    then keeps its old contents); :attr:`eof` turns true once a read has reached the end of
    input, as ``feof`` does (a word that ends the input without whitespace after it
    sets it too)."""

    def __init__(self, stream):
        self.eof = False
        self._words = self._split(stream)

    @staticmethod
    def _split(stream):
        """(word, followed by whitespace) pairs, read in bounded blocks."""
        carry = b""
        while True:
            block = stream.read(_READ_BLOCK)
            if not block:
                if carry:
                    yield carry, False
                return
            data = carry + block
            words = data.split()
            carry = b""
            if words and data[-1] not in _WHITESPACE:
                carry = words.pop()
            for word in words:
                yield word, True
            if len(carry) > MAX_QUESTION_WORD:
                raise UserError(f"a word of the questions is longer than "
                                f"{MAX_QUESTION_WORD:,} bytes: not a questions file")

    def read(self) -> bytes | None:
        if self.eof:
            return None
        item = next(self._words, None)
        if item is None:
            self.eof = True
            return None
        word, spaced = item
        if len(word) > MAX_QUESTION_WORD:
            raise UserError(f"a word of the questions is longer than {MAX_QUESTION_WORD:,} "
                            "bytes: not a questions file")
        self.eof = not spaced
        return word


class _Accuracy:
    """compute-accuracy.c's counters, its questions answered a batch at a time."""

    def __init__(self, M: np.ndarray, upper_words: list[bytes]):
        self.M = M
        self.row_norm = max_row_norm(M)
        self.upper_words = upper_words
        self.rows: dict[bytes, int] = {}
        for i, word in enumerate(upper_words):
            self.rows.setdefault(word, i)
        self.pending: list[tuple[int, int, int, bytes, bool]] = []
        self.ccn = self.cacn = self.seac = self.syac = 0

    def ask(self, b1: int, b2: int, b3: int, answer: bytes, semantic: bool) -> None:
        self.pending.append((b1, b2, b3, answer, semantic))
        if len(self.pending) >= _QUESTION_BATCH:
            self.answer()

    def answer(self) -> None:
        """Score the questions asked since the last call and count the right ones."""
        if not self.pending:
            return
        M = self.M
        abc = np.array([p[:3] for p in self.pending], dtype=np.int64)
        queries = (M[abc[:, 1]] - M[abc[:, 0]]) + M[abc[:, 2]]
        best = c_search(M, queries, abc, 1, 0.0, self.row_norm)
        for (_, _, _, answer, semantic), (rows, _) in zip(self.pending, best, strict=True):
            if len(rows) and self.upper_words[rows[0]] == answer:
                self.ccn += 1
                self.cacn += 1
                if semantic:
                    self.seac += 1
                else:
                    self.syac += 1
        self.pending = []


@main.command("compute-accuracy", no_args_is_help=True)
@click.argument("vectors", type=click.Path(path_type=Path))
@click.argument("threshold", type=click.IntRange(min=0), default=0, required=False)
def compute_accuracy(vectors, threshold):
    """word2vec.c's compute-accuracy: analogy questions from standard input
    (questions-words.txt), answered over the first THRESHOLD words (0: all), printed as
    compute-accuracy.c prints them, byte for byte.

    Words are upper-cased (ASCII); a question is right when the word closest to
    B - A + C (unit vectors, A, B and C excluded, a score above 0) is D; one with a word
    outside the vocabulary counts in the total but is skipped. After each section:
    "ACCURACY TOP1", then the totals so far (the first 5 sections are semantic, the rest
    syntactic); at the end "Questions seen / total".

    \b
    Example (word2vec.c's demo-word-accuracy.sh):
      wordvec compute-accuracy vectors.bin 30000 < questions-words.txt
    """
    wv = _load_vectors(vectors)
    words = len(wv) if not threshold else min(threshold, len(wv))
    M = c_unit_rows(wv.vectors[:words])
    acc = _Accuracy(M, [w.encode("utf-8").upper() for w in wv.index_to_key[:words]])
    stdout = _binary_stream("stdout")
    reader = _Scanf(_binary_stream("stdin"))

    def put(line: bytes) -> None:
        stdout.write(line)
        stdout.flush()

    tcn = tacn = secn = sycn = qid = tq = tqs = 0
    st1 = st2 = st3 = st4 = b""

    def next_word(old: bytes) -> bytes:
        word = reader.read()
        return old if word is None else word

    while True:
        st1 = next_word(st1).upper()
        if st1 in (b":", b"EXIT") or reader.eof:
            acc.answer()
            if tcn == 0:
                tcn = 1
            if qid != 0:
                put(f"ACCURACY TOP1: {_c_percent(acc.ccn, tcn)} %  ({acc.ccn} / {tcn})\n"
                    .encode())
                put(f"Total accuracy: {_c_percent(acc.cacn, tacn)} %   Semantic accuracy: "
                    f"{_c_percent(acc.seac, secn)} %   Syntactic accuracy: "
                    f"{_c_percent(acc.syac, sycn)} % \n".encode())
            qid += 1
            st1 = next_word(st1)
            if reader.eof:
                break
            put(st1 + b":\n")
            tcn = 0
            acc.ccn = 0
            continue
        st2 = next_word(st2).upper()
        st3 = next_word(st3).upper()
        st4 = next_word(st4).upper()
        tq += 1
        b1, b2, b3, b4 = (acc.rows.get(w) for w in (st1, st2, st3, st4))
        if b1 is None or b2 is None or b3 is None or b4 is None:
            continue
        tqs += 1
        semantic = qid <= _SEMANTIC_SECTIONS
        acc.ask(b1, b2, b3, st4, semantic)
        if semantic:
            secn += 1
        else:
            sycn += 1
        tcn += 1
        tacn += 1
    put(f"Questions seen / total: {tqs} {tq}   {_c_percent(tqs, tq)} % \n".encode())


# --------------------------------------------------------------------------------------------
# fastText

#: fastText's defaults for skipgram and cbow (its Args), where they differ from
#: TrainConfig's.
_FASTTEXT_LR = 0.05
_FASTTEXT_T = 1e-4
#: fastText's negatives are drawn in proportion to count ** 0.5 (word2vec.c: 0.75).
_FASTTEXT_NS_EXPONENT = 0.5


def _fasttext_options(command):
    options = [
        click.option("-input", "input_file", type=click.Path(path_type=Path), required=True,
                     help="the corpus (a file, a folder, .gz/.bz2/.xz; - for standard input)"),
        click.option("-output", "prefix", type=click.Path(path_type=Path), required=True,
                     help="writes PREFIX.npz (wordvec's model) and PREFIX.vec (text vectors)"),
        _field_option("-dim", "dim"),
        _field_option("-ws", "window"),
        _field_option("-epoch", "epochs"),
        _field_option("-neg", "negative"),
        _field_option("-minCount", "min_count"),
        _field_option("-lr", "alpha", default=_FASTTEXT_LR, help="the starting learning rate, "
                      "decaying linearly to 0 (fastText's default)"),
        _field_option("-thread", "threads",
                      help="worker threads; 0, the default, uses every available core "
                           "(fastText's default is 12)"),
        _field_option("-t", "sample", default=_FASTTEXT_T,
                      help="subsampling threshold (fastText's default)"),
        _field_option("-seed", "seed", default=0, help="random seed"),
        click.option("-loss", "loss", type=click.Choice(["ns", "hs", "softmax", "ova"]),
                     default="ns", show_default=True,
                     help="ns: negative sampling; hs: hierarchical softmax"),
        click.option("-verbose", "verbose", type=click.IntRange(min=0), default=2,
                     show_default=True, help="0: quiet; 1: the counts; 2: also progress"),
        click.option("-minn", "minn", type=int, default=None,
                     help="subwords: accepted only with -maxn 0 (word-level vectors)"),
        click.option("-maxn", "maxn", type=int, default=None,
                     help="subwords: only 0 (word-level vectors, which wordvec trains)"),
        click.option("-bucket", "bucket", type=int, default=None,
                     help="subwords: accepted only with -maxn 0"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.group("fasttext", no_args_is_help=True)
def fasttext():
    """fastText's command line for word vectors: 'wordvec fasttext skipgram|cbow -input FILE
    -output PREFIX', fastText's flags and defaults, word-level vectors (fastText with
    -maxn 0)."""


class _FastTextProgress:
    """fastText's progress line on standard error: ``\\rProgress: ...% words/sec/thread: ...
    lr: ... avg.loss: ... ETA: ...``, every report at -verbose 2; :meth:`end` prints the
    last at -verbose 1 and up, and ends its line."""

    def __init__(self, threads: int, verbose: int):
        self.threads, self.verbose, self.last = threads, verbose, None

    def line(self, info, done: bool) -> str:
        eta = 0 if done else int(info.eta)
        progress = 100.0 if done else info.fraction * 100
        lr = 0.0 if done else info.alpha
        return (f"\rProgress: {progress:5.1f}% words/sec/thread: "
                f"{int(info.words_per_sec / self.threads):7d} lr: {lr:9.6f} "
                f"avg.loss: {info.loss:9.6f} ETA: {eta // 3600:3d}h{eta % 3600 // 60:2d}m"
                f"{eta % 60:2d}s")

    def __call__(self, info) -> None:
        if info.loss == info.loss:          # fastText shows no line before a loss
            self.last = info
            if self.verbose >= 2:
                click.echo(self.line(info, False), nl=False, err=True)

    def end(self) -> None:
        if self.verbose >= 1 and self.last is not None:
            click.echo(self.line(self.last, True), err=True)


def _fasttext_train(model_name, input_file, prefix, loss, verbose, minn, maxn, bucket,
                    **fields):
    from .train import _write_output

    if maxn != 0 and (maxn is not None or minn is not None or bucket is not None):
        given = ", ".join(f"-{name} {value}" for name, value in
                          (("minn", minn), ("maxn", maxn), ("bucket", bucket))
                          if value is not None)
        raise UserError(f"wordvec trains word-level vectors (as fastText with -maxn 0), "
                        f"without character n-grams: leave out {given}, or pass -maxn 0")
    if loss in ("softmax", "ova"):
        raise UserError(f"-loss {loss} is not supported: wordvec trains with negative "
                        "sampling (-loss ns) or hierarchical softmax (-loss hs)")
    if loss == "hs":
        fields.update(hs=1, negative=0)
    elif fields["negative"] == 0:
        raise UserError("-neg 0 with -loss ns trains no output layer: use -neg 5, or -loss hs")
    config = dict(fields, model=model_name, ns_exponent=_FASTTEXT_NS_EXPONENT, min_alpha=0.0)
    npz = Path(f"{prefix}.npz")
    vec = Path(f"{prefix}.vec")

    def counts(vocab) -> None:
        if verbose >= 1:
            click.echo(f"Read {vocab.raw_words // 1_000_000}M words\n"
                       f"Number of words:  {len(vocab)}\nNumber of labels: 0", err=True)

    with _spoken_as(_FASTTEXT_NAMES):
        from .train import _check_output

        _check_output(vec, [str(input_file)] if str(input_file) != "-" else [], None)
        display = _FastTextProgress(TrainConfig(**config).n_threads, verbose)
        model = _train(str(input_file), npz, "native", config, save_vocab=None,
                       read_vocab=None, on_vocab=counts, progress=display, quiet=verbose < 1)
        _write_output(model, vec, "word2vec-text", None)


@fasttext.command("skipgram", cls=_SingleDash, no_args_is_help=True)
@_fasttext_options
def fasttext_skipgram(**options):
    """fastText's 'skipgram': word-level skip-gram vectors to PREFIX.vec (and PREFIX.npz).

    \b
    Example:
      wordvec fasttext skipgram -input data.txt -output model -dim 100 -epoch 5
    """
    _fasttext_train("skipgram", **options)


@fasttext.command("cbow", cls=_SingleDash, no_args_is_help=True)
@_fasttext_options
def fasttext_cbow(**options):
    """fastText's 'cbow': word-level CBOW vectors to PREFIX.vec (and PREFIX.npz).

    \b
    Example:
      wordvec fasttext cbow -input data.txt -output model -dim 100 -epoch 5
    """
    _fasttext_train("cbow", **options)


__all__ = ["c_dots", "c_search", "c_unit", "c_unit_rows", "compute_accuracy", "distance",
           "fasttext", "max_row_norm", "word2phrase", "word2vec", "word_analogy"]
