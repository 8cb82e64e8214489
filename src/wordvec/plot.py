"""Plots (matplotlib, the optional ``wordvec[plot]`` extra)."""
from __future__ import annotations

import os


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError("plotting needs matplotlib: pip install 'wordvec[plot]'") from exc
    if not os.environ.get("DISPLAY") and os.name != "nt":
        matplotlib.use("Agg")  # no screen: draw to files only
    import matplotlib.pyplot as plt

    return plt


def loss_curve(loss_list, eval_interval, ylim=None, path=None, title=None, xlabel=None):
    """Plot the training loss, one point per ``eval_interval`` iterations (the book's
    ``Trainer.plot``), or per ``xlabel`` unit. With ``path`` the figure is written there as
    a 640 x 400 PNG, else shown."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.plot(range(len(loss_list)), loss_list, label="train")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel or "iterations (x" + str(eval_interval) + ")")
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    if path is None:
        plt.show()
    else:
        from .io.atomic import atomic_write

        with atomic_write(path, "wb") as f:
            fig.savefig(f, format="png")
    plt.close(fig)


def project_2d(vectors, method: str = "pca", seed: int = 0):
    """vectors (N, dim) -> (N, 2) coordinates: PCA (the top two principal axes) or t-SNE
    (scikit-learn, perplexity below N)."""
    import numpy as np

    X = np.asarray(vectors, dtype=np.float64)
    if method == "pca":
        X = X - X.mean(axis=0)
        _, _, vt = np.linalg.svd(X, full_matrices=False)
        return X @ vt[:2].T
    if method == "tsne":
        try:
            from sklearn.manifold import TSNE
        except ImportError as exc:
            raise ImportError("--method tsne needs scikit-learn: pip install scikit-learn") from exc
        perplexity = min(30.0, max(1.0, (len(X) - 1) / 3))
        return TSNE(n_components=2, perplexity=perplexity, random_state=seed,
                    init="pca").fit_transform(X)
    raise ValueError(f"unknown method {method!r}: use 'pca' or 'tsne'")


def word_map(words, vectors, path, method: str = "pca", title=None):
    """A 2-D map of ``words`` (N) with their ``vectors`` (N, dim), written to ``path`` as a
    640 x 480 PNG."""
    plt = _pyplot()
    xy = project_2d(vectors, method)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.scatter(xy[:, 0], xy[:, 1], s=12)
    for (x, y), word in zip(xy, words):
        ax.annotate(word, (x, y), textcoords="offset points", xytext=(3, 3), fontsize=9)
    ax.set_title(title or f"{len(words)} words, {method.upper()} of {vectors.shape[1]}-d vectors")
    ax.set_xticks([])
    ax.set_yticks([])
    from .io.atomic import atomic_write

    with atomic_write(path, "wb") as f:
        fig.savefig(f, format="png")
    plt.close(fig)
