"""``wordvec train``: training from the command line, its progress bar, checkpoints, resuming
and the writing of its output."""
from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from pathlib import Path

import click

from ..config import MAX_WORDS
from ..signals import interrupt_code, signal_name, work_done
from .base import (
    FORMATS,
    SUFFIX_FORMATS,
    UserError,
    _check_output_file,
    _output_format,
    _with_option_names,
    config_options,
    main,
)


def _shows_bars(quiet: bool) -> bool:
    """Whether progress bars are drawn: not with -q, and only on a terminal. Decided here,
    not by tqdm's ``disable=None``, because tqdm starts its monitor thread even for a bar
    it then disables (a thread reserves stack and malloc arena: address space a run under
    RLIMIT_AS may not have)."""
    return not quiet and sys.stderr is not None and sys.stderr.isatty()


class RateMeter:
    """A rate of words per second smoothed over about ``window`` seconds (an exponential
    moving average weighted by time), and the time left at that rate: one slow or fast
    report moves it by its share of the window only, so the ETA does not jump. It counts
    from the first report it is given, so a resumed run's rate is of the words trained in
    this run, not of those a checkpoint holds."""

    def __init__(self, window: float = 10.0):
        self.window = window
        self.rate = float("nan")
        self._last: tuple[int, float] | None = None

    def update(self, words_done: int, elapsed: float, words_per_sec: float) -> float:
        """A report at ``elapsed`` seconds with ``words_done``; ``words_per_sec`` (the
        trainer's rate since its start) seeds the average at the first report."""
        if self._last is None:
            self.rate = words_per_sec
        else:
            words, seconds = words_done - self._last[0], elapsed - self._last[1]
            if seconds > 0:
                weight = 1.0 - math.exp(-seconds / self.window)
                self.rate += weight * (words / seconds - self.rate)
        self._last = (words_done, elapsed)
        return self.rate

    def eta(self, words_left: int) -> float:
        """Seconds to train ``words_left`` more words at the smoothed rate (inf if none)."""
        return words_left / self.rate if self.rate > 0 else float("inf")


def _clock(seconds: float) -> str:
    """``seconds`` as m:ss or h:mm:ss; '?' when unknown."""
    if not math.isfinite(seconds):
        return "?"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _ProgressBar:
    """A tqdm bar over raw corpus words fed by the trainer's progress reports, showing the
    epoch, a smoothed rate and the time left (:class:`RateMeter`) and the loss; silent when
    stderr is not a terminal. The bar appears at the first report
    (starting where a resumed run starts), so the lines printed before training (warnings,
    the memory estimate) are not broken by it."""

    def __init__(self, quiet: bool, epochs: int = 0, worker_rates: bool = False):
        self.shown, self.epochs = _shows_bars(quiet), epochs
        self.worker_rates = worker_rates
        self.meter = RateMeter()
        self._bar = None

    def _open(self, info, text: str):
        from tqdm import tqdm

        return tqdm(total=info.total_words, initial=info.words_done, unit="w",
                    unit_scale=True, dynamic_ncols=True, leave=False, postfix=text,
                    bar_format="{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{postfix}")

    def __call__(self, info) -> None:
        rate = self.meter.update(info.words_done, info.elapsed, info.words_per_sec)
        if not self.shown:
            return
        text = self.describe(info, rate)
        if self._bar is None:
            self._bar = self._open(info, text)
        # The text first: update() draws the line, and it must draw this report's.
        self._bar.set_postfix_str(text, refresh=False)
        self._bar.update(info.words_done - self._bar.n)

    def describe(self, info, rate: float) -> str:
        """The text beside the bar: epoch E/N, words/s, time left, learning rate, loss, and
        when asked each cluster worker's words/s over its last interval."""
        epochs = f"/{self.epochs}" if self.epochs else ""
        loss = "-" if info.loss != info.loss else f"{info.loss:.3f}"
        speed = _si(rate) if math.isfinite(rate) else "?"
        left = _clock(self.meter.eta(info.total_words - info.words_done))
        text = (f"epoch {info.epoch + 1}{epochs}, {speed} w/s, {left} left, "
                f"lr {info.alpha:.5f}, loss {loss}")
        if self.worker_rates and info.worker_rates:
            text += f"; workers {' '.join(_si(r) for r in info.worker_rates)} w/s"
        return text

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class _BytesBar:
    """A tqdm bar of the bytes read of a corpus (``report(done, total)`` from
    :func:`wordvec.corpus.reading_progress`), shown while it runs, gone after; none when
    stderr is not a terminal."""

    def __init__(self, desc: str, quiet: bool):
        self.desc, self.shown = desc, _shows_bars(quiet)
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                             desc=self.desc, dynamic_ncols=True, leave=False)
        self._bar.update(done - self._bar.n)

    def __enter__(self) -> _BytesBar:
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.close()


def _si(value: float) -> str:
    """A positive number in at most 4 digits with k/M/G (1.23M)."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:.0f}"


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
@click.option("--classes", type=click.IntRange(1, MAX_WORDS),
              help="write K word classes instead of the vectors: word2vec.c's -classes "
                   "k-means over the trained vectors, 'word class' lines to -o")
@click.option("--save-vocab", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the vocabulary, word2vec.c's 'word count' lines "
                   "(-save-vocab), </s> first with the corpus's newline count")
@click.option("--read-vocab", type=click.Path(dir_okay=False, path_type=Path),
              help="take the vocabulary from a word2vec.c vocabulary file instead of "
                   "counting the corpus (-read-vocab); --min-count applies to it")
@click.option("--worker-rates", is_flag=True,
              help="with --cluster: each worker's words/s beside the progress bar, and "
                   "after the run each one's rate, the synchronisations and the bytes each "
                   "one moved")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar, no summary")
def train(corpus, out, fmt, quiet, checkpoint_dir, checkpoint_every, resume_dir, classes,
          save_vocab, read_vocab, worker_rates, **config):
    """Train word vectors on CORPUS (files, folders, .gz/.bz2/.xz files; - for standard
    input).

    Text is whitespace-separated tokens, one sentence per line; lines longer than 10,000
    words are cut, every word is kept. With --checkpoint-dir, Ctrl-C saves the training
    state and 'wordvec train --resume DIR' finishes it; a finished run removes its checkpoint.
    Standard input is read once, into a temporary file (counting and training each read the
    corpus), removed at the end.

    \b
    Examples:
      wordvec train text8 -o vectors.bin
      zcat corpus.gz | wordvec train - -o vectors.bin
      wordvec train text8 --classes 500 -o classes.txt --save-vocab vocab.txt
      wordvec train corpus/ --model skipgram --dim 300 --epochs 10 -o model.npz
      wordvec train text8 -o vectors.bin --checkpoint-dir ckpt/
      wordvec train --resume ckpt/
    """
    from ..word2vec import Word2Vec

    if resume_dir is not None:
        _refuse_options_with_resume(click.get_current_context())
        _resume(resume_dir, out, fmt, checkpoint_every, quiet)
        return
    if not corpus or out is None:
        raise UserError("give the CORPUS to train on and -o OUTPUT, or --resume DIR")
    # Everything is checked before the corpus is read: the options, then every path written.
    fmt = _classes_format(classes, fmt, checkpoint_dir) or _output_format(out, fmt)
    model = Word2Vec(**config)
    if checkpoint_dir is not None and model.config.backend != "engine":
        raise UserError("--checkpoint-dir needs --backend engine")
    if worker_rates and model.config.cluster is None:
        raise UserError("--worker-rates reports the workers of a cluster run; add --cluster "
                        "auto, or leave --worker-rates out")
    sources = [str(p) for p in corpus]
    if STDIN in sources and model.config.cluster is not None:
        raise UserError("a cluster run reads its corpus from files, which each worker reads "
                        "its shard of; standard input cannot be cut into shards: save it to "
                        "a file first")
    _check_stdin(sources, checkpoint_dir)
    files_read = [s for s in sources if s != STDIN]
    _check_output(out, files_read, checkpoint_dir)
    _check_vocab_files(save_vocab, read_vocab, out, files_read, model.config)
    started = time.time()

    def train_model(bar):
        with _stdin_spilled(sources) as files:
            source = files if len(files) > 1 else files[0]
            _vocabulary(model, source, save_vocab, read_vocab, quiet)
            _report_memory(model.memory_estimate, quiet)
            return model.fit(source, progress=bar, checkpoint_dir=checkpoint_dir,
                             checkpoint_every=checkpoint_every,
                             checkpoint_extra={"output": str(out.absolute()), "format": fmt})

    with _checkpoint_folder(checkpoint_dir, sources, new_run=True):
        _train_and_write(train_model, out, fmt, quiet, checkpoint_dir,
                         lambda: _saved_since(checkpoint_dir, started), model.config.epochs,
                         worker_rates=worker_rates)
        if _saved_since(checkpoint_dir, started):
            _remove_finished_checkpoint(checkpoint_dir, quiet)
    if worker_rates:
        _print_worker_rates(model.train_stats)


class _Classes(str):
    """The output format of ``--classes K``: "classes", with ``k``."""

    def __new__(cls, k: int):
        value = super().__new__(cls, "classes")
        value.k = k
        return value


def _classes_format(classes, fmt, checkpoint_dir):
    """``--classes K`` as the output format (None without it); it writes no vectors, so
    --format and --checkpoint-dir do not go with it."""
    if classes is None:
        return None
    if fmt is not None:
        raise UserError("--classes writes word classes, not vectors: leave out --format")
    if checkpoint_dir is not None:
        raise UserError("--classes does not go with --checkpoint-dir: write the vectors "
                        "(e.g. -o model.npz), then 'wordvec classes model.npz -k "
                        f"{classes} -o classes.txt'")
    return _Classes(classes)


def _check_vocab_files(save_vocab, read_vocab, out: Path, corpus: list, config) -> None:
    """Before anything is read: --save-vocab can be written, destroys no input and is not
    the output; --read-vocab comes without the counting options it replaces."""
    from ..config import TrainConfig
    from ..outputs import refuse_overlap

    if save_vocab is not None:
        if os.path.abspath(save_vocab) == os.path.abspath(out):
            raise UserError("--save-vocab and -o/--output name the same file: give two")
        refuse_overlap(save_vocab, corpus + ([str(read_vocab)] if read_vocab else []),
                       option="--save-vocab")
        _check_output_file(save_vocab)
    if read_vocab is not None:
        counting = [f"--{name.replace('_', '-')}" for name in
                    ("max_vocab", "max_final_vocab", "prune_at")
                    if getattr(config, name) != getattr(TrainConfig(), name)]
        if counting:
            raise UserError(f"--read-vocab takes the vocabulary as the file gives it; "
                            f"{', '.join(counting)} would not apply: leave "
                            f"{'it' if len(counting) == 1 else 'them'} out")


def _vocabulary(model, source, save_vocab, read_vocab, quiet: bool) -> None:
    """Count the corpus into ``model`` (or read --read-vocab), with a bar of the bytes read,
    then write --save-vocab."""
    from ..corpus import reading_progress
    from ..vocabfile import count_newlines
    from ..vocabfile import read_vocab as read_vocab_file
    from ..vocabfile import save_vocab as write

    if read_vocab is not None:
        model.vocab = read_vocab_file(read_vocab, min_count=model.config.min_count)
        model.check_memory()
    else:
        with _BytesBar("counting", quiet) as bar, reading_progress(source, bar):
            model.build_vocab(source)
    if save_vocab is not None:
        write(save_vocab, model.vocab, newlines=count_newlines(source))


#: The corpus name that stands for standard input.
STDIN = "-"
#: Bytes copied from standard input at a time.
_SPILL_BLOCK = 1 << 20


def _check_stdin(sources: list, checkpoint_dir) -> None:
    """Standard input is one corpus at most, and cannot be resumed from a checkpoint (it is
    gone once read)."""
    if sources.count(STDIN) > 1:
        raise UserError("the corpus - (standard input) is given more than once; give it once")
    if STDIN in sources and checkpoint_dir is not None:
        raise UserError("--checkpoint-dir needs a corpus that can be read again to resume, "
                        "not - (standard input); save it to a file and train on that")


@contextlib.contextmanager
def _stdin_spilled(sources: list):
    """``sources`` with - replaced by a temporary file holding standard input, copied once
    in blocks of :data:`_SPILL_BLOCK` bytes (memory stays bounded; the disk holds the
    corpus) into the system's temporary folder, and removed on leaving."""
    if STDIN not in sources:
        yield sources
        return
    import shutil
    import tempfile

    from ..io.atomic import temporary_file

    with temporary_file(tempfile.gettempdir(), "stdin-corpus") as (path, f):
        try:
            shutil.copyfileobj(sys.stdin.buffer, f, _SPILL_BLOCK)
            f.flush()
        except OSError as exc:
            raise UserError(f"cannot copy standard input to {path}: "
                            f"{exc.strerror or exc}; free disk space there or train on a "
                            "file") from None
        yield [path if s == STDIN else s for s in sources]


def _report_memory(estimate, quiet: bool) -> None:
    from ..memory import available_memory

    if not quiet:
        click.echo(f"memory: {estimate.describe(available_memory())}", err=True)


def _check_output(out: Path, corpus: list, checkpoint_dir) -> None:
    """Before anything is read: ``out`` can be written (:func:`_check_output_file`), is no
    corpus file, lies in no corpus folder, and is not the checkpoint folder's own file."""
    from ..checkpoint import checkpoint_path
    from ..folderlock import PID_FILE
    from ..outputs import refuse_overlap

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
    from ..checkpoint import checkpoint_path
    from ..folderlock import folder_lock
    from ..io.atomic import check_output_path, remove_stale_temporaries
    from ..outputs import refuse_overlap

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
                     checkpoint_kept, epochs: int, resumed: bool = False,
                     worker_rates: bool = False) -> None:
    """``train_model(progress)`` -> a trained model of ``epochs`` epochs (``resumed`` from a
    checkpoint), then write it to ``out``, then the summary. An interrupt exits 128 + its
    signal, naming the checkpoint if one is kept (``checkpoint_kept()``); an error says so
    too; a failed write keeps the model. ``worker_rates``: the bar shows a cluster's
    workers' rates."""
    from ..errors import WordvecError

    bar = _ProgressBar(quiet, epochs, worker_rates)
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
    _summary(model, out, fmt, quiet, resumed)


def _remove_own_temporaries(out: Path, checkpoint_dir) -> None:
    """A stopping run removes its own temporaries where it writes (beside ``out``, in the
    checkpoint folder, encoding's spill in the system's temporary folder): a signal can land
    between creating one and the code that would remove it."""
    import tempfile

    from ..io.atomic import remove_stale_temporaries

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
    from ..checkpoint import checkpoint_path

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
    from ..checkpoint import checkpoint_path

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
    from ..checkpoint import load_checkpoint
    from ..word2vec import Word2Vec

    with _checkpoint_folder(resume_dir, [], new_run=False):
        ckpt = load_checkpoint(resume_dir)
        out, fmt = _resume_output(ckpt, out, fmt, resume_dir)
        click.echo(f"resuming {ckpt.path}: the vectors go to {out} ({fmt})", err=True)

        def train_model(bar):
            return Word2Vec.resume(ckpt, progress=bar, checkpoint_every=checkpoint_every,
                                   on_memory_estimate=lambda e: _report_memory(e, quiet))

        _train_and_write(train_model, out, fmt, quiet, resume_dir, lambda: True,
                         ckpt.config.epochs, resumed=True)
        _remove_finished_checkpoint(resume_dir, quiet)


def _resume_output(ckpt, out, fmt, resume_dir) -> tuple[Path, str]:
    """The output of a resumed run: -o and --format when given; else what the checkpoint
    says, which is untrusted: its path must pass every check -o passes, its suffix must
    match its format, and it may replace only a file wordvec wrote."""
    from ..outputs import is_own_file

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


def _summary(model, out: Path, fmt: str, quiet: bool, resumed: bool) -> None:
    """One line: the corpus and epochs, the time and rate of this run's training (of the
    words trained in this process, fresh or resumed), the vocabulary, the last loss and
    what was written."""
    if quiet:
        return
    cfg = model.config
    loss = model.loss_history[-1] if model.loss_history else float("nan")
    rate = _si(model.words_trained / max(model.train_seconds, 1e-9))
    timing = f"in {model.train_seconds:.1f} s ({rate} words/s)"
    if resumed:
        share = model.words_trained / max(model.vocab.raw_words * cfg.epochs, 1)
        timing = f"(the last {share:.0%} resumed) {timing}"
    click.echo(f"trained {cfg.model} on {model.vocab.raw_words:,} words, {cfg.epochs} "
               f"epoch{'s' if cfg.epochs != 1 else ''} {timing}; vocabulary "
               f"{len(model.vocab):,}, loss {loss:.3f}; wrote {out} ({fmt})", err=True)


def _print_worker_rates(stats: dict) -> None:
    """A cluster run's figures (``Word2Vec.train_stats``), one line."""
    rates = ", ".join(f"{k}: {rate:,.0f}" for k, rate in enumerate(stats["worker_words_per_sec"]))
    click.echo(f"workers' words/s {rates}; {stats['syncs']:,} synchronisations, each "
               f"{stats['bytes_down_per_sync'] / 2**20:,.1f} MiB to the workers and "
               f"{stats['bytes_up_per_sync'] / 2**20:,.1f} MiB back", err=True)


def _write_output(model, out: Path, fmt: str, checkpoint_dir) -> None:
    """Write the trained vectors, after which a stop signal no longer stops the command
    (:func:`wordvec.signals.work_done`); when writing fails (a full disk, a vanished folder),
    the model is saved elsewhere (:func:`wordvec.outputs.rescue_model`) and the one-line
    error says where and how to get the vectors out: hours of training are never thrown
    away."""
    from ..errors import WriteError
    from ..outputs import rescue_model

    try:
        _save(model, out, fmt)
        work_done()
    except WriteError as exc:
        kept, failures = rescue_model(model, out, checkpoint_dir)
        if kept is None:
            where = ("the trained model could not be saved anywhere else either ("
                     + "; ".join(failures) + ")")
        elif isinstance(fmt, _Classes):
            where = (f"the trained model is saved in {kept} instead: write its classes with "
                     f"'wordvec classes {kept} -k {fmt.k} -o {out}'")
        elif fmt == "native":
            where = f"the trained model is saved in {kept} instead: move it where you want it"
        else:
            where = (f"the trained model is saved in {kept} instead: write the vectors with "
                     f"'wordvec export {kept} -o {out}'")
        raise UserError(f"{exc}; {where}") from exc


def _save(model, out: Path, fmt: str) -> None:
    from ..io.word2vec_format import save_word2vec_format

    if isinstance(fmt, _Classes):
        from ..classes import kmeans_classes, write_classes

        write_classes(out, model.wv.index_to_key, kmeans_classes(model.wv.vectors, fmt.k))
    elif fmt == "native":
        model.save(out)
    else:
        save_word2vec_format(out, model.wv.index_to_key, model.wv.vectors,
                             binary=fmt == "word2vec")
