"""The system of "Deep Learning from Scratch 2", chapter 4, class for class, made fast.

The book's ch04 scripts run with only their imports changed (see ``examples/``).
"""
from .backend import GPU, to_cpu, to_gpu
from .layers import Embedding, EmbeddingDot, Sigmoid, SigmoidWithLoss, SparseGrad
from .models import CBOW, SkipGram
from .negative_sampling import NegativeSamplingLoss, UnigramSampler
from .optim import SGD, Adam
from .trainer import Trainer, clip_grads, merge_shared
from .util import (
    analogy,
    cos_similarity,
    create_contexts_target,
    most_similar,
    normalize,
    preprocess,
)

__all__ = [
    "GPU", "to_cpu", "to_gpu",
    "Embedding", "EmbeddingDot", "Sigmoid", "SigmoidWithLoss", "SparseGrad",
    "UnigramSampler", "NegativeSamplingLoss", "CBOW", "SkipGram",
    "SGD", "Adam", "Trainer", "clip_grads", "merge_shared",
    "preprocess", "create_contexts_target", "cos_similarity", "normalize", "most_similar",
    "analogy",
]
