"""Atheris fuzz harness for wordvec's vector-file readers (project issue 6).

Each input is written, as is, to a file on tmpfs and handed to every reader:
``load`` (told by content), ``load_word2vec_format`` with ``binary=None/True/False``,
``unicode_errors='strict'/'replace'/'ignore'`` and a ``limit``, and ``load_model`` (with and
without ``mmap``). The only exception any of them may raise is ``VectorFileError``; anything
else (IndexError, MemoryError, OverflowError, ...) is a crash, and so is a hang (libFuzzer's
``-timeout``). The address space is capped (``FUZZ_AS_LIMIT_MB``, default 4096) so that a
header that makes a reader allocate a huge array fails loudly as a MemoryError instead of
passing unnoticed.

Run it from the repository root (atheris installed in the venv)::

    . .venv/bin/activate
    python fuzz/fuzz_vectors.py -max_total_time=180 -timeout=10 work_corpus/ tests/fuzz_corpus/

libFuzzer writes new interesting inputs into the *first* folder (keep a scratch folder
first, so tests/fuzz_corpus stays small) and a crashing input to ``./crash-<sha1>``. Keep
crashing inputs, once fixed, in ``tests/fuzz_corpus/``: ``tests/test_properties.py`` replays
every file there through the same readers. Replay one input without fuzzing::

    python fuzz/fuzz_vectors.py crash-<sha1>
"""
from __future__ import annotations

import atexit
import os
import resource
import sys
import tempfile
import warnings

import atheris

import inspect
import zipfile

import numpy as np

from wordvec import io as wio


def _instrument(namespace, skip=()):
    """Instrument the Python functions (and class methods) defined in a module, in place.
    Not ``instrument_imports``: Numba cannot compile instrumented bytecode, so the kernel's
    Python reference ``_scan_binary_rows`` stays as it is."""
    for name, obj in list(vars(namespace).items()):
        if name in skip:
            continue
        if inspect.isfunction(obj) and obj.__module__ == namespace.__name__:
            atheris.instrument_func(obj)
        elif inspect.isclass(obj) and obj.__module__ == namespace.__name__:
            for member in vars(obj).values():
                if inspect.isfunction(member):
                    atheris.instrument_func(member)


_instrument(wio, skip={"_scan_binary_rows"})
_instrument(zipfile)
_instrument(np.lib.format)

_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") else None
_FD, _PATH = tempfile.mkstemp(prefix="wordvec-fuzz-", suffix=".bin", dir=_FOLDER)
os.close(_FD)
atexit.register(lambda: os.path.exists(_PATH) and os.unlink(_PATH))

# (binary, unicode_errors, limit) combinations tried on each input.
_W2V_CALLS = (
    (None, "strict", None),
    (True, "strict", None),
    (False, "strict", None),
    (None, "replace", None),
    (True, "ignore", 1),
    (False, "replace", 2),
)


def check_bytes(data: bytes, path: str) -> None:
    """Write ``data`` to ``path`` and run every reader on it: load or VectorFileError."""
    with open(path, "wb") as f:
        f.write(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # repeated words, compressed members: fine
        calls = [lambda: wio.load(path), lambda: wio.load_model(path),
                 lambda: wio.load_model(path, mmap=True)]
        calls += [lambda b=b, u=u, n=n: wio.load_word2vec_format(path, binary=b,
                                                                  unicode_errors=u, limit=n)
                  for b, u, n in _W2V_CALLS]
        for call in calls:
            try:
                result = call()
            except wio.VectorFileError:
                continue
            del result                           # drop any memory map before rewriting


def TestOneInput(data: bytes) -> None:
    check_bytes(data, _PATH)


def main() -> None:
    limit = int(os.environ.get("FUZZ_AS_LIMIT_MB", "4096")) << 20
    check_bytes(b"1 2\na \x00\x00\x80?\x00\x00\x00@\n", _PATH)   # compile the kernel first
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
