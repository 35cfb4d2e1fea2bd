"""Every workflow of losslab is a nox session; `nox -l` lists them.

Each session installs exactly the dependency groups it needs from `uv.lock` (never a fresh
resolution), so a build today and a build next year use the same versions; `package` and the
reader's environment of `notebooks` alone resolve afresh, as a user's `pip install` would.
Plain `nox` runs lint, package, tests, docs, pdf, notebooks, site and proof.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sys

import nox

sys.path.insert(0, str(pathlib.Path(__file__).parent / "tools"))
from sphinx_strict import STRICT_FLAGS

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "package", "tests", "docs", "pdf", "notebooks", "site", "proof"]
nox.options.reuse_existing_virtualenvs = True

ROOT = pathlib.Path(__file__).parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"


def install(session: nox.Session, *groups: str) -> None:
    """Install the project and the named dependency groups, pinned by uv.lock."""
    # --compile-bytecode: imports then skip compiling, even where PYTHONDONTWRITEBYTECODE is set;
    # it halves the no-op rebuild of the book.
    args = ["uv", "sync", "--locked", "--no-default-groups", "--compile-bytecode"]
    args += [f"--group={group}" for group in groups]
    # --inexact keeps packages added on top (the optional torch of the bench session).
    session.run_install(
        *args,
        "--inexact",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        external=True,
    )


def build_docs(session: nox.Session, *arguments: str) -> None:
    """Build both editions strictly and print them (tools/build_book.py), then check that the
    editions agree."""
    session.run("python", str(ROOT / "tools" / "build_book.py"), *arguments)
    if "--language" not in arguments:
        session.run("python", str(ROOT / "tests" / "build" / "check_editions.py"), str(HTML))


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests, property tests and the doctests of src/."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(reuse_venv=False)
def package(session: nox.Session) -> None:
    """Install losslab alone into a clean environment and import every public module.

    ``pip install .`` resolves the runtime dependencies declared in pyproject.toml and nothing
    else, so a module that imports an undeclared package fails here. The environment is made
    anew each time: a package left from an earlier install could hide a missing dependency.
    """
    session.install(str(ROOT))
    session.run("python", str(ROOT / "tests" / "package" / "check_imports.py"))


@nox.session
def docs(session: nox.Session) -> None:
    """Build both editions of the book strictly (any warning or failing cell fails), with each
    chapter's notebook and each edition's PDF.

    The English edition is at docs/_build/html, the Chinese one at docs/_build/html/zh_CN, the
    PDFs in docs/_build/pdf (and in their sites); a check then requires the same pages and the
    same glued numbers in both editions. ``nox -s docs -- --language en`` (or ``zh_CN``) builds
    one edition, ``-- --no-pdf`` leaves the PDFs out, for authors; further arguments after
    ``--`` go to sphinx-build.
    """
    install(session, "docs", "site")
    build_docs(session, *session.posargs)
    session.log(f"The site is at {HTML / 'index.html'}, the Chinese edition at {HTML / 'zh_CN'}")


@nox.session
def pdf(session: nox.Session) -> None:
    """Print each edition to a PDF with headless Chromium after MathJax, and check the PDFs.

    docs/_build/pdf/losslab.pdf and losslab-zh_CN.pdf: every font embedded, every chapter's
    title in the text and in the outline, no TeX left untypeset (poppler's pdffonts, pdftotext,
    pdftohtml, pdfinfo).
    """
    for tool in ("pdffonts", "pdftotext", "pdftohtml", "pdfinfo"):
        if not shutil.which(tool):
            session.error(f"{tool} not found: install poppler-utils")
    install(session, "docs", "site")
    build_docs(session)
    session.run(
        "python",
        str(ROOT / "tests" / "build" / "check_pdf.py"),
        str(BUILD / "pdf"),
        str(HTML),
    )


@nox.session
def notebooks(session: nox.Session) -> None:
    """Run every chapter notebook of both editions in a fresh environment holding only
    ``losslab[plot]`` and ``ipykernel``, as a reader who downloads one would.

    That environment (.nox/notebooks-reader) is made anew each time, resolved by uv from the
    package index like a user's ``pip install``; nbclient runs the notebooks from this session.
    """
    install(session, "docs")
    build_docs(session, "--no-pdf")
    reader = ROOT / ".nox" / "notebooks-reader"
    session.run("uv", "venv", "--clear", "-q", str(reader), external=True)
    python = str(reader / "bin" / "python")
    session.run(
        "uv",
        "pip",
        "install",
        "-q",
        "--python",
        python,
        f"losslab[plot] @ {ROOT.as_uri()}",
        "ipykernel",
        external=True,
    )
    session.run(
        "python",
        str(ROOT / "tests" / "build" / "check_notebooks.py"),
        str(HTML),
        "--python",
        python,
    )


@nox.session
def translations(session: nox.Session) -> None:
    """Refresh the Chinese edition's message catalogs from the English sources, for a translator.

    Extracts every message of the book (``docs/_build/gettext``) and merges it into
    ``docs/locales/zh_CN/LC_MESSAGES``: a new paragraph arrives untranslated, a changed one
    fuzzy, a removed one disappears. The Chinese build fails until each is translated.
    """
    install(session, "docs")
    pot = BUILD / "gettext"
    session.run(
        "sphinx-build",
        "-q",
        "-b",
        "gettext",
        "-d",
        str(BUILD / "doctrees" / "gettext"),
        str(DOCS),
        str(pot),
    )
    session.run(
        "sphinx-intl",
        "update",
        "--pot-dir",
        str(pot),
        "--locale-dir",
        str(DOCS / "locales"),
        "--language",
        "zh_CN",
        "--line-width",
        "0",
        "--no-obsolete",
    )


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve the book and rebuild it on every change, for authors."""
    install(session, "docs-live")
    session.run(
        "sphinx-autobuild",
        *STRICT_FLAGS,
        "--watch",
        str(ROOT / "src"),
        str(DOCS),
        str(HTML),
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy (strict) on src/."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def site(session: nox.Session) -> None:
    """Open every page of the built site in headless Chromium, light and dark, on a desktop and
    on a phone, like a reader: layout, accessibility (axe-core) and readable outputs included.

    Screenshots of every page in both modes and at both sizes go to docs/_build/screenshots/pages/.
    """
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(chromium):
        session.error(f"{chromium} not found: install Debian's chromium (apt-get install chromium)")
    install(session, "docs", "site")
    build_docs(session)
    session.run(
        "python",
        str(ROOT / "tests" / "site" / "check_site.py"),
        str(HTML),
        "--pages-dir",
        str(DOCS / "_build" / "screenshots" / "pages"),
        "--screenshot-page",
        "chapters/numerics.html#fig-numerics-accuracy",
        "--screenshot",
        str(DOCS / "_build" / "screenshots" / "numerics-light.png"),
        "--dark-screenshot",
        str(DOCS / "_build" / "screenshots" / "numerics-dark.png"),
        "--phone-screenshot",
        str(DOCS / "_build" / "screenshots" / "numerics-phone.png"),
    )


@nox.session
def proof(session: nox.Session) -> None:
    """Prove the build reproducible, network-free, and correct after an interruption.

    Builds the book, both editions, from clean twice without network access and requires
    identical bytes; then kills a build mid-execution and requires the next build to succeed
    with the same site.

    ``nox -s proof -- --online`` skips the network namespace (it needs ``unshare`` and ``ip``,
    and root or unprivileged user namespaces).
    """
    online = "--online" in session.posargs
    for tool in [] if online else ["unshare", "ip"]:
        if not shutil.which(tool):
            session.error(f"{tool} not found: install util-linux and iproute2, or pass -- --online")
    install(session, "docs", "site")
    work = DOCS / "_build" / "proof"
    session.run(
        "python",
        str(ROOT / "tests" / "build" / "prove_build.py"),
        str(work),
        *([] if online else ["--offline"]),
    )


@nox.session
def readme(session: nox.Session) -> None:
    """Measure the README's figures into .readme/figures.json and write them into README.md.

    ``nox -s readme -- --only tests`` refreshes only the test count, ``-- --only build`` all
    but the accuracy table; ``-- --bench-json PATH``
    reads the accuracy table from an earlier ``nox -s bench -- --json PATH``.
    """
    install(session, "test", "docs", "site", "bench")
    script = str(ROOT / "tools" / "readme_figures.py")
    session.run("python", script, "measure", *session.posargs)
    session.run("python", script, "render")


@nox.session
def bench(session: nox.Session) -> None:
    """Accuracy (ulp against mpmath) and throughput tables, side by side with scipy and torch.

    ``nox -s bench -- --with-torch`` also installs torch 2.13.0 (CPU) into the session to compare.
    """
    install(session, "bench")
    args = list(session.posargs)
    if "--with-torch" in args:
        args.remove("--with-torch")
        # pip, not uv: pip honours a local wheel of the CPU build where the machine provides one.
        session.run("python", "-m", "ensurepip", "--upgrade", silent=True)
        session.run("python", "-m", "pip", "install", "torch==2.13.0", silent=True)
    session.run("python", str(ROOT / "benchmarks" / "run.py"), *args)
