import numpy as np
import pytest

from skhptune._gp import BelieverVariances, GaussianProcess, GPHyperparameters, _cholesky


def _matern52(r):
    return (1 + np.sqrt(5) * r + 5 / 3 * r**2) * np.exp(-np.sqrt(5) * r)


def _mixed_data(n=12, seed=0):
    """A continuous, an ordinal (4 levels) and a categorical (3 levels) dimension."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, 3))
    X[:, 1] = (np.floor(X[:, 1] * 4) + 0.5) / 4
    X[:, 2] = (np.floor(X[:, 2] * 3) + 0.5) / 3
    y = (
        np.sin(4 * X[:, 0])
        + X[:, 1]
        + np.array([0.0, 2.0, -1.0])[(X[:, 2] * 3).astype(int)]
    )
    return X, y


def test_posterior_matches_direct_computation_with_fixed_hyperparameters():
    X, y = _mixed_data()
    hp = GPHyperparameters(
        lengthscales=np.array([0.3, 0.5, 0.7]),
        signal_variance=1.5,
        noise_variance=1e-3,
        mean=0.2,
    )
    gp = GaussianProcess([0, 4, 3], [False, False, True])
    gp.fit(X, y, hyperparameters=hp, optimize=False)
    assert gp.hyperparameters_ is hp

    def kernel(A, B):
        numeric = ((A[:, None, :2] - B[None, :, :2]) / hp.lengthscales[:2]) ** 2
        mismatch = np.abs(A[:, None, 2] - B[None, :, 2]) > 1e-9
        r2 = numeric.sum(-1) + mismatch / hp.lengthscales[2] ** 2
        return hp.signal_variance * _matern52(np.sqrt(r2))

    y_mean, y_std = y.mean(), y.std()
    residual = (y - y_mean) / y_std - hp.mean
    K = kernel(X, X) + hp.noise_variance * np.eye(len(X))
    Xq = np.array([[0.1, 0.125, 0.5 / 3], [0.9, 0.875, 2.5 / 3], [0.5, 0.375, 1.5 / 3]])
    k = kernel(Xq, X)
    expected_mean = y_mean + y_std * (hp.mean + k @ np.linalg.solve(K, residual))
    expected_var = y_std**2 * (
        hp.signal_variance - np.sum(k * np.linalg.solve(K, k.T).T, 1)
    )

    mean, std = gp.predict(Xq)
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-8)
    np.testing.assert_allclose(std**2, expected_var, rtol=1e-6)


def test_interpolates_noise_free_data():
    X = np.linspace(0, 1, 9)[:, None]
    y = np.sin(6 * X[:, 0])
    mean, _ = GaussianProcess([0], [False]).fit(X, y).predict(X)
    np.testing.assert_allclose(mean, y, atol=1e-2)


def test_std_small_at_training_points_and_larger_far_away():
    X = np.linspace(0, 0.5, 6)[:, None]
    gp = GaussianProcess([0], [False]).fit(X, np.cos(5 * X[:, 0]))
    _, std_train = gp.predict(X)
    _, std_far = gp.predict(np.array([[1.0]]))
    assert std_train.max() < 0.1 * std_far[0]


def test_fit_gives_relevant_dimension_a_shorter_lengthscale():
    rng = np.random.default_rng(0)
    X = rng.random((40, 2))
    y = np.sin(6 * X[:, 0])
    gp = GaussianProcess([0, 0], [False, False]).fit(X, y, rng=0)
    short, long_ = gp.lengthscales_
    assert short < 1.0
    assert long_ > 5 * short


def test_constant_outputs_do_not_crash():
    X = np.random.default_rng(0).random((5, 2))
    gp = GaussianProcess([0, 0], [False, False]).fit(X, np.full(5, 3.0))
    mean, std = gp.predict(np.array([[0.5, 0.5], [0.0, 1.0]]))
    np.testing.assert_allclose(mean, 3.0)
    assert np.all(np.isfinite(std))


def test_single_observation():
    gp = GaussianProcess([0, 5], [False, True]).fit(
        np.array([[0.2, 0.5]]), np.array([1.0])
    )
    mean, std = gp.predict(np.array([[0.2, 0.5], [0.9, 0.1]]))
    assert np.all(np.isfinite(mean)) and std[0] < std[1]


def test_categorical_dimension_ignores_level_order():
    # Alternating values per level: a smooth function of the level would need a
    # short lengthscale; categorical levels are all equally far apart.
    levels = np.repeat(np.arange(5), 4)
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.random(20), (levels + 0.5) / 5])
    y = np.array([0.0, 1.0, 0.0, 1.0, 0.0])[levels] + 0.1 * X[:, 0]
    gp = GaussianProcess([0, 5], [False, True]).fit(X, y, rng=0)
    Xq = np.column_stack([np.full(5, 0.5), (np.arange(5) + 0.5) / 5])
    mean, _ = gp.predict(Xq)
    np.testing.assert_allclose(mean, [0.05, 1.05, 0.05, 1.05, 0.05], atol=0.05)


def test_categorical_levels_are_equally_correlated():
    hp = GPHyperparameters(np.array([0.5]), 1.0, 1e-4, 0.0)
    gp = GaussianProcess([4], [True]).fit(
        np.array([[0.125]]), np.array([1.0]), hyperparameters=hp, optimize=False
    )
    _, std = gp.predict(np.array([[0.375], [0.625], [0.875]]))
    np.testing.assert_allclose(std, std[0])


@pytest.mark.parametrize("seed", [0, 1])
def test_predict_gradients_match_finite_differences(seed):
    X, y = _mixed_data(seed=seed)
    gp = GaussianProcess([0, 4, 3], [False, False, True]).fit(X, y, rng=0)
    Xq = np.array([[0.3, 0.4, 0.5], [0.8, 0.1, 0.2]])
    _, _, mean_grad, std_grad = gp.predict(Xq, return_grad=True)
    h = 1e-6
    for j in (0, 1):
        step = np.zeros(3)
        step[j] = h
        (m_plus, s_plus), (m_minus, s_minus) = (
            gp.predict(Xq + step),
            gp.predict(Xq - step),
        )
        np.testing.assert_allclose(
            mean_grad[:, j], (m_plus - m_minus) / (2 * h), rtol=1e-4, atol=1e-6
        )
        np.testing.assert_allclose(
            std_grad[:, j], (s_plus - s_minus) / (2 * h), rtol=1e-3, atol=1e-5
        )
    np.testing.assert_array_equal(mean_grad[:, 2], 0.0)


def test_condition_on_pins_the_new_observation():
    X, y = _mixed_data()
    gp = GaussianProcess([0, 4, 3], [False, False, True]).fit(X, y, rng=0)
    x_new = np.array([[0.4, 0.125, 0.5]])  # far from the training points
    mean_before, std_before = gp.predict(x_new)
    y_new = mean_before + std_before
    conditioned = gp.condition_on(x_new, y_new)
    mean_after, std_after = conditioned.predict(x_new)
    assert mean_after[0] == pytest.approx(y_new[0], abs=0.05 * std_before[0])
    assert std_after[0] < 0.5 * std_before[0]
    assert conditioned.hyperparameters_ is gp.hyperparameters_
    assert len(gp.y_train_) == len(y)  # the original is unchanged


def test_believer_variances_match_conditioning_the_model_on_each_point():
    X, y = _mixed_data()
    gp = GaussianProcess([0, 4, 3], [False, False, True]).fit(X, y, rng=0)
    points, _ = _mixed_data(n=40, seed=1)
    batch = BelieverVariances(gp, points)
    model = gp
    for index in [3, 17, 4, 30]:
        mean, std = model.predict(points)
        np.testing.assert_allclose(batch.mean, mean, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(batch.std, std, rtol=1e-6, atol=1e-9)
        batch.add(index)
        model = model.condition_on(points[index][None], mean[index : index + 1])
    mean, std = model.predict(points)
    np.testing.assert_allclose(batch.std, std, rtol=1e-6, atol=1e-9)
    assert (batch.std[[3, 17, 4, 30]] < 0.5 * gp.predict(points)[1][[3, 17, 4, 30]]).all()


def test_believer_variances_stay_finite_when_a_point_is_already_known():
    # A large signal over a tiny noise: cancellation leaves a known point's
    # variance below -noise, and the update divided by its square root.
    rng = np.random.default_rng(0)
    X, points = rng.random((30, 1)), rng.random((20, 1))
    hp = GPHyperparameters(
        lengthscales=np.array([1.0]), signal_variance=30.0, noise_variance=1e-6, mean=0.0
    )
    gp = GaussianProcess([0], [False]).fit(X, np.sin(6 * X[:, 0]), hyperparameters=hp, optimize=False)
    batch = BelieverVariances(gp, points)
    for index in range(10):
        batch.add(index)
    assert np.isfinite(batch.std).all() and (batch.std > 0).all()


def test_warm_start_reaches_the_same_fit():
    X, y = _mixed_data(n=20)
    cold = GaussianProcess([0, 4, 3], [False, False, True]).fit(X, y, rng=0)
    warm = GaussianProcess([0, 4, 3], [False, False, True]).fit(
        X, y, hyperparameters=cold.hyperparameters_, n_restarts=0
    )
    np.testing.assert_allclose(
        np.log(warm.lengthscales_), np.log(cold.lengthscales_), atol=0.1
    )


def test_non_finite_inputs_raise():
    gp = GaussianProcess([0], [False])
    with pytest.raises(ValueError, match="finite"):
        gp.fit(np.array([[0.1], [0.2]]), np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="shape"):
        gp.fit(np.array([[0.1, 0.2]]), np.array([1.0]))


def test_cholesky_adds_jitter_then_fails_clearly():
    singular = np.ones((3, 3))
    L = _cholesky(singular)
    np.testing.assert_allclose(L @ L.T, singular, atol=1e-6)
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        _cholesky(-np.eye(3))


@pytest.mark.parametrize(
    "n_levels, is_categorical, match",
    [([0, 3], [False], "1-D of equal length"), ([0, 0], [False, True], "n_levels >= 1")],
)
def test_inconsistent_dimensions_are_rejected(n_levels, is_categorical, match):
    with pytest.raises(ValueError, match=match):
        GaussianProcess(n_levels, is_categorical)


@pytest.mark.parametrize("n_dims", [1, 4, 9])
def test_default_lengthscales_are_the_dimension_scaled_prior_mode(n_dims):
    # Log-normal prior, location sqrt(2) + log(d) / 2 and scale sqrt(3): its
    # mode, exp(location - 3), grows as sqrt(d).
    gp = GaussianProcess([0] * n_dims, [False] * n_dims)
    expected = np.sqrt(n_dims) * np.exp(np.sqrt(2.0) - 3.0)
    np.testing.assert_allclose(gp.default_hyperparameters().lengthscales, expected)


def test_restarts_keep_the_best_optimum_found():
    rng = np.random.default_rng(25)
    X = rng.random((15, 3))
    y = np.sin(9 * X[:, 0]) + rng.normal(0, 0.3, 15)
    single = GaussianProcess([0] * 3, [False] * 3).fit(X, y, n_restarts=0)
    restarted = GaussianProcess([0] * 3, [False] * 3).fit(X, y, n_restarts=5, rng=25)
    D, pairs = single._pairwise_terms(X)
    standard = (y - y.mean()) / y.std()

    def objective(gp):
        return gp._neg_log_posterior(gp.hyperparameters_._to_vector(), D, pairs, standard)[0]

    assert objective(restarted) < objective(single) - 1e-3
