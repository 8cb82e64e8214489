"""The book's helpers (``common/util.py``) that chapters 3 and 4 use."""
from __future__ import annotations

import numpy as np

from .backend import to_cpu, to_gpu  # noqa: F401  (the book imports them from util)


def preprocess(text):
    """Lower-case, split off '.', split on spaces -> (corpus (T,) int32, word_to_id, id_to_word),
    ids in order of first appearance (book p.66)."""
    text = text.lower().replace('.', ' .')
    words = text.split(' ')
    word_to_id, id_to_word = {}, {}
    for word in words:
        if word not in word_to_id:
            new_id = len(word_to_id)
            word_to_id[word] = new_id
            id_to_word[new_id] = word
    corpus = np.array([word_to_id[w] for w in words], dtype=np.int32)
    return corpus, word_to_id, id_to_word


def create_contexts_target(corpus, window_size=1):
    """Every position with a full window (book p.117).

    corpus: (T,) ids -> contexts (T - 2w, 2w), target (T - 2w,), both corpus's dtype, where
    ``contexts[i] = corpus[i : i+w] ++ corpus[i+w+1 : i+2w+1]`` and ``target[i] = corpus[i+w]``.
    """
    corpus = np.asarray(to_cpu(corpus))
    w = window_size
    windows = np.lib.stride_tricks.sliding_window_view(corpus, 2 * w + 1)
    contexts = np.concatenate([windows[:, :w], windows[:, w + 1:]], axis=1)
    target = corpus[w:len(corpus) - w].copy()
    return contexts, target


def convert_one_hot(corpus, vocab_size):
    """One-hot rows of word ids (book p.126): ids (N,) -> (N, V) int32, ids (N, C) ->
    (N, C, V) int32."""
    corpus = np.asarray(to_cpu(corpus))
    if corpus.ndim not in (1, 2):
        raise ValueError(f"convert_one_hot takes ids of shape (N,) or (N, C), got "
                         f"{corpus.shape}")
    one_hot = np.zeros((*corpus.shape, vocab_size), dtype=np.int32)
    np.put_along_axis(one_hot, corpus[..., None], 1, axis=-1)
    return one_hot


def cos_similarity(x, y, eps=1e-8):
    """Cosine similarity of two vectors (H,), with ``eps`` against zero norms."""
    nx = x / (np.sqrt(np.sum(x ** 2)) + eps)
    ny = y / (np.sqrt(np.sum(y ** 2)) + eps)
    return np.dot(nx, ny)


def normalize(x):
    """Scale rows of x (N, H), or the vector x (H,), to unit L2 norm."""
    x = np.asarray(x, dtype=np.float64) if x.dtype == np.float16 else np.array(x)
    if x.ndim == 2:
        return x / np.sqrt((x * x).sum(1)).reshape(-1, 1)
    return x / np.sqrt((x * x).sum())


def most_similar(query, word_to_id, id_to_word, word_matrix, top=5):
    """Print the ``top`` words closest in cosine to ``query`` as the book does; also return them
    as a list of (word, similarity). word_matrix: (V, H)."""
    if query not in word_to_id:
        print('%s is not found' % query)
        return None
    print('\n[query] ' + query)
    matrix = np.asarray(to_cpu(word_matrix), dtype=np.float64)
    query_vec = matrix[word_to_id[query]]
    norms = np.sqrt((matrix ** 2).sum(axis=1)) + 1e-8
    similarity = (matrix / norms[:, None]) @ (query_vec / (np.sqrt((query_vec ** 2).sum()) + 1e-8))
    found = []
    for i in (-1 * similarity).argsort(kind='stable'):
        if id_to_word[int(i)] == query:
            continue
        print(' %s: %s' % (id_to_word[int(i)], similarity[i]))
        found.append((id_to_word[int(i)], float(similarity[i])))
        if len(found) >= top:
            break
    return found


def analogy(a, b, c, word_to_id, id_to_word, word_matrix, top=5, answer=None):
    """``a : b = c : ?`` as the book computes it (p.175): the words with the largest dot product
    between their (unnormalised) vector and the normalised ``b - a + c``, leaving out a, b, c.
    Prints as the book does and returns a list of (word, score)."""
    for word in (a, b, c):
        if word not in word_to_id:
            print('%s is not found' % word)
            return None
    print('\n[analogy] ' + a + ':' + b + ' = ' + c + ':?')
    matrix = np.asarray(to_cpu(word_matrix))
    a_vec, b_vec, c_vec = (matrix[word_to_id[w]] for w in (a, b, c))
    query_vec = normalize(b_vec - a_vec + c_vec)
    similarity = np.dot(matrix, query_vec)
    if answer is not None:
        print("==>" + answer + ":" + str(np.dot(matrix[word_to_id[answer]], query_vec)))
    found = []
    for i in (-1 * similarity).argsort(kind='stable'):
        if np.isnan(similarity[i]):
            continue
        if id_to_word[int(i)] in (a, b, c):
            continue
        print(f' {id_to_word[int(i)]}: {similarity[i]}')
        found.append((id_to_word[int(i)], float(similarity[i])))
        if len(found) >= top:
            break
    return found
