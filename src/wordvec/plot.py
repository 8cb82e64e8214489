"""Pictures (matplotlib and, for word maps, adjustText, scikit-learn and umap-learn: the
optional ``wordvec[plot]`` extra, imported only when a picture is drawn).

One style for every loss curve (:func:`training_loss`: epochs counted from 1 on integer
ticks, or a one-epoch run's progress through its epoch) and word maps whose labels are
placed by adjustText, none overlapping another or leaving the frame (:func:`word_map`
returns the labels' boxes, so that a test can check it).
"""
from __future__ import annotations

import os
from typing import NamedTuple

from . import projection
from .projection import INSTALL


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(f"plotting needs matplotlib: {INSTALL}") from exc
    if not os.environ.get("DISPLAY") and os.name != "nt":
        matplotlib.use("Agg")  # no screen: draw to files only
    import matplotlib.pyplot as plt

    return plt


def _write(fig, path) -> None:
    """``fig`` as a PNG at ``path`` (atomically), or shown without a path."""
    plt = _pyplot()
    if path is None:
        plt.show()
    else:
        from .io.atomic import atomic_write

        with atomic_write(path, "wb") as f:
            fig.savefig(f, format="png")
    plt.close(fig)


def _style(ax, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)


def loss_curve(loss_list, eval_interval, ylim=None, path=None, title=None, xlabel=None):
    """The book's ``Trainer.plot``: the training loss, one point per ``eval_interval``
    iterations, in the common style. With ``path`` the figure is written there as a
    640 x 400 PNG, else shown."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.plot(range(len(loss_list)), loss_list, label="train")
    if ylim is not None:
        ax.set_ylim(*ylim)
    _style(ax, title or "training loss", xlabel or f"iterations (x{eval_interval})", "loss")
    fig.tight_layout()
    _write(fig, path)


def training_loss(epoch_loss, progress_loss=(), path=None, title: str = "training loss"):
    """A training run's loss, as a 640 x 400 PNG at ``path`` (shown without one).

    ``epoch_loss``: the mean loss of each epoch, drawn at epochs 1, 2, ... on integer
    ticks. ``progress_loss``: (position in epochs, loss) pairs of the progress reports,
    drawn as a thin line beneath; a one-epoch run, which has a single epoch mean, is drawn
    from them, its axis the share of the epoch done. Returns the figure's axes' texts
    (title, x label, y label) for tests."""
    import numpy as np
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    plt = _pyplot()
    epochs = len(epoch_loss)
    points = np.asarray([p for p in progress_loss if np.isfinite(p[1])], dtype=np.float64)
    points = points.reshape(-1, 2)
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    if points.size:
        ax.plot(points[:, 0], points[:, 1], lw=0.8, alpha=0.6, label="during the epochs")
    if epochs > 1:
        ax.plot(np.arange(1, epochs + 1), epoch_loss, marker="o", label="epoch mean")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0 if points.size else 1, epochs)
        xlabel = "epoch"
    else:
        if not points.size:
            ax.plot([1.0], epoch_loss, marker="o", label="epoch mean")
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        ax.set_xlim(0, 1.02)
        xlabel = "share of epoch 1 done"
    if points.size and epochs > 1:
        ax.legend()
    _style(ax, title, xlabel, "mean loss per example")
    fig.tight_layout()
    texts = (ax.get_title(), ax.get_xlabel(), ax.get_ylabel())
    _write(fig, path)
    return texts


def _figure_size(n: int) -> tuple[float, float, float]:
    """(width, height) in inches and the label font size for a map of ``n`` words: 640 x
    480 for up to 20 words, growing to 1200 x 900 at 100 and more."""
    share = min(max((n - 20) / 80, 0.0), 1.0)
    width = 6.4 + share * (12.0 - 6.4)
    return width, width * 0.75, 9.0 - 1.5 * share


class WordMap(NamedTuple):
    """What :func:`word_map` drew, in pixels, for tests: the boxes (x0, y0, x1, y1) of the
    labels drawn, the indices of the words whose label was left off (their points are
    drawn), the axes' box, and the (title, x label, y label)."""

    labels: list
    hidden: list
    frame: tuple
    texts: tuple


def word_map(words, vectors, path, method: str = "pca", title=None, groups=None,
             seed: int = 0) -> WordMap:
    """A 2-D map of ``words`` (N) with their ``vectors`` (N, dim), written to ``path`` as a
    PNG (640 x 480 for up to 20 words, up to 1200 x 900 for 100 or more).

    adjustText moves the labels apart and inside the axes (up to
    :data:`ADJUST_MAX_WORDS` words); a label it left overlapping an
    earlier word's or past the frame moves to a free place beside its point, or is left
    off (its point stays, and the picture says how many), so that no label drawn overlaps
    another. ``groups``: None (one colour), or a label per
    word (a class id, a word list's name, or None for "other", drawn grey), each group a
    colour of its own with a legend."""
    try:
        from adjustText import adjust_text
    except ImportError as exc:
        raise ImportError(f"word maps need adjustText: {INSTALL}") from exc

    plt = _pyplot()
    xy, _ = projection.project(vectors, method, seed)
    width, height, font = _figure_size(len(words))
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    _scatter(ax, xy, groups)
    labels = [ax.text(x, y, word, fontsize=font) for (x, y), word in zip(xy, words)]
    name = projection.METHODS[method].title
    _style(ax, title or f"{len(words)} words: {name} of their {vectors.shape[1]}-dimensional"
           " vectors", f"{name} 1", f"{name} 2")
    fig.tight_layout()
    if len(words) <= ADJUST_MAX_WORDS:
        adjust_text(labels, ax=ax, ensure_inside_axes=True, expand=(1.1, 1.25),
                    iter_lim=ADJUST_ITERATIONS)
    fig.canvas.draw()
    ax.set_autoscale_on(False)      # the connecting lines must not move the frame
    hidden = _settle(ax, labels, xy, fig.canvas.get_renderer())
    shown = [i for i in range(len(words)) if i not in set(hidden)]
    if hidden:
        fig.text(0.995, 0.005, f"{len(hidden)} of {len(words)} labels left off where "
                 "they would overlap", ha="right", va="bottom", fontsize=7, color="0.4")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [tuple(labels[i].get_window_extent(renderer).extents) for i in shown]
    _connect(ax, xy, boxes, shown)
    frame = tuple(ax.get_window_extent(renderer).extents)
    texts = (ax.get_title(), ax.get_xlabel(), ax.get_ylabel())
    _write(fig, path)
    return WordMap(boxes, hidden, frame, texts)


#: adjustText's iterations: a fixed number rather than its default time limit of 1 s, so
#: that the same words give the same picture on any machine.
ADJUST_ITERATIONS = 30
#: Past this many words adjustText is not run (an iteration took 9 s at 500 words, 45 ms
#: at 100): :func:`_free_places` alone places the labels.
ADJUST_MAX_WORDS = 150


def _settle(ax, labels, xy, renderer) -> list:
    """Where adjustText left a label overlapping an earlier one or past the frame, move
    it to the first free place of :func:`_free_place`, or hide it; returns the hidden
    labels' indices."""
    import numpy as np

    x0, y0, x1, y1 = ax.get_window_extent(renderer).extents
    frame = (x0 + 1, y0 + 1, x1 - 1, y1 - 1)    # a pixel in: no rounding puts one outside
    to_pixels, to_data = ax.transData.transform, ax.transData.inverted().transform
    boxes = [tuple(t.get_window_extent(renderer).extents) for t in labels]
    placed = _free_places(boxes, to_pixels(xy), frame)
    hidden = []
    for i, (text, box, place) in enumerate(zip(labels, boxes, placed)):
        if place is None:
            text.set_visible(False)
            hidden.append(i)
        elif place != box:
            anchor = to_pixels(text.get_position())
            text.set_position(tuple(to_data(anchor + np.subtract(place[:2], box[:2]))))
    return hidden


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box, frame) -> bool:
    return (frame[0] <= box[0] and frame[1] <= box[1] and box[2] <= frame[2]
            and box[3] <= frame[3])


#: Gaps (in label heights) between a point and a label placed beside it.
GAPS = (0.25, 1.5, 3.0)


def _free_places(boxes, points, frame) -> list:
    """Each label's box (x0, y0, x1, y1, pixels), earliest first: where it is, if inside
    ``frame`` and clear of the labels placed before it; else the first such place among
    the box pulled inside the frame and the eight places around its point at each of
    :data:`GAPS`; else None (the label is left off)."""
    kept: list = []
    places = []
    for box, (px, py) in zip(boxes, points):
        w, h = box[2] - box[0], box[3] - box[1]
        candidates = [box, _pulled_inside(box, frame)]
        for gap in (g * h for g in GAPS):
            right, left, above, below = px + gap, px - gap - w, py + gap, py - gap - h
            for x0, y0 in ((right, py - h / 2), (left, py - h / 2), (px - w / 2, above),
                           (px - w / 2, below), (right, above), (left, above),
                           (right, below), (left, below)):
                candidates.append((x0, y0, x0 + w, y0 + h))
        place = next((c for c in candidates if _inside(c, frame)
                      and not any(_overlaps(c, k) for k in kept)), None)
        if place is not None:
            kept.append(place)
        places.append(place)
    return places


def _pulled_inside(box, frame) -> tuple:
    """``box`` moved the least distance that puts it inside ``frame`` (if it fits)."""
    dx = max(frame[0] - box[0], 0.0) - max(box[2] - frame[2], 0.0)
    dy = max(frame[1] - box[1], 0.0) - max(box[3] - frame[3], 0.0)
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


#: A label further than this (pixels) from its point gets a line to it.
CONNECT_PX = 6.0


def _connect(ax, xy, boxes, rows) -> None:
    """A thin grey line from each point to its label's box where the label was moved
    away from it."""
    import numpy as np

    to_data = ax.transData.inverted()
    for box, row in zip(boxes, rows):
        px, py = ax.transData.transform(xy[row])
        nx, ny = np.clip(px, box[0], box[2]), np.clip(py, box[1], box[3])
        if np.hypot(nx - px, ny - py) > CONNECT_PX:
            (x0, y0), (x1, y1) = to_data.transform([(px, py), (nx, ny)])
            ax.plot([x0, x1], [y0, y1], color="0.6", lw=0.5, zorder=0)


def _scatter(ax, xy, groups) -> None:
    """The points, one colour, or one per group (None: grey "other") with a legend."""
    if groups is None:
        ax.scatter(xy[:, 0], xy[:, 1], s=14)
        return
    import numpy as np

    labels = sorted(dict.fromkeys(g for g in groups if g is not None), key=str)
    if all(isinstance(g, int) for g in labels):
        labels.sort()
    colours = _palette(len(labels))
    group_array = np.array([None if g is None else str(g) for g in groups], dtype=object)
    other = np.array([g is None for g in groups])
    if other.any():
        ax.scatter(xy[other, 0], xy[other, 1], s=12, color="0.7", label="other")
    for label, colour in zip(labels, colours):
        mask = group_array == str(label)
        ax.scatter(xy[mask, 0], xy[mask, 1], s=18, color=colour, label=str(label))
    ax.legend(fontsize=8, loc="best", markerscale=1.2, framealpha=0.8,
              ncol=1 + len(labels) // 12)


def _palette(n: int) -> list:
    """``n`` distinct colours: tab10, tab20, then evenly spaced hues."""
    from matplotlib import colormaps

    if n <= 10:
        return [colormaps["tab10"](i) for i in range(n)]
    if n <= 20:
        return [colormaps["tab20"](i) for i in range(n)]
    return [colormaps["hsv"](i / n) for i in range(n)]
