"""The vocabulary shared by both trainers: words, their counts, and their ids.

Word ids are positions in frequency order, most frequent first, as in word2vec.c
(``SortVocab``) and gensim (``sorted_vocab=1``). Words with equal counts keep the order of
their first occurrence in the corpus, so the same corpus always gives the same ids,
whatever ``PYTHONHASHSEED`` is (a plain ``sorted`` by count over a set would not).
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator, Sequence

import numpy as np

from wordvec.corpus import BLOCK_SIZE, Source, count_words
from wordvec.errors import WordvecError, shown

__all__ = ["Vocab", "VocabError"]


class VocabError(WordvecError):
    """No usable vocabulary: no word reaches ``min_count``, or the corpus has no words.

    The message gives the largest count seen and a ``min_count`` that would work.
    """


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
            dup = next(w for w in words if w in seen or seen.add(w))
            raise ValueError(f"the word {shown(dup)} appears twice in the vocabulary")
        self.words: list[str] = words
        self.counts: np.ndarray = counts
        self.word_to_id: dict[str, int] = word_to_id
        self.raw_words: int = int(counts.sum()) if raw_words is None else int(raw_words)

    # ---------------------------------------------------------------------------------------
    # Construction

    @classmethod
    def from_counts(cls, words: Sequence[str], counts, raw_words: int | None = None) -> "Vocab":
        """A vocabulary with exactly these words in exactly this order (ids = positions).

        words: V distinct str; counts: (V,) non-negative integers. The order is kept as
        given, so ids still match the rows of vectors trained with it; pass words most
        frequent first to follow the convention. ``raw_words`` defaults to ``sum(counts)``.
        """
        return cls(words, counts, raw_words)

    @classmethod
    def build(cls, source: Source, min_count: int = 5, max_vocab: int | None = None, *,
              prune_at: int = 0, lowered_from: int | None = None,
              block_size: int = BLOCK_SIZE) -> "Vocab":
        """Count the words of a corpus source (see :mod:`wordvec.corpus`) and keep the
        frequent ones.

        A word is kept if it occurs at least ``min_count`` times; of those, at most the
        ``max_vocab`` most frequent (None: no limit). Order: count descending, ties by first
        occurrence in the corpus. ``prune_at`` > 0 bounds the words held while counting,
        dropping the rarest as word2vec.c does (see :func:`wordvec.corpus.count_words`,
        which warns when it happened, naming ``lowered_from`` if the caller lowered it);
        0 counts exactly. Raises :class:`VocabError` if no word is kept, and
        :class:`wordvec.corpus.CorpusError` for a source that cannot be read.
        """
        if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) \
                or min_count < 0:
            raise ValueError(f"min_count must be an integer >= 0, got {shown(min_count)}")
        if max_vocab is not None and (isinstance(max_vocab, bool)
                                      or not isinstance(max_vocab, (int, np.integer))
                                      or max_vocab <= 0):
            raise ValueError(f"max_vocab must be None or an integer > 0, got {shown(max_vocab)}")
        counts, raw_words = count_words(source, block_size=block_size, prune_at=prune_at,
                                        lowered_from=lowered_from)
        return cls._from_counter(counts, min_count, max_vocab, raw_words, _describe(source))

    @classmethod
    def _from_counter(cls, counts: dict[str, int], min_count: int, max_vocab: int | None,
                      raw_words: int, where: str) -> "Vocab":
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

    __hash__ = None  # mutable contents: equal vocabularies need not hash alike

    def __repr__(self) -> str:
        head = ", ".join(repr(w) for w in self.words[:5])
        more = ", ..." if len(self.words) > 5 else ""
        return (f"Vocab({len(self):,} words [{head}{more}], total={self.total:,}, "
                f"raw_words={self.raw_words:,})")


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
