"""Experiments of the chapter on choosing the cost (claims CS8, CS9, CS11, CS12, EX1, EX7).

Each function builds its own small data set from a seed, runs one computation the chapter
describes, and returns the numbers the chapter quotes in a frozen dataclass. The package defines
them in three modules and exports all of them: ``gradients`` (the gradient each cost sends back
to the logit, what a tiny one does to training, and the mean and the median: CS8, CS9, CS11,
CS12, EX1), ``surfaces`` (the cost
surfaces of a small network, after Glorot and Bengio: CS11) and ``identity`` (the one identity
behind the gradients of matched output units: EX7).
"""

from losslab.experiments.cost_selection.gradients import (
    E_FOLD_TOLERANCE,
    RECOVERY_STEPS,
    SLOWDOWN,
    TARGET_ACCURACY,
    VANISHED,
    ClippedUnit,
    GradientSizes,
    MeanAndMedian,
    SaturatedStart,
    SoftmaxGradients,
    clipped_unit,
    gradient_sizes,
    mean_and_median,
    saturated_start,
    softmax_gradients,
    softmax_saturated_start,
)
from losslab.experiments.cost_selection.identity import (
    DIFFERENCE_TOLERANCE,
    IDENTITY_TOLERANCE,
    SATURATION_BOUND,
    MatchedPair,
    OutputPairings,
    matched_pairs,
    output_pairings,
)
from losslab.experiments.cost_selection.surfaces import (
    FLATNESS,
    KEPT_SLOPE,
    PLATEAU_RATIO,
    STUCK_SHARE,
    CostSurfaces,
    cost_surfaces,
)

__all__ = [
    "DIFFERENCE_TOLERANCE",
    "E_FOLD_TOLERANCE",
    "FLATNESS",
    "IDENTITY_TOLERANCE",
    "KEPT_SLOPE",
    "PLATEAU_RATIO",
    "RECOVERY_STEPS",
    "SATURATION_BOUND",
    "SLOWDOWN",
    "STUCK_SHARE",
    "TARGET_ACCURACY",
    "VANISHED",
    "ClippedUnit",
    "CostSurfaces",
    "GradientSizes",
    "MatchedPair",
    "MeanAndMedian",
    "OutputPairings",
    "SaturatedStart",
    "SoftmaxGradients",
    "clipped_unit",
    "cost_surfaces",
    "gradient_sizes",
    "matched_pairs",
    "mean_and_median",
    "output_pairings",
    "saturated_start",
    "softmax_gradients",
    "softmax_saturated_start",
]
