"""Loading Numba, the compiler of wordvec's kernels, with one clear error when it cannot be.

Importing Numba loads LLVM's shared library (about 100 MB of address space). Under a tight
memory limit (``ulimit -v``, a container) that load fails with an ``OSError`` from deep
inside llvmlite. :func:`require_numba` is called before the first kernel of a run is
imported (reading a corpus, training, reading a large binary vector file), so that failure
is one :class:`CompilerError` line naming the fix instead of a traceback.
"""
from __future__ import annotations

from .errors import WordvecError


class CompilerError(WordvecError):
    """Numba (and LLVM under it) cannot be loaded."""


def require_numba() -> None:
    """Import Numba, or raise :class:`CompilerError`; free once it is loaded."""
    try:
        import numba  # noqa: F401
    except (ImportError, OSError, MemoryError) as exc:
        reason = str(exc).split(". ")[0] or type(exc).__name__
        raise CompilerError(f"cannot load Numba, which compiles wordvec's kernels ({reason}); "
                            "if this process's memory is limited (ulimit -v, a container's "
                            "limit), raise the limit") from None
