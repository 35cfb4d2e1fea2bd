"""Sphinx configuration of the losslab book: strict, offline, cached on the library's source."""

from __future__ import annotations

import os
import pathlib
import sys

from losslab import __version__

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from cache_key import source_hash  # noqa: E402 (needs the path above)

project = "losslab"
author = "The losslab authors"
copyright = "2026, the losslab authors"
release = __version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # serves MathJax from _static: no CDN, the site works offline
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "cache_key",  # prunes the execution caches of earlier states of src/ when a build starts
    "claims_index",  # the claims index table, generated from reference/claims.toml
    "accessible_citations",  # bibliography entries a screen reader can list
    "editions",  # the Chinese edition: glue and figures in translations, the language switch
    "print_edition",  # the singlehtml builder makes the printed book (tools/print_book.py)
    "notebooks",  # each chapter as a notebook; the download menu links it and the PDF
]
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints"]
nitpicky = True
numfig = True
# Words of numpydoc type descriptions, not Python objects: there is nothing to link them to.
nitpick_ignore = [
    ("py:class", name)
    for name in (
        "array_like",
        "sequence",
        "optional",
        "callable",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.float64",
        "numpy.random.Generator",
        "int",
        "float",
    )
] + [("py:func", "numpy.random.default_rng")]
# The members of a numpydoc set of literal values, {"tanh", "sigmoid", "relu"}.
nitpick_ignore_regex = [("py:class", r'\{?"\w+"\}?')]

# --- notebooks: executed at build time, cached on a hash of src/ (see _ext/cache_key.py) --------

# LOSSLAB_BUILD_DIR moves the cache, so that a build can start from clean without touching the
# usual one (the build proof in tests/build/prove_build.py builds several times side by side).
losslab_build_dir = os.environ.get("LOSSLAB_BUILD_DIR", str(ROOT / "docs" / "_build"))
_CACHES = pathlib.Path(losslab_build_dir) / "jupyter_cache"

nb_execution_mode = "cache"
nb_execution_cache_path = str(_CACHES / source_hash(ROOT / "src" / "losslab"))
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True

# The message catalogs (docs/locales/zh_CN/LC_MESSAGES) list images' alt text too: the
# gettext builder keeps the pictures of cell outputs, which it would otherwise drop.
nb_mime_priority_overrides = [("gettext", "image/png", 10), ("gettext", "text/plain", 20)]

myst_enable_extensions = ["amsmath", "colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

# --- editions: English, and Chinese from the catalogs (see _ext/editions.py) ---------------------

# `sphinx-build -D language=zh_CN` builds the Chinese edition; `nox -s docs` builds both.
language = "en"
locale_dirs = ["locales"]
gettext_compact = False  # one catalog per page
gettext_location = False  # no line numbers in the catalogs: moving a paragraph changes nothing
gettext_auto_build = True

# --- API -----------------------------------------------------------------------------------------

autodoc_typehints = "none"  # types are in the numpydoc text, which readers can understand
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# --- citations -----------------------------------------------------------------------------------

bibtex_bibfiles = ["reference/references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- HTML ----------------------------------------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = "losslab"
html_static_path = ["_static"]
templates_path = ["_templates"]
html_css_files = ["losslab.css"]
html_theme_options = {
    "repository_url": "",
    # The page's source, the chapter's notebook and the edition's PDF (_ext/notebooks.py).
    "use_download_button": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # pydata-sphinx-theme 0.20 adds a header bar holding a second search field unless this is
    # set; the sidebar's search field is the one the book theme places.
    "navbar_persistent": [],
    # The link to the same page in the other edition, before the theme's buttons.
    "article_header_end": ["language-switch", "article-header-buttons"],
}
# A first visit (nothing in localStorage) otherwise makes the theme log an "invalid theme mode"
# console error on every page.
html_context = {"default_mode": "auto"}
html_last_updated_fmt = None  # no timestamps: two builds of one commit give the same bytes
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
