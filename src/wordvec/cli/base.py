"""What every command shares: the command group and its error handling, the options built
from :class:`~wordvec.config.TrainConfig`, output checks, vector loading and printing."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
import warnings
from pathlib import Path

import click

from .. import __version__
from ..config import TrainConfig, range_text
from ..signals import say_interrupted, stop_signals_raise

FORMATS = ("word2vec", "word2vec-text", "native")
SUFFIX_FORMATS = {".bin": "word2vec", ".txt": "word2vec-text", ".vec": "word2vec-text",
                  ".npz": "native"}


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
            raise click.exceptions.Exit(say_interrupted(exc)) from None
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None

    def invoke(self, ctx):
        from ..errors import WordvecError

        try:
            with stop_signals_raise(), _warnings_as_lines():
                return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None
        except WordvecError as exc:
            raise UserError(_with_option_names(str(exc))) from exc
        except KeyboardInterrupt as exc:
            raise click.exceptions.Exit(say_interrupted(exc)) from None
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
    """Train and use word vectors: word2vec (CBOW, skip-gram) with negative sampling or
    hierarchical softmax."""


_CLICK_TYPES = {"int": click.INT, "float": click.FLOAT, "str": click.STRING,
                "int | None": click.INT, "float | None": click.FLOAT, "str | None": click.STRING}


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
    from ..io.atomic import check_output_path, remove_stale_temporaries

    check_output_path(out)
    remove_stale_temporaries(out.parent if str(out.parent) else Path("."))


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
    from ..checkpointing import CheckpointWriteWarning
    from ..corpus import InvalidUTF8Warning, LongWordWarning
    from ..vocab import VocabPrunedWarning
    from ..word2vec import NoExamplesWarning

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


def _load_vectors(path: Path, mmap: bool = False):
    from ..io.errors import VectorFileError
    from ..io.loader import load

    try:
        return load(path, mmap=mmap)
    except FileNotFoundError:
        raise UserError(f"vector file not found: {path}") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a vector file") from None
    except VectorFileError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror or exc}") from None


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
