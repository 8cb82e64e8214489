"""The Huffman tree of hierarchical softmax against word2vec.c's ``CreateBinaryTree``."""
import numpy as np
import pytest

from wordvec.huffman import HuffmanTree, huffman_tree


def c_binary_tree(cn):
    """word2vec.c's CreateBinaryTree in plain Python, on counts sorted from high to low:
    [(codes, points)] of every word, root first (``point[0 .. codelen-1]``)."""
    V = len(cn)
    count = [int(c) for c in cn] + [1e15] * V
    binary = [0] * (2 * V)
    parent = [0] * (2 * V)
    pos1, pos2 = V - 1, V
    for a in range(V - 1):
        picked = []
        for _ in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                picked.append(pos1)
                pos1 -= 1
            else:
                picked.append(pos2)
                pos2 += 1
        min1, min2 = picked
        count[V + a] = count[min1] + count[min2]
        parent[min1] = parent[min2] = V + a
        binary[min2] = 1
    paths = []
    for a in range(V):
        code, point = [], []
        b = a
        while True:
            code.append(binary[b])
            point.append(b)
            b = parent[b]
            if b == 2 * V - 2:
                break
        i = len(code)
        word_code = [0] * i
        word_point = [0] * (i + 1)
        word_point[0] = V - 2
        for b in range(i):
            word_code[i - b - 1] = code[b]
            word_point[i - b] = point[b] - V
        paths.append((word_code, word_point[:i]))
    return paths


def tree_paths(tree):
    """[(codes, points)] of every word of ``tree``, as lists."""
    V = tree.offsets.shape[0] - 1
    return [tuple(x.tolist() for x in tree.path(w)[::-1]) for w in range(V)]


def sorted_count_vectors():
    """Small count vectors, sorted from high to low: random with many ties, Zipf-like, flat."""
    rng = np.random.default_rng(0)
    vectors = []
    for V in list(range(2, 30)) + [37, 64, 100, 127, 128, 129, 200]:
        vectors.append(rng.integers(1, 4, size=V))            # many ties
        vectors.append(rng.integers(0, 3, size=V))            # zeros too
        vectors.append(rng.integers(1, 1000, size=V))
        vectors.append((1000 / np.arange(1, V + 1)).astype(np.int64))      # Zipf-like
        vectors.append(np.full(V, 7))
        vectors.append(2 ** np.arange(V)[::-1] if V < 60 else np.arange(V) + 1)
    return [np.sort(v)[::-1].astype(np.int64) for v in vectors]


def test_tree_equals_word2vec_c_on_sorted_counts():
    for counts in sorted_count_vectors():
        tree = huffman_tree(counts)
        assert tree.codes.dtype == np.uint8 and tree.points.dtype == np.int32
        assert tree.offsets.dtype == np.int64 and tree.offsets.shape == (counts.size + 1,)
        assert tree_paths(tree) == c_binary_tree(counts), counts.tolist()


def test_hand_built_five_word_tree():
    # Leaves 10, 6, 4, 3, 1: join 1+3 (node 0), then node 0 (4) with leaf 2 (4) -- the inner
    # node wins the tie, so it takes code 0 -- (node 1), then 6+8 (node 2), then 10+14 (the
    # root, node 3).
    tree = huffman_tree([10, 6, 4, 3, 1])
    expected = [
        ([0], [3]),
        ([1, 0], [3, 2]),
        ([1, 1, 1], [3, 2, 1]),
        ([1, 1, 0, 1], [3, 2, 1, 0]),
        ([1, 1, 0, 0], [3, 2, 1, 0]),
    ]
    assert tree_paths(tree) == expected
    assert tree.lengths.tolist() == [1, 2, 3, 4, 4]
    assert tree.offsets.tolist() == [0, 1, 3, 6, 10, 14]


@pytest.mark.parametrize("seed", range(20))
def test_unsorted_counts_map_the_sorted_tree_back_to_ids(seed):
    rng = np.random.default_rng(seed)
    V = int(rng.integers(2, 60))
    counts = rng.integers(0, 6, size=V)                       # ties everywhere
    order = np.argsort(-counts, kind="stable")
    sorted_paths = c_binary_tree(counts[order])
    paths = tree_paths(huffman_tree(counts))
    for i, word in enumerate(order):
        assert paths[word] == sorted_paths[i]


def test_ties_keep_id_order():
    # Words 1 and 3 (count 3) sort as 1 then 3; words 0 and 2 (count 1) as 0 then 2.
    counts = np.array([1, 3, 1, 3])
    paths = tree_paths(huffman_tree(counts))
    sorted_paths = c_binary_tree([3, 3, 1, 1])
    assert [paths[w] for w in (1, 3, 0, 2)] == sorted_paths


def _code_strings(tree):
    return ["".join(map(str, codes)) for codes, _ in tree_paths(tree)]


@pytest.mark.parametrize("counts", sorted_count_vectors()[::7], ids=lambda c: f"V{c.size}")
def test_kraft_equality_prefix_free_and_consistent_nodes(counts):
    rng = np.random.default_rng(counts.size)
    counts = rng.permutation(counts)
    tree = huffman_tree(counts)
    V = counts.size
    assert np.sum(2.0 ** -tree.lengths) == pytest.approx(1.0, abs=1e-12)
    codes = sorted(_code_strings(tree))
    assert len(set(codes)) == V
    for a, b in zip(codes, codes[1:]):
        assert not b.startswith(a)                # sorted: a prefix would come just before
    # The node at depth d is a function of the first d codes; V - 1 inner nodes in all.
    node_of = {}
    for code, points in tree_paths(tree):
        for d, point in enumerate(points):
            assert node_of.setdefault("".join(map(str, code[:d])), point) == point
    assert sorted(node_of.values()) == list(range(V - 1))
    assert node_of[""] == V - 2


def _path_probabilities(tree, h, W):
    """(V,) P(w | h) from the flat arrays: the product of the sigmoid decisions."""
    sign = 1.0 - 2.0 * tree.codes                 # code 0: sigmoid(x), code 1: sigmoid(-x)
    p = 1.0 / (1.0 + np.exp(-sign * (W[tree.points] @ h)))
    logp = np.zeros(tree.offsets.size)
    np.add.at(logp, np.repeat(np.arange(tree.lengths.size), tree.lengths), np.log(p))
    return np.exp(logp[:-1])


@pytest.mark.parametrize("V", [2, 3, 5, 17, 100])
def test_path_probabilities_sum_to_one_and_equal_explicit_product(V):
    rng = np.random.default_rng(V)
    counts = rng.integers(1, 50, size=V)
    tree = huffman_tree(counts)
    W = rng.standard_normal((V, 6))
    h = rng.standard_normal(6)
    probs = _path_probabilities(tree, h, W)
    assert probs.sum() == pytest.approx(1.0, rel=1e-12)
    for w in range(V):
        expected = 1.0
        for point, code in zip(*tree.path(w)):
            x = float(W[point] @ h)
            expected *= 1 / (1 + np.exp(-x)) if code == 0 else 1 / (1 + np.exp(x))
        assert probs[w] == pytest.approx(expected, rel=1e-12)


def test_one_word_and_empty_vocabulary():
    one = huffman_tree([5])
    assert isinstance(one, HuffmanTree)
    assert one.codes.size == 0 and one.points.size == 0
    assert one.offsets.tolist() == [0, 0] and one.lengths.tolist() == [0]
    empty = huffman_tree(np.zeros(0, dtype=np.int64))
    assert empty.codes.size == 0 and empty.points.size == 0 and empty.offsets.tolist() == [0]
    assert huffman_tree([]).offsets.tolist() == [0]


def test_two_words():
    # The rarer word is taken first (code 0); a tie takes the later id first.
    assert tree_paths(huffman_tree([3, 5])) == [([0], [0]), ([1], [0])]
    assert tree_paths(huffman_tree([4, 4])) == [([1], [0]), ([0], [0])]


@pytest.mark.parametrize("counts", [
    [3, -1, 2],                    # negative
    [[1, 2], [3, 4]],              # 2-D
    [1.0, 2.0],                    # floats
    np.array([1.5, 2.0]),
    5,                             # 0-D
    [2**62, 1],                    # a sum past 2**62
])
def test_invalid_counts_raise(counts):
    with pytest.raises(ValueError):
        huffman_tree(counts)
