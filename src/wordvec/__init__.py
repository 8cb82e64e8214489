"""wordvec: word2vec (CBOW and skip-gram) with the Embedding layer and negative sampling."""

__version__ = "0.1.0"
