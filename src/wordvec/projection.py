"""Word vectors to 2-D coordinates, for the word maps of ``wordvec plot`` and of
``wordvec explore``: PCA (NumPy alone), t-SNE (scikit-learn) and UMAP (umap-learn), the
last two from the optional ``wordvec[plot]`` extra, imported only when asked for. Every
projection is seeded, so the same words always give the same picture.
"""
from __future__ import annotations

import importlib
import importlib.util
import warnings

import numpy as np

INSTALL = "pip install 'wordvec[plot]'"


class Method:
    """A projection: its ``title`` on a picture and the module (and the package that
    ships it) it needs beyond NumPy."""

    def __init__(self, title: str, module: str | None = None, package: str | None = None):
        self.title, self.module, self.package = title, module, package

    def available(self) -> bool:
        return self.module is None or importlib.util.find_spec(self.module) is not None


METHODS = {"pca": Method("PCA"), "tsne": Method("t-SNE", "sklearn", "scikit-learn"),
           "umap": Method("UMAP", "umap", "umap-learn")}
#: The fewest points t-SNE and UMAP place (each places a point among its neighbours).
MIN_NONLINEAR_POINTS = 5


def available() -> list[str]:
    """The projections this installation can run."""
    return [name for name, method in METHODS.items() if method.available()]


def missing_message(name: str) -> str:
    """What to install for projection ``name``."""
    return f"the {name} map needs {METHODS[name].package}: {INSTALL}"


def project(X, method: str = "pca", seed: int = 0) -> tuple[np.ndarray, list[float] | None]:
    """X (N, dim) -> ((N, 2) float64 coordinates, the share of the variance each PCA axis
    explains, or None for t-SNE and UMAP); points that are all one (to float32's
    precision) are all placed at the origin. ImportError saying what to install when the
    method's library is missing; ValueError for an unknown method or too few points."""
    X = np.asarray(X, dtype=np.float64)
    if method not in METHODS:
        raise ValueError(f"unknown projection {method!r}: use one of {', '.join(METHODS)}")
    if method == "pca":
        return pca(X)
    if len(X) < MIN_NONLINEAR_POINTS:
        raise ValueError(f"{METHODS[method].title} needs at least {MIN_NONLINEAR_POINTS} "
                         f"points, got {len(X)}")
    if not METHODS[method].available():
        raise ImportError(missing_message(method))
    if _all_equal(X):       # t-SNE divides by their spread (scikit-learn then crashes)
        return np.zeros((len(X), 2)), None
    return (tsne(X, seed) if method == "tsne" else umap(X, seed)), None


#: Points whose spread is at most this share of their largest coordinate are one point
#: (float32 vectors carry 7 digits).
EQUAL_SPREAD = 1e-6


def _all_equal(X: np.ndarray) -> bool:
    """Whether the rows of X are one point, to float32's precision."""
    spread = float(np.ptp(X, axis=0).max()) if X.size else 0.0
    return spread <= EQUAL_SPREAD * float(np.abs(X).max(initial=0.0))


def pca(X: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """X (N, dim) float64 -> ((N, 2) scores on the two principal axes, their explained
    variance ratios). Scores are ``U[:, :2] * S[:2]`` of the SVD of the centred X, each
    axis' sign fixed so that its largest score is positive (as scikit-learn's ``svd_flip``).
    Fewer than 2 axes: zeros for the missing one."""
    centred = X - X.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    k = min(2, len(s))
    scores = u[:, :k] * s[:k]
    biggest = np.abs(scores).argmax(axis=0)
    scores *= np.where(scores[biggest, np.arange(k)] < 0, -1.0, 1.0)
    total = float((s ** 2).sum())
    explained = [round(float(v) / total, 4) if total > 0 else 0.0 for v in s[:k] ** 2]
    out = np.zeros((len(X), 2))
    out[:, :k] = scores
    return out, explained + [0.0] * (2 - k)


def tsne(X: np.ndarray, seed: int = 0) -> np.ndarray:
    """t-SNE (scikit-learn), initialised by PCA, perplexity below N as it requires."""
    TSNE = importlib.import_module("sklearn.manifold").TSNE
    perplexity = min(30.0, max(1.0, (len(X) - 1) / 3))
    return TSNE(n_components=2, perplexity=perplexity, init="pca",
                random_state=seed).fit_transform(X)


def umap(X: np.ndarray, seed: int = 0) -> np.ndarray:
    """UMAP (umap-learn), fewer neighbours than points as it requires; a random start for
    fewer than 20 points, whose spectral start fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its seed-disables-parallelism and small-N notices
        UMAP = importlib.import_module("umap").UMAP
        reducer = UMAP(n_components=2, n_neighbors=min(15, len(X) - 1), random_state=seed,
                       init="random" if len(X) < 20 else "spectral", n_jobs=1)
        return np.asarray(reducer.fit_transform(X), dtype=np.float64)
