"""Where a run may write, decided before anything is read, and where a trained model goes
when it cannot be written where it was asked.

- :func:`refuse_overlap`: an output (a file, or a folder written into) is never a corpus file
  (the same device and inode, through links too) and never inside a corpus folder (the next
  run would train on it).
- :func:`is_own_file`: whether an existing file is one of the formats wordvec writes, so that
  a path taken from a checkpoint (untrusted) never replaces anything else.
- :func:`rescue_model`: after training, a model whose output could not be written is saved
  as a native model in the first of a few fixed places that takes it (beside the output, the
  checkpoint folder, the user cache, the system's temporary folder): never an input's choice.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from .cachedir import cache_root
from .errors import WordvecError, WriteError
from .inputfile import open_input

__all__ = ["OutputError", "is_own_file", "refuse_overlap", "rescue_model"]


class OutputError(WordvecError):
    """An output that may not be written where it was asked: it is a corpus file, lies in a
    corpus folder, or would replace a file wordvec did not write."""


def _corpus_files(corpus) -> list[str]:
    from .corpus import file_stats

    return [path for path, _, _ in file_stats(corpus) or []]


def refuse_overlap(target, corpus: list, *, option: str) -> None:
    """Raise :class:`OutputError` when writing ``target`` could destroy or feed the corpus.

    target: the file to write, or the folder written into; corpus: the corpus paths as
    given (files or folders); option: the option that named ``target``, for the message.
    Refused: ``target`` is the same file as a corpus file (same device and inode), or lies
    in a corpus folder. A missing corpus raises the reader's
    :class:`~wordvec.corpus.CorpusError`, as reading it would.
    """
    real = os.path.realpath(target)
    for source in corpus:
        if os.path.isdir(source):
            root = os.path.realpath(source)
            if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
                raise OutputError(f"{option} {target} lies inside the corpus folder {source}: "
                                  "the next run would train on it; write it elsewhere")
    try:
        here = os.stat(target)
    except OSError:
        return                      # nothing there yet: no corpus file can be it
    for path in _corpus_files(corpus):
        st = os.stat(path)
        if (st.st_dev, st.st_ino) == (here.st_dev, here.st_ino):
            raise OutputError(f"{option} {target} is the corpus file {path}: writing it "
                              "would destroy the corpus; choose another output")


def is_own_file(path) -> bool:
    """Whether ``path`` holds a format wordvec writes: a native model (a zip archive with a
    ``meta.npy`` member) or a word2vec file (first line ``count dim``). Reads at most the
    first line and the zip's directory."""
    import zipfile

    try:
        with open_input(path) as f:
            head = f.read(256)
            if head.startswith(b"PK\x03\x04"):
                with zipfile.ZipFile(f) as zf:
                    return "meta.npy" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    line, newline, _ = head.partition(b"\n")
    parts = line.split()
    return bool(newline) and len(parts) == 2 and all(p.isdigit() for p in parts)


def _rescue_folders(out: Path, checkpoint_dir) -> list[Path]:
    folders = [out.parent if str(out.parent) else Path(".")]
    if checkpoint_dir is not None:
        folders.append(Path(checkpoint_dir))
    folders += [cache_root() / "rescued",
                Path(tempfile.gettempdir())]
    return folders


def rescue_model(model, out, checkpoint_dir=None) -> tuple[Path | None, list[str]]:
    """Save ``model`` (a trained :class:`~wordvec.word2vec.Word2Vec`) as a native model in
    the first folder that takes it: beside ``out``, in ``checkpoint_dir``, in the user cache
    (``rescued/``), in the system's temporary folder. Returns (the path written or None,
    why each folder failed)."""
    out = Path(out)
    name = f"{out.stem}.rescued-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.npz"
    failures = []
    for folder in _rescue_folders(out, checkpoint_dir):
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            model.save(path)
        except (WriteError, OSError) as exc:
            failures.append(f"{folder}: {getattr(exc, 'cause', None) or exc}")
            continue
        return path, failures
    return None, failures
