"""The speed-up story (wordvec.story): corpus, estimates, measurements, tables and plot."""
from __future__ import annotations

import math
import struct
import tracemalloc

import numpy as np
import pytest

from wordvec import story
from wordvec.nn import SimpleCBOW

TINY = dict(batch=20, hidden=8, window=2, repeats=1, warmup=1, engine_words=3000)


# ----------------------------------------------------------------------------- corpus
def test_zipf_corpus_has_exactly_v_words_with_zipf_frequencies():
    V = 2000
    ids = story.zipf_corpus(V, 200_000, seed=3)
    assert ids.dtype == np.int32
    counts = np.bincount(ids)
    assert counts.shape == (V,) and counts.min() >= 1          # every word present
    assert ids.shape[0] == story.zipf_counts(V, 200_000).sum()
    assert np.all(np.diff(counts) <= 0)                        # id = rank
    ranks = np.arange(1, V + 1)
    head = counts >= 20                                        # above the floor of 1
    slope = np.polyfit(np.log(ranks[head]), np.log(counts[head]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.05)
    assert counts[0] / counts[9] == pytest.approx(10, rel=0.05)


def test_zipf_corpus_is_shuffled_and_seeded():
    a = story.zipf_corpus(50, 5000, seed=1)
    assert np.array_equal(a, story.zipf_corpus(50, 5000, seed=1))
    assert not np.array_equal(a, story.zipf_corpus(50, 5000, seed=2))
    assert not np.all(np.diff(a) >= 0)


def test_zipf_corpus_smaller_than_vocabulary_still_has_every_word():
    counts = story.zipf_counts(1000, 100)
    assert counts.shape == (1000,) and counts.min() == 1


@pytest.mark.parametrize("V, n", [(1000, 2000), (100_000, 1_000_000), (10**6, 2 * 10**6)])
def test_zipf_total_matches_the_counts(V, n):
    exact = int(story.zipf_counts(V, n).sum())
    assert story.zipf_total(V, n) == pytest.approx(exact, rel=0.01)


def test_batches_are_full_windows_of_the_corpus():
    corpus = np.arange(100, dtype=np.int32)
    data = story.batches(corpus, window=2, batch=10, n=3)
    assert len(data) == 3
    contexts, target = data[1]
    assert contexts.shape == (10, 4) and target.shape == (10,)
    assert target[0] == 12 and list(contexts[0]) == [10, 11, 13, 14]
    with pytest.raises(ValueError, match="need"):
        story.batches(corpus, window=2, batch=50, n=3)


# ----------------------------------------------------------------------------- estimates
@pytest.mark.parametrize("system", ["simple_cbow", "embedding_softmax", "cbow_ns", "cbow_hs",
                                    "engine_ns", "engine_hs"])
def test_estimates_grow_linearly_in_v(system):
    small = story.estimate_bytes(system, 100_000, corpus_size=10**6)
    large = story.estimate_bytes(system, 1_000_000, corpus_size=10**6)
    assert 0 < small < large
    # Every system holds (V, H) matrices, so memory is linear in V (the corpus aside).
    assert large / small == pytest.approx(10, rel=0.1)


def test_estimates_order_the_systems():
    V = 100_000
    est = {s: story.estimate_bytes(s, V) for s in story.SYSTEMS}
    assert est["simple_cbow"] > est["embedding_softmax"] > est["cbow_ns"]
    # The one-hot batch (N, C, V): doubling the window adds C*N*V*4 bytes and C dense grads.
    wide = story.estimate_bytes("simple_cbow", V, window=10)
    assert wide - est["simple_cbow"] == 10 * (4 * V * 100 + 4 * 100 * V)
    with pytest.raises(ValueError, match="unknown system"):
        story.estimate_bytes("nope", V)


def test_a_system_beyond_the_limit_is_skipped_with_nothing_allocated():
    tracemalloc.start()
    try:
        results = [story.measure(s, 10_000_000, memory_limit=8 * story.GiB)
                   for s in story.SYSTEMS]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20          # no corpus, no weights: estimates only
    for m in results:
        assert not m.ran
        assert m.seconds_per_batch is None and m.peak_bytes is None
        assert "needs ~" in m.skipped_reason and "> limit 8.0 GiB" in m.skipped_reason
        assert m.estimate_bytes > 8 * story.GiB


def test_the_limit_is_what_decides():
    need = story.estimate_bytes("cbow_ns", 1000, **{k: TINY[k] for k in
                                                    ("batch", "hidden", "window")},
                                corpus_size=story.zipf_total(1000, 3000))
    skipped = story.measure("cbow_ns", 1000, memory_limit=need - 1, **TINY)
    assert not skipped.ran and skipped.estimate_bytes == need
    assert story.measure("cbow_ns", 1000, memory_limit=need, **TINY).ran


# ----------------------------------------------------------------------------- the systems
def test_window_simple_cbow_is_the_books_simple_cbow_at_window_1():
    V, H, N = 30, 5, 7
    rng = np.random.default_rng(0)
    contexts, target = rng.integers(0, V, (N, 2)), rng.integers(0, V, N)
    ours = story.WindowSimpleCBOW(V, H, 2, seed=4)
    book = SimpleCBOW(V, H, seed=4)
    x = story.one_hot(contexts, V)
    assert ours.forward(x, target) == pytest.approx(book.forward(x, target), rel=1e-6)
    ours.backward()
    book.backward()
    for g_ours, g_book in zip(ours.grads, book.grads):
        np.testing.assert_allclose(g_ours, g_book, rtol=1e-5, atol=1e-8)


def test_embedding_softmax_computes_what_the_one_hot_system_computes():
    V, H, N, C = 40, 6, 9, 4
    rng = np.random.default_rng(1)
    contexts, target = rng.integers(0, V, (N, C)), rng.integers(0, V, N)
    dense = story.WindowSimpleCBOW(V, H, C, seed=2)
    sparse = story.EmbeddingSoftmaxCBOW(V, H, seed=2)
    loss = sparse.forward(contexts, target)
    assert loss == pytest.approx(dense.forward(story.one_hot(contexts, V), target), rel=1e-5)
    dense.backward()
    sparse.backward()
    d_in = sum(dense.grads[:C])
    np.testing.assert_allclose(sparse.grads[0].todense(), d_in, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(sparse.grads[1], dense.grads[C], rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("system", list(story.SYSTEMS))
def test_a_tiny_measure_of_each_system(system):
    m = story.measure(system, 300, **TINY)
    assert m.ran and m.skipped_reason is None
    assert m.system == system and m.vocab_size == 300
    for value in (m.seconds_per_batch, m.seconds_per_example):
        assert math.isfinite(value) and value > 0
    assert m.seconds_per_batch == pytest.approx(m.seconds_per_example * TINY["batch"])
    assert 0 < m.peak_bytes


@pytest.mark.parametrize("system", ["simple_cbow", "embedding_softmax", "cbow_ns", "cbow_hs"])
def test_the_estimate_bounds_the_measured_peak(system):
    # At V = 5,000 the weights and scores dominate, so the estimate is checked, not the
    # fixed costs.
    V = 5000
    m = story.measure(system, V, batch=100, hidden=100, window=5, repeats=1, warmup=1,
                      engine_words=50_000)
    assert m.ran
    assert m.peak_bytes <= m.estimate_bytes
    assert m.estimate_bytes < 2.5 * m.peak_bytes


def test_measure_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown system"):
        story.measure("nope", 100)
    with pytest.raises(ValueError, match="repeats"):
        story.measure("cbow_ns", 100, repeats=0)


# ----------------------------------------------------------------------------- results
def test_fit_slope_recovers_a_known_slope():
    sizes = [1e3, 1e4, 1e5, 1e6]
    assert story.fit_slope([(v, 3e-7 * v ** 0.8) for v in sizes]) == pytest.approx(0.8)
    assert story.fit_slope([(v, 2e-6) for v in sizes]) == pytest.approx(0.0, abs=1e-12)
    noise = np.random.default_rng(0).uniform(0.9, 1.1, len(sizes))
    noisy = [(v, 1e-9 * v * e) for v, e in zip(sizes, noise)]
    assert story.fit_slope(noisy) == pytest.approx(1.0, abs=0.05)
    assert math.isnan(story.fit_slope([(1000, 1.0)]))
    assert math.isnan(story.fit_slope([]))


def _fake(system, V, seconds, skipped=None):
    if skipped:
        return story.Measurement(system, V, None, None, None, 10**10, skipped)
    return story.Measurement(system, V, seconds * 100, seconds, 12345, 23456)


def _fakes():
    ms = []
    for V in (1000, 10_000, 100_000):
        ms.append(_fake("simple_cbow", V, 1e-9 * V))
        ms.append(_fake("cbow_ns", V, 5e-6))
    ms.append(_fake("simple_cbow", 1_000_000, None, "needs ~11 GiB > limit 8.0 GiB"))
    return ms


def test_markdown_table_has_one_row_per_measurement():
    ms = _fakes()
    lines = story.markdown_table(ms).strip().splitlines()
    assert len(lines) == 2 + len(ms)
    assert lines[0].startswith("| system | V |")
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert "skipped: needs ~11 GiB" in lines[-1] and "1,000,000" in lines[-1]
    assert "1,000" in lines[2]


def test_slopes_stops_and_report():
    ms = _fakes()
    fitted = story.slopes(ms)
    assert set(fitted) == {"simple_cbow", "cbow_ns"}
    assert fitted["simple_cbow"] == pytest.approx(1.0)
    assert fitted["cbow_ns"] == pytest.approx(0.0, abs=1e-12)
    where = story.stops(ms)
    assert where["simple_cbow"] == ("ran up to V = 100,000; stopped at V = 1,000,000: "
                                    "needs ~11 GiB > limit 8.0 GiB")
    assert where["cbow_ns"] == "ran up to V = 100,000"
    text = story.report(ms, settings="settings line")
    assert "settings line" in text and "| 1.00 |" in text
    pivot = story.pivot_table(ms).strip().splitlines()
    assert len(pivot) == 2 + 2 and pivot[1].count("---:") == 4


def test_run_goes_on_after_a_failure(monkeypatch):
    real = story.measure

    def measure(system, V, **kw):
        if system == "cbow_hs":
            raise RuntimeError("boom")
        return real(system, V, **kw)

    monkeypatch.setattr(story, "measure", measure)
    lines = []
    ms = story.run([200], systems=["cbow_ns", "cbow_hs"], echo=lines.append, **TINY)
    assert [m.system for m in ms] == ["cbow_ns", "cbow_hs"]
    assert ms[0].ran and ms[1].skipped_reason == "failed: RuntimeError: boom"
    assert len(lines) == 2 and "boom" in lines[1]


def test_parse_bytes():
    assert story.parse_bytes("8GiB") == 8 << 30
    assert story.parse_bytes("6G") == 6 << 30
    assert story.parse_bytes("500 MiB") == 500 << 20
    assert story.parse_bytes("1.5k") == 1536
    assert story.parse_bytes("123") == 123
    for bad in ("lots", "-1G", "0"):
        with pytest.raises(ValueError):
            story.parse_bytes(bad)


def test_blas_threads_sets_and_restores_the_blas_thread_count():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def counts():
        return [p["num_threads"] for p in threadpoolctl.threadpool_info()
                if p["user_api"] == "blas"]
    before = counts()
    if not before:
        pytest.skip("no BLAS library loaded")
    with story.blas_threads(1) as done:
        assert done and counts() == [1] * len(before)
    assert counts() == before
    with story.blas_threads(None) as done:
        assert not done and counts() == before


def test_format_bytes():
    assert story.format_bytes(512) == "512 B"
    assert story.format_bytes(3 << 20) == "3.0 MiB"
    assert story.format_bytes(40 * story.GiB) == "40.0 GiB"


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_plot_writes_a_png_of_the_expected_size(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "speedup.png"
    story.plot(_fakes(), path)
    assert _png_size(path) == (1100, 500)


def test_write_outputs(tmp_path):
    pytest.importorskip("matplotlib")
    md, png = story.write_outputs(_fakes(), tmp_path / "out", settings="s")
    assert md.read_text(encoding="utf-8").startswith("# The speed-up story")
    assert _png_size(png) == (1100, 500)


def test_story_does_not_import_matplotlib_at_module_level():
    import subprocess
    import sys

    code = "import sys, wordvec.story; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_demo_story_writes_the_report_and_the_plot(tmp_path, monkeypatch):
    import click.testing

    from wordvec.cli import main

    pytest.importorskip("matplotlib")
    monkeypatch.setattr(story, "QUICK", dict(sizes=(300, 3_000), repeats=1, warmup=1,
                                             engine_words=20_000))
    result = click.testing.CliRunner().invoke(main, ["demo", "--story", "--out",
                                                     str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "speedup.md").read_text(encoding="utf-8")
    for label, _ in story.SYSTEMS.values():
        assert text.count(label) >= 3          # the pivot, the slopes and every measurement
        assert label in result.output
    assert (tmp_path / "out" / "speedup.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_story_refuses_the_training_options(tmp_path):
    import click.testing

    from wordvec.cli import main

    result = click.testing.CliRunner().invoke(main, ["demo", "--story", "--epochs", "3",
                                                     "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "wordvec: error: --story takes only --out and --seed (it trains no model of --epochs "
        "or --backend)"]
    assert not (tmp_path / "out").exists()
