"""The vocabulary shared by both trainers: words, their counts, and their ids.

Word ids are positions in frequency order, most frequent first, as in word2vec.c
(``SortVocab``) and gensim (``sorted_vocab=1``). Words with equal counts keep the order of
their first occurrence in the corpus, so the same corpus always gives the same ids,
whatever ``PYTHONHASHSEED`` is (a plain ``sorted`` by count over a set would not).

Counting is word2vec.c's (``LearnVocabFromTrainFile`` with ``ReduceVocab``):
:func:`count_words` counts every token of a corpus source, read by :mod:`wordvec.corpus`,
and with ``prune_at`` drops the rarest words while counting to bound its memory
(:class:`VocabPrunedWarning`). This module imports :mod:`wordvec.corpus`; corpus never
imports this one (:func:`wordvec.corpus.encode` takes ``vocab.word_to_id``).
"""
from __future__ import annotations

import collections
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat

import numpy as np

# The reader's private helpers too: counting must read, cut and decode tokens exactly as
# the reader and the encoder do, so that counts and ids agree word for word.
from wordvec.corpus import (
    BLOCK_SIZE,
    MAX_SENTENCE,
    EncodedCorpus,
    InvalidUTF8Warning,
    LongWordWarning,
    Source,
    TokenStream,
    _aligned_blocks,
    _byte_sentences,
    _check_sizes,
    _check_tokens,
    _resolve,
    _token_lists,
    decode_token,
    encode,
    encode_stream,
    read_tokens,
)
from wordvec.errors import WordvecError, shown
from wordvec.pages import CorpusPages

__all__ = ["Vocab", "VocabError", "VocabPrunedWarning", "Counted", "count_and_encode",
           "count_corpus", "count_sentences",
           "count_words"]

#: Distinct byte tokens :func:`count_words` collects before decoding them into its word
#: counts, so that a large vocabulary is never held twice (as bytes and as str). A frequent
#: word is decoded again at each merge; measured on 20M Zipf-distributed tokens (1.3M
#: distinct): 5.6-6.1 s with 2^17, 5.6-5.8 s with 2^20 (noise). text8-head (81k distinct)
#: never gets there.
_COUNT_MERGE_AT = 1 << 17

#: Bytes of distinct tokens :func:`count_and_encode` may hold while it reads a corpus once;
#: past them (a corpus of many long distinct tokens) it counts and encodes in two passes,
#: whose memory :func:`count_words`'s merging and pruning bound.
_ONE_PASS_TOKEN_BYTES = 256 << 20

#: Tokens of a stream counted per ``np.bincount`` call (its int64 copy: 2 MiB; 2^22 took
#: 9 MiB more peak memory on text8-head for no measurable speed).
_BINCOUNT_SLICE = 1 << 18

#: Bytes read by :func:`count_words` before it decodes its byte tokens anyway: the distinct
#: byte tokens it holds take at most the bytes read since the last merge, which bounds them
#: when the tokens are long (a file of distinct 100 kB blobs would otherwise be held whole
#: until _COUNT_MERGE_AT of them). Ordinary text reaches _COUNT_MERGE_AT first or at most one
#: merge more per 64 MiB.
_COUNT_MERGE_BYTES = 64 << 20


class VocabError(WordvecError):
    """No usable vocabulary: no word reaches ``min_count``, or the corpus has no words.

    The message gives the largest count seen and a ``min_count`` that would work.
    """


class VocabPrunedWarning(UserWarning):
    """Counting held more than ``prune_at`` distinct words, so rare words were dropped while
    counting (word2vec.c's ``ReduceVocab``): their counts may be low or missing.

    ``limit`` is the ``prune_at`` used, ``max_dropped`` the largest count a pruning dropped
    (it rises by one each time), ``times`` how often it pruned, ``lowered_from`` the
    ``prune_at`` asked for when it was lowered to fit the available memory (else None).
    """

    def __init__(self, limit: int, max_dropped: int, times: int,
                 lowered_from: int | None = None):
        lowered = ("" if lowered_from is None else
                   f" (prune_at={lowered_from:,} lowered to fit the available memory)")
        super().__init__(
            f"the corpus has more than {limit:,} distinct word{'s' if limit != 1 else ''}"
            f"{lowered}, so counting dropped "
            f"words seen at most {max_dropped} time{'s' if max_dropped > 1 else ''} so far "
            f"({times} pruning{'s' if times > 1 else ''}, as word2vec.c does) to bound its "
            "memory; counts of rare words may be low; to count exactly use prune_at=0 or a "
            "larger prune_at (about 200 bytes a word)")
        self.limit = limit
        self.lowered_from = lowered_from
        self.max_dropped = max_dropped
        self.times = times


# --------------------------------------------------------------------------------------------
# Counting (word2vec.c's LearnVocabFromTrainFile and ReduceVocab)


def count_words(source: Source, *, block_size: int = BLOCK_SIZE, prune_at: int = 0,
                lowered_from: int | None = None) -> tuple[dict[str, int], int]:
    """Count every token of a corpus source.

    Returns ``(counts, raw_words)``: ``counts`` maps each distinct word to its count, in order
    of first occurrence in the corpus (dicts keep insertion order, which gives a
    deterministic tie-break that never depends on ``PYTHONHASHSEED``); ``raw_words`` is the
    number of tokens read. Files are counted as ``bytes`` tokens; distinct tokens are decoded
    at the end, and byte tokens that decode to the same word (different invalid bytes, all
    U+FFFD) are merged. For each file whose tokens held invalid UTF-8, one
    :class:`~wordvec.corpus.InvalidUTF8Warning` gives the number of such token occurrences,
    and for each file with tokens longer than :data:`~wordvec.corpus.MAX_WORD_BYTES` (cut,
    see :mod:`wordvec.corpus`), one :class:`~wordvec.corpus.LongWordWarning` gives the
    number of cut token occurrences. Files are read by :mod:`wordvec.corpus`'s reader, so
    the words are those :func:`~wordvec.corpus.iter_sentences` and
    :func:`~wordvec.corpus.encode` see.

    ``prune_at`` > 0 bounds the memory of counting, as word2vec.c's ``ReduceVocab``: whenever
    more than ``prune_at`` distinct words are held, the words counted at most ``n`` times so
    far are dropped, ``n`` starting at 1 and rising by one with each pruning, until at most
    ``prune_at`` remain. Words held are then at most ``prune_at`` plus one block's distinct
    tokens. A pruned word that occurs again starts counting afresh, so rare words' counts
    may be low or missing; :class:`VocabPrunedWarning` says so when it happened.
    ``prune_at=0`` never prunes: the counts are exact. ``lowered_from``: the ``prune_at``
    asked for, when the caller lowered it to fit the available memory; the warning says so.
    Raises :class:`~wordvec.corpus.CorpusError` for a path that cannot be read, a file that
    looks binary (see :mod:`wordvec.corpus`) or a token that is not a ``str``.
    """
    _check_sizes(block_size, MAX_SENTENCE)
    if isinstance(prune_at, bool) or not isinstance(prune_at, (int, np.integer)) \
            or prune_at < 0:
        raise ValueError(f"prune_at must be an integer >= 0, got {shown(prune_at)}")
    files, sentences = _resolve(source)
    pruner = _Pruner(int(prune_at), lowered_from)
    if files is not None:
        counts: dict[str, int] = {}
        raw_words = 0
        for path in files:
            # One Counter per file, so invalid UTF-8 can be blamed on its file; the words are
            # merged into ``counts`` in file order, which keeps first-occurrence order.
            byte_counts: collections.Counter = collections.Counter()
            invalid = cut = held = 0  # held: bytes read since byte_counts was last merged
            for piece in _aligned_blocks(path, block_size):
                tokens = piece.split()
                raw_words += len(tokens)
                byte_counts.update(tokens)  # C-accelerated for a list argument
                held += len(piece)
                over_limit = pruner.limit and len(byte_counts) + len(counts) > pruner.limit
                if over_limit or len(byte_counts) >= _COUNT_MERGE_AT \
                        or held >= _COUNT_MERGE_BYTES:
                    # Merge before pruning, so a word's count is whole when the rule looks
                    # at it; and now and then anyway, so the two dicts never both hold a
                    # vocabulary of many millions of words (or of long tokens).
                    merged = _merge_decoded(byte_counts, counts)
                    invalid, cut = invalid + merged[0], cut + merged[1]
                    byte_counts.clear()
                    held = 0
                    pruner.prune(counts)
            merged = _merge_decoded(byte_counts, counts)
            invalid, cut = invalid + merged[0], cut + merged[1]
            del byte_counts
            pruner.prune(counts)
            if invalid:
                warnings.warn(InvalidUTF8Warning(invalid, str(path)), stacklevel=2)
            if cut:
                warnings.warn(LongWordWarning(cut, str(path)), stacklevel=2)
        pruner.report()
        return counts, raw_words

    str_counts: collections.Counter = collections.Counter()
    raw_words = 0
    for sentence in _token_lists(sentences):
        raw_words += len(sentence)
        try:
            str_counts.update(sentence)
        except TypeError:  # an unhashable token (a list, a dict)
            _check_tokens(sentence)
            raise
        if pruner.limit and len(str_counts) > pruner.limit:
            pruner.prune(str_counts)
    _check_tokens(str_counts)
    pruner.report()
    return dict(str_counts), raw_words


def count_sentences(source: Source, *, block_size: int = BLOCK_SIZE,
                    max_sentence: int = MAX_SENTENCE) -> int:
    """The number of sentences of a corpus source as the reader yields them
    (:func:`wordvec.corpus.iter_sentences`): its non-empty lines (token lists), each cut
    into pieces of at most ``max_sentence`` tokens; gensim's ``corpus_count`` of a
    ``LineSentence``. Reads the source once more (tokens are split, not decoded). Raises
    :class:`~wordvec.corpus.CorpusError` as :func:`count_words` does."""
    _check_sizes(block_size, max_sentence)
    files, sentences = _resolve(source)
    if files is not None:
        return sum(1 for _ in _byte_sentences(files, block_size, max_sentence))
    return sum(-(-len(s) // max_sentence) for s in _token_lists(sentences))


class _Pruner:
    """word2vec.c's ``ReduceVocab`` with its rising ``min_reduce``, and what it dropped."""

    def __init__(self, limit: int, lowered_from: int | None):
        self.limit = limit
        self.lowered_from = lowered_from
        self.min_reduce = 1  # the next pruning drops counts <= this
        self.times = 0

    def prune(self, counts: dict) -> None:
        """Cut ``counts`` in place to at most ``limit`` words; the others keep their order.
        Deleting (rather than copying the survivors) keeps the peak at one dict."""
        while self.limit and len(counts) > self.limit:
            threshold = self.min_reduce
            for word in [w for w, n in counts.items() if n <= threshold]:
                del counts[word]
            self.min_reduce += 1
            self.times += 1

    def report(self) -> None:
        if self.times:
            warnings.warn(VocabPrunedWarning(self.limit, self.min_reduce - 1, self.times,
                                             self.lowered_from), stacklevel=3)


def _merge_decoded(byte_counts: dict[bytes, int], counts: dict[str, int]) -> tuple[int, int]:
    """Add ``byte_counts`` (distinct byte tokens -> count) into ``counts`` (word -> count),
    decoding each token as the reader does (``wordvec.corpus.decode_token``). Returns
    ``(invalid, cut)``: the numbers of token occurrences that held invalid UTF-8 (in the part
    kept) and that were longer than :data:`~wordvec.corpus.MAX_WORD_BYTES`.

    Runs once per distinct token, not per token, which is why the length is checked here
    and not as tokens are read (:func:`wordvec.corpus.decode_token`).
    """
    invalid = cut = 0
    for token, n in byte_counts.items():
        word, was_cut, was_invalid = decode_token(token)
        cut += n * was_cut
        invalid += n * was_invalid
        counts[word] = counts.get(word, 0) + n
    return invalid, cut


# --------------------------------------------------------------------------------------------
# The vocabulary


class Vocab:
    """Words in frequency order with their counts.

    Attributes:
        words: ``list[str]`` of V words, most frequent first; ``words[i]`` has id ``i``.
        counts: (V,) int64 corpus counts, in the same order (non-increasing when built).
        word_to_id: ``dict[str, int]``, the inverse of ``words``.
        raw_words: tokens counted when the vocabulary was built, including the words dropped
            by ``min_count`` / ``max_vocab`` (equals ``total`` when nothing was dropped).
    """

    def __init__(self, words: Sequence[str], counts, raw_words: int | None = None):
        words = list(words)
        counts = np.asarray(counts)
        if counts.ndim != 1 or counts.shape[0] != len(words):
            raise ValueError(f"counts must be a 1-D array with one count per word; got "
                             f"{len(words)} words and counts of shape {counts.shape}")
        if counts.size and not np.issubdtype(counts.dtype, np.integer):
            raise ValueError(f"counts must be integers, got dtype {counts.dtype}")
        counts = counts.astype(np.int64)
        if np.any(counts < 0):
            raise ValueError("word counts must be non-negative")
        for w in words:
            if not isinstance(w, str):
                raise ValueError(f"words must be str, got {type(w).__name__} ({shown(w)})")
        word_to_id = {w: i for i, w in enumerate(words)}
        if len(word_to_id) != len(words):
            seen: set[str] = set()
            dup = next(w for w in words if w in seen or _add(seen, w))
            raise ValueError(f"the word {shown(dup)} appears twice in the vocabulary")
        self.words: list[str] = words
        self.counts: np.ndarray = counts
        self.word_to_id: dict[str, int] = word_to_id
        self.raw_words: int = int(counts.sum()) if raw_words is None else int(raw_words)

    # ---------------------------------------------------------------------------------------
    # Construction

    @classmethod
    def from_counts(cls, words: Sequence[str], counts, raw_words: int | None = None) -> Vocab:
        """A vocabulary with exactly these words in exactly this order (ids = positions).

        words: V distinct str; counts: (V,) non-negative integers. The order is kept as
        given, so ids still match the rows of vectors trained with it; pass words most
        frequent first to follow the convention. ``raw_words`` defaults to ``sum(counts)``.
        """
        return cls(words, counts, raw_words)

    @classmethod
    def build(cls, source: Source, min_count: int = 5, max_vocab: int | None = None, *,
              prune_at: int = 0, lowered_from: int | None = None,
              block_size: int = BLOCK_SIZE, max_final_vocab: int | None = None) -> Vocab:
        """Count the words of a corpus source (see :mod:`wordvec.corpus`) and keep the
        frequent ones.

        A word is kept if it occurs at least ``min_count`` times; of those, at most the
        ``max_vocab`` most frequent (None: no limit). ``max_final_vocab`` (gensim's) raises
        ``min_count`` to the least count that keeps at most that many words (one more than
        the count of word ``max_final_vocab`` in count order), so words of equal count stay
        or go together. Order: count descending, ties by first
        occurrence in the corpus. ``prune_at`` > 0 bounds the words held while counting,
        dropping the rarest as word2vec.c does (see :func:`count_words`,
        which warns when it happened, naming ``lowered_from`` if the caller lowered it);
        0 counts exactly. Raises :class:`VocabError` if no word is kept, and
        :class:`wordvec.corpus.CorpusError` for a source that cannot be read.
        """
        _check_limits(min_count, max_vocab, max_final_vocab)
        counts, raw_words = count_words(source, block_size=block_size, prune_at=prune_at,
                                        lowered_from=lowered_from)
        return cls._trimmed(counts, raw_words, min_count, max_vocab, max_final_vocab,
                            _describe(source))

    @classmethod
    def _trimmed(cls, counts: dict[str, int], raw_words: int, min_count: int,
                 max_vocab: int | None, max_final_vocab: int | None, where: str) -> Vocab:
        """The vocabulary of ``counts`` under the limits of :meth:`build`."""
        if max_final_vocab is not None and max_final_vocab < len(counts):
            ordered = np.sort(np.fromiter(counts.values(), dtype=np.int64, count=len(counts)))
            min_count = max(min_count, int(ordered[::-1][max_final_vocab]) + 1)
        return cls._from_counter(counts, min_count, max_vocab, raw_words, where)

    @classmethod
    def _from_counter(cls, counts: dict[str, int], min_count: int, max_vocab: int | None,
                      raw_words: int, where: str) -> Vocab:
        """Trim and order ``counts`` (a dict in first-occurrence order)."""
        if not counts:
            raise VocabError(f"the corpus ({where}) has no words; a file must be text with "
                             "words separated by spaces, token lists must not all be empty")
        kept = [(w, n) for w, n in counts.items() if n >= min_count]
        if not kept:
            top_word, top = max(counts.items(), key=lambda item: item[1])
            raise VocabError(
                f"no word occurs at least min_count={min_count} times in the corpus ({where}): "
                f"the largest count is {top} (the word {shown(top_word)}), among "
                f"{len(counts):,} distinct words and {raw_words:,} tokens; use min_count={top} "
                "or lower, or a larger corpus")
        # Stable sort: equal counts keep the dict's first-occurrence order.
        kept.sort(key=lambda item: item[1], reverse=True)
        if max_vocab is not None:
            del kept[max_vocab:]
        words = [w for w, _ in kept]
        array = np.fromiter((n for _, n in kept), dtype=np.int64, count=len(kept))
        return cls(words, array, raw_words)

    # ---------------------------------------------------------------------------------------
    # Queries

    @property
    def total(self) -> int:
        """Sum of ``counts``: the number of corpus tokens that are in the vocabulary."""
        return int(self.counts.sum())

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.word_to_id

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocab):
            return NotImplemented
        return (self.words == other.words and np.array_equal(self.counts, other.counts)
                and self.raw_words == other.raw_words)

    __hash__ = None  # type: ignore[assignment]  # mutable contents: equal vocabularies need not hash alike

    def __repr__(self) -> str:
        head = ", ".join(repr(w) for w in self.words[:5])
        more = ", ..." if len(self.words) > 5 else ""
        return (f"Vocab({len(self):,} words [{head}{more}], total={self.total:,}, "
                f"raw_words={self.raw_words:,})")


def count_and_encode(source: Source, min_count: int = 5, max_vocab: int | None = None, *,
                     prune_at: int = 0, lowered_from: int | None = None,
                     block_size: int = BLOCK_SIZE, max_final_vocab: int | None = None,
                     ) -> tuple[Vocab, EncodedCorpus | None]:
    """:meth:`Vocab.build` and then :func:`wordvec.corpus.encode` with its vocabulary, from
    ONE read of a file source; arguments as :meth:`Vocab.build`.

    Returns ``(vocab, encoded)``, each equal to what the two calls give (the same words,
    counts, ids, bounds and fingerprint, and the same warnings): :func:`count_corpus`, then
    its :meth:`Counted.encode`. ``encoded`` is None, and the vocabulary counted by
    :meth:`Vocab.build` for the caller to encode, where :func:`count_corpus` cannot keep the
    tokens read (:attr:`Counted.one_pass` is false).
    """
    _check_limits(min_count, max_vocab, max_final_vocab)
    counted = count_corpus(source, prune_at=prune_at, lowered_from=lowered_from,
                           block_size=block_size)
    vocab = Vocab._trimmed(counted.counts, counted.raw_words, min_count, max_vocab,
                           max_final_vocab, _describe(source))
    return vocab, counted.encode(vocab.word_to_id) if counted.one_pass else None


class Counted:
    """A corpus counted and not yet encoded (:func:`count_corpus`): ``counts`` (word ->
    count, in order of first occurrence) and ``raw_words`` (tokens read), and what encoding
    it with the vocabulary made from those counts needs."""

    def __init__(self, source: Source, counts: dict[str, int], raw_words: int,
                 stream: TokenStream | None = None, word_of_token: list[str] | None = None):
        self.source, self.counts, self.raw_words = source, counts, raw_words
        self._stream, self._word_of_token = stream, word_of_token

    @property
    def one_pass(self) -> bool:
        """Whether :meth:`encode` maps the tokens read while counting (no second read)."""
        return self._stream is not None

    def encode(self, word_to_id) -> EncodedCorpus:
        """The corpus as ids of ``word_to_id`` (word -> id >= 0): the tokens read while
        counting, mapped in place (once: the stream is then spent), else the source read
        again by :func:`wordvec.corpus.encode`."""
        stream, self._stream = self._stream, None
        if stream is None:
            return encode(self.source, word_to_id)
        words = self._word_of_token or []
        id_of_token = np.fromiter(map(word_to_id.get, words, repeat(-1)), dtype=np.int32,
                                  count=len(words))
        return encode_stream(stream, id_of_token)


def count_corpus(source: Source, *, prune_at: int = 0, lowered_from: int | None = None,
                 block_size: int = BLOCK_SIZE) -> Counted:
    """Count every token of ``source`` as :func:`count_words` does, keeping what encoding
    it needs. Every token is given the index of its distinct byte token as it is read
    (:func:`wordvec.corpus.read_tokens`), so that once the vocabulary is known the indices
    are mapped to word ids in place (:func:`wordvec.corpus.encode_stream`) and the text is
    read and split once instead of twice. For token lists, and when the corpus holds more
    than ``prune_at // 2`` distinct tokens (or their bytes more than 256 MiB), the counts are
    :func:`count_words`' and encoding reads the source again: holding the tokens as bytes
    while their words are counted takes about twice what counting alone holds, and past
    ``prune_at`` word2vec.c's pruning must apply."""
    stream = read_tokens(source, max_distinct=prune_at // 2 if prune_at else 2**31 - 1,
                         max_token_bytes=_ONE_PASS_TOKEN_BYTES, block_size=block_size)
    if stream is None:
        counts, raw_words = count_words(source, block_size=block_size, prune_at=prune_at,
                                        lowered_from=lowered_from)
        return Counted(source, counts, raw_words)
    counts, word_of_token = _stream_counts(stream)
    return Counted(source, counts, stream.raw_words, stream, word_of_token)


def _stream_counts(stream: TokenStream) -> tuple[dict[str, int], list[str]]:
    """The word counts of a token stream, in order of first occurrence, and the word of each
    of its distinct tokens; warns for each file as :func:`count_words` does."""
    per_token = np.zeros(len(stream.tokens), dtype=np.int64)
    pages = CorpusPages(stream.ids)     # a mapped corpus: each slice's pages go once counted
    # A slice at a time: bincount copies its input as int64, twice the ids' own size.
    for start in range(0, stream.raw_words, _BINCOUNT_SLICE):
        per_token += np.bincount(stream.ids[start:start + _BINCOUNT_SLICE],
                                 minlength=len(stream.tokens))
        pages.release(start, min(start + _BINCOUNT_SLICE, stream.raw_words))
    counts: dict[str, int] = {}
    words: list[str] = []
    flagged: list[tuple[int, bool, bool]] = []  # (token, cut, invalid) of the odd tokens
    for i, (token, n) in enumerate(zip(stream.tokens, per_token.tolist())):
        word, was_cut, was_invalid = decode_token(token)
        counts[word] = counts.get(word, 0) + n
        words.append(word)
        if was_cut or was_invalid:
            flagged.append((i, was_cut, was_invalid))
    if flagged:
        cut = np.zeros(len(stream.tokens), dtype=bool)
        invalid = np.zeros(len(stream.tokens), dtype=bool)
        for i, was_cut, was_invalid in flagged:
            cut[i], invalid[i] = was_cut, was_invalid
        start = 0
        for path, end in zip(stream.files, stream.file_ends):
            tokens = stream.ids[start:end]
            n_invalid, n_cut = (int(np.count_nonzero(flag[tokens])) for flag in (invalid, cut))
            pages.release(start, end)
            if n_invalid:
                warnings.warn(InvalidUTF8Warning(n_invalid, str(path)), stacklevel=3)
            if n_cut:
                warnings.warn(LongWordWarning(n_cut, str(path)), stacklevel=3)
            start = end
    return counts, words


def _check_limits(min_count, max_vocab, max_final_vocab) -> None:
    """ValueError unless min_count is an integer >= 0 and the two maxima None or > 0."""
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) \
            or min_count < 0:
        raise ValueError(f"min_count must be an integer >= 0, got {shown(min_count)}")
    for name, value in (("max_vocab", max_vocab), ("max_final_vocab", max_final_vocab)):
        if value is not None and (isinstance(value, bool)
                                  or not isinstance(value, (int, np.integer)) or value <= 0):
            raise ValueError(f"{name} must be None or an integer > 0, got {shown(value)}")


def _describe(source) -> str:
    """A short name of the source for error messages."""
    if isinstance(source, (str, bytes, os.PathLike)):
        return repr(os.fsdecode(source))
    if isinstance(source, (list, tuple)) and source and isinstance(source[0], (str, os.PathLike)):
        first = os.fsdecode(source[0])
        return f"{len(source)} paths from {first!r}" if len(source) > 1 else repr(first)
    if isinstance(source, Iterable):
        return f"a {type(source).__name__} of token lists"
    return type(source).__name__


def _add(seen: set[str], word: str) -> bool:
    """Add ``word`` to ``seen``; False, so that a search for a duplicate goes on."""
    seen.add(word)
    return False
