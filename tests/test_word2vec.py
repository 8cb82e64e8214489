"""The Word2Vec facade: configuration, corpora, both backends, determinism."""
import dataclasses
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from wordvec import TrainConfig, Word2Vec
from wordvec.corpus import encode
from wordvec.io import VectorFileError, save_model
from wordvec.nn import create_contexts_target
from wordvec.trainers.nn import windows_within_sentences
from wordvec.vocab import Vocab
from wordvec.weights import needed


def toy_corpus(n_sentences=300, seed=0):
    """Two topics that never share a sentence: animals and numbers."""
    rng = np.random.default_rng(seed)
    topics = [["cat", "dog", "horse", "cow", "sheep"], ["one", "two", "three", "four", "five"]]
    return [list(rng.choice(topics[i % 2], size=12)) for i in range(n_sentences)]


def test_config_defaults_follow_word2vec_c_and_reject_bad_values():
    assert TrainConfig(model="cbow").start_alpha == 0.05
    assert TrainConfig(model="skipgram").start_alpha == 0.025
    assert TrainConfig(alpha=0.1).end_alpha == pytest.approx(1e-5)
    for bad in (dict(dim=0), dict(window=0), dict(negative=-1), dict(epochs=0), dict(hs=2),
                dict(negative=0), dict(sample=-1), dict(alpha=0), dict(model="glove"),
                dict(init="glove")):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Word2Vec(**bad)


def test_windows_within_sentences_equal_per_sentence_book_windows():
    sentences = [["a", "b", "c", "d", "e", "f"], ["g", "h"], ["a", "c", "e", "g", "b", "d", "f"]]
    vocab = Vocab.build(sentences, min_count=1)
    encoded = encode(sentences, vocab.word_to_id)
    contexts, target = windows_within_sentences(encoded, 2)
    parts = [create_contexts_target(encoded.sentence(i), 2) for i in range(encoded.n_sentences)
             if len(encoded.sentence(i)) >= 5]
    np.testing.assert_array_equal(contexts, np.concatenate([c for c, _ in parts]))
    np.testing.assert_array_equal(target, np.concatenate([t for _, t in parts]))


def test_one_shot_generator_is_refused():
    with pytest.raises(TypeError, match="one-shot"):
        Word2Vec(min_count=1).fit(s for s in toy_corpus())


OUTPUTS = {"ns": dict(), "hs": dict(hs=1, negative=0), "both": dict(hs=1)}


@pytest.mark.parametrize("output", sorted(OUTPUTS))
@pytest.mark.parametrize("backend", ["engine", "nn"])
@pytest.mark.parametrize("model", ["cbow", "skipgram"])
def test_both_backends_separate_the_topics(backend, model, output):
    engine_only = dict(sample=0, threads=1) if backend == "engine" else {}
    m = Word2Vec(model=model, backend=backend, dim=16, window=2, min_count=1,
                 epochs=5 if backend == "engine" else 30, seed=3, **engine_only,
                 **OUTPUTS[output])
    m.fit(toy_corpus())
    assert [name for name, _ in m.weights.named()] == list(needed(m.config))
    wv = m.wv
    assert wv.vectors.shape == (10, 16) and wv.vectors.dtype == np.float32
    assert len(m.loss_history) == m.config.epochs
    assert m.loss_history[-1] < m.loss_history[0]
    cos = lambda a, b: float(wv.get_vector(a, norm=True) @ wv.get_vector(b, norm=True))
    assert min(cos("cat", "dog"), cos("one", "two")) \
        > max(cos("cat", "one"), cos("dog", "five")) + 0.3


def _train_in_subprocess(hash_seed, tmp_path):
    script = ("import sys, hashlib; from wordvec import Word2Vec; "
              "m = Word2Vec(dim=8, min_count=1, threads=1, seed=5, epochs=2).fit(sys.argv[1]); "
              "print(' '.join(m.wv.index_to_key)); "
              "print(hashlib.sha256(m.wv.vectors.tobytes()).hexdigest())")
    corpus = tmp_path / "corpus.txt"
    if not corpus.exists():
        # Many words with equal counts: only a hash-independent tie-break keeps their order.
        words = [f"w{i}" for i in range(200)]
        corpus.write_text("\n".join(" ".join(words[i:] + words[:i]) for i in range(50)))
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    out = subprocess.run([sys.executable, "-c", script, str(corpus)], env=env, text=True,
                         capture_output=True, check=True).stdout.splitlines()
    return out[0], out[1]


def test_results_do_not_depend_on_pythonhashseed(tmp_path):
    assert _train_in_subprocess(1, tmp_path) == _train_in_subprocess(2, tmp_path)


def test_one_thread_and_a_seed_is_bit_identical():
    digest = lambda m: hashlib.sha256(m.wv.vectors.tobytes()).hexdigest()
    runs = [Word2Vec(dim=8, min_count=1, threads=1, seed=seed).fit(toy_corpus())
            for seed in (7, 7, 8)]
    assert digest(runs[0]) == digest(runs[1]) != digest(runs[2])


@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_save_load_and_continue_training(tmp_path, output):
    m = Word2Vec(dim=8, min_count=1, threads=1, seed=4, epochs=2, **OUTPUTS[output])
    m.fit(toy_corpus())
    m.save(tmp_path / "m.npz")
    loaded = Word2Vec.load(tmp_path / "m.npz", mmap=True)
    assert loaded.config == m.config and loaded.vocab == m.vocab
    for (name, W), (_, L) in zip(m.weights.named(), loaded.weights.named(), strict=True):
        np.testing.assert_array_equal(L, W, err_msg=name)
    assert (loaded.syn1neg is None) == (m.config.negative == 0)
    assert (loaded.syn1 is None) == (m.config.hs == 0)
    assert isinstance(loaded.wv.vectors, np.memmap)
    loaded.fit(toy_corpus(seed=1))
    assert loaded.loss_history[:2] == m.loss_history and len(loaded.loss_history) == 4
    assert loaded.loss_history[-1] < m.loss_history[-1]      # it continued, not restarted
    assert loaded.wv.index_to_key == m.wv.index_to_key


@pytest.mark.parametrize("change, problem", [
    (lambda m: m.update(config=[1]), "its configuration is damaged: the configuration is a "
                                     "list, not a mapping"),
    (lambda m: m["config"].update(window=-2), "its configuration is damaged: window must be "
                                              "an integer from 1 to 10,000, got -2"),
    (lambda m: m["config"].update(epochs=2.5), "its configuration is damaged: epochs must be "
                                               "an integer, got 2.5"),
    (lambda m: m["config"].update(future=1), "unknown configuration fields future"),
    (lambda m: m.update(history=[1]), "its training history is damaged: it is a list"),
    (lambda m: m["history"].update(epoch_loss="x"), "its training history is damaged"),
])
def test_a_model_with_damaged_parts_is_a_vector_file_error(tmp_path, change, problem):
    from test_checkpoint import rewrite_meta

    path = tmp_path / "m.npz"
    Word2Vec(dim=8, min_count=1, threads=1, epochs=1).fit(toy_corpus()).save(path)
    rewrite_meta(path, change)
    with pytest.raises(VectorFileError) as info:
        Word2Vec.load(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_a_model_without_output_weights_cannot_continue_training(tmp_path):
    path = tmp_path / "v.npz"
    m = Word2Vec(dim=8, min_count=1, threads=1, epochs=1).fit(toy_corpus())
    save_model(path, words=m.vocab.words, counts=m.vocab.counts, W_in=m.wv.vectors,
               config=dataclasses.asdict(m.config))
    with pytest.raises(VectorFileError, match="holds no W_out .output weights"):
        Word2Vec.load(path)


def test_config_checks_types_and_keeps_plain_numbers():
    with pytest.raises(TypeError, match="dim must be an integer, got '100'"):
        TrainConfig(dim="100")
    with pytest.raises(TypeError, match="threads must be an integer, got True"):
        TrainConfig(threads=True)
    with pytest.raises(TypeError, match="model must be a string, got 1"):
        TrainConfig(model=1)
    config = TrainConfig(dim=np.int64(16), sample=np.float32(0.5), alpha=1)
    assert type(config.dim) is int and type(config.sample) is float and config.alpha == 1.0
    assert TrainConfig.from_dict({"dim": 16}) == TrainConfig(dim=16)
