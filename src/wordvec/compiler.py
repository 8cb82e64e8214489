"""Loading Numba, the compiler of wordvec's kernels: one clear error when it cannot be, and a
cached kernel loaded with what it needs and no more.

Importing Numba loads LLVM's shared library (about 100 MB of address space). Under a tight
memory limit (``ulimit -v``, a container) that load fails with an ``OSError`` from deep
inside llvmlite. :func:`require_numba` is called before the first kernel of a run is
imported (reading a corpus, training, reading a large binary vector file), so that failure
is one :class:`CompilerError` line naming the fix instead of a traceback.

Every training process loads its kernels from Numba's cache. Numba prepares that load as it
prepares a compilation: it imports and installs all of its lowering registries (about 200
modules, SciPy's ``linalg`` among them) and compiles its runtime's LLVM module (reference
counting, a few functions) through LLVM's optimiser and code generator. Neither is used by
machine code read from a cache, and both are paid by every process: measured on one kernel,
0.25-0.35 s and 53 MiB of resident memory (30 MiB of it LLVM's own code pages, touched by
its compiler). :func:`require_numba` therefore

* loads a cached kernel *of wordvec's* with Numba's runtime initialised but without the
  registries (:func:`_load_cached`); a kernel that is not in the cache is compiled by
  Numba, which loads every registry itself first, as it always does;
* keeps the runtime's machine code in :func:`wordvec.cachedir.cache_root`'s ``numba/``,
  keyed by a digest of its LLVM module, Numba's and llvmlite's versions and the CPU
  (:func:`_runtime_library`), so later processes load it as Numba loads a cached kernel,
  without compiling it.

Where Numba's internals are not as expected, nothing is changed and Numba does what it
always does.
"""
from __future__ import annotations

import hashlib
import os
import stat
import struct
import tempfile
from pathlib import Path

from .errors import WordvecError


class CompilerError(WordvecError):
    """Numba (and LLVM under it) cannot be loaded."""


def require_numba() -> None:
    """Import Numba and prepare the loading of wordvec's cached kernels
    (:func:`_prepare_loading`), or raise :class:`CompilerError`; free once it is loaded."""
    try:
        import numba  # noqa: F401

        _prepare_loading()
    except (ImportError, OSError, MemoryError) as exc:
        reason = str(exc).split(". ")[0] or type(exc).__name__
        raise CompilerError(f"cannot load Numba, which compiles wordvec's kernels ({reason}); "
                            "if this process's memory is limited (ulimit -v, a container's "
                            "limit), raise the limit") from None


_prepared = False
#: The package whose cached kernels :func:`_load_cached` loads without the registries.
_OWN_PACKAGE = __name__.rpartition(".")[0]


def _prepare_loading() -> None:
    """Once per process: route the cache loads of wordvec's kernels through
    :func:`_load_cached` and Numba's runtime compilation through :func:`_runtime_library`."""
    global _prepared
    if _prepared:
        return
    _prepared = True
    try:
        from numba.core import caching
        from numba.core.runtime import nrtdynmod, rtsys

        numba_load = caching.Cache.load_overload
        numba_compile = nrtdynmod.compile_nrt_functions
        for needed in (caching.Cache._load_overload,
                       caching.Cache._guard_against_spurious_io_errors,
                       nrtdynmod.create_nrt_module, rtsys.initialize):
            assert callable(needed)
    except (ImportError, AttributeError, AssertionError):
        return

    def load_overload(cache, sig, target_context):
        if not _is_own(cache):
            return numba_load(cache, sig, target_context)
        return _load_cached(cache, sig, target_context, rtsys)

    def compile_nrt_functions(ctx):
        return _runtime_library(ctx, nrtdynmod, numba_compile)

    caching.Cache.load_overload = load_overload
    nrtdynmod.compile_nrt_functions = compile_nrt_functions


def _is_own(cache) -> bool:
    """Whether a Numba function cache belongs to a function of wordvec's."""
    module = getattr(getattr(cache, "_py_func", None), "__module__", None) or ""
    return module == _OWN_PACKAGE or module.startswith(_OWN_PACKAGE + ".")


def _load_cached(cache, sig, target_context, rtsys):
    """Numba's ``Cache.load_overload`` with the runtime initialised in place of the whole
    ``target_context.refresh()``: machine code read from the cache needs the runtime's
    symbols, not the registries that lower Python to LLVM. ``None`` when not cached."""
    rtsys.initialize(target_context)
    with cache._guard_against_spurious_io_errors():
        return cache._load_overload(sig, target_context)
    return None  # the guard swallowed an I/O error: not cached, as Numba treats it


#: The runtime's cached machine code: this header, then the object code and the bitcode.
_MAGIC = b"wordvec numba runtime 1\n"
_HEADER = struct.Struct("<32s32sQQ")  # key digest, content digest, object bytes, bitcode bytes
#: A runtime file past this is not ours (Numba 0.68's is 6 KB).
_MAX_RUNTIME_BYTES = 1 << 20


def _runtime_library(ctx, nrtdynmod, numba_compile):
    """Numba's runtime library for ``ctx``, loaded from the cache when it holds this exact
    module for this Numba, llvmlite and CPU; else compiled (as Numba does) and stored."""
    try:
        ir_module, library = nrtdynmod.create_nrt_module(ctx)
        codegen = ctx.codegen()
        key = _runtime_key(str(ir_module), codegen.magic_tuple())
    except Exception:  # Numba's internals are not as expected: let it do its own
        return numba_compile(ctx)
    path = _runtime_file(key)
    cached = _read_runtime(path, key)
    if cached is not None:
        return codegen.unserialize_library((library.name, "object", cached))
    library.enable_object_caching()
    library.add_ir_module(ir_module)
    library.finalize()
    _, _, (object_code, bitcode) = library.serialize_using_object_code()
    _write_runtime(path, key, object_code, bitcode)
    return library


def _runtime_key(ir_text: str, magic) -> bytes:
    """What the runtime's machine code depends on, as one SHA-256 digest."""
    import llvmlite
    import numba

    h = hashlib.sha256()
    for part in (numba.__version__, llvmlite.__version__, repr(magic),
                 str(numba.config.OPT), ir_text):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.digest()


def _runtime_file(key: bytes) -> Path:
    """Where the runtime compiled for ``key`` is kept."""
    from .cachedir import cache_root

    return cache_root() / "numba" / f"runtime-{key.hex()[:32]}.bin"


def _read_runtime(path: Path, key: bytes) -> tuple[bytes, bytes] | None:
    """(object code, bitcode) from ``path``, or None unless it is a regular file of this
    user's, at most :data:`_MAX_RUNTIME_BYTES`, with our header, ``key`` and an intact
    content digest (a torn or foreign file is compiled over)."""
    from .inputfile import read_input

    try:
        data = read_input(path, _MAX_RUNTIME_BYTES)
        info = os.stat(path)
    except OSError:
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    head = len(_MAGIC) + _HEADER.size
    if len(data) < head or not data.startswith(_MAGIC):
        return None
    key_seen, digest, n_object, n_bitcode = _HEADER.unpack_from(data, len(_MAGIC))
    body = data[head:]
    if (key_seen != key or len(body) != n_object + n_bitcode
            or hashlib.sha256(body).digest() != digest):
        return None
    return body[:n_object], body[n_object:]


def _write_runtime(path: Path, key: bytes, object_code: bytes, bitcode: bytes) -> None:
    """Store the runtime at ``path`` through a temporary renamed into place, readable by this
    user only; a cache that cannot be written is left unwritten (the next run compiles)."""
    body = object_code + bitcode
    header = _MAGIC + _HEADER.pack(key, hashlib.sha256(body).digest(), len(object_code),
                                   len(bitcode))
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(header + body)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
