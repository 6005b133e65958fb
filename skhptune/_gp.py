"""Gaussian process regression on the unit cube, for Bayesian optimisation.

Private and free of scikit-learn: arrays in, arrays out. Inputs follow the unit
cube encoding of :mod:`skhptune._space`: one coordinate in ``[0, 1]`` per search
dimension, described by ``n_levels`` (0 for a continuous coordinate, ``k`` for a
dimension with ``k`` values at the bin centres ``(i + 0.5) / k``) and
``is_categorical`` (the levels have no order).

The kernel is a Matern 5/2 with one lengthscale per dimension over the squared
distance

    r^2 = sum_j D_j(x, x') / l_j^2,

where ``D_j = (x_j - x'_j)^2`` for a numeric dimension (continuous, integer or
ordinal) and ``D_j = [level(x_j) != level(x'_j)]`` for a categorical one. The
categorical term is the squared distance between one-hot encodings scaled by
``1 / sqrt(2)``, so the kernel is exactly a Matern kernel on an embedding and
stays positive definite, while the order of the levels plays no role: two
different categories are always one unit (a full range) apart.
"""

import dataclasses

import numpy as np
from scipy.linalg import lapack
from scipy.optimize import Bounds, minimize

_SQRT5 = np.sqrt(5.0)
_LOG_2PI = np.log(2.0 * np.pi)

# Log-space box of the hyperparameters (outputs are standardised, inputs in [0, 1]).
_LOG_LENGTHSCALE_BOUNDS = (np.log(1e-2), np.log(1e3))
_LOG_SIGNAL_BOUNDS = (np.log(1e-2), np.log(1e2))
_LOG_NOISE_BOUNDS = (np.log(1e-6), np.log(1.0))
_MEAN_BOUNDS = (-10.0, 10.0)

# LogNormal priors (loc, scale), evaluated as densities of the parameter itself, as
# GPyTorch does; a log-space optimiser then sees its mode at loc - scale**2.
# Lengthscale loc is sqrt(2) + log(d) / 2 (BoTorch's dimension-scaled default).
_LENGTHSCALE_PRIOR_SCALE = np.sqrt(3.0)
# Mode at 1: standardised outputs have unit variance.
_SIGNAL_PRIOR = (1.0, 1.0)
# Mode near 7e-4 (standardised units): cross-validated scores are nearly
# deterministic, yet a small floor absorbs the jitter of fold-to-fold noise.
_NOISE_PRIOR = (-5.0, 1.5)
_MEAN_PRIOR_SCALE = 1.0

_JITTERS = 10.0 ** np.arange(-10, -1)


# eq=False: generated equality would compare arrays ambiguously.
@dataclasses.dataclass(frozen=True, eq=False)
class GPHyperparameters:
    """Hyperparameters of :class:`GaussianProcess`, in standardised output units.

    Attributes
    ----------
    lengthscales : ndarray of shape (n_dims,)
        One lengthscale per input dimension, in unit-cube units (a categorical
        mismatch counts as distance 1).
    signal_variance : float
        Prior variance of the latent function.
    noise_variance : float
        Variance of the observation noise.
    mean : float
        Constant prior mean.
    """

    lengthscales: np.ndarray
    signal_variance: float
    noise_variance: float
    mean: float

    def _to_vector(self):
        return np.concatenate(
            [
                np.log(self.lengthscales),
                [np.log(self.signal_variance), np.log(self.noise_variance), self.mean],
            ]
        )

    @classmethod
    def _from_vector(cls, theta):
        return cls(
            lengthscales=np.exp(theta[:-3]),
            signal_variance=float(np.exp(theta[-3])),
            noise_variance=float(np.exp(theta[-2])),
            mean=float(theta[-1]),
        )


def _matern52(r2):
    """Matern 5/2 correlation of squared distances, and ``-2 d(corr)/d(r2)``."""
    s = _SQRT5 * np.sqrt(r2)
    e = np.exp(-s)
    return (1.0 + s + s * s / 3.0) * e, (5.0 / 3.0) * (1.0 + s) * e


def _cholesky(K):
    """Lower Cholesky factor of ``K``, adding diagonal jitter only if needed."""
    L, info = lapack.dpotrf(K, lower=1, clean=1)
    if info == 0:
        return L
    scale = np.mean(np.diag(K))
    for jitter in _JITTERS * scale:
        L, info = lapack.dpotrf(K + jitter * np.eye(len(K)), lower=1, clean=1)
        if info == 0:
            return L
    raise np.linalg.LinAlgError(
        "The Gaussian process covariance matrix is not positive definite, even with "
        f"a diagonal jitter of {_JITTERS[-1] * scale:.3g}; the inputs or outputs "
        "probably contain non-finite values."
    )


def _cholesky_inverse(L):
    """``K^{-1}`` from the lower Cholesky factor of ``K``."""
    inv = lapack.dpotri(L, lower=1)[0]
    return np.tril(inv) + np.tril(inv, -1).T


class GaussianProcess:
    """Gaussian process regressor for Bayesian optimisation on the unit cube.

    Matern 5/2 kernel with one lengthscale per dimension (categorical dimensions
    by an exact one-hot mismatch term), constant mean, homoscedastic noise.
    Outputs are standardised internally; hyperparameters are fitted by maximum a
    posteriori with L-BFGS-B and analytic gradients, optionally warm-started from
    an earlier fit. Predictions cost ``O(n^2)`` per query point: the inverse
    covariance and the weights are cached at fit time.

    Parameters
    ----------
    n_levels : array-like of int, shape (n_dims,)
        0 for a continuous coordinate, ``k`` for a discrete dimension with ``k``
        levels at the bin centres.
    is_categorical : array-like of bool, shape (n_dims,)
        Whether a discrete dimension is unordered.

    Attributes
    ----------
    hyperparameters_ : GPHyperparameters
        The fitted hyperparameters (standardised output units).
    lengthscales_ : ndarray of shape (n_dims,)
        The fitted lengthscales in unit-cube units; short means relevant.
    X_train_ : ndarray of shape (n_samples, n_dims)
        Inputs the posterior is conditioned on.
    y_train_ : ndarray of shape (n_samples,)
        Outputs the posterior is conditioned on, in original units.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(0, 1, 8)[:, None]
    >>> gp = GaussianProcess([0], [False]).fit(X, np.sin(6 * X[:, 0]))
    >>> mean, std = gp.predict(X)
    >>> bool(np.allclose(mean, np.sin(6 * X[:, 0]), atol=1e-2))
    True
    """

    def __init__(self, n_levels, is_categorical):
        self.n_levels = np.asarray(n_levels, dtype=int)
        self.is_categorical = np.asarray(is_categorical, dtype=bool)
        if self.n_levels.shape != self.is_categorical.shape or self.n_levels.ndim != 1:
            raise ValueError("n_levels and is_categorical must be 1-D of equal length.")
        if np.any(self.is_categorical & (self.n_levels < 1)):
            raise ValueError("Categorical dimensions need n_levels >= 1.")
        self._numeric = ~self.is_categorical
        self._one_hot_offsets = np.concatenate(
            [[0], np.cumsum(self.n_levels[self.is_categorical])]
        ).astype(int)

    @property
    def lengthscales_(self):
        return self.hyperparameters_.lengthscales

    def default_hyperparameters(self):
        """Prior modes: the starting point of a fit without a warm start.

        Returns
        -------
        GPHyperparameters
        """
        loc, scale = self._lengthscale_prior()
        theta = np.concatenate(
            [
                np.full(len(self.n_levels), loc - scale**2),
                [0.0, _NOISE_PRIOR[0] - _NOISE_PRIOR[1] ** 2, 0.0],
            ]
        )
        return GPHyperparameters._from_vector(np.clip(theta, *self._bounds().T))

    def fit(self, X, y, *, hyperparameters=None, optimize=True, n_restarts=1, rng=None):
        """Fit the hyperparameters and condition the posterior on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_dims)
            Inputs in the unit cube.
        y : array-like of shape (n_samples,)
            Finite outputs.
        hyperparameters : GPHyperparameters, default=None
            Starting point of the optimisation (a warm start, e.g. the
            ``hyperparameters_`` of an earlier fit), or the values used as they
            are when ``optimize=False``. ``None`` means the prior modes.
        optimize : bool, default=True
            Whether to maximise the posterior density of the hyperparameters.
        n_restarts : int, default=1
            Extra optimisations from starting points drawn around the prior mode.
        rng : numpy.random.Generator or int, default=None
            Source of the restart points.

        Returns
        -------
        self : GaussianProcess
        """
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(self.n_levels) or y.shape != (len(X),):
            raise ValueError(
                f"Expected X of shape (n, {len(self.n_levels)}) and y of shape (n,), "
                f"got {X.shape} and {y.shape}."
            )
        if len(X) == 0 or not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
            raise ValueError("X and y must be non-empty and finite.")
        self._y_mean = float(np.mean(y))
        std = float(np.std(y))
        # Constant outputs: keep them at zero rather than dividing by zero.
        self._y_std = std if std > 1e-12 * max(1.0, abs(self._y_mean)) else 1.0
        y_std = (y - self._y_mean) / self._y_std

        if hyperparameters is None:
            hyperparameters = self.default_hyperparameters()
        if optimize:
            theta = np.clip(hyperparameters._to_vector(), *self._bounds().T)
            theta = self._maximise_posterior(X, y_std, theta, n_restarts, rng)
            hyperparameters = GPHyperparameters._from_vector(theta)
        self.hyperparameters_ = hyperparameters
        self._condition(X, y)
        return self

    def predict(self, X, return_grad=False):
        """Posterior mean and standard deviation of the latent function.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_dims)
            Query points in the unit cube.
        return_grad : bool, default=False
            Also return the gradients with respect to the coordinates.

        Returns
        -------
        mean, std : ndarray of shape (n_queries,)
            In the original units of ``y``.
        mean_grad, std_grad : ndarray of shape (n_queries, n_dims)
            Only with ``return_grad``. Gradients along the numeric coordinates;
            the columns of categorical coordinates are zero.
        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        hp = self.hyperparameters_
        corr, slope = _matern52(self._squared_distances(X))
        k = hp.signal_variance * corr
        kinv_k = k @ self._K_inv
        mean = hp.mean + k @ self._alpha
        # Floor: cancellation can make tiny variances slightly negative.
        var = np.maximum(hp.signal_variance - np.sum(kinv_k * k, axis=1), 1e-12)
        std = np.sqrt(var)
        if not return_grad:
            return self._y_mean + self._y_std * mean, self._y_std * std
        # dk_i/dx_j = -s2 * slope_i * (x_j - X_ij) / l_j^2 (numeric coordinates).
        inv_l2 = np.where(self._numeric, hp.lengthscales**-2.0, 0.0)
        w_mean = -hp.signal_variance * slope * self._alpha
        w_var = 2.0 * hp.signal_variance * slope * kinv_k
        mean_grad = (X * w_mean.sum(1)[:, None] - w_mean @ self.X_train_) * inv_l2
        var_grad = (X * w_var.sum(1)[:, None] - w_var @ self.X_train_) * inv_l2
        std_grad = var_grad / (2.0 * std[:, None])
        return (
            self._y_mean + self._y_std * mean,
            self._y_std * std,
            self._y_std * mean_grad,
            self._y_std * std_grad,
        )

    def condition_on(self, X_new, y_new):
        """A copy also conditioned on ``(X_new, y_new)``, same hyperparameters.

        Costs ``O(n^2)`` (block update of the inverse covariance): the cheap
        posterior update behind kriging-believer batches.

        Parameters
        ----------
        X_new : array-like of shape (n_new, n_dims)
        y_new : array-like of shape (n_new,)
            In the original units of ``y``.

        Returns
        -------
        GaussianProcess
        """
        X_new = np.atleast_2d(np.asarray(X_new, dtype=float))
        y_new = np.atleast_1d(np.asarray(y_new, dtype=float))
        B = self._kernel(X_new)
        C = self._kernel(X_new, X_new)
        C[np.diag_indices_from(C)] += self.hyperparameters_.noise_variance
        kinv_b = B @ self._K_inv
        schur_inv = np.linalg.inv(C - kinv_b @ B.T)
        top_left = self._K_inv + kinv_b.T @ schur_inv @ kinv_b
        off = -schur_inv @ kinv_b
        new = object.__new__(GaussianProcess)
        new.__dict__.update(self.__dict__)
        new._K_inv = np.block([[top_left, off.T], [off, schur_inv]])
        new.X_train_ = np.vstack([self.X_train_, X_new])
        new.y_train_ = np.concatenate([self.y_train_, y_new])
        new._embedding = np.vstack([self._embedding, self._embed(X_new)])
        new._embedding_sq = np.einsum("ij,ij->i", new._embedding, new._embedding)
        new._alpha = new._K_inv @ new._residuals()
        return new

    # -- internals ---------------------------------------------------------------

    def _lengthscale_prior(self):
        return np.sqrt(2.0) + 0.5 * np.log(len(self.n_levels)), _LENGTHSCALE_PRIOR_SCALE

    def _bounds(self):
        d = len(self.n_levels)
        return np.array(
            [_LOG_LENGTHSCALE_BOUNDS] * d
            + [_LOG_SIGNAL_BOUNDS, _LOG_NOISE_BOUNDS, _MEAN_BOUNDS]
        )

    def _levels(self, X):
        k = self.n_levels[self.is_categorical]
        return np.minimum(np.floor(X[:, self.is_categorical] * k), k - 1).astype(int)

    def _embed(self, X):
        """Coordinates whose Euclidean distances give the kernel's ``r``.

        Numeric coordinates divided by their lengthscale, then a one-hot block
        per categorical dimension with entries ``1 / (sqrt(2) * lengthscale)``.
        """
        inv_l = 1.0 / self.hyperparameters_.lengthscales
        n_numeric = np.count_nonzero(self._numeric)
        E = np.zeros((len(X), n_numeric + self._one_hot_offsets[-1]))
        E[:, :n_numeric] = X[:, self._numeric] * inv_l[self._numeric]
        if self._one_hot_offsets[-1]:
            columns = n_numeric + self._one_hot_offsets[:-1] + self._levels(X)
            weights = inv_l[self.is_categorical] / np.sqrt(2.0)
            E[np.arange(len(X))[:, None], columns] = weights
        return E

    def _squared_distances(self, X, X_other=None):
        """Kernel ``r^2`` between ``X`` and ``X_other`` (default: the training set)."""
        E = self._embed(X)
        if X_other is None:
            F, F_sq = self._embedding, self._embedding_sq
        else:
            F = self._embed(X_other)
            F_sq = np.einsum("ij,ij->i", F, F)
        r2 = E @ F.T
        r2 *= -2.0
        r2 += np.einsum("ij,ij->i", E, E)[:, None]
        r2 += F_sq
        return np.maximum(r2, 0.0, out=r2)

    def _kernel(self, X, X_other=None):
        """Prior covariance between ``X`` and ``X_other`` (default: training set)."""
        corr = _matern52(self._squared_distances(X, X_other))[0]
        return self.hyperparameters_.signal_variance * corr

    def _residuals(self):
        standardised = (self.y_train_ - self._y_mean) / self._y_std
        return standardised - self.hyperparameters_.mean

    def _condition(self, X, y):
        self.X_train_, self.y_train_ = X, y
        self._embedding = self._embed(X)
        self._embedding_sq = np.einsum("ij,ij->i", self._embedding, self._embedding)
        K = self._kernel(X, X)
        K[np.diag_indices_from(K)] += self.hyperparameters_.noise_variance
        self._K_inv = _cholesky_inverse(_cholesky(K))
        self._alpha = self._K_inv @ self._residuals()

    def _pairwise_terms(self, X):
        """Per-dimension ``D_j`` for the pairs below the diagonal.

        Returns ``D`` of shape (n_dims, n_pairs) and the pairs as (flat index
        in an ``(n, n)`` matrix, row, column): the likelihood needs only the
        lower triangle, which halves the elementwise work.
        """
        n = len(X)
        rows, cols = np.tril_indices(n, -1)
        # In place: fresh temporaries of this size cost more than the arithmetic.
        XT = np.ascontiguousarray(X.T)
        D = np.take(XT, rows, axis=1)
        D -= np.take(XT, cols, axis=1)
        D *= D
        levels = self._levels(X).T
        mismatch = np.take(levels, rows, axis=1) != np.take(levels, cols, axis=1)
        D[self.is_categorical] = mismatch
        return D, (rows * n + cols, rows, cols)

    def _maximise_posterior(self, X, y, theta0, n_restarts, rng):
        D, pairs = self._pairwise_terms(X)
        bounds = self._bounds()
        starts = [theta0]
        if n_restarts:
            rng = np.random.default_rng(rng)
            loc, scale = self._lengthscale_prior()
            for _ in range(n_restarts):
                theta = self.default_hyperparameters()._to_vector()
                theta[:-3] = rng.normal(loc - scale**2, 1.0, size=len(self.n_levels))
                starts.append(np.clip(theta, *bounds.T))
        best = None
        for start in starts:
            result = minimize(
                self._neg_log_posterior,
                start,
                args=(D, pairs, y),
                jac=True,
                method="L-BFGS-B",
                bounds=Bounds(*bounds.T),
                # Relative tolerance: a few 1e-4 nats at n = 200, far below what
                # changes a proposal, and half the iterations of the default.
                options={"maxiter": 200, "ftol": 1e-6},
            )
            if best is None or result.fun < best.fun:
                best = result
        return best.x

    def _neg_log_posterior(self, theta, D, pairs, y):
        """Negative log posterior density of ``theta`` and its gradient.

        Only lower triangles are formed: ``dpotrf`` and ``dpotri`` read and write
        no other, and every trace below is a sum over symmetric matrices.
        """
        n = len(y)
        d = D.shape[0]
        inv_l2 = np.exp(-2.0 * theta[:d])
        s2, noise, c = np.exp(theta[d]), np.exp(theta[d + 1]), theta[d + 2]
        corr, slope = _matern52(inv_l2 @ D)
        flat, rows, cols = pairs
        K = np.zeros(n * n)
        np.put(K, flat, s2 * corr)
        K[:: n + 1] = s2 + noise
        L = _cholesky(K.reshape(n, n))
        K_inv = lapack.dpotri(L, lower=1)[0]
        r = y - c
        alpha = lapack.dpotrs(L, r, lower=1)[0]
        value = 0.5 * r @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * n * _LOG_2PI

        # d(value)/d(theta) = tr(W dK/dtheta) / 2 with W = K^-1 - alpha alpha^T;
        # off-diagonal pairs count twice, and dK/dlog(l) vanishes on the diagonal.
        W_pairs = np.take(K_inv, flat) - alpha[rows] * alpha[cols]
        W_diag = np.diag(K_inv) - alpha**2
        grad = np.empty_like(theta)
        grad[:d] = s2 * inv_l2 * (D @ (W_pairs * slope))
        grad[d] = s2 * (W_pairs @ corr + 0.5 * np.sum(W_diag))
        grad[d + 1] = 0.5 * noise * np.sum(W_diag)
        grad[d + 2] = -np.sum(alpha)

        # LogNormal densities of the parameters: log p = -t - (t - loc)^2 / (2 s^2).
        for index, (loc, scale) in (
            (slice(0, d), self._lengthscale_prior()),
            (d, _SIGNAL_PRIOR),
            (d + 1, _NOISE_PRIOR),
        ):
            z = (theta[index] - loc) / scale
            value += np.sum(theta[index] + 0.5 * z**2)
            grad[index] += 1.0 + z / scale
        value += 0.5 * (c / _MEAN_PRIOR_SCALE) ** 2
        grad[d + 2] += c / _MEAN_PRIOR_SCALE**2
        return value, grad


class BelieverVariances:
    """Posterior at fixed points while a kriging-believer batch grows.

    A point believed to score its predicted mean leaves the posterior mean
    where it was and lowers the variances by a rank-one term, so :meth:`add`
    costs ``O(n_points * (n_train + n_added))``, where conditioning the model on
    the point and predicting again (:meth:`GaussianProcess.condition_on`) costs
    ``O(n_points * n_train**2)`` every time.

    Parameters
    ----------
    gp : GaussianProcess
        A fitted model.
    X : array-like of shape (n_points, n_dims)
        The points.

    Attributes
    ----------
    mean : ndarray of shape (n_points,)
        Posterior mean, in the original units of ``y``.
    """

    def __init__(self, gp, X):
        self._gp = gp
        self._X = np.atleast_2d(np.asarray(X, dtype=float))
        hp = gp.hyperparameters_
        self._k = gp._kernel(self._X)
        self._kinv_k = self._k @ gp._K_inv
        self.mean = gp._y_mean + gp._y_std * (hp.mean + self._k @ gp._alpha)
        # Standardised units, as the model's own (predict floors the same way).
        self._var = hp.signal_variance - np.sum(self._kinv_k * self._k, axis=1)
        self._factors = []

    @property
    def std(self):
        """Posterior standard deviation given the points added so far."""
        return self._gp._y_std * np.sqrt(np.maximum(self._var, 1e-12))

    def add(self, index):
        """Believe point ``index`` at its posterior mean."""
        x = self._X[index : index + 1]
        # Posterior covariance with the point: what the training set leaves of
        # the prior's, less what the points added before explain.
        covariance = self._gp._kernel(self._X, x)[:, 0] - self._kinv_k @ self._k[index]
        for factor in self._factors:
            covariance -= factor * factor[index]
        if covariance[index] <= 1e-12:
            # Known already (below the floor of predict): nothing left to learn
            # from it, and cancellation in the division would spread noise.
            return
        factor = covariance / np.sqrt(
            covariance[index] + self._gp.hyperparameters_.noise_variance
        )
        self._var = self._var - factor**2
        self._factors.append(factor)
