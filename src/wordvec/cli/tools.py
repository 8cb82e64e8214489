"""word2vec.c's companion tools as commands: ``wordvec classes`` (its ``-classes`` k-means)
and ``wordvec phrases`` (its word2phrase)."""
from __future__ import annotations

from pathlib import Path

import click

from ..config import MAX_WORDS
from .base import _check_output_file, _load_vectors, main, vectors_argument


@main.command()
@vectors_argument
@click.option("-k", "--classes", "k", type=click.IntRange(1, MAX_WORDS), required=True,
              help="the number of classes (word2vec.c's -classes K)")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="the classes file: one 'word class' line per word")
@click.option("--sorted", "by_class", is_flag=True,
              help="lines ordered by class (words of a class in vocabulary order), as "
                   "word2vec.c's demo-classes.sh sorts them; default: vocabulary order")
def classes(vectors, k, out, by_class):
    """Word classes by word2vec.c's k-means (10 iterations, unit-length centroids, each word
    in the class of the largest dot product): the same classes as 'word2vec -classes K'
    computes from the same vectors.

    \b
    Examples:
      wordvec classes vectors.bin -k 500 -o classes.txt
      wordvec classes vectors.bin -k 500 -o classes.sorted.txt --sorted
    """
    from ..classes import kmeans_classes, write_classes
    from ..outputs import refuse_overlap

    wv = _load_vectors(vectors)
    refuse_overlap(out, [str(vectors)], option="-o/--output")
    _check_output_file(out)
    write_classes(out, wv.index_to_key, kmeans_classes(wv.vectors, k), sort_by_class=by_class)
    click.echo(f"wrote {out} ({len(wv):,} words in {k:,} classes)", err=True)


@main.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="the corpus rewritten with its phrases joined (.gz, .bz2 "
                                  "or .xz compresses it)")
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True,
              help="pairs and words seen fewer times never join (word2phrase's -min-count)")
@click.option("--threshold", type=float, default=None,
              help="a pair joins when its score is above this: word2phrase's -threshold "
                   "(default 100, >= 0) or, with --scorer npmi, from -1 to 1 (default 0.5)")
@click.option("--passes", type=click.IntRange(1, 16), default=1, show_default=True,
              help="rewrite this many times, each pass joining the last one's phrases "
                   "further (two passes give phrases of up to 4 words)")
@click.option("--scorer", type=click.Choice(["word2phrase", "npmi"]), default="word2phrase",
              show_default=True, help="word2phrase's score, exactly, or gensim's normalized "
                                      "pointwise mutual information")
@click.option("--delimiter", default="_", show_default=True,
              help="what joins the words of a phrase")
def phrases(corpus, out, min_count, threshold, passes, scorer, delimiter):
    """Join frequent word pairs into phrases ('new york' -> 'new_york'), by word2phrase's
    rule exactly (word2vec.c's word2phrase: the same output bytes) or gensim's npmi; any
    corpus size in bounded memory, one output line per input line.

    \b
    Examples:
      wordvec phrases text8 -o text8-phrases
      wordvec phrases corpus.txt -o phrases.txt --passes 2 --threshold 200
      wordvec phrases corpus.txt -o phrases.txt --scorer npmi --threshold 0.6
    """
    from ..outputs import refuse_overlap
    from ..phrases import phrase_corpus

    sources = [str(p) for p in corpus]
    refuse_overlap(out, sources, option="-o/--output")
    source = sources if len(sources) > 1 else sources[0]
    model, stats = phrase_corpus(source, out, min_count=min_count, threshold=threshold,
                                 passes=passes, scorer=scorer, delimiter=delimiter)
    found = sum(len(p.phrasegrams) for p in model.learned_passes)
    click.echo(f"wrote {out}: {stats.lines:,} lines, {stats.words_read:,} words read, "
               f"{stats.words_written:,} written; {found:,} phrases", err=True)
