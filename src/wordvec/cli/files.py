"""``wordvec export`` and ``plot``: writing vectors in other formats, and pictures."""
from __future__ import annotations

from pathlib import Path

import click

from .base import (
    UserError,
    _check_output_file,
    _check_writable_folder,
    _load_vectors,
    _output_format,
    _query,
    main,
    vectors_argument,
)


@main.command()
@vectors_argument
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="output file (or, for --format projector, a folder)")
@click.option("--format", "fmt", type=click.Choice(["word2vec", "word2vec-text", "projector"]),
              help="default: from the suffix of --output (.bin, .txt/.vec); projector writes "
                   "vectors.tsv and metadata.tsv for the TensorBoard projector")
def export(vectors, out, fmt):
    """Convert vectors to another format.

    \b
    Examples:
      wordvec export model.npz -o vectors.txt
      wordvec export vectors.bin --format projector -o projector/
    """
    from ..io.projector import save_projector
    from ..io.word2vec_format import save_word2vec_format

    if fmt is None:
        fmt = _output_format(out, None)
        if fmt == "native":
            raise UserError("export writes word2vec, word2vec-text or projector files; a native "
                            "model is written by 'wordvec train -o MODEL.npz'")
    if fmt == "projector":
        _check_writable_folder(out, "-o/--output", ("vectors.tsv", "metadata.tsv"))
    else:
        _check_output_file(out)
    wv = _load_vectors(vectors)
    try:
        if fmt == "projector":
            save_projector(out, wv)
        else:
            save_word2vec_format(out, wv.index_to_key, wv.vectors, binary=fmt == "word2vec")
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"wrote {out} ({fmt}, {len(wv):,} x {wv.vector_size})", err=True)


@main.command()
@click.argument("arguments", nargs=-1, metavar="[VECTORS WORD...]")
@click.option("--words", "words_flag", is_flag=True,
              help="the arguments after VECTORS are the words to place on the map")
@click.option("--loss", "loss_model", type=click.Path(path_type=Path),
              help="plot the training loss of a native model file (.npz) instead")
@click.option("--method", type=click.Choice(["pca", "tsne"]), default="pca", show_default=True,
              help="2-D projection (tsne needs scikit-learn)")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="PNG file to write")
def plot(arguments, words_flag, loss_model, method, out):
    """A 2-D map of words, or the loss curve of a trained model, as a PNG.

    \b
    Examples:
      wordvec plot vectors.bin --words king queen man woman paris france -o map.png
      wordvec plot --loss model.npz -o loss.png
    """
    from .. import plot as plots

    _check_output_file(out)
    try:
        if loss_model is not None:
            from ..io.errors import VectorFileError
            from ..io.model import load_model

            try:
                model = load_model(loss_model)
            except (FileNotFoundError, VectorFileError) as exc:
                raise UserError(str(exc)) from exc
            history = model.history or {}
            losses = history.get("epoch_loss") if isinstance(history, dict) else history
            if not losses:
                raise UserError(f"{loss_model} holds no loss history")
            try:
                losses = [float(x) for x in losses]
            except (TypeError, ValueError):
                raise UserError(f"{loss_model}: its loss history is damaged (not a list of "
                                "numbers)") from None
            plots.loss_curve(losses, None, path=out, title=f"training loss, {loss_model.name}",
                             xlabel="epoch")
        else:
            if len(arguments) < 3 or not words_flag:
                raise UserError("give VECTORS --words and at least two words, or --loss MODEL.npz")
            vectors, words = Path(arguments[0]), arguments[1:]
            wv = _load_vectors(vectors)
            rows = _query(lambda: [wv.get_index(w) for w in words])
            plots.word_map(list(words), wv.vectors[rows], out, method=method)
    except ImportError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"wrote {out}", err=True)
