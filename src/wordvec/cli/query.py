"""``wordvec similar``, ``analogy`` and ``evaluate``: queries of a vector file."""
from __future__ import annotations

from pathlib import Path

import click

from .base import UserError, _load_vectors, _print_scores, _query, main, vectors_argument


@main.command()
@vectors_argument
@click.argument("words", nargs=-1, required=True)
@click.option("--negative", "negative", multiple=True, metavar="WORD",
              help="words to subtract (repeat the option for several)")
@click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True)
def similar(vectors, words, negative, topn):
    """The words closest to WORDS (their mean, minus --negative words) by cosine.

    \b
    Examples:
      wordvec similar vectors.bin france
      wordvec similar vectors.bin king woman --negative man --topn 5
    """
    wv = _load_vectors(vectors)
    _print_scores(_query(lambda: wv.most_similar(positive=list(words), negative=list(negative),
                                                  topn=topn)))


@main.command()
@vectors_argument
@click.argument("a")
@click.argument("b")
@click.argument("c")
@click.option("--topn", type=click.IntRange(min=1), default=5, show_default=True)
def analogy(vectors, a, b, c, topn):
    """A is to B as C is to ?  (the words nearest to B - A + C).

    \b
    Example:
      wordvec analogy vectors.bin man king woman
    """
    wv = _load_vectors(vectors)
    _print_scores(_query(lambda: wv.analogy(a, b, c, topn=topn)))


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
    report = {}
    try:
        if analogies is not None:
            accuracy, sections = wv.evaluate_word_analogies(analogies,
                                                            restrict_vocab=restrict_vocab)
            report["analogy.accuracy"] = accuracy
            report["analogy.sections"] = {
                sec["section"]: {"correct": len(sec["correct"]), "incorrect": len(sec["incorrect"])}
                for sec in sections}
        for path in pairs:
            (pearson, _), (spearman, _), oov = wv.evaluate_word_pairs(
                path, restrict_vocab=restrict_vocab)
            report[f"pairs.{path.name}.pearson"] = float(pearson)
            report[f"pairs.{path.name}.spearman"] = float(spearman)
            report[f"pairs.{path.name}.oov"] = float(oov)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    if "analogy.accuracy" in report:
        click.echo(f"{'section':<30} {'correct':>8} {'total':>8} {'accuracy':>9}")
        for name, sec in report["analogy.sections"].items():
            total = sec["correct"] + sec["incorrect"]
            acc = sec["correct"] / total if total else float("nan")
            click.echo(f"{name:<30} {sec['correct']:>8} {total:>8} {acc:>9.4f}")
    for path in pairs:
        key = f"pairs.{path.name}"
        click.echo(f"{path.name}: spearman {report[key + '.spearman']:.4f}, pearson "
                   f"{report[key + '.pearson']:.4f}, out of vocabulary {report[key + '.oov']:.1f}%")
