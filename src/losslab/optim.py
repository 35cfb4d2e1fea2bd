"""Gradient descent with optional momentum, and the mean cost of a network as its objective.

The parameters are one array, or a tuple of arrays and of such tuples, nested as deep as needed:
the ``(W, b)`` pairs of :data:`losslab.nets.Params` are one such tuple, a plain weight vector
another. With a leading seed axis on every array, one call trains every seed at once, each on its
own loss. A descent keeps every iterate by default; it can instead record every k-th step, keep
only the final parameters, and stop early once a predicate on the iterate holds.

The updates raise no floating-point flag on finite numbers: an iterate is ``±inf`` only where its
exact value lies beyond float64 (a diverging descent), and tiny updates round to subnormals or 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeAlias, TypeVar, cast

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    as_real,
    combine,
    finite_positive,
    finite_real,
    function,
    multilinear,
    nonnegative_int,
    one_of,
    positive_int,
    real_array,
)
from losslab.nets import MLP, Params

__all__ = ["Trajectory", "gradient_descent", "mean_cost"]

#: What gradient descent can move (one array, or a tuple of arrays and of such tuples).
Parameters: TypeAlias = FloatArray | tuple["Parameters", ...]
P = TypeVar("P", bound=Parameters)
#: A training objective of a network, from parameters to the loss (one per seed) and gradient.
LossAndGrad = Callable[[Params], tuple[npt.ArrayLike, Params]]
#: A per-sample cost or its derivative, called as ``cost(targets, outputs)``.
Cost = Callable[[Any, FloatArray], Any]


@dataclass(frozen=True)
class Trajectory(Generic[P]):
    """The recorded steps of a descent, the loss at each, and the kept iterates.

    The recorded steps are 0 (the start), every `record_every`-th step, and the last step taken,
    which is `steps` unless the descent stopped early.

    Attributes
    ----------
    steps : numpy.ndarray
        The step numbers recorded, ascending, shape (R,).
    losses : numpy.ndarray
        The loss at each recorded step, shape (R,) or (R, S) with S seeds.
    params : tuple
        The parameters at each recorded step (``keep="all"``), or only at the last
        (``keep="final"``).

    Examples
    --------
    >>> import numpy as np
    >>> def quadratic(p):  # J = w**2 + b**2 for one weight w and one bias b
    ...     (w, b), = p
    ...     return float(w[0, 0] ** 2 + b[0] ** 2), ((2 * w, 2 * b),)
    >>> start = ((np.array([[3.0]]), np.array([1.0])),)
    >>> path = gradient_descent(quadratic, start, steps=3, step_size=0.25)
    >>> path.steps.tolist(), path.losses.tolist()
    ([0, 1, 2, 3], [10.0, 2.5, 0.625, 0.15625])
    """

    steps: npt.NDArray[np.int64]
    losses: FloatArray
    params: tuple[P, ...] = field(repr=False)

    def __post_init__(self) -> None:
        steps, losses = real_array(self.steps, "steps"), real_array(self.losses, "losses")
        if steps.ndim != 1 or steps.dtype.kind not in "iu" or len(losses) != len(steps):
            raise ValueError(
                f"steps must be integers, shape (R,), and losses (R,) or (R, S); got "
                f"{steps.dtype} {steps.shape} and {losses.shape}"
            )
        if not isinstance(self.params, tuple) or not self.params:
            raise ValueError("params must be a tuple of at least one iterate")

    @property
    def final(self) -> P:
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


def _combine(apply: Callable[..., FloatArray], *trees: Parameters) -> Parameters:
    """Apply `apply` to the matching arrays of parameter trees of one structure."""
    if isinstance(trees[0], np.ndarray):
        return apply(*trees)
    parts = cast(tuple[tuple[Parameters, ...], ...], trees)
    return tuple(_combine(apply, *leaves) for leaves in zip(*parts, strict=True))


def _check_tree(tree: Any, name: str, like: Any = None) -> None:
    """Check that `tree` is parameters (an array, or tuples of them), with the shapes of `like`."""
    if isinstance(like, np.ndarray) or (like is None and isinstance(tree, np.ndarray)):
        arr = real_array(tree, name)
        if like is not None and arr.shape != like.shape:
            raise ValueError(
                f"{name} must have the shape {like.shape} of the parameters; got {arr.shape}"
            )
        return
    if not isinstance(tree, tuple) or (like is not None and len(tree) != len(like)):
        what = "an array, or a tuple of arrays and of such tuples" if like is None else "a tuple"
        raise TypeError(f"{name} must be {what}, like the parameters; got {tree!r}")
    for i, leaf in enumerate(tree):
        _check_tree(leaf, f"{name}[{i}]", None if like is None else like[i])


def gradient_descent(
    loss_and_grad: Callable[[P], tuple[npt.ArrayLike, P]],
    start: P,
    *,
    steps: int,
    step_size: float,
    momentum: float = 0.0,
    record_every: int = 1,
    keep: Literal["all", "final"] = "all",
    until: Callable[[P], bool | np.bool_] | None = None,
) -> Trajectory[P]:
    r"""Run up to ``steps`` steps of (heavy-ball) gradient descent from `start`.

    .. math:: v_{t+1} = \mu v_t - \eta \nabla J(\theta_t), \qquad \theta_{t+1} = \theta_t + v_{t+1}

    Without momentum the step is :math:`\theta_{t+1} = \theta_t - \eta \nabla J(\theta_t)`.

    Parameters
    ----------
    loss_and_grad : callable
        Maps parameters to the loss (a float, or one per seed) and its gradient, with the
        structure of the parameters.
    start : numpy.ndarray or tuple
        The initial parameters: one array, or a tuple of arrays and of such tuples, such as the
        ``(W, b)`` pairs of :meth:`losslab.nets.MLP.init`; not modified.
    steps : int
        The largest number of steps (>= 0).
    step_size : float
        The learning rate :math:`\eta > 0`.
    momentum : float, optional
        :math:`\mu` in [0, 1); 0 is plain gradient descent.
    record_every : int, optional
        Record the loss (and, with ``keep="all"``, the iterate) at every `record_every`-th step
        (>= 1), besides the start and the last step.
    keep : {"all", "final"}, optional
        Keep the iterates of every recorded step, or only the final iterate: the losses are
        recorded either way, and ``"final"`` needs memory for one iterate only.
    until : callable, optional
        A predicate on the iterate, called at every step before the step is taken (the start
        included): the descent stops at the first iterate for which it is true. With a seed
        axis it decides for all seeds together.

    Returns
    -------
    Trajectory
        The recorded steps, their losses (shape ``(R,)``, or ``(R, S)`` per seed) and the kept
        iterates.

    Raises
    ------
    ValueError
        If `steps` is negative, `step_size` not positive and finite, `momentum` outside [0, 1),
        `record_every` below 1, `keep` neither ``"all"`` nor ``"final"``; or if a gradient does
        not have the shapes of the parameters, the loss changes shape, or the velocity of a
        step is beyond float64 (an iterate beyond it is ``±inf``, the descent having diverged).
    TypeError
        If `loss_and_grad` or `until` is not callable (or does not return a pair, or a bool),
        `start` is not an array or nested tuple of real arrays, a count is not an integer (or
        is a bool), or a setting is not a real number.

    Examples
    --------
    On :math:`J(w) = w^2` with the step 1/4 each step halves ``w``:

    >>> import numpy as np
    >>> def square(w):
    ...     return float(w[0] ** 2), 2 * w
    >>> path = gradient_descent(square, np.array([3.0]), steps=10, step_size=0.25,
    ...                         record_every=4, keep="final")
    >>> path.steps.tolist(), len(path.params), path.final.tolist()
    ([0, 4, 8, 10], 1, [0.0029296875])
    >>> path = gradient_descent(square, np.array([3.0]), steps=100, step_size=0.25,
    ...                         until=lambda w: w[0] < 0.1)
    >>> int(path.steps[-1]), path.final.tolist()  # 3 / 2**5 is the first value below 0.1
    (5, [0.09375])
    >>> gradient_descent(square, np.array([3.0]), steps=1, step_size=0.0)
    Traceback (most recent call last):
    ...
    ValueError: step_size must be positive and finite; got 0.0
    """
    function(loss_and_grad, "loss_and_grad")
    _check_tree(start, "start")
    steps = nonnegative_int(steps, "steps")
    step_size = finite_positive(step_size, "step_size")
    momentum = finite_real(momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum}")
    record_every = positive_int(record_every, "record_every")
    one_of(keep, "keep", ("all", "final"))
    if until is not None:
        function(until, "until")
    params = cast(P, _combine(lambda w: np.array(w, dtype=np.float64), start))  # a copy
    velocity = _combine(np.zeros_like, params)
    recorded: list[int] = []
    losses: list[FloatArray] = []
    iterates: list[P] = []
    for t in range(steps + 1):
        loss, grads = _evaluate(loss_and_grad, params, t)
        if losses and loss.shape != losses[0].shape:
            raise ValueError(
                f"the loss of loss_and_grad changed shape at step {t}: {losses[0].shape} to "
                f"{loss.shape}"
            )
        stop = until is not None and until(params)
        if not isinstance(stop, bool | np.bool_):
            raise TypeError(f"until must return a bool; got {stop!r}")
        last = t == steps or bool(stop)
        if last or t % record_every == 0:
            recorded.append(t)
            losses.append(loss)
            if keep == "all" or last:
                iterates.append(params)
        if last:
            break
        # combine computes w - step_size * g as written, and redoes an entry that overflowed
        # although its exact value is within float64.
        if momentum:
            velocity = _combine(
                lambda v, g: combine((momentum, v), (-step_size, g)), velocity, grads
            )
            _require_finite(velocity, t)
            params = cast(P, _combine(lambda w, v: combine((1.0, w), (1.0, v)), params, velocity))
        else:
            params = cast(
                P, _combine(lambda w, g: combine((1.0, w), (-step_size, g)), params, grads)
            )
    return Trajectory(
        steps=np.array(recorded, dtype=np.int64), losses=np.stack(losses), params=tuple(iterates)
    )


def _require_finite(velocity: Any, t: int) -> None:
    """Refuse a velocity beyond float64: unlike an iterate, it has to be carried on."""
    if isinstance(velocity, tuple):
        for part in velocity:
            _require_finite(part, t)
    elif np.isinf(velocity).any():
        raise ValueError(
            f"the velocity of step {t + 1} is beyond float64: step_size times the gradient of "
            "loss_and_grad is too large"
        )


def _evaluate(loss_and_grad: Callable[[Any], Any], params: Any, t: int) -> tuple[FloatArray, Any]:
    """The loss and gradient at `params`, checked: a real loss, a gradient shaped like them."""
    result = loss_and_grad(params)
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError(f"loss_and_grad must return a pair (loss, gradient); got {result!r}")
    loss, _ = as_real(result[0], f"the loss of loss_and_grad at step {t}")
    _check_tree(result[1], f"the gradient of loss_and_grad at step {t}", params)
    return loss, result[1]


def mean_cost(
    net: MLP, x: npt.ArrayLike, y: npt.ArrayLike, cost: Cost, cost_grad: Cost
) -> LossAndGrad:
    """The mean cost of `net` over the samples ``(x, y)`` and its gradient: a training objective.

    A network with one output hands the cost one number per sample (a logit, a mean), shape
    ``(N,)``; a network with several outputs hands it each sample's output vector, shape
    ``(N, outputs)``, as a categorical cost expects. With a seed axis on the parameters, the
    outputs and the losses carry it too.

    Parameters
    ----------
    net : losslab.nets.MLP
        The network.
    x : array_like
        The inputs, shape ``(N, inputs)`` with N >= 1.
    y : array_like
        The targets, one per sample (first axis of length N), as `cost` takes them.
    cost : callable
        ``cost(y, outputs)``: the cost of every sample, shape ``(N,)`` (or ``(S, N)``); for
        example :func:`losslab.bernoulli_nll`.
    cost_grad : callable
        ``cost_grad(y, outputs)``: its derivative with respect to the outputs, of their shape;
        for example :func:`losslab.bernoulli_nll_grad`.

    Returns
    -------
    callable
        Maps the parameters of `net` to the mean cost (a 0-d array, or one per seed) and its
        gradient, ``(dW, db)`` pairs shaped like the parameters; ready for
        :func:`gradient_descent`.

    Raises
    ------
    ValueError
        If `x` is not ``(N, inputs)`` for the network's inputs, or `y` does not have N targets;
        when called, if `cost` does not return one value per sample or `cost_grad` not the
        outputs' shape.
    TypeError
        If `net` is not an MLP, `x` or `y` not real numbers (or masked arrays), or `cost` or
        `cost_grad` not callable.

    Examples
    --------
    A logistic model at zero weights predicts 1/2 for both samples:

    >>> import numpy as np
    >>> from losslab import bernoulli_nll, bernoulli_nll_grad
    >>> from losslab.nets import MLP
    >>> objective = mean_cost(MLP((1, 1)), [[0.0], [1.0]], [0.0, 1.0],
    ...                       bernoulli_nll, bernoulli_nll_grad)
    >>> loss, ((dw, db),) = objective(((np.zeros((1, 1)), np.zeros(1)),))
    >>> round(float(loss), 6), dw.tolist(), db.tolist()  # ln 2; (1/2 - y) x / 2 summed
    (0.693147, [[-0.25]], [0.0])
    >>> mean_cost(MLP((2, 1)), [[0.0], [1.0]], [0.0, 1.0], bernoulli_nll, bernoulli_nll_grad)
    Traceback (most recent call last):
    ...
    ValueError: x must have shape (N, 2) with N >= 1; got (2, 1)
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a losslab.nets.MLP; got {net!r}")
    inputs, _ = as_real(x, "x")
    targets = real_array(y, "y")
    function(cost, "cost")
    function(cost_grad, "cost_grad")
    if inputs.ndim != 2 or inputs.shape[1] != net.sizes[0] or inputs.shape[0] < 1:
        raise ValueError(f"x must have shape (N, {net.sizes[0]}) with N >= 1; got {inputs.shape}")
    n = inputs.shape[0]
    if targets.ndim < 1 or targets.shape[0] != n:
        raise ValueError(f"y must have one target per sample, {n}; got shape {targets.shape}")
    one_output = net.sizes[-1] == 1

    def loss_and_grad(params: Params) -> tuple[FloatArray, Params]:
        output, cache = net.forward(params, inputs)
        z = output[..., 0] if one_output else output
        costs, _ = as_real(cost(targets, z), "the result of cost")
        if costs.shape != output.shape[:-1]:
            raise ValueError(
                f"cost must return one value per sample, shape {output.shape[:-1]}; got "
                f"{costs.shape}"
            )
        # A mean of finite costs is finite even where their sum overflows.
        loss = multilinear(lambda c: np.sum(c, axis=-1), costs, divisor=n)
        d_z, _ = as_real(cost_grad(targets, z), "the result of cost_grad")
        if d_z.shape != z.shape:
            raise ValueError(f"cost_grad must return the outputs' shape {z.shape}; got {d_z.shape}")
        with np.errstate(under="ignore"):  # a tiny derivative over N: a subnormal or 0, correctly
            d_output = (d_z[..., None] if one_output else d_z) / n
        return loss, net.backward(params, cache, d_output)

    return loss_and_grad
