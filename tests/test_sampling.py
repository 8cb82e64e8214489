"""The noise distribution (counts**0.75), the alias table, subsampling and the book's sampler."""
import numpy as np
import pytest
from scipy import stats

from wordvec.nn import UnigramSampler
from wordvec.sampling import NoiseDistribution, alias_table, keep_probabilities, unigram_probs


def test_unigram_probs_formula():
    counts = np.array([100, 10, 1, 0, 37])
    expected = counts ** 0.75 / (counts ** 0.75).sum()
    np.testing.assert_allclose(unigram_probs(counts, 0.75), expected, rtol=1e-15)


@pytest.mark.parametrize("power", [1.0, 0.0, -0.5, 2.5])
def test_unigram_probs_any_exponent_and_zero_counts_never_drawn(power):
    counts = np.array([100, 10, 1, 0, 37])
    seen = counts[counts > 0].astype(np.float64) ** power
    probs = unigram_probs(counts, power)
    assert probs[3] == 0.0 and np.isfinite(probs).all()
    np.testing.assert_allclose(probs[counts > 0], seen / seen.sum(), rtol=1e-15)


def test_alias_table_reproduces_probabilities_exactly():
    probs = unigram_probs(np.random.default_rng(0).zipf(1.5, size=500) % 1000 + 1)
    prob, alias = alias_table(probs)
    # P(i) = (keep mass of column i + overflow of every column whose alias is i) / V
    recovered = prob.copy()
    np.add.at(recovered, alias, 1.0 - prob)
    np.testing.assert_allclose(recovered / len(probs), probs, atol=1e-15)


def test_draws_follow_counts_to_the_power_075():
    counts = np.array([500, 200, 100, 50, 20, 10, 5, 2, 1])
    noise = NoiseDistribution(counts, 0.75)
    draws = noise.draw(np.random.default_rng(1), (400_000,))
    observed = np.bincount(draws, minlength=len(counts))
    expected = unigram_probs(counts, 0.75) * draws.size
    assert stats.chisquare(observed, expected).pvalue > 1e-3
    # The 0.75 power, not the raw counts: the raw unigram is rejected.
    raw = counts / counts.sum() * draws.size
    assert stats.chisquare(observed, raw).pvalue < 1e-12


def test_book_sampler_excludes_target_and_repeats():
    corpus = np.repeat(np.arange(8), [40, 20, 10, 5, 5, 3, 2, 1])
    sampler = UnigramSampler(corpus, 0.75, 4, seed=2)
    target = np.random.default_rng(3).integers(0, 8, size=5000)
    negative = sampler.get_negative_sample(target)
    assert negative.shape == (5000, 4)
    assert not np.any(negative == target[:, None])
    assert all(len(set(row)) == 4 for row in negative.tolist())


def test_book_sampler_matches_sampling_without_replacement():
    # The book draws each row with np.random.choice(replace=False, p) after zeroing the target:
    # the first negative is p renormalised without the target, the second is p renormalised
    # without the target and the first, and so on. Check the exact law of ordered pairs.
    corpus = np.repeat(np.arange(4), [8, 4, 2, 1])
    sampler = UnigramSampler(corpus, 0.75, 2, seed=4)
    p = sampler.word_p
    target = np.zeros(200_000, dtype=np.int64)
    pairs = sampler.get_negative_sample(target)
    observed = np.zeros((4, 4))
    np.add.at(observed, (pairs[:, 0], pairs[:, 1]), 1)
    expected = np.zeros((4, 4))
    for a in range(1, 4):
        for b in range(1, 4):
            if a != b:
                pa = p[a] / (1 - p[0])
                expected[a, b] = pa * p[b] / (1 - p[0] - p[a])
    mask = expected > 0
    assert observed[~mask].sum() == 0
    assert stats.chisquare(observed[mask], expected[mask] * target.size).pvalue > 1e-3


def test_gpu_style_sampler_keeps_repeats_and_target():
    corpus = np.repeat(np.arange(3), [10, 5, 1])
    sampler = UnigramSampler(corpus, 0.75, 5, exclude_target=False, distinct=False, seed=5)
    negative = sampler.get_negative_sample(np.zeros(2000, dtype=np.int64))
    assert np.any(negative == 0)
    assert any(len(set(row)) < 5 for row in negative.tolist())


def test_sampler_refuses_impossible_requests_clearly():
    corpus = np.array([0, 1, 2, 0])
    with pytest.raises(ValueError, match="cannot draw 5 distinct negatives other than the "
                                         "target from 3 words"):
        UnigramSampler(corpus, 0.75, 5)
    UnigramSampler(corpus, 0.75, 2)                 # 2 others than the target: possible
    UnigramSampler(corpus, 0.75, 5, distinct=False)  # repeats allowed: possible


def test_keep_probabilities_follow_word2vec_c():
    counts = np.array([10_000, 1_000, 100, 1])
    sample = 1e-3
    t = sample * counts.sum()
    expected = np.minimum((np.sqrt(counts / t) + 1) * t / counts, 1.0)
    np.testing.assert_allclose(keep_probabilities(counts, sample), expected, rtol=1e-6)
    assert keep_probabilities(counts, 1e-3)[0] < 0.2          # the frequent word is thinned
    np.testing.assert_array_equal(keep_probabilities(counts, 0), 1.0)
