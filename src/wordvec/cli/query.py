"""``wordvec similar``, ``analogy``, ``vectors`` and ``evaluate``: queries of a vector file,
from the command line or, one a line, from standard input (word2vec.c's ``distance`` and
``word-analogy``, fastText's ``nn``, ``analogies`` and ``print-word-vectors``)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .base import UserError, _load_vectors, _print_scores, _query, main, vectors_argument

#: The longest line a query loop reads from standard input; a longer one is reported and
#: skipped, so that input without newlines cannot take the memory.
MAX_QUERY_LINE = 1 << 20


def _stdin_lines(prompt: str):
    """The stripped non-empty lines of standard input until its end or a line ``EXIT`` (as
    word2vec.c's tools stop), each decoded as UTF-8; ``prompt`` is printed before each read
    when standard input is a terminal (a pipe gets none, so the output is the answers
    alone). A line longer than :data:`MAX_QUERY_LINE` bytes or not UTF-8 is reported on
    standard error and skipped."""
    stream = sys.stdin.buffer
    interactive = stream.isatty()
    while True:
        if interactive:
            click.echo(prompt, nl=False)
        line = stream.readline(MAX_QUERY_LINE + 1)
        if not line:
            return
        if len(line) > MAX_QUERY_LINE:
            while line and not line.endswith(b"\n"):      # the rest of this line
                line = stream.readline(MAX_QUERY_LINE)
            _report(f"a query line is longer than {MAX_QUERY_LINE:,} bytes; skipped")
            continue
        try:
            text = line.decode("utf-8").strip()
        except UnicodeDecodeError:
            _report("a query line is not UTF-8 text; skipped")
            continue
        if text == "EXIT":
            return
        if text:
            yield text


def _report(message: str) -> None:
    """One query's problem, on standard error; the loop goes on with the next line."""
    click.echo(f"wordvec: error: {message}", err=True)


def _answer_lines(prompt: str, answer) -> None:
    """Run ``answer(words)`` for each line of standard input (its words); a query that
    fails is reported on standard error and the loop goes on; a blank line follows each
    answer."""
    for text in _stdin_lines(prompt):
        try:
            answer(text.split())
        except UserError as exc:
            _report(exc.format_message())
            continue
        click.echo()


@main.command()
@vectors_argument
@click.argument("words", nargs=-1)
@click.option("--negative", "negative", multiple=True, metavar="WORD",
              help="words to subtract (repeat the option for several)")
@click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True)
def similar(vectors, words, negative, topn):
    """The words closest to WORDS (their mean, minus --negative words) by cosine.

    Without WORDS, reads queries from standard input, one a line (the words of a line
    together, as word2vec.c's distance and fastText's nn), until EXIT or the end of input;
    a query that fails is reported on standard error and the next one is read.

    \b
    Examples:
      wordvec similar vectors.bin france
      wordvec similar vectors.bin king woman --negative man --topn 5
      wordvec similar vectors.bin            (then type a word a line; EXIT to stop)
      echo "paris" | wordvec similar vectors.bin --topn 3
    """
    wv = _load_vectors(vectors)

    def answer(positive):
        _print_scores(_query(lambda: wv.most_similar(positive=positive,
                                                      negative=list(negative), topn=topn)))
    if words:
        return answer(list(words))
    _answer_lines("Enter a word or words (EXIT to stop): ", answer)


@main.command()
@vectors_argument
@click.argument("words", nargs=-1, metavar="[A B C]")
@click.option("--topn", type=click.IntRange(min=1), default=5, show_default=True)
def analogy(vectors, words, topn):
    """A is to B as C is to ?  (the words nearest to B - A + C).

    Without A B C, reads three words a line from standard input (word2vec.c's
    word-analogy, fastText's analogies) until EXIT or the end of input.

    \b
    Examples:
      wordvec analogy vectors.bin man king woman
      printf 'man king woman\\nfrance paris italy\\n' | wordvec analogy vectors.bin
    """
    wv = _load_vectors(vectors)

    def answer(terms):
        if len(terms) != 3:
            raise UserError(f"an analogy takes three words A B C, got {len(terms)}: "
                            f"{' '.join(terms)[:80]!r}")
        _print_scores(_query(lambda: wv.analogy(*terms, topn=topn)))
    if words:
        return answer(list(words))
    _answer_lines("Enter three words A B C (EXIT to stop): ", answer)


@main.command()
@vectors_argument
def vectors(vectors):
    """Print 'word v1 v2 ...' for each word read from standard input (fastText's
    print-word-vectors): words separated by spaces or lines, numbers as the word2vec text
    format writes them; a word not in the vocabulary is named on standard error.

    \b
    Example:
      echo "king queen" | wordvec vectors vectors.bin
    """
    from ..io.word2vec_format import _FLOAT_FORMAT

    wv = _load_vectors(vectors)
    row_format = " ".join([_FLOAT_FORMAT] * wv.vector_size)
    for text in _stdin_lines(""):
        for word in text.split():
            if word in wv.key_to_index:
                row = wv.vectors[wv.key_to_index[word]].tolist()
                click.echo(f"{word} {row_format % tuple(row)}")
            else:
                _report(f"unknown word {word[:80]!r}: not in {vectors}")


@main.command()
@vectors_argument
@click.option("--analogies", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="analogy questions, word2vec's questions-words.txt format")
@click.option("--pairs", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="word pairs with human scores, tab-separated (WordSim-353 format); repeatable")
@click.option("--restrict-vocab", type=click.IntRange(min=1), default=300_000, show_default=True,
              help="only the most frequent words answer or take part")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def evaluate(vectors, analogies, pairs, restrict_vocab, as_json):
    """Analogy accuracy and word-pair correlations, with gensim's rules.

    \b
    Example:
      wordvec evaluate vectors.bin --analogies questions-words.txt --pairs wordsim353.tsv
    """
    import json

    if analogies is None and not pairs:
        raise UserError("nothing to evaluate: pass --analogies FILE and/or --pairs FILE")
    wv = _load_vectors(vectors)
    try:
        report = _evaluations(wv, analogies, pairs, restrict_vocab)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        which = exc.filename if exc.filename is not None else "an evaluation file"
        raise UserError(f"{which}: cannot be read: {exc.strerror or exc}") from None
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    if "analogy.accuracy" in report:
        click.echo(f"{'section':<30} {'correct':>8} {'total':>8} {'accuracy':>9}")
        for name, sec in report["analogy.sections"].items():
            total = sec["correct"] + sec["incorrect"]
            acc = sec["correct"] / total if total else float("nan")
            click.echo(f"{name:<30} {sec['correct']:>8} {total:>8} {acc:>9.4f}")
        click.echo(_skipped_line(report, "analogy", "questions", restrict_vocab))
    for path in pairs:
        key = f"pairs.{path.name}"
        click.echo(f"{path.name}: spearman {report[key + '.spearman']:.4f}, pearson "
                   f"{report[key + '.pearson']:.4f}, out of vocabulary {report[key + '.oov']:.1f}%")
        click.echo(_skipped_line(report, key, "word pairs", restrict_vocab))


def _evaluations(wv, analogies, pairs, restrict_vocab) -> dict:
    """The figures ``wordvec evaluate`` prints, by name (its --json), with how many
    questions and pairs were skipped and why."""
    from ..evaluate import (
        count_skipped,
        read_analogies,
        read_word_pairs,
        score_analogies,
        score_word_pairs,
    )

    report: dict = {}
    if analogies is not None:
        parsed = read_analogies(analogies)
        accuracy, sections = score_analogies(wv, parsed, analogies, restrict_vocab)
        report["analogy.accuracy"] = accuracy
        report["analogy.sections"] = {
            sec["section"]: {"correct": len(sec["correct"]), "incorrect": len(sec["incorrect"])}
            for sec in sections}
        questions = [q for _, qs in parsed for _, q in qs]
        _count(report, "analogy", questions, count_skipped(wv, questions, restrict_vocab))
    for path in pairs:
        word_pairs = read_word_pairs(path)
        (pearson, _), (spearman, _), oov = score_word_pairs(wv, word_pairs, path, restrict_vocab)
        key = f"pairs.{path.name}"
        report[f"{key}.pearson"] = float(pearson)
        report[f"{key}.spearman"] = float(spearman)
        report[f"{key}.oov"] = float(oov)
        words = [(a, b) for _, a, b, _ in word_pairs]
        _count(report, key, words, count_skipped(wv, words, restrict_vocab))
    return report


def _count(report: dict, key: str, questions: list, skipped: tuple[int, int]) -> None:
    report[f"{key}.total"] = len(questions)
    report[f"{key}.skipped_out_of_vocabulary"], report[f"{key}.skipped_beyond_restrict_vocab"] \
        = skipped


def _skipped_line(report: dict, key: str, what: str, restrict_vocab: int) -> str:
    """'19,544 questions, 10,675 skipped: 10,000 with a word out of the vocabulary, 675
    beyond --restrict-vocab 300,000', as gensim logs them."""
    total = report[f"{key}.total"]
    oov = report[f"{key}.skipped_out_of_vocabulary"]
    beyond = report[f"{key}.skipped_beyond_restrict_vocab"]
    return (f"{total:,} {what}, {oov + beyond:,} skipped: {oov:,} with a word out of the "
            f"vocabulary, {beyond:,} beyond --restrict-vocab {restrict_vocab:,}")
