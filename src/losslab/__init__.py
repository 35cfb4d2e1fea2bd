"""losslab: the cost functions of deep feedforward networks, computed exactly.

The package exports the functions of :mod:`losslab.numerics` and the costs of
:mod:`losslab.likelihoods` with their gradients; constants stay in their modules.

Examples
--------
>>> import losslab
>>> losslab.bernoulli_nll is losslab.likelihoods.bernoulli_nll
True
>>> "HALF_LOG_2PI" in losslab.__all__, "HALF_LOG_2PI" in losslab.likelihoods.__all__
(False, True)
"""

from losslab import likelihoods, numerics

# The submodules' __all__ are the only lists of these names: the star imports bind them here (type
# checkers follow them), and __all__ is assembled from the same lists.
from losslab.likelihoods import *  # noqa: F403
from losslab.numerics import *  # noqa: F403

__all__ = sorted({*numerics.__all__, *likelihoods.__all__} - {"HALF_LOG_2PI"})
__version__ = "0.1.0"
