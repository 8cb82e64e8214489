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

from . import __version__
from .config import TrainConfig, range_text
from .signals import interrupt_code, signal_name, stop_signals_raise, work_done

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


class _Wordvec(click.Group):
    """The command group, with what every command shares: the stop signals raise
    (:func:`wordvec.signals.stop_signals_raise`, also when ``main`` is called in-process),
    an interrupt anywhere exits 128 + the signal's number, every warning prints as one
    line, and every :class:`~wordvec.errors.WordvecError` that reaches here prints as one
    line with exit 2."""

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as exc:
            raise click.exceptions.Exit(interrupt_code(exc)) from None
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None

    def invoke(self, ctx):
        from .errors import WordvecError

        try:
            with stop_signals_raise(), _warnings_as_lines():
                return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None
        except WordvecError as exc:
            raise UserError(_with_option_names(str(exc))) from exc
        except KeyboardInterrupt as exc:
            click.echo(f"wordvec: interrupted ({signal_name(exc)}); stopped", err=True)
            raise click.exceptions.Exit(interrupt_code(exc)) from None
        except BrokenPipeError:
            # The reader of our output went away (e.g. `| head`): stop quietly, as cat and
            # grep do; stdout is pointed at /dev/null so exiting cannot fail.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(128 + 13) from None


def _one_line_usage(exc: click.UsageError) -> click.ClickException:
    """A usage error (an unknown option, a value out of its range) as one line naming the
    help to read; a bare command still shows its help (click's no-arguments-is-help)."""
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        return exc
    command = exc.ctx.command_path if exc.ctx is not None else "wordvec"
    return UserError(f"{exc.format_message()} (see '{command} --help')")


@click.group(cls=_Wordvec, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wordvec")
def main():
    """Train and use word vectors: word2vec (CBOW, skip-gram) with negative sampling."""


_CLICK_TYPES = {"int": click.INT, "float": click.FLOAT, "str": click.STRING,
                "int | None": click.INT, "float | None": click.FLOAT}


def config_option(name: str, *, default=None, help: str | None = None):
    """The option of TrainConfig field ``name``, its type, range and help from the field
    (a command may give another ``default`` and a ``help`` of its own to put first)."""
    f = _CONFIG_FIELDS[name]
    choices = f.metadata.get("choices")
    kind = click.Choice(choices) if choices else _CLICK_TYPES[f.type]
    # A None default is explained by the help text itself ("default: ...").
    limits = "" if choices else f"; {range_text(f, with_none=False)}"
    backends = f.metadata["backends"]
    owner = f" ({backends[0]} backend)" if len(backends) == 1 else ""
    text = f.metadata["help"] + owner + limits
    default = f.default if default is None else default
    return click.option(f"--{name.replace('_', '-')}", name, type=kind, default=default,
                        show_default=default is not None,
                        help=f"{help}: {text}" if help else text)


_CONFIG_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}


def config_options(command):
    """Add one option per TrainConfig field, with its help and default: the dataclass is the
    single source of both."""
    for name in reversed(_CONFIG_FIELDS):
        command = config_option(name)(command)
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
    """Checked before any work, so that it never ends in a failed write: ``out`` is no
    folder, and its folder exists and takes a file of its name and of its temporary's
    (:func:`wordvec.io.check_output_path`). Stale temporaries of killed runs there go."""
    from .io.atomic import check_output_path, remove_stale_temporaries

    check_output_path(out)
    remove_stale_temporaries(out.parent if str(out.parent) else Path("."))


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


#: The longest interval between checkpoints: a year (a timer past this is a typo).
MAX_CHECKPOINT_EVERY = 365 * 24 * 3600


class _Seconds(click.ParamType):
    """A finite number of seconds from 0 to :data:`MAX_CHECKPOINT_EVERY` (click's
    FloatRange lets nan through: no comparison with nan is true)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        import math

        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{str(value)[:40]!r} is not a number of seconds", param, ctx)
        if not (math.isfinite(seconds) and 0 <= seconds <= MAX_CHECKPOINT_EVERY):
            self.fail(f"must be a finite number of seconds from 0 to "
                      f"{MAX_CHECKPOINT_EVERY:,}, got {str(value)[:40]}", param, ctx)
        return seconds


_SECONDS = _Seconds()

_OPTION_NAMES = {f.name: f"--{f.name.replace('_', '-')}" for f in dataclasses.fields(TrainConfig)}
_FIELD_NAMES = "|".join(map(re.escape, _OPTION_NAMES))
_FIELD_AT_START = re.compile(rf"^({_FIELD_NAMES})\b")
_FIELD_SETTING = re.compile(rf"(?<![\w-])({_FIELD_NAMES})=")
_FIELD_NAMED = re.compile(rf"\b(?:a )?(smaller|larger) ({_FIELD_NAMES})\b")


def _with_option_names(message: str) -> str:
    """A configuration message in the command line's words: ``dim must be > 0`` becomes
    ``--dim must be > 0``, ``use max_vocab=5`` becomes ``use --max-vocab 5``."""
    # A field's "(or None)" is the API's; on the command line an option is simply left out.
    message = message.replace(" (or None)", "")
    # Settings first: a message may open with one ("sample=0.1 is not used ...").
    message = _FIELD_SETTING.sub(lambda m: _OPTION_NAMES[m.group(1)] + " ", message)
    message = _FIELD_AT_START.sub(lambda m: _OPTION_NAMES[m.group(1)], message)
    return _FIELD_NAMED.sub(lambda m: f"a {m.group(1)} {_OPTION_NAMES[m.group(2)]}", message)


@contextlib.contextmanager
def _warnings_as_lines():
    """Within it, every warning prints as one line, ``wordvec: warning: ...``, with option
    names in the command line's words, above a live progress bar; a warning about the
    user's data prints each time, even one identical to a warning shown before."""
    from .checkpointing import CheckpointWriteWarning
    from .corpus import InvalidUTF8Warning, LongWordWarning
    from .vocab import VocabPrunedWarning
    from .word2vec import NoExamplesWarning

    data = (InvalidUTF8Warning, LongWordWarning, VocabPrunedWarning, NoExamplesWarning,
            CheckpointWriteWarning)
    with warnings.catch_warnings():
        for category in data:
            warnings.simplefilter("always", category)
        warnings.showwarning = _one_line_warning
        yield


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """A ``warnings.showwarning`` printing ``wordvec: warning: MESSAGE`` alone on a line."""
    from tqdm import tqdm

    text = " ".join(str(message).split("\n"))
    # Above a live progress bar (tqdm clears and redraws it), else a plain line.
    tqdm.write(f"wordvec: warning: {_with_option_names(text)}", file=sys.stderr)


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
@click.option("--checkpoint-every", type=_SECONDS, default=600.0, show_default=True,
              help="seconds between checkpoints, from 0 (after every chunk of work) to "
                   f"{MAX_CHECKPOINT_EVERY:,} (a year)")
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
    from .word2vec import Word2Vec

    if resume_dir is not None:
        _refuse_options_with_resume(click.get_current_context())
        _resume(resume_dir, out, fmt, checkpoint_every, quiet)
        return
    if not corpus or out is None:
        raise UserError("give the CORPUS to train on and -o OUTPUT, or --resume DIR")
    # Everything is checked before the corpus is read: the options, then every path written.
    fmt = _output_format(out, fmt)
    model = Word2Vec(**config)
    if checkpoint_dir is not None and model.config.backend != "engine":
        raise UserError("--checkpoint-dir needs --backend engine")
    sources = [str(p) for p in corpus]
    _check_output(out, sources, checkpoint_dir)
    source = sources if len(sources) > 1 else sources[0]
    started = time.time()

    def train_model(bar):
        model.build_vocab(source)
        _report_memory(model.memory_estimate, quiet)
        return model.fit(source, progress=bar, checkpoint_dir=checkpoint_dir,
                         checkpoint_every=checkpoint_every,
                         checkpoint_extra={"output": str(out.absolute()), "format": fmt})

    with _checkpoint_folder(checkpoint_dir, sources, new_run=True):
        _train_and_write(train_model, out, fmt, quiet, checkpoint_dir,
                         lambda: _saved_since(checkpoint_dir, started))
        if _saved_since(checkpoint_dir, started):
            _remove_finished_checkpoint(checkpoint_dir, quiet)


def _report_memory(estimate, quiet: bool) -> None:
    from .memory import available_memory

    if not quiet:
        click.echo(f"memory: {estimate.describe(available_memory())}", err=True)


def _check_output(out: Path, corpus: list, checkpoint_dir) -> None:
    """Before anything is read: ``out`` can be written (:func:`_check_output_file`), is no
    corpus file, lies in no corpus folder, and is not the checkpoint folder's own file."""
    from .checkpoint import checkpoint_path
    from .folderlock import PID_FILE
    from .outputs import refuse_overlap

    if checkpoint_dir is not None and out.name in (checkpoint_path(".").name, PID_FILE) \
            and os.path.realpath(out.parent) == os.path.realpath(checkpoint_dir):
        raise UserError(f"-o/--output {out} is the checkpoint folder's own file: write the "
                        "output elsewhere")
    refuse_overlap(out, corpus, option="-o/--output")
    _check_output_file(out)


@contextlib.contextmanager
def _checkpoint_folder(folder, corpus: list, *, new_run: bool):
    """Hold ``folder`` (a checkpoint folder, or None) for the run: it lies in no corpus
    folder, its lock is taken (a second run is refused at once, naming the first's PID), it
    takes files (checked now, not at the first checkpoint), stale temporaries in it are
    removed, and a new run never overwrites an unfinished run's checkpoint. A folder to
    resume from must exist; one this run created is removed again if it is left empty
    (finished, or failed before its first checkpoint), so nothing is left behind."""
    from .checkpoint import checkpoint_path
    from .folderlock import folder_lock
    from .io.atomic import check_output_path, remove_stale_temporaries
    from .outputs import refuse_overlap

    if folder is None:
        yield
        return
    option = "--checkpoint-dir" if new_run else "--resume"
    if not new_run and not Path(folder).is_dir():
        raise UserError(f"no checkpoint in {folder}: the folder does not exist; pass the "
                        "folder given to --checkpoint-dir")
    refuse_overlap(folder, corpus, option=option)
    with contextlib.ExitStack() as stack:
        stack.callback(_remove_if_empty, folder)   # runs last, after the lock is given back
        try:
            stack.enter_context(folder_lock(folder))
        except OSError as exc:
            raise UserError(f"cannot use {option} {folder}: {exc.strerror or exc}") from None
        check_output_path(checkpoint_path(folder))
        remove_stale_temporaries(folder)
        if new_run and checkpoint_path(folder).exists():
            raise UserError(f"{folder} holds the checkpoint of an unfinished run: finish it "
                            f"with 'wordvec train --resume {folder}', or pass another "
                            "--checkpoint-dir")
        yield


def _train_and_write(train_model, out: Path, fmt: str, quiet: bool, checkpoint_dir,
                     checkpoint_kept) -> None:
    """``train_model(progress)`` -> a trained model, then write it to ``out``, then the
    summary. An interrupt exits 128 + its signal, naming the checkpoint if one is kept
    (``checkpoint_kept()``); an error says so too; a failed write keeps the model."""
    from .errors import WordvecError

    bar = _ProgressBar(quiet)
    try:
        try:
            model = train_model(bar)
        finally:
            bar.close()
        _write_output(model, out, fmt, checkpoint_dir)
    except KeyboardInterrupt as exc:
        _remove_own_temporaries(out, checkpoint_dir)
        _interrupted(exc, checkpoint_dir if checkpoint_kept() else None)
    except WordvecError as exc:
        kept = f" (the last good checkpoint is kept in {checkpoint_dir})" \
            if checkpoint_kept() else ""
        raise UserError(_with_option_names(str(exc)) + kept) from exc
    _summary(model, out, fmt, quiet)


def _remove_own_temporaries(out: Path, checkpoint_dir) -> None:
    """A stopping run removes its own temporaries where it writes (beside ``out``, in the
    checkpoint folder, encoding's spill in the system's temporary folder): a signal can land
    between creating one and the code that would remove it."""
    import tempfile

    from .io.atomic import remove_stale_temporaries

    folders = [out.parent if str(out.parent) else Path("."), tempfile.gettempdir()]
    for folder in folders + ([checkpoint_dir] if checkpoint_dir is not None else []):
        remove_stale_temporaries(folder, ours=True)


#: Options that may come with --resume: they change how the run is shown and where it is
#: written, not what it computes. Everything else comes from the checkpoint.
_RESUME_OPTIONS = {"resume_dir", "quiet", "checkpoint_every", "out", "fmt"}


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
        raise UserError(f"--resume continues the saved run with its own corpus and options; "
                        f"drop {names} (only -o, --format, -q and --checkpoint-every go with "
                        "--resume), or start a new run without --resume")


def _remove_finished_checkpoint(checkpoint_dir: Path, quiet: bool) -> None:
    """After the output is written, the checkpoint has served: remove it, so the folder can
    take the next run."""
    from .checkpoint import checkpoint_path

    checkpoint_path(checkpoint_dir).unlink(missing_ok=True)
    if not quiet:
        click.echo(f"removed the finished run's checkpoint from {checkpoint_dir}", err=True)


def _remove_if_empty(folder) -> None:
    """Remove ``folder`` if nothing is left in it (the user's other files stay)."""
    try:
        Path(folder).rmdir()
    except OSError:
        pass


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


def _interrupted(exc: BaseException, checkpoint_dir) -> None:
    """A stop signal: one line saying what was kept, exit code 128 + the signal (130 for
    Ctrl-C), as shells report it."""
    why = f"wordvec: interrupted ({signal_name(exc)})"
    if checkpoint_dir is not None:
        click.echo(f"{why}; the training state is saved in {checkpoint_dir}: continue with "
                   f"'wordvec train --resume {checkpoint_dir}'", err=True)
    else:
        click.echo(f"{why} before any checkpoint was saved; nothing written (pass "
                   "--checkpoint-dir DIR to be able to resume)", err=True)
    raise click.exceptions.Exit(interrupt_code(exc))


def _resume(resume_dir: Path, out, fmt, checkpoint_every, quiet) -> None:
    """Continue the run saved in ``resume_dir``, writing to -o (or to the output its
    checkpoint names, checked as -o is); further checkpoints go to the same folder."""
    from .checkpoint import load_checkpoint
    from .word2vec import Word2Vec

    with _checkpoint_folder(resume_dir, [], new_run=False):
        ckpt = load_checkpoint(resume_dir)
        out, fmt = _resume_output(ckpt, out, fmt, resume_dir)
        click.echo(f"resuming {ckpt.path}: the vectors go to {out} ({fmt})", err=True)

        def train_model(bar):
            return Word2Vec.resume(ckpt, progress=bar, checkpoint_every=checkpoint_every,
                                   on_memory_estimate=lambda e: _report_memory(e, quiet))

        _train_and_write(train_model, out, fmt, quiet, resume_dir, lambda: True)
        _remove_finished_checkpoint(resume_dir, quiet)


def _resume_output(ckpt, out, fmt, resume_dir) -> tuple[Path, str]:
    """The output of a resumed run: -o and --format when given; else what the checkpoint
    says, which is untrusted: its path must pass every check -o passes, its suffix must
    match its format, and it may replace only a file wordvec wrote."""
    from .outputs import is_own_file

    from_option = out is not None
    if from_option:
        fmt = _output_format(out, fmt)
    else:
        out, saved_fmt = ckpt.extra.get("output"), ckpt.extra.get("format")
        if not isinstance(out, str) or not out or saved_fmt not in FORMATS:
            raise UserError(f"{ckpt.path} does not say which file to write (it was not saved "
                            "by 'wordvec train'): pass -o OUTPUT")
        out = Path(out)
        if fmt is None and SUFFIX_FORMATS.get(out.suffix.lower()) != saved_fmt:
            raise UserError(f"{ckpt.path} asks to write {saved_fmt} vectors to {out}, whose "
                            "suffix says otherwise: pass -o OUTPUT to choose the output")
        fmt = fmt or saved_fmt
    _check_output(out, ckpt.corpus or [], resume_dir)
    if not from_option and out.exists() and not is_own_file(out):
        raise UserError(f"{ckpt.path} asks to write {out}, which exists and is not a file "
                        "wordvec wrote: pass -o OUTPUT to choose the output")
    return out, fmt


def _summary(model, out: Path, fmt: str, quiet: bool) -> None:
    if not quiet:
        loss = model.loss_history[-1] if model.loss_history else float("nan")
        click.echo(f"trained {model.config.model} on {model.vocab.raw_words:,} words x "
                   f"{model.config.epochs} epochs in {model.train_seconds:.1f} s "
                   f"({model.words_trained / max(model.train_seconds, 1e-9):,.0f} words/s), "
                   f"vocabulary {len(model.vocab):,}, final loss {loss:.4f}; wrote {out} ({fmt})",
                   err=True)


def _write_output(model, out: Path, fmt: str, checkpoint_dir) -> None:
    """Write the trained vectors, after which a stop signal no longer stops the command
    (:func:`wordvec.signals.work_done`); when writing fails (a full disk, a vanished folder),
    the model is saved elsewhere (:func:`wordvec.outputs.rescue_model`) and the one-line
    error says where and how to get the vectors out: hours of training are never thrown
    away."""
    from .errors import WriteError
    from .outputs import rescue_model

    try:
        _save(model, out, fmt)
        work_done()
    except WriteError as exc:
        kept, failures = rescue_model(model, out, checkpoint_dir)
        if kept is None:
            where = ("the trained model could not be saved anywhere else either ("
                     + "; ".join(failures) + ")")
        elif fmt == "native":
            where = f"the trained model is saved in {kept} instead: move it where you want it"
        else:
            where = (f"the trained model is saved in {kept} instead: write the vectors with "
                     f"'wordvec export {kept} -o {out}'")
        raise UserError(f"{exc}; {where}") from exc


def _save(model, out: Path, fmt: str) -> None:
    from .io.word2vec_format import save_word2vec_format

    if fmt == "native":
        model.save(out)
    else:
        save_word2vec_format(out, model.wv.index_to_key, model.wv.vectors,
                             binary=fmt == "word2vec")


def _load_vectors(path: Path, mmap: bool = False):
    from .io.errors import VectorFileError
    from .io.loader import load

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
    from .io.projector import save_projector
    from .io.word2vec_format import save_word2vec_format

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
    from . import plot as plots

    _check_output_file(out)
    try:
        if loss_model is not None:
            from .io.errors import VectorFileError
            from .io.model import load_model

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


def _check_writable_folder(folder: Path, option: str, names) -> None:
    """Before any work: ``folder`` exists (created if missing) and takes files ``names``
    (each checked as :func:`_check_output_file` checks a file); ``option`` named it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {folder}: "
                        f"{exc.strerror or exc}; pass {option} with a writable folder") from None
    for name in names:
        _check_output_file(folder / name)


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
    from .datasets import ptb
    from .io.word2vec_format import save_word2vec_format
    from .nn import analogy, most_similar

    _check_writable_folder(out_dir, "--out", ("vectors.bin", "loss.png"))
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
    click.echo(f"wrote {out_dir / 'vectors.bin'} ({len(words):,} x {word_vecs.shape[1]}, "
               "word2vec binary)")
    try:
        plot_loss(out_dir / "loss.png")
    except ImportError as exc:
        click.echo(f"loss plot skipped: {exc}")
    else:
        click.echo(f"wrote {out_dir / 'loss.png'}")


def _demo_story(out_dir: Path, seed: int) -> None:
    """``wordvec demo --story``: :mod:`wordvec.story`'s quick run, its slopes and files."""
    from . import story

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


#: The book's demo (ch04 train.py) reports the mean loss every this many iterations.
BOOK_EVAL_INTERVAL = 2000


def _demo_nn(epochs: int, seed: int):
    """The book's ch04 run through the facade: PTB as the book's word list (``<eos>`` at
    every line end) in the book's vocabulary order, windows over the whole corpus."""
    import numpy as np

    from .datasets import ptb
    from .plot import loss_curve
    from .vocab import Vocab
    from .word2vec import Word2Vec

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
    losses = np.asarray(model.iteration_loss)
    blocks = losses[:losses.size // BOOK_EVAL_INTERVAL * BOOK_EVAL_INTERVAL]
    curve = blocks.reshape(-1, BOOK_EVAL_INTERVAL).mean(axis=1) if blocks.size else losses
    interval = BOOK_EVAL_INTERVAL if blocks.size else 1
    plot = lambda path: loss_curve(curve.tolist(), interval, path=path)
    return model.wv.index_to_key, model.wv.vectors, plot


def _book_progress_line(info) -> None:
    """A progress report as the book's Trainer prints its loss."""
    click.echo(f"| epoch {info.epoch + 1} | {100 * info.fraction:5.1f}% | time "
               f"{info.elapsed:.0f}[s] | loss {info.loss:.2f}")


if __name__ == "__main__":  # pragma: no cover
    from wordvec.__main__ import run

    run(main)
