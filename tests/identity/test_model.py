import numpy as np

from customer_understanding.identity._model import exact_u, fit_m, fit_m_by_rule


def test_exact_u_counts_only_pairs_across_sources() -> None:
    codes = np.array([0, 0, 1, 1])
    assert exact_u(codes, np.array([0, 0, 1, 1])) == 1e-6  # agreeing pairs share a source
    assert exact_u(codes, np.array([0, 1, 0, 1])) == 0.5


def test_em_recovers_the_share_of_matches() -> None:
    rng = np.random.default_rng(1)
    matches = (rng.random((300, 3)) > 0.95).astype(np.int8)  # mostly exact
    others = (rng.random((700, 3)) > 0.1).astype(np.int8)  # mostly different
    u = [np.array([0.1, 0.9])] * 3
    m, prior, _ = fit_m(np.vstack([matches, others]), u)
    assert abs(prior - 0.3) < 0.03
    assert m[0][0] > 0.9


def test_rule_blind_em_ignores_the_blocked_column() -> None:
    # every pair agrees on column 0 (the blocking key); column 1 tells matches apart
    levels = np.array([[0, 0]] * 40 + [[0, 1]] * 60, dtype=np.int8)
    u = [np.array([0.01, 0.99]), np.array([0.01, 0.99])]
    _, prior, _ = fit_m_by_rule(levels, u, [(np.arange(100), [0])])
    _, naive_prior, _ = fit_m(levels, u)
    assert abs(prior - 0.4) < 0.05
    assert naive_prior > 0.99  # plain EM takes every blocked pair for a match


def test_em_on_counted_patterns_equals_em_on_the_pairs() -> None:
    """A distributed engine sends pattern counts: the fit must be the pairs' own, bit for bit."""
    rng = np.random.default_rng(4)
    levels = rng.integers(-1, 3, size=(3_000, 4)).astype(np.int8)
    found = rng.random((3_000, 2)) < 0.6
    u = [np.array([0.05, 0.15, 0.8])] * 4
    rules = [(np.flatnonzero(found[:, r]), [r]) for r in range(2)]
    plain = fit_m_by_rule(levels, u, rules)
    keys = np.concatenate([levels, found.astype(np.int8)], axis=1)
    distinct, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    del inverse
    patterns, bits = distinct[:, :4], distinct[:, 4:].astype(bool)
    counted = fit_m_by_rule(patterns, u, [(np.flatnonzero(bits[:, r]), [r]) for r in range(2)],
                            counts=counts.astype(np.float64))  # fmt: skip
    assert counted[1] == plain[1]
    assert counted[2] == plain[2]
    assert all(np.array_equal(a, b) for a, b in zip(counted[0], plain[0], strict=True))
