"""The same gensim script run twice, once on gensim and once on ``wordvec.gensim``.

The script is a typical gensim 4 user's: ``LineSentence`` over text8-head, ``Word2Vec(...)``
with gensim's defaults but 2 workers, ``build_vocab`` then ``train``, and a save of the
vectors with ``save_word2vec_format``. Only its import line differs. Each run is a whole
process (imports, vocabulary, training, writing), timed from outside; both sets of vectors
are scored by the same code (analogies on questions-words.txt, 30,000 most frequent words;
WordSim-353 Spearman).

    python benchmarks/gensim_script.py --repeat 2            # data from $WORDVEC_DATA
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = '''
{imports}
import sys
sentences = LineSentence(sys.argv[1])
model = Word2Vec(vector_size=100, window=5, min_count=5, workers=2, sg={sg}, seed=1)
model.build_vocab(sentences)
model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
model.wv.save_word2vec_format(sys.argv[2], binary=True)
'''
IMPORTS = {"gensim": "from gensim.models import Word2Vec\nfrom gensim.models.word2vec "
                     "import LineSentence",
           "wordvec": "from wordvec.gensim import Word2Vec, LineSentence"}


def data_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("WORDVEC_DATA", root.parent / "shared" / "data"))


def run(library: str, sg: int, corpus: Path, out: Path) -> float:
    """Wall seconds of the script as a process of its own."""
    code = SCRIPT.format(imports=IMPORTS[library], sg=sg)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(corpus), str(out)], check=True)
    return time.perf_counter() - start


def quality(path: Path, data: Path) -> tuple[float, float]:
    from wordvec import load

    wv = load(path)
    analogy, _ = wv.evaluate_word_analogies(data / "questions-words.txt",
                                            restrict_vocab=30_000, case_insensitive=True)
    return float(analogy), float(wv.evaluate_word_pairs(data / "wordsim353.tsv")[1][0])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    data = data_dir()
    corpus = data / "text8-head"
    if not corpus.is_file():
        sys.exit(f"text8-head not found in {data}: set WORDVEC_DATA")
    print(f"{'run':>3} {'model':<9} {'gensim s':>9} {'wordvec s':>10} {'ratio':>6}  "
          "analogy gensim / wordvec   WordSim gensim / wordvec")
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            for sg, name in ((0, "CBOW"), (1, "skip-gram")):
                seconds, scores = {}, {}
                for library in ("gensim", "wordvec"):
                    out = Path(tmp) / f"{library}.bin"
                    seconds[library] = run(library, sg, corpus, out)
                    scores[library] = quality(out, data)
                g, w = scores["gensim"], scores["wordvec"]
                print(f"{r + 1:>3} {name:<9} {seconds['gensim']:>9.1f} {seconds['wordvec']:>10.1f} "
                      f"{seconds['gensim'] / seconds['wordvec']:>5.2f}x  {g[0]:.4f} / {w[0]:.4f}"
                      f"           {g[1]:.3f} / {w[1]:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
