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


def loss_curve(loss_list, eval_interval, ylim=None, path=None, title=None):
    """Plot the training loss, one point per ``eval_interval`` iterations (the book's
    ``Trainer.plot``). With ``path`` the figure is written there as PNG, else shown."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.plot(range(len(loss_list)), loss_list, label="train")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("iterations (x" + str(eval_interval) + ")")
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    if path is None:
        plt.show()
    else:
        from .io import atomic_write

        with atomic_write(path, "wb") as f:
            fig.savefig(f, format="png")
    plt.close(fig)
