"""losslab: the cost functions of deep feedforward networks, computed exactly."""

from losslab.numerics import log_sigmoid, log_softmax, logsumexp, softplus

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "softplus"]
__version__ = "0.1.0"
