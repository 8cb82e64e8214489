"""Training the book's models on PTB: the loss falls and the vectors mean something.

The floors were calibrated from measured runs (seed 0, PTB train, window 5, hidden 100,
batch 100, Adam); the measured values are beside each assertion.
"""
import numpy as np
import pytest

from wordvec.datasets import ptb
from wordvec.nn import CBOW, Adam, SkipGram, Trainer, cos_similarity, create_contexts_target

RELATED = [("you", "we"), ("year", "month"), ("he", "she"), ("monday", "tuesday")]
UNRELATED = [("you", "year"), ("we", "stock"), ("he", "month"), ("monday", "she")]


@pytest.fixture(scope="module")
def ptb_train(data_file, monkeypatch_module):
    monkeypatch_module.setenv("WORDVEC_DATA", str(data_file("ptb.train.txt").parent))
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    contexts, target = create_contexts_target(corpus, window_size=5)
    return corpus, word_to_id, contexts, target


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def similarities(word_vecs, word_to_id, pairs):
    return [float(cos_similarity(word_vecs[word_to_id[a]], word_vecs[word_to_id[b]]))
            for a, b in pairs]


@pytest.mark.quality
def test_cbow_two_epochs_on_ptb_learns_similar_words(ptb_train, capsys):
    corpus, word_to_id, contexts, target = ptb_train
    model = CBOW(len(word_to_id), 100, 5, corpus, seed=0)
    trainer = Trainer(model, Adam(), seed=0)
    trainer.fit(contexts, target, max_epoch=2, batch_size=100, eval_interval=500)
    assert "| epoch 2 |  iter 9001 / 9295 |" in capsys.readouterr().out
    # Untrained, the loss is 6 * log 2 = 4.16; measured after two epochs: 2.141.
    assert trainer.loss_list[0] == pytest.approx(6 * np.log(2), abs=0.01)
    assert trainer.loss_list[-1] < 2.3
    related = similarities(model.word_vecs, word_to_id, RELATED)
    unrelated = similarities(model.word_vecs, word_to_id, UNRELATED)
    # Measured: related 0.98 0.91 0.86 0.95; unrelated -0.01 -0.08 0.15 0.05
    assert min(related) > 0.7
    assert max(unrelated) < 0.4


@pytest.mark.quality
def test_skipgram_short_run_on_ptb_lowers_loss_and_separates_pairs(ptb_train):
    corpus, word_to_id, contexts, target = ptb_train
    model = SkipGram(len(word_to_id), 100, 5, corpus, seed=0)
    trainer = Trainer(model, Adam(), seed=0)
    n = 300_000
    trainer.fit(contexts[:n], target[:n], max_epoch=1, batch_size=100, eval_interval=250)
    # Untrained: 10 positions * 6 * log 2 = 41.6; measured after 3,000 batches: 26.1
    assert trainer.loss_list[0] == pytest.approx(60 * np.log(2), abs=0.1)
    assert trainer.loss_list[-1] < 27
    related = similarities(model.word_vecs, word_to_id, RELATED[:2])
    unrelated = similarities(model.word_vecs, word_to_id, UNRELATED[:2])
    # Measured: related 0.98 0.92; unrelated 0.40 0.52; loss 26.1
    assert min(related) > max(unrelated) + 0.2
