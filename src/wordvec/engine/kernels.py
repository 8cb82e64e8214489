"""Numba kernels of the engine: CBOW and skip-gram with negative sampling and hierarchical
softmax, word2vec.c's rules.

The boundary is narrow: Python (``engine.train``) prepares plain arrays and calls ONE entry
point, :func:`train_range`, which trains on a range of sentences with the GIL released
(``nogil``), so several Python threads can run it at once on shared weights (Hogwild).
Everything inside is built from a few row helpers (:func:`dot_row`, :func:`axpy_row`) and
two output-layer updates, :func:`_ns_update` (negative sampling) and :func:`_hs_update`
(hierarchical softmax), shared by CBOW, skip-gram and the one-example steps
:func:`cbow_step` / :func:`skipgram_step` that the tests tie to the book's layers
(``wordvec.nn``).

Rules (word2vec.c ``TrainModelThread``; gensim's ``word2vec_inner.pyx`` follows it):

* **Subsampling**: each occurrence of word ``w`` is kept when a uniform draw ``u`` in [0, 1)
  satisfies ``u < keep_prob[w]`` (:func:`wordvec.sampling.keep_probabilities`); dropped words
  are removed *before* windows are formed, so a window reaches over them, as word2vec.c.
  Words with ``keep_prob >= 1`` consume no random draw.
* **Reduced window**: per kept word, ``b ~ U{0, .., window-1}`` and the contexts are the kept
  words at distance ``1 .. window - b`` inside the same sentence; windows never cross sentence
  bounds. Without shrinking (``shrink=0``, gensim's ``shrink_windows=False``) ``b = 0``,
  drawn from no random number.
* **Negatives**: ``negative`` draws per target from ``counts**ns_exponent`` (0.75: Walker
  alias table, exact probabilities instead of word2vec.c's 1e8-entry table). A negative equal to the
  target is *skipped*, not redrawn (word2vec.c: ``if (target == word) continue;``).
* **Hierarchical softmax** (``hs=1``): the output rows are the inner nodes of word2vec.c's
  Huffman tree (:mod:`wordvec.huffman`) on the path to the true word, in ``W_hs``
  (word2vec.c's ``syn1``), each node a binary decision with label ``1 - code``. With
  negative sampling too, the tree's updates come first, then the negatives', all adding to
  the same ``neu1e`` (word2vec.c's order).
* **Update** of one output row ``w = W_out[t]`` (or ``W_hs[node]``) with label ``y`` (1 for
  the target, 0 for a negative) and hidden vector ``h``: ``f = h.w``,
  ``g = (y - sigmoid(f)) * alpha``, ``neu1e += g * w``, ``w += g * h`` (in that order, so
  ``neu1e`` sees ``w`` before its update), then the input rows get ``+= neu1e``.
* **CBOW** (``cbow_mean=1``): ``h`` is the MEAN of the context rows of ``W_in``, and the full
  ``neu1e`` is added to EVERY context row, not ``neu1e / n_contexts``. Relative to the true
  gradient of the mean, each context row therefore moves ``n_contexts`` times further; this
  is word2vec.c's and gensim's behaviour, kept on purpose (it is what their learning rates
  are tuned for). The test against ``wordvec.nn.CBOW`` states the factor. With
  ``cbow_mean=0`` (gensim's) ``h`` is the SUM of the context rows and each gets
  ``neu1e / n_contexts``.
* **Skip-gram**, word2vec.c's convention (gensim's too): for a center word ``word`` and each
  context word ``last_word`` of its window, the input row is ``W_in[last_word]`` and the
  output row is ``W_out[word]``: the context's vector predicts the center word, with fresh
  negatives per pair. (The book's ``SkipGram`` predicts contexts from the center; on one
  (input, output) pair the two are the same update, see :func:`skipgram_step`.)
* **Skip-gram with shared negatives** (``batch=1``, an option: Ji et al. 2016's HogBatch,
  Intel's pWord2Vec): the ``k`` negatives are drawn ONCE per center word and serve all ``C``
  contexts of its window (a negative equal to the center is skipped). All ``C x (k+1)``
  scores ``f[c, j] = W_in[ctx_c] . W_out[r_j]`` (``r_0`` the center, label 1; ``r_1..r_k``
  the negatives, label 0) come from the weights before the window's update, with the
  gradients ``g = (label - sigmoid(f)) * alpha`` of the per-pair rules; then
  ``neu1e_c = sum_j g[c, j] W_out[r_j]`` (the output rows before their update),
  ``W_out[r_j] += sum_c g[c, j] W_in[ctx_c]`` (the input rows before theirs) and
  ``W_in[ctx_c] += neu1e_c``: three small matrix products (:func:`_skipgram_window`). It
  draws ``k`` numbers per center instead of ``C k`` and reads ``k + 1`` output rows instead
  of ``C (k + 1)``; unlike word2vec.c, a pair does not see the previous pair's update.
  The loss is still each pair's exact loss, and an example is still a pair. Measured on
  text8-head (dim 100, window 5, negative 5, 2 threads, 12 runs each): 1.4-1.6x the
  per-pair words/s; analogy 0.079 against 0.080, WordSim-353 0.490 against 0.458.
* **Saturation** (an explicit option, since implementations differ): with ``|f| >= 6``
  (``MAX_EXP``) ``SATURATION_CLIP`` (default, word2vec.c) takes ``sigmoid(f)`` as exactly 1
  (``f >= 6``) or 0 (``f <= -6``), so ``g = (y - 1) * alpha`` or ``g = y * alpha``;
  ``SATURATION_SKIP`` (gensim) skips the pair (no update at all); ``SATURATION_NONE`` uses
  the exact sigmoid at any ``f`` (what the book's layers compute). Hierarchical softmax
  skips a saturated node under ``SATURATION_CLIP`` too: that is word2vec.c's rule there
  (and gensim's).
* **Sigmoid**: ``SIGMOID_EXACT`` (default) computes ``1 / (1 + exp(-f))`` (float32, to about
  1 ulp); ``SIGMOID_TABLE`` reads word2vec.c's 1000-entry table over [-6, 6]
  (:func:`exp_table`).
* **Loss**: the true negative-sampling loss ``-log sigmoid(f_pos) - sum log sigmoid(-f_neg)``
  (plus, with hierarchical softmax, ``-log P(word)``, the sum over its path) of every
  example (a CBOW target, or a skip-gram (center, context) pair), computed exactly
  (``softplus``) at the parameters the update reads, whatever the saturation rule, and
  summed in float64 in the thread's own state (never a shared racing float32 total).
* **Learning rate**: constant within a sentence, ``alpha - alpha_step * offset`` where
  ``offset`` is the sentence's first word relative to the range's first word; the caller
  passes the range's ``alpha`` from global progress (linear decay over all epochs' words).

Random numbers: each thread owns a 64-bit SplitMix64 state (Steele et al. 2014): one draw
gives 64 well-mixed bits. A subsampling test uses the top 24 bits as a float in [0, 1); the
reduced window and the alias column use Lemire's multiply-shift on the top 32 bits; the
alias acceptance test uses the low 32 bits. With one thread and a seed, everything is
bit-identical run to run.

Floating point: the kernels are compiled with ``fastmath`` limited to ``reassoc``, ``contract``,
``nsz`` and ``arcp`` (no ``nnan``/``ninf``/approximate functions), which lets LLVM vectorise
the dot-product reduction and fuse multiply-adds. The compiled code is fixed, so one thread
stays bit-deterministic; results differ from a NumPy evaluation in the last bits.
Kernels never print and never allocate inside their loops; the caller owns all scratch.

Where the speed comes from (measured on skip-gram, dim 100, one thread; each note is at
its code): no reference counting inside the loops (:func:`_borrow`, rows addressed as
(matrix, index) rather than views) -- the largest single factor, and what lets threads scale;
all scores of an example computed before its updates (:func:`_ns_update`, bit-identical to
word2vec.c's order) +18%; one ``log`` per example for the loss instead of one ``log1p`` per
pair +25%, and an inline ``exp`` a few % more; row loops of constant length for the default
size (``FAST_DIM``) +15-20%. Scratch lives in per-thread arrays that share no cache
line with another thread's (``engine.train``).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# fastmath without nnan/ninf/afn: reassociation (vectorised reductions) and FMA contraction.
FASTMATH = {"reassoc", "contract", "nsz", "arcp"}

MAX_EXP = 6.0          # word2vec.c: scores beyond +-6 are "saturated"
EXP_TABLE_SIZE = 1000  # word2vec.c's sigmoid table resolution

MODEL_CBOW = 0
MODEL_SKIPGRAM = 1
MODELS = {"cbow": MODEL_CBOW, "skipgram": MODEL_SKIPGRAM}

SATURATION_CLIP = 0    # word2vec.c: sigmoid taken as 1 (f >= 6) or 0 (f <= -6)
SATURATION_SKIP = 1    # gensim: no update for a pair with |f| >= 6
SATURATION_NONE = 2    # exact sigmoid everywhere (the book's layers)
SATURATIONS = {"clip": SATURATION_CLIP, "skip": SATURATION_SKIP, "none": SATURATION_NONE}

SIGMOID_EXACT = 0
SIGMOID_TABLE = 1
SIGMOIDS = {"exact": SIGMOID_EXACT, "table": SIGMOID_TABLE}

# The row length for which train_range also has code with constant-length row loops:
# LLVM then vectorises a row into whole AVX registers with no remainder loop, 15-20% faster
# than for a length known only at run time. It is TrainConfig's default size.
FAST_DIM = 100


class Tables(NamedTuple):
    """Read-only per-vocabulary tables, shared by all threads.

    keep_prob: (V,) float32, subsampling keep probability of each word.
    noise: (V,) uint64, the packed alias table of ``counts**0.75`` (:func:`pack_alias`).
    codes, points, offsets: the Huffman tree (:class:`wordvec.huffman.HuffmanTree`: (M,)
    uint8, (M,) int32, (V+1,) int64), empty without hierarchical softmax.
    """
    keep_prob: np.ndarray
    noise: np.ndarray
    codes: np.ndarray
    points: np.ndarray
    offsets: np.ndarray


class Options(NamedTuple):
    """Integer options of a run: ``model`` (MODEL_*), ``window`` (> 0), ``saturation``
    (SATURATION_*), ``sigmoid`` (SIGMOID_*), ``hs`` and ``ns`` (1: that output layer is
    trained), ``cbow_mean`` (1: CBOW's hidden vector is the contexts' mean, 0: their sum)
    and ``shrink`` (1: reduced windows, 0: always the full window), ``batch`` (1: skip-gram
    shares one draw of negatives among a window's pairs, :func:`_skipgram_window`; negative
    sampling alone; CBOW ignores it). The number of negatives is the length of the state's
    ``rows`` minus one."""
    model: int
    window: int
    saturation: int
    sigmoid: int
    hs: int
    ns: int
    cbow_mean: int = 1
    shrink: int = 1
    batch: int = 0


class ThreadState(NamedTuple):
    """One thread's private state (fastText's ``Model::State``); weights are shared, this is not.

    rng: (1,) uint64, the SplitMix64 state. neu1, neu1e: (1, dim) float32 scratch (hidden vector
    and accumulated input gradient). sent: (L,) int32, the subsampled sentence, L >= the
    longest sentence. rows: (1 + negative,) int32, the current example's true word and
    negatives; grads: float32, their gradients or those of a path of the tree: at least
    ``1 + negative`` and the longest path. window_grads: (2 * window, 1 + negative) float32
    and window_deltas: (2 * window, dim) float32, a window's gradients and input updates
    with ``Options.batch`` (:func:`_skipgram_window`; 0 rows without it). sums: (3,)
    float64, added to by :func:`train_range`: [loss sum, examples, kept words].
    """
    rng: np.ndarray
    neu1: np.ndarray
    neu1e: np.ndarray
    sent: np.ndarray
    rows: np.ndarray
    grads: np.ndarray
    window_grads: np.ndarray
    window_deltas: np.ndarray
    sums: np.ndarray


# ----------------------------------------------------------------------------------------
# Random numbers: SplitMix64.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_U30 = np.uint64(30)
_U27 = np.uint64(27)
_U31 = np.uint64(31)
_U32 = np.uint64(32)
_U40 = np.uint64(40)
_LOW32 = np.uint64(0xFFFFFFFF)
_INV24 = np.float32(1.0 / (1 << 24))


@njit(inline="always")
def _next(state):
    """SplitMix64: returns (new state, 64 random bits)."""
    state = state + _GAMMA
    z = state
    z = (z ^ (z >> _U30)) * _MIX1
    z = (z ^ (z >> _U27)) * _MIX2
    return state, z ^ (z >> _U31)


@njit(inline="always")
def _uniform(z):
    """Top 24 bits of ``z`` as a float32 in [0, 1)."""
    return np.float32(z >> _U40) * _INV24


@njit(inline="always")
def _below(z, n):
    """An int in [0, n) from the top 32 bits of ``z`` (Lemire's multiply-shift)."""
    return np.int64(((z >> _U32) * np.uint64(n)) >> _U32)


@njit(inline="always")
def _draw_noise(noise, z):
    """One word from the packed alias table ``noise`` (V,) uint64 given 64 random bits."""
    col = _below(z, noise.shape[0])
    entry = noise[col]
    if (z & _LOW32) < (entry >> _U32):
        return col
    return np.int64(entry & _LOW32)


def seed_state(seed: int, thread: int) -> np.ndarray:
    """The (1,) uint64 SplitMix64 state of thread ``thread`` under run seed ``seed``."""
    mask = (1 << 64) - 1

    def mix(x):
        x = (x + 0x9E3779B97F4A7C15) & mask
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
        return x ^ (x >> 31)

    return np.array([mix(mix(int(seed) & mask) ^ mix(int(thread) + 1))], dtype=np.uint64)


def pack_alias(prob, alias) -> np.ndarray:
    """Pack an alias table into one (V,) uint64 array, so a draw reads one word.

    prob: (V,) float64 in [0, 1], alias: (V,) int (as :func:`wordvec.sampling.alias_table`).
    Entry = ``threshold << 32 | alias`` with ``threshold = prob * 2**32`` (capped at
    2**32 - 1): the column is kept when the draw's low 32 bits are below the threshold.
    A column with prob 1 is its own alias, so the cap changes no outcome.
    """
    prob = np.asarray(prob, dtype=np.float64)
    alias = np.asarray(alias, dtype=np.int64)
    threshold = np.minimum(np.floor(prob * 2.0**32), 2.0**32 - 1).astype(np.uint64)
    return (threshold << np.uint64(32)) | alias.astype(np.uint64)


def exp_table() -> np.ndarray:
    """word2vec.c's sigmoid table: (EXP_TABLE_SIZE,) float32, entry i = sigmoid(x_i),
    ``x_i = (2 i / EXP_TABLE_SIZE - 1) * MAX_EXP``."""
    x = (np.arange(EXP_TABLE_SIZE, dtype=np.float64) / EXP_TABLE_SIZE * 2 - 1) * MAX_EXP
    e = np.exp(x)
    return (e / (e + 1)).astype(np.float32)


# A module constant: Numba freezes it into the compiled code.
_EXP_TABLE = exp_table()


# ----------------------------------------------------------------------------------------
# exp(x) for x <= 0 in float32, inline. libm's expf is a function call per score (15% of
# skip-gram's profile, with the register spills around it); this is Cephes' expf (range
# reduction by ln 2, degree-6 polynomial, 2**n from the exponent bits), accurate to about
# 1 ulp -- the "exact" sigmoid stays exact to float32 precision.
@intrinsic
def _int32_bits_as_float32(typingctx, x):
    """Reinterpret the bits of an int32 as a float32 (no conversion)."""
    if not isinstance(x, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        value = builder.trunc(args[0], ir.IntType(32)) if x.bitwidth > 32 else args[0]
        return builder.bitcast(value, ir.FloatType())

    return types.float32(x), codegen


_LOG2E = np.float32(1.44269504088896341)
_LN2_HI = np.float32(0.693359375)
_LN2_LO = np.float32(-2.12194440e-4)
_EXP_P0 = np.float32(1.9875691500e-4)
_EXP_P1 = np.float32(1.3981999507e-3)
_EXP_P2 = np.float32(8.3334519073e-3)
_EXP_P3 = np.float32(4.1665795894e-2)
_EXP_P4 = np.float32(1.6666665459e-1)
_EXP_P5 = np.float32(5.0000001201e-1)


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def exp_neg(x):
    """``exp(x)`` for float32 ``x <= 0``; below -87 (where float32 exp underflows) it returns
    exp(-87) ~ 1.6e-38, which no caller can tell from 0."""
    x = max(np.float32(x), np.float32(-87.0))
    n = np.floor(x * _LOG2E + np.float32(0.5))
    r = (x - n * _LN2_HI) - n * _LN2_LO
    p = _EXP_P0
    p = p * r + _EXP_P1
    p = p * r + _EXP_P2
    p = p * r + _EXP_P3
    p = p * r + _EXP_P4
    p = p * r + _EXP_P5
    p = p * (r * r) + r + np.float32(1.0)
    return p * _int32_bits_as_float32((np.int32(n) + np.int32(127)) << np.int32(23))


# ----------------------------------------------------------------------------------------
# Borrowed arrays. Numba keeps a reference count on every array it passes around (atomic
# increments and decrements of a counter next to the data). Inside the hot loops these cost
# more than the arithmetic on a 100-float row, and every thread touching the counter of the
# shared W_out makes the cores fight over one cache line. The entry point holds its caller's
# references for its whole run, so what it hands to the inner code can be *borrowed*: the
# same array without its reference counter, for which Numba's counting compiles to nothing.
@intrinsic
def _borrow(typingctx, arr):
    """The array ``arr`` without reference counting; valid while the caller holds ``arr``."""
    if not isinstance(arr, types.Array):
        return None

    def codegen(context, builder, signature, args):
        ary = context.make_array(arr)(context, builder, value=args[0])
        ary.meminfo = ir.Constant(ary.meminfo.type, None)
        ary.parent = ir.Constant(ary.parent.type, None)
        return ary._getvalue()

    return arr(arr), codegen


# ----------------------------------------------------------------------------------------
# Row helpers. Rows are addressed as (matrix, row index), never as sliced views: a view is a
# new array object whose reference count Numba maintains with atomic operations, which costs
# more than the arithmetic on a 100-float row and makes threads fight over one cache line.
@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def dot_row(A, i, B, j, dim):
    """``A[i] . B[j]`` of two float32 rows of length dim, as float32."""
    s = np.float32(0.0)
    for k in range(dim):
        s += A[i, k] * B[j, k]
    return s


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def axpy_row(a, X, i, Y, j, dim):
    """``Y[j] += a * X[i]`` on float32 rows of length dim."""
    for k in range(dim):
        Y[j, k] += a * X[i, k]


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def scale_row(a, X, i, dim):
    """``X[i] *= a``."""
    for k in range(dim):
        X[i, k] *= a


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def zero_row(X, i, dim):
    """``X[i] = 0``."""
    for k in range(dim):
        X[i, k] = 0.0


# ----------------------------------------------------------------------------------------
# Negative sampling.
@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _gradient(f, label, alpha, saturation, sigmoid):
    """The scaled gradient of score ``f`` (float32) for ``label`` (1 or 0), and its loss.

    Returns ``(g, lin, q)``: ``g = (label - sigmoid(f)) * alpha`` (float32, 0 where the
    saturation rule skips the pair) and the pair's loss as two float64 parts,
    ``loss = lin + log(q)``: ``-log sigmoid(f) = softplus(-f) = max(-f, 0) + log(1 + exp(-|f|))``
    for label 1, ``softplus(f)`` for label 0. The caller multiplies the ``q`` of an example's
    pairs (each in (1, 2]) and takes one log per example instead of one per pair. The loss is
    exact whatever the saturation rule. Scalars only: no array crosses this call.
    """
    af = abs(f)
    e = exp_neg(-af)                                    # in (0, 1]
    z = -f if label == 1 else f
    lin = max(np.float64(z), 0.0)
    q = 1.0 + np.float64(e)
    if af >= MAX_EXP and saturation != SATURATION_NONE:
        if saturation == SATURATION_SKIP:
            sig = np.float32(label)
        else:
            sig = np.float32(1.0) if f > 0 else np.float32(0.0)
    elif sigmoid == SIGMOID_TABLE and af < MAX_EXP:
        sig = _EXP_TABLE[int((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))]
    elif f >= 0:
        sig = np.float32(1.0) / (np.float32(1.0) + e)
    else:
        sig = e / (np.float32(1.0) + e)
    return (np.float32(label) - sig) * np.float32(alpha), lin, q


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _update_row(H, h, neu1e, W, t, g, dim):
    """``neu1e += g * W[t]`` (the row before its update), then ``W[t] += g * H[h]``, in one
    pass over the row (word2vec.c's two loops, fused)."""
    for k in range(dim):
        wk = W[t, k]
        neu1e[0, k] += g * wk
        W[t, k] = wk + g * H[h, k]


@njit(error_model="numpy", inline="always")
def _has_repeats(rows):
    """Whether a negative in ``rows[1:]`` occurs twice (negatives equal to the target, which
    are skipped, do not count)."""
    target = rows[0]
    repeats = False
    for a in range(2, rows.shape[0]):
        ra = rows[a]
        for b in range(1, a):
            repeats |= (rows[b] == ra) & (ra != target)
    return repeats


@njit(fastmath=FASTMATH, error_model="numpy")
def _ns_update(H, h, neu1e, W_out, rows, grads, alpha, saturation, sigmoid, dim):
    """Negative sampling for one example, shared by CBOW and skip-gram.

    H[h]: the hidden vector, a (dim,) row (CBOW: the context mean in a (1, dim) scratch;
    skip-gram: the context word's input row); neu1e: (1, dim), added to the input-side
    update, which the caller adds to the input rows; W_out: (V, dim), updated in place;
    rows: (1 + k,) int32, ``rows[0]`` the true word and ``rows[1:]`` the negatives (one equal
    to the true word is skipped, as word2vec.c); grads: (1 + k,) float32 scratch; dim: the
    row length. Returns the example's loss
    ``-log sigmoid(f_target) - sum log sigmoid(-f_neg)`` (float64).

    word2vec.c scores and updates the rows one after the other. When the rows are distinct
    (almost always) no update changes another row's score, so all scores are computed first
    -- independent dot products whose memory loads the CPU overlaps -- and the updates follow
    in the same order: the result is bit-identical to the one-by-one loop, which runs when a
    negative repeats.
    """
    target = rows[0]
    n = rows.shape[0]
    lin = 0.0
    prod = 1.0          # product of the pairs' q, each in (1, 2]: no overflow for sane k
    if _has_repeats(rows):
        for d in range(n):
            if d > 0 and rows[d] == target:
                continue
            f = dot_row(H, h, W_out, rows[d], dim)
            g, lin_d, q = _gradient(f, 1 if d == 0 else 0, alpha, saturation, sigmoid)
            if g != 0:
                _update_row(H, h, neu1e, W_out, rows[d], g, dim)
            lin += lin_d
            prod *= q
    else:
        for d in range(n):
            grads[d] = dot_row(H, h, W_out, rows[d], dim)
        for d in range(n):
            if d > 0 and rows[d] == target:
                grads[d] = 0.0
                continue
            g, lin_d, q = _gradient(grads[d], 1 if d == 0 else 0, alpha, saturation, sigmoid)
            grads[d] = g
            lin += lin_d
            prod *= q
        for d in range(n):
            g = grads[d]
            if g != 0:
                _update_row(H, h, neu1e, W_out, rows[d], g, dim)
    return lin + math.log(prod)


@njit(fastmath=FASTMATH, error_model="numpy")
def _hs_update(H, h, neu1e, W_hs, codes, points, lo, hi, grads, alpha, saturation, sigmoid,
               dim):
    """Hierarchical softmax for one example: the inner nodes ``points[lo:hi]`` of the true
    word's path (root first), each a binary decision with label ``1 - codes[p]`` on the row
    ``W_hs[node]``. Arguments as :func:`_ns_update` (``saturation`` as given: the caller
    applies the tree's rule); grads: float32 scratch of at least ``hi - lo``. Returns
    ``-log P(word | h)``, the sum of the nodes' losses (float64).

    word2vec.c scores and updates the nodes one after the other. The nodes of a path are
    distinct, so no update changes another node's score: all scores are computed first
    (independent dot products), then the updates in path order, bit-identical to its loop.
    """
    n = hi - lo
    for d in range(n):
        grads[d] = dot_row(H, h, W_hs, points[lo + d], dim)
    lin = 0.0
    prod = 1.0          # product of the nodes' q, each in (1, 2], folded into lin in time
    for d in range(n):
        g, lin_d, q = _gradient(grads[d], 1 - np.int64(codes[lo + d]), alpha, saturation,
                                sigmoid)
        grads[d] = g
        lin += lin_d
        prod *= q
        if d & 511 == 511:      # only a degenerate tree (zero counts) has such a path
            lin += math.log(prod)
            prod = 1.0
    for d in range(n):
        g = grads[d]
        if g != 0:
            _update_row(H, h, neu1e, W_hs, points[lo + d], g, dim)
    return lin + math.log(prod)


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _outputs(H, h, neu1e, out, alpha, rule, dim):
    """Both output layers for one example (those ``rule`` turns on): sets ``neu1e`` to the
    input-side update and returns the example's loss. out: (W_out, W_hs, rows, grads,
    codes, points, offsets), the true word in ``rows[0]``; rule: (saturation, the tree's
    saturation, sigmoid, hs, ns)."""
    W_out, W_hs, rows, grads, codes, points, offsets = out
    saturation, hs_saturation, sigmoid, hs, ns = rule
    zero_row(neu1e, 0, dim)
    loss = 0.0
    if hs:
        word = rows[0]
        if offsets[word + 1] - offsets[word] > grads.shape[0]:
            raise ValueError("a path of the tree is longer than the thread state's gradients")
        loss += _hs_update(H, h, neu1e, W_hs, codes, points, offsets[word], offsets[word + 1],
                           grads, alpha, hs_saturation, sigmoid, dim)
    if ns:
        loss += _ns_update(H, h, neu1e, W_out, rows, grads, alpha, saturation, sigmoid, dim)
    return loss


@njit(error_model="numpy", inline="always")
def _draw_negatives(noise, rows, rng):
    """Fill ``rows[1:]`` with draws from the packed alias table; returns the new rng state."""
    for d in range(1, rows.shape[0]):
        rng, z = _next(rng)
        rows[d] = _draw_noise(noise, z)
    return rng


# ----------------------------------------------------------------------------------------
# One example of each model, shared by the training loop and the one-example steps.
@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _cbow_example(W_in, ctx, lo, hi, skip, neu1, neu1e, out, alpha, rule, cbow_mean, dim):
    """CBOW: the contexts ``ctx[lo..hi]`` except position ``skip`` (their count >= 1) predict
    ``rows[0]`` (through the output layers of ``out`` and ``rule``, see :func:`_outputs`).
    ``h`` is the MEAN of the context rows and the full ``neu1e`` is added to every context
    row (word2vec.c, gensim; see the module docstring); with ``cbow_mean`` 0, ``h`` is their
    SUM and each gets ``neu1e / n_contexts`` (gensim). Returns the example's loss."""
    zero_row(neu1, 0, dim)
    for c in range(lo, hi + 1):
        if c != skip:
            axpy_row(np.float32(1.0), W_in, ctx[c], neu1, 0, dim)
    n_ctx = hi - lo + 1 - (1 if lo <= skip <= hi else 0)
    inv = np.float32(1.0) / np.float32(n_ctx)
    if cbow_mean:
        scale_row(inv, neu1, 0, dim)
    loss = _outputs(neu1, np.int32(0), neu1e, out, alpha, rule, dim)
    if not cbow_mean:
        scale_row(inv, neu1e, 0, dim)
    for c in range(lo, hi + 1):
        if c != skip:
            axpy_row(np.float32(1.0), neu1e, 0, W_in, ctx[c], dim)
    return loss


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _skipgram_example(W_in, context, neu1e, out, alpha, rule, dim):
    """Skip-gram, word2vec.c's convention: the input row of ``context`` predicts ``rows[0]``
    (the center word) through the output layers of ``out`` and ``rule``. Returns the pair's
    loss."""
    loss = _outputs(W_in, context, neu1e, out, alpha, rule, dim)
    axpy_row(np.float32(1.0), neu1e, 0, W_in, context, dim)
    return loss


# ----------------------------------------------------------------------------------------
# Skip-gram with the negatives of a window shared (Options.batch; see the module docstring).
# The window's C contexts against its k + 1 output rows form a C x (k+1) score matrix G; the
# three passes below are small matrix products written as row loops over (matrix, index),
# so the k + 1 output rows, each read C times, stay in the L1 cache.
@njit(inline="always")
def _context(ctx, lo, skip, m):
    """The m-th context word of the window ``ctx[lo..]``, stepping over position ``skip``
    (the center word; -1 for none)."""
    c = lo + m
    return ctx[c + 1] if 0 <= skip <= c else ctx[c]


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _window_gradients(W_in, ctx, lo, n_ctx, skip, W_out, rows, G, alpha, saturation, sigmoid,
                      dim):
    """Sets ``G[m, j] = (label - sigmoid(f)) * alpha`` (:func:`_gradient`) for the score
    ``f = W_in[context m] . W_out[rows[j]]`` of each of the ``n_ctx`` contexts and each
    output row, label 1 for ``rows[0]`` (the center), 0 for the negatives ``rows[1:]``; a
    negative equal to the center gets ``G = 0`` and no loss (skipped, as word2vec.c).
    G: (>= n_ctx, len(rows)) float32. All scores are read before any update.
    Returns the window's loss, the sum of its pairs' exact losses (float64)."""
    center = rows[0]
    n = rows.shape[0]
    for m in range(n_ctx):
        word = _context(ctx, lo, skip, m)
        for j in range(n):
            G[m, j] = dot_row(W_in, word, W_out, rows[j], dim)
    lin = 0.0
    prod = 1.0          # product of the pairs' q, each in (1, 2]
    for m in range(n_ctx):
        for j in range(n):
            if j > 0 and rows[j] == center:
                G[m, j] = 0.0
                continue
            g, lin_j, q = _gradient(G[m, j], 1 if j == 0 else 0, alpha, saturation, sigmoid)
            G[m, j] = g
            lin += lin_j
            prod *= q
            if prod > 1e300:    # folded into lin in time: a huge window cannot overflow it
                lin += math.log(prod)
                prod = 1.0
    return lin + math.log(prod)


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _window_deltas(W_out, rows, G, E, n_ctx, dim):
    """``E[m] = sum_j G[m, j] * W_out[rows[j]]``, the update of the m-th context's input
    row, from the output rows before their update. E: (>= n_ctx, dim) float32."""
    for m in range(n_ctx):
        zero_row(E, m, dim)
        for j in range(rows.shape[0]):
            g = G[m, j]
            if g != 0:
                axpy_row(g, W_out, rows[j], E, m, dim)


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _window_outputs(W_in, ctx, lo, n_ctx, skip, W_out, rows, G, dim):
    """``W_out[rows[j]] += sum_m G[m, j] * W_in[context m]``, from the input rows before
    their update; a negative drawn twice gets both sums."""
    for j in range(rows.shape[0]):
        for m in range(n_ctx):
            g = G[m, j]
            if g != 0:
                axpy_row(g, W_in, _context(ctx, lo, skip, m), W_out, rows[j], dim)


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _skipgram_window(W_in, ctx, lo, hi, skip, W_out, rows, G, E, alpha, saturation, sigmoid,
                     dim):
    """Skip-gram with shared negatives on one window: each context ``ctx[lo..hi]`` except
    position ``skip`` (at least one) predicts ``rows[0]`` (the center) against the same
    negatives ``rows[1:]``; G: (>= C, len(rows)) and E: (>= C, dim) float32 scratch, C the
    contexts' count. Scores and gradients first, then the input rows' updates from the old
    output rows, the output rows' from the old input rows, and the input rows'. A context
    that occurs twice gets both updates. Returns ``(loss, C)``: the sum of the C pairs'
    losses and the pairs (the examples)."""
    n_ctx = hi - lo + 1 - (1 if lo <= skip <= hi else 0)
    loss = _window_gradients(W_in, ctx, lo, n_ctx, skip, W_out, rows, G, alpha, saturation,
                             sigmoid, dim)
    _window_deltas(W_out, rows, G, E, n_ctx, dim)
    _window_outputs(W_in, ctx, lo, n_ctx, skip, W_out, rows, G, dim)
    for m in range(n_ctx):
        axpy_row(np.float32(1.0), E, m, W_in, _context(ctx, lo, skip, m), dim)
    return loss, n_ctx


# ----------------------------------------------------------------------------------------
# One sentence of each model; sent[:n] is the subsampled sentence.
@njit(error_model="numpy", inline="always")
def _window(i, n, window, shrink, rng):
    """word2vec.c's reduced window around position i of a sentence of n words: draws
    ``b ~ U{0..window-1}`` (``b = 0``, drawing nothing, unless ``shrink``) and returns
    ``(lo, hi, rng)``, the positions ``lo..hi`` (i included) within ``window - b`` of i and
    inside the sentence."""
    b = 0
    if shrink:
        rng, z = _next(rng)
        b = _below(z, window)
    return max(i - window + b, 0), min(i + window - b, n - 1), rng


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _cbow_sentence(sent, n, noise, W_in, out, alpha, opts, rule, neu1, neu1e, rng, dim):
    rows = out[2]
    loss = 0.0
    examples = 0
    for i in range(n):
        lo, hi, rng = _window(i, n, opts.window, opts.shrink, rng)
        if hi == lo:            # no context: a one-word sentence
            continue
        rows[0] = sent[i]
        rng = _draw_negatives(noise, rows, rng)
        loss += _cbow_example(W_in, sent, lo, hi, i, neu1, neu1e, out, alpha, rule,
                              opts.cbow_mean, dim)
        examples += 1
    return loss, examples, rng


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _skipgram_sentence(sent, n, noise, W_in, out, alpha, opts, rule, neu1e, rng, dim):
    rows = out[2]
    loss = 0.0
    examples = 0
    for i in range(n):
        lo, hi, rng = _window(i, n, opts.window, opts.shrink, rng)
        for c in range(lo, hi + 1):
            if c == i:
                continue
            rows[0] = sent[i]
            rng = _draw_negatives(noise, rows, rng)
            loss += _skipgram_example(W_in, sent[c], neu1e, out, alpha, rule, dim)
            examples += 1
    return loss, examples, rng


@njit(fastmath=FASTMATH, error_model="numpy", inline="always")
def _skipgram_batched_sentence(sent, n, noise, W_in, out, block, alpha, opts, rule, rng, dim):
    """Skip-gram with shared negatives (``opts.batch``): one draw of negatives per center
    word with at least one context, :func:`_skipgram_window` on its window. block: the
    state's (window_grads, window_deltas)."""
    W_out, rows = out[0], out[2]
    saturation, sigmoid = rule[0], rule[2]
    G, E = block
    loss = 0.0
    examples = 0
    for i in range(n):
        lo, hi, rng = _window(i, n, opts.window, opts.shrink, rng)
        if hi == lo:            # no context: a one-word sentence
            continue
        rows[0] = sent[i]
        rng = _draw_negatives(noise, rows, rng)
        l, e = _skipgram_window(W_in, sent, lo, hi, i, W_out, rows, G, E, alpha, saturation,
                                sigmoid, dim)
        loss += l
        examples += e
    return loss, examples, rng


# ----------------------------------------------------------------------------------------
# The entry point.
@njit(error_model="numpy")
def _check_batch(opts, state, dim):
    """Shared negatives train negative sampling alone, in window blocks of the right size."""
    if opts.hs or not opts.ns:
        raise ValueError("shared negatives (Options.batch) train negative sampling alone")
    G, E = state.window_grads, state.window_deltas
    if (G.shape[0] < 2 * opts.window or G.shape[1] != state.rows.shape[0]
            or E.shape[0] < 2 * opts.window or E.shape[1] != dim):
        raise ValueError("the thread state's window blocks do not fit the window "
                         "(make_state's batch_window)")


@njit(nogil=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def train_range(ids, bounds, first, last, tables, W_in, W_out, W_hs, alpha, alpha_step, opts,
                state):
    """Train on sentences ``first .. last-1``; the one entry point of the engine.

    ids: (T,) int32 word ids; bounds: (S+1,) int64, sentence i is ``ids[bounds[i]:bounds[i+1]]``;
    first, last: sentence range; tables: :class:`Tables`; W_in, W_out, W_hs: (V, dim) float32,
    C-contiguous, updated in place (Hogwild when threads share them; W_out / W_hs are read
    only where ``opts.ns`` / ``opts.hs`` is set, else any float32 matrix); alpha: learning rate at
    ``bounds[first]``, decreasing by ``alpha_step`` per raw word (constant within a sentence);
    opts: :class:`Options`; state: this thread's :class:`ThreadState` (with ``opts.batch``
    for skip-gram, its window blocks hold ``2 * opts.window`` rows).
    Adds [loss sum, examples, kept words] to ``state.sums`` and returns the number of raw
    words (``bounds[last] - bounds[first]``).
    """
    # Borrowed (see _borrow): no reference counting below this point.
    ids = _borrow(ids)
    bounds = _borrow(bounds)
    keep_prob = _borrow(tables.keep_prob)
    noise = _borrow(tables.noise)
    W_in = _borrow(W_in)
    sent = _borrow(state.sent)
    neu1 = _borrow(state.neu1)
    neu1e = _borrow(state.neu1e)
    out = (_borrow(W_out), _borrow(W_hs), _borrow(state.rows), _borrow(state.grads),
           _borrow(tables.codes), _borrow(tables.points), _borrow(tables.offsets))
    # The tree's rule for a saturated node: word2vec.c clips in negative sampling but skips
    # in hierarchical softmax.
    hs_saturation = SATURATION_SKIP if opts.saturation == SATURATION_CLIP else opts.saturation
    rule = (opts.saturation, hs_saturation, opts.sigmoid, opts.hs, opts.ns)
    cbow = opts.model == MODEL_CBOW
    dim = W_in.shape[1]
    batch = opts.batch != 0 and not cbow
    if batch:
        _check_batch(opts, state, dim)
    block = (_borrow(state.window_grads), _borrow(state.window_deltas))

    rng = state.rng[0]
    loss = 0.0
    examples = 0
    kept = 0
    origin = bounds[first]
    for s in range(first, last):
        start = bounds[s]
        end = bounds[s + 1]
        if end - start > sent.shape[0]:
            raise ValueError("a sentence is longer than the thread state's sentence buffer")
        a = alpha - alpha_step * np.float64(start - origin)
        n = 0
        for p in range(start, end):
            w = ids[p]
            kp = keep_prob[w]
            if kp < 1.0:
                rng, z = _next(rng)
                if _uniform(z) >= kp:
                    continue
            sent[n] = w
            n += 1
        kept += n
        # The same code twice: once with the row length as a compile-time constant (the
        # default size), once for any size; see FAST_DIM.
        if cbow and dim == FAST_DIM:
            l, e, rng = _cbow_sentence(sent, n, noise, W_in, out, a, opts, rule, neu1, neu1e,
                                       rng, FAST_DIM)
        elif cbow:
            l, e, rng = _cbow_sentence(sent, n, noise, W_in, out, a, opts, rule, neu1, neu1e,
                                       rng, dim)
        elif batch and dim == FAST_DIM:
            l, e, rng = _skipgram_batched_sentence(sent, n, noise, W_in, out, block, a, opts,
                                                   rule, rng, FAST_DIM)
        elif batch:
            l, e, rng = _skipgram_batched_sentence(sent, n, noise, W_in, out, block, a, opts,
                                                   rule, rng, dim)
        elif dim == FAST_DIM:
            l, e, rng = _skipgram_sentence(sent, n, noise, W_in, out, a, opts, rule, neu1e,
                                           rng, FAST_DIM)
        else:
            l, e, rng = _skipgram_sentence(sent, n, noise, W_in, out, a, opts, rule, neu1e,
                                           rng, dim)
        loss += l
        examples += e
    state.rng[0] = rng
    state.sums[0] += loss
    state.sums[1] += examples
    state.sums[2] += kept
    return bounds[last] - origin


# ----------------------------------------------------------------------------------------
# One update on one fixed example (the tie to the book's layers).
@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _one_example(cbow, W_in, inputs, out, neu1, neu1e, alpha, rule, cbow_mean):
    """One example through the code :func:`train_range` runs; see :func:`cbow_step`."""
    W_in = _borrow(W_in)
    dim = W_in.shape[1]
    if cbow:
        return _cbow_example(W_in, inputs, 0, inputs.shape[0] - 1, -1, neu1, neu1e, out, alpha,
                             rule, cbow_mean, dim)
    return _skipgram_example(W_in, inputs[0], neu1e, out, alpha, rule, dim)


def _matrix(name, W, like=None):
    """``W`` checked as a C-contiguous (V, dim) float32 matrix shaped like ``like``."""
    if W.dtype != np.float32 or W.ndim != 2 or not W.flags.c_contiguous:
        raise ValueError(f"{name} must be a C-contiguous (V, dim) float32 array")
    if like is not None and (W.shape != like.shape or np.shares_memory(W, like)):
        raise ValueError(f"W_in and {name} must be two separate arrays of the same shape")
    return W


def _ids(ids, V, what):
    ids = np.asarray(ids, dtype=np.int32).ravel()
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"{what} ids must lie in [0, {V})")
    return ids


def _step(cbow, W_in, W_out, inputs, target, negatives, alpha, saturation, sigmoid, W_hs, tree,
          cbow_mean=1):
    _matrix("W_in", W_in)
    V, dim = W_in.shape
    if W_out is None and W_hs is None:
        raise ValueError("give W_out (negative sampling), W_hs (hierarchical softmax) or both")
    if W_hs is not None and (tree is None or tree.offsets.shape != (V + 1,)):
        raise ValueError(f"W_hs needs the Huffman tree of the {V} words (wordvec.huffman)")
    inputs = _ids(inputs, V, "context")
    if inputs.size == 0:
        raise ValueError("an example needs at least one context word")
    hs, ns = W_hs is not None, W_out is not None
    negatives = negatives if ns else ()
    rows = _ids(np.concatenate([[target], np.asarray(negatives).ravel()]), V, "word")
    empty = np.zeros((1, dim), dtype=np.float32)
    W_out = _matrix("W_out", W_out, W_in) if ns else empty
    W_hs = _matrix("W_hs", W_hs, W_in) if hs else empty
    if hs and np.shares_memory(W_hs, W_out):
        raise ValueError("W_out and W_hs must be two separate arrays")
    codes, points, offsets = (tree.codes, tree.points, tree.offsets) if hs else (
        np.zeros(0, np.uint8), np.zeros(0, np.int32), np.zeros(1, np.int64))
    longest = int(np.diff(offsets).max()) if offsets.shape[0] > 1 else 0
    out = (W_out, W_hs, rows, np.zeros(max(rows.shape[0], longest), dtype=np.float32), codes,
           points, offsets)
    clip = SATURATIONS[saturation]
    rule = (clip, SATURATION_SKIP if clip == SATURATION_CLIP else clip, SIGMOIDS[sigmoid],
            int(hs), int(ns))
    return float(_one_example(cbow, W_in, inputs, out, np.zeros((1, dim), dtype=np.float32),
                              np.zeros((1, dim), dtype=np.float32), float(alpha), rule,
                              int(cbow_mean)))


def cbow_step(W_in, W_out, contexts, target, negatives, alpha, saturation="clip",
              sigmoid="exact", *, W_hs=None, tree=None, cbow_mean=1) -> float:
    """One CBOW update on a fixed example, by the code :func:`train_range` runs.

    W_in, W_out: (V, dim) float32, C-contiguous, updated in place (W_out None: no negative
    sampling); contexts: (C,) int context ids (C >= 1); target: the center word; negatives:
    (k,) int (one equal to ``target`` is skipped); alpha: learning rate; saturation: 'clip' |
    'skip' | 'none'; sigmoid: 'exact' | 'table'; W_hs: (V, dim) float32, the inner nodes of
    hierarchical softmax over ``tree`` (a :class:`wordvec.huffman.HuffmanTree`), or None;
    cbow_mean: 1 the mean of the contexts, 0 their sum (see the module docstring).
    Returns the example's loss.
    Relative to SGD on the loss of the mean (``wordvec.nn.CBOW``), the output rows get the
    same step and each context row of ``W_in`` C times the step (word2vec.c's convention).
    """
    return _step(True, W_in, W_out, contexts, target, negatives, alpha, saturation, sigmoid,
                 W_hs, tree, cbow_mean)


def skipgram_step(W_in, W_out, context, center, negatives, alpha, saturation="clip",
                  sigmoid="exact", *, W_hs=None, tree=None) -> float:
    """One skip-gram pair update on a fixed example, by the code :func:`train_range` runs.

    word2vec.c's convention: the input row ``W_in[context]`` predicts ``center`` through
    ``W_out[center]`` against ``negatives`` (k,) int, and through the path of ``center`` in
    ``tree`` on ``W_hs``. In the book's ``SkipGram`` terms this is ``target=[context]``,
    ``contexts=[[center]]``; the update is the same SGD step. Options as :func:`cbow_step`.
    Returns the pair's loss.
    """
    return _step(False, W_in, W_out, [context], center, negatives, alpha, saturation, sigmoid,
                 W_hs, tree)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _one_window(W_in, W_out, contexts, rows, G, E, alpha, saturation, sigmoid):
    """One window through the code :func:`train_range` runs; see :func:`skipgram_window_step`."""
    W_in = _borrow(W_in)
    W_out = _borrow(W_out)
    dim = W_in.shape[1]
    loss, _ = _skipgram_window(W_in, contexts, 0, contexts.shape[0] - 1, -1, W_out, rows, G, E,
                               alpha, saturation, sigmoid, dim)
    return loss


def skipgram_window_step(W_in, W_out, contexts, center, negatives, alpha, saturation="clip",
                         sigmoid="exact") -> float:
    """One skip-gram window with shared negatives (``Options.batch``), by the code
    :func:`train_range` runs: each of ``contexts`` predicts ``center`` against the same
    ``negatives`` (one equal to ``center`` is skipped), see :func:`_skipgram_window`.

    W_in, W_out: (V, dim) float32, C-contiguous, updated in place; contexts: (C,) int
    (C >= 1, a repeated one gets both updates); center: an id; negatives: (k,) int; alpha,
    saturation, sigmoid: as :func:`cbow_step`. Returns the window's loss, the sum of its C
    pairs' losses.
    """
    _matrix("W_in", W_in)
    V, dim = W_in.shape
    _matrix("W_out", W_out, W_in)
    contexts = _ids(contexts, V, "context")
    if contexts.size == 0:
        raise ValueError("a window needs at least one context word")
    rows = _ids(np.concatenate([[center], np.asarray(negatives).ravel()]), V, "word")
    G = np.zeros((contexts.size, rows.size), dtype=np.float32)
    E = np.zeros((contexts.size, dim), dtype=np.float32)
    return float(_one_window(W_in, W_out, contexts, rows, G, E, float(alpha),
                             SATURATIONS[saturation], SIGMOIDS[sigmoid]))
