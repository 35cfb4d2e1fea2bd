"""The printed book's bytes depend on the commit alone (tools/print_book.py)."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import print_book  # noqa: E402 (needs the path above)

EPOCH = 1_790_000_000  # 2026-09-21 14:13:20 UTC


def chromium_pdf(printed_at: bytes, first_node: int) -> bytes:
    """The shape of what Chromium writes: an info dictionary, then tagged structure whose ids
    count on from the browser's DOM node counter."""
    nodes = b"".join(
        b"<</O /Table /ID (node%08d)>>\n<</Headers [(node%08d)]>>\n"
        % (first_node + i, first_node + i)
        for i in range(3)
    )
    info = b"<</Producer (Skia/PDF m156)\n/CreationDate (D:%s+00'00')\n/ModDate (D:%s+00'00')>>\n"
    return b"%PDF-1.4\n" + info % (printed_at, printed_at) + nodes + b"startxref\n1234\n%%EOF\n"


def test_two_prints_of_one_commit_are_the_same_bytes():
    first = print_book.fixed_pdf(chromium_pdf(b"20261130203331", 113), EPOCH)
    second = print_book.fixed_pdf(chromium_pdf(b"20261201090000", 5872), EPOCH)
    assert first == second
    # Nothing moved: the cross-reference offsets stay right.
    assert len(first) == len(chromium_pdf(b"20261130203331", 113))


def test_the_dates_are_the_commit_and_the_ids_count_from_one():
    fixed = print_book.fixed_pdf(chromium_pdf(b"20261130203331", 113), EPOCH)
    assert re.findall(rb"/(?:CreationDate|ModDate) \(D:(\d{14})", fixed) == [b"20260921141320"] * 2
    assert re.findall(rb"node(\d{8})", fixed) == [
        b"00000001",
        b"00000001",
        b"00000002",
        b"00000002",
        b"00000003",
        b"00000003",
    ]
    assert b"2026113020" not in fixed


def test_a_pdf_without_a_creation_date_is_refused():
    with pytest.raises(ValueError, match="CreationDate"):
        print_book.fixed_pdf(b"%PDF-1.4\n<</Producer (other)>>\n%%EOF\n", EPOCH)


def test_the_source_date_comes_from_the_environment_or_the_last_commit(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert print_book.source_epoch() == EPOCH
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert 1_700_000_000 < print_book.source_epoch() <= 4_000_000_000
