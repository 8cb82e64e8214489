"""The system of "Deep Learning from Scratch 2", chapters 3 and 4, class for class, made fast.

Chapter 3's dense word2vec (``MatMul``, ``Softmax``, ``SoftmaxWithLoss``, ``SimpleCBOW``,
``SimpleSkipGram``, ``convert_one_hot``) and chapter 4's (the Embedding layer and negative
sampling), with hierarchical softmax (``HierarchicalSoftmaxLoss``, the models' ``hs=True``)
beside negative sampling. The book's ch03 and ch04 scripts run with only their imports changed
(see ``examples/``).
"""
from .backend import GPU, to_cpu, to_gpu
from .dense import MatMul, Softmax, SoftmaxWithLoss
from .hierarchical_softmax import HierarchicalSoftmaxLoss
from .layers import Embedding, EmbeddingDot, Sigmoid, SigmoidWithLoss, SparseGrad
from .models import CBOW, SkipGram
from .negative_sampling import NegativeSamplingLoss, UnigramSampler
from .optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from .simple_models import SimpleCBOW, SimpleSkipGram
from .trainer import Trainer, clip_grads, merge_shared
from .util import (
    analogy,
    convert_one_hot,
    cos_similarity,
    create_contexts_target,
    most_similar,
    normalize,
    preprocess,
)

__all__ = [
    "GPU", "to_cpu", "to_gpu",
    "Embedding", "EmbeddingDot", "Sigmoid", "SigmoidWithLoss", "SparseGrad",
    "UnigramSampler", "NegativeSamplingLoss", "HierarchicalSoftmaxLoss", "CBOW", "SkipGram",
    "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam",
    "Trainer", "clip_grads", "merge_shared",
    "MatMul", "Softmax", "SoftmaxWithLoss", "SimpleCBOW", "SimpleSkipGram",
    "convert_one_hot", "preprocess", "create_contexts_target", "cos_similarity", "normalize",
    "most_similar", "analogy",
]
