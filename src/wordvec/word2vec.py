"""The ``Word2Vec`` facade: one object over both trainers."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import time
import warnings
from typing import Callable

import numpy as np

from . import memory
from .config import TrainConfig
from .corpus import CorpusError, EncodedCorpus, encode
from .errors import WriteError
from .memory import MemoryEstimate, MemoryEstimateError
from .vectors import WordVectors
from .vocab import Vocab

NN_BATCH_SIZE = 100
ENGINE_CHUNK_WORDS = 10_000  # the engine's unit of work; a checkpoint's schedule depends on it


class NoExamplesWarning(UserWarning):
    """Epochs of a training run had no example to learn from (their loss is nan): a corpus
    too small for the settings. ``epochs`` lists them, 1-based."""

    def __init__(self, message: str, epochs: list[int]):
        super().__init__(message)
        self.epochs = epochs


class CheckpointWriteWarning(UserWarning):
    """A checkpoint could not be written (a full disk, a vanished folder); the previous one
    is intact and training went on."""


@contextlib.contextmanager
def _locked(folder):
    """Hold ``folder``'s lock (:mod:`wordvec.folderlock`) while checkpoints go there; no
    lock for None."""
    if folder is None:
        yield
        return
    from .folderlock import folder_lock

    with folder_lock(folder):
        yield


def _remove_stale_spills() -> None:
    """Remove the id files that encoding runs killed mid-way left in the temporary folder
    (:func:`wordvec.corpus.encode` spills a large corpus there and names the file as
    :func:`wordvec.io.atomic_write` names its temporaries)."""
    import tempfile

    from .io import remove_stale_temporaries

    remove_stale_temporaries(tempfile.gettempdir())


class Word2Vec:
    """Train word vectors on a corpus, with the engine (default) or the book's layers.

    Keyword arguments are the fields of :class:`~wordvec.config.TrainConfig` (model, dim,
    window, negative, sample, min_count, max_vocab, prune_at, epochs, alpha, min_alpha,
    threads, seed, init, backend), checked when the object is made. ``fit(corpus)`` builds
    the vocabulary, encodes the corpus and trains; afterwards ``wv`` holds the vectors (:class:`WordVectors`),
    ``syn1neg`` the output weights (V, dim) float32, ``vocab`` the :class:`Vocab` and
    ``loss_history`` the mean negative-sampling loss of each epoch.

    Before anything large is allocated, ``fit`` estimates the memory the run needs
    (:mod:`wordvec.memory`), keeps it in ``memory_estimate`` and raises
    :class:`~wordvec.memory.MemoryEstimateError` if it exceeds the available memory.
    ``build_vocab(corpus)`` does the counting and this check alone, so a caller can report
    the estimate before training (the command line does).

    ``backend="nn"`` trains :class:`wordvec.nn.CBOW` / :class:`wordvec.nn.SkipGram` as the book
    does: windows of full width inside sentences, minibatches of 100, Adam with learning rate
    ``alpha`` (default 0.001, the book's), the book's initialisation; ``sample``,
    ``min_alpha``, ``threads`` and ``init`` have no effect there.
    """

    def __init__(self, **config):
        self.config = TrainConfig(**config)
        self.vocab: Vocab | None = None
        self.wv: WordVectors | None = None
        self.syn1neg: np.ndarray | None = None
        self.loss_history: list[float] = []
        self.train_seconds: float = 0.0
        self.words_trained: int = 0
        self.memory_estimate: MemoryEstimate | None = None
        self.checkpoint_extra: dict = {}
        self._counted = None   # (corpus, tokens counted) of build_vocab, until fit reads it

    def build_vocab(self, corpus) -> "Word2Vec":
        """Count ``corpus`` into ``vocab`` (min_count, max_vocab, prune_at) and check the
        memory the run would need (:meth:`check_memory`); ``fit`` then trains with this
        vocabulary. Returns self.

        Counting holds at most ``prune_at`` distinct words, lowered when that many would take
        more than half the available memory (:func:`wordvec.memory.counting_limit`); a
        :class:`~wordvec.corpus.VocabPrunedWarning` says when rare words were dropped."""
        cfg = self.config
        # Counting itself must fit: prune_at words may not take more than half the memory.
        prune_at = memory.counting_limit(cfg.prune_at, memory.available_memory())
        self.vocab = Vocab.build(corpus, min_count=cfg.min_count, max_vocab=cfg.max_vocab,
                                 prune_at=prune_at,
                                 lowered_from=cfg.prune_at if prune_at < cfg.prune_at else None)
        self._counted = (corpus, self.vocab.raw_words)
        self.check_memory()
        return self

    def check_memory(self, available: int | None = None) -> MemoryEstimate:
        """Estimate the bytes training on ``vocab`` needs (:func:`wordvec.memory.estimate`),
        keep it in ``memory_estimate`` and return it.

        ``available``: bytes to compare with (default: :func:`wordvec.memory.available_memory`;
        no check where that is unknown). Raises :class:`MemoryEstimateError` when the estimate
        exceeds it, naming a ``max_vocab`` and a ``min_count`` that would fit.
        """
        cfg = self.config
        counts = self.vocab.counts
        sizes = dict(backend=cfg.backend, window=cfg.window, threads=cfg.n_threads,
                     negative=cfg.negative)
        est = memory.estimate(len(self.vocab), cfg.dim, self.vocab.total, **sizes)
        self.memory_estimate = est
        if available is None:
            available = memory.available_memory()
        if available is not None and est.needed > available:
            fits = memory.largest_vocab(counts, cfg.dim, available, **sizes)
            if fits > 0:
                advice = (f"use max_vocab={fits} or min_count="
                          f"{memory.min_count_for(counts, fits)} (or a smaller dim than "
                          f"{cfg.dim}) to fit")
            else:
                advice = "even one word does not fit; free memory or use a smaller corpus"
            raise MemoryEstimateError(
                f"training needs about {memory.format_bytes(est.needed)} of memory "
                f"(vocabulary {len(self.vocab):,} words x dim {cfg.dim}, corpus "
                f"{self.vocab.total:,} ids) but only {memory.format_bytes(available)} is "
                f"available; {advice}")
        return est

    def fit(self, corpus, progress: Callable | None = None, *, checkpoint_dir=None,
            checkpoint_every: float = 600.0, on_checkpoint: Callable | None = None,
            checkpoint_extra: dict | None = None) -> "Word2Vec":
        """Train on ``corpus`` (a path, list of paths, folder, compressed file, or a
        re-iterable of token lists; see :mod:`wordvec.corpus`). Returns self.
        ``progress(info)`` receives :class:`wordvec.engine.Progress` reports (engine only).

        A model that already has vectors (trained, or loaded with :meth:`load`) keeps its
        vocabulary and continues from its weights, as gensim's ``train``: words outside the
        vocabulary are skipped, the learning rate runs its schedule again, and the new
        epochs' losses are appended to ``loss_history``.

        Checkpoints (engine only): with ``checkpoint_dir``, the whole training state is
        written to ``checkpoint_dir/checkpoint.npz`` (:mod:`wordvec.checkpoint`) about every
        ``checkpoint_every`` seconds and when a KeyboardInterrupt stops training (which is
        then re-raised); :meth:`resume` continues it. ``on_checkpoint(path)`` is called
        after each write; ``checkpoint_extra`` (a JSON-serialisable dict) is kept in it.

        Raises :class:`~wordvec.corpus.CorpusError` / :class:`~wordvec.vocab.VocabError` for a
        corpus that cannot be used, :class:`MemoryEstimateError` when the run would not
        fit in memory (checked before encoding and allocating), and
        :class:`~wordvec.engine.train.DivergenceError` when the weights become NaN or
        infinite (a learning rate too large)."""
        cfg = self.config
        if checkpoint_dir is not None and cfg.backend != "engine":
            raise ValueError("checkpoints are written by the engine backend only, not "
                             f"backend={cfg.backend!r}")
        if self.vocab is None:
            self.build_vocab(corpus)
        else:
            self.check_memory()
        _remove_stale_spills()
        encoded = encode(corpus, self.vocab)
        self._check_unchanged(corpus, encoded)
        if cfg.backend == "engine":
            saver = self._checkpointer(checkpoint_dir, corpus, on_checkpoint, checkpoint_extra,
                                       list(self.loss_history), encoded=encoded)
            with _locked(checkpoint_dir):
                W_in, W_out = self._fit_engine(encoded, progress, saver=saver,
                                               checkpoint_every=checkpoint_every)
        else:
            W_in, W_out = self._fit_nn(encoded)
        self.wv = WordVectors(self.vocab.words, W_in, counts=self.vocab.counts)
        self.syn1neg = W_out
        return self

    def _check_unchanged(self, corpus, encoded: EncodedCorpus) -> None:
        """Raise CorpusError when the corpus read for training is not the one counted: a
        file cut short (or grown) between counting and encoding would otherwise train on
        what is left, with counts and a schedule that no longer match it."""
        counted, self._counted = self._counted, None
        same = counted is not None and (counted[0] is corpus or (
            isinstance(corpus, (str, os.PathLike)) and counted[0] == corpus))
        if not same:
            return
        if counted[1] != encoded.raw_words:
            raise CorpusError(f"the corpus changed while it was read: counting saw "
                              f"{counted[1]:,} words, reading it again for training "
                              f"{encoded.raw_words:,}; train again once nothing writes to it")

    def _checkpointer(self, directory, corpus, on_checkpoint, extra, loss_history, *,
                      encoded: EncodedCorpus):
        """``saver(W_in, W_out, state)`` writing a checkpoint into ``directory``, or None.

        Each checkpoint keeps the corpus's fingerprint (its files' sizes and times now, and
        the fingerprint of ``encoded``, the corpus as encoded for this run), so that
        :meth:`resume` refuses a corpus that changed. A checkpoint that cannot be written (a
        full disk) is a :class:`CheckpointWriteWarning` and training goes on: the previous
        checkpoint is intact, and losing the run to a failed checkpoint would be worse.
        Raises :class:`~wordvec.checkpoint.CheckpointError` before training for a vocabulary
        a checkpoint cannot hold (a word with a lone surrogate, from token lists)."""
        if directory is None:
            return None
        from .checkpoint import CheckpointError, corpus_fingerprint, save_checkpoint, words_problem

        problem = words_problem(self.vocab.words)
        if problem:
            raise CheckpointError(f"cannot write checkpoints into {directory}: {problem}")
        fingerprint = corpus_fingerprint(corpus, encoded)

        def saver(W_in, W_out, state):
            try:
                path = save_checkpoint(directory, words=self.vocab.words,
                                       counts=self.vocab.counts, W_in=W_in, W_out=W_out,
                                       config=dataclasses.asdict(self.config), state=state,
                                       chunk_words=ENGINE_CHUNK_WORDS, corpus=corpus,
                                       loss_history=loss_history, extra=extra,
                                       fingerprint=fingerprint)
            except WriteError as exc:
                warnings.warn(CheckpointWriteWarning(f"{exc}; the previous checkpoint is "
                                                     "kept and training goes on"), stacklevel=2)
                return
            if on_checkpoint is not None:
                on_checkpoint(path)
        return saver

    def _fit_engine(self, encoded: EncodedCorpus, progress, *, saver=None,
                    checkpoint_every: float = 600.0, start=None, weights=None):
        from . import engine

        cfg = self.config
        if weights is not None:
            W_in, W_out = weights
        elif self.wv is not None:
            # Continue from the current weights: writable C-contiguous float32 copies (a loaded
            # model's may be read-only memory maps).
            W_in = np.array(self.wv.vectors, dtype=np.float32, order="C")
            W_out = np.array(self.syn1neg, dtype=np.float32, order="C")
        else:
            W_in, W_out = engine.init_weights(len(self.vocab), cfg.dim, seed=cfg.seed,
                                              init=cfg.init)
        checkpoint = None if saver is None else (lambda state: saver(W_in, W_out, state))
        result = engine.train(encoded.ids, encoded.bounds, self.vocab.counts, cfg, W_in, W_out,
                              progress=progress, chunk_words=ENGINE_CHUNK_WORDS, start=start,
                              checkpoint=checkpoint, checkpoint_every=checkpoint_every)
        self.loss_history += list(result.epoch_loss)
        self._warn_if_no_examples(result.epoch_loss, encoded)
        self.train_seconds = result.seconds
        # This call's words, as train_seconds is this call's time (a resumed run did part).
        done_before = 0 if start is None else int(np.sum(start.epoch_sums[:, 3]))
        self.words_trained = result.words - done_before
        return W_in, W_out

    def _warn_if_no_examples(self, epoch_loss, encoded: EncodedCorpus) -> None:
        """A :class:`NoExamplesWarning` naming the epochs without a single example (their
        loss is nan; the engine stops at any other non-finite loss) and the likely cause."""
        empty = [i + 1 for i, loss in enumerate(epoch_loss) if loss != loss]
        if not empty:
            return
        cfg = self.config
        longest = int(np.diff(encoded.bounds).max()) if encoded.n_sentences else 0
        if longest < 2:
            why = (f"no sentence holds two words of the vocabulary ({len(self.vocab):,} "
                   "words), so no word has a context; use a larger corpus or a smaller "
                   "min_count")
        else:
            why = (f"subsampling dropped nearly every word of this small corpus "
                   f"({encoded.ids.shape[0]:,} tokens, sample={cfg.sample:g}); use sample=0 "
                   "for a corpus this small")
        if len(empty) == len(epoch_loss):
            which = "no epoch had a training example, so training left the vectors as they were"
        elif len(empty) <= 5:
            which = (f"epoch{'s' if len(empty) > 1 else ''} {', '.join(map(str, empty))} of "
                     f"{len(epoch_loss)} had no training example (loss nan)")
        else:
            which = f"{len(empty)} of {len(epoch_loss)} epochs had no training example (loss nan)"
        warnings.warn(NoExamplesWarning(f"{which}: {why}", empty), stacklevel=4)

    def _fit_nn(self, encoded: EncodedCorpus):
        from . import nn

        cfg = self.config
        contexts, target = windows_within_sentences(encoded, cfg.window)
        if target.shape[0] < NN_BATCH_SIZE:
            raise CorpusError(f"the corpus has {target.shape[0]} positions with a full window "
                              f"of {cfg.window} inside a sentence, fewer than one batch of "
                              f"{NN_BATCH_SIZE} for the nn backend; use a larger corpus, "
                              "a smaller window, or the engine backend")
        # Fewer other words than negatives: draw them with repeats (word2vec.c draws with
        # replacement anyway); a one-word corpus has no negative to draw at all.
        others = int(np.count_nonzero(np.bincount(np.asarray(encoded.ids)))) - 1
        model_class = nn.CBOW if cfg.model == "cbow" else nn.SkipGram
        model = model_class(len(self.vocab), cfg.dim, cfg.window, np.asarray(encoded.ids),
                            sample_size=cfg.negative if others else 0,
                            distinct=others >= cfg.negative, seed=cfg.seed)
        if self.wv is not None:
            model.params[0][...] = self.wv.vectors
            model.params[1][...] = self.syn1neg
        trainer = nn.Trainer(model, nn.Adam(lr=cfg.alpha or 0.001), seed=cfg.seed)
        start = time.perf_counter()
        trainer.fit(contexts, target, max_epoch=cfg.epochs, batch_size=NN_BATCH_SIZE,
                    eval_interval=None)
        self.train_seconds = time.perf_counter() - start
        self.loss_history += list(trainer.epoch_loss)
        self.words_trained = cfg.epochs * (target.shape[0] // NN_BATCH_SIZE) * NN_BATCH_SIZE
        W_in, W_out = model.params
        return nn.to_cpu(W_in), nn.to_cpu(W_out)


    def save(self, path) -> None:
        """Write a native model file (.npz + JSON, no pickle): both matrices, the vocabulary
        with counts, the configuration and the loss history. :meth:`load` reads it back."""
        from .io import save_model

        if self.wv is None:
            raise ValueError("the model has no vectors yet: call fit() before save()")
        save_model(path, words=self.vocab.words, counts=self.vocab.counts, W_in=self.wv.vectors,
                   W_out=self.syn1neg, config=dataclasses.asdict(self.config),
                   history={"epoch_loss": self.loss_history, "train_seconds": self.train_seconds,
                            "words_trained": self.words_trained})

    @classmethod
    def resume(cls, checkpoint_dir, corpus=None, progress: Callable | None = None, *,
               checkpoint_every: float = 600.0, on_checkpoint: Callable | None = None,
               save_checkpoints: bool = True,
               on_memory_estimate: Callable | None = None) -> "Word2Vec":
        """Continue a training stopped at a checkpoint written by :meth:`fit` and finish it.

        checkpoint_dir: the checkpoint's folder, its file, or a
        :class:`~wordvec.checkpoint.Checkpoint` already loaded with ``load_checkpoint``.
        corpus: the same corpus (default: the paths kept in the checkpoint, re-read and
        re-encoded with the checkpoint's vocabulary); with ``save_checkpoints`` further
        checkpoints go to the same folder. With one thread the vectors are bit-identical to
        an uninterrupted run. The checkpoint's ``extra`` is in ``checkpoint_extra``.
        The memory the run needs is checked first, as :meth:`fit` does (the machine may have
        changed); ``on_memory_estimate(estimate)`` receives the estimate before encoding.
        The corpus must be the one the run started on: before it is encoded, its files must
        be the same ones in the same order (the same paths too when ``corpus`` is not given)
        with the same sizes; after, its encoded words must have the fingerprint the
        checkpoint kept. A file whose time changed but whose size and words did not (touched,
        copied back) is accepted: the content is what counts.
        Raises :class:`~wordvec.checkpoint.CheckpointError` for a folder without a usable
        checkpoint or a corpus that no longer matches it (the message says what changed),
        :class:`MemoryEstimateError` when the run no longer fits in memory.
        """
        from .checkpoint import (Checkpoint, CheckpointError, check_corpus_files,
                                 check_encoded, load_checkpoint)

        ckpt = (checkpoint_dir if isinstance(checkpoint_dir, Checkpoint)
                else load_checkpoint(checkpoint_dir))
        model = cls(**dataclasses.asdict(ckpt.config))
        model.vocab = Vocab.from_counts(ckpt.words, ckpt.counts)
        model.checkpoint_extra = ckpt.extra
        # The checkpoint's matrices, already loaded, are part of the estimate: count them as
        # available rather than twice.
        available = memory.available_memory()
        if available is not None:
            available += ckpt.W_in.nbytes + ckpt.W_out.nbytes
        try:
            estimate = model.check_memory(available)
        except MemoryEstimateError:
            raise MemoryEstimateError(
                f"resuming {ckpt.path} needs about "
                f"{memory.format_bytes(model.memory_estimate.needed)} of memory but only "
                f"{memory.format_bytes(available)} is available; its vocabulary and dim are "
                "fixed, so free memory or resume on a machine with more") from None
        if on_memory_estimate is not None:
            on_memory_estimate(estimate)
        own_paths = corpus is None
        if own_paths:
            if not ckpt.corpus:
                raise CheckpointError(f"{ckpt.path} was trained on an in-memory corpus: pass "
                                      "the same corpus to resume it")
            corpus = ckpt.corpus if len(ckpt.corpus) > 1 else ckpt.corpus[0]
        if ckpt.chunk_words != ENGINE_CHUNK_WORDS:
            raise CheckpointError(f"{ckpt.path} was cut into chunks of {ckpt.chunk_words} "
                                  f"words, this version uses {ENGINE_CHUNK_WORDS}")
        check_corpus_files(ckpt, corpus, same_paths=own_paths)
        encoded = encode(corpus, model.vocab)
        # With the schedule checked against this corpus, the engine's own check of it passes.
        check_encoded(ckpt, encoded)
        model.loss_history = list(ckpt.loss_history)
        folder = ckpt.path.parent if save_checkpoints else None
        saver = model._checkpointer(folder, corpus, on_checkpoint, ckpt.extra,
                                    list(ckpt.loss_history), encoded=encoded)
        with _locked(folder):
            W_in, W_out = model._fit_engine(encoded, progress, saver=saver,
                                            checkpoint_every=checkpoint_every,
                                            start=ckpt.state, weights=(ckpt.W_in, ckpt.W_out))
        model.wv = WordVectors(model.vocab.words, W_in, counts=model.vocab.counts)
        model.syn1neg = W_out
        return model

    @classmethod
    def load(cls, path, mmap: bool = False) -> "Word2Vec":
        """A model saved by :meth:`save`; ``fit`` continues training it. With ``mmap=True``
        the matrices are memory-mapped read-only (queries only, until trained again).
        Raises :class:`~wordvec.io.VectorFileError` for a file that is not such a model or
        whose parts (configuration, history) are damaged."""
        from .io import VectorFileError, load_model

        saved = load_model(path, mmap=mmap)
        if saved["W_out"] is None:
            raise VectorFileError(path, "the file holds no output weights (W_out), so training "
                                  "cannot continue from it; read its vectors with wordvec.load")
        try:
            model = cls(**dataclasses.asdict(TrainConfig.from_dict(saved["config"])))
        except (TypeError, ValueError) as exc:
            raise VectorFileError(path, f"its configuration is damaged: {exc}") from None
        history = saved.get("history") or {}
        try:
            if not isinstance(history, dict):
                raise TypeError(f"it is a {type(history).__name__}, not a mapping")
            loss_history = [float(x) for x in history.get("epoch_loss", [])]
            train_seconds = float(history.get("train_seconds", 0.0))
            words_trained = int(history.get("words_trained", 0))
        except (TypeError, ValueError) as exc:
            raise VectorFileError(path, f"its training history is damaged: {exc}") from None
        model.vocab = Vocab.from_counts(saved["words"], saved["counts"])
        model.wv = WordVectors(saved["words"], saved["W_in"], counts=saved["counts"])
        model.syn1neg = saved["W_out"]
        model.loss_history = loss_history
        model.train_seconds = train_seconds
        model.words_trained = words_trained
        return model


def windows_within_sentences(encoded: EncodedCorpus, window: int):
    """Every position whose full window lies inside its sentence (the book's windows, which
    never reach past the corpus' ends, here never past a sentence's).

    Returns contexts (N, 2*window) int32 and target (N,) int32.
    """
    ids = np.asarray(encoded.ids)
    width = 2 * window + 1
    if ids.shape[0] < width:
        return np.zeros((0, 2 * window), dtype=np.int32), np.zeros(0, dtype=np.int32)
    sentence = np.repeat(np.arange(encoded.n_sentences), np.diff(encoded.bounds))
    starts = np.flatnonzero(sentence[:-width + 1] == sentence[width - 1:])
    spans = np.lib.stride_tricks.sliding_window_view(ids, width)[starts]
    contexts = np.concatenate([spans[:, :window], spans[:, window + 1:]], axis=1)
    return contexts.astype(np.int32), spans[:, window].astype(np.int32)
