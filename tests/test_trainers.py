"""The trainers behind the facade: the pure schedule, the configuration's per-backend
fields, and the nn backend reproducing the book's run through ``Word2Vec``."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from wordvec import Word2Vec
from wordvec.config import TrainConfig
from wordvec.errors import ConfigError
from wordvec.schedule import Schedule, ScheduleError, make_chunks
from wordvec.vocab import Vocab


# ------------------------------------------------------------------------------ the schedule
def _bounds(lengths):
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def test_a_schedule_hands_out_every_chunk_of_every_epoch_in_order():
    bounds = _bounds([3, 4, 5, 6, 7, 8])
    schedule = Schedule(bounds, epochs=3, start_alpha=0.05, end_alpha=0.0, chunk_words=9)
    chunks = make_chunks(bounds, 9)
    assert chunks == [(0, 3), (3, 5), (5, 6)]     # 12 words, 13 words, 8 words
    taken = []
    while not schedule.finished:
        taken.append(schedule.take())
    assert [(e, f, l) for e, f, l, _ in taken] == [(e, *c) for e in range(3) for c in chunks]
    # The learning rate falls linearly with the job's first word over all epochs' words.
    T = int(bounds[-1])
    for epoch, first, _, alpha in taken:
        assert alpha == pytest.approx(0.05 * (1 - (epoch * T + bounds[first]) / (3 * T)))


def test_a_schedule_adds_sums_per_epoch_and_resumes_from_its_state():
    bounds = _bounds([5] * 10)
    a = Schedule(bounds, epochs=2, start_alpha=0.1, end_alpha=0.001, chunk_words=10)
    for _ in range(7):
        epoch, first, last, _ = a.take()
        words = int(bounds[last] - bounds[first])
        a.record(epoch, first, loss=2.0 * words, examples=words, kept=words - 1, words=words)
    state = a.state(np.array([11, 12], dtype=np.uint64))
    assert state.next_job == 7 and state.n_jobs == 10 and not state.complete
    assert state.epoch_sums[:, 3].tolist() == [50.0, 20.0]
    b = Schedule(bounds, epochs=2, start_alpha=0.1, end_alpha=0.001, chunk_words=10,
                 start=state)
    assert b.take()[:3] == a.take()[:3] == (1, 4, 6)
    assert b.words_done == a.words_done == 70
    assert b.epoch_loss() == a.epoch_loss() == [2.0, 2.0]
    assert b.alpha_after(b.total) == pytest.approx(0.001)
    with pytest.raises(ScheduleError, match="same corpus, configuration and chunk_words"):
        Schedule(bounds, epochs=2, start_alpha=0.1, end_alpha=0.001, chunk_words=25,
                 start=state)


def test_stop_at_ends_a_schedule_early():
    schedule = Schedule(_bounds([4] * 8), epochs=1, start_alpha=0.1, end_alpha=0.0,
                        chunk_words=4, stop_at=3)
    assert [schedule.take()[1] for _ in range(3)] == [0, 1, 2] and schedule.finished


# ----------------------------------------------------------------------- the configuration
#: Values of the free-text fields, and what a field that only means something beside
#: another (a cluster run's workers) is set with.
_TEXT_VALUES = {"cluster": "local", "sync_every": "5s"}
_SET_WITH = {name: {"cluster": "local"} for name in ("workers", "sync_every", "sync_merge")}


def _other_value(f: dataclasses.Field):
    meta = f.metadata
    if f.name in _TEXT_VALUES:
        return _TEXT_VALUES[f.name]
    if meta["choices"]:
        return next(c for c in meta["choices"] if c != f.default)
    if f.type.startswith("int"):
        up = (f.default if f.default is not None else (meta["low"] or 1)) + 1
        return up if meta["high"] is None or up <= meta["high"] else f.default - 1
    return (f.default or 0.5) / 2


OWN_FIELDS = [f for f in dataclasses.fields(TrainConfig) if len(f.metadata["backends"]) == 1]


@pytest.mark.parametrize("f", OWN_FIELDS, ids=[f.name for f in OWN_FIELDS])
def test_a_field_the_backend_does_not_read_is_an_error_naming_it(f):
    owner = f.metadata["backends"][0]
    other = next(b for b in ("engine", "nn") if b != owner)
    value = _other_value(f)
    TrainConfig(backend=owner, **{f.name: value}, **_SET_WITH.get(f.name, {}))  # it reads it
    with pytest.raises(ConfigError, match=rf"^{f.name}=.* is not used by backend='{other}' "
                                          rf"\(only by the {owner} backend\)"):
        TrainConfig(backend=other, **{f.name: value})


def test_every_backend_owns_some_fields_and_the_defaults_pass_everywhere():
    owners = {f.metadata["backends"][0] for f in OWN_FIELDS}
    assert owners == {"engine", "nn"}
    for backend in ("engine", "nn"):
        TrainConfig(backend=backend)


# ------------------------------------------------------------- the book's run, via the facade
def _book_corpus(data_file, n=6000):
    from wordvec.nn import preprocess

    text = " <eos> ".join(data_file("ptb.valid.txt").read_text().split("\n"))
    words = text.split()[:n]
    return preprocess(" ".join(words))


def test_the_nn_backend_reproduces_the_books_run_bit_for_bit(data_file):
    from wordvec.nn import CBOW, Adam, Trainer, create_contexts_target

    corpus, word_to_id, id_to_word = _book_corpus(data_file)
    V = len(word_to_id)
    contexts, target = create_contexts_target(corpus, window_size=2)
    book = CBOW(V, 16, 2, corpus, seed=4)
    trainer = Trainer(book, Adam(), seed=4)
    trainer.fit(contexts, target, max_epoch=2, batch_size=50, eval_interval=None)

    words = [id_to_word[i] for i in range(V)]
    model = Word2Vec(backend="nn", dim=16, window=2, min_count=1, epochs=2, seed=4,
                     windows="corpus", batch_size=50)
    model.vocab = Vocab.from_counts(words, np.bincount(corpus, minlength=V))
    seen = []
    model.fit([[words[i] for i in corpus]], progress=seen.append)
    assert np.array_equal(model.wv.vectors, book.word_vecs)
    assert model.loss_history == trainer.epoch_loss
    steps = len(target) // 50
    assert len(model.iteration_loss) == 2 * steps
    assert np.mean(model.iteration_loss[:steps]) == pytest.approx(trainer.epoch_loss[0])
    assert model.words_trained == 2 * steps * 50
    assert seen and seen[-1].words_done == seen[-1].total_words == 2 * steps * 50


def test_sentence_windows_never_cross_a_line_and_corpus_windows_do():
    corpus = [["a", "b", "c", "d", "e"]] * 40 + [["x", "y", "z", "w", "v"]] * 40
    counts = {}
    for backend_windows in ("sentence", "corpus"):
        m = Word2Vec(backend="nn", dim=4, window=2, min_count=1, epochs=1, batch_size=10,
                     windows=backend_windows)
        m.fit(corpus)
        counts[backend_windows] = m.words_trained
    # A 5-word sentence holds one full window of 2; the whole corpus 400 - 4.
    assert counts == {"sentence": 80, "corpus": 390}


# ------------------------------------------------------------------------ the epoch-end hook
@pytest.mark.parametrize("backend,threads", [("engine", 1), ("engine", 2), ("nn", None)])
def test_epoch_end_gets_every_epoch_in_order_with_its_loss(backend, threads):
    corpus = [["a", "b", "c", "d", "e", "f"][i % 3:] * 4 for i in range(300)]
    own = dict(threads=threads, sample=0, chunk_words=200) if backend == "engine" else {}
    model = Word2Vec(backend=backend, dim=8, window=2, min_count=1, epochs=4, **own)
    ended = []
    model.fit(corpus, on_epoch_end=lambda epoch, loss: ended.append((epoch, loss)))
    assert [e for e, _ in ended] == [0, 1, 2, 3]
    assert [loss for _, loss in ended] == model.loss_history


def test_epoch_end_after_a_resume_gets_only_the_epochs_finished_then():
    from wordvec.engine import init_weights, train
    from wordvec.schedule import TrainState

    bounds = _bounds([50] * 40)
    ids = (np.arange(2000) % 7).astype(np.int32)
    counts = np.bincount(ids)
    cfg = TrainConfig(dim=8, window=2, epochs=3, threads=1, sample=0, chunk_words=500)
    A, B = init_weights(len(counts), 8)
    seen = []
    part = train(ids, bounds, counts, cfg, A, B, stop_at=6,
                 epoch_end=lambda e, loss: seen.append(e))
    assert seen == [0] and isinstance(part.state, TrainState)
    full = train(ids, bounds, counts, cfg, A, B, start=part.state,
                 epoch_end=lambda e, loss: seen.append((e, loss)))
    assert seen == [0, (1, full.epoch_loss[1]), (2, full.epoch_loss[2])]


def test_epoch_end_holds_a_later_epoch_until_the_earlier_one_is_done():
    import importlib
    import threading

    engine_train = importlib.import_module("wordvec.engine.train")   # the module
    run = engine_train._Run.__new__(engine_train._Run)   # only the hand-over's state

    run.cond, run.ended, run.next_epoch = threading.Condition(), {0, 1, 3}, 0
    schedule = Schedule(_bounds([5] * 4), epochs=4, start_alpha=0.1, end_alpha=0.0,
                        chunk_words=5)
    run.schedule, seen = schedule, []
    run.epoch_end = lambda e, loss: seen.append(e)
    run.end_epochs()
    assert seen == [0, 1] and run.ended == {3}
    run.ended.add(2)
    run.end_epochs()
    assert seen == [0, 1, 2, 3] and run.ended == set()
