"""``wordvec demo``: the book's chapter-4 run on the Penn Treebank, and the speed-up story."""
from __future__ import annotations

from pathlib import Path

import click

from .base import UserError, _check_writable_folder, config_option, main

DEMO_QUERIES = ("you", "year", "car", "toyota")
DEMO_ANALOGIES = (("king", "man", "queen"), ("take", "took", "go"), ("car", "cars", "child"),
                  ("good", "better", "bad"))


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("wordvec-demo"), show_default=True,
              help="folder for the vectors (vectors.bin) and the loss plot (loss.png)")
@config_option("epochs", default=10, help="the book's 10")
@config_option("backend", help="engine: seconds; nn: the book's layers and Adam, minutes")
@config_option("seed")
@click.option("--story", is_flag=True,
              help="instead of training: measure why chapter 4 is fast, the cost per example "
                   "of chapter 3's CBOW, of each fix and of the engine at vocabularies of "
                   "1,000 to 100,000 words (under a minute); writes OUT/speedup.md and "
                   "OUT/speedup.png (benchmarks/speedup_story.py runs the full version)")
def demo(out_dir: Path, epochs: int, backend: str, seed: int, story: bool):
    """Train CBOW on the Penn Treebank (the book's chapter 4 run) and show what it learned.

    PTB is read from $WORDVEC_DATA, the user cache, or downloaded (checksum verified).
    Prints nearest neighbours and analogies as the book's eval.py does, and writes
    OUT/vectors.bin (word2vec binary, readable by gensim and word2vec.c) and OUT/loss.png.

    \b
    Examples:
      wordvec demo
      wordvec demo --backend nn --epochs 3 --out wordvec-demo
      wordvec demo --story
    """
    if story:
        if epochs != 10 or backend != "engine":
            raise UserError("--story takes only --out and --seed (it trains no model of "
                            "--epochs or --backend)")
        return _demo_story(out_dir, seed)
    from ..datasets import ptb
    from ..io.word2vec_format import save_word2vec_format
    from ..nn import analogy, most_similar

    _check_writable_folder(out_dir, "--out", ("vectors.bin", "loss.png"))
    try:
        train_demo = _demo_engine if backend == "engine" else _demo_nn
        words, word_vecs, plot_loss = train_demo(epochs, seed)
    except ptb.DownloadError as exc:
        raise UserError(str(exc)) from exc

    word_to_id = {w: i for i, w in enumerate(words)}
    id_to_word = dict(enumerate(words))
    for query in DEMO_QUERIES:
        found = _quietly(most_similar, query, word_to_id, id_to_word, word_vecs, top=5)
        _print_scores(f"[query] {query}", found)
    click.echo("-" * 50)
    for a, b, c in DEMO_ANALOGIES:
        found = _quietly(analogy, a, b, c, word_to_id, id_to_word, word_vecs, top=5)
        _print_scores(f"[analogy] {a}:{b} = {c}:?", found)
    click.echo()

    save_word2vec_format(out_dir / "vectors.bin", words, word_vecs, binary=True)
    click.echo(f"wrote {out_dir / 'vectors.bin'} ({len(words):,} x {word_vecs.shape[1]}, "
               "word2vec binary)")
    try:
        plot_loss(out_dir / "loss.png")
    except ImportError as exc:
        click.echo(f"loss plot skipped: {exc}")
    else:
        click.echo(f"wrote {out_dir / 'loss.png'}")


def _quietly(query, *args, **kwargs):
    """The book's query function's answer, without its printing (whose scores are the full
    float32 digits): :func:`_print_scores` prints them rounded."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return query(*args, **kwargs)


def _print_scores(header: str, found) -> None:
    """The book's eval.py lines, each score rounded to 3 decimals."""
    click.echo(f"\n{header}")
    if found is None:
        click.echo(" (a word is not in the vocabulary)")
        return
    for word, score in found:
        click.echo(f" {word}: {float(score):.3f}")


def _demo_story(out_dir: Path, seed: int) -> None:
    """``wordvec demo --story``: :mod:`wordvec.story`'s quick run, its slopes and files."""
    from .. import story

    _check_writable_folder(out_dir, "--out", ("speedup.md", "speedup.png"))
    click.echo("cost per example of each system (forward + backward + update, batch 100, "
               "hidden 100, window 5), on a Zipf corpus of each vocabulary size:")
    results = story.run(**story.QUICK, seed=seed, echo=click.echo)
    click.echo(story.slope_table(results))
    md, png = story.write_outputs(results, out_dir, settings=(
        f"wordvec demo --story: sizes {', '.join(f'{v:,}' for v in story.QUICK['sizes'])}, "
        f"seed {seed}."))
    click.echo(f"wrote {md}")
    click.echo(f"wrote {png}" if png else "speedup.png skipped: matplotlib is not installed")


def _demo_engine(epochs: int, seed: int):
    from ..datasets import ptb
    from ..plot import training_loss
    from ..word2vec import Word2Vec

    path = ptb.path("train")
    model = Word2Vec(model="cbow", dim=100, window=5, negative=5, min_count=1, epochs=epochs,
                     seed=seed)
    click.echo(f"PTB train ({path}): CBOW on the engine, dim 100, window 5, 5 negatives, "
               f"{epochs} epoch(s), {model.config.n_threads} thread(s)")
    model.fit(str(path))
    click.echo(f"trained {model.words_trained:,} words in {model.train_seconds:.1f} s "
               f"({model.words_trained / model.train_seconds:,.0f} words/s), "
               f"vocabulary {len(model.vocab):,}, loss {model.loss_history[-1]:.3f}")
    plot = lambda path: training_loss(model.loss_history, model.progress_loss, path,
                                      title="CBOW on PTB (engine)")
    return model.wv.index_to_key, model.wv.vectors, plot


def _demo_nn(epochs: int, seed: int):
    """The book's ch04 run through the facade: PTB as the book's word list (``<eos>`` at
    every line end) in the book's vocabulary order, windows over the whole corpus."""
    import numpy as np

    from ..datasets import ptb
    from ..plot import training_loss
    from ..vocab import Vocab
    from ..word2vec import Word2Vec

    corpus, word_to_id, id_to_word = ptb.load_data("train")
    words = [id_to_word[i] for i in range(len(id_to_word))]
    model = Word2Vec(backend="nn", model="cbow", dim=100, window=5, negative=5, min_count=1,
                     epochs=epochs, seed=seed, windows="corpus", batch_size=100)
    model.vocab = Vocab.from_counts(words, np.bincount(corpus, minlength=len(words)))
    click.echo(f"PTB train: {len(corpus):,} words, vocabulary {len(word_to_id):,}; "
               f"CBOW, window 5, hidden 100, batch 100, Adam, {epochs} epoch(s)")
    model.fit([[words[i] for i in corpus]], progress=_book_progress_line)
    click.echo(f"trained {model.words_trained:,} target words in {model.train_seconds:.1f} s "
               f"({model.words_trained / model.train_seconds:,.0f} words/s)")
    plot = lambda path: training_loss(model.loss_history, model.progress_loss, path,
                                      title="CBOW on PTB (the book's layers, Adam)")
    return model.wv.index_to_key, model.wv.vectors, plot


def _book_progress_line(info) -> None:
    """A progress report as the book's Trainer prints its loss."""
    click.echo(f"| epoch {info.epoch + 1} | {100 * info.fraction:5.1f}% | time "
               f"{info.elapsed:.0f}[s] | loss {info.loss:.2f}")
