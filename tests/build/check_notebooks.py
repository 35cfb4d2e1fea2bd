"""Run every chapter notebook of a built site in a Jupyter kernel that has losslab and nothing else.

Usage: ``python tests/build/check_notebooks.py docs/_build/html --python VENV/bin/python``

``VENV`` is a fresh virtual environment holding only ``losslab[plot]`` and ``ipykernel``, as a
reader who downloads a chapter would make (``nox -s notebooks`` makes it). The kernel runs
there; this script, with nbclient, runs outside it.

- Each edition has one notebook per chapter of ``docs/chapters``.
- The kernel's environment has neither Sphinx nor MyST-NB.
- Each notebook runs from top to bottom without an error, its hidden assertion cells included,
  and holds as many of them as the chapter's source (cells tagged ``remove-cell`` that assert).
- Its Markdown holds no MyST markup left for a plain Jupyter to show as text.

Exits 1 and lists every failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "docs" / "chapters"
EDITIONS = {"en": "", "zh_CN": "zh_CN/"}
KERNEL = "losslab-clean"
TIMEOUT_S = 600
# MyST a plain Jupyter cannot render: roles, directives, targets, substitutions.
MYST = re.compile(r"\{[a-z:-]+\}`|^```\{|^:::|^\([\w-]+\)=$|\{\{", re.MULTILINE)
ASSERTION = re.compile(r"^assert ", re.MULTILINE)


def kernel_spec(folder: Path, python: str) -> None:
    """Write a kernel spec named ``KERNEL`` that starts `python`'s ipykernel, into `folder`."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "losslab (clean)", "language": "python"})
    )


def source_assertions(chapter: Path) -> int:
    """How many hidden cells of `chapter`'s source assert something."""
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(chapter.read_text(encoding="utf-8"))
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        and "remove-cell" in cell.metadata.get("tags", [])
        and ASSERTION.search(cell.source)
    )


def run(path: Path, expected_assertions: int) -> list[str]:
    """Run the notebook at `path` in the ``KERNEL`` kernel; return its problems."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    problems = []
    hidden = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and "remove-cell" in cell.metadata.get("tags", [])
    ]
    if sum(1 for cell in hidden if ASSERTION.search(cell.source)) != expected_assertions:
        problems.append(f"not the {expected_assertions} hidden assertion cells of its chapter")
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and (match := MYST.search(cell.source)):
            problems.append(f"MyST left in its Markdown: {match[0]!r}")
    with tempfile.TemporaryDirectory() as work:
        client = NotebookClient(
            notebook,
            kernel_name=KERNEL,
            timeout=TIMEOUT_S,
            resources={"metadata": {"path": work}},
        )
        try:
            client.execute()
        except CellExecutionError as error:
            problems.append(str(error).strip().splitlines()[-1])
    return problems


def main(argv: list[str]) -> int:
    """Check the notebooks of the site that `argv` names; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site, such as docs/_build/html")
    parser.add_argument("--python", required=True, help="the clean environment's Python")
    args = parser.parse_args(argv)

    failures = []
    for module in ("sphinx", "myst_nb", "jupytext"):
        found = subprocess.run(
            [args.python, "-c", f"import importlib.util as u; print(u.find_spec({module!r}))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if found != "None":
            failures.append(f"the clean environment has {module}: it must not")
    chapters = sorted(CHAPTERS.glob("*.md"))
    jobs = {}
    for language, folder in EDITIONS.items():
        for chapter in chapters:
            path = args.site / folder / "_sources" / "chapters" / f"{chapter.stem}.ipynb"
            if not path.is_file():
                failures.append(f"{language}: no notebook of {chapter.stem} at {path}")
            else:
                jobs[path] = source_assertions(chapter)

    with tempfile.TemporaryDirectory() as jupyter:
        kernel_spec(Path(jupyter), args.python)
        os.environ["JUPYTER_PATH"] = jupyter
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=2) as pool:
            results = {path: pool.submit(run, path, count) for path, count in jobs.items()}
            for path, result in results.items():
                problems = result.result()
                name = path.relative_to(args.site)
                print(f"{'FAIL' if problems else 'ok'}  {name}", flush=True)
                failures += [f"{name}: {problem}" for problem in problems]
    print(f"{len(jobs)} notebooks run in {time.perf_counter() - start:.0f} s")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
