"""losslab: the cost functions of deep feedforward networks, computed exactly."""

from losslab.likelihoods import (
    bernoulli_nll,
    bernoulli_nll_grad,
    categorical_nll,
    categorical_nll_grad,
    gaussian_nll,
    gaussian_nll_grad,
    heteroscedastic_gaussian_nll,
    heteroscedastic_gaussian_nll_grad,
    laplace_nll,
    laplace_nll_grad,
    poisson_nll,
    poisson_nll_grad,
)
from losslab.numerics import log_sigmoid, log_softmax, logsumexp, softplus

__all__ = [
    "bernoulli_nll",
    "bernoulli_nll_grad",
    "categorical_nll",
    "categorical_nll_grad",
    "gaussian_nll",
    "gaussian_nll_grad",
    "heteroscedastic_gaussian_nll",
    "heteroscedastic_gaussian_nll_grad",
    "laplace_nll",
    "laplace_nll_grad",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "poisson_nll",
    "poisson_nll_grad",
    "softplus",
]
__version__ = "0.1.0"
