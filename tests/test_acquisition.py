import warnings

import numpy as np
import pytest
from scipy.stats import norm

from skhptune._acquisition import (
    BatchProposal,
    _acquisition,
    fit_gaussian_process,
    log_expected_improvement,
    log_probability_of_improvement,
    model_subset,
    propose_batch,
    snap_to_levels,
    upper_confidence_bound,
)
from skhptune._gp import GaussianProcess

MIXED_LEVELS = np.array([0, 5, 3, 0])
MIXED_CATEGORICAL = np.array([False, False, True, False])


def _branin(U):
    x1, x2 = 15 * U[:, 0] - 5, 15 * U[:, 1]
    return (
        (x2 - 5.1 / (4 * np.pi**2) * x1**2 + 5 / np.pi * x1 - 6) ** 2
        + 10 * (1 - 1 / (8 * np.pi)) * np.cos(x1)
        + 10
    )


def _mixed_observations(n=15, seed=0):
    rng = np.random.default_rng(seed)
    X = snap_to_levels(rng.random((n, 4)), MIXED_LEVELS)
    y = (
        -((X[:, 0] - 0.3) ** 2)
        + X[:, 1]
        + np.where(X[:, 2] > 0.5, 0.5, 0.0)
        + 0.1 * X[:, 3]
    )
    return X, y


def _is_row_of(row, rows):
    return len(rows) > 0 and bool(np.any(np.all(np.abs(rows - row) <= 1e-9, axis=1)))


def test_log_ei_is_finite_where_ei_underflows():
    z = -40.0
    assert norm.pdf(z) + z * norm.cdf(z) == 0.0
    value = log_expected_improvement(z, 1.0, 0.0)
    # Asymptotically EI ~ phi(z) / z^2.
    assert np.isfinite(value)
    assert value == pytest.approx(norm.logpdf(z) - 2 * np.log(-z), abs=1e-2)


@pytest.mark.parametrize("std", [0.3, 1.0, 7.0])
def test_log_ei_matches_log_of_ei_where_representable(std):
    z = np.linspace(-5, 5, 101)
    mean, best = z * std + 2.0, 2.0
    ei = std * (norm.pdf(z) + z * norm.cdf(z))
    np.testing.assert_allclose(
        log_expected_improvement(mean, std, best), np.log(ei), rtol=1e-9
    )


def test_log_ei_is_increasing_in_the_mean_across_branches():
    mean = np.linspace(-1e9, -1e3, 50)
    mean = np.concatenate([mean, np.linspace(-999, 10, 5000)])
    values = log_expected_improvement(mean, 1.0, 0.0)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) > 0)


def test_log_ei_is_continuous_at_branch_boundaries():
    for z in (-1.0, -1.0 / np.sqrt(np.finfo(float).eps)):
        left, right = log_expected_improvement(
            np.array([z * (1 + 1e-12), z * (1 - 1e-12)]), 1.0, 0.0
        )
        assert left == pytest.approx(right, rel=1e-6)


def test_log_probability_of_improvement_and_ucb():
    mean, std = np.array([-40.0, 0.0, 1.0]), np.array([1.0, 2.0, 0.5])
    np.testing.assert_allclose(
        log_probability_of_improvement(mean[1:], std[1:], 0.0),
        np.log(norm.cdf(mean[1:] / std[1:])),
    )
    assert np.isfinite(log_probability_of_improvement(mean, std, 0.0)).all()
    np.testing.assert_allclose(upper_confidence_bound(mean, std), mean + 2 * std)


@pytest.mark.parametrize("name", ["log_ei", "ucb", "pi"])
def test_acquisition_gradients_match_finite_differences(name):
    X, y = _mixed_observations()
    gp = GaussianProcess(MIXED_LEVELS, MIXED_CATEGORICAL).fit(X, y, rng=0)
    U = np.array([[0.2, 0.3, 0.5, 0.7], [0.9, 0.7, 0.1, 0.1]])
    _, grad = _acquisition(gp, U, name, y.max(), with_grad=True)
    h = 1e-6
    for j in (0, 3):
        step = np.zeros(4)
        step[j] = h
        numeric = (
            _acquisition(gp, U + step, name, y.max())
            - _acquisition(gp, U - step, name, y.max())
        ) / (2 * h)
        np.testing.assert_allclose(grad[:, j], numeric, rtol=1e-3, atol=1e-5)


def test_snap_to_levels_moves_discrete_coordinates_to_bin_centres():
    U = np.array(
        [[0.0, 0.0, 0.0, 0.123], [1.0, 1.0, 1.0, 1.2], [0.5, 0.39, 0.34, -0.1]]
    )
    expected = np.array(
        [[0.0, 0.1, 1 / 6, 0.123], [1.0, 0.9, 5 / 6, 1.0], [0.5, 0.3, 0.5, 0.0]]
    )
    np.testing.assert_allclose(snap_to_levels(U, MIXED_LEVELS), expected)
    # One point alone, as the genetic operators snap their children.
    np.testing.assert_allclose(snap_to_levels(U[2], MIXED_LEVELS), expected[2])


@pytest.mark.parametrize("acquisition", ["log_ei", "ucb", "pi"])
def test_proposals_are_valid_snapped_and_new(acquisition):
    X, y = _mixed_observations()
    pending = snap_to_levels(np.random.default_rng(1).random((3, 4)), MIXED_LEVELS)
    result = propose_batch(
        X,
        y,
        MIXED_LEVELS,
        MIXED_CATEGORICAL,
        4,
        0,
        acquisition=acquisition,
        X_pending=pending,
    )
    assert isinstance(result, BatchProposal)
    P = result.proposals
    assert P.shape == (4, 4) and result.acquisition_values.shape == (4,)
    assert np.all((P >= 0) & (P <= 1))
    np.testing.assert_array_equal(P, snap_to_levels(P, MIXED_LEVELS))
    for i, row in enumerate(P):
        assert not _is_row_of(row, X) and not _is_row_of(row, pending)
        assert not _is_row_of(row, np.delete(P, i, axis=0))


def test_small_discrete_space_fills_the_remaining_configurations():
    levels, categorical = np.array([3, 4]), np.array([True, False])
    grid = np.array(
        [[(i + 0.5) / 3, (j + 0.5) / 4] for i in range(3) for j in range(4)]
    )
    X, pending = grid[:6], grid[6:9]
    result = propose_batch(X, X.sum(1), levels, categorical, 5, 0, X_pending=pending)
    assert len(result.proposals) == 3  # only three configurations are left
    remaining = {tuple(np.round(r, 9)) for r in grid[9:]}
    assert {tuple(np.round(r, 9)) for r in result.proposals} == remaining


def test_exhausted_space_returns_no_rows():
    grid = (np.arange(3)[:, None] + 0.5) / 3
    result = propose_batch(grid, np.arange(3.0), [3], [True], 2, 0)
    assert result.proposals.shape == (0, 1)
    assert result.acquisition_values.shape == (0,)


def test_large_discrete_space_never_repeats_observations():
    levels, categorical = np.array([10, 10, 10]), np.array([False, True, False])
    rng = np.random.default_rng(0)
    X = snap_to_levels(rng.random((60, 3)), levels)
    # A sharp optimum at an observed configuration tempts repeats.
    y = -np.sum((X - X[0]) ** 2, axis=1)
    P = propose_batch(X, y, levels, categorical, 6, rng, n_sweep=64).proposals
    assert len(P) == 6
    assert len(np.unique(P, axis=0)) == 6
    assert not any(_is_row_of(row, X) for row in P)


@pytest.mark.parametrize("make_rng", [np.random.default_rng, np.random.RandomState])
def test_same_seed_gives_same_proposals(make_rng):
    X, y = _mixed_observations()
    first = propose_batch(
        X, y, MIXED_LEVELS, MIXED_CATEGORICAL, 3, make_rng(7)
    ).proposals
    second = propose_batch(
        X, y, MIXED_LEVELS, MIXED_CATEGORICAL, 3, make_rng(7)
    ).proposals
    np.testing.assert_array_equal(first, second)


def test_a_batch_raises_the_incumbent_to_a_believed_point_above_it():
    # Scores rising to the edge: the first proposal's predicted mean (the value
    # the batch believes it gets) is above every score, so the second proposal
    # is chosen for improving on that belief, not on the old incumbent.
    X = np.array([[0.05], [0.2], [0.35], [0.5], [0.65]])
    y = 2.0 * X[:, 0]
    result = propose_batch(X, y, [0], [False], 2, np.random.default_rng(0))
    first, second = result.proposals[:1], result.proposals[1:]
    believed = result.gp.predict(first)[0]
    assert believed[0] > y.max()
    mean, std = result.gp.condition_on(first, believed).predict(second)
    np.testing.assert_allclose(
        result.acquisition_values[1],
        log_expected_improvement(mean, std, believed[0])[0],
        rtol=1e-9,
    )


def test_gp_state_warm_starts_the_fit_and_mismatched_state_is_ignored():
    X, y = _mixed_observations()
    previous = propose_batch(X[:-1], y[:-1], MIXED_LEVELS, MIXED_CATEGORICAL, 1, 0).gp
    warm = propose_batch(X, y, MIXED_LEVELS, MIXED_CATEGORICAL, 1, 0, gp_state=previous)
    np.testing.assert_allclose(
        np.log(warm.gp.lengthscales_), np.log(previous.lengthscales_), atol=1.0
    )
    other = GaussianProcess([0], [False]).fit(np.array([[0.5]]), np.array([1.0]))
    result = propose_batch(X, y, MIXED_LEVELS, MIXED_CATEGORICAL, 1, 0, gp_state=other)
    assert result.proposals.shape == (1, 4)


def test_hyperparameters_are_reoptimised_once_the_data_has_grown_enough():
    X, y = _mixed_observations(n=30)
    args = (MIXED_LEVELS, MIXED_CATEGORICAL)
    first = fit_gaussian_process(X[:20], y[:20], *args, rng=0)
    assert first.n_optimized_ == 20
    # 24 < 20 * 1.25: the hyperparameters are kept, the posterior takes the data.
    kept = fit_gaussian_process(X[:24], y[:24], *args, first, rng=0, reoptimize_growth=0.25)
    assert kept.n_optimized_ == 20
    assert np.array_equal(kept.hyperparameters_._to_vector(), first.hyperparameters_._to_vector())
    mean, _ = kept.predict(X[20:24])
    np.testing.assert_allclose(mean, y[20:24], atol=0.05)
    # 25 samples reach the threshold; without growth every call optimises.
    for n, growth in [(25, 0.25), (21, 0.0)]:
        refitted = fit_gaussian_process(X[:n], y[:n], *args, kept, rng=0, reoptimize_growth=growth)
        assert refitted.n_optimized_ == n
        assert not np.allclose(
            refitted.hyperparameters_._to_vector(), first.hyperparameters_._to_vector()
        )


def test_model_subset_keeps_the_best_half_and_spreads_the_rest_over_the_ranks():
    y = np.random.default_rng(0).permutation(1000).astype(float)
    np.testing.assert_array_equal(model_subset(y[:256]), np.arange(256))
    rows = model_subset(y)
    assert len(rows) == 256 and np.all(np.diff(rows) > 0)
    ranks = np.sort(999 - y[rows]).astype(int)  # 0 is the best score
    np.testing.assert_array_equal(ranks[:128], np.arange(128))
    # The rest: evenly spaced from the next best to the worst.
    assert ranks[128] == 128 and ranks[-1] == 999
    assert set(np.diff(ranks[128:])) <= {6, 7}
    # Ties among the best go to the earliest; just above the limit every row
    # of the rest is kept but one.
    assert set(model_subset(np.zeros(300))[:128]) == set(range(128))
    assert len(model_subset(np.arange(257.0), max_points=256)) == 256


def test_model_subset_keeps_failed_fits_up_to_a_quarter():
    rng = np.random.default_rng(0)
    y = rng.permutation(1000).astype(float)
    failed = np.zeros(1000, dtype=bool)
    failed[rng.choice(1000, 100, replace=False)] = True
    y[failed] = -1.0  # stand-ins: the worst score
    rows = model_subset(y, failed)
    assert len(rows) == 256 and np.all(np.diff(rows) > 0)
    np.testing.assert_array_equal(np.sort(rows[np.argsort(-y[rows])][:128]), np.sort(np.argsort(-y)[:128]))
    # 64 of the 100, first and last included, evenly over their order.
    kept = rows[failed[rows]]
    assert len(kept) == 64 and kept[0] == np.flatnonzero(failed)[0] and kept[-1] == np.flatnonzero(failed)[-1]
    # With few failures all are kept; the caller's mask is left as it was.
    few = np.zeros(1000, dtype=bool)
    few[[5, 500, 995]] = True
    mask = few.copy()
    rows = model_subset(np.where(few, -1.0, y), mask)
    assert set(np.flatnonzero(few)) <= set(rows) and len(rows) == 256
    np.testing.assert_array_equal(mask, few)
    # A failed fit's stand-in among the best counts once.
    assert len(model_subset(np.arange(300.0), np.arange(300) == 299)) == 256


def test_a_long_search_models_a_subset_but_never_repeats_any_observation():
    # A 300-level ordinal coordinate observed on its 290 upper levels: the model
    # sees 256 of them, and UCB would rate the unmodelled ones, among good
    # scores, above the ten unobserved at the bad edge; every proposal is new.
    levels, categorical = np.array([300]), np.array([False])
    X = snap_to_levels((np.arange(10.0, 300.0)[:, None] + 0.5) / 300, levels)
    y = -np.abs(X[:, 0] - 0.5)
    result = propose_batch(X, y, levels, categorical, 4, 0, acquisition="ucb")
    assert len(result.gp.X_train_) == 256
    assert len(result.proposals) == 4
    assert np.all(result.proposals[:, 0] < 10 / 300)


def test_reoptimisation_counts_every_observation_beyond_the_modelled_ones():
    rng = np.random.default_rng(0)
    X = rng.random((400, 2))
    y = -np.sum((X - 0.3) ** 2, axis=1)
    args = ([0, 0], [False, False])
    first = fit_gaussian_process(X[:300], y[:300], *args, rng=0)
    assert first.n_optimized_ == 300 and len(first.X_train_) == 256
    # 320 < 300 * 1.1 observations: kept, though the model sees 256 either way.
    kept = fit_gaussian_process(X[:320], y[:320], *args, first, rng=0, reoptimize_growth=0.1)
    assert kept.n_optimized_ == 300
    assert np.array_equal(kept.hyperparameters_._to_vector(), first.hyperparameters_._to_vector())
    refitted = fit_gaussian_process(X[:330], y[:330], *args, kept, rng=0, reoptimize_growth=0.1)
    assert refitted.n_optimized_ == 330


def test_invalid_acquisition_raises():
    X, y = _mixed_observations()
    with pytest.raises(ValueError, match="acquisition"):
        propose_batch(X, y, MIXED_LEVELS, MIXED_CATEGORICAL, 1, 0, acquisition="ei")


def test_bayesian_optimisation_beats_random_search_on_branin():
    n_initial, n_total = 5, 25
    levels, categorical = np.zeros(2, int), np.zeros(2, bool)
    bo_best, random_best = [], []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        X = rng.random((n_initial, 2))
        y = -_branin(X)
        gp = None
        while len(X) < n_total:
            result = propose_batch(X, y, levels, categorical, 1, rng, gp_state=gp)
            gp = result.gp
            X = np.vstack([X, result.proposals])
            y = np.concatenate([y, -_branin(result.proposals)])
        bo_best.append(-y.max())
        random_best.append(
            _branin(np.random.default_rng(100 + seed).random((n_total, 2))).min()
        )
    regret_bo = np.mean(bo_best) - 0.397887
    regret_random = np.mean(random_best) - 0.397887
    assert regret_bo < 0.5 * regret_random


def test_failures_as_worst_fills_failures_with_the_worst_and_inf_with_the_best_finite_score():
    from skhptune._acquisition import failures_as_worst

    np.testing.assert_array_equal(
        failures_as_worst([0.3, np.nan, -np.inf, 0.1]), [0.3, 0.1, 0.1, 0.1]
    )
    # +inf ranks first in cv_results_: the model sees the best finite score.
    np.testing.assert_array_equal(
        failures_as_worst([0.3, np.inf, np.nan, 0.1]), [0.3, 0.3, 0.1, 0.1]
    )


@pytest.mark.parametrize("only, failed_as", [(0.3, 0.0), (-0.3, -0.6), (0.0, -1.0)])
def test_failures_next_to_one_finite_score_count_below_it(only, failed_as):
    # Counted as that score, every score was equal: a model learnt nothing.
    from skhptune._acquisition import failures_as_worst

    np.testing.assert_array_equal(
        failures_as_worst([np.nan, only, -np.inf, only]), [failed_as, only, failed_as, only]
    )


def test_repeated_fraction_counts_scores_seen_before():
    from skhptune._acquisition import repeated_fraction

    assert repeated_fraction([]) == 0.0
    assert repeated_fraction([0.1, 0.2, 0.3]) == 0.0
    assert repeated_fraction([0.5, 0.5, 0.5, 0.2]) == 0.5
    # Equal but for the order of a sum: 0.1 + 0.2 is 0.30000000000000004.
    assert repeated_fraction([0.3, 0.1 + 0.2, 0.2]) == pytest.approx(1 / 3)


def test_scores_equal_to_12_significant_digits_are_ties():
    from skhptune._acquisition import all_tied, as_ties

    assert as_ties([0.1 + 0.2])[0] == 0.3
    assert as_ties([-(0.1 + 0.2) * 1e300])[0] == -3e299
    np.testing.assert_array_equal(as_ties([np.nan, np.inf, -np.inf, 0.0]), [np.nan, np.inf, -np.inf, 0.0])
    assert all_tied([]) and all_tied([0.3]) and all_tied([0.3, 0.1 + 0.2, 0.3])
    assert all_tied([1e-300, 1e-300 * (1 + 1e-15)])
    assert not all_tied([0.3, 0.3 + 1e-9])
    assert not all_tied([1e-300, 2e-300])
    assert not all_tied([0.3, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # their difference overflows
        assert not all_tied([1e308, -1e308])


def test_failures_next_to_scores_equal_but_for_their_last_bits_count_below_them():
    from skhptune._acquisition import failures_as_worst

    np.testing.assert_array_equal(failures_as_worst([np.nan, 0.3, 0.1 + 0.2]), [0.0, 0.3, 0.1 + 0.2])


def test_robust_scores_compress_only_the_bad_tail():
    from skhptune._acquisition import robust_scores

    y = np.array([0.90, 0.91, 0.92, 0.93, 0.94, 0.95, -1e6])
    z = robust_scores(y)
    assert np.all(np.diff(z[:-1]) > 0) and z[-1] == z.min()  # order kept
    # The good side stays linear in the score; the outlier ends within a few units.
    np.testing.assert_allclose(np.diff(z[3:6]), np.diff(z[3:6])[0])
    assert -30 < z[-1] < -5
    # Units of the score do not matter.
    np.testing.assert_allclose(robust_scores(1000 * y + 5), z)


def test_a_warm_started_model_fit_draws_no_restart():
    # Warm-started from the last fit, the optimisation skips random restarts:
    # the random state cannot change the model.
    from skhptune._acquisition import fit_gaussian_process

    rng = np.random.default_rng(25)
    X = rng.random((15, 3))
    y = np.sin(9 * X[:, 0]) + rng.normal(0, 0.3, 15)
    levels, categorical = np.zeros(3, int), np.zeros(3, bool)
    cold = fit_gaussian_process(X[:12], y[:12], levels, categorical, rng=0)
    warm = [fit_gaussian_process(X, y, levels, categorical, gp_state=cold, rng=seed) for seed in (1, 2)]
    np.testing.assert_array_equal(warm[0].lengthscales_, warm[1].lengthscales_)


def test_robust_scores_keep_a_normal_samples_good_side_in_standard_deviations():
    from skhptune._acquisition import robust_scores

    y = norm.ppf(np.linspace(0.0005, 0.9995, 2000))  # a standard normal sample
    good = y > 0
    np.testing.assert_allclose(robust_scores(y)[good], y[good], atol=0.02)


def test_robust_scores_of_huge_equal_scores_are_zero_without_warning():
    from skhptune._acquisition import robust_scores

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # np.std's squares overflowed
        z = robust_scores(np.full(14, 1e300))
    np.testing.assert_array_equal(z, np.zeros(14))


def test_robust_scores_of_scores_beyond_float_squares_keep_their_shape():
    from skhptune._acquisition import robust_scores

    y = np.array([-1.0] * 8 + [0.5, 0.9])  # tied: scaled by the standard deviation
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the squares overflowed
        huge = robust_scores(1e160 * y)
    np.testing.assert_allclose(huge, robust_scores(y))


def test_a_categorical_with_thousands_of_levels_is_proposed_from_a_few_moves(monkeypatch):
    # Every other level was tried at each discrete move: rows of a one-hot as
    # wide as the levels, memory quadratic in their number.
    import skhptune._acquisition as acquisition

    sizes = []
    neighbours = acquisition._Maximiser._neighbours

    def recording(self, point):
        rows = neighbours(self, point)
        sizes.append(len(rows))
        return rows

    monkeypatch.setattr(acquisition._Maximiser, "_neighbours", recording)
    rng = np.random.RandomState(0)
    n_levels, is_categorical = np.array([0, 5000]), np.array([False, True])
    X = snap_to_levels(rng.uniform(size=(10, 2)), n_levels)
    y = -((X[:, 0] - 0.3) ** 2)
    result = propose_batch(X, y, n_levels, is_categorical, 3, rng)
    assert len(result.proposals) == 3
    assert sizes and max(sizes) == acquisition._MAX_CATEGORY_MOVES
    # A categorical of a few levels still tries every other one.
    sizes.clear()
    propose_batch(snap_to_levels(X, [0, 10]), y, [0, 10], is_categorical, 1, rng)
    assert sizes and set(sizes) == {9}


@pytest.mark.parametrize(
    "batch_size, acquisition, match",
    [(2, "ei", "acquisition must be one of"), (0, "log_ei", "batch_size must be at least 1")],
)
def test_propose_batch_rejects_bad_arguments(batch_size, acquisition, match):
    rng = np.random.RandomState(0)
    X, y = snap_to_levels(rng.random_sample((5, 4)), MIXED_LEVELS), rng.random_sample(5)
    with pytest.raises(ValueError, match=match):
        propose_batch(
            X, y, MIXED_LEVELS, MIXED_CATEGORICAL, batch_size, rng, acquisition=acquisition
        )
