"""Experiments of the chapter on maximum likelihood and the cost (claims CS1-CS7, EX2).

Each function builds its own small data set from a seed, runs one computation the chapter
describes, and returns the numbers the chapter quotes in a frozen dataclass. The package defines
them in three modules, one per part of the chapter, and exports all of them: ``loss`` (the cost
of a sample and the loss of a data set, one cost for two models: CS1, CS2), ``likelihood`` (the
empirical distribution and the cross-entropy: CS3, CS4, CS6) and ``families`` (the cost of each
output distribution, and a learned variance: CS5, CS7, EX2).
"""

from losslab.experiments.maximum_likelihood.families import (
    CLOSED_FORM_AGREEMENT,
    COLLAPSE_RATE,
    CONSTANT_TOLERANCE,
    LIMIT_GRADIENT_TOLERANCE,
    SCIPY_AGREEMENT,
    CostFamily,
    GaussianIsMSE,
    VarianceCollapse,
    cost_families,
    gaussian_is_mse,
    variance_collapse,
)
from losslab.experiments.maximum_likelihood.likelihood import (
    DECOMPOSITION_TOLERANCE,
    EXPECTATION_TOLERANCE,
    FINAL_KL,
    FIT_TOLERANCE,
    FREQUENCY_SDS,
    TWO_WAYS_AGREEMENT,
    CrossEntropyFit,
    EmpiricalCheck,
    NLLTwoWays,
    cross_entropy_fit,
    empirical_check,
    nll_two_ways,
)
from losslab.experiments.maximum_likelihood.loss import (
    CHANCE_MARGIN,
    COST_AGREEMENT,
    GRADIENT_AGREEMENT,
    NETWORK_ADVANTAGE,
    CostAndLoss,
    SharedCost,
    cost_and_loss,
    shared_cost,
)

__all__ = [
    "CHANCE_MARGIN",
    "CLOSED_FORM_AGREEMENT",
    "COLLAPSE_RATE",
    "CONSTANT_TOLERANCE",
    "COST_AGREEMENT",
    "DECOMPOSITION_TOLERANCE",
    "EXPECTATION_TOLERANCE",
    "FINAL_KL",
    "FIT_TOLERANCE",
    "FREQUENCY_SDS",
    "GRADIENT_AGREEMENT",
    "LIMIT_GRADIENT_TOLERANCE",
    "NETWORK_ADVANTAGE",
    "SCIPY_AGREEMENT",
    "TWO_WAYS_AGREEMENT",
    "CostAndLoss",
    "CostFamily",
    "CrossEntropyFit",
    "EmpiricalCheck",
    "GaussianIsMSE",
    "NLLTwoWays",
    "SharedCost",
    "VarianceCollapse",
    "cost_and_loss",
    "cost_families",
    "cross_entropy_fit",
    "empirical_check",
    "gaussian_is_mse",
    "nll_two_ways",
    "shared_cost",
    "variance_collapse",
]
