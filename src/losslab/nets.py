"""Small fully connected networks in numpy, with exact backpropagation, batched over seeds.

A network maps inputs to its *output pre-activation*: logits for a Bernoulli or categorical
model, a mean for a Gaussian one. The output distribution, and so the cost, is chosen apart from
the network (:mod:`losslab.likelihoods`): the same cost serves a linear model and a deep one.

Parameters are a tuple of ``(W, b)`` pairs. Every array may carry a leading *seed* axis: with
``W`` of shape ``(S, n_in, n_out)`` the network is S independent networks evaluated together in
one batched computation (``numpy.matmul`` broadcasts over the leading axis), which is how many
random initialisations are trained at once.

Everything is float64: inputs of any real dtype are converted. Finite inputs and parameters
raise no floating-point flag: an output or a gradient is ``±inf`` only where its exact value lies
beyond float64 (sums of products are redone scaled where they overflow), and underflow rounds to
0. A tanh or sigmoid unit saturates correctly on a pre-activation beyond float64; a value beyond
float64 that would have to be carried on through the network (the pre-activation of a ReLU unit,
a gradient flowing back into a hidden layer) is a ValueError instead. nan propagates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from losslab._arrays import (
    FloatArray,
    all_finite,
    as_real,
    finite_positive,
    finite_real,
    generator,
    matmul,
    multilinear,
    one_of,
    positive_int,
    real_array,
)
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
        with np.errstate(under="ignore"):  # a tiny sigmoid times 1: a subnormal or 0, correctly
            return post * (1.0 - post)
    # ReLU: 0 for pre <= 0 (the subgradient 0 at the kink), so a unit that is off passes nothing.
    return (pre > 0).astype(np.float64)


def _to_shape(grad: FloatArray, param: FloatArray) -> FloatArray:
    """Sum a gradient over leading axes the parameter does not have.

    Inputs with a seed axis fed to parameters without one share those parameters across seeds,
    so their gradient is the sum over the seeds.
    """
    extra = grad.ndim - param.ndim
    return multilinear(lambda g: g.sum(axis=tuple(range(extra))), grad) if extra > 0 else grad


def _real(value: Any, name: str) -> npt.NDArray[Any]:
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array; got {type(value).__name__}")
    return real_array(value, name)


@dataclass(frozen=True)
class MLP:
    """A multilayer perceptron with layer sizes ``(inputs, hidden..., outputs)``.

    ``MLP((d, k))`` has no hidden layer: it is the linear model ``x @ W + b``.

    Parameters
    ----------
    sizes : sequence of int
        Widths of the layers, inputs first; at least two, each an integer >= 1 (kept as a tuple
        of ints).
    hidden : {"tanh", "sigmoid", "relu"}
        The activation of every hidden layer. The output layer has none.

    Raises
    ------
    ValueError
        If there are fewer than two sizes, a size is below 1, or `hidden` is not an activation.
    TypeError
        If `sizes` is not a sequence of integers (bools and floats are not), or `hidden` is not a
        string.

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
        if isinstance(self.sizes, str) or not hasattr(self.sizes, "__len__"):
            raise TypeError(f"sizes must be a sequence of integers; got {self.sizes!r}")
        if len(self.sizes) < 2:
            raise ValueError(
                f"sizes must list at least inputs and outputs, integers >= 1; got {self.sizes}"
            )
        sizes = tuple(positive_int(n, f"sizes[{i}]") for i, n in enumerate(self.sizes))
        object.__setattr__(self, "sizes", sizes)  # hashable, and plain ints
        one_of(self.hidden, "hidden", ("tanh", "sigmoid", "relu"))

    def _layers(self, params: Params) -> Params:
        """Check `params`: one ``(W, b)`` pair of real arrays per layer, of the layer's shape."""
        layers = len(self.sizes) - 1
        if not isinstance(params, tuple | list) or len(params) != layers:
            raise TypeError(f"params must be a tuple of {layers} (W, b) pairs; got {params!r}")
        for i, (pair, n_in, n_out) in enumerate(
            zip(params, self.sizes[:-1], self.sizes[1:], strict=True)
        ):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise TypeError(f"params[{i}] must be a (W, b) pair; got {pair!r}")
            w, b = _real(pair[0], f"params[{i}][0]"), _real(pair[1], f"params[{i}][1]")
            if w.ndim not in (2, 3) or w.shape[-2:] != (n_in, n_out) or b.shape[-1:] != (n_out,):
                raise ValueError(
                    f"params[{i}] must be W of shape ([S,] {n_in}, {n_out}) and b of shape "
                    f"([S,] {n_out}); got {w.shape} and {b.shape}"
                )
        return params

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
            If given (>= 1), ``seeds`` independent networks stacked on a leading axis.
        scale : float, optional
            Standard deviation of the weights, positive and finite; by default
            ``1 / sqrt(fan_in)`` per layer.
        bias : float
            The value of every bias, finite.

        Returns
        -------
        tuple
            The ``(W, b)`` pairs, W of shape ``([seeds,] n_in, n_out)``, b ``([seeds,] n_out)``.

        Raises
        ------
        TypeError
            If `rng` is not a Generator, `seeds` not an integer, or `scale` or `bias` not a real
            number.
        ValueError
            If `seeds` is below 1, `scale` not positive and finite, or `bias` not finite.

        Examples
        --------
        >>> import numpy as np
        >>> params = MLP((4, 8, 2)).init(np.random.default_rng(0), seeds=5, bias=0.1)
        >>> params[0][0].shape, float(params[1][1][0, 0])
        ((5, 4, 8), 0.1)
        """
        rng = generator(rng)
        lead = () if seeds is None else (positive_int(seeds, "seeds"),)
        fixed = None if scale is None else finite_positive(scale, "scale")
        bias = finite_real(bias, "bias")
        params = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            std = 1.0 / np.sqrt(n_in) if fixed is None else fixed
            weights = rng.normal(0.0, std, (*lead, n_in, n_out))
            params.append((weights, np.full((*lead, n_out), bias)))
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

        Raises
        ------
        ValueError
            If `x` does not have the network's inputs along its last axis, `params` do not have
            the shapes of its layers, seed axes do not match, or a ReLU unit's pre-activation is
            beyond float64.
        TypeError
            If `x` is not real-valued (or is a masked array), or `params` are not ``(W, b)``
            pairs of real numpy arrays.

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
        h, _ = as_real(x, "x")
        if h.ndim not in (2, 3) or h.shape[-1] != self.sizes[0]:
            raise ValueError(
                f"x must have shape (N, {self.sizes[0]}) or (S, N, {self.sizes[0]}); got {h.shape}"
            )
        leads = [w.shape[:-2] for w, _ in self._layers(params)] + [b.shape[:-1] for _, b in params]
        try:
            np.broadcast_shapes(h.shape[:-2], *leads)
        except ValueError:
            raise ValueError(f"the seed axes of x {h.shape} and of params do not match") from None
        cache = [h]
        for i, (weights, bias) in enumerate(params):
            pre = matmul(h, weights, bias[..., None, :])
            if i == len(params) - 1:
                return pre, cache
            if self.hidden == "relu" and np.isinf(pre).any() and all_finite(h, weights, bias):
                raise ValueError(
                    f"x and params give hidden layer {i + 1} pre-activations beyond float64, which "
                    "a ReLU unit cannot pass on: scale them down"
                )
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

        Raises
        ------
        ValueError
            If `params` do not fit the network, `cache` is not a forward pass's, `d_output`
            does not have the output's shape, or the gradient reaching a hidden layer is beyond
            float64.
        TypeError
            If an argument is not of the type described.

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
        weights, bias = self._layers(params)[-1]
        if not isinstance(cache, list | tuple) or len(cache) != 2 * len(params) - 1:
            raise TypeError(f"cache must be the list of {2 * len(params) - 1} arrays of forward")
        h = _real(cache[-1], "cache[-1]")
        lead = np.broadcast_shapes(h.shape[:-2], weights.shape[:-2], bias.shape[:-1])
        delta, _ = as_real(d_output, "d_output")
        if delta.shape != (*lead, h.shape[-2], self.sizes[-1]):
            raise ValueError(
                f"d_output must have the output's shape {(*lead, h.shape[-2], self.sizes[-1])}; "
                f"got {delta.shape}"
            )
        grads: list[tuple[FloatArray, FloatArray]] = []
        for i in range(len(params) - 1, -1, -1):
            weights, bias = params[i]
            h_in = cache[2 * i]  # the input of layer i: x, or the previous layer's activation
            d_weights = multilinear(lambda a, d: np.swapaxes(a, -1, -2) @ d, h_in, delta)
            d_bias = multilinear(lambda d: d.sum(axis=-2), delta)
            grads.append((_to_shape(d_weights, weights), _to_shape(d_bias, bias)))
            if i > 0:
                pre, post = cache[2 * i - 1], cache[2 * i]
                back = multilinear(lambda d, w: d @ np.swapaxes(w, -1, -2), delta, weights)
                if np.isinf(back).any() and all_finite(delta, weights):
                    raise ValueError(
                        f"d_output and params give hidden layer {i} a gradient beyond float64: "
                        "scale d_output down"
                    )
                with np.errstate(under="ignore"):  # a subnormal or 0, correctly rounded
                    delta = back * _derivative(self.hidden, pre, post)
        return tuple(reversed(grads))
