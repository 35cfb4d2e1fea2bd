"""Gradient descent, with optional momentum, that keeps the whole trajectory.

The parameters are any tuple of ``(W, b)`` pairs (:data:`losslab.nets.Params`); with a leading
seed axis on every array, one call trains every seed at once, each on its own loss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from losslab.nets import Params

__all__ = ["Trajectory", "gradient_descent"]

Array = npt.NDArray[np.float64]
LossAndGrad = Callable[[Params], tuple[npt.ArrayLike, Params]]


@dataclass(frozen=True)
class Trajectory:
    """Every iterate of a descent, the start included, and the loss at each.

    Attributes
    ----------
    losses : numpy.ndarray
        The loss at every iterate, shape (steps + 1,) or (steps + 1, S).
    params : tuple
        Every iterate's parameters, the start first.

    Examples
    --------
    >>> import numpy as np
    >>> def quadratic(p):  # J = w**2 + b**2 for one weight w and one bias b
    ...     (w, b), = p
    ...     return float(w[0, 0] ** 2 + b[0] ** 2), ((2 * w, 2 * b),)
    >>> start = ((np.array([[3.0]]), np.array([1.0])),)
    >>> path = gradient_descent(quadratic, start, steps=3, step_size=0.25)
    >>> path.losses.tolist()
    [10.0, 2.5, 0.625, 0.15625]
    """

    losses: Array
    params: tuple[Params, ...] = field(repr=False)

    @property
    def final(self) -> Params:
        """The last iterate.

        Examples
        --------
        >>> import numpy as np
        >>> start = ((np.array([[1.0]]), np.array([0.0])),)
        >>> path = gradient_descent(lambda p: (0.0, p), start, steps=1, step_size=0.5)
        >>> path.final[0][0].tolist()  # w - 0.5 * dJ/dw with the gradient equal to w
        [[0.5]]
        """
        return self.params[-1]


def gradient_descent(
    loss_and_grad: LossAndGrad,
    start: Params,
    *,
    steps: int,
    step_size: float,
    momentum: float = 0.0,
) -> Trajectory:
    r"""Run ``steps`` steps of (heavy-ball) gradient descent from `start`.

    .. math:: v_{t+1} = \mu v_t - \eta \nabla J(\theta_t), \qquad \theta_{t+1} = \theta_t + v_{t+1}

    Parameters
    ----------
    loss_and_grad : callable
        Maps parameters to the loss (a float, or one per seed) and its gradient, with the
        structure of the parameters.
    start : tuple
        The initial parameters, ``(W, b)`` pairs as from :meth:`losslab.nets.MLP.init`; not
        modified.
    steps : int
        Number of steps (>= 0).
    step_size : float
        The learning rate :math:`\eta > 0`.
    momentum : float, optional
        :math:`\mu` in [0, 1); 0 is plain gradient descent.

    Returns
    -------
    Trajectory
        ``steps + 1`` iterates and their losses (shape ``(steps + 1,)``, or ``(steps + 1, S)``
        per seed).

    Raises
    ------
    ValueError
        If `steps` is negative, `step_size` not positive, or `momentum` outside [0, 1).

    Examples
    --------
    >>> gradient_descent(lambda p: (0.0, p), (), steps=1, step_size=0.0)
    Traceback (most recent call last):
    ...
    ValueError: step_size must be positive; got 0.0
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}")
    if not step_size > 0:
        raise ValueError(f"step_size must be positive; got {step_size}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum}")
    params = tuple((w.copy(), b.copy()) for w, b in start)
    velocity = tuple((np.zeros_like(w), np.zeros_like(b)) for w, b in params)
    iterates, losses = [params], []
    for t in range(steps + 1):
        loss, grads = loss_and_grad(params)
        losses.append(np.asarray(loss, dtype=np.float64))
        if t == steps:
            break
        velocity = tuple(
            (momentum * vw - step_size * gw, momentum * vb - step_size * gb)
            for (vw, vb), (gw, gb) in zip(velocity, grads, strict=True)
        )
        params = tuple((w + vw, b + vb) for (w, b), (vw, vb) in zip(params, velocity, strict=True))
        iterates.append(params)
    return Trajectory(losses=np.stack(losses), params=tuple(iterates))
