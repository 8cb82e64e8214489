"""Penn Treebank as "Deep Learning from Scratch 2" loads it (the book's ``dataset/ptb.py``).

``load_data(data_type)`` returns ``(corpus, word_to_id, id_to_word)`` exactly as the book's
loader does, except that ``corpus`` is int32 (the book's is int64).

Where the files come from, first match wins:

1. ``$WORDVEC_DATA/ptb.<type>.txt``, a folder you already have (never checked or written);
2. the cache, ``$WORDVEC_CACHE/ptb/`` or else ``platformdirs.user_cache_dir("wordvec")/ptb/``;
3. a download from the mirror the book uses (``url_base=``, else ``$WORDVEC_PTB_URL``, else
   :data:`URL_BASE`) into the cache, kept only if its SHA-256 matches :data:`SHA256`.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from ..cachedir import cache_root
from ..errors import WordvecError
from ..inputfile import read_input

__all__ = ["load_data", "path", "cache_dir", "DatasetError", "DownloadError", "URL_BASE",
           "SHA256"]

log = logging.getLogger(__name__)

URL_BASE = "https://raw.githubusercontent.com/tomsercu/lstm/master/data/"

FILES = {"train": "ptb.train.txt", "valid": "ptb.valid.txt", "test": "ptb.test.txt"}

# Checksums of the widely mirrored Mikolov files (git blob 04d78dc9 for train); a download
# that differs is a different corpus, and results on it would not compare with the book's.
SHA256 = {
    "ptb.train.txt": "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
    "ptb.valid.txt": "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
    "ptb.test.txt": "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0",
}

_TIMEOUT_S = 60
_CHUNK = 1 << 16
#: The most bytes read from one PTB file (ptb.train.txt has 5,101,618); a file of
#: $WORDVEC_DATA is not checked against SHA256, so its size is bounded before it is read.
MAX_FILE_BYTES = 64 << 20


class DownloadError(WordvecError, RuntimeError):
    """A PTB file could not be downloaded, or the download did not match its checksum."""


class DatasetError(WordvecError, ValueError):
    """A PTB file cannot be read as PTB: unreadable, too large, not UTF-8 text, or with words
    outside the train split's vocabulary (a ValueError, which the book's loader raises)."""


def _file_name(data_type: str) -> str:
    if data_type == "val":  # the book's alias
        data_type = "valid"
    if data_type not in FILES:
        raise ValueError(f"unknown PTB data_type {data_type!r}: use 'train', 'valid' "
                         "(or 'val') or 'test'")
    return FILES[data_type]


def cache_dir() -> Path:
    """The folder that downloads go to: ``$WORDVEC_CACHE/ptb`` or the user cache's ``ptb``."""
    return cache_root() / "ptb"


def path(data_type: str = "train", *, url_base: str | None = None) -> Path:
    """Local path of ``ptb.<data_type>.txt``, downloading it into :func:`cache_dir` if needed.

    ``data_type`` is 'train', 'valid' ('val') or 'test'. The search order is in the module
    docstring; ``url_base`` overrides ``$WORDVEC_PTB_URL`` and the book's mirror.
    """
    name = _file_name(data_type)
    folder = os.environ.get("WORDVEC_DATA")
    if folder and (Path(folder) / name).is_file():
        return Path(folder) / name
    cached = cache_dir() / name
    if cached.is_file():  # only ever renamed into place after its checksum matched
        return cached
    base = url_base or os.environ.get("WORDVEC_PTB_URL") or URL_BASE
    _download(base.rstrip("/") + "/" + name, cached)
    return cached


def _download(url: str, dest: Path) -> None:
    """Fetch ``url`` into ``dest`` via a temporary file in the same folder, checksum first.

    The rename is atomic, so ``dest`` is either absent or complete and verified, even if the
    process dies mid-download or two processes download at once.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    log.info("downloading %s to %s", url, dest)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            got = _fetch(url, out, dest.name)
        expected = SHA256[dest.name]
        if got != expected:
            raise DownloadError(
                f"{dest.name} downloaded from {url} has SHA-256 {got}, expected {expected}: "
                "the mirror serves a different or damaged file; set WORDVEC_DATA to a folder "
                "holding the original PTB files, or WORDVEC_PTB_URL to another mirror")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _fetch(url: str, out, name: str) -> str:
    """Stream ``url`` into the binary file ``out``; return the SHA-256 hex digest."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response:
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except (urllib.error.URLError, OSError) as exc:  # HTTPError, refused, DNS, timeout
        # HTTPError's own text carries the status ("HTTP Error 404: Not Found").
        reason = exc if isinstance(exc, urllib.error.HTTPError) else getattr(exc, "reason", exc)
        raise DownloadError(
            f"could not download {name} from {url} ({reason}): check the network, or set "
            "WORDVEC_DATA to a folder holding ptb.train.txt, ptb.valid.txt and ptb.test.txt"
        ) from exc
    return digest.hexdigest()


def _words(file: Path) -> list[str]:
    # As the book: a line end becomes '<eos>' glued to nothing, then whitespace splits it off
    # (PTB lines start and end with a space, so '<eos>' stands alone).
    try:
        text = read_input(file, MAX_FILE_BYTES).decode("utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot read {file}: {exc.strerror or exc}; set WORDVEC_DATA to a "
                           "folder holding the PTB files") from None
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start}), so "
                           "not a PTB file; set WORDVEC_DATA to a folder holding the PTB "
                           "files") from None
    return text.replace("\n", "<eos>").strip().split()


def load_vocab(*, url_base: str | None = None) -> tuple[dict[str, int], dict[int, str]]:
    """``(word_to_id, id_to_word)`` of ``ptb.train.txt``, ids in order of first appearance.

    10,000 words including '<eos>' (and '<unk>', a word like any other).
    """
    word_to_id: dict[str, int] = {}
    for word in _words(path("train", url_base=url_base)):
        word_to_id.setdefault(word, len(word_to_id))
    return word_to_id, {i: w for w, i in word_to_id.items()}


def load_data(data_type: str = "train", *, url_base: str | None = None
              ) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """The book's ``load_data``: ``(corpus, word_to_id, id_to_word)`` for one PTB split.

    corpus: (N,) int32, the ids of the split's words with '<eos>' at every line end
        (N = 929,589 for train, 73,760 for valid, 82,430 for test);
    word_to_id: dict str -> int and id_to_word: dict int -> str, always the vocabulary of
        the train split (10,000 words), whatever ``data_type`` is, as the book does.

    ``data_type`` is 'train', 'valid' ('val') or 'test'; anything else raises ValueError.
    A file that cannot be read as PTB (unreadable, over :data:`MAX_FILE_BYTES`, not UTF-8,
    words outside the train split's vocabulary) raises :class:`DatasetError`, one line
    naming it.
    """
    name = _file_name(data_type)  # validate before any download
    word_to_id, id_to_word = load_vocab(url_base=url_base)
    words = _words(path(data_type, url_base=url_base))
    try:
        corpus = np.fromiter((word_to_id[w] for w in words), dtype=np.int32, count=len(words))
    except KeyError as exc:
        raise DatasetError(f"word {exc.args[0]!r} of {name} is not in the vocabulary of "
                         "ptb.train.txt: the files are not one PTB release; use the three "
                         "files from one source") from None
    return corpus, word_to_id, id_to_word
