"""The book's two editions, English and Chinese, built from one set of chapters.

The Chinese edition is the English sources translated through Sphinx's gettext catalogs
(``docs/locales/zh_CN/LC_MESSAGES``) and built with ``-D language=zh_CN`` into ``zh_CN/`` of the
English site. This extension supplies what that needs beyond Sphinx and MyST-NB:

- **Glued numbers in translated prose.** A translated paragraph is parsed into a document of its
  own, which holds no glue data, so MyST-NB's ``{glue:text}`` cannot find its key there. In such
  a document the role here refers the key to the page's own glue cache instead, through MyST-NB's
  cross-document glue, which formats it the same way: both editions show the same digits.
- **Figures in the edition's language.** ``losslab.plotting`` shows each figure of the book in
  both languages, in one notebook output: English as a PNG, Chinese as an SVG (``PICTURES``
  in ``losslab/plotting/_style.py``). The English edition leaves the SVG out; the Chinese
  one prefers it, as MyST-NB does by default.
- **The switch between editions.** Every page gets ``losslab_editions``, the links to the same
  page in each edition, for the ``language-switch.html`` template in the header; the
  ``{editions}`` directive writes the same links into a page.
- **No English left in the Chinese edition.** Every translatable message of a page built in a
  language other than English must have been translated: an untranslated, fuzzy or stale one
  (its English changed since it was translated) is a warning, which fails the strict build.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, ClassVar

import jieba
from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.search.zh import SearchChinese
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

logger = logging.getLogger(__name__)

#: The editions: language code, the name of the language in itself, the folder under the site.
EDITIONS = (("en", "English", ""), ("zh_CN", "中文", "zh_CN/"))
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def edition_language(language: str | None) -> str:
    """The edition of a Sphinx `language` setting: ``"en"`` unless it is an edition's code."""
    codes = [code for code, _, _ in EDITIONS]
    return language if language in codes else "en"


def edition_links(pagename: str, language: str | None) -> list[dict[str, Any]]:
    """Relative links from `pagename` of the `language` edition to that page in every edition."""
    here = edition_language(language)
    folder = dict((code, path) for code, _, path in EDITIONS)[here]
    up = "../" * (pagename.count("/") + folder.count("/"))
    return [
        {
            "language": code,
            "name": name,
            "url": f"{up}{path}{pagename}.html",
            "current": code == here,
        }
        for code, name, path in EDITIONS
    ]


class TranslatedGlueText(PasteTextRole):
    """``{glue:text}``, also inside a translated paragraph (see the module's docstring)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        if "nb_renderer" not in self.document and "::" not in self.text:
            # The document of a translated message: glue from the page's own cache.
            env = self.document.settings.env
            page = env.doc2path(env.docname, False)
            # Without a format, the role would read the key as the format of the page's path.
            text = self.text if ":" in self.text else f"{self.text}:s"
            self.text = f"/{Path(page).as_posix()}::{text}"
        return super().run()


class UntranslatedMessages(SphinxTransform):
    """Warn about every message of the page left in English in a translated edition.

    A message counts as translated when Sphinx replaced it, or when the catalog holds it with a
    translation equal to itself (a table cell that is only a reference, a name); an image's alt
    text, when it holds Chinese; a text in Chinese without English words, such as a section
    title of a docstring, which Sphinx's own catalogs translate.
    """

    # After Sphinx's Locale (20) and after docutils' DocInfo (340), which makes the page's front
    # matter a docinfo, which Sphinx then takes out of the page.
    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        language = edition_language(self.config.language)
        if language == "en" or self.app.builder.name != "html":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        folders = [str(Path(self.env.srcdir, folder)) for folder in self.config.locale_dirs]
        catalog, _ = init_locale(folders, language, domain)
        # Every message of the catalog, the ones translated as themselves included.
        known = getattr(catalog, "_catalog", {})
        for node, message in extract_messages(self.document):
            if node.get("translated") or isinstance(node, addnodes.translatable):
                continue
            if _inside(node, nodes.docinfo):
                continue
            if message in known or (isinstance(node, nodes.image) and CJK.search(message)):
                continue
            if CJK.search(message) and not ENGLISH.search(message):
                continue  # Chinese already, such as the section titles napoleon translates
            logger.warning(
                "untranslated in %s (fuzzy, stale or missing in the catalog): %s",
                language,
                message[:120],
                location=node,
                type="losslab",
                subtype="untranslated",
            )


def _inside(node: nodes.Node, kind: type[nodes.Element]) -> bool:
    """Whether `node` is inside an element of `kind`."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kind):
            return True
        parent = parent.parent
    return False


class Editions(SphinxDirective):
    """The directive's content as a paragraph, then the editions: this one named, the others
    linked to this page in them."""

    has_content = True
    option_spec: ClassVar = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        container = nodes.container(classes=["losslab-editions", *self.options.get("class", [])])
        self.state.nested_parse(self.content, self.content_offset, container)
        items = nodes.bullet_list()
        for link in edition_links(self.env.docname, self.config.language):
            if link["current"]:  # this edition: named, not linked
                name: nodes.Node = nodes.strong("", link["name"])
            else:
                name = nodes.reference("", link["name"], refuri=link["url"], internal=False)
            items += nodes.list_item("", nodes.paragraph("", "", name))
        container += items
        return [container]


def glossary_words(glossary: Path) -> list[str]:
    """The Chinese terms of the glossary: the line after each English term that holds Chinese."""
    lines = glossary.read_text(encoding="utf-8").splitlines()
    return [
        after.strip()
        for line, after in itertools.pairwise(lines)
        if line
        and not line[0].isspace()
        and ENGLISH.search(line)
        and CJK.search(after)
        and " " not in after.strip()
    ]


def _search_whole_terms(app: Sphinx, config: Any) -> None:
    """Teach the Chinese search index the glossary's terms as words (see ``ChineseSearch``)."""
    if edition_language(config.language).startswith("zh"):
        ChineseSearch.words = glossary_words(Path(app.srcdir) / "reference" / "glossary.md")


class ChineseSearch(SearchChinese):
    """Sphinx's Chinese search, with the glossary's terms as words, started only when needed.

    Sphinx segments Chinese with jieba, whose dictionary splits 损失函数 into 损失 and 函数 and
    drops the 熵 of 交叉熵; the search, which does not segment a query, would then find neither.
    Given the terms (``words``), jieba indexes each whole as well as in its parts. And where
    Sphinx loads jieba's dictionaries (a second or more) whenever it writes the search index,
    even in a rebuild with nothing to index, this does it on the first text it segments.
    """

    #: The words jieba keeps whole: the glossary's Chinese terms, set when a build starts.
    words: ClassVar[list[str]] = []

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__({**options, "dict": ""})
        self._started = False

    def split(self, input: str) -> list[str]:
        if not self._started:
            for word in self.words:
                jieba.add_word(word, freq=100_000)
            self._started = True
        return super().split(input)


def _choose_pictures(app: Sphinx, config: Any) -> None:
    """In the English edition, leave out the Chinese pictures (SVG) of the figures."""
    if edition_language(config.language) == "en":
        config.nb_mime_priority_overrides = [
            *config.nb_mime_priority_overrides,
            *((builder, "image/svg+xml", None) for builder in ("html", "singlehtml")),
        ]


def _use_own_output_folder(app: Sphinx) -> None:
    """Write a translated edition's notebook files beside the English ones, not into its site.

    MyST-NB writes images and glue caches to ``jupyter_execute`` next to the output folder,
    which for ``html/zh_CN`` would be inside the English site.
    """
    language = edition_language(app.config.language)
    if language == "en" or not hasattr(app.env, "mystnb_config"):
        return
    folder = Path(app.config.losslab_build_dir) / f"jupyter_execute_{language}"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder.resolve()))


def _add_chinese_stemmer(app: Sphinx) -> None:
    """Define the stemmer that Sphinx 9.0.4's Chinese search names but leaves out."""
    if edition_language(app.config.language).startswith("zh"):
        app.add_js_file("chinese-stemmer.js", priority=100)


def _add_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    context["losslab_editions"] = edition_links(pagename, app.config.language)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("losslab_build_dir", "_build", "env", types=frozenset({str}))
    app.add_role_to_domain("glue", "text", TranslatedGlueText(), override=True)
    app.connect("config-inited", _choose_pictures)
    app.connect("config-inited", _search_whole_terms)
    app.add_transform(UntranslatedMessages)
    app.add_directive("editions", Editions)
    app.add_search_language(ChineseSearch)
    app.connect("builder-inited", _use_own_output_folder, priority=600)
    app.connect("builder-inited", _add_chinese_stemmer)
    app.connect("html-page-context", _add_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
