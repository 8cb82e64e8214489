"""wordvec: word2vec (CBOW and skip-gram) with the Embedding layer and negative sampling.

The public names are imported on first use (PEP 562), so that ``import wordvec.cli`` stays
light and the command line can set up its signal handlers before NumPy and Numba load.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_EXPORTS = {"Word2Vec": "word2vec", "WordVectors": "vectors", "TrainConfig": "config",
            "WordvecError": "errors", "load": "io", "load_word2vec_format": "io",
            "save_word2vec_format": "io", "Phrases": "phrases"}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
