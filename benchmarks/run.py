"""Accuracy and throughput of losslab's log-domain functions and costs next to numpy, scipy, torch.

Prints a header naming the machine, then these Markdown tables:

* accuracy: the error in ulp of the exact value (mpmath, 256 bits) over the whole float64 range
  for softplus, log_sigmoid and bernoulli_nll, over rows of logits with tiny to huge margins for
  logsumexp, log_softmax and categorical_nll, over wide magnitudes for gaussian_nll, and near the
  optimum, for counts up to 1e15, for poisson_nll;
* throughput on one thread, as a share of a memory-bound numpy loop over the same arrays (a copy,
  an addition or a clip, by the number of inputs) measured in the same process;
* the reductions (logsumexp, log_softmax, categorical_nll) over rows of 10, 100 and 1000 classes
  as shares of torch's throughput and of numpy's exp alone on the same array, from the same run.

Usage: ``python benchmarks/run.py [--quick] [--points N] [--rows N] [--size N] [--json PATH]``,
or ``nox -s bench -- [--with-torch] [options]``. torch is compared where it is installed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

# The OpenMP, MKL and OpenBLAS runtimes beneath numpy and torch size their thread pools once, when
# they are loaded, so the one-thread setting must be in place before the first import of numpy.
for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_variable] = "1"

import accuracy  # noqa: E402
import report  # noqa: E402
import seeds  # noqa: E402
import throughput  # noqa: E402
from contenders import contenders, load_torch  # noqa: E402

#: One seed for every random input, so that two runs measure the same points.
SEED = 12345


@dataclasses.dataclass(frozen=True)
class Sizes:
    """How much work a run does."""

    points: int
    rows: int
    size: int


FULL = Sizes(points=20_000, rows=2_000, size=10_000_000)
# A smoke test: the mpmath reference dominates the cost, at tens of microseconds per value.
QUICK = Sizes(points=1_000, rows=100, size=1_000_000)


def positive(text: str) -> int:
    """argparse type: a positive integer, underscores allowed (10_000_000)."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def parse(argv: list[str] | None) -> tuple[Sizes, Path | None]:
    """The sizes of this run (--quick defaults, overridden by explicit options), the JSON path."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--points", type=positive, help="whole-range points per elementwise test")
    parser.add_argument("--rows", type=positive, help="rows of logits for logsumexp/log_softmax")
    parser.add_argument("--size", type=positive, help="float64 elements per throughput test")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    args = parser.parse_args(argv)
    base = QUICK if args.quick else FULL
    sizes = Sizes(
        points=args.points or base.points,
        rows=args.rows or base.rows,
        size=args.size or base.size,
    )
    longest = max(throughput.ROWS)
    if sizes.size % longest:
        parser.error(f"--size must be a multiple of {longest} (the rows of the reductions)")
    return sizes, args.json


def accuracy_section(lines: list[accuracy.AccuracyRow], sizes: Sizes) -> str:
    """The accuracy table with the lines that say what was measured."""
    table = report.markdown_table(
        ["function", "implementation", "max ulp", "median ulp", "non-finite", "points"],
        [
            [
                line.function,
                line.implementation,
                report.format_ulp(line.max_ulp),
                report.format_ulp(line.median_ulp),
                f"{line.non_finite:,}",
                f"{line.points:,}",
            ]
            for line in lines
        ],
        numeric=4,
    )
    return (
        "## Accuracy\n\n"
        f"{table}\n\n"
        "Error in ulp of the exact value (mpmath, 256 bits); max and median over the finite "
        "results, the inf/nan results (where the exact value is finite) counted apart. "
        f"softplus, log_sigmoid: {sizes.points:,} points over all finite float64, half uniform "
        "in bit pattern (subnormals included), half uniform in [-40, 40]. bernoulli_nll: the "
        "same points as logits z, with labels y drawn 0 or 1, or y uniform in [0, 1]; "
        "s = 1 / (1 + np.exp(-z)) in the naive formula. logsumexp: ulp / max(1, κ), κ its "
        f"condition number, over {sizes.rows:,} rows of 2 to 50 logits with margins from 1e-3 to "
        "800; log_softmax: every entry of the same rows, the largest included; categorical_nll: "
        "every label of every one of these rows (the cost of label k is -log_softmax_k). "
        "gaussian_nll: ulp / max(1, κ), κ = losslab.reference.gaussian_nll_condition (over y, "
        f"mean, scale and the constant), over {sizes.points:,} draws of mean ~ N(0, 1)·10^U(-3, "
        "6), y = mean + N(0, 1)·10^U(-8, 3), scale = 10^U(-200, 200), less those whose exact "
        "cost exceeds the largest float64 (the points column counts the rest). "
        "poisson_nll: ulp / max(1, κ), κ = losslab.reference.poisson_nll_condition (over y and "
        f"log_rate), over {sizes.points:,} counts y log-uniform in [1, 1e15], a quarter at "
        "log_rate = log(y), the others at a rate y·(1 + s) or y / (1 + s) with s log-uniform "
        "in [1e-8, 10] (losslab.reference.near_optimum_counts). "
        f"Seed {SEED}. torch's softplus returns x itself above its default threshold=20; its "
        "gaussian_nll_loss runs with var=scale**2, full=True and the default eps=1e-6, which "
        "clamps the variance (for a scale below 1e-3 it returns the cost of scale 1e-3), and "
        "scale**2 overflows to inf above a scale of 1.3e154 (the cost then is inf). torch's "
        "poisson_nll_loss runs with log_input=True and full=True, which adds Stirling's "
        "approximation of log(y!) for y > 1."
    )


def throughput_section(lines: list[throughput.ThroughputRow], sizes: Sizes) -> str:
    """The throughput table with the lines that say how it was measured."""
    table = report.markdown_table(
        ["function", "implementation", "Melem/s", "% of bound"],
        [
            [
                line.function,
                line.implementation,
                report.format_rate(line.melem_per_s),
                f"{line.percent_of_bound:.1f}",
            ]
            for line in lines
        ],
        numeric=2,
    )
    bounds = throughput.BOUND_OF
    return (
        "## Throughput\n\n"
        f"{table}\n\n"
        f"Input: {sizes.size:,} float64 per array, numpy.random.default_rng({SEED}): logits ~ "
        f"N(0, {throughput.SIGMA:g}²); labels 0 or 1 as float64 for bernoulli_nll; mean = the "
        "logits, y = mean + N(0, 1) and scale = 10^U(-1, 1) for gaussian_nll; logsumexp, "
        "log_softmax and categorical_nll over the same logits in rows of "
        f"{', '.join(str(k) for k in throughput.ROWS)} classes (shape {sizes.size:,} / classes "
        "× classes), one int64 label per row for "
        f"categorical_nll; log rates ~ N({throughput.POISSON_LOG_RATE:g}, 1) and counts drawn "
        "from them for poisson_nll. Melem/s counts the elements of one input array: samples, "
        "or logits "
        f"where rows are reduced. One thread, best of {throughput.REPEATS} after a warm-up. "
        "Every implementation allocates its result; the bounds write into an array allocated "
        "beforehand and read the very arrays of the function they bound. % of bound: "
        f"bernoulli_nll and poisson_nll against {bounds['bernoulli_nll']}, gaussian_nll against "
        f"{bounds['gaussian_nll']}, every other function (categorical_nll included) and exp "
        f"alone against the copy {throughput.COPY}."
    )


def ratios_section(rows: list[throughput.RatioRow], env: dict[str, Any]) -> str:
    """The reductions as shares of torch's throughput and of np.exp's, with their targets."""

    def share(value: float | None, target: float | None) -> str:
        if value is None:
            return "—"
        return f"{value:.2f}" + ("" if target is None else f" (≥ {target:.2f})")

    table = report.markdown_table(
        ["function", "classes", "losslab Melem/s", "torch Melem/s", "÷ torch", "÷ np.exp"],
        [
            [
                row.function,
                f"{row.classes:,}",
                report.format_rate(row.melem_per_s),
                "—" if row.torch_melem_per_s is None else report.format_rate(row.torch_melem_per_s),
                share(row.of_torch, throughput.TARGET_OF_TORCH[row.function]),
                share(row.of_exp, throughput.TARGET_OF_EXP.get(row.function)),
            ]
            for row in rows
        ],
        numeric=5,
    )
    exp = (
        "numpy's float64 exp is vectorized here (AVX-512F)"
        if env["exp_vectorized"]
        else "numpy's float64 exp is not vectorized here (no AVX-512F: it is the C library's, "
        "one element at a time), while torch's is (with AVX2 or AVX-512), so that torch's "
        "reductions may outrun numpy's exp alone; the ÷ np.exp column is the comparison that "
        "holds from one machine to the next"
    )
    return (
        "## The reductions against torch and np.exp\n\n"
        f"{table}\n\n"
        f"From the throughput run above, on {env['cpu']}: losslab's rate as a share of torch's "
        "and of np.exp's alone on the same array, in parentheses the share aimed at. Every "
        f"exact reduction needs one exponential per logit; {exp}."
    )


def peers_section(rows: list[throughput.PeerRow], env: dict[str, Any]) -> str:
    """The elementwise functions as shares of their fastest peer's throughput and of np.exp's."""
    table = report.markdown_table(
        ["function", "fastest peer", "losslab Melem/s", "peer Melem/s", "÷ peer", "÷ np.exp"],
        [
            [
                row.function,
                row.peer,
                report.format_rate(row.melem_per_s),
                report.format_rate(row.peer_melem_per_s),
                f"{row.of_peer:.2f}",
                f"{row.of_exp:.2f}",
            ]
            for row in rows
        ],
        numeric=4,
    )
    exp = (
        "numpy's float64 exp and log1p are vectorized here (AVX-512F)"
        if env["exp_vectorized"]
        else "numpy's float64 exp and log1p are the C library's here, one element at a time (no "
        "AVX-512F), while torch's are vectorized, so that a function made of them cannot outrun "
        "torch's by much and may trail it"
    )
    return (
        "## The elementwise functions against their fastest peer\n\n"
        f"{table}\n\n"
        "From the throughput run above: losslab's rate as a share of the fastest other "
        "implementation's (torch, scipy or numpy's own formula) and of np.exp's alone. Each "
        f"exact function needs at least one exp and one log1p per element; {exp}."
    )


def record(
    line: accuracy.AccuracyRow
    | throughput.ThroughputRow
    | throughput.RatioRow
    | throughput.PeerRow,
) -> dict[str, Any]:
    """One table line as a JSON object; nan (no finite result) becomes null, as JSON has no nan."""
    return {
        key: None if isinstance(value, float) and not math.isfinite(value) else value
        for key, value in dataclasses.asdict(line).items()
    }


def seeds_section(line: seeds.SeedsRow) -> str:
    """The table of batched against looped training."""
    table = report.markdown_table(
        ["seeds", "batched (s)", "loop (s)", "speed-up"],
        [
            [
                f"{line.seeds}",
                f"{line.batched_seconds:.3f}",
                f"{line.loop_seconds:.3f}",
                f"{line.speedup:.1f}x",
            ]
        ],
        numeric=4,
    )
    note = (
        f"MLP{seeds.SIZES} with tanh units, Bernoulli NLL, {seeds.STEPS} steps of gradient "
        f"descent on {seeds.SAMPLES} XOR-like samples, the same starts both ways (the final "
        "parameters agree to 1e-9)."
    )
    return f"## Training many seeds at once\n\n{table}\n\n{note}"


def main(argv: list[str] | None = None) -> None:
    """Measure, print the tables, and write the JSON if asked."""
    sizes, json_path = parse(argv)
    torch = load_torch()
    table = contenders(torch)
    env = report.environment(torch)
    started = time.perf_counter()

    print("accuracy (mpmath reference) ...", file=sys.stderr, flush=True)
    accuracy_lines = accuracy.measure(table, sizes.points, sizes.rows, SEED)
    print("throughput ...", file=sys.stderr, flush=True)
    throughput_lines = throughput.measure(table, sizes.size, SEED)

    print(report.header(env), end="\n\n")
    print(accuracy_section(accuracy_lines, sizes), end="\n\n")
    print(throughput_section(throughput_lines, sizes), end="\n\n")
    ratio_lines = throughput.ratios(throughput_lines)
    print(ratios_section(ratio_lines, env), end="\n\n")
    peer_lines = throughput.peers(throughput_lines)
    print(peers_section(peer_lines, env), end="\n\n")
    seed_line = seeds.measure(64, SEED)
    print(seeds_section(seed_line))
    print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    if json_path is not None:
        document = {
            "environment": env,
            "seed": SEED,
            "accuracy": {
                "points": sizes.points,
                "rows": sizes.rows,
                "results": [record(line) for line in accuracy_lines],
            },
            "throughput": {
                "size": sizes.size,
                "row_lengths": list(throughput.ROWS),
                "sigma": throughput.SIGMA,
                "repeats": throughput.REPEATS,
                "bounds": throughput.BOUND_LABELS,
                "results": [record(line) for line in throughput_lines],
                "ratios": [record(line) for line in ratio_lines],
                "peers": [record(line) for line in peer_lines],
            },
            "seeds": {
                "seeds": seed_line.seeds,
                "batched_seconds": seed_line.batched_seconds,
                "loop_seconds": seed_line.loop_seconds,
                "speedup": seed_line.speedup,
            },
        }
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
