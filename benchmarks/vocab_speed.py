"""Vocabulary counting speed: wordvec's ``Vocab.build`` against gensim 4.4's ``build_vocab``.

Counts text8-head (2,139,748 words on one 12.5 MB line) with min_count=5, alternating the
two implementations in one process (so both see the same machine load and file cache),
twice each, then checks that both found the same words with the same counts. Encoding the
corpus to ids (which gensim does during training, so has no counterpart here) is timed too.

    python benchmarks/vocab_speed.py            # data from $WORDVEC_DATA or ../shared/data

gensim's time is that of ``Word2Vec(min_count=5).build_vocab(LineSentence(path))``: its
scan, trim and sort, plus the weight and noise-table set-up that its build_vocab includes.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

MIN_COUNT = 5
RUNS = 2


def data_path() -> Path:
    root = Path(__file__).resolve().parent.parent
    folder = Path(os.environ.get("WORDVEC_DATA", root.parent / "shared" / "data"))
    path = folder / "text8-head"
    if not path.is_file():
        sys.exit(f"text8-head not found in {folder}: set WORDVEC_DATA to the folder holding it")
    return path


def time_ours(path: Path):
    from wordvec.vocab import Vocab

    start = time.perf_counter()
    vocab = Vocab.build(path, min_count=MIN_COUNT)
    return time.perf_counter() - start, vocab


def time_gensim(path: Path):
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    model = Word2Vec(min_count=MIN_COUNT, workers=1)
    start = time.perf_counter()
    model.build_vocab(LineSentence(str(path)))
    return time.perf_counter() - start, model


def main() -> int:
    path = data_path()
    try:
        import gensim
    except ImportError:
        sys.exit("gensim is needed for the comparison: pip install 'wordvec[bench]'")
    from wordvec.corpus import encode

    print(f"corpus: {path} ({path.stat().st_size:,} bytes), min_count={MIN_COUNT}, "
          f"gensim {gensim.__version__}")
    ours_times, gensim_times = [], []
    for run in range(1, RUNS + 1):
        t_ours, vocab = time_ours(path)
        t_gensim, model = time_gensim(path)
        ours_times.append(t_ours)
        gensim_times.append(t_gensim)
        print(f"run {run}: wordvec Vocab.build {t_ours:.3f} s | gensim build_vocab "
              f"{t_gensim:.3f} s | gensim/wordvec = {t_gensim / t_ours:.2f}x")
    best_ours, best_gensim = min(ours_times), min(gensim_times)
    print(f"best:  wordvec {best_ours:.3f} s | gensim {best_gensim:.3f} s | "
          f"gensim/wordvec = {best_gensim / best_ours:.2f}x")

    start = time.perf_counter()
    encoded = encode(path, vocab.word_to_id)
    t_encode = time.perf_counter() - start
    print(f"encode: {t_encode:.3f} s for {encoded.raw_words:,} tokens -> "
          f"{encoded.ids.shape[0]:,} ids in {encoded.n_sentences} sentences")

    # Same vocabulary: same size, and the same count for every word.
    wv = model.wv
    ours = dict(zip(vocab.words, vocab.counts.tolist()))
    theirs = {w: int(wv.get_vecattr(w, "count")) for w in wv.index_to_key}
    mismatches = []
    for w in sorted(set(ours) | set(theirs), key=lambda w: -max(ours.get(w, 0), theirs.get(w, 0))):
        if ours.get(w) != theirs.get(w):
            mismatches.append(f"  {w!r}: wordvec {ours.get(w)}, gensim {theirs.get(w)}")
    same_raw = vocab.raw_words == model.corpus_total_words
    print(f"vocabulary: wordvec {len(vocab):,} words, gensim {len(wv):,} words; "
          f"raw words wordvec {vocab.raw_words:,}, gensim {model.corpus_total_words:,}")
    if mismatches or not same_raw:
        print(f"MISMATCH: {len(mismatches)} words differ")
        print("\n".join(mismatches[:20]))
        return 1
    print("counts: identical for all words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
