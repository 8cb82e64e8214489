"""Training configuration: one frozen dataclass, the single source of defaults.

Each field's ``metadata["help"]`` documents it; the command line builds its options and help
from these fields, so the two cannot drift apart.
"""
from __future__ import annotations

import dataclasses
import numbers
import os
from dataclasses import dataclass, field


def _field(default, help, **kw):
    return field(default=default, metadata={"help": help, **kw})


def default_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one training run (word2vec.c's names in brackets)."""

    model: str = _field("cbow", "architecture: 'cbow' or 'skipgram' [-cbow 1|0]",
                        choices=("cbow", "skipgram"))
    dim: int = _field(100, "vector size, > 0 [-size]")
    window: int = _field(5, "max distance between target and context, > 0; each position "
                            "uses a reduced window drawn from 1..window [-window]")
    negative: int = _field(5, "negative samples per target, > 0 [-negative]")
    sample: float = _field(1e-3, "frequent-word subsampling threshold, >= 0; 0 keeps every "
                                 "word [-sample]")
    min_count: int = _field(5, "drop words seen fewer times, >= 1 [-min-count]")
    max_vocab: int | None = _field(None, "keep at most this many most frequent words "
                                         "(default: no limit)")
    prune_at: int = _field(21_000_000, "while counting, when more than this many distinct "
                                       "words are held, drop the rarest (seen once, then "
                                       "twice, ...) to bound memory, as word2vec.c does; "
                                       "about 200 bytes a word, lowered to what half the "
                                       "available memory holds; 0 never prunes")
    epochs: int = _field(5, "passes over the corpus, > 0 [-iter]")
    alpha: float | None = _field(None, "initial learning rate, > 0 (default: 0.05 for cbow, "
                                       "0.025 for skipgram, as word2vec.c) [-alpha]")
    min_alpha: float | None = _field(None, "final learning rate, reached linearly over all "
                                           "epochs (default: alpha * 1e-4, as word2vec.c)")
    threads: int = _field(0, "worker threads, >= 0; 0 uses every available core [-threads]")
    seed: int = _field(1, "random seed; with threads=1 the vectors are bit-identical run to run")
    init: str = _field("word2vec", "initial range of the word vectors: 'word2vec' draws them "
                                   "from U(-0.5/dim, 0.5/dim) as word2vec.c, 'gensim' from "
                                   "U(-1/dim, 1/dim) as gensim 4 (engine only)",
                       choices=("word2vec", "gensim"))
    backend: str = _field("engine", "trainer: 'engine' (fast, word2vec.c rules) or 'nn' (the "
                                    "book's layers)", choices=("engine", "nn"))

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kind = _KINDS[f.type]
            if value is None and f.type.endswith("| None"):
                continue
            if not isinstance(value, kind) or (kind is not str and isinstance(value, bool)):
                raise TypeError(f"{f.name} must be {_KIND_NAMES[kind]}, got {value!r}")
            if kind is not str:
                # Plain Python numbers (NumPy's too can be passed), so that the configuration
                # is JSON as it is saved with a model or a checkpoint.
                object.__setattr__(self, f.name, int(value) if kind is numbers.Integral
                                   else float(value))
        checks = [
            (self.model in ("cbow", "skipgram"), f"model must be 'cbow' or 'skipgram', not {self.model!r}"),
            (self.backend in ("engine", "nn"), f"backend must be 'engine' or 'nn', not {self.backend!r}"),
            (self.init in ("word2vec", "gensim"), f"init must be 'word2vec' or 'gensim', not {self.init!r}"),
            (self.dim > 0, f"dim must be > 0, got {self.dim}"),
            (self.window > 0, f"window must be > 0, got {self.window}"),
            (self.negative > 0, f"negative must be > 0, got {self.negative}"),
            (self.sample >= 0, f"sample must be >= 0, got {self.sample}"),
            (self.min_count >= 1, f"min_count must be >= 1, got {self.min_count}"),
            (self.max_vocab is None or self.max_vocab > 0, f"max_vocab must be > 0, got {self.max_vocab}"),
            (self.prune_at >= 0, f"prune_at must be >= 0, got {self.prune_at}"),
            (self.epochs > 0, f"epochs must be > 0, got {self.epochs}"),
            (self.alpha is None or self.alpha > 0, f"alpha must be > 0, got {self.alpha}"),
            (self.min_alpha is None or self.min_alpha >= 0, f"min_alpha must be >= 0, got {self.min_alpha}"),
            (self.threads >= 0, f"threads must be >= 0, got {self.threads}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def start_alpha(self) -> float:
        """The learning rate at the first word."""
        if self.alpha is not None:
            return self.alpha
        return 0.05 if self.model == "cbow" else 0.025

    @property
    def end_alpha(self) -> float:
        """The learning rate at the last word."""
        return self.min_alpha if self.min_alpha is not None else self.start_alpha * 1e-4

    @property
    def n_threads(self) -> int:
        return self.threads or default_threads()

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, data) -> "TrainConfig":
        """The configuration a file kept (``dataclasses.asdict`` of one): fields it lacks
        take their defaults (files written before they existed); a field this version does
        not know is a ValueError (a file from a newer wordvec), a value of the wrong type a
        TypeError, an invalid one a ValueError."""
        if not isinstance(data, dict):
            raise TypeError(f"the configuration is a {type(data).__name__}, not a mapping of "
                            "field names to values")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            raise ValueError(f"unknown configuration fields {', '.join(unknown)} (written by a "
                             "newer wordvec?)")
        return cls(**data)


_KINDS = {"int": numbers.Integral, "float": numbers.Real, "str": str,
          "int | None": numbers.Integral, "float | None": numbers.Real}
_KIND_NAMES = {numbers.Integral: "an integer", numbers.Real: "a number", str: "a string"}
