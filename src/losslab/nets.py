"""Small fully connected networks in numpy, with exact backpropagation, batched over seeds.

A network maps inputs to its *output pre-activation*: logits for a Bernoulli or categorical
model, a mean for a Gaussian one. The output distribution, and so the cost, is chosen apart from
the network (:mod:`losslab.likelihoods`): the same cost serves a linear model and a deep one.

Parameters are a tuple of ``(W, b)`` pairs. Every array may carry a leading *seed* axis: with
``W`` of shape ``(S, n_in, n_out)`` the network is S independent networks evaluated together in
one batched computation (``numpy.matmul`` broadcasts over the leading axis), which is how many
random initialisations are trained at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from losslab._arrays import FloatArray
from losslab.numerics import sigmoid

__all__ = ["MLP", "Params"]

#: The parameters of a network, a tuple of ``(W, b)`` pairs, one per layer.
Params = tuple[tuple[FloatArray, FloatArray], ...]
Activation = Literal["tanh", "sigmoid", "relu"]


def _activate(kind: Activation, pre: FloatArray) -> FloatArray:
    if kind == "tanh":
        return np.tanh(pre)
    if kind == "sigmoid":
        result: FloatArray = np.asarray(sigmoid(pre), dtype=np.float64)
        return result
    return np.maximum(pre, 0.0)


def _derivative(kind: Activation, pre: FloatArray, post: FloatArray) -> FloatArray:
    """The activation's derivative, from the values already computed in the forward pass."""
    if kind == "tanh":
        return 1.0 - post * post
    if kind == "sigmoid":
        return post * (1.0 - post)
    # ReLU: 0 for pre <= 0 (the subgradient 0 at the kink), so a unit that is off passes nothing.
    return (pre > 0).astype(np.float64)


def _to_shape(grad: FloatArray, param: FloatArray) -> FloatArray:
    """Sum a gradient over leading axes the parameter does not have.

    Inputs with a seed axis fed to parameters without one share those parameters across seeds,
    so their gradient is the sum over the seeds.
    """
    extra = grad.ndim - param.ndim
    return grad.sum(axis=tuple(range(extra))) if extra > 0 else grad


@dataclass(frozen=True)
class MLP:
    """A multilayer perceptron with layer sizes ``(inputs, hidden..., outputs)``.

    ``MLP((d, k))`` has no hidden layer: it is the linear model ``x @ W + b``.

    Parameters
    ----------
    sizes : tuple of int
        Widths of the layers, inputs first; at least two.
    hidden : {"tanh", "sigmoid", "relu"}
        The activation of every hidden layer. The output layer has none.

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP((2, 3, 1))
    >>> params = net.init(np.random.default_rng(0))
    >>> [w.shape for w, _ in params]
    [(2, 3), (3, 1)]
    >>> net.forward(params, np.zeros((5, 2)))[0].shape
    (5, 1)
    >>> MLP((2,))
    Traceback (most recent call last):
    ...
    ValueError: sizes must list at least inputs and outputs, integers >= 1; got (2,)
    """

    sizes: tuple[int, ...]
    hidden: Activation = "tanh"

    def __post_init__(self) -> None:
        if (
            len(self.sizes) < 2
            or any(isinstance(n, bool) or not isinstance(n, int | np.integer) for n in self.sizes)
            or any(n < 1 for n in self.sizes)
        ):
            raise ValueError(
                f"sizes must list at least inputs and outputs, integers >= 1; got {self.sizes}"
            )
        if self.hidden not in ("tanh", "sigmoid", "relu"):
            raise ValueError(f"hidden must be 'tanh', 'sigmoid' or 'relu'; got {self.hidden!r}")

    def init(
        self,
        rng: np.random.Generator,
        *,
        seeds: int | None = None,
        scale: float | None = None,
        bias: float = 0.0,
    ) -> Params:
        """Random weights ``N(0, scale**2)`` and constant biases.

        Parameters
        ----------
        rng : numpy.random.Generator
            The source of randomness.
        seeds : int, optional
            If given, ``seeds`` independent networks stacked on a leading axis.
        scale : float, optional
            Standard deviation of the weights; by default ``1 / sqrt(fan_in)`` per layer.
        bias : float
            The value of every bias.

        Examples
        --------
        >>> import numpy as np
        >>> params = MLP((4, 8, 2)).init(np.random.default_rng(0), seeds=5, bias=0.1)
        >>> params[0][0].shape, float(params[1][1][0, 0])
        ((5, 4, 8), 0.1)
        """
        lead = () if seeds is None else (int(seeds),)
        params = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            std = 1.0 / np.sqrt(n_in) if scale is None else float(scale)
            weights = rng.normal(0.0, std, (*lead, n_in, n_out))
            params.append((weights, np.full((*lead, n_out), float(bias))))
        return tuple(params)

    def forward(self, params: Params, x: npt.ArrayLike) -> tuple[FloatArray, list[FloatArray]]:
        """The output pre-activation, and the values backpropagation needs.

        Parameters
        ----------
        params : tuple
            ``(W, b)`` pairs, as from :meth:`init`.
        x : array_like
            Inputs of shape ``(N, inputs)``, or ``(S, N, inputs)`` for per-seed inputs.

        Returns
        -------
        output : numpy.ndarray
            Shape ``(N, outputs)``, with a leading seed axis if the parameters have one.
        cache : list of numpy.ndarray
            The inputs, pre-activations and activations of every layer, for :meth:`backward`.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP((2, 4, 3))
        >>> out, cache = net.forward(net.init(np.random.default_rng(0), seeds=6), np.ones((5, 2)))
        >>> out.shape, len(cache)
        ((6, 5, 3), 3)
        >>> net.forward(net.init(np.random.default_rng(0)), np.ones((5, 3)))
        Traceback (most recent call last):
        ...
        ValueError: x must have shape (N, 2) or (S, N, 2); got (5, 3)
        """
        h = np.asarray(x, dtype=np.float64)
        if h.ndim < 2 or h.shape[-1] != self.sizes[0]:
            raise ValueError(
                f"x must have shape (N, {self.sizes[0]}) or (S, N, {self.sizes[0]}); got {h.shape}"
            )
        cache = [h]
        for i, (weights, bias) in enumerate(params):
            pre = h @ weights + bias[..., None, :]
            if i == len(params) - 1:
                return pre, cache
            h = _activate(self.hidden, pre)
            cache += [pre, h]
        raise AssertionError("unreachable: an MLP has at least one layer")

    def backward(self, params: Params, cache: list[FloatArray], d_output: npt.ArrayLike) -> Params:
        """Gradients of a loss with respect to every parameter, given d loss / d output.

        Parameters
        ----------
        params : tuple
            The parameters the forward pass used.
        cache : list of numpy.ndarray
            The second result of :meth:`forward`.
        d_output : array_like
            The derivative of the loss with respect to the output, the output's shape.

        Returns
        -------
        tuple
            ``(dW, db)`` pairs, each of its parameter's shape.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP((3, 4, 2))
        >>> params = net.init(np.random.default_rng(1))
        >>> x = np.random.default_rng(2).normal(size=(6, 3))
        >>> out, cache = net.forward(params, x)
        >>> grads = net.backward(params, cache, np.ones_like(out))
        >>> [g.shape for g, _ in grads] == [w.shape for w, _ in params]
        True
        """
        delta = np.asarray(d_output, dtype=np.float64)
        grads: list[tuple[FloatArray, FloatArray]] = []
        for i in range(len(params) - 1, -1, -1):
            weights, _ = params[i]
            h_in = cache[2 * i]  # the input of layer i: x, or the previous layer's activation
            d_weights = np.swapaxes(h_in, -1, -2) @ delta
            grads.append(
                (_to_shape(d_weights, weights), _to_shape(delta.sum(axis=-2), params[i][1]))
            )
            if i > 0:
                pre, post = cache[2 * i - 1], cache[2 * i]
                delta = (delta @ np.swapaxes(weights, -1, -2)) * _derivative(self.hidden, pre, post)
        return tuple(reversed(grads))
