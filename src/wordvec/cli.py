"""The ``wordvec`` command line."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

DEMO_QUERIES = ("you", "year", "car", "toyota")
DEMO_ANALOGIES = (("king", "man", "queen"), ("take", "took", "go"), ("car", "cars", "child"),
                  ("good", "better", "bad"))


class UserError(click.ClickException):
    """A problem the user can fix: printed as one line, exit code 2, no traceback."""

    exit_code = 2

    def show(self, file=None):
        click.echo(f"wordvec: error: {self.format_message()}", err=True, file=file)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wordvec")
def main():
    """Train and use word vectors: word2vec (CBOW, skip-gram) with negative sampling."""


def _check_writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {folder}: {exc.strerror}; "
                        "pass --out with a writable folder") from exc
    if not os.access(folder, os.W_OK):
        raise UserError(f"output folder {folder} is not writable; pass --out with a writable folder")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("wordvec-demo"), show_default=True,
              help="folder for the vectors (vectors.bin) and the loss plot (loss.png)")
@click.option("--epochs", type=click.IntRange(min=1), default=10, show_default=True,
              help="passes over PTB (the book's 10; 3 is quicker and rougher)")
@click.option("--seed", type=int, default=0, show_default=True, help="random seed")
def demo(out_dir: Path, epochs: int, seed: int):
    """Train CBOW on the Penn Treebank (the book's chapter 4 run) and show what it learned.

    PTB is read from $WORDVEC_DATA, the user cache, or downloaded (checksum verified).
    Prints nearest neighbours and analogies, and writes OUT/vectors.bin (word2vec binary,
    readable by gensim and word2vec.c) and OUT/loss.png.

    \b
    Example:
      wordvec demo --epochs 3 --out wordvec-demo
    """
    from .datasets import ptb
    from .io import save_word2vec_format
    from .nn import CBOW, Adam, Trainer, analogy, create_contexts_target, most_similar

    _check_writable_folder(out_dir)
    try:
        corpus, word_to_id, id_to_word = ptb.load_data("train")
    except ptb.DownloadError as exc:
        raise UserError(str(exc)) from exc
    contexts, target = create_contexts_target(corpus, window_size=5)
    click.echo(f"PTB train: {len(corpus):,} words, vocabulary {len(word_to_id):,}; "
               f"CBOW, window 5, hidden 100, batch 100, Adam, {epochs} epoch(s)")
    model = CBOW(len(word_to_id), 100, 5, corpus, seed=seed)
    trainer = Trainer(model, Adam(), seed=seed)
    start = time.perf_counter()
    trainer.fit(contexts, target, max_epoch=epochs, batch_size=100, eval_interval=2000)
    seconds = time.perf_counter() - start
    click.echo(f"trained {epochs * len(target):,} target words in {seconds:.1f} s "
               f"({epochs * len(target) / seconds:,.0f} words/s)")

    word_vecs = model.word_vecs
    for query in DEMO_QUERIES:
        most_similar(query, word_to_id, id_to_word, word_vecs, top=5)
    print("-" * 50)
    for a, b, c in DEMO_ANALOGIES:
        analogy(a, b, c, word_to_id, id_to_word, word_vecs, top=5)
    print()

    words = [id_to_word[i] for i in range(len(id_to_word))]
    save_word2vec_format(out_dir / "vectors.bin", words, word_vecs, binary=True)
    click.echo(f"wrote {out_dir / 'vectors.bin'} ({len(words):,} x {word_vecs.shape[1]}, word2vec binary)")
    try:
        trainer.plot(path=out_dir / "loss.png")
    except ImportError as exc:
        click.echo(f"loss plot skipped: {exc}")
    else:
        click.echo(f"wrote {out_dir / 'loss.png'}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
