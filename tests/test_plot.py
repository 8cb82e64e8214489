"""Pictures (wordvec.plot and 'wordvec plot'): each is rendered and checked — its size,
that no label overlaps another or leaves the frame, its axis texts, its colours — and a
model keeps its progress reports' losses for a one-epoch run's curve."""
from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("adjustText")

from test_cli import png_size, run_cli  # noqa: E402
from wordvec import Word2Vec, projection  # noqa: E402
from wordvec import plot as plots  # noqa: E402
from wordvec.hooks import Progress, TrainRecord  # noqa: E402
from wordvec.io.word2vec_format import save_word2vec_format  # noqa: E402
from wordvec.word2vec import MAX_PROGRESS_POINTS, _progress_loss  # noqa: E402


def _clustered(n: int, seed: int = 0):
    """``n`` words in 4 tight clusters of 50-d vectors: the crowded case for labels."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((4, 50)) * 3
    vectors = centres[np.arange(n) % 4] + 0.2 * rng.standard_normal((n, 50))
    words = [f"word{i}" for i in range(n)]
    return words, vectors.astype(np.float32)


@pytest.mark.parametrize("n, size, most_hidden", [(10, (640, 480), 0), (100, (1200, 900), 25)])
def test_a_word_maps_labels_neither_overlap_nor_leave_the_frame(tmp_path, n, size,
                                                                 most_hidden):
    words, vectors = _clustered(n)
    path = tmp_path / "map.png"
    drawn = plots.word_map(words, vectors, path)
    labels, frame = drawn.labels, drawn.frame
    assert png_size(path) == size
    assert len(labels) + len(drawn.hidden) == n and len(drawn.hidden) <= most_hidden
    crossing = [(i, j) for i in range(len(labels)) for j in range(i)
                if plots._overlaps(labels[i], labels[j])]
    assert crossing == []
    outside = [i for i, (x0, y0, x1, y1) in enumerate(labels)
               if x0 < frame[0] or y0 < frame[1] or x1 > frame[2] or y1 > frame[3]]
    assert outside == []


def test_a_label_overlapping_an_earlier_one_or_the_frame_moves_beside_its_point_or_is_left_off():
    frame = (0, 0, 100, 100)
    boxes = [(10, 10, 30, 20), (12, 12, 32, 22), (95, 50, 105, 60), (0, 0, 100, 100)]
    points = [(10, 10), (12, 12), (96, 49), (50, 50)]
    places = plots._free_places(boxes, points, frame)
    assert places[0] == boxes[0]                            # free: it stays
    # The second crosses the first: the nearest free place around its point, centred above
    # it 1.5 label heights up (every place 0.25 heights away crosses the first label or
    # leaves the frame, and so does the one to its right)
    assert places[1] == (12 - 10, 12 + 15, 12 + 10, 12 + 25)
    assert places[2] == (90, 50, 100, 60)                   # pulled inside the frame
    assert places[3] is None                                # no room anywhere: left off
    kept = [p for p in places if p is not None]
    assert not any(plots._overlaps(a, b) for i, a in enumerate(kept) for b in kept[:i])
    assert all(plots._inside(p, frame) for p in kept)


@pytest.mark.parametrize("method, name", [("pca", "PCA"), ("tsne", "t-SNE")])
def test_the_map_says_its_method_and_dimension_on_its_title_and_axes(tmp_path, method, name):
    if method == "tsne":
        pytest.importorskip("sklearn")
    words, vectors = _clustered(8)
    texts = plots.word_map(words, vectors, tmp_path / "m.png", method=method).texts
    assert texts == (f"8 words: {name} of their 50-dimensional vectors", f"{name} 1",
                     f"{name} 2")


def test_groups_get_a_colour_each_and_other_words_grey(tmp_path):
    words, vectors = _clustered(40)
    path = tmp_path / "groups.png"
    groups = [i % 3 if i < 30 else None for i in range(40)]
    plots.word_map(words, vectors, path, groups=groups)
    found = _colours(path)
    assert _rgb(plots._palette(3)) <= found    # the three groups' colours are drawn
    assert (178, 178, 178) in found            # and the grey of "other" (matplotlib's 0.7)


def _colours(path) -> set:
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    return {tuple(int(c) for c in p) for p in np.unique(pixels, axis=0)}


def _rgb(palette) -> set:
    return {tuple(int(c) for c in np.round(np.asarray(colour[:3]) * 255)) for colour in palette}


def test_pca_coordinates_are_the_top_two_principal_axes():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 6)) * np.array([5, 3, 1, 0.5, 0.2, 0.1])
    xy, explained = projection.project(X, "pca")
    centred = X - X.mean(axis=0)
    _, s, vt = np.linalg.svd(centred)
    np.testing.assert_allclose(np.abs(xy), np.abs(centred @ vt[:2].T), atol=1e-10)
    np.testing.assert_allclose(explained, s[:2] ** 2 / (s ** 2).sum(), atol=1e-4)
    assert all(xy[np.abs(xy[:, k]).argmax(), k] > 0 for k in range(2))  # signs fixed


def test_a_projection_refuses_too_few_points_or_an_unknown_name_and_names_a_missing_library(
        monkeypatch):
    with pytest.raises(ValueError, match="t-SNE needs at least 5 points, got 4"):
        projection.project(np.ones((4, 3)), "tsne")
    with pytest.raises(ValueError, match="unknown projection 'mds'"):
        projection.project(np.ones((8, 3)), "mds")
    monkeypatch.setattr(projection.METHODS["umap"], "module", "no_such_module_here")
    with pytest.raises(ImportError, match="the umap map needs umap-learn: pip install"):
        projection.project(np.ones((8, 3)), "umap")


@pytest.mark.parametrize("method", ["tsne", "umap"])
@pytest.mark.parametrize("points", [np.zeros((8, 5)), np.full((8, 5), 0.25),
                                    0.25 + 1e-12 * np.arange(40.0).reshape(8, 5)])
def test_points_all_equal_are_one_point_not_a_crash(method, points):
    """scikit-learn's t-SNE divides by the points' spread and then crashed the process
    (a segmentation fault) on a model whose vectors were all equal."""
    pytest.importorskip({"tsne": "sklearn", "umap": "umap"}[method])
    xy, _ = projection.project(points, method)
    assert xy.shape == (8, 2) and not xy.any()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_tsne_and_umap_keep_clusters_apart(method):
    pytest.importorskip({"tsne": "sklearn", "umap": "umap"}[method])
    words, vectors = _clustered(40)
    xy, _ = projection.project(vectors, method)
    assert xy.shape == (40, 2)
    cluster = np.arange(40) % 4
    # every word is nearer its own cluster's centre than another cluster's
    centres = np.array([xy[cluster == k].mean(axis=0) for k in range(4)])
    nearest = np.argmin(((xy[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    assert (nearest == cluster).mean() >= 0.9


def test_a_loss_curve_counts_epochs_from_one_on_integer_ticks(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    kept = []
    monkeypatch.setattr(plots, "_write", lambda fig, path: kept.append(fig))
    texts = plots.training_loss([3.0, 2.5, 2.2, 2.1], [(0.5, 3.2), (1.5, 2.6), (3.5, 2.1)],
                                None, title="training loss: cbow")
    assert texts == ("training loss: cbow", "epoch", "mean loss per example")
    ax = kept[0].axes[0]
    epochs_line = ax.lines[1]
    assert list(epochs_line.get_xdata()) == [1, 2, 3, 4]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks) and max(ticks) == 4
    plt.close("all")


def test_a_one_epoch_run_draws_its_progress_reports(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    kept = []
    monkeypatch.setattr(plots, "_write", lambda fig, path: kept.append(fig))
    points = [(0.1, 3.0), (0.4, float("nan")), (0.7, 2.4), (1.0, 2.3)]
    texts = plots.training_loss([2.5], points, None)
    assert texts[1] == "share of epoch 1 done"
    line = kept[0].axes[0].lines[0]
    assert list(line.get_xdata()) == [0.1, 0.7, 1.0]          # the nan report left out
    assert list(line.get_ydata()) == [3.0, 2.4, 2.3]
    plt.close("all")


def test_the_loss_png_is_640_by_400(tmp_path):
    path = tmp_path / "loss.png"
    plots.training_loss([2.0, 1.5], [], path)
    assert png_size(path) == (640, 400)


# The model keeps its progress reports' losses.


def _report(fraction: float, loss: float) -> Progress:
    return Progress(epoch=0, words_done=round(fraction * 100_000), total_words=100_000,
                    words_per_sec=1.0, alpha=0.1, loss=loss, elapsed=1.0, eta=1.0)


def test_without_a_loss_curve_the_progress_reports_stand_in_after_the_epochs_before():
    history = [_report(0.25, 3.0), _report(0.5, float("nan")), _report(1.0, 2.0)]
    record = TrainRecord(epoch_loss=[], words=0, seconds=0.0, history=history)
    assert _progress_loss(record, epochs_before=2, epochs=4) == [(3.0, 3.0), (6.0, 2.0)]
    record.loss_curve = [(0.005, 2.5), (3.995, 1.5)]
    assert _progress_loss(record, 2, 4) == [(2.005, 2.5), (5.995, 1.5)]


def test_progress_loss_is_thinned_to_its_bound():
    history = [_report(i / 25_000, 1.0) for i in range(1, 25_001)]
    points = _progress_loss(TrainRecord(epoch_loss=[], words=0, seconds=0.0, history=history),
                            0, 1)
    assert len(points) <= MAX_PROGRESS_POINTS and points[0][0] == pytest.approx(1 / 25_000)


def test_the_loss_curve_bins_each_chunk_by_where_it_starts_in_its_epoch():
    from wordvec.schedule import CURVE_BINS, Schedule, curve_points

    bounds = np.arange(0, 101, 10)             # 10 sentences of 10 words
    schedule = Schedule(bounds, 2, 0.025, 0.0001, chunk_words=20)
    schedule.record(1, 3, loss=2.0, examples=4, kept=20, words=20)
    schedule.record(1, 3, loss=1.0, examples=4, kept=20, words=20)
    schedule.record(0, 9, loss=3.0, examples=2, kept=10, words=10)
    assert CURVE_BINS == 100
    assert curve_points(schedule.curve) == [(0.905, 1.5), (1.305, 0.375)]


def test_progress_loss_is_saved_and_read_back_and_a_damaged_one_refused(tmp_path):
    from test_checkpoint import rewrite_meta
    from wordvec.io.errors import VectorFileError

    corpus = [[f"w{i % 50}" for i in range(j, j + 40)] for j in range(300)]
    model = Word2Vec(dim=8, epochs=2, min_count=1, chunk_words=500, seed=1)
    model.fit(corpus)
    positions = [p for p, _ in model.progress_loss]
    # a point per chunk (12,000 words in chunks of 520), each in its epoch's hundredth
    assert sum(p < 1 for p in positions) == sum(p > 1 for p in positions) == 24
    assert positions == sorted(positions) and 0 < positions[0] and positions[-1] < 2
    assert all(math.isfinite(loss) for _, loss in model.progress_loss)
    path = tmp_path / "m.npz"
    model.save(path)
    assert Word2Vec.load(path).progress_loss == model.progress_loss
    for bad in ("x", [[1.0]], [[0.5, "nan"]], [[0.5, 1.0]] * (MAX_PROGRESS_POINTS + 1)):
        rewrite_meta(path, lambda meta, bad=bad: meta["history"].update(progress_loss=bad))
        with pytest.raises(VectorFileError, match="training history is damaged"):
            Word2Vec.load(path)


# The command.


@pytest.fixture(scope="module")
def vectors_file(tmp_path_factory):
    words = ["king", "queen", "man", "woman", "paris", "france", "berlin", "germany"]
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("plot") / "v.bin"
    save_word2vec_format(path, words, rng.standard_normal((8, 10)).astype(np.float32))
    return path


def test_words_are_arguments_and_without_them_the_top_words_are_mapped(vectors_file, tmp_path):
    out = tmp_path / "a.png"
    result = run_cli("plot", str(vectors_file), "king", "queen", "man", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (640, 480) and result.stderr == f"wrote {out} (3 words)\n"
    result = run_cli("plot", str(vectors_file), "--top", "5", "-o", str(tmp_path / "b.png"))
    assert result.returncode == 0, result.stderr
    old = run_cli("plot", str(vectors_file), "--words", "king", "queen", "-o",
                  str(tmp_path / "c.png"))
    assert old.returncode == 0, old.stderr


def test_colour_by_a_classes_file_or_a_word_list(vectors_file, tmp_path):
    classes = tmp_path / "classes.txt"
    classes.write_text("king 0\nqueen 0\nman 1\nwoman 1\n")
    listed = tmp_path / "list.txt"
    listed.write_text("paris\nberlin\n")
    for colour_file, groups in ((classes, 2), (listed, 1)):
        out = tmp_path / f"{colour_file.stem}.png"
        result = run_cli("plot", str(vectors_file), "--color-by", str(colour_file), "-o",
                         str(out))
        assert result.returncode == 0, result.stderr
        found = _colours(out)
        assert _rgb(plots._palette(groups)) <= found and (178, 178, 178) in found


@pytest.mark.parametrize("args, message", [
    (["{v}", "King", "queen"], "did you mean 'king'"),
    (["{v}", "king"], "at least two words"),
    (["{v}", "king", "queen", "man", "--method", "umap"], "needs at least 5 words"),
    (["{v}", "--color-by", "{bad}"], "{bad}, line 2: expected a word"),
    (["{v}", "--color-by", "{huge}"], "{huge}, line 1: expected a word"),
    (["{v}", "--color-by", "{tmp}/missing.txt"], "missing.txt"),
    (["--loss", "{v}", "king"], "give no VECTORS"),
    ([], "give VECTORS"),
])
def test_bad_plot_input_is_one_line_and_no_file(vectors_file, tmp_path, args, message):
    bad = tmp_path / "bad.txt"
    bad.write_text("king 0\nqueen zero one\n")
    huge = tmp_path / "huge.txt"
    huge.write_text("king " + "9" * 5000 + "\n")         # past int()'s digit limit
    fill = {"v": vectors_file, "bad": bad, "huge": huge, "tmp": tmp_path}
    out = tmp_path / "out.png"
    result = run_cli("plot", *[a.format(**fill) for a in args], "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert message.format(**fill) in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and not out.exists()
