"""Training configuration: one frozen dataclass, the single source of defaults.

Each field's ``metadata["help"]`` documents it; the command line builds its options and help
from these fields, so the two cannot drift apart.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import os
import re
from dataclasses import dataclass, field

from .errors import ConfigError, ConfigTypeError, shown

#: The largest thread count accepted: Hogwild threads beyond the cores only contend, and each
#: holds its own scratch and stack, so a typo such as ``--threads 100000`` must not take the
#: machine's memory.
MAX_THREADS = 1024
#: Largest vector size: 100,000 numbers (400 kB) a word is far past any published use.
MAX_DIM = 100_000
#: Largest window and negative count: a window cannot exceed a sentence (10,000 tokens,
#: corpus.MAX_SENTENCE), and no published setting uses more than a few dozen negatives.
MAX_WINDOW = 10_000
MAX_NEGATIVE = 1_000
#: Largest epoch count, so that the schedule (epochs x chunks) stays small.
MAX_EPOCHS = 10_000
#: Ids are int32, so neither the vocabulary nor counting may pass 2^31 - 1 words.
MAX_WORDS = 2**31 - 1
#: Seeds are unsigned 64-bit (each thread's SplitMix64 state is derived from it).
MAX_SEED = 2**64 - 1
#: Learning rates above this are typos: word2vec.c's defaults are 0.025 and 0.05.
MAX_ALPHA = 10.0
#: Largest minibatch of the nn backend (about a million examples).
MAX_BATCH = 2**20
#: Most workers of a cluster run: each holds a copy of the model, and the driver averages
#: them all at every synchronisation.
MAX_WORKERS = 4096
#: Longest synchronisation interval in seconds (a day); in words, the counting limit.
MAX_SYNC_SECONDS = 86_400.0

#: A Ray address: host:port or ray://host:port (a host name, IPv4, or [IPv6]).
_ADDRESS = re.compile(r"^(ray://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,252}))"
                      r":[0-9]{1,5}$")


def default_threads() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_THREADS))


#: The trainers (``TrainConfig.backend``).
BACKENDS = ("engine", "nn")


def _field(default, help, *, low=None, high=None, above=None, choices=None, backends=BACKENDS,
           valid=None, text=None):
    """A TrainConfig field: ``help`` documents it; ``low``/``high`` bound it (inclusive),
    ``above`` bounds it from below strictly, ``choices`` lists its values, or ``valid(value)
    -> bool`` checks a free string, ``text`` saying what it accepts; ``backends`` names the
    trainers that read it (setting it away from its default for another is an error)."""
    return field(default=default, metadata={"help": help, "low": low, "high": high,
                                            "above": above, "choices": choices,
                                            "backends": backends, "valid": valid,
                                            "text": text})


def range_text(f: dataclasses.Field, with_none: bool = True) -> str:
    """The range of field ``f`` in words, e.g. ``an integer from 1 to 100,000``; ``with_none``
    adds "(or None)" for a field that may be None."""
    meta = f.metadata
    if meta["choices"]:
        return "one of " + ", ".join(repr(c) for c in meta["choices"])
    if meta["text"]:
        return meta["text"] + (" (or None)" if with_none and f.type.endswith("| None") else "")
    integer = f.type.startswith("int")
    kind = "an integer" if integer else "a finite number"
    number = (lambda v: f"{v:,}") if integer else (lambda v: f"{v:g}")
    low, high, above = meta["low"], meta["high"], meta["above"]
    if low is not None and high is not None:
        text = f"{kind} from {number(low)} to {number(high)}"
    elif above is not None:
        text = f"{kind} > {number(above)}" + (f" and <= {number(high)}" if high is not None else "")
    elif low is not None:
        text = f"{kind} >= {number(low)}"
    else:
        text = kind
    return text + (" (or None)" if with_none and f.type.endswith("| None") else "")


def _in_range(f: dataclasses.Field, value) -> bool:
    meta = f.metadata
    if meta["choices"]:
        return value in meta["choices"]
    if meta["valid"]:
        return meta["valid"](value)
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return ((meta["low"] is None or value >= meta["low"])
            and (meta["high"] is None or value <= meta["high"])
            and (meta["above"] is None or value > meta["above"]))


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one training run (word2vec.c's names in brackets)."""

    model: str = _field("cbow", "architecture: 'cbow' or 'skipgram' [-cbow 1|0]",
                        choices=("cbow", "skipgram"))
    dim: int = _field(100, "vector size [-size]", low=1, high=MAX_DIM)
    window: int = _field(5, "max distance between target and context; each position uses a "
                            "reduced window drawn from 1..window [-window]",
                         low=1, high=MAX_WINDOW)
    negative: int = _field(5, "negative samples per target; 0 trains no negative-sampling "
                              "layer (then hs must be 1) [-negative]", low=0,
                           high=MAX_NEGATIVE)
    hs: int = _field(0, "1 adds the hierarchical-softmax output layer (word2vec.c's Huffman "
                        "tree over the word counts): alone with negative 0, or beside "
                        "negative sampling, both trained as word2vec.c does [-hs]",
                     low=0, high=1)
    ns_exponent: float = _field(0.75, "exponent of the noise distribution, count**ns_exponent: "
                                      "1 samples in proportion to frequency, 0 uniformly, a "
                                      "negative value favours rare words (word2vec.c's 0.75; "
                                      "gensim's ns_exponent)", low=-10.0, high=10.0)
    sample: float = _field(1e-3, "frequent-word subsampling threshold; 0 keeps every word, "
                                 "1 (a frequency no word passes) too [-sample]", low=0, high=1,
                           backends=("engine",))
    min_count: int = _field(5, "drop words seen fewer times [-min-count]", low=1,
                            high=2**63 - 1)
    max_vocab: int | None = _field(None, "keep at most this many most frequent words "
                                         "(default: no limit)", low=1, high=MAX_WORDS)
    max_final_vocab: int | None = _field(None, "keep at most this many words by raising "
                                               "min_count to the least count that does, so "
                                               "words of equal count are kept or dropped "
                                               "together (gensim's max_final_vocab)",
                                         low=1, high=MAX_WORDS)
    prune_at: int = _field(21_000_000, "while counting, when more than this many distinct "
                                       "words are held, drop the rarest (seen once, then "
                                       "twice, ...) to bound memory, as word2vec.c does; "
                                       "about 200 bytes a word, lowered to what half the "
                                       "available memory holds; 0 never prunes",
                           low=0, high=MAX_WORDS)
    epochs: int = _field(5, "passes over the corpus [-iter]", low=1, high=MAX_EPOCHS)
    alpha: float | None = _field(None, "initial learning rate (default: 0.05 for cbow, "
                                       "0.025 for skipgram, as word2vec.c) [-alpha]",
                                 above=0, high=MAX_ALPHA, backends=("engine",))
    min_alpha: float | None = _field(None, "final learning rate, reached linearly over all "
                                           "epochs (default: alpha * 1e-4, as word2vec.c)",
                                     low=0, high=MAX_ALPHA, backends=("engine",))
    threads: int = _field(0, "worker threads; 0 uses every available core (at most "
                             f"{MAX_THREADS:,}) [-threads]", low=0, high=MAX_THREADS,
                       backends=("engine",))
    seed: int = _field(1, "random seed; with threads=1 the vectors are bit-identical run to run",
                       low=0, high=MAX_SEED)
    init: str = _field("gensim", "initial range of the word vectors: 'gensim' draws them from "
                                 "U(-1/dim, 1/dim) as gensim 4 and fastText (measured the "
                                 "better start on analogies), 'word2vec' from "
                                 "U(-0.5/dim, 0.5/dim) as word2vec.c",
                       choices=("word2vec", "gensim"), backends=("engine",))
    backend: str = _field("engine", "trainer: 'engine' (fast, word2vec.c rules) or 'nn' (the "
                                    "book's layers)", choices=BACKENDS)
    progress_interval: float = _field(1.0, "seconds between progress reports", above=0,
                                      high=3600.0)
    # The engine's own options.
    saturation: str = _field("clip", "what a score with |f| >= 6 does: 'clip' is word2vec.c's "
                                     "rule (negative sampling takes the sigmoid as 0 or 1, "
                                     "hierarchical softmax makes no update), 'skip' makes no "
                                     "update (gensim), 'none' uses the exact sigmoid (the "
                                     "book)",
                             choices=("clip", "skip", "none"), backends=("engine",))
    sigmoid: str = _field("exact", "the sigmoid: 'exact', or 'table', word2vec.c's "
                                   "1000-entry table", choices=("exact", "table"),
                          backends=("engine",))
    cbow_mean: int = _field(1, "CBOW's hidden vector: 1 the mean of the context vectors "
                               "(word2vec.c), 0 their sum, each context then getting the "
                               "error divided by their number (gensim's cbow_mean=0)",
                            low=0, high=1, backends=("engine",))
    shrink_windows: int = _field(1, "1 draws each position's window from 1..window "
                                    "(word2vec.c); 0 always uses the full window (gensim's "
                                    "shrink_windows=False)", low=0, high=1,
                                 backends=("engine",))
    batch_negatives: int = _field(0, "1: skip-gram draws one set of negatives per center word, "
                                     "shared by all its context words, and scores the window "
                                     "as one small matrix product (pWord2Vec's scheme, Ji et "
                                     "al. 2016): faster, but not word2vec.c's fresh draws per "
                                     "pair; needs negative >= 1 and hs 0; CBOW ignores it (its "
                                     "window is one example already)", low=0, high=1,
                                  backends=("engine",))
    chunk_words: int = _field(10_000, "words (whole sentences) a thread trains at a time; "
                                      "the learning rate and checkpoints step per chunk",
                              low=1, high=MAX_WORDS, backends=("engine",))
    # The nn backend's own options (the book's Trainer).
    batch_size: int = _field(100, "examples per minibatch (the book's 100)", low=1,
                             high=MAX_BATCH, backends=("nn",))
    optimizer: str = _field("adam", "'adam' (the book's chapter 4) or 'sgd' (chapter 3)",
                            choices=("adam", "sgd"), backends=("nn",))
    lr: float | None = _field(None, "the optimiser's learning rate (default: the book's, 0.001 "
                                    "for adam, 0.01 for sgd)", above=0, high=MAX_ALPHA,
                              backends=("nn",))
    windows: str = _field("sentence", "where a window may reach: 'sentence' keeps it inside "
                                      "a sentence (a line), 'corpus' runs it over the whole "
                                      "corpus as the book's create_contexts_target, across "
                                      "lines", choices=("sentence", "corpus"), backends=("nn",))
    # A cluster run's options: the engine on Ray workers (wordvec.cluster, the [ray] extra).
    cluster: str | None = _field(None, "train on a Ray cluster: 'auto' joins the cluster "
                                       "this machine belongs to or starts one here, 'local' "
                                       "starts one here, an address (head:6379 or "
                                       "ray://head:10001) joins that one; each worker trains "
                                       "a copy of the model on its shard of the corpus with "
                                       "the engine, merged every sync interval (default: train "
                                       "on this machine alone)",
                                 valid=lambda v: v in ("auto", "local") or bool(_ADDRESS.match(v)),
                                 text="'auto', 'local' or a Ray address host:port",
                                 backends=("engine",))
    workers: int | None = _field(None, "workers of a cluster run, each a Ray actor with its "
                                       "threads (default: 2 on a cluster started here, one a "
                                       "machine on a cluster joined)", low=1,
                                 high=MAX_WORKERS, backends=("engine",))
    sync_every: str = _field("1000000", "how often a cluster run merges its workers' "
                                        "models: every N words trained by all workers "
                                        "together ('1000000'), or every N seconds ('5s')",
                             valid=lambda v: _sync_interval(v) is not None,
                             text=f"a whole number of words from 1 to {MAX_WORDS:,}, or of "
                                  f"seconds ('5s') from 0.01s to {MAX_SYNC_SECONDS:g}s",
                             backends=("engine",))
    sync_merge: str = _field("sqrt", "how a cluster run merges a row several workers changed "
                                     "(a row one worker changed takes its value): 'mean' "
                                     "their mean (Spark MLlib's), 'sum' their changes added "
                                     "up (each worker's steps whole: best with 2 workers, "
                                     "diverges with 4 on text8-head), 'sqrt' the sum of the "
                                     "changes over the square root of their number (measured "
                                     "best from 4 workers on)",
                             choices=("mean", "sqrt", "sum"), backends=("engine",))

    def __post_init__(self):
        """Check every field's type and range (:func:`range_text`), in field order: a wrong
        type is a :class:`~wordvec.errors.ConfigTypeError`, a value out of range a
        :class:`~wordvec.errors.ConfigError`, each naming the field."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kind = _KINDS[f.type]
            if value is None and f.type.endswith("| None"):
                continue
            if not isinstance(value, kind) or (kind is not str and isinstance(value, bool)):
                raise ConfigTypeError(f"{f.name} must be {_KIND_NAMES[kind]}, got "
                                      f"{shown(value)}")
            if kind is not str:
                # Plain Python numbers (NumPy's too can be passed), so that the configuration
                # is JSON as it is saved with a model or a checkpoint.
                value = int(value) if kind is numbers.Integral else float(value)
                object.__setattr__(self, f.name, value)
            if not _in_range(f, value):
                raise ConfigError(f"{f.name} must be {range_text(f)}, got {shown(value)}")
        if self.negative == 0 and self.hs == 0:
            raise ConfigError("negative=0 with hs=0 trains no output layer; use negative=5 "
                              "(negative sampling), hs=1 (hierarchical softmax), or both")
        self._check_backend()
        self._check_batch_negatives()
        self._check_cluster()

    def _check_backend(self) -> None:
        """A field the chosen backend does not read must keep its default."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if self.backend not in f.metadata["backends"] and value != f.default:
                owner = " and ".join(f.metadata["backends"])
                raise ConfigError(f"{f.name}={shown(value)} is not used by backend="
                                  f"{self.backend!r} (only by the {owner} backend); leave it "
                                  f"at its default, {shown(f.default)}")

    def _check_batch_negatives(self) -> None:
        """Skip-gram's shared negatives batch negative sampling alone (CBOW ignores them)."""
        if not self.batch_negatives or self.model != "skipgram":
            return
        if self.negative == 0:
            raise ConfigError("batch_negatives=1 shares negative samples and negative=0 draws "
                              "none; use negative=5, or batch_negatives=0")
        if self.hs:
            raise ConfigError("batch_negatives=1 batches negative sampling alone and hs=1 "
                              "adds hierarchical softmax; use hs=0, or batch_negatives=0")

    def _check_cluster(self) -> None:
        """workers, sync_every and sync_merge tell a cluster run how to train: alone they
        mean nothing."""
        if self.cluster is not None:
            return
        if self.workers is not None:
            raise ConfigError(f"workers={self.workers} sets the workers of a cluster run and "
                              "cluster is not set; use cluster='auto' to train on Ray, or "
                              f"threads={self.workers} for this machine's threads (gensim's "
                              "workers)")
        for name, what in (("sync_every", "how often a cluster run merges its workers"),
                           ("sync_merge", "how a cluster run merges its workers")):
            value = getattr(self, name)
            if value != _CLUSTER_DEFAULTS[name]:
                raise ConfigError(f"{name}={value!r} sets {what} and cluster is not set; use "
                                  f"cluster='auto', or leave {name} out")

    @property
    def sync_interval(self) -> tuple[str, float]:
        """``sync_every`` parsed: ``("words", n)`` or ``("seconds", s)``."""
        interval = _sync_interval(self.sync_every)
        assert interval is not None    # checked when the configuration was made
        return interval

    @property
    def batch_window(self) -> int:
        """The window of skip-gram's shared negatives: ``window`` when batch_negatives
        applies (skip-gram), else 0; what each engine thread's window blocks are sized by."""
        return self.window if self.batch_negatives and self.model == "skipgram" else 0

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
    def learning_rate(self) -> float:
        """The nn backend's optimiser learning rate (``lr`` or the book's default)."""
        if self.lr is not None:
            return self.lr
        return 0.001 if self.optimizer == "adam" else 0.01

    @property
    def n_threads(self) -> int:
        return self.threads or default_threads()

    def replace(self, **changes) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, data) -> TrainConfig:
        """The configuration a file kept (``dataclasses.asdict`` of one): fields it lacks
        take their defaults (files written before they existed); a field this version does
        not know is a ConfigError (a file from a newer wordvec), a value of the wrong type a
        ConfigTypeError, one out of its range a ConfigError."""
        if not isinstance(data, dict):
            raise ConfigTypeError(f"the configuration is a {type(data).__name__}, not a "
                                  "mapping of field names to values")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            names = ", ".join(unknown)
            names = names if len(names) <= 60 else names[:57] + "..."
            raise ConfigError(f"unknown configuration fields {names} "
                              "(written by a newer wordvec?)")
        return cls(**data)


_KINDS = {"int": numbers.Integral, "float": numbers.Real, "str": str,
          "int | None": numbers.Integral, "float | None": numbers.Real, "str | None": str}
_CLUSTER_DEFAULTS = {f.name: f.default for f in dataclasses.fields(TrainConfig)
                     if f.name in ("sync_every", "sync_merge")}
_SYNC_WORDS = re.compile(r"[0-9]+")
_SYNC_SECONDS = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)s")
#: The longest sync_every read as a number (leading zeros and all): int() and float() of
#: a longer text would cost time for nothing, since no such text is in range.
_SYNC_MAX_CHARS = 40


def _sync_interval(text: str) -> tuple[str, float] | None:
    """``sync_every`` as ``("words", n)`` or ``("seconds", s)``; None when it is neither,
    or out of its range (leading zeros are allowed, as in any number)."""
    if len(text) > _SYNC_MAX_CHARS:
        return None
    if _SYNC_WORDS.fullmatch(text):
        words = int(text)
        return ("words", words) if 1 <= words <= MAX_WORDS else None
    if _SYNC_SECONDS.fullmatch(text):
        seconds = float(text[:-1])
        return ("seconds", seconds) if 0.01 <= seconds <= MAX_SYNC_SECONDS else None
    return None
_KIND_NAMES = {numbers.Integral: "an integer", numbers.Real: "a number", str: "a string"}

