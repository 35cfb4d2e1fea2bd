"""The machine the numbers come from, and the Markdown rendering of the tables."""

from __future__ import annotations

import importlib
import math
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import scipy

import losslab

try:  # numpy >= 2
    _umath = importlib.import_module("numpy._core._multiarray_umath")
except ImportError:  # numpy 1.26
    _umath = importlib.import_module("numpy.core._multiarray_umath")


def cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo (Linux), else what platform knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown CPU"


def environment(torch: ModuleType | None) -> dict[str, Any]:
    """Versions, CPU and SIMD support: what the throughput numbers depend on.

    numpy compiles its loops for a baseline instruction set and dispatches at run time to wider
    ones ("found") where the CPU has them, as ``np.show_runtime()`` reports. Its float64 exp is
    vectorized with AVX-512F only; elsewhere on x86 it is the C library's, one element at a time,
    and every exact reduction, which needs one exp per logit, is bound by it.
    """
    features = _umath.__cpu_features__
    targets = [*_umath.__cpu_baseline__, *_umath.__cpu_dispatch__]
    avx512 = any(name in targets for name in ("AVX512F", "AVX512_SKX", "X86_V4"))
    return {
        "python": platform.python_version(),
        "losslab": losslab.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": None if torch is None else torch.__version__,
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "simd_baseline": list(_umath.__cpu_baseline__),
        "simd_found": [name for name in _umath.__cpu_dispatch__ if features.get(name)],
        "exp_vectorized": bool(avx512 and features.get("AVX512F")),
    }


def header(env: dict[str, Any]) -> str:
    """A Markdown list naming the software and the hardware."""
    torch = env["torch"] or "not installed"
    return (
        f"- software: losslab {env['losslab']}, numpy {env['numpy']}, scipy {env['scipy']}, "
        f"torch {torch}, Python {env['python']}\n"
        f"- hardware: {env['cpu']} ({env['logical_cpus']} logical CPUs) · numpy SIMD: baseline "
        f"{' '.join(env['simd_baseline'])}, found {' '.join(env['simd_found']) or 'none'} · "
        "numpy's float64 exp: "
        + (
            "vectorized (AVX-512F)"
            if env["exp_vectorized"]
            else "not vectorized (no AVX-512F: the C library's exp, one element at a time)"
        )
    )


def format_ulp(value: float) -> str:
    """An error in ulp: two decimals near 1, whole numbers up to a million, then exponents."""
    if math.isnan(value):
        return "—"
    if value < 100:
        return f"{value:.2f}"
    if value < 1e6:
        return f"{value:,.0f}"
    return f"{value:.1e}"


def format_rate(value: float) -> str:
    """A rate in Melem/s, with one decimal only where it is needed."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: int) -> str:
    """A Markdown table padded to align in plain text; the last `numeric` columns right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    left = len(headers) - numeric

    def render(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * width if i < left else "-" * (width - 1) + ":" for i, width in enumerate(widths)]
    return "\n".join([render(headers), render(rule), *(render(row) for row in rows)])
