"""Loading Numba, the compiler of wordvec's kernels, with one clear error when it cannot be.

Importing Numba loads LLVM's shared library (about 100 MB of address space). Under a tight
memory limit (``ulimit -v``, a container) that load fails with an ``OSError`` from deep
inside llvmlite. :func:`require_numba` is called before the first kernel of a run is
imported (reading a corpus, training, reading a large binary vector file), so that failure
is one :class:`CompilerError` line naming the fix instead of a traceback.
"""
from __future__ import annotations

import sys

from .errors import WordvecError


class CompilerError(WordvecError):
    """Numba (and LLVM under it) cannot be loaded."""


def require_numba() -> None:
    """Import Numba and load its registries (:func:`_load_registries`), or raise
    :class:`CompilerError`; free once it is loaded."""
    try:
        import numba  # noqa: F401

        _load_registries()
    except (ImportError, OSError, MemoryError) as exc:
        reason = str(exc).split(". ")[0] or type(exc).__name__
        raise CompilerError(f"cannot load Numba, which compiles wordvec's kernels ({reason}); "
                            "if this process's memory is limited (ulimit -v, a container's "
                            "limit), raise the limit") from None


#: The module Numba's registries import, when SciPy is installed, to offer BLAS to compiled
#: ``np.dot`` (``numba.np.arraymath._check_blas``): it brings in all of ``scipy.linalg``.
_BLAS_PROBE = "scipy.linalg.cython_blas"
_registries_loaded = False


def _load_registries() -> None:
    """Load Numba's CPU registries now, as the first compilation or cache load would, with
    ``scipy.linalg`` hidden while they load: no kernel of wordvec's calls BLAS, and loading
    SciPy's cost every training process time and memory (measured: the first cached call
    0.42-0.52 s and +65 MiB with it, 0.24-0.26 s and +50 MiB without; a whole small
    ``wordvec train`` 1.49-1.69 s and 175 MiB peak with it, 1.12-1.42 s and 161 MiB
    without, five runs each). Compiled code that
    does use BLAS still gets it: Numba imports SciPy when it first types ``np.dot`` of
    matrices, once the probe is visible again. Where SciPy is already imported, or Numba's
    internals are not as expected, nothing is hidden and Numba loads them itself later."""
    global _registries_loaded
    if _registries_loaded:
        return
    try:
        from numba.core.registry import cpu_target

        refresh = cpu_target.target_context.refresh
    except (ImportError, AttributeError):
        _registries_loaded = True
        return
    hide = _BLAS_PROBE not in sys.modules
    if hide:
        sys.modules[_BLAS_PROBE] = None  # type: ignore[assignment]
    try:
        refresh()
        _registries_loaded = True
    finally:
        if hide and _BLAS_PROBE in sys.modules and sys.modules[_BLAS_PROBE] is None:
            del sys.modules[_BLAS_PROBE]
