"""wordvec: word2vec (CBOW and skip-gram) with the Embedding layer and negative sampling."""
from .config import TrainConfig
from .io import load, load_word2vec_format, save_word2vec_format
from .vectors import WordVectors
from .word2vec import Word2Vec

__version__ = "0.1.0"
__all__ = ["Word2Vec", "WordVectors", "TrainConfig", "load", "load_word2vec_format",
           "save_word2vec_format", "__version__"]
