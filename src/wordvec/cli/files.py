"""``wordvec export`` and ``plot``: writing vectors in other formats, and pictures."""
from __future__ import annotations

from pathlib import Path

import click

from ..inputfile import read_input
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


#: The most words one map shows (its labels must stay readable).
MAX_MAP_WORDS = 500


@main.command()
@click.argument("arguments", nargs=-1, metavar="[VECTORS [WORD...]]")
@click.option("--words", "words_flag", is_flag=True,
              help="accepted for compatibility: the arguments after VECTORS are the words")
@click.option("--top", type=click.IntRange(2, MAX_MAP_WORDS), default=50, show_default=True,
              help="without words: map the TOP most frequent words")
@click.option("--color-by", "color_by", type=click.Path(dir_okay=False, path_type=Path),
              help="colour the words by a file: 'wordvec classes' output (word class per "
                   "line: a colour per class) or a word list (one per line: those "
                   "highlighted, the rest grey)")
@click.option("--loss", "loss_model", type=click.Path(path_type=Path),
              help="plot the training loss of a native model file (.npz) instead")
@click.option("--method", type=click.Choice(["pca", "tsne", "umap"]), default="pca",
              show_default=True, help="2-D projection (tsne and umap: the [plot] extra)")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="PNG file to write")
def plot(arguments, words_flag, top, color_by, loss_model, method, out):
    """A 2-D map of words, or the loss curve of a trained model, as a PNG.

    \b
    Examples:
      wordvec plot vectors.bin king queen man woman paris france -o map.png
      wordvec plot vectors.bin --top 100 --color-by classes.txt -o map.png
      wordvec plot --loss model.npz -o loss.png
    """
    _check_output_file(out)
    try:
        if loss_model is not None:
            if arguments:
                raise UserError("--loss plots a model's loss: give no VECTORS or words with it")
            _plot_loss(loss_model, out)
            click.echo(f"wrote {out}", err=True)
        else:
            if not arguments:
                raise UserError("give VECTORS [WORD...] to map words, or --loss MODEL.npz")
            drawn = _plot_map(Path(arguments[0]), list(arguments[1:]), top, color_by,
                              method, out)
            words = len(drawn.labels) + len(drawn.hidden)
            left_off = (f"; {len(drawn.hidden)} labels left off where they would overlap"
                        if drawn.hidden else "")
            click.echo(f"wrote {out} ({words} words{left_off})", err=True)
    except ImportError as exc:
        raise UserError(str(exc)) from exc


def _plot_loss(loss_model: Path, out: Path) -> None:
    """``plot --loss``: the epochs' mean loss and the progress reports' of a native model."""
    from .. import plot as plots
    from ..io.errors import VectorFileError
    from ..word2vec import Word2Vec

    try:
        model = Word2Vec.load(loss_model)
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise UserError(f"{loss_model}: {exc.strerror or exc}") from None
    except VectorFileError as exc:
        raise UserError(str(exc)) from exc
    if not model.loss_history and not model.progress_loss:
        raise UserError(f"{loss_model} holds no loss history")
    plots.training_loss(model.loss_history, model.progress_loss, out,
                        title=f"training loss: {model.config.model}, {loss_model.name}")


def _plot_map(vectors: Path, words: list, top: int, color_by, method: str, out: Path):
    """``plot VECTORS [WORD...]``: the words (or the ``top`` most frequent) on a map;
    returns what :func:`wordvec.plot.word_map` drew."""
    from .. import plot as plots
    from .. import projection

    wv = _load_vectors(vectors)
    if not words:
        words = list(wv.index_to_key[:top])
    if len(words) < 2:
        raise UserError("a map needs at least two words: give more, or none for --top")
    fewest = projection.MIN_NONLINEAR_POINTS
    if method != "pca" and len(words) < fewest:
        raise UserError(f"--method {method} needs at least {fewest} words to find "
                        "neighbours among: give more, or use --method pca")
    if len(words) > MAX_MAP_WORDS:
        raise UserError(f"{len(words):,} words are too many for one map: at most "
                        f"{MAX_MAP_WORDS}")
    rows = _query(lambda: [wv.get_index(w) for w in words])
    groups = _read_groups(color_by, words) if color_by is not None else None
    return plots.word_map(words, wv.vectors[rows], out, method=method, groups=groups)


def _is_class_number(text: str) -> bool:
    """A class number of 'wordvec classes': ASCII digits, at most 18 of them."""
    return text.isascii() and text.isdigit() and len(text) <= 18


#: The largest --color-by file read (a classes file of a few million words).
MAX_GROUPS_BYTES = 256 << 20


def _read_groups(path: Path, words: list) -> list:
    """Each word's group from ``path``: a classes file's class, or "listed" for a word of a
    word list; None for a word the file does not name. At most :data:`MAX_GROUPS_BYTES` are
    read, of a regular file only; one line naming the file (and line) when it is neither a
    word list nor a classes file."""
    try:
        text = read_input(path, MAX_GROUPS_BYTES).decode("utf-8")
    except OSError as exc:
        raise UserError(f"--color-by {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"--color-by {path}: not UTF-8 text ({exc.reason} at byte "
                        f"{exc.start:,})") from None
    wanted = set(words)
    group_of: dict = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) == 1:
            group = "listed"
        elif len(fields) == 2 and _is_class_number(fields[1]):
            group = int(fields[1])
        else:
            raise UserError(f"--color-by {path}, line {line_no}: expected a word, or a word "
                            f"and its class number (wordvec classes), found {line[:80]!r}")
        if fields[0] in wanted:
            group_of.setdefault(fields[0], group)
    return [group_of.get(w) for w in words]
