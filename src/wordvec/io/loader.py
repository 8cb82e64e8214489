"""Reading word vectors from any format wordvec knows, told by content: :func:`load`."""
from __future__ import annotations

from ..inputfile import open_input
from .model import load_model
from .word2vec_format import load_word2vec_format


def load(path, mmap=False):
    """Read word vectors from any format wordvec knows, told by content (not by file name):
    a native model file (zip magic) gives its W_in with words and counts; anything else is read
    as word2vec binary or text (gzip/bz2/xz too).

    mmap: memory-map the vectors of a native model file (word2vec files are read into memory).
    Returns WordVectors: index_to_key (V,) str, vectors (V, dim), counts (V,) int64 or None.
    """
    from ..vectors import WordVectors

    with open_input(path) as f:
        magic = f.read(4)
    if magic in (b"PK\x03\x04", b"PK\x05\x06"):
        model = load_model(path, mmap=mmap)
        return WordVectors(model.words, model.W_in, counts=model.counts)
    return load_word2vec_format(path)
