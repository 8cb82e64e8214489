"""What the command line shows while it works: the training bar's smoothed rate and time
left (cli.train.RateMeter, _ProgressBar), and the bytes read while a corpus is counted
(corpus.reading_progress)."""
from __future__ import annotations

import bz2
import gzip
import lzma
import math
import time

import pytest

from wordvec import Word2Vec
from wordvec.cli.train import RateMeter, _clock, _ProgressBar, _si
from wordvec.corpus import FilePart, reading_progress
from wordvec.hooks import Progress


def test_a_steady_rate_is_measured_exactly_and_its_eta_is_the_words_left_over_it():
    meter = RateMeter(window=10.0)
    assert meter.update(1000, 1.0, 1000.0) == 1000.0
    for second in range(2, 30):
        assert meter.update(1000 * second, float(second), 0.0) == pytest.approx(1000.0)
    assert meter.eta(5000) == pytest.approx(5.0)


def test_one_slow_report_moves_the_rate_by_its_share_of_the_window_only():
    meter = RateMeter(window=10.0)
    meter.update(1000, 1.0, 1000.0)
    meter.update(2000, 2.0, 0.0)
    rate = meter.update(2000, 3.0, 0.0)  # a second without a word: a stall, or a GC pause
    assert rate == pytest.approx(1000.0 * math.exp(-0.1))
    eta_before, eta_after = 8000 / 1000.0, meter.eta(8000)
    assert eta_after / eta_before < 1.11  # the ETA grows ~10 %, not to infinity


def test_the_rate_follows_a_lasting_change_within_a_few_windows():
    meter = RateMeter(window=10.0)
    meter.update(0, 0.5, 1000.0)
    words = 0
    for second in range(1, 41):
        words += 2000
        rate = meter.update(words, 0.5 + second, 0.0)
    assert rate == pytest.approx(2000.0, rel=0.02)  # e^-4 of the old rate is left


def test_a_resumed_run_starts_from_the_trainers_rate_of_this_run():
    """After --resume the first report's words_done holds the checkpoint's words: the meter
    takes the trainer's rate (of this run's words) rather than words_done / elapsed."""
    meter = RateMeter()
    assert meter.update(6_000_000, 1.0, 1_500_000.0) == 1_500_000.0
    assert meter.update(7_500_000, 2.0, 0.0) == pytest.approx(1_500_000.0)


def test_the_bar_says_the_epoch_out_of_all_the_rate_and_the_time_left():
    bar = _ProgressBar(quiet=True, epochs=5)
    info = Progress(epoch=2, words_done=6_000_000, total_words=10_000_000,
                    words_per_sec=2_000_000.0, alpha=0.0125, loss=2.34567, elapsed=1.0, eta=2.0)
    bar(info)
    text = bar.describe(info, bar.meter.rate)
    bar.close()
    assert text == "epoch 3/5, 2M w/s, 0:02 left, lr 0.01250, loss 2.346"


@pytest.mark.parametrize("asked, shown", [(True, "; workers 1.25M 980k w/s"), (False, "")])
def test_the_bar_shows_a_clusters_worker_rates_when_asked(asked, shown):
    bar = _ProgressBar(quiet=True, epochs=1, worker_rates=asked)
    info = Progress(epoch=0, words_done=10, total_words=100, words_per_sec=10.0, alpha=0.02,
                    loss=2.0, elapsed=1.0, eta=9.0, worker_rates=(1_250_000.0, 980_000.0))
    bar(info)
    assert bar.describe(info, bar.meter.rate).endswith("loss 2.000" + shown)


@pytest.mark.parametrize("seconds, shown", [(0.4, "0:00"), (59.6, "1:00"), (61, "1:01"),
                                            (3600 + 125, "1:02:05"), (math.inf, "?")])
def test_clock(seconds, shown):
    assert _clock(seconds) == shown


@pytest.mark.parametrize("value, shown", [(999, "999"), (1500, "1.5k"), (1_234_567, "1.23M"),
                                          (2.5e9, "2.5G")])
def test_si(value, shown):
    assert _si(value) == shown


# Counting: bytes read of the total, as stored.


def count_words(source) -> int:
    """Count ``source`` as training does: the words its vocabulary saw."""
    model = Word2Vec(min_count=1)
    model.build_vocab(source)
    return model.vocab.raw_words


def _corpus(tmp_path, name, opener, lines=4000):
    text = "".join(f"w{i % 97} w{i % 13} the of and\n" for i in range(lines)).encode()
    path = tmp_path / name
    with opener(path, "wb") as f:
        f.write(text)
    return path


@pytest.mark.parametrize("name, opener", [("c.txt", open), ("c.txt.gz", gzip.open),
                                          ("c.txt.bz2", bz2.open), ("c.txt.xz", lzma.open)])
def test_counting_reports_the_stored_bytes_read_up_to_the_files_size(tmp_path, name, opener):
    path = _corpus(tmp_path, name, opener, lines=60_000)
    seen = []
    with reading_progress(path, lambda done, total: seen.append((done, total))):
        words = count_words(path)
    assert words == 60_000 * 5
    size = path.stat().st_size
    assert {total for _, total in seen} == {size}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == size and len(done) >= 2


def test_several_files_count_on_from_each_other(tmp_path):
    a = _corpus(tmp_path, "a.txt", open)
    b = _corpus(tmp_path, "b.txt.gz", gzip.open)
    seen = []
    with reading_progress([a, b], lambda done, total: seen.append((done, total))):
        count_words([a, b])
    total = a.stat().st_size + b.stat().st_size
    assert seen[-1] == (total, total)
    assert any(done == a.stat().st_size for done, _ in seen)  # a ends where b begins


def test_a_file_part_reports_the_bytes_of_its_range(tmp_path):
    path = _corpus(tmp_path, "c.txt", open)
    part = FilePart(path, 1000, 9000)
    seen = []
    with reading_progress([part], lambda done, total: seen.append((done, total))):
        count_words([part])
    assert seen[-1] == (8000, 8000)


def test_nothing_is_reported_outside_the_context_or_for_token_lists(tmp_path):
    path = _corpus(tmp_path, "c.txt", open)
    seen = []
    with reading_progress(path, lambda done, total: seen.append(done)):
        pass
    count_words(path)
    with reading_progress([["a", "b"], ["c"]], lambda done, total: seen.append(done)):
        count_words([["a", "b"], ["c"]])
    assert seen == []


def test_no_bar_and_no_thread_where_stderr_is_not_a_terminal(monkeypatch):
    """tqdm starts its monitor thread even for a bar it disables: a thread reserves address
    space that a run under RLIMIT_AS may not have, so off a terminal no tqdm is made."""
    import io
    import sys
    import threading

    from wordvec.cli.train import _BytesBar

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    before = threading.active_count()
    bar = _ProgressBar(quiet=False, epochs=2)
    info = Progress(epoch=0, words_done=10, total_words=100, words_per_sec=10.0, alpha=0.1,
                    loss=1.0, elapsed=1.0, eta=9.0)
    bar(info)
    with _BytesBar("counting", quiet=False) as counting:
        counting(5, 10)
    bar.close()
    assert bar._bar is None and counting._bar is None
    assert threading.active_count() == before and sys.stderr.getvalue() == ""
    assert bar.meter.rate == 10.0  # the rate is still followed


def test_each_drawn_line_pairs_a_reports_count_with_its_own_text(monkeypatch, capsys):
    import wordvec.cli.train as train_cli

    monkeypatch.setattr(train_cli, "_shows_bars", lambda quiet: True)
    bar = _ProgressBar(quiet=False, epochs=2)
    for epoch, done in ((0, 30), (1, 60), (1, 90)):
        bar(Progress(epoch=epoch, words_done=done, total_words=100, words_per_sec=10.0,
                     alpha=0.02, loss=1.0 + done / 100, elapsed=done / 10, eta=1.0))
        time.sleep(0.15)                   # past tqdm's mininterval: each report is drawn
    bar.close()
    lines = [part for part in capsys.readouterr().err.split("\r") if "|" in part]
    for done, epoch, loss in ((30, 1, "1.300"), (60, 2, "1.600"), (90, 2, "1.900")):
        drawn = [line for line in lines if f"{done}.0/100" in line]
        assert drawn and all(f"epoch {epoch}/2" in line and f"loss {loss}" in line
                             for line in drawn), lines
