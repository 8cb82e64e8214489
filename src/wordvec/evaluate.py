"""Analogy and word-pair benchmarks, with gensim 4.4's semantics and a vectorised search.

``evaluate_word_analogies`` answers Google's ``questions-words.txt`` (Mikolov et al. 2013,
the ``compute-accuracy`` program of word2vec.c) by 3CosAdd, as gensim's
``KeyedVectors.evaluate_word_analogies``; ``evaluate_word_pairs`` correlates cosines with human
scores (WordSim-353, SimLex-999), as gensim's ``KeyedVectors.evaluate_word_pairs``. Results
equal gensim's on the same vectors (tests/test_evaluate.py), but gensim calls ``most_similar``
once per question; here a block of questions is one matrix product against the candidate rows.

Only the public side of :class:`~wordvec.vectors.WordVectors` is used (``vectors``,
``index_to_key``, ``unit_divisors``, ``unit_vectors``, ...), and :mod:`wordvec.vectors` is
imported for annotations only: vectors imports this module (lazily, for its ``evaluate_*``
methods), never the other way round.
"""
from __future__ import annotations

import io
import itertools
import logging
from typing import TYPE_CHECKING

import numpy as np

from .inputfile import read_input

if TYPE_CHECKING:
    from .vectors import WordVectors

logger = logging.getLogger(__name__)

#: gensim keeps the top 5 answers of ``most_similar`` and takes the first that is not a
#: (case variant of a) question word; if all 5 are, the 5th is the (wrong) answer.
_GENSIM_TOPN = 5
#: cap on the (questions, candidates) float32 score block: 2**24 floats = 64 MiB.
_BLOCK_ELEMENTS = 1 << 24


def restricted_vocab(wv: WordVectors, restrict_vocab: int | None,
                     case_insensitive: bool) -> dict[str, int]:
    """Question word -> row, over the first ``restrict_vocab`` rows (all when None).

    With ``case_insensitive`` the keys are upper-cased and a word spelled several ways maps to
    its first (most frequent) row, as gensim's ``ok_vocab``.
    """
    keys = wv.index_to_key[:restrict_vocab]
    if case_insensitive:
        ok = {}
        for i, key in enumerate(keys):
            ok.setdefault(key.upper(), i)
        return ok
    return {key: i for i, key in enumerate(keys)}


def count_skipped(wv: WordVectors, questions, restrict_vocab: int | None,
                  case_insensitive: bool = True) -> tuple[int, int]:
    """How many of ``questions`` (tuples of words, spelled as :func:`read_analogies` or
    :func:`read_word_pairs` give them) the evaluations skip, as
    ``(out_of_vocabulary, beyond_restrict_vocab)``: those with a word the vectors do not
    have, and those whose words are all known but one lies beyond the first
    ``restrict_vocab`` rows."""
    inside = restricted_vocab(wv, restrict_vocab, case_insensitive)
    known = restricted_vocab(wv, None, case_insensitive) \
        if restrict_vocab is not None and restrict_vocab < len(wv) else inside
    out_of_vocabulary = beyond = 0
    for words in questions:
        if all(w in inside for w in words):
            continue
        if all(w in known for w in words):
            beyond += 1
        else:
            out_of_vocabulary += 1
    return out_of_vocabulary, beyond


# ----------------------------------------------------------------------- evaluation files
#: The largest evaluation file read (Google's questions-words.txt is 0.6 MB).
MAX_EVALUATION_BYTES = 64 << 20


def _lines(path, encoding: str) -> io.StringIO:
    """The lines of an evaluation file as ``open(path, encoding=encoding)`` gives them, read
    from a regular file of at most :data:`MAX_EVALUATION_BYTES`
    (:func:`wordvec.inputfile.read_input`: OSError as ``open`` raises it, or saying the
    file is not regular or too large); ValueError naming the file when it is not text in
    ``encoding``."""
    data = read_input(path, MAX_EVALUATION_BYTES)
    try:
        return io.StringIO(data.decode(encoding), newline=None)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not {exc.encoding} text ({exc.reason} at byte "
                         f"{exc.start:,})") from None
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r} for {path}") from None


# ------------------------------------------------------------------------------ analogies
def read_analogies(path, case_insensitive: bool = True):
    """Parse an analogy file into ``[(section name, [(line_no, (a, b, c, d)), ...]), ...]``.

    The format of word2vec's ``questions-words.txt``: a line ``: name`` opens a section, every
    other line holds four words ``a b c d`` meaning ``a : b = c : d``. Blank lines are ignored.
    Words are upper-cased with ``case_insensitive`` (gensim's convention). line_no counts from 1.
    A question before any section, or a line of other than four words: ValueError naming the
    file and line.
    """
    sections = []
    with _lines(path, "utf8") as lines:
        for line_no, line in enumerate(lines, start=1):
            if line.startswith(": "):
                sections.append((line.lstrip(": ").strip(), []))   # gensim strips the same way
                continue
            words = line.split()
            if not words:
                continue
            if not sections:
                raise ValueError(f"{path}, line {line_no}: a question before the first section "
                                 f"header; start the file with a line ': section-name'")
            if len(words) != 4:
                raise ValueError(f"{path}, line {line_no}: expected 4 words 'a b c d' "
                                 f"(a : b = c : d), found {len(words)}: {line.strip()!r}")
            if case_insensitive:
                words = [w.upper() for w in words]
            sections[-1][1].append((line_no, tuple(words)))
    return sections


def evaluate_word_analogies(wv: WordVectors, analogies, restrict_vocab: int | None = 300_000,
                            case_insensitive: bool = True, dummy4unknown: bool = False):
    """Accuracy of 3CosAdd analogies ``a : b = c : ?`` -> ``argmax cos(w, b - a + c)``.

    Semantics of gensim 4.4's ``KeyedVectors.evaluate_word_analogies``, to the question:
    candidates and question words are the first ``restrict_vocab`` rows (all when None); a
    question with a word outside them is skipped (``dummy4unknown=False``) or counted wrong
    (True); the query is the unit mean of the unit vectors of b, c and -a; the three question
    words (and with ``case_insensitive`` their other spellings) are never the answer;
    ``case_insensitive`` upper-cases words on both sides, a word spelled several ways taking
    its most frequent row.

    analogies: path of the file (format: :func:`read_analogies`).
    Returns ``(accuracy, sections)``: accuracy = correct / (correct + incorrect) over all
    sections (0.0 if nothing was answered); sections a list of dicts
    ``{'section': name, 'correct': [(A, B, C, D), ...], 'incorrect': [...]}`` in file order,
    then ``{'section': 'Total accuracy', ...}`` holding all of them.
    """
    return score_analogies(wv, read_analogies(analogies, case_insensitive), analogies,
                           restrict_vocab, case_insensitive, dummy4unknown)


def score_analogies(wv: WordVectors, parsed: list, source, restrict_vocab: int | None = 300_000,
                    case_insensitive: bool = True, dummy4unknown: bool = False):
    """:func:`evaluate_word_analogies` of questions already read by :func:`read_analogies`
    (with the same ``case_insensitive``) from the file ``source`` (named in messages), so
    that a caller that also counts them reads the file once."""
    n_questions = sum(len(qs) for _, qs in parsed)
    if n_questions == 0:
        raise ValueError(f"{source}: no analogy questions found (expected ': section' lines "
                         f"followed by lines of four words)")
    ok_vocab = restricted_vocab(wv, restrict_vocab, case_insensitive)
    logger.info("Evaluating word analogies for top %s words in the model on %s",
                restrict_vocab, source)

    # Questions whose four words are all candidates, as rows a, b, c, expected: (Q, 4) int64.
    inside = [[all(w in ok_vocab for w in q) for _, q in qs] for _, qs in parsed]
    rows = np.array([[ok_vocab[w] for w in q] for (_, qs), flags in zip(parsed, inside)
                     for (_, q), ok in zip(qs, flags) if ok], dtype=np.int64).reshape(-1, 4)
    correct = iter(_answer_analogies(wv, rows, _n_candidates(wv, restrict_vocab),
                                     case_insensitive))

    sections, oov = [], 0
    for (name, questions), flags in zip(parsed, inside):
        section = {"section": name, "correct": [], "incorrect": []}
        for (_, question), ok in zip(questions, flags):
            if ok:
                section["correct" if next(correct) else "incorrect"].append(question)
            else:
                oov += 1
                if dummy4unknown:
                    section["incorrect"].append(question)
        _log_section(section)
        sections.append(section)

    total = {
        "section": "Total accuracy",
        "correct": list(itertools.chain.from_iterable(s["correct"] for s in sections)),
        "incorrect": list(itertools.chain.from_iterable(s["incorrect"] for s in sections)),
    }
    logger.info("Quadruplets with out-of-vocabulary words: %.1f%%", 100.0 * oov / n_questions)
    accuracy = _log_section(total)
    sections.append(total)
    return accuracy, sections


def _n_candidates(wv: WordVectors, restrict_vocab: int | None) -> int:
    return min(restrict_vocab, len(wv)) if restrict_vocab else len(wv)


def _log_section(section: dict) -> float:
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    if correct + incorrect == 0:
        return 0.0
    score = correct / (correct + incorrect)
    logger.info("%s: %.1f%% (%i/%i)", section["section"], 100.0 * score, correct,
                correct + incorrect)
    return score


def _answer_analogies(wv: WordVectors, questions: np.ndarray, n_candidates: int,
                      case_insensitive: bool) -> np.ndarray:
    """(Q,) bool: is the 3CosAdd answer of each question its expected word?

    questions: (Q, 4) int64 rows a, b, c, expected, each < n_candidates (the candidates are
    rows 0 .. n_candidates-1). Blocks of questions are scored against all candidates with one
    matrix product; the question words are masked and the argmax taken.
    """
    n_questions = len(questions)
    if n_questions == 0:
        return np.zeros(0, dtype=bool)
    vectors = wv.vectors[:n_candidates]                         # (R, dim)
    divisors = wv.unit_divisors()[:n_candidates]               # (R,)
    canon, spellings = _spellings(wv, n_candidates, case_insensitive)

    # Queries as gensim builds them: unit(u_b + u_c - u_a) with u = v / |v|.   (Q, dim)
    units = wv.unit_vectors(questions[:, :3])                   # (Q, 3, dim)
    queries = (units[:, 1] + units[:, 2] - units[:, 0]).astype(np.float64)
    lengths = np.linalg.norm(queries, axis=1, keepdims=True)
    queries = (queries / np.where(lengths > 0, lengths, 1.0)).astype(vectors.dtype)

    # (dim, R) contiguous: OpenBLAS multiplies (B, dim) @ (dim, R) several times faster
    # than (B, dim) @ (R, dim).T, and (B, R) rows make the argmax a contiguous scan.
    candidates = np.ascontiguousarray(vectors.T)
    correct = np.zeros(n_questions, dtype=bool)
    block = max(1, _BLOCK_ELEMENTS // n_candidates)
    for start in range(0, n_questions, block):
        stop = min(start + block, n_questions)
        qs = questions[start:stop]                              # (B, 4)
        scores = queries[start:stop] @ candidates               # (B, R) cosines
        scores /= divisors
        local = np.arange(stop - start)[:, None]
        scores[local, qs[:, :3]] = -np.inf                      # never answer a question word
        if spellings:
            predicted = _predict_with_spellings(scores, qs, canon, spellings)
        else:
            predicted = np.argmax(scores, axis=1)
            predicted[np.isneginf(scores[local[:, 0], predicted])] = -1   # nothing to choose
        answered = canon[np.maximum(predicted, 0)] == canon[qs[:, 3]]   # same upper-cased word
        correct[start:stop] = (predicted >= 0) & answered
    return correct


def _spellings(wv: WordVectors, n_candidates: int, case_insensitive: bool):
    """canon: (R,) int64 row -> the row its upper-cased form maps to (itself if case-sensitive);
    spellings: {canonical row: [its other rows]} for words spelled several ways in 0..R-1."""
    canon = np.arange(n_candidates, dtype=np.int64)
    spellings: dict[int, list[int]] = {}
    if case_insensitive:
        first: dict[str, int] = {}
        for i, key in enumerate(wv.index_to_key[:n_candidates]):
            j = first.setdefault(key.upper(), i)
            if j != i:
                canon[i] = j
                spellings.setdefault(j, []).append(i)
    return canon, spellings


def _predict_with_spellings(scores: np.ndarray, qs: np.ndarray, canon: np.ndarray,
                            spellings: dict) -> np.ndarray:
    """(B,) predicted rows (-1: none) when question words may have other spellings.

    gensim takes ``most_similar``'s top 5 (question rows excluded) and answers with the first
    whose upper-cased form is not a question word; if all 5 are such spellings, the 5th.
    Here: mask the other spellings too and take the argmax, then fall back to the 5th-ranked
    spelling when 5 or more of them score above that argmax. scores: (B, R), modified.
    """
    n_candidates = scores.shape[1]
    listed = []                     # (row in block, other spellings, their scores, list length)
    for i, (a, b, c, _) in enumerate(qs):
        others = [r for q in {a, b, c} for r in spellings.get(int(q), ())]
        if others:
            # gensim's list: all candidates but the question rows, cut to 5
            listed.append((i, others, scores[i, others].copy(),
                           min(_GENSIM_TOPN, n_candidates - len({a, b, c}))))
            scores[i, others] = -np.inf
    predicted = np.argmax(scores, axis=1)
    best = scores[np.arange(len(qs)), predicted]
    predicted[np.isneginf(best)] = -1
    for i, others, values, n_listed in listed:
        above = np.sort(values[values > best[i]])[::-1]
        if len(above) >= n_listed > 0:      # gensim's top 5 are all other spellings
            predicted[i] = others[int(np.flatnonzero(values == above[n_listed - 1])[0])]
    return predicted


# ---------------------------------------------------------------------------- word pairs
def read_word_pairs(path, delimiter: str | None = "\t", encoding: str = "utf8",
                    case_insensitive: bool = True):
    """Parse a word-pair file into ``[(line_no, word1, word2, score), ...]``.

    Each line: ``word1<delimiter>word2<delimiter>score`` (delimiter None: any whitespace);
    lines starting with '#' and blank lines are ignored; words are stripped of surrounding
    spaces and upper-cased with ``case_insensitive``. line_no counts from 1. A line of other
    than three fields or with a score that is not a number: ValueError naming file and line.
    """
    pairs = []
    with _lines(path, encoding) as lines:
        for line_no, line in enumerate(lines, start=1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\r\n").split(delimiter)
            if len(fields) != 3:
                raise ValueError(f"{path}, line {line_no}: expected 3 fields 'word1 word2 score' "
                                 f"separated by {delimiter!r}, found {len(fields)}: "
                                 f"{line.strip()!r}")
            a, b, score = fields
            try:
                score = float(score)
            except ValueError:
                raise ValueError(f"{path}, line {line_no}: the score {score.strip()!r} is not a "
                                 f"number (comment lines start with '#')") from None
            a, b = a.strip(), b.strip()
            if case_insensitive:
                a, b = a.upper(), b.upper()
            pairs.append((line_no, a, b, score))
    return pairs


def evaluate_word_pairs(wv: WordVectors, pairs, delimiter: str | None = "\t",
                        encoding: str = "utf8", restrict_vocab: int | None = 300_000,
                        case_insensitive: bool = True, dummy4unknown: bool = False):
    """Correlation of the model's cosines with human similarity scores, as gensim 4.4's
    ``KeyedVectors.evaluate_word_pairs``.

    A pair with a word outside the first ``restrict_vocab`` rows is skipped, or with
    ``dummy4unknown`` scored 0 by the model. pairs: path of the file (format:
    :func:`read_word_pairs`).
    Returns ``((pearson_r, p_value), (spearman_rho, p_value), oov_ratio)``: the scipy.stats
    results (``pearsonr``, ``spearmanr``, two-sided) and the percentage of pairs with an
    unknown word (of the pairs used with ``dummy4unknown``, of all pairs without, as gensim).
    """
    return score_word_pairs(wv, read_word_pairs(pairs, delimiter, encoding, case_insensitive),
                            pairs, restrict_vocab, case_insensitive, dummy4unknown)


def score_word_pairs(wv: WordVectors, parsed: list, source, restrict_vocab: int | None = 300_000,
                     case_insensitive: bool = True, dummy4unknown: bool = False):
    """:func:`evaluate_word_pairs` of pairs already read by :func:`read_word_pairs` (with the
    same ``case_insensitive``) from the file ``source`` (named in messages), so that a
    caller that also counts them reads the file once."""
    from scipy import stats

    ok_vocab = restricted_vocab(wv, restrict_vocab, case_insensitive)
    gold, model_rows, oov = [], [], 0
    for line_no, a, b, score in parsed:
        if a not in ok_vocab or b not in ok_vocab:
            oov += 1
            if dummy4unknown:
                gold.append(score)
                model_rows.append((-1, -1))
            else:
                logger.debug("Skipping line %d of %s with unknown words: %s %s",
                             line_no, source, a, b)
            continue
        gold.append(score)
        model_rows.append((ok_vocab[a], ok_vocab[b]))
    if not gold:
        raise ValueError(f"{source}: no word pairs to evaluate: all {oov} pairs have a word "
                         f"outside the {len(ok_vocab):,} words searched (restrict_vocab)")

    model_rows = np.array(model_rows, dtype=np.int64)             # (P, 2); -1: unknown
    known = model_rows[:, 0] >= 0
    units = wv.unit_vectors(model_rows[known])                     # (P', 2, dim)
    model = np.zeros(len(gold), dtype=units.dtype)                 # (P,) cosines
    model[known] = np.einsum("ij,ij->i", units[:, 0], units[:, 1])

    spearman = stats.spearmanr(gold, model)
    pearson = stats.pearsonr(gold, model)
    # gensim's order of operations, so that the percentage is the same float
    oov_ratio = float(oov) / (len(gold) if dummy4unknown else len(gold) + oov) * 100
    logger.info("Pearson correlation coefficient against %s: %.4f", source, pearson[0])
    logger.info("Spearman rank-order correlation coefficient against %s: %.4f", source, spearman[0])
    logger.info("Pairs with unknown words ratio: %.1f%%", oov_ratio)
    return pearson, spearman, oov_ratio


__all__ = ["count_skipped", "evaluate_word_analogies", "evaluate_word_pairs", "read_analogies",
           "read_word_pairs", "restricted_vocab", "score_analogies", "score_word_pairs"]
