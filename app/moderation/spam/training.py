"""Labelled files for `flask spam train FILE`: a CSV of text and label, or a WordPress export
(WXR), whose comments' `wp:comment_approved` is the label ("1" not spam, "spam" spam; held
and trashed comments say nothing and are left out).

Both are read as a stream: a file of any size costs the memory of one row or one comment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from app.importers.wxr import BoundedTreeBuilder, WxrError
from app.models import SpamLabel

# (label, kind, name, website, body)
Row = tuple[SpamLabel, str, str, str, str]

SPAM_WORDS = {"spam", "1", "true", "yes"}
HAM_WORDS = {"ham", "0", "false", "no", "not spam", "not_spam"}
TEXT_COLUMNS = ("text", "content", "body", "comment")
LABEL_COLUMNS = ("label", "class", "spam")
NAME_COLUMNS = ("name", "author")
KINDS = {"", "comment", "pingback", "trackback", "webmention", "question"}
MAX_TEXT_BYTES = 1_000_000  # one WXR text; the import has the same bound


class TrainingFileError(Exception):
    """A file that cannot be read as labelled examples; the message says why and where."""


@dataclass
class Skipped:
    rows: int = 0  # rows with no usable label or text


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.strip().lower() for h in header]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def read_csv(raw: BinaryIO, skipped: Skipped) -> Iterator[Row]:
    """Rows of a CSV with a header naming a text column (text, content, body or comment) and
    a label column (label, class or spam: spam/ham, 1/0, true/false); optional name (or
    author), website and kind columns."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        raise TrainingFileError("The file is empty.")
    body_at, label_at = _column(header, TEXT_COLUMNS), _column(header, LABEL_COLUMNS)
    if body_at is None or label_at is None:
        raise TrainingFileError(
            "Line 1 must name a text column (text, content, body or comment) and a label "
            f"column (label, class or spam); it has: {', '.join(header)[:200]}.")
    name_at, site_at = _column(header, NAME_COLUMNS), _column(header, ("website", "url"))
    kind_at = _column(header, ("kind", "type"))
    for row in reader:
        def cell(at: int | None, row=row) -> str:
            return row[at].strip() if at is not None and at < len(row) else ""

        word = cell(label_at).lower()
        label = SpamLabel.SPAM if word in SPAM_WORDS else \
            SpamLabel.HAM if word in HAM_WORDS else None
        body = cell(body_at).replace("\ufeff", "")
        kind = cell(kind_at).lower() or "comment"
        if label is None or not body or kind not in KINDS:
            skipped.rows += 1
            continue
        yield label, kind, cell(name_at), cell(site_at), body


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_wxr(raw: BinaryIO, skipped: Skipped) -> Iterator[Row]:
    """The comments of a WordPress export, labelled by `wp:comment_approved`."""
    builder = BoundedTreeBuilder(MAX_TEXT_BYTES)
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    builder.line = lambda: parser.parser.CurrentLineNumber
    try:
        for _event, node in iterparse(raw, events=("end",), parser=parser):
            local = _local(node.tag)
            if local == "item":
                node.clear()  # its comments are read; keep no article in memory
            if local != "comment" or "wordpress.org/export" not in node.tag:
                continue
            fields = {_local(child.tag): (child.text or "") for child in node}
            node.clear()
            approved = fields.get("comment_approved", "").strip()
            label = SpamLabel.HAM if approved == "1" else \
                SpamLabel.SPAM if approved == "spam" else None
            kind = fields.get("comment_type", "").strip() or "comment"
            body = fields.get("comment_content", "")
            if label is None or not body.strip() or kind not in KINDS:
                skipped.rows += 1
                continue
            yield (label, kind, fields.get("comment_author", "").strip(),
                   fields.get("comment_author_url", "").strip(), body)
    except (ParseError, DefusedXmlException, WxrError) as error:
        raise TrainingFileError(f"Not a readable WordPress export: {error}") from error


def read(raw: BinaryIO, filename: str, skipped: Skipped) -> Iterator[Row]:
    """A labelled file's rows: WXR by its .xml/.wxr name or its first bytes, else CSV."""
    start = raw.peek(64)[:64] if hasattr(raw, "peek") else b""
    if filename.lower().endswith((".xml", ".wxr")) or start.lstrip(b"\xef\xbb\xbf \r\n\t"
                                                                   ).startswith(b"<"):
        return read_wxr(raw, skipped)
    return read_csv(raw, skipped)
