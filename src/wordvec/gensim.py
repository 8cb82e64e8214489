"""gensim 4.4's names over wordvec: ``from wordvec.gensim import Word2Vec, KeyedVectors`` in
place of ``from gensim.models import Word2Vec, KeyedVectors`` runs a gensim script unchanged,
trained by wordvec's engine.

- :class:`Word2Vec`: gensim's arguments, defaults (CBOW's ``alpha`` is 0.025, not
  word2vec.c's 0.05; ``workers=3``), attributes read at each call (``model.alpha -= ...``
  takes effect at the next ``train``) and methods: ``build_vocab`` (``update=True`` too),
  ``build_vocab_from_freq``, ``scan_vocab``, ``prepare_vocab``, ``prepare_weights``,
  ``train``, ``get_latest_training_loss``, ``predict_output_word``, ``reset_from``,
  ``save`` / ``load``;
- :class:`KeyedVectors`: :class:`~wordvec.vectors.WordVectors` (gensim's queries) with gensim's
  constructor and files: ``load_word2vec_format`` / ``save_word2vec_format`` (text unless
  ``binary=True``, gensim's bytes), ``save`` / ``load`` (native, ``mmap='r'``);
- :class:`CallbackAny2Vec`, the corpora :class:`LineSentence`, :class:`PathLineSentences`,
  :class:`Text8Corpus`, and gensim's trim rules ``RULE_DEFAULT``, ``RULE_DISCARD``,
  ``RULE_KEEP``.

The vocabulary is gensim's: the same words, counts and order (equal counts: the word seen
last first, as gensim 4.4's ``sort_by_descending_frequency``), ``trim_rule``,
``max_final_vocab``, ``null_word`` and ``sorted_vocab`` included; the initial vectors are
gensim's for the same seed (``init='gensim'``), and training uses gensim's update rules
(``saturation='skip'``, ``sigmoid='table'``). Callbacks run between epochs, each epoch done
before the next begins (as gensim's threads are), with the model's live weights.

Differences from gensim, each also said where it applies:

- files are wordvec's: ``save`` writes the native model file (no pickle), ``load`` reads it
  (a gensim pickle is refused, naming gensim); ``KeyedVectors.load`` reads the vectors of
  any native model file;
- ``get_latest_training_loss()`` is the exact float64 sum of every example's loss over the
  epochs of the current (or last) ``train()``, updated at each epoch's end before the
  callbacks run, whether or not ``compute_loss`` was set (gensim: a float32 total that
  threads update without a lock, 0 without ``compute_loss``; leaves out saturated pairs and
  uses a table of logarithms); ``loss_history`` holds each epoch's mean loss per example;
- the learning-rate schedule follows the corpus's real size: ``total_examples`` /
  ``total_words`` are required as gensim requires one, but a wrong value changes nothing;
  ``train`` returns (in-vocabulary words x epochs, before subsampling; raw words x epochs);
- ``workers`` are wordvec's threads (0: every core); one worker and a seed give the same
  vectors run to run, but not gensim's (another random stream);
- ``max_vocab_size`` bounds counting as word2vec.c does (dropping the rarest words each time
  it is passed; gensim's first pruning drops nothing) and ignores ``trim_rule``; ``None``
  prunes past 21 million words (wordvec's ``prune_at``; gensim never), ``0`` never;
- text is read as wordvec reads it: words split at ASCII whitespace only, invalid UTF-8
  replaced by U+FFFD, a word longer than 1,000 bytes cut (gensim: any Unicode whitespace,
  ``UnicodeDecodeError``, no cut); a corpus that is a one-shot generator works for
  ``build_vocab`` and ``train`` (read once each), not for ``Word2Vec(sentences=...)``;
- after ``build_vocab(update=True)``, subsampling uses the summed counts (gensim: the new
  corpus's alone); ``on_batch_begin`` / ``on_batch_end`` are not called (as gensim 4; a
  callback defining them gets a warning); ``vectors_lockf`` other than ones is refused;
- a truncated vector file raises :class:`~wordvec.io.VectorFileError` (gensim ``EOFError``);
  an undecodable word :class:`WordDecodeError`, which is both; a state error
  :class:`ModelStateError` (gensim's ``RuntimeError``, which it is too).
"""
from __future__ import annotations

import bz2
import codecs
import contextlib
import dataclasses
import gzip
import itertools
import logging
import lzma
import math
import mmap as _mmap
import os
import typing
import warnings
from collections.abc import Callable, Iterable, Iterator
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from . import memory
from .config import TrainConfig
from .corpus import _OPENERS, MAX_SENTENCE, CorpusError, NotReiterableError, _decode, iter_sentences
from .corpus import _open_binary as _open_corpus_file
from .corpus import word_problem as _word_problem
from .errors import ConfigError, ConfigTypeError, WordvecError, WriteError, shown
from .hooks import Progress
from .inputfile import open_input
from .io.atomic import atomic_write
from .io.errors import VectorFileError
from .trainers import trainer
from .vectors import WordVectors
from .vocab import Vocab, count_sentences, count_words
from .word2vec import GENSIM_FIELDS
from .word2vec import Word2Vec as _Facade

__all__ = ["RULE_DEFAULT", "RULE_DISCARD", "RULE_KEEP", "CallbackAny2Vec", "KeyedVectors",
           "LineSentence", "ModelStateError", "PathLineSentences", "Text8Corpus", "Word2Vec",
           "WordDecodeError"]

logger = logging.getLogger(__name__)

#: gensim's trim rules (``gensim.utils``): what a ``trim_rule(word, count, min_count)``
#: returns to keep a word, drop it, or leave it to ``min_count``.
RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2

#: gensim's longest sentence (``MAX_WORDS_IN_BATCH``), wordvec's reader's too.
MAX_WORDS_IN_BATCH = MAX_SENTENCE

_DEFAULTS = {f.name: f.default for f in dataclasses.fields(TrainConfig)}

#: TrainConfig fields by the gensim argument that sets them, for error messages.
_GENSIM_NAME = {ours: theirs for theirs, ours in GENSIM_FIELDS.items()
                if theirs not in ("size", "iter")} | {"progress_interval": "report_delay"}

#: What gensim's golden-ratio shorthand multiplies a ``sample`` >= 1 by (prepare_vocab).
_GOLDEN = (3 + math.sqrt(5)) / 2


class ModelStateError(WordvecError, RuntimeError):
    """The model lacks what a call needs (a vocabulary, its output weights): gensim raises
    a ``RuntimeError`` there, and this is one, as well as one of wordvec's errors."""


class WordDecodeError(VectorFileError, UnicodeDecodeError):
    """A word of a vector or vocabulary file that its encoding cannot decode, with
    ``unicode_errors='strict'``: gensim's ``UnicodeDecodeError`` (with its ``encoding``,
    ``object``, ``start``, ``end``, ``reason``), and a VectorFileError naming the file and
    the line."""

    def __init__(self, path, problem: str, cause: UnicodeDecodeError, *, line=None):
        UnicodeDecodeError.__init__(self, cause.encoding, cause.object, cause.start,
                                    cause.end, cause.reason)
        self.path, self.problem, self.line, self.offset = os.fspath(path), problem, line, None
        where = f"line {line}: " if line is not None else ""
        self._message = f"{self.path}: {where}{problem}"

    def __str__(self) -> str:
        return self._message


# --------------------------------------------------------------------------------------------
# Callbacks


class CallbackAny2Vec:
    """gensim's callback base: override any of ``on_train_begin``, ``on_epoch_begin``,
    ``on_epoch_end``, ``on_train_end``, each called with the model from the calling thread.
    The epoch's hooks run between epochs, the weights at rest; in ``on_epoch_end``,
    ``model.get_latest_training_loss()`` includes the epoch and ``model.loss_history[-1]``
    is its mean loss. ``on_batch_begin`` / ``on_batch_end`` are not called (nor by gensim 4)."""

    def on_epoch_begin(self, model) -> None:
        """Before each epoch."""

    def on_epoch_end(self, model) -> None:
        """After each epoch."""

    def on_train_begin(self, model) -> None:
        """Before the first epoch of a ``train()``."""

    def on_train_end(self, model) -> None:
        """After the last epoch of a ``train()``."""


def _checked_callbacks(callbacks) -> tuple:
    """``callbacks`` as a tuple, with a warning for one that defines the batch hooks gensim 4
    and wordvec never call."""
    callbacks = tuple(callbacks or ())
    for callback in callbacks:
        batch = [name for name in ("on_batch_begin", "on_batch_end") if hasattr(callback, name)]
        if batch:
            warnings.warn(f"{type(callback).__name__} defines {' and '.join(batch)}, which are "
                          "never called (gensim 4 does not call them either): only "
                          "on_train_begin/end and on_epoch_begin/end are", stacklevel=3)
    return callbacks


# --------------------------------------------------------------------------------------------
# Corpora


def _is_path(x) -> bool:
    return isinstance(x, (str, os.PathLike))


def _open_text_file(path):
    """``path`` opened for reading bytes, decompressed by its suffix (.gz, .bz2, .xz) as
    gensim's ``utils.open`` does, by wordvec's reader's opener (a FIFO or device is refused,
    never waited on); CorpusError naming it when it cannot be opened."""
    try:
        return _open_corpus_file(Path(path))
    except OSError as exc:
        raise CorpusError(f"cannot read corpus file {os.fspath(path)!r}: "
                          f"{exc.strerror or exc}") from None


def _line_words(line) -> list[str]:
    """The words of one line as wordvec's reader makes them: split at ASCII whitespace, each
    decoded from UTF-8, invalid bytes replaced, a word over 1,000 bytes cut."""
    if isinstance(line, str):
        line = line.encode("utf-8", "surrogateescape")
    return [_decode(token) for token in line.split()]


def _pieces(words: list, size: int) -> Iterator[list]:
    """``words`` cut into sentences of at most ``size`` words (none for an empty line)."""
    for start in range(0, len(words), size):
        yield words[start:start + size]


def _check_length(max_sentence_length) -> int:
    if isinstance(max_sentence_length, bool) or not isinstance(max_sentence_length, Integral) \
            or max_sentence_length < 1:
        raise ConfigError(f"max_sentence_length must be an integer >= 1, got "
                          f"{shown(max_sentence_length)}")
    return int(max_sentence_length)


def _check_limit(limit) -> int | None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, Integral)
                              or limit < 0):
        raise ConfigError(f"limit must be None or an integer >= 0, got {shown(limit)}")
    return None if limit is None else int(limit)


class LineSentence:
    """gensim's ``LineSentence``: the sentences of a text file, one a line, a line longer
    than ``max_sentence_length`` words cut into pieces; ``limit``: the first ``limit`` lines
    only. ``source``: a path (.gz, .bz2 and .xz decompressed by suffix) or a file object
    with ``seek`` (read from its start at each pass). Words are wordvec's reader's (see the
    module docstring). Trained on, a path without ``limit`` and with the default length is
    read by wordvec's fast reader: the same sentences."""

    def __init__(self, source, max_sentence_length=MAX_WORDS_IN_BATCH, limit=None):
        self.source = source
        self.max_sentence_length = _check_length(max_sentence_length)
        self.limit = _check_limit(limit)

    def __iter__(self) -> Iterator[list[str]]:
        size = self.max_sentence_length
        if hasattr(self.source, "seek"):
            self.source.seek(0)
            for line in itertools.islice(self.source, self.limit):
                yield from _pieces(_line_words(line), size)
        elif self.limit is None:
            yield from iter_sentences(self.source, max_sentence=size)
        else:
            with _open_text_file(self.source) as f:
                for line in itertools.islice(f, self.limit):
                    yield from _pieces(_line_words(line), size)

    def _wordvec_source(self):
        """The path wordvec's reader reads for these sentences, or None."""
        native = (_is_path(self.source) and self.limit is None
                  and self.max_sentence_length == MAX_SENTENCE)
        return self.source if native else None


class PathLineSentences:
    """gensim's ``PathLineSentences``: :class:`LineSentence` over every file of a folder
    (not its subfolders), in name order, or over one file; ``limit`` lines of each."""

    def __init__(self, source, max_sentence_length=MAX_WORDS_IN_BATCH, limit=None):
        self.source = source
        self.max_sentence_length = _check_length(max_sentence_length)
        self.limit = _check_limit(limit)
        if os.path.isfile(source):
            self.input_files = [os.fspath(source)]
        elif os.path.isdir(source):
            folder = os.fspath(source)
            self.input_files = [os.path.join(folder, name) for name in sorted(os.listdir(folder))
                                if os.path.isfile(os.path.join(folder, name))]
        else:
            raise CorpusError(f"{shown(os.fspath(source))} is neither a file nor a folder")

    def __iter__(self) -> Iterator[list[str]]:
        size = self.max_sentence_length
        if self.limit is None:
            yield from iter_sentences(self.input_files, max_sentence=size)
            return
        for path in self.input_files:
            with _open_text_file(path) as f:
                for line in itertools.islice(f, self.limit):
                    yield from _pieces(_line_words(line), size)

    def _wordvec_source(self):
        native = (self.limit is None and self.max_sentence_length == MAX_SENTENCE
                  and bool(self.input_files))
        return list(self.input_files) if native else None


class Text8Corpus:
    """gensim's ``Text8Corpus``: a file's words as one stream (line ends are spaces), in
    sentences of ``max_sentence_length`` words and the rest. Trained on, an uncompressed
    file of one line (text8) is read by wordvec's fast reader: the same sentences."""

    _BLOCK = 1 << 20

    def __init__(self, fname, max_sentence_length=MAX_WORDS_IN_BATCH):
        self.fname = fname
        self.max_sentence_length = _check_length(max_sentence_length)

    def __iter__(self) -> Iterator[list[str]]:
        size, carry = self.max_sentence_length, b""
        sentence: list[str] = []
        with _open_text_file(self.fname) as f:
            for block in iter(lambda: f.read(self._BLOCK), b""):
                data = carry + block
                tokens = data.split()
                # A token at the block's end may go on in the next block.
                carry = tokens.pop() if tokens and not data[-1:].isspace() else b""
                sentence.extend(_decode(t) for t in tokens)
                whole = len(sentence) - len(sentence) % size
                yield from _pieces(sentence[:whole], size)
                sentence = sentence[whole:]
        if carry:
            sentence.append(_decode(carry))
        if sentence:
            yield sentence

    def _wordvec_source(self):
        if self.max_sentence_length != MAX_SENTENCE or Path(self.fname).suffix.lower() in _OPENERS:
            return None
        try:
            with open_input(self.fname) as f:
                if os.fstat(f.fileno()).st_size == 0:
                    return self.fname
                with _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_READ) as m:
                    one_line = m.find(b"\n", 0, len(m) - 1) == -1
        except OSError:
            return None                 # reading it as a stream reports the problem
        return self.fname if one_line else None


class _OnePass:
    """A one-shot iterator (a generator) as a corpus to read once: wordvec's reader refuses
    one-shot iterators since training reads a corpus twice, but ``build_vocab`` and
    ``train`` each read theirs once, as gensim allows."""

    def __init__(self, iterator):
        self.iterator = iterator

    def __iter__(self):
        return self.iterator


class _Counted:
    """A token-list corpus that counts the sentences of a pass, empty ones too (gensim's
    ``corpus_count``)."""

    def __init__(self, corpus):
        self.corpus, self.sentences = corpus, 0

    def __iter__(self):
        self.sentences = 0
        for sentence in self.corpus:
            self.sentences += 1
            yield sentence


def _one_shot(corpus) -> bool:
    return iter(corpus) is corpus


def _check_corpus(corpus_iterable, corpus_file, passes: int) -> None:
    """gensim's checks of the corpus arguments, as ConfigTypeError (a TypeError, as
    gensim's) or NotReiterableError for a generator that must be read more than once."""
    if (corpus_iterable is None) == (corpus_file is None):
        given = "both" if corpus_file is not None else "neither"
        raise ConfigTypeError(f"give one of corpus_iterable (sentences) or corpus_file, got "
                              f"{given}")
    if corpus_file is not None and not (_is_path(corpus_file) and os.path.isfile(corpus_file)):
        raise ConfigTypeError(f"corpus_file must be the path of a file, got {shown(corpus_file)}")
    if corpus_iterable is None:
        return
    if _is_path(corpus_iterable) or not isinstance(corpus_iterable, Iterable):
        raise ConfigTypeError(f"the corpus must be an iterable of lists of str (for a file, "
                              f"pass corpus_file=path), got {shown(corpus_iterable)}")
    if passes > 1 and _one_shot(corpus_iterable):
        raise NotReiterableError(f"the corpus is a one-shot {type(corpus_iterable).__name__}, "
                                 f"but it must be read {passes} times here; pass a list, a "
                                 "LineSentence, or build_vocab() and train() fresh generators")


def _corpus_source(corpus_iterable, corpus_file):
    """What wordvec's reader reads for gensim's corpus arguments: the path of a
    ``corpus_file`` or of a corpus class that has one, else the sentences."""
    if corpus_file is not None:
        return os.fspath(corpus_file)
    native = getattr(corpus_iterable, "_wordvec_source", None)
    source = native() if callable(native) else None
    if source is not None:
        return source
    return _OnePass(corpus_iterable) if _one_shot(corpus_iterable) else corpus_iterable


def _names_files(source) -> bool:
    return _is_path(source) or (isinstance(source, list) and bool(source)
                                and all(_is_path(x) for x in source))


# --------------------------------------------------------------------------------------------
# KeyedVectors


def _mmap_flag(mmap) -> bool:
    """gensim's ``mmap`` argument as wordvec's: None (read into memory) or 'r' (read-only
    memory map)."""
    if mmap is None or mmap == "r":
        return mmap == "r"
    raise ConfigError(f"mmap={shown(mmap)}: wordvec maps a file read-only, with mmap='r' (or "
                      "reads it into memory, mmap=None)")


def _check_save_options(ignore) -> None:
    """gensim's ``save`` options: ``separately``, ``sep_limit`` and ``pickle_protocol`` lay
    out a pickle, and wordvec's one file always memory-maps, so they change nothing; an
    ``ignore`` that would leave attributes out is refused."""
    if ignore:
        raise ConfigError(f"save(ignore={shown(ignore)}): wordvec's model file keeps every "
                          "matrix; leave ignore empty")


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _check_codec(encoding, unicode_errors) -> None:
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise ConfigError(f"encoding={shown(encoding)} is not a codec Python knows") from None
    try:
        codecs.lookup_error(unicode_errors)
    except (LookupError, TypeError):
        raise ConfigError(f"unicode_errors={shown(unicode_errors)} is not an error handler "
                          "('strict', 'replace', 'ignore', ...)") from None


def _decoded_words(words: list[str], path, encoding: str, errors: str,
                   first_line: int | None) -> list[str]:
    """Words read with ``surrogateescape`` (their undecodable bytes kept), decoded with
    ``encoding`` and ``errors`` as gensim decodes them; WordDecodeError at the first that
    cannot be with errors='strict', naming its line (text files: the first word's is
    ``first_line``)."""
    if _is_utf8(encoding):
        try:
            "\n".join(words).encode("utf-8")      # one C call: nothing was undecodable
            return words
        except UnicodeEncodeError:
            pass
    decoded = []
    for i, word in enumerate(words):
        raw = word.encode("utf-8", "surrogateescape")
        try:
            decoded.append(raw.decode(encoding, errors))
        except UnicodeDecodeError as exc:
            raise WordDecodeError(path, f"the word of vector {i + 1:,} ({shown(raw)}) is not "
                                  f"valid {encoding}; pass unicode_errors='replace' or "
                                  "'ignore' to read it anyway", exc,
                                  line=None if first_line is None else first_line + i) from None
    return decoded


def _first_of_each(words: list[str], vectors: np.ndarray, path):
    """(words, vectors) with only the first vector of a repeated word, as gensim keeps it."""
    if len(set(words)) == len(words):
        return words, vectors
    seen: set[str] = set()
    keep = np.array([not (w in seen or seen.add(w)) for w in words])  # type: ignore[func-returns-value]
    warnings.warn(f"{os.fspath(path)}: {int((~keep).sum()):,} repeated words; kept the "
                  "first vector of each, as gensim does", stacklevel=4)
    return [w for w, k in zip(words, keep) if k], vectors[keep]


def _read_counts(path, unicode_errors: str) -> dict[str, int]:
    """The ``word count`` lines of a vocabulary file (word2vec.c's ``-save-vocab``), as a
    dict; words decoded from UTF-8 with ``unicode_errors``, as gensim's reader."""
    counts: dict[str, int] = {}
    with contextlib.ExitStack() as stack:
        try:
            f = stack.enter_context(_open_text_file(path))
        except CorpusError as exc:
            raise VectorFileError(path, str(exc)) from None
        for n, line in enumerate(f, 1):
            parts = line.split()
            if len(parts) != 2 or not parts[1].isdigit():
                raise VectorFileError(path, f"expected 'word count', found "
                                      f"{shown(line.strip(), decode=True)}", line=n)
            try:
                word = parts[0].decode("utf-8", unicode_errors)
            except UnicodeDecodeError as exc:
                raise WordDecodeError(path, f"the word {shown(parts[0])} is not valid UTF-8; "
                                      "pass unicode_errors='replace' or 'ignore'", exc,
                                      line=n) from None
            counts[word] = int(parts[1])
    return counts


def _file_counts(words: list[str], counts_of: dict[str, int] | None, path) -> np.ndarray:
    """The counts of words read from a vector file: from its vocabulary file, else made up
    descending from len(words) as gensim makes them up (the format holds none)."""
    if counts_of is None:
        return np.arange(len(words), 0, -1, dtype=np.int64)
    missing = [w for w in words if w not in counts_of]
    if missing:
        warnings.warn(f"{os.fspath(path)}: {len(missing):,} words are not in the vocabulary "
                      f"file ({shown(missing[0])} first); their count is 0", stacklevel=3)
    return np.array([counts_of.get(w, 0) for w in words], dtype=np.int64)


def _read_headerless(path, limit: int | None):
    """(words, vectors) of a text vector file without the ``count dim`` line (GloVe's):
    every line a vector (the first ``limit``), dim told by the first line, as gensim's
    ``no_header=True``. Words are read with ``surrogateescape``."""
    from .io.word2vec_format import _file_bytes, _read_text

    with _file_bytes(path) as buf:
        n = len(buf)
        lines = sum(bytes(buf[i:i + (1 << 24)]).count(b"\n") for i in range(0, n, 1 << 24))
        lines += bool(n) and bytes(buf[n - 1:n]) != b"\n"
        count = lines if limit is None else min(lines, limit)
        end = buf.find(b"\n")
        dim = len(bytes(buf[:n if end == -1 else end]).split()) - 1
        if count == 0 or dim < 1:
            raise VectorFileError(path, "no vector on its first line (a word and its numbers)",
                                  line=1)
        try:
            return _read_text(buf, 0, count, dim, path, "surrogateescape")
        except VectorFileError as exc:     # its lines count from a header this file lacks
            raise VectorFileError(exc.path, exc.problem,
                                  line=None if exc.line is None else exc.line - 1) from None


@contextlib.contextmanager
def _output(path, append: bool):
    """A binary file to write ``path`` with, compressed by its suffix (.gz, .bz2, .xz) as
    gensim's ``utils.open``: written atomically, or appended to with ``append``."""
    suffix = Path(path).suffix.lower()
    f: typing.Any          # a file, or a compressor writing into it
    with contextlib.ExitStack() as stack:
        if append:
            try:
                f = stack.enter_context(open(path, "ab"))
            except OSError as exc:
                raise WriteError(path, exc.strerror or str(exc)) from None
        else:
            f = stack.enter_context(atomic_write(path, "wb"))
        if suffix == ".gz":
            f = stack.enter_context(gzip.GzipFile(filename="", fileobj=f, mode="wb", mtime=0))
        elif suffix == ".bz2":
            f = stack.enter_context(bz2.BZ2File(f, "wb"))
        elif suffix == ".xz":
            f = stack.enter_context(lzma.LZMAFile(f, "wb"))
        yield f


def _rows_bytes(keys: list[str], vectors: np.ndarray, order: np.ndarray, binary: bool):
    """Blocks of the rows of a word2vec file, as gensim writes them: ``key`` + space + the
    float32 bytes (binary, no newline), or ``key`` and each number's ``str`` (text)."""
    for start in range(0, len(order), 4096):
        rows = order[start:start + 4096]
        if binary:
            yield b"".join(keys[i].encode("utf-8") + b" " + vectors[r].astype("<f4").tobytes()
                           for i, r in zip(range(start, start + len(rows)), rows))
        else:
            yield "".join(f"{keys[i]} {' '.join(map(str, vectors[r]))}\n"
                          for i, r in zip(range(start, start + len(rows)), rows)).encode()


class KeyedVectors(WordVectors):
    """gensim's ``KeyedVectors``: :class:`~wordvec.vectors.WordVectors` (its queries, gensim's
    names and numbers) with gensim's constructor and files.

    ``KeyedVectors(vector_size)`` is gensim's empty set of vectors of ``vector_size``
    numbers (``count``, the rows gensim allocates ahead, and ``mapfile_path``, unused by
    gensim, change nothing; ``dtype`` is the vectors' type); ``KeyedVectors(index_to_key,
    vectors, counts=None)`` is :class:`WordVectors`' (its methods make new vectors so).
    ``vectors_lockf``: set by :class:`Word2Vec` to ones, as gensim's.
    """

    vectors_lockf: np.ndarray

    def __init__(self, vector_size, count=0, dtype=None, mapfile_path=None):
        if isinstance(vector_size, Integral) and not isinstance(vector_size, bool):
            if vector_size < 1:
                raise ConfigError(f"vector_size must be an integer >= 1, got {vector_size}")
            empty = np.zeros((0, int(vector_size)), dtype=np.dtype(dtype or np.float32))
            super().__init__([], empty)
        else:
            super().__init__(vector_size, count, dtype)
        self.mapfile_path = mapfile_path

    def __str__(self) -> str:
        return f"{type(self).__name__}<vector_size={self.vector_size}, {len(self)} keys>"

    def vectors_for_all(self, keys, allow_inference: bool = True,
                        copy_vecattrs: bool = False) -> WordVectors:
        """WordVectors' ``vectors_for_all``, with counts made up as gensim makes them (from
        the number of keys down) where they are not copied."""
        found = super().vectors_for_all(keys, allow_inference, copy_vecattrs)
        if found.counts is None:
            found.counts = np.arange(len(found), 0, -1, dtype=np.int64)
        return found

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8",
                             unicode_errors="strict", limit=None, datatype=np.float32,
                             no_header=False) -> KeyedVectors:
        """Read a word2vec.c file, as gensim's: text unless ``binary=True`` (gzip, bz2 and xz
        files are read too, told by content), words decoded with ``encoding`` and
        ``unicode_errors``, the first ``limit`` vectors, as ``datatype`` (a float type),
        ``no_header=True`` for a text file without the ``count dim`` line (GloVe's). Counts
        come from ``fvocab`` (word2vec.c's ``-save-vocab`` file: ``word count`` lines), else
        are made up descending, as gensim's. A repeated word keeps its first vector.

        Raises :class:`~wordvec.io.VectorFileError` for a malformed or truncated file (gensim:
        ``EOFError`` or ``ValueError``), :class:`WordDecodeError` (a
        ``UnicodeDecodeError``) for a word that cannot be decoded."""
        from .io import load_word2vec_format

        _check_codec(encoding, unicode_errors)
        if np.dtype(datatype).kind != "f":
            raise ConfigError(f"datatype must be a float type, got {shown(datatype)}")
        limit = _check_limit(limit)
        counts_of = _read_counts(fvocab, unicode_errors) if fvocab is not None else None
        if no_header:
            if binary:
                raise ConfigError("no_header=True works with text files only (binary=False), "
                                  "as gensim's")
            words, vectors = _read_headerless(fname, limit)
        else:
            wv = load_word2vec_format(fname, binary=bool(binary),
                                      unicode_errors="surrogateescape", limit=limit)
            words, vectors = wv.index_to_key, wv.vectors
        first_line = None if binary else 1 if no_header else 2
        words = _decoded_words(words, fname, encoding, unicode_errors, first_line)
        words, vectors = _first_of_each(words, vectors, fname)
        vectors = np.ascontiguousarray(vectors, dtype=datatype)
        return cls(words, vectors, _file_counts(words, counts_of, fvocab or fname))

    def save_word2vec_format(self, fname, fvocab=None, binary=False, total_vec=None,
                             write_header=True, prefix="", append=False,
                             sort_attr="count") -> None:
        """Write the vectors in word2vec.c's format, byte for byte what gensim writes: text
        unless ``binary=True`` (no newline after a binary vector, gensim's layout; readers
        take both), most frequent first (``sort_attr='count'``, the one attribute kept;
        vectors without counts are written in row order, with a warning, as gensim), the
        header ``total_vec dim`` unless ``write_header=False``, each word after ``prefix``;
        ``fvocab``: also write the ``word count`` lines there. ``append`` adds to the files;
        otherwise each is written atomically. A .gz, .bz2 or .xz name is compressed.

        Raises :class:`~wordvec.errors.WriteError` naming a word the format cannot hold
        (empty, or with ASCII whitespace) before writing anything."""
        order = self._store_order(sort_attr, fvocab)
        keys = [f"{prefix}{self.index_to_key[r]}" for r in order]
        for key in keys:
            problem = _word_problem(key)
            if problem is not None:
                raise WriteError(fname, f"the word {shown(key)} cannot be written in word2vec "
                                 f"format: {problem}; use save() (the native file keeps any "
                                 "word)")
        if fvocab is not None:
            assert self.counts is not None      # _store_order refused vectors without counts
            with _output(fvocab, append) as f:
                f.write("".join(f"{k} {self.counts[r]}\n" for k, r in zip(keys, order)).encode())
        total = len(keys) if total_vec is None else total_vec
        with _output(fname, append) as f:
            if write_header:
                f.write(f"{total} {self.vector_size}\n".encode())
            for block in _rows_bytes(keys, self.vectors, order, bool(binary)):
                f.write(block)

    def _store_order(self, sort_attr, fvocab) -> np.ndarray:
        """The rows in the order a file stores them: by descending count (ties in row order,
        as gensim's stable sort), or row order where there are no counts."""
        if sort_attr == "count" and self.counts is not None:
            return np.argsort(-self.counts, kind="stable")
        if fvocab is not None:
            raise WordvecError(f"cannot store the vocabulary with {shown(sort_attr)}: these "
                               "vectors have no such attribute (only 'count', when known)")
        warnings.warn(f"{self}: no attribute {shown(sort_attr)} (only 'count', when known); "
                      "writing the vectors in row order", stacklevel=3)
        return np.arange(len(self))

    def save(self, fname, separately=None, sep_limit=None, ignore=frozenset(),
             pickle_protocol=None) -> None:
        """Write the vectors and counts to a native file (no pickle), which :meth:`load`
        reads back, memory-mapped with ``mmap='r'``; gensim's layout options of a pickle
        change nothing (see :func:`_check_save_options`)."""
        from .io.model import save_model

        _check_save_options(ignore)
        counts = self.counts if self.counts is not None else np.zeros(len(self), np.int64)
        save_model(fname, words=self.index_to_key, counts=counts, W_in=self.vectors, config={},
                   history={"keyed_vectors": {"counts": self.counts is not None}})

    @classmethod
    def load(cls, fname, mmap=None) -> KeyedVectors:
        """The vectors of a native file written by :meth:`save` (or the word vectors of a
        model's file), memory-mapped read-only with ``mmap='r'``. A gensim pickle is refused
        (:class:`~wordvec.io.VectorFileError` naming gensim)."""
        from .io.model import load_model

        saved = load_model(fname, mmap=_mmap_flag(mmap))
        history = saved.history if isinstance(saved.history, dict) else {}
        kept = history.get("keyed_vectors")
        has_counts = not isinstance(kept, dict) or kept.get("counts", True) is not False
        return cls(saved.words, saved.W_in, saved.counts if has_counts else None)


# --------------------------------------------------------------------------------------------
# Word2Vec


def _flag(name: str, value) -> int:
    """A gensim 0/1 argument (False/True too) as an int, else ConfigError naming it."""
    if isinstance(value, (bool, Integral)) and value in (0, 1):
        return int(value)
    raise ConfigError(f"{name} must be 0 or 1 (False or True), got {shown(value)}")


def _in_gensim_names(exc: ConfigError) -> ConfigError:
    """``exc`` with the TrainConfig field it starts with renamed to gensim's argument."""
    text = str(exc)
    for ours, theirs in _GENSIM_NAME.items():
        if text.startswith(f"{ours} "):
            text = theirs + text[len(ours):]
            break
    return type(exc)(text)


def _keep_word(word: str, count: int, min_count: int, trim_rule) -> bool:
    """gensim's ``keep_vocab_item``: ``trim_rule(word, count, min_count)`` keeps
    (RULE_KEEP) or drops (RULE_DISCARD) the word, anything else leaves it to min_count."""
    if trim_rule is not None:
        rule = trim_rule(word, count, min_count)
        if rule == RULE_KEEP:
            return True
        if rule == RULE_DISCARD:
            return False
    return count >= min_count


def _downsampling(counts: np.ndarray, sample) -> tuple[int, float]:
    """(words downsampled, the corpus words subsampling leaves on average) of retained
    ``counts``, by gensim's ``prepare_vocab`` report (``sample`` >= 1: its count
    shorthand)."""
    total = int(counts.sum())
    if not sample:
        threshold = float(total)
    elif sample < 1.0:
        threshold = sample * total
    else:
        threshold = float(int(sample * _GOLDEN))
    c = counts.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(c / threshold) + 1) * (threshold / c)
    down = keep < 1.0
    return int(down.sum()), float(np.where(down, keep * c, c).sum())


def _writable(W: np.ndarray) -> np.ndarray:
    """``W`` itself when a trainer can train it in place, else a C-contiguous float32 copy."""
    if W.dtype == np.float32 and W.flags.c_contiguous and W.flags.writeable:
        return W
    return np.array(W, dtype=np.float32, order="C")


#: The gensim attributes a saved model keeps beside its TrainConfig, and their kinds.
_SAVED_STATE = {"min_count": Integral, "sample": Real, "max_vocab_size": Integral,
                "null_word": Integral, "sorted_vocab": Integral, "compute_loss": Integral,
                "comment": str, "corpus_count": Integral, "corpus_total_words": Integral,
                "running_training_loss": Real, "train_count": Integral,
                "effective_min_count": Integral, "min_alpha_yet_reached": Real,
                "shrink_windows": Integral}


class Word2Vec:
    """gensim 4.4's ``Word2Vec``, trained by wordvec's engine: its arguments and defaults,
    its attributes (read at each call, as gensim reads them), its methods; see the module
    docstring for what differs. With ``sentences`` (a re-iterable of token lists, e.g. a
    :class:`LineSentence`) or ``corpus_file`` (a path), it builds the vocabulary and trains
    at once. Every argument is checked now; an error names gensim's argument."""

    def __init__(self, sentences=None, corpus_file=None, vector_size=100, alpha=0.025,
                 window=5, min_count=5, max_vocab_size=None, sample=1e-3, seed=1, workers=3,
                 min_alpha=0.0001, sg=0, hs=0, negative=5, ns_exponent=0.75, cbow_mean=1,
                 hashfxn=hash, epochs=5, null_word=0, trim_rule=None, sorted_vocab=1,
                 batch_words=MAX_WORDS_IN_BATCH, compute_loss=False, callbacks=(),
                 comment=None, max_final_vocab=None, shrink_windows=True):
        self.vector_size, self.alpha, self.window, self.min_count = (vector_size, alpha,
                                                                      window, min_count)
        self.max_vocab_size, self.sample, self.seed, self.workers = (max_vocab_size, sample,
                                                                      seed, workers)
        self.min_alpha, self.sg, self.hs, self.negative = min_alpha, sg, hs, negative
        self.ns_exponent, self.cbow_mean, self.hashfxn = ns_exponent, cbow_mean, hashfxn
        self.epochs, self.null_word, self.sorted_vocab = epochs, null_word, sorted_vocab
        self.batch_words, self.compute_loss, self.comment = batch_words, compute_loss, comment
        self.max_final_vocab, self.shrink_windows = max_final_vocab, shrink_windows
        self._config()                     # every argument checked, named as gensim names it
        for name in ("null_word", "sorted_vocab", "compute_loss"):
            _flag(name, getattr(self, name))
        if trim_rule is not None and not callable(trim_rule):
            raise ConfigTypeError(f"trim_rule must be None or a function (word, count, "
                                  f"min_count) -> RULE_*, got {shown(trim_rule)}")
        self.layer1_size = vector_size
        self.wv = KeyedVectors(vector_size)
        self.wv.vectors_lockf = np.ones(1, dtype=np.float32)
        self.syn1neg: np.ndarray | None = None
        self.syn1: np.ndarray | None = None
        self.corpus_count, self.corpus_total_words = 0, 0
        self.raw_vocab: dict[str, int] = {}
        self.effective_min_count = min_count
        self.running_training_loss = 0.0
        self.min_alpha_yet_reached = float(alpha)
        self.train_count, self.total_train_time = 0, 0.0
        self.loss_history: list[float] = []
        self._words_trained = 0
        self._prepared: dict | None = None
        if sentences is not None or corpus_file is not None:
            _check_corpus(sentences, corpus_file, passes=epochs + 1)
            self.build_vocab(sentences, corpus_file, trim_rule=trim_rule)
            self.train(sentences, corpus_file, total_examples=self.corpus_count,
                       total_words=self.corpus_total_words, epochs=self.epochs,
                       start_alpha=self.alpha, end_alpha=self.min_alpha,
                       compute_loss=self.compute_loss, callbacks=callbacks)
        else:
            if trim_rule is not None:
                logger.warning("trim_rule is used by build_vocab() only: without sentences it "
                               "is ignored here; pass it to build_vocab()")
            if callbacks:
                logger.warning("callbacks are used by train() only: without sentences they "
                               "are ignored here; pass them to train()")

    def __str__(self) -> str:
        return (f"{type(self).__name__}<vocab={len(self.wv)}, vector_size={self.vector_size}, "
                f"alpha={self.alpha}>")

    __repr__ = __str__

    # ---------------------------------------------------------------- configuration
    def _config(self, **changes) -> TrainConfig:
        """The :class:`TrainConfig` of the gensim attributes as they are now (and
        ``changes``), with gensim's initialisation and update rules; a ConfigError names
        gensim's argument."""
        fields = dict(
            model="skipgram" if _flag("sg", self.sg) else "cbow", dim=self.vector_size,
            window=self.window, negative=self.negative, hs=_flag("hs", self.hs),
            ns_exponent=self.ns_exponent, sample=self._sample_fraction(),
            min_count=max(self.min_count, 1) if isinstance(self.min_count, Integral)
            and not isinstance(self.min_count, bool) else self.min_count,
            max_final_vocab=self.max_final_vocab,
            prune_at=_DEFAULTS["prune_at"] if self.max_vocab_size is None
            else self.max_vocab_size,
            epochs=self.epochs, alpha=self.alpha, min_alpha=self.min_alpha,
            threads=self.workers, seed=self.seed, cbow_mean=_flag("cbow_mean", self.cbow_mean),
            shrink_windows=_flag("shrink_windows", self.shrink_windows),
            chunk_words=self.batch_words, init="gensim", saturation="skip", sigmoid="table")
        fields.update(changes)
        try:
            return TrainConfig(**fields)
        except ConfigError as exc:
            raise _in_gensim_names(exc) from None

    def _sample_fraction(self):
        """``sample`` as a fraction of the corpus: gensim reads a value >= 1 as the count
        above which words are downsampled (times the golden ratio squared)."""
        sample = self.sample
        if isinstance(sample, Real) and not isinstance(sample, bool) and sample >= 1:
            wv = getattr(self, "wv", None)          # none yet while __init__ checks arguments
            counts = None if wv is None else wv.counts
            total = int(counts.sum()) if counts is not None and len(counts) else 0
            return min(1.0, int(sample * _GOLDEN) / total) if total else 1.0
        return sample

    # ---------------------------------------------------------------- vocabulary
    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False,
                    progress_per=10000, keep_raw_vocab=False, trim_rule=None, **kwargs) -> None:
        """Count the corpus and build the vocabulary, gensim's words in gensim's order, and
        the initial weights (gensim's for the seed); with ``update=True`` add the new words
        after the old (whose rows stay), their rows drawn as gensim draws them, the output
        rows zeros, and add the counts. ``progress_per`` changes nothing (counting does not
        log); ``kwargs``: ``min_count``, ``sample``, ``dry_run`` of :meth:`prepare_vocab`."""
        _check_corpus(corpus_iterable, corpus_file, passes=1)
        total_words, corpus_count = self.scan_vocab(corpus_iterable, corpus_file,
                                                    progress_per=progress_per,
                                                    trim_rule=trim_rule)
        self.corpus_count, self.corpus_total_words = corpus_count, total_words
        self.prepare_vocab(update=update, keep_raw_vocab=keep_raw_vocab, trim_rule=trim_rule,
                           **kwargs)
        self.prepare_weights(update=update)

    def build_vocab_from_freq(self, word_freq, keep_raw_vocab=False, corpus_count=None,
                              trim_rule=None, update=False) -> None:
        """:meth:`build_vocab` from a dict word -> count instead of a corpus."""
        self.raw_vocab = {str(w): int(n) for w, n in dict(word_freq).items()}
        self.corpus_count = corpus_count or 0
        self.prepare_vocab(update=update, keep_raw_vocab=keep_raw_vocab, trim_rule=trim_rule)
        self.prepare_weights(update=update)

    def scan_vocab(self, corpus_iterable=None, corpus_file=None, progress_per=10000,
                   workers=None, trim_rule=None) -> tuple[int, int]:
        """Count every word of the corpus into ``raw_vocab`` (first seen first); returns
        (raw words, sentences). Counting prunes as ``max_vocab_size`` says (see the module
        docstring)."""
        source = _corpus_source(corpus_iterable, corpus_file)
        counted = None if _names_files(source) else _Counted(source)
        prune_at = self._config().prune_at
        limit = memory.counting_limit(prune_at, memory.available_memory())
        self.raw_vocab, total_words = count_words(
            source if counted is None else counted, prune_at=limit,
            lowered_from=prune_at if limit < prune_at else None)
        sentences = count_sentences(source) if counted is None else counted.sentences
        logger.info("collected %i word types from a corpus of %i raw words and %i sentences",
                    len(self.raw_vocab), total_words, sentences)
        return total_words, sentences

    def prepare_vocab(self, update=False, keep_raw_vocab=False, trim_rule=None,
                      min_count=None, sample=None, dry_run=False) -> dict:
        """Keep the words of ``raw_vocab`` that ``min_count`` (raised to meet
        ``max_final_vocab``) and ``trim_rule`` keep, in gensim's order, for
        :meth:`prepare_weights`; returns gensim's report (drop_unique, retain_total,
        downsample_unique, downsample_total, num_retained_words). ``dry_run``: the report
        only."""
        min_count = min_count or self.min_count
        sample = sample or self.sample
        self.effective_min_count = self._effective_min_count(min_count)
        words = list(self.raw_vocab)
        counts = np.fromiter(self.raw_vocab.values(), dtype=np.int64, count=len(words))
        if trim_rule is None:
            keep = counts >= self.effective_min_count
        else:
            keep = np.array([_keep_word(w, int(n), self.effective_min_count, trim_rule)
                             for w, n in zip(words, counts)], dtype=bool)
        if update:
            known = np.array([w in self.wv.key_to_index for w in words], dtype=bool)
            new = keep & ~known
            prepared = {"update": True, "words": [w for w, k in zip(words, new) if k],
                        "counts": counts[new],
                        "added": {w: int(n) for w, n, k in zip(words, counts, known) if k}}
        else:
            prepared = self._fresh_vocab([w for w, k in zip(words, keep) if k], counts[keep])
        down_unique, down_total = _downsampling(counts[keep], sample)
        report = {"drop_unique": int((~keep).sum()), "retain_total": int(counts[keep].sum()),
                  "downsample_unique": down_unique, "downsample_total": int(down_total),
                  "num_retained_words": int(keep.sum())}
        if not dry_run:
            if not update:
                self.min_count, self.sample = min_count, sample
            self._prepared = prepared
            if not keep_raw_vocab:
                self.raw_vocab = {}
        return report

    def _effective_min_count(self, min_count: int) -> int:
        """``min_count``, raised so that at most ``max_final_vocab`` words are kept."""
        cap = self.max_final_vocab
        if cap is None or cap >= len(self.raw_vocab):
            return min_count
        ordered = np.sort(np.fromiter(self.raw_vocab.values(), dtype=np.int64))[::-1]
        return max(min_count, int(ordered[cap]) + 1)

    def _fresh_vocab(self, words: list[str], counts: np.ndarray) -> dict:
        """A new vocabulary of ``words`` (first seen first): with ``null_word`` gensim's
        pseudo-word '\\0' (count 1) added, with ``sorted_vocab`` sorted by descending count,
        equal counts the later word first (gensim 4.4's lexsort)."""
        if _flag("null_word", self.null_word) and "\0" not in words:
            words, counts = [*words, "\0"], np.append(counts, 1)
        if _flag("sorted_vocab", self.sorted_vocab):
            order = np.lexsort((-np.arange(len(words)), -counts))
            words, counts = [words[i] for i in order], counts[order]
        return {"update": False, "words": words, "counts": counts}

    def prepare_weights(self, update=False) -> None:
        """The weights of the vocabulary :meth:`prepare_vocab` prepared: gensim's initial
        ones (``wv.vectors`` random by the seed, ``syn1neg`` / ``syn1`` zeros), or with
        ``update`` the old rows kept and the new ones added."""
        prepared, self._prepared = self._prepared, None
        if prepared is None:              # gensim's prepare_weights() alone: reset the weights
            counts = self.wv.counts if self.wv.counts is not None else np.zeros(len(self.wv))
            prepared = {"update": False, "words": self.wv.index_to_key, "counts": counts}
        if bool(update) != prepared["update"]:
            raise ConfigError(f"prepare_weights(update={update}) after prepare_vocab(update="
                              f"{prepared['update']}): pass the same update to both")
        if update:
            self._grow_weights(prepared["words"], prepared["counts"], prepared["added"])
        else:
            self._init_weights(prepared["words"], prepared["counts"])

    def _init_weights(self, words: list[str], counts: np.ndarray) -> None:
        """A new ``wv`` of ``words`` and ``counts`` with gensim's initial vectors for the seed,
        and zero output matrices."""
        weights = trainer("engine").initial_weights(len(words), self._config())
        self.wv = KeyedVectors(list(words), weights.W_in, np.asarray(counts, dtype=np.int64))
        self.wv.vectors_lockf = np.ones(1, dtype=np.float32)
        self.syn1neg, self.syn1 = weights.W_out, weights.W_hs

    def _grow_weights(self, words: list[str], counts: np.ndarray, added: dict) -> None:
        """Online update: new words after the old, their rows those gensim draws for them
        (rows V_old.. of a fresh draw of the whole matrix with the seed), output rows zeros
        (the Huffman tree is rebuilt from the counts at each training); every old word's
        count grows by its count in the new corpus."""
        old = len(self.wv)
        if not old:
            raise ModelStateError("cannot update the vocabulary of a model that has none: "
                                  "build_vocab(corpus) first, without update=True")
        config = self._config()
        rows = trainer("engine").initial_weights(old + len(words), config).W_in[old:]
        wv = self.wv
        old_counts = np.zeros(old, np.int64) if wv.counts is None else wv.counts.copy()
        for word, n in added.items():
            old_counts[wv.key_to_index[word]] += n
        wv.add_vectors(words, rows, extras={"count": np.asarray(counts, dtype=np.int64)})
        assert wv.counts is not None
        wv.counts[:old] = old_counts
        grown = len(wv)
        for name in ("syn1neg", "syn1"):
            W = getattr(self, name)
            if W is not None:
                pad = np.zeros((grown - W.shape[0], W.shape[1]), dtype=np.float32)
                setattr(self, name, np.ascontiguousarray(np.vstack([W, pad])))

    def reset_from(self, other_model) -> None:
        """Take ``other_model``'s vocabulary and counts, with fresh initial weights."""
        counts = other_model.wv.counts
        self._init_weights(list(other_model.wv.index_to_key),
                           np.zeros(len(other_model.wv), np.int64) if counts is None else counts)
        self.corpus_count = other_model.corpus_count

    # ---------------------------------------------------------------- training
    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None,
              total_words=None, epochs=None, start_alpha=None, end_alpha=None, word_count=0,
              queue_factor=2, report_delay=1.0, compute_loss=False,
              callbacks=()) -> tuple[int, int]:
        """Train on the corpus for ``epochs``, the learning rate going from ``start_alpha``
        (default ``alpha``, which it sets, as gensim) to ``end_alpha`` (``min_alpha``), the
        current weights trained in place; ``callbacks`` are called as
        :class:`CallbackAny2Vec` says. ``total_examples`` or ``total_words`` must be given
        (as gensim requires), ``epochs`` too. ``report_delay``: seconds between progress
        lines logged (INFO); ``word_count`` (unused by gensim 4) and ``queue_factor`` (the
        size of gensim's job queue) change nothing. Returns (words trained, raw words)."""
        alpha = start_alpha or self.alpha
        self._check_training(epochs, total_examples, total_words, alpha)
        _check_corpus(corpus_iterable, corpus_file, passes=1)
        callbacks = _checked_callbacks(callbacks)
        self.alpha, self.min_alpha = alpha, end_alpha or self.min_alpha
        self.epochs, self.compute_loss = epochs, compute_loss
        model = self._trainer(report_delay)
        self.running_training_loss = 0.0
        for callback in callbacks:
            callback.on_train_begin(self)
        model.fit(_corpus_source(corpus_iterable, corpus_file), progress=self._log_progress,
                  on_epoch_begin=self._epoch_begin(callbacks), on_epoch_sums=self._add_loss,
                  on_epoch_end=self._epoch_end(callbacks), in_place=True)
        self._adopt(model)
        self.train_count += 1
        self.total_train_time += model.train_seconds
        self._words_trained += model.words_trained
        self.min_alpha_yet_reached = float(self.min_alpha)
        for callback in callbacks:
            callback.on_train_end(self)
        return model.words_trained, model.words_read * epochs

    def _check_training(self, epochs, total_examples, total_words, alpha) -> None:
        """gensim's checks before training (its warnings logged as gensim logs them)."""
        if self.hs and self.negative:
            logger.warning("Both hierarchical softmax and negative sampling are activated. "
                           "This is probably a mistake. You should set either 'hs=0' or "
                           "'negative=0' to disable one of them.")
        if isinstance(alpha, Real) and alpha > self.min_alpha_yet_reached:
            logger.warning("Effective 'alpha' higher than previous training cycles")
        if not self.wv.key_to_index:
            raise ModelStateError("you must first build vocabulary before training the model "
                                  "(build_vocab kept no word: check the corpus or lower "
                                  "min_count)")
        if total_words is None and total_examples is None:
            raise ConfigError("You must specify either total_examples or total_words (gensim "
                              "requires one; wordvec's schedule uses the corpus's real size): "
                              "total_examples=model.corpus_count is usual")
        if isinstance(epochs, bool) or not isinstance(epochs, Integral) or epochs <= 0:
            raise ConfigError(f"You must specify an explicit epochs count (an integer >= 1, "
                              f"got {shown(epochs)}); the usual value is epochs=model.epochs")

    def _trainer(self, report_delay) -> _Facade:
        """wordvec's Word2Vec over this model's configuration, vocabulary and weights, the
        weights made trainable in place (writable float32; an output matrix the
        configuration needs and the model lacks, zeros, as gensim's initialisation)."""
        config = self._config(progress_interval=report_delay)
        lockf = getattr(self.wv, "vectors_lockf", None)
        if lockf is not None and not np.all(np.asarray(lockf) == 1):
            raise ConfigError("wv.vectors_lockf (gensim's experimental locking of vectors) is "
                              "not supported: wordvec trains every vector; leave it at ones")
        wv, V = self.wv, len(self.wv)
        if wv.counts is None:
            raise ModelStateError("training needs the words' counts (the noise distribution, "
                                  "subsampling): these vectors have none; set them with "
                                  "wv.set_vecattr(word, 'count', n)")
        if wv.vector_size != config.dim:
            raise ModelStateError(f"wv holds vectors of {wv.vector_size} numbers but "
                                  f"vector_size is {config.dim}")
        vectors = _writable(wv.vectors)
        if vectors is not wv.vectors:
            wv.vectors = vectors
        if config.negative:
            self.syn1neg = self._output_matrix(self.syn1neg, "syn1neg", V, config.dim)
        if config.hs:
            self.syn1 = self._output_matrix(self.syn1, "syn1", V, config.dim)
        model = _Facade(**dataclasses.asdict(config))
        model.vocab = Vocab.from_counts(wv.index_to_key, wv.counts)
        model.wv = wv
        model.syn1neg = self.syn1neg if config.negative else None
        model.syn1 = self.syn1 if config.hs else None
        return model

    @staticmethod
    def _output_matrix(W, name: str, V: int, dim: int) -> np.ndarray:
        """The output matrix ``W`` (``syn1neg`` or ``syn1``) ready to train in place: zeros
        when the model has none, ModelStateError when it does not fit the vocabulary."""
        if W is None:
            return np.zeros((V, dim), dtype=np.float32)
        if W.shape != (V, dim):
            raise ModelStateError(f"{name} is {W.shape[0]} x {W.shape[1]} for {V} words of "
                                  f"{dim} numbers: a wv replaced by hand must keep the model's "
                                  "vocabulary (build_vocab(update=True) grows both)")
        return _writable(W)

    def _epoch_begin(self, callbacks) -> Callable[[int], None]:
        """The ``on_epoch_begin`` hook of a ``train()``: the callbacks' on_epoch_begin."""
        def begin(epoch: int) -> None:
            for callback in callbacks:
                callback.on_epoch_begin(self)
        return begin

    def _add_loss(self, epoch: int, loss_sum: float, examples: int) -> None:
        """The ``on_epoch_sums`` hook: the epoch's summed loss joins the running total."""
        self.running_training_loss += loss_sum

    def _epoch_end(self, callbacks) -> Callable[[int, float], None]:
        """The ``on_epoch_end`` hook of a ``train()``: the epoch's mean loss into
        ``loss_history``, a log line, then the callbacks' on_epoch_end on fresh norms."""
        def end(epoch: int, loss: float) -> None:
            self.loss_history.append(loss)
            logger.info("EPOCH %i: mean loss %.6g, loss so far %.6g", epoch + 1, loss,
                        self.running_training_loss)
            if callbacks:
                self.wv.fill_norms(force=True)     # the vectors moved in place
            for callback in callbacks:
                callback.on_epoch_end(self)
        return end

    @staticmethod
    def _log_progress(info: Progress) -> None:
        """A progress line (INFO), every ``report_delay`` seconds, as gensim logs one."""
        logger.info("EPOCH %i - PROGRESS: at %.2f%% words, %.0f words/s, alpha %.6g",
                    info.epoch + 1, 100 * info.fraction, info.words_per_sec, info.alpha)

    def _adopt(self, model: _Facade) -> None:
        """Hold the weights ``model`` trained (the same arrays, unless it had to copy)."""
        weights = model.weights
        assert weights is not None
        if weights.W_in is not self.wv.vectors:
            self.wv.vectors = weights.W_in
        if weights.W_out is not None:
            self.syn1neg = weights.W_out
        if weights.W_hs is not None:
            self.syn1 = weights.W_hs
        self.wv.fill_norms(force=True)

    def get_latest_training_loss(self) -> float:
        """The summed loss of every example of the current (or last) ``train()``, exact, in
        float64, updated at each epoch's end (before the callbacks); see the module
        docstring for how it differs from gensim's."""
        return float(self.running_training_loss)

    # ---------------------------------------------------------------- queries
    def predict_output_word(self, context_words_list, topn=10):
        """gensim's: the ``topn`` most probable center words given the context words (words
        or row indices; unknown ones skipped), as (word, probability) pairs, by the softmax
        of ``syn1neg`` times the context vectors' mean (sum with ``cbow_mean=0``); None when
        no context word is known. Needs negative sampling. The softmax is computed stably
        (gensim's ``exp`` overflows to nan for large scores)."""
        if not self.negative:
            raise ModelStateError("predict_output_word needs negative sampling (negative > 0), "
                                  "as gensim's does")
        V = len(self.wv)
        if self.syn1neg is None or self.syn1neg.shape[0] != V or not V:
            raise ModelStateError("predict_output_word needs the output weights syn1neg of "
                                  "the vocabulary: build_vocab() and train() first")
        if topn is not None and (isinstance(topn, bool) or not isinstance(topn, Integral)
                                 or topn < 0):
            raise ConfigError(f"topn must be None or an integer >= 0, got {shown(topn)}")
        rows = [self.wv.get_index(w) for w in context_words_list if w in self.wv]
        if not rows:
            logger.warning("All the input context words are out-of-vocabulary for the "
                           "current model.")
            return None
        hidden = np.sum(self.wv.vectors[rows], axis=0, dtype=np.float32)
        if self.cbow_mean:
            hidden /= np.float32(len(rows))
        scores = (np.asarray(self.syn1neg, dtype=np.float32) @ hidden).astype(np.float64)
        prob = np.exp(scores - scores.max())
        prob /= prob.sum()
        top = np.argsort(-prob, kind="stable")[:V if topn is None else topn]
        return [(self.wv.index_to_key[i], float(prob[i])) for i in top]

    # ---------------------------------------------------------------- files
    def save(self, fname, separately=None, sep_limit=None, ignore=frozenset(),
             pickle_protocol=None) -> None:
        """Write the model to a native file (no pickle): the vectors, counts, output weights,
        the configuration and gensim's attributes; :meth:`load` reads it back (``mmap='r'``
        maps it), so does ``wordvec.Word2Vec.load``. gensim's pickle layout options change
        nothing (see :func:`_check_save_options`)."""
        from .io.model import save_model

        _check_save_options(ignore)
        config = self._config()
        wv, V = self.wv, len(self.wv)
        counts = wv.counts if wv.counts is not None else np.zeros(V, np.int64)
        outputs = {name: self._saved_output(getattr(self, name), V) if used else None
                   for name, used in (("syn1neg", config.negative), ("syn1", config.hs))}
        history = {"epoch_loss": self.loss_history, "train_seconds": self.total_train_time,
                   "words_trained": self._words_trained, "gensim": self._state()}
        save_model(fname, words=wv.index_to_key, counts=counts, W_in=wv.vectors,
                   W_out=outputs["syn1neg"], W_hs=outputs["syn1"],
                   config=dataclasses.asdict(config), history=history)

    def _saved_output(self, W, V: int) -> np.ndarray:
        """An output matrix to save: zeros where the model has none yet."""
        return np.zeros((V, self.vector_size), np.float32) if W is None else W

    def _state(self) -> dict:
        """The gensim attributes kept beside the configuration (:data:`_SAVED_STATE`)."""
        state = {}
        for name in _SAVED_STATE:
            value = getattr(self, name)
            state[name] = value if value is None or isinstance(value, str) else (
                bool(value) if isinstance(value, bool) else
                int(value) if isinstance(value, Integral) else float(value))
        return state

    @classmethod
    def load(cls, fname, mmap=None) -> Word2Vec:
        """A model written by :meth:`save` (or by ``wordvec.Word2Vec.save``), memory-mapped
        read-only with ``mmap='r'`` (training copies the matrices then). Raises
        :class:`~wordvec.io.VectorFileError` for a file that is not such a model (a gensim
        pickle is refused, naming gensim; a file of KeyedVectors holds no output weights)."""
        from .io.model import load_model

        saved = load_model(fname, mmap=_mmap_flag(mmap))
        base = _Facade.from_saved(saved, fname)
        c = base.config
        model = cls(vector_size=c.dim, alpha=c.start_alpha, window=c.window,
                    min_count=c.min_count, max_vocab_size=c.prune_at, sample=c.sample,
                    seed=c.seed, workers=c.threads, min_alpha=c.end_alpha,
                    sg=int(c.model == "skipgram"), hs=c.hs, negative=c.negative,
                    ns_exponent=c.ns_exponent, cbow_mean=c.cbow_mean, epochs=c.epochs,
                    batch_words=c.chunk_words, max_final_vocab=c.max_final_vocab,
                    shrink_windows=bool(c.shrink_windows))
        history = saved.history if isinstance(saved.history, dict) else {}
        model._restore(history.get("gensim"), fname)
        vocab = base.vocab
        assert vocab is not None
        model.wv = KeyedVectors(vocab.words, saved.W_in, vocab.counts)
        model.wv.vectors_lockf = np.ones(1, dtype=np.float32)
        model.syn1neg, model.syn1 = base.syn1neg, base.syn1
        model.loss_history = list(base.loss_history)
        model.total_train_time, model._words_trained = base.train_seconds, base.words_trained
        return model

    def _restore(self, state, fname) -> None:
        """Set the gensim attributes a file kept (:meth:`_state`), checked."""
        if not isinstance(state, dict):
            self.max_vocab_size = None if self.max_vocab_size == _DEFAULTS["prune_at"] \
                else self.max_vocab_size
            return
        for name, kind in _SAVED_STATE.items():
            value = state.get(name, getattr(self, name))
            if value is not None and not isinstance(value, kind):
                raise VectorFileError(fname, f"its gensim attribute {name} is damaged: "
                                      f"{shown(value)}")
            setattr(self, name, value)
        try:
            self._config()
            for name in ("null_word", "sorted_vocab"):
                _flag(name, getattr(self, name))
        except ConfigError as exc:
            raise VectorFileError(fname, f"its gensim attributes are damaged: {exc}") from None
