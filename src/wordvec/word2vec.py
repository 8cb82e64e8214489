"""The ``Word2Vec`` facade: one object over both trainers."""
from __future__ import annotations

import dataclasses
import math
import os
import warnings
from collections.abc import Callable

import numpy as np

from . import checkpointing, memory, trainers
from .config import TrainConfig
from .corpus import CorpusError
from .errors import ConfigError, ConfigTypeError, WordvecError
from .hooks import Hooks
from .memory import MemoryEstimate, MemoryEstimateError
from .trainers import RESUMABLE, resumable, trainer_for
from .vectors import WordVectors
from .vocab import Vocab
from .weights import Weights, needed


class NoExamplesWarning(UserWarning):
    """Epochs of a training run had no example to learn from (their loss is nan): a corpus
    too small for the settings. ``epochs`` lists them, 1-based."""

    def __init__(self, message: str, epochs: list[int]):
        super().__init__(message)
        self.epochs = epochs


def _trainable(weights: Weights) -> bool:
    """Whether a trainer can train ``weights`` as they are: writable C-contiguous float32."""
    return all(W.dtype == np.float32 and W.flags.c_contiguous and W.flags.writeable
               for _, W in weights.named())


def _remove_stale_spills() -> None:
    """Remove the id files that encoding runs killed mid-way left in the temporary folder
    (:func:`wordvec.corpus.encode` spills a large corpus there and names the file as
    :func:`wordvec.io.atomic_write` names its temporaries)."""
    import tempfile

    from .io.atomic import remove_stale_temporaries

    remove_stale_temporaries(tempfile.gettempdir())


#: gensim 4's names of Word2Vec's arguments that wordvec's Word2Vec spells otherwise: the
#: TrainConfig field that means the same (:mod:`wordvec.gensim` names gensim's argument in
#: its errors with it).
GENSIM_FIELDS = {"vector_size": "dim", "size": "dim", "sg": "model", "workers": "threads",
                 "iter": "epochs", "batch_words": "chunk_words", "max_vocab_size": "prune_at"}

#: gensim 4's Word2Vec arguments with no TrainConfig field, and where their effect is found.
GENSIM_ELSEWHERE = {
    "sentences": "pass the corpus to fit(corpus)",
    "corpus_iterable": "pass the corpus to fit(corpus)",
    "corpus_file": "pass the path to fit(path)",
    "callbacks": "use fit(on_epoch_begin=..., on_epoch_end=...)",
    "compute_loss": "the loss is always computed (loss_history)",
    "trim_rule": "wordvec.gensim.Word2Vec takes it",
    "sorted_vocab": "wordvec.gensim.Word2Vec takes it",
    "null_word": "wordvec.gensim.Word2Vec takes it",
    "hashfxn": "gensim 4 does not use it either",
    "comment": "wordvec.gensim.Word2Vec takes it",
}


def _check_gensim_names(names) -> None:
    """A :class:`~wordvec.errors.ConfigTypeError` for the first of ``names`` that is one of
    gensim's argument names (:data:`GENSIM_FIELDS`, :data:`GENSIM_ELSEWHERE`), saying what
    wordvec calls it; other unknown names are left to TrainConfig, and so are names that
    are TrainConfig's too (``workers``: a cluster run's workers, which says so when no
    cluster is set)."""
    ours_too = {f.name for f in dataclasses.fields(TrainConfig)}
    for name in names:
        if name in ours_too:
            continue
        if name in GENSIM_FIELDS:
            ours = f"wordvec's Word2Vec calls it {GENSIM_FIELDS[name]!r}"
        elif name in GENSIM_ELSEWHERE:
            ours = f"wordvec's Word2Vec has no such option ({GENSIM_ELSEWHERE[name]})"
        else:
            continue
        raise ConfigTypeError(f"{name!r} is gensim's name: {ours}; wordvec.gensim.Word2Vec "
                              "takes gensim's names")


class Word2Vec:
    """Train word vectors on a corpus, with the engine (default) or the book's layers.

    Keyword arguments are the fields of :class:`~wordvec.config.TrainConfig` (model, dim,
    window, negative, sample, min_count, max_vocab, prune_at, epochs, alpha, min_alpha,
    threads, seed, init, backend and each backend's own), checked when the object is made;
    a field the chosen backend does not read must stay at its default. ``fit(corpus)`` builds
    the vocabulary, encodes the corpus and trains; afterwards ``wv`` holds the vectors
    (:class:`WordVectors`), ``syn1neg`` the negative-sampling output weights and ``syn1``
    those of hierarchical softmax (each (V, dim) float32, or None where ``negative=0`` /
    ``hs=0``; gensim's names), ``vocab`` the
    :class:`Vocab` and ``loss_history`` the mean negative-sampling loss of each epoch;
    ``progress_loss`` holds (position in epochs, loss) points through training (the
    engine's loss per hundredth of an epoch; the progress reports' for the other trainers;
    a resumed run's from where it resumed), which ``wordvec plot --loss`` draws.

    Before the weights are allocated, ``fit`` estimates the memory the run needs
    (:mod:`wordvec.memory`), keeps it in ``memory_estimate`` and raises
    :class:`~wordvec.memory.MemoryEstimateError` if it exceeds the available memory.
    ``build_vocab(corpus)`` does the counting and this check alone, so a caller can report
    the estimate before training (the command line does). Counting a file also encodes it
    in the same read (:func:`wordvec.vocab.count_and_encode`; the ids go to a temporary
    file past 64 MiB), and ``fit`` on the same corpus trains on those ids.

    The backend is a trainer of :mod:`wordvec.trainers`. ``backend="nn"`` trains
    :class:`wordvec.nn.CBOW` / :class:`wordvec.nn.SkipGram` as the book does: windows of full
    width (inside sentences, or over the whole corpus with ``windows="corpus"``), minibatches
    of ``batch_size``, Adam (or SGD) with learning rate ``lr``, the book's initialisation;
    ``iteration_loss`` then holds the loss of every step. Given the book's word list as one
    token list, the book's vocabulary order (set ``vocab`` with
    :meth:`Vocab.from_counts <wordvec.vocab.Vocab.from_counts>` before ``fit``) and
    ``windows="corpus"``, it is the book's run exactly.
    """

    def __init__(self, **config):
        _check_gensim_names(config)
        self.config = TrainConfig(**config)
        self.vocab: Vocab | None = None
        self.wv: WordVectors | None = None
        self.syn1neg: np.ndarray | None = None
        self.syn1: np.ndarray | None = None
        self.loss_history: list[float] = []
        self.progress_loss: list[tuple[float, float]] = []
        self.iteration_loss: list[float] = []
        self.train_seconds: float = 0.0
        self.words_trained: int = 0
        self.words_read: int = 0
        self.train_stats: dict = {}
        self.memory_estimate: MemoryEstimate | None = None
        self.checkpoint_extra: dict = {}
        # (corpus, tokens counted, its ids or None) of build_vocab, until fit reads it
        self._counted = None

    def build_vocab(self, corpus) -> Word2Vec:
        """Count ``corpus`` into ``vocab`` (min_count, max_vocab, prune_at) and check the
        memory the run would need (:meth:`check_memory`); ``fit`` then trains with this
        vocabulary. Returns self.

        Counting holds at most ``prune_at`` distinct words, lowered when that many would take
        more than half the available memory (:func:`wordvec.memory.counting_limit`); a
        :class:`~wordvec.vocab.VocabPrunedWarning` says when rare words were dropped."""
        cfg = self.config
        # Counting itself must fit: prune_at words may not take more than half the memory.
        prune_at = memory.counting_limit(cfg.prune_at, memory.available_memory())
        _remove_stale_spills()
        self.vocab, encoded = trainers.count_and_encode(
            corpus, cfg, prune_at=prune_at,
            lowered_from=cfg.prune_at if prune_at < cfg.prune_at else None)
        self._counted = (corpus, self.vocab.raw_words, encoded)
        try:
            self.check_memory()
        except BaseException:
            self._release_counted()
            raise
        return self

    def _release_counted(self) -> None:
        """Let go of what :meth:`build_vocab` kept for ``fit``: a cluster run's workers end."""
        counted, self._counted = self._counted, None
        close = getattr(counted[2], "close", None) if counted is not None else None
        if close is not None:
            close()

    def _known_vocab(self) -> Vocab:
        """``vocab``, which training and estimates need: set by build_vocab, fit or load."""
        if self.vocab is None:
            raise ConfigError("the model has no vocabulary yet: call build_vocab() or fit()")
        return self.vocab

    def check_memory(self, available: int | None = None) -> MemoryEstimate:
        """Estimate the bytes training on ``vocab`` needs (:func:`wordvec.memory.estimate`),
        keep it in ``memory_estimate`` and return it.

        ``available``: bytes to compare with (default: :func:`wordvec.memory.available_memory`;
        no check where that is unknown). Raises :class:`MemoryEstimateError` when the estimate
        exceeds it, naming a ``max_vocab`` and a ``min_count`` that would fit.
        """
        cfg, vocab = self.config, self._known_vocab()
        counts = vocab.counts
        sizes = dict(backend=cfg.backend, window=cfg.window, threads=cfg.n_threads,
                     negative=cfg.negative, hs=cfg.hs, batch_window=cfg.batch_window)
        est = memory.estimate(len(vocab), cfg.dim, vocab.total, **sizes)
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
                f"(vocabulary {len(vocab):,} words x dim {cfg.dim}, corpus "
                f"{vocab.total:,} ids) but only {memory.format_bytes(available)} is "
                f"available; {advice}")
        return est

    def fit(self, corpus, progress: Callable | None = None, *, checkpoint_dir=None,
            checkpoint_every: float = 600.0, on_checkpoint: Callable | None = None,
            checkpoint_extra: dict | None = None,
            on_epoch_end: Callable | None = None, on_epoch_begin: Callable | None = None,
            on_epoch_sums: Callable | None = None, in_place: bool = False) -> Word2Vec:
        """Train on ``corpus`` (a path, list of paths, folder, compressed file, or a
        re-iterable of token lists; see :mod:`wordvec.corpus`). Returns self.
        ``progress(info)`` receives :class:`wordvec.hooks.Progress` reports about every
        ``config.progress_interval`` seconds and at the end; ``on_epoch_end(epoch, loss)``
        once for each epoch finished (0-based, its mean loss), in order.

        Epoch by epoch (gensim's callbacks): with ``on_epoch_begin(epoch)`` (called before
        each epoch) or ``on_epoch_sums(epoch, loss_sum, examples)`` (after each, before
        ``on_epoch_end``: the epoch's summed loss and its examples), each epoch finishes
        before the next begins, so these hooks see the weights at rest (see
        :class:`wordvec.hooks.Hooks`). ``in_place``: train the current weights themselves
        (``wv.vectors``, ``syn1neg``, ``syn1``; the hooks then see them change) rather than
        copies; weights that are not writable C-contiguous float32 (a memory map) are
        copied anyway.

        A model that already has vectors (trained, or loaded with :meth:`load`) keeps its
        vocabulary and continues from its weights, as gensim's ``train``: words outside the
        vocabulary are skipped, the learning rate runs its schedule again, and the new
        epochs' losses are appended to ``loss_history``.

        Checkpoints (the engine, on one machine or a cluster): with ``checkpoint_dir``, the
        whole training state (a cluster run's: each worker's schedule) is
        written to ``checkpoint_dir/checkpoint.npz`` (:mod:`wordvec.checkpoint`) about every
        ``checkpoint_every`` seconds and when a KeyboardInterrupt stops training (which is
        then re-raised); :meth:`resume` continues it. ``on_checkpoint(path)`` is called
        after each write; ``checkpoint_extra`` (a JSON-serialisable dict) is kept in it.

        Raises :class:`~wordvec.corpus.CorpusError` / :class:`~wordvec.vocab.VocabError` for a
        corpus that cannot be used, :class:`MemoryEstimateError` when the run would not
        fit in memory (checked before the weights are allocated), and
        :class:`~wordvec.errors.DivergenceError` when the weights become NaN or
        infinite (a learning rate too large)."""
        cfg = self.config
        try:
            if checkpoint_dir is not None and not resumable(cfg):
                raise ConfigError(f"checkpoints are written by the {' and '.join(RESUMABLE)} "
                                  f"backend only, not backend={cfg.backend!r}")
            if self.vocab is None:
                self.build_vocab(corpus)
            else:
                self.check_memory()
            encoded = self._encoded(corpus)
        except BaseException:
            self._release_counted()
            raise
        self.words_read = encoded.raw_words
        save = None
        if checkpoint_dir is not None:
            save = checkpointing.saver(checkpoint_dir, self, corpus, encoded,
                                       on_checkpoint=on_checkpoint, extra=checkpoint_extra)
        hooks = Hooks(progress, save, checkpoint_every, on_epoch_end, on_epoch_begin,
                      on_epoch_sums)
        with checkpointing.locked(checkpoint_dir):
            self._train(encoded, hooks, weights=self._initial_weights(in_place=in_place))
        return self

    def _encoded(self, corpus):
        """``corpus`` as ids of the vocabulary: those :meth:`build_vocab` made as it counted
        this corpus when it could (one read of a file), else encoded now; for a cluster run
        the workers holding the shards (:mod:`wordvec.trainers`)."""
        counted, self._counted = self._counted, None
        same = counted is not None and (counted[0] is corpus or (
            isinstance(corpus, (str, os.PathLike)) and counted[0] == corpus))
        if same and counted[2] is not None:
            return counted[2]
        _remove_stale_spills()
        encoded = trainers.encode(corpus, self.config, self._known_vocab())
        if same:
            self._check_unchanged(counted[1], encoded)
        return encoded

    @staticmethod
    def _check_unchanged(counted_words: int, encoded) -> None:
        """Raise CorpusError when the corpus read for training is not the one counted: a
        file cut short (or grown) between counting and encoding would otherwise train on
        what is left, with counts and a schedule that no longer match it."""
        if counted_words != encoded.raw_words:
            raise CorpusError(f"the corpus changed while it was read: counting saw "
                              f"{counted_words:,} words, reading it again for training "
                              f"{encoded.raw_words:,}; train again once nothing writes to it")

    @property
    def weights(self) -> Weights | None:
        """The trained matrices (``wv.vectors``, ``syn1neg``, ``syn1``), or None before
        training."""
        if self.wv is None:
            return None
        return Weights(self.wv.vectors, self.syn1neg, self.syn1)

    def _initial_weights(self, in_place: bool = False) -> Weights:
        """The weights training starts from: writable C-contiguous float32 copies of the
        current ones (a loaded model's may be read-only memory maps), or with ``in_place``
        the current ones themselves when they are such arrays; else the trainer's."""
        weights = self.weights
        if weights is not None:
            return weights if in_place and _trainable(weights) else weights.copy()
        return trainer_for(self.config).initial_weights(len(self._known_vocab()), self.config)

    def _train(self, encoded, hooks: Hooks, *, start=None, weights=None):
        """Run the configured trainer (:mod:`wordvec.trainers`) and keep what it returns."""
        weights = weights if weights is not None else self._initial_weights()
        vocab = self._known_vocab()
        record = trainer_for(self.config).train(encoded, vocab.counts, self.config, weights,
                                                hooks, start=start)
        self.progress_loss += _progress_loss(record, self._epochs_before(start),
                                             self.config.epochs)
        self.loss_history += record.epoch_loss
        self.iteration_loss = record.iteration_loss
        self._warn_if_no_examples(record.epoch_loss, encoded)
        self.train_seconds = record.seconds
        self.words_trained = record.words
        self.train_stats = record.stats
        self._keep(vocab, weights)

    def _epochs_before(self, start) -> int:
        """The epochs of ``loss_history`` trained before the schedule a training call runs:
        all of them for a new call; none for a resumed one (``start`` given), whose
        reports count their position from the start of the schedule the checkpoint
        continues, and whose ``loss_history`` holds that schedule's finished epochs."""
        return len(self.loss_history) if start is None else 0

    def _keep(self, vocab: Vocab, weights: Weights) -> None:
        """Hold ``weights`` as ``wv`` (over ``vocab``) and the output matrices."""
        self.wv = WordVectors(vocab.words, weights.W_in, counts=vocab.counts)
        self.syn1neg = weights.W_out
        self.syn1 = weights.W_hs

    def _warn_if_no_examples(self, epoch_loss, encoded) -> None:
        """A :class:`NoExamplesWarning` naming the epochs without a single example (their
        loss is nan; the engine stops at any other non-finite loss) and the likely cause."""
        empty = [i + 1 for i, loss in enumerate(epoch_loss) if loss != loss]
        if not empty:
            return
        cfg = self.config
        longest = encoded.longest_sentence
        if longest < 2:
            why = (f"no sentence holds two words of the vocabulary ({len(self.vocab or ()):,} "
                   "words), so no word has a context; use a larger corpus or a smaller "
                   "min_count")
        else:
            why = (f"subsampling dropped nearly every word of this small corpus "
                   f"({encoded.tokens:,} tokens, sample={cfg.sample:g}); use sample=0 "
                   "for a corpus this small")
        if len(empty) == len(epoch_loss):
            which = "no epoch had a training example, so training left the vectors as they were"
        elif len(empty) <= 5:
            which = (f"epoch{'s' if len(empty) > 1 else ''} {', '.join(map(str, empty))} of "
                     f"{len(epoch_loss)} had no training example (loss nan)")
        else:
            which = f"{len(empty)} of {len(epoch_loss)} epochs had no training example (loss nan)"
        warnings.warn(NoExamplesWarning(f"{which}: {why}", empty), stacklevel=4)

    def save(self, path) -> None:
        """Write a native model file (.npz + JSON, no pickle): the matrices, the vocabulary
        with counts, the configuration and the loss history. :meth:`load` reads it back."""
        from .io.model import save_model

        weights = self.weights
        if weights is None:
            raise WordvecError("the model has no vectors yet: call fit() before save()")
        vocab = self._known_vocab()
        save_model(path, words=vocab.words, counts=vocab.counts, **dict(weights.named()),
                   config=dataclasses.asdict(self.config),
                   history={"epoch_loss": self.loss_history, "train_seconds": self.train_seconds,
                            "words_trained": self.words_trained,
                            "progress_loss": [list(p) for p in self.progress_loss]})

    @classmethod
    def resume(cls, checkpoint_dir, corpus=None, progress: Callable | None = None, *,
               checkpoint_every: float = 600.0, on_checkpoint: Callable | None = None,
               save_checkpoints: bool = True,
               on_memory_estimate: Callable | None = None) -> Word2Vec:
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
        from .checkpoint import Checkpoint, CheckpointError, load_checkpoint

        ckpt = (checkpoint_dir if isinstance(checkpoint_dir, Checkpoint)
                else load_checkpoint(checkpoint_dir))
        if ckpt.chunk_words != ckpt.config.chunk_words:
            raise CheckpointError(f"{ckpt.path} was cut into chunks of {ckpt.chunk_words:,} "
                                  "words, but its configuration says chunk_words="
                                  f"{ckpt.config.chunk_words:,}")
        model = cls(**dataclasses.asdict(ckpt.config))
        model.vocab = Vocab.from_counts(ckpt.words, ckpt.counts)
        model.checkpoint_extra = ckpt.extra
        checkpointing.check_memory(model, ckpt, on_memory_estimate)
        corpus, encoded = checkpointing.corpus_to_resume(ckpt, corpus, model.vocab)
        model.loss_history = list(ckpt.loss_history)
        folder = ckpt.path.parent if save_checkpoints and ckpt.path is not None else None
        save = None
        if folder is not None:
            save = checkpointing.saver(folder, model, corpus, encoded,
                                       on_checkpoint=on_checkpoint, extra=ckpt.extra)
        with checkpointing.locked(folder):
            model._train(encoded, Hooks(progress, save, checkpoint_every),
                         start=ckpt.cluster if ckpt.cluster is not None else ckpt.state,
                         weights=ckpt.weights)
        return model

    @classmethod
    def load(cls, path, mmap: bool = False) -> Word2Vec:
        """A model saved by :meth:`save`; ``fit`` continues training it. With ``mmap=True``
        the matrices are memory-mapped read-only (queries only, until trained again).
        Raises :class:`~wordvec.io.VectorFileError` for a file that is not such a model or
        whose parts (configuration, history) are damaged."""
        from .io.model import load_model

        return cls.from_saved(load_model(path, mmap=mmap), path)

    @classmethod
    def from_saved(cls, saved, path) -> Word2Vec:
        """The model of ``saved``, a :class:`~wordvec.io.SavedModel` read from ``path`` (the
        file errors name), checked as :meth:`load` says."""
        from .io.errors import VectorFileError

        try:
            model = cls(**dataclasses.asdict(TrainConfig.from_dict(saved.config)))
        except (TypeError, ValueError) as exc:
            raise VectorFileError(path, f"its configuration is damaged: {exc}") from None
        missing = [name for name in needed(model.config) if getattr(saved, name) is None]
        if missing:
            raise VectorFileError(path, f"the file holds no {' or '.join(missing)} (output "
                                  "weights its configuration trains), so training cannot "
                                  "continue from it; read its vectors with wordvec.load")
        history = saved.history or {}
        try:
            if not isinstance(history, dict):
                raise TypeError(f"it is a {type(history).__name__}, not a mapping")
            loss_history = [float(x) for x in history.get("epoch_loss", [])]
            train_seconds = float(history.get("train_seconds", 0.0))
            words_trained = int(history.get("words_trained", 0))
            progress_loss = _checked_progress_loss(history.get("progress_loss", []))
        except (TypeError, ValueError) as exc:
            raise VectorFileError(path, f"its training history is damaged: {exc}") from None
        model.vocab = Vocab.from_counts(saved.words, saved.counts)
        model._keep(model.vocab, saved.weights)
        model.loss_history = loss_history
        model.progress_loss = progress_loss
        model.train_seconds = train_seconds
        model.words_trained = words_trained
        return model


#: The most (position, loss) points a model keeps of its progress reports.
MAX_PROGRESS_POINTS = 10_000


def _progress_loss(record, epochs_before: int, epochs: int) -> list[tuple[float, float]]:
    """A training call's loss through its epochs as (position in epochs, loss) pairs: the
    trainer's loss curve, or without one its progress reports (those without a loss left
    out); the position counted from the ``epochs_before`` trained earlier, the points
    thinned evenly to at most :data:`MAX_PROGRESS_POINTS`."""
    points = [(epochs_before + position, loss) for position, loss in record.loss_curve]
    if not points:
        points = [(epochs_before + info.fraction * epochs, float(info.loss))
                  for info in record.history if info.loss == info.loss]
    step = -(-len(points) // MAX_PROGRESS_POINTS) or 1
    return points[::step]


def _checked_progress_loss(value) -> list[tuple[float, float]]:
    """A saved ``progress_loss``: a list of at most :data:`MAX_PROGRESS_POINTS` pairs of
    finite numbers; TypeError or ValueError otherwise."""
    if not isinstance(value, list):
        raise TypeError(f"progress_loss is a {type(value).__name__}, not a list")
    if len(value) > MAX_PROGRESS_POINTS:
        raise ValueError(f"progress_loss holds {len(value):,} points, more than "
                         f"{MAX_PROGRESS_POINTS:,}")
    points = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            raise ValueError("progress_loss holds an item that is not a [position, loss] pair")
        position, loss = float(item[0]), float(item[1])
        if not (math.isfinite(position) and math.isfinite(loss)):
            raise ValueError("progress_loss holds a number that is not finite")
        points.append((position, loss))
    return points
