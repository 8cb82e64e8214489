"""The array module of the nn path, as the book's ``common/config.py`` + ``common/np.py``.

``np`` is NumPy, or CuPy when the environment variable ``WORDVEC_GPU=1`` is set before
``wordvec.nn`` is imported (the book sets ``config.GPU = True`` by editing its source). ``GPU``
says which, and is read-only in spirit: it is decided once, at import.

The book's scripts run unchanged with::

    from wordvec.nn import backend as config   # config.GPU
    from wordvec.nn.backend import *           # np
"""
from __future__ import annotations

import os

import numpy

__all__ = ["np"]

GPU = os.environ.get("WORDVEC_GPU", "") == "1"

if GPU:
    try:
        import cupy as np
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ImportError(
            "WORDVEC_GPU=1 asks for CuPy, which is not installed: "
            "pip install cupy-cuda12x, or unset WORDVEC_GPU to run on NumPy"
        ) from exc
    import cupyx.scipy.sparse as sparse  # noqa: F401  (the layers' sparse module)
else:
    np = numpy
    import scipy.sparse as sparse  # noqa: F401  (the layers' sparse module)

xp = np


def to_cpu(x):
    """A NumPy copy of ``x`` (a no-op for NumPy arrays)."""
    if isinstance(x, numpy.ndarray):
        return x
    return np.asnumpy(x)


def to_gpu(x):
    """``x`` on the array module in use (a CuPy array when GPU is on)."""
    if not GPU:
        return numpy.asarray(x)
    return np.asarray(x)


def default_rng(seed=None):
    """A random Generator on the array module in use.

    With ``seed=None`` the seed is drawn from NumPy's global state, so that
    ``np.random.seed(...)`` makes the book's scripts repeatable, as it does in the book.
    """
    if seed is None:
        seed = int(numpy.random.randint(0, 2**31 - 1))
    return np.random.default_rng(seed)
