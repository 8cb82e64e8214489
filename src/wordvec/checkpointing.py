"""Checkpoints around a training run of the facade: the saver a trainer calls, the lock on
the folder, and what resuming checks before training goes on (memory, the corpus's files,
its encoded words). The file format itself is :mod:`wordvec.checkpoint`'s."""
from __future__ import annotations

import contextlib
import dataclasses
import warnings

from . import memory, trainers
from .errors import WriteError
from .memory import MemoryEstimateError


class CheckpointWriteWarning(UserWarning):
    """A checkpoint could not be written (a full disk, a vanished folder); the previous one
    is intact and training went on."""


@contextlib.contextmanager
def locked(folder):
    """Hold ``folder``'s lock (:mod:`wordvec.folderlock`) while checkpoints go there; no
    lock for None."""
    if folder is None:
        yield
        return
    from .folderlock import folder_lock

    with folder_lock(folder):
        yield


def saver(directory, model, corpus, encoded, *, on_checkpoint=None, extra=None):
    """``save(weights, state)`` writing ``model``'s run into ``directory``.

    Each checkpoint keeps the corpus's fingerprint (its files' sizes and times now, and
    the fingerprint of ``encoded``, the corpus as encoded for this run), so that resuming
    refuses a corpus that changed, and the loss history before this run. A checkpoint that
    cannot be written (a full disk) is a :class:`CheckpointWriteWarning` and training goes
    on: the previous checkpoint is intact, and losing the run to a failed checkpoint would
    be worse. ``on_checkpoint(path)`` is called after each write. Raises
    :class:`~wordvec.checkpoint.CheckpointError` before training for a vocabulary a
    checkpoint cannot hold (a word with a lone surrogate, from token lists)."""
    from .checkpoint import CheckpointError, corpus_fingerprint, save_checkpoint, words_problem

    vocab, config = model.vocab, model.config
    problem = words_problem(vocab.words)
    if problem:
        raise CheckpointError(f"cannot write checkpoints into {directory}: {problem}")
    fingerprint = corpus_fingerprint(corpus, encoded)
    loss_history = list(model.loss_history)

    def save(weights, state):
        try:
            path = save_checkpoint(directory, words=vocab.words, counts=vocab.counts,
                                   **dict(weights.named()), config=dataclasses.asdict(config),
                                   state=state, chunk_words=config.chunk_words, corpus=corpus,
                                   loss_history=loss_history, extra=extra,
                                   fingerprint=fingerprint)
        except WriteError as exc:
            warnings.warn(CheckpointWriteWarning(f"{exc}; the previous checkpoint is kept and "
                                                 "training goes on"), stacklevel=2)
            return
        if on_checkpoint is not None:
            on_checkpoint(path)
    return save


def check_memory(model, ckpt, on_memory_estimate=None):
    """``model.check_memory`` for resuming ``ckpt``, whose matrices are already loaded and
    so count as available rather than twice; the error says the vocabulary and dim are
    fixed. ``on_memory_estimate(estimate)`` receives the estimate."""
    available = memory.available_memory()
    if available is not None:
        available += sum(W.nbytes for _, W in ckpt.weights.named())
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
    return estimate


def corpus_to_resume(ckpt, corpus, vocab):
    """``(corpus, encoded)``: the corpus to go on with (``corpus``, or the paths ``ckpt``
    kept when it is None) and its encoding with ``vocab``, after checking that its files are
    the ones the run started on (before reading them) and its encoded words have the
    fingerprint the checkpoint kept (after). Raises CheckpointError saying what changed."""
    from .checkpoint import CheckpointError, check_corpus_files, check_encoded

    own_paths = corpus is None
    if own_paths:
        if not ckpt.corpus:
            raise CheckpointError(f"{ckpt.path} was trained on an in-memory corpus: pass "
                                  "the same corpus to resume it")
        corpus = ckpt.corpus if len(ckpt.corpus) > 1 else ckpt.corpus[0]
    check_corpus_files(ckpt, corpus, same_paths=own_paths)
    # A cluster run's shards are encoded on its workers (which the trainer then ends).
    encoded = trainers.encode(corpus, ckpt.config, vocab)
    # With the schedule checked against this corpus, the engine's own check of it passes.
    try:
        check_encoded(ckpt, encoded)
    except BaseException:
        close = getattr(encoded, "close", None)
        if close is not None:
            close()
        raise
    return corpus, encoded
