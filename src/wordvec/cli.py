"""The ``wordvec`` command line."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
import time
import warnings
from pathlib import Path

import click

from .config import TrainConfig

FORMATS = ("word2vec", "word2vec-text", "native")
SUFFIX_FORMATS = {".bin": "word2vec", ".txt": "word2vec-text", ".vec": "word2vec-text",
                  ".npz": "native"}

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


_CLICK_TYPES = {"int": click.INT, "float": click.FLOAT, "str": click.STRING,
                "int | None": click.INT, "float | None": click.FLOAT}


def config_options(command):
    """Add one option per TrainConfig field, with its help and default: the dataclass is the
    single source of both."""
    for f in reversed(dataclasses.fields(TrainConfig)):
        choices = f.metadata.get("choices")
        kind = click.Choice(choices) if choices else _CLICK_TYPES[f.type]
        # A None default is explained by the help text itself ("default: ...").
        command = click.option(f"--{f.name.replace('_', '-')}", f.name, type=kind,
                               default=f.default, show_default=f.default is not None,
                               help=f.metadata["help"])(command)
    return command


def _output_format(out: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    try:
        return SUFFIX_FORMATS[out.suffix.lower()]
    except KeyError:
        raise UserError(f"cannot tell the output format from {out.name!r}: end it with "
                        ".bin (word2vec), .txt or .vec (word2vec text) or .npz (native), "
                        "or pass --format") from None


def _check_output_file(out: Path) -> None:
    # Checked before training starts, so that hours of work never end in a failed write.
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"output folder {folder} does not exist: create it or pass -o with "
                        "an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"output folder {folder} is not writable: pass -o with a writable folder")
    if out.is_dir():
        raise UserError(f"output path {out} is a folder: pass a file name such as {out / 'vectors.bin'}")


class _ProgressBar:
    """A tqdm bar over raw corpus words fed by the engine's progress reports; silent when
    stderr is not a terminal (tqdm's disable=None). The bar appears at the first report, so
    the lines printed before training (warnings, the memory estimate) are not broken by it."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self._bar = None

    @property
    def bar(self):
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=0, unit="w", unit_scale=True,
                             disable=True if self.quiet else None, dynamic_ncols=True,
                             leave=False)
        return self._bar

    def __call__(self, info) -> None:
        self.bar.total = info.total_words
        self.bar.update(info.words_done - self.bar.n)
        loss = "-" if info.loss != info.loss else f"{info.loss:.3f}"
        self.bar.set_postfix_str(f"epoch {info.epoch + 1} lr {info.alpha:.5f} loss {loss}",
                                 refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


_OPTION_NAMES = {f.name: f"--{f.name.replace('_', '-')}" for f in dataclasses.fields(TrainConfig)}
_FIELD_AT_START = re.compile(r"^(%s)\b" % "|".join(map(re.escape, _OPTION_NAMES)))
_FIELD_SETTING = re.compile(r"\b(%s)=" % "|".join(map(re.escape, _OPTION_NAMES)))
_FIELD_NAMED = re.compile(r"\b(?:a )?(smaller|larger) (%s)\b"
                          % "|".join(map(re.escape, _OPTION_NAMES)))


def _with_option_names(message: str) -> str:
    """A configuration message in the command line's words: ``dim must be > 0`` becomes
    ``--dim must be > 0``, ``use max_vocab=5`` becomes ``use --max-vocab 5``."""
    message = _FIELD_AT_START.sub(lambda m: _OPTION_NAMES[m.group(1)], message)
    message = _FIELD_SETTING.sub(lambda m: _OPTION_NAMES[m.group(1)] + " ", message)
    return _FIELD_NAMED.sub(lambda m: f"a {m.group(1)} {_OPTION_NAMES[m.group(2)]}", message)


@contextlib.contextmanager
def _data_warnings_as_lines():
    """Within it, warnings about the user's data print as one line each, even one identical
    to a warning shown before in this process."""
    from .corpus import InvalidUTF8Warning, VocabPrunedWarning
    from .word2vec import NoExamplesWarning

    data_warnings = (InvalidUTF8Warning, VocabPrunedWarning, NoExamplesWarning)
    with warnings.catch_warnings():
        for category in data_warnings:
            warnings.simplefilter("always", category)
        warnings.showwarning = _one_line_warnings(data_warnings, warnings.showwarning)
        yield


def _one_line_warnings(category, fallback):
    """A ``warnings.showwarning`` that prints warnings of ``category`` (a class or a tuple,
    about the user's data) as one line, ``wordvec: warning: ...``, option names in the
    command line's words, and hands the others to ``fallback``."""
    def show(message, cat, filename, lineno, file=None, line=None):
        if issubclass(cat, category):
            from tqdm import tqdm

            # Above a live progress bar (tqdm clears and redraws it), else a plain line.
            tqdm.write(f"wordvec: warning: {_with_option_names(str(message))}",
                       file=sys.stderr)
        else:
            fallback(message, cat, filename, lineno, file, line)
    return show


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="output file (required unless --resume); its suffix picks the format "
                   "unless --format is given")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              help="word2vec (binary), word2vec-text, or native (.npz with both matrices, "
                   "vocabulary counts, configuration and loss history)")
@config_options
@click.option("--checkpoint-dir", type=click.Path(file_okay=False, path_type=Path),
              help="save the training state in this folder every --checkpoint-every seconds "
                   "and on Ctrl-C, to continue later with --resume (engine backend)")
@click.option("--checkpoint-every", type=click.FloatRange(min=0), default=600.0,
              show_default=True, help="seconds between checkpoints")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False, path_type=Path),
              help="continue the training saved in this checkpoint folder and write the "
                   "output its command asked for (CORPUS, -o and the options come from it; "
                   "only -q and --checkpoint-every may be given)")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar, no summary")
def train(corpus, out, fmt, quiet, checkpoint_dir, checkpoint_every, resume_dir, **config):
    """Train word vectors on CORPUS (files, folders, .gz/.bz2/.xz files).

    Text is whitespace-separated tokens, one sentence per line; lines longer than 10,000
    words are cut, every word is kept. With --checkpoint-dir, Ctrl-C saves the training
    state and 'wordvec train --resume DIR' finishes it; a finished run removes its checkpoint.

    \b
    Examples:
      wordvec train text8 -o vectors.bin
      wordvec train corpus/ --model skipgram --dim 300 --epochs 10 -o model.npz
      wordvec train text8 -o vectors.bin --checkpoint-dir ckpt/
      wordvec train --resume ckpt/
    """
    from .corpus import CorpusError
    from .engine.train import DivergenceError
    from .memory import MemoryEstimateError, available_memory
    from .vocab import VocabError
    from .word2vec import Word2Vec

    if resume_dir is not None:
        _refuse_options_with_resume(click.get_current_context())
        _resume(resume_dir, checkpoint_every, quiet)
        return
    if not corpus or out is None:
        raise UserError("give the CORPUS to train on and -o OUTPUT, or --resume DIR")
    fmt = _output_format(out, fmt)
    _check_output_file(out)
    try:
        model = Word2Vec(**config)
    except ValueError as exc:
        raise UserError(_with_option_names(str(exc))) from exc
    if checkpoint_dir is not None:
        _check_checkpoint_dir(checkpoint_dir, model.config.backend)
    sources = [str(p) for p in corpus]
    source = sources if len(sources) > 1 else sources[0]
    bar = _ProgressBar(quiet)
    started = time.time()
    try:
        with _data_warnings_as_lines():
            model.build_vocab(source)
            if not quiet:
                click.echo(f"memory: {model.memory_estimate.describe(available_memory())}",
                           err=True)
            model.fit(source, progress=bar, checkpoint_dir=checkpoint_dir,
                      checkpoint_every=checkpoint_every,
                      checkpoint_extra={"output": str(out.absolute()), "format": fmt})
    except (CorpusError, VocabError) as exc:
        raise UserError(str(exc)) from exc
    except (MemoryEstimateError, DivergenceError) as exc:
        kept = _saved_since(checkpoint_dir, started)
        raise UserError(_with_option_names(str(exc)) + (
            f" (the last good checkpoint is kept in {checkpoint_dir})" if kept else "")) from exc
    except KeyboardInterrupt:
        bar.close()
        _interrupted(checkpoint_dir if _saved_since(checkpoint_dir, started) else None)
    finally:
        bar.close()
    _finish(model, out, fmt, quiet)
    if _saved_since(checkpoint_dir, started):
        _remove_finished_checkpoint(checkpoint_dir, quiet)


#: Options that may come with --resume: they change how the run is shown and saved, not what
#: it computes. Everything else comes from the checkpoint.
_RESUME_OPTIONS = {"resume_dir", "quiet", "checkpoint_every"}


def _refuse_options_with_resume(ctx: click.Context) -> None:
    """--resume continues the saved run exactly: an option that would change it is an error
    (it used to be ignored silently)."""
    from click.core import ParameterSource

    given = [p for p in ctx.command.params if p.name not in _RESUME_OPTIONS
             and ctx.get_parameter_source(p.name) in (ParameterSource.COMMANDLINE,
                                                      ParameterSource.ENVIRONMENT)]
    if given:
        names = ", ".join(p.human_readable_name if isinstance(p, click.Argument)
                          else p.opts[-1] for p in given)
        raise UserError(f"--resume continues the saved run with its own corpus, output and "
                        f"options; drop {names} (only -q and --checkpoint-every go with "
                        "--resume), or start a new run without --resume")


def _check_checkpoint_dir(checkpoint_dir: Path, backend: str) -> None:
    """Before training: the engine writes checkpoints, and a folder holding an unfinished
    run's checkpoint is not overwritten (a finished run removes its own)."""
    from .checkpoint import checkpoint_path

    if backend != "engine":
        raise UserError("--checkpoint-dir needs --backend engine")
    if checkpoint_path(checkpoint_dir).exists():
        raise UserError(f"{checkpoint_dir} holds the checkpoint of an unfinished run: finish "
                        f"it with 'wordvec train --resume {checkpoint_dir}', or pass another "
                        "--checkpoint-dir")


def _remove_finished_checkpoint(checkpoint_dir: Path, quiet: bool) -> None:
    """After the output is written, the checkpoint has served: remove it (and its folder,
    if that is left empty), so the folder can take the next run."""
    from .checkpoint import checkpoint_path

    checkpoint_path(checkpoint_dir).unlink(missing_ok=True)
    try:
        Path(checkpoint_dir).rmdir()
    except OSError:
        pass  # not empty: the user's other files stay
    if not quiet:
        click.echo(f"removed the finished run's checkpoint from {checkpoint_dir}", err=True)


def _saved_since(checkpoint_dir, started: float) -> bool:
    """Whether this command wrote a checkpoint into ``checkpoint_dir`` (an older one from
    another run may be there)."""
    from .checkpoint import checkpoint_path

    if checkpoint_dir is None:
        return False
    try:
        return checkpoint_path(checkpoint_dir).stat().st_mtime >= started - 1.0
    except OSError:
        return False


def _interrupted(checkpoint_dir) -> None:
    """Ctrl-C: one line saying what was kept, exit code 130 (128 + SIGINT) as shells use."""
    if checkpoint_dir is not None:
        click.echo(f"wordvec: interrupted; the training state is saved in {checkpoint_dir}: "
                   f"continue with 'wordvec train --resume {checkpoint_dir}'", err=True)
    else:
        click.echo("wordvec: interrupted before any checkpoint was saved; nothing written "
                   "(pass --checkpoint-dir DIR to be able to resume)", err=True)
    raise click.exceptions.Exit(130)


def _resume(resume_dir: Path, checkpoint_every, quiet) -> None:
    # Further checkpoints go to the folder resumed from.
    from .checkpoint import CheckpointError, load_checkpoint
    from .corpus import CorpusError
    from .engine.train import DivergenceError
    from .memory import MemoryEstimateError, available_memory
    from .word2vec import Word2Vec

    try:
        ckpt = load_checkpoint(resume_dir)
    except CheckpointError as exc:
        raise UserError(str(exc)) from exc
    out, fmt = ckpt.extra.get("output"), ckpt.extra.get("format")
    if not out or fmt not in FORMATS:
        raise UserError(f"{ckpt.path} does not say which file to write (it was not saved by "
                        "'wordvec train'); resume it with Word2Vec.resume in Python")
    out = Path(out)
    _check_output_file(out)
    bar = _ProgressBar(quiet)

    def report_memory(estimate):
        if not quiet:
            click.echo(f"memory: {estimate.describe(available_memory())}", err=True)
    try:
        with _data_warnings_as_lines():
            model = Word2Vec.resume(ckpt, progress=bar, checkpoint_every=checkpoint_every,
                                    on_memory_estimate=report_memory)
    except (CheckpointError, CorpusError) as exc:
        raise UserError(str(exc)) from exc
    except (MemoryEstimateError, DivergenceError) as exc:
        raise UserError(_with_option_names(str(exc)) + (
            f" (the checkpoint is kept in {resume_dir})")) from exc
    except KeyboardInterrupt:
        bar.close()
        _interrupted(resume_dir)
    finally:
        bar.close()
    _finish(model, out, fmt, quiet)
    _remove_finished_checkpoint(resume_dir, quiet)


def _finish(model, out: Path, fmt: str, quiet: bool) -> None:
    _save(model, out, fmt)
    if not quiet:
        loss = model.loss_history[-1] if model.loss_history else float("nan")
        click.echo(f"trained {model.config.model} on {model.vocab.raw_words:,} words x "
                   f"{model.config.epochs} epochs in {model.train_seconds:.1f} s "
                   f"({model.words_trained / max(model.train_seconds, 1e-9):,.0f} words/s), "
                   f"vocabulary {len(model.vocab):,}, final loss {loss:.4f}; wrote {out} ({fmt})",
                   err=True)


def _save(model, out: Path, fmt: str) -> None:
    from .io import save_word2vec_format

    if fmt == "native":
        model.save(out)
    else:
        save_word2vec_format(out, model.wv.index_to_key, model.wv.vectors,
                             binary=fmt == "word2vec")


def _load_vectors(path: Path, mmap: bool = False):
    from .io import VectorFileError, load

    try:
        return load(path, mmap=mmap)
    except FileNotFoundError:
        raise UserError(f"vector file not found: {path}") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a vector file") from None
    except VectorFileError as exc:
        raise UserError(str(exc)) from exc


def _query(call):
    try:
        return call()
    except KeyError as exc:
        raise UserError(exc.args[0] if exc.args else str(exc)) from None


def _print_scores(pairs) -> None:
    width = max((len(w) for w, _ in pairs), default=0)
    for word, score in pairs:
        click.echo(f"{word:<{width}}  {score:.4f}")


vectors_argument = click.argument("vectors", type=click.Path(path_type=Path))


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
@click.option("--pairs", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
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
            accuracy, sections = wv.evaluate_word_analogies(analogies, restrict_vocab=restrict_vocab)
            report["analogy.accuracy"] = accuracy
            report["analogy.sections"] = {
                sec["section"]: {"correct": len(sec["correct"]), "incorrect": len(sec["incorrect"])}
                for sec in sections}
        for path in pairs:
            (pearson, _), (spearman, _), oov = wv.evaluate_word_pairs(path, restrict_vocab=restrict_vocab)
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
    from .io import save_projector, save_word2vec_format

    if fmt is None:
        fmt = _output_format(out, None)
        if fmt == "native":
            raise UserError("export writes word2vec, word2vec-text or projector files; a native "
                            "model is written by 'wordvec train -o MODEL.npz'")
    if fmt == "projector":
        _check_writable_folder(out)
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
    from . import plot as plots

    _check_output_file(out)
    try:
        if loss_model is not None:
            from .io import VectorFileError, load_model

            try:
                model = load_model(loss_model)
            except (FileNotFoundError, VectorFileError) as exc:
                raise UserError(str(exc)) from exc
            history = model.get("history") or {}
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
              help="passes over PTB (the book's 10)")
@click.option("--backend", type=click.Choice(["engine", "nn"]), default="engine", show_default=True,
              help="engine: word2vec.c's rules, seconds; nn: the book's layers and Adam, a minute")
@click.option("--seed", type=int, default=1, show_default=True, help="random seed")
def demo(out_dir: Path, epochs: int, backend: str, seed: int):
    """Train CBOW on the Penn Treebank (the book's chapter 4 run) and show what it learned.

    PTB is read from $WORDVEC_DATA, the user cache, or downloaded (checksum verified).
    Prints nearest neighbours and analogies as the book's eval.py does, and writes
    OUT/vectors.bin (word2vec binary, readable by gensim and word2vec.c) and OUT/loss.png.

    \b
    Examples:
      wordvec demo
      wordvec demo --backend nn --epochs 3 --out wordvec-demo
    """
    from .datasets import ptb
    from .io import save_word2vec_format
    from .nn import analogy, most_similar

    _check_writable_folder(out_dir)
    try:
        train_demo = _demo_engine if backend == "engine" else _demo_nn
        words, word_vecs, plot_loss = train_demo(epochs, seed)
    except ptb.DownloadError as exc:
        raise UserError(str(exc)) from exc

    word_to_id = {w: i for i, w in enumerate(words)}
    id_to_word = dict(enumerate(words))
    for query in DEMO_QUERIES:
        most_similar(query, word_to_id, id_to_word, word_vecs, top=5)
    print("-" * 50)
    for a, b, c in DEMO_ANALOGIES:
        analogy(a, b, c, word_to_id, id_to_word, word_vecs, top=5)
    print()

    save_word2vec_format(out_dir / "vectors.bin", words, word_vecs, binary=True)
    click.echo(f"wrote {out_dir / 'vectors.bin'} ({len(words):,} x {word_vecs.shape[1]}, word2vec binary)")
    try:
        plot_loss(out_dir / "loss.png")
    except ImportError as exc:
        click.echo(f"loss plot skipped: {exc}")
    else:
        click.echo(f"wrote {out_dir / 'loss.png'}")


def _demo_engine(epochs: int, seed: int):
    from .datasets import ptb
    from .plot import loss_curve
    from .word2vec import Word2Vec

    path = ptb.path("train")
    model = Word2Vec(model="cbow", dim=100, window=5, negative=5, min_count=1, epochs=epochs,
                     seed=seed)
    click.echo(f"PTB train ({path}): CBOW on the engine, dim 100, window 5, 5 negatives, "
               f"{epochs} epoch(s), {model.config.n_threads} thread(s)")
    model.fit(str(path))
    click.echo(f"trained {model.words_trained:,} words in {model.train_seconds:.1f} s "
               f"({model.words_trained / model.train_seconds:,.0f} words/s), "
               f"vocabulary {len(model.vocab):,}, loss {model.loss_history[-1]:.3f}")
    plot = lambda path: loss_curve(model.loss_history, None, path=path, xlabel="epoch",
                                   title="CBOW on PTB (engine): mean loss per epoch")
    return model.wv.index_to_key, model.wv.vectors, plot


def _demo_nn(epochs: int, seed: int):
    from .datasets import ptb
    from .nn import CBOW, Adam, Trainer, create_contexts_target

    corpus, word_to_id, id_to_word = ptb.load_data("train")
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
    words = [id_to_word[i] for i in range(len(id_to_word))]
    return words, model.word_vecs, lambda path: trainer.plot(path=path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
