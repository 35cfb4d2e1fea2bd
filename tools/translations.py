"""The Chinese edition's message catalogs: what a complete, faithful catalog is, and a report.

    python tools/translations.py check [PO ...]    # every problem of the catalogs, exit 1 if any
    python tools/translations.py prefill [PO ...]  # translate messages with no words as themselves
    python tools/translations.py stats [PO ...]    # translated / total per catalog
    python tools/translations.py space PO ...      # space reStructuredText markup from Chinese
    python tools/translations.py hash-source DIR   # rewrite SOURCE_WINDOWS from the source's text

Without arguments, every catalog under ``docs/locales/zh_CN/LC_MESSAGES``. A translation must
keep its message's markup: the same glued numbers with the same formats, the same math, code,
references, citations and links, and as many glossary-term links (whose text is translated). The
tests (``tests/test_translations.py``) hold the catalogs to this; ``nox -s translations``
refreshes them from the English sources.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "docs" / "locales" / "zh_CN" / "LC_MESSAGES"
# The hashes of every run of WINDOW Chinese characters of the source handbook's text, so that a
# test can tell that no catalog copies the source without the repository holding its text.
SOURCE_WINDOWS = ROOT / "tests" / "data" / "source-windows.txt"
WINDOW = 14

# Markup kept verbatim: glue roles (key and format), references, citations, documents, API
# roles (MyST ``{role}`...``` and reStructuredText ``:role:`...```), inline code, display and
# inline math, Markdown link targets.
_RST_ROLE = re.compile(r"(?<![A-Za-z0-9`]):(?P<role>[\w.-]+(?::[\w.-]+)*):`(?P<body>[^`]*)`")
# A MyST role: not the superscript or subscript of TeX (e^{x}), nor inside a word.
_ROLE = re.compile(r"(?<![A-Za-z0-9^_\\])\{(?P<role>[\w:.-]+)\}`(?P<body>[^`]*)`")
_CODE = re.compile(r"``[^`]+``|`[^`]+`")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# What reads as words without being prose: TeX commands and their text arguments (a message may
# be a whole display equation), dotted names such as numpy.ndarray.
_NOT_PROSE = re.compile(
    r"\\(?:begin|end)\{[^}]*\}"
    r"|\\(?:text|mathrm|operatorname|mathbf|boldsymbol)\{[^}]*\}"
    r"|\\[A-Za-z]+"
    r"|\b\w+(?:\.\w+)+\b"
)
# Inline markup of reStructuredText (the API's docstrings), recognised only where it does not
# touch a letter: a Chinese character right before or after it leaves it as plain text.
_RST_INLINE = re.compile(
    r":[\w.-]+(?::[\w.-]+)*:`[^`]*`|``[^`]+``|`[^`]+`_{0,2}|\*\*[^*]+\*\*|\*[^*\s][^*]*\*"
)
# Unicode categories of punctuation that may stand before and after inline markup.
_OPENING = {"Pd", "Po", "Ps", "Pi", "Pf"}
_CLOSING = {"Pd", "Po", "Pe", "Pi", "Pf"}
_category = unicodedata.category
# A numpydoc type, such as "tuple of int" or "float or None": names, the same in every language.
_TYPE = re.compile(r"[\w.]+(?: (?:of|or) [\w.]+)*")
# Roles whose text is prose, translated; only their number must match.
_PROSE_ROLES = {"term"}


def _role(role: str, body: str) -> str:
    """How a role is kept: math whole, prose roles by name, others by role and target."""
    if role in _PROSE_ROLES:
        return f"{{{role}}}"
    if role == "math":
        return f"$`{body}`"
    target = re.search(r"<([^>]*)>$", body)
    return f"{{{role}}}`{target[1] if target else body}`"


def _strip(text: str, kept: Counter[str] | None = None) -> str:
    """`text` without its markup, which goes to `kept` if given."""
    rest = text
    for pattern in (_RST_ROLE, _ROLE):
        for match in pattern.finditer(rest):
            if kept is not None:
                kept[_role(match["role"], match["body"])] += 1
        rest = pattern.sub(" ", rest)
    for pattern in (_MATH, _CODE):
        if kept is not None:
            kept.update(match.group(0) for match in pattern.finditer(rest))
        rest = pattern.sub(" ", rest)
    return rest


def markup(text: str) -> Counter[str]:
    """The markup of a message that its translation must keep, as a multiset."""
    kept: Counter[str] = Counter()
    _strip(text, kept)
    kept.update(f"]({match['target']})" for match in _LINK.finditer(text))
    return kept


def words(text: str) -> list[str]:
    """The words of `text` outside its markup: what a translator has to translate."""
    rest = re.sub(r"https?://\S+", " ", _strip(text))
    return _WORD.findall(_NOT_PROSE.sub(" ", rest))


def has_words(text: str) -> bool:
    """Whether `text` has prose outside its markup."""
    return bool(words(text))


def windows(text: str, size: int = WINDOW) -> set[str]:
    """The hashes of every run of `size` consecutive CJK characters in `text`.

    CJK characters are the ideographs and the full-width punctuation between them (，。：…); a
    run is broken by anything else, such as a Latin letter, a digit or a space. A hash is the
    first 16 hex digits of the SHA-256 of the run's UTF-8.
    """
    found = set()
    for run in re.findall(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+", text):
        for start in range(len(run) - size + 1):
            window = run[start : start + size].encode("utf-8")
            found.add(hashlib.sha256(window).hexdigest()[:16])
    return found


def catalogs(paths: list[str] | None = None) -> list[Path]:
    """The catalogs named by `paths`, or every catalog of the Chinese edition."""
    return [Path(p).resolve() for p in paths] if paths else sorted(CATALOGS.rglob("*.po"))


def read(path: Path) -> Catalog:
    """The catalog at `path`."""
    with path.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def messages(catalog: Catalog) -> Iterator[Message]:
    """The messages of `catalog`, its header left out."""
    return (message for message in catalog if message.id)


def _may_precede(char: str) -> bool:
    """Whether reStructuredText inline markup may start right after `char` (docutils' rule)."""
    return not char or char.isspace() or char in "'\"([{<-/:" or _category(char) in _OPENING


def _may_follow(char: str) -> bool:
    """Whether reStructuredText inline markup may end right before `char` (docutils' rule)."""
    return not char or char.isspace() or char in "'\")]}>-/:.,;!?\\" or _category(char) in _CLOSING


def touching(text: str) -> list[str]:
    """The reStructuredText markup of `text` that its neighbours keep from being markup.

    Docutils recognises inline markup only between whitespace or punctuation, and not every
    kind: a Chinese character or an opening full-width parenthesis right after a literal
    leaves it as plain text.
    """
    return [
        match.group(0)
        for match in _RST_INLINE.finditer(text)
        if not _may_precede(text[match.start() - 1 : match.start()])
        or not _may_follow(text[match.end() : match.end() + 1])
    ]


def spaced(text: str) -> str:
    """`text` with a space wherever a neighbour would undo its reStructuredText markup."""

    def space(match: re.Match[str]) -> str:
        before = "" if _may_precede(text[match.start() - 1 : match.start()]) else " "
        after = "" if _may_follow(text[match.end() : match.end() + 1]) else " "
        return f"{before}{match.group(0)}{after}"

    return _RST_INLINE.sub(space, text)


def problems(
    message: Message, english: frozenset[str] = frozenset(), *, rest: bool = False
) -> list[str]:
    """What is wrong with the translation of `message`; empty when nothing is.

    A message may stay in English when it is one word (a name such as losslab), a numpydoc
    type ("tuple of int"), or one of `english`, the glossary's English terms, which the Chinese
    edition lists beside the Chinese.
    With `rest`, the message is reStructuredText, whose inline markup needs a space or
    punctuation on each side.
    """
    source, target = str(message.id), str(message.string or "")
    if not target.strip():
        return ["untranslated"]
    found = []
    if message.fuzzy:
        found.append("fuzzy: its English changed since it was translated")
    lost, added = markup(source) - markup(target), markup(target) - markup(source)
    if lost or added:
        found.append(f"markup differs: missing {sorted(lost)}, added {sorted(added)}")
    if rest and touching(target):
        found.append(f"markup its neighbours undo: {touching(target)}")
    named = len(words(source)) <= 1 or source in english or bool(_TYPE.fullmatch(source))
    if target == source and not named and not _CJK.search(source):
        found.append("left in English")
    return found


def write(catalog: Catalog, path: Path) -> None:
    """Write `catalog` to `path` as ``nox -s translations`` does: no line wrapping."""
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)


def glossary(path: Path = ROOT / "docs" / "reference" / "glossary.md") -> dict[str, str]:
    """The glossary's English terms and their Chinese (the line after each unindented term)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {
        line: after
        for line, after in itertools.pairwise(lines)
        if line and not line[0].isspace() and _WORD.search(line) and _CJK.search(after[:12])
    }


def glossary_terms() -> frozenset[str]:
    """The English terms of the glossary."""
    return frozenset(glossary())


def _shown(path: Path) -> str:
    """`path` relative to the repository when it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def is_rest(path: Path) -> bool:
    """Whether the catalog at `path` holds reStructuredText: the API page's docstrings."""
    return path.name == "api.po" or path.name.startswith("api-")


def _check(paths: list[Path]) -> int:
    count = 0
    english = glossary_terms()
    for path in paths:
        for message in messages(read(path)):
            for problem in problems(message, english, rest=is_rest(path)):
                count += 1
                print(f"{_shown(path)}: {problem}: {str(message.id)[:100]!r}")
    print(f"{count} problems in {len(paths)} catalogs")
    return 1 if count else 0


def _prefill(paths: list[Path]) -> int:
    for path in paths:
        catalog = read(path)
        filled = 0
        for message in messages(catalog):
            if not message.string and not has_words(str(message.id)):
                message.string = message.id
                filled += 1
        write(catalog, path)
        print(f"{_shown(path)}: {filled} messages without words copied")
    return 0


def _space(paths: list[Path]) -> int:
    for path in paths:
        catalog = read(path)
        for message in messages(catalog):
            if message.string:
                message.string = spaced(str(message.string))
        write(catalog, path)
    return 0


def _stats(paths: list[Path]) -> int:
    for path in paths:
        catalog = list(messages(read(path)))
        done = sum(1 for m in catalog if m.string and not m.fuzzy)
        print(f"{_shown(path)}: {done}/{len(catalog)}")
    return 0


def _hash_source(folder: Path) -> int:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt")))
    hashes = sorted(windows(text))
    SOURCE_WINDOWS.parent.mkdir(parents=True, exist_ok=True)
    SOURCE_WINDOWS.write_text("".join(f"{h}\n" for h in hashes), encoding="ascii")
    print(f"{len(hashes)} windows of {WINDOW} characters hashed into {SOURCE_WINDOWS}")
    return 0


def main(argv: list[str]) -> int:
    """Run the command of `argv` (see the module's docstring); return the exit status."""
    if argv[:1] == ["hash-source"] and len(argv) == 2:
        return _hash_source(Path(argv[1]))
    commands = {"check": _check, "prefill": _prefill, "stats": _stats, "space": _space}
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[0]](catalogs(argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
