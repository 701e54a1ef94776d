"""Shared by the WXR tests: where the fixtures and the corpus are, importing, reading the DB."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.importers.wxr import ImportSummary, import_wxr
from app.models import Article, Response

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL = FIXTURES / "small.xml"
# The third-party corpus is read where it lies, never copied into the repository.
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "wxr"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
WP = "{http://wordpress.org/export/1.2/}"

# Outside CI a checkout without ../shared skips these; in CI the corpus must be there.
_CORPUS_MISSING = not (CORPUS / "counts.json").is_file()
needs_corpus = pytest.mark.skipif(_CORPUS_MISSING and not os.environ.get("CI"),
                                  reason=f"the WXR corpus is not at {CORPUS}")


def import_file(path: Path, *, zone: str = "UTC", commit: bool = True) -> ImportSummary:
    """Import a file in the test's own session, as the CLI does; commit unless told not to."""
    with path.open("rb") as source:
        summary = import_wxr(source, zone=ZoneInfo(zone), now=NOW)
    if commit:
        db.session.commit()
    return summary


def corpus_counts(name: str) -> dict:
    entries = json.loads((CORPUS / "counts.json").read_text(encoding="utf-8"))
    return next(entry for entry in entries if entry["file"] == name)


def database_snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text: equal snapshots mean an unchanged database."""
    db.session.commit()  # end this session's snapshot so it sees what others wrote
    return {table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables}


def content_snapshot() -> dict[str, list[str]]:
    """The snapshot without the import jobs' own rows and the content-version counters, which
    an import that failed after committing batches has moved on (cached pages must go); the
    response counters' rows that count nothing are the same as no row."""
    found = {name: rows for name, rows in database_snapshot().items()
             if name not in ("import_jobs", "cache_scopes")}
    if "response_counts" in found:
        found["response_counts"] = [row for row in found["response_counts"]
                                    if not row.endswith(", 0)")]
    return found


def not_well_formed(reason: str, line: int, column: int) -> str:
    """How a file that is not XML is refused, up to the hint and "Nothing was imported"."""
    return f"The file is not well-formed XML: {reason} at line {line}, column {column}"


def readable(message: str) -> bool:
    """No Python in it: no exception names, reprs or tracebacks."""
    return not re.search(r"Error\b|Exception|Traceback|<class|\w+\(.*\)$|\\n", message)


def row_counts() -> dict[str, int]:
    db.session.commit()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def delete_all_rows() -> None:
    db.session.commit()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.expunge_all()


def article(wp_post_id: int) -> Article:
    return db.session.scalars(select(Article).where(Article.wp_post_id == wp_post_id)).one()


def response(wp_comment_id: int) -> Response:
    return db.session.scalars(
        select(Response).where(Response.wp_comment_id == wp_comment_id)).one()


def articles_by_status() -> Counter:
    return Counter(a.status.value for a in db.session.scalars(select(Article)))


def responses_by_kind_and_status() -> Counter:
    return Counter((r.kind.value, r.status.value) for r in db.session.scalars(select(Response)))


# --- small WXR documents written by the tests ------------------------------------------------

WXR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
    "<channel>\n<title>A test blog</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n")


def wxr_comment(wp_id: int, author: str, content: str, *, url: str = "", kind: str = "",
                approved: str = "1", parent: int = 0) -> str:
    return (f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>"
            f"<wp:comment_author><![CDATA[{author}]]></wp:comment_author>"
            f"<wp:comment_author_url>{url}</wp:comment_author_url>"
            f"<wp:comment_date_gmt>2020-01-02 10:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content><![CDATA[{content}]]></wp:comment_content>"
            f"<wp:comment_approved>{approved}</wp:comment_approved>"
            f"<wp:comment_type>{kind}</wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n")


def wxr_item(post_id: int, title: str, *, content: str = "Some text.", excerpt: str = "",
             comments: str = "", status: str = "publish", extra: str = "") -> str:
    """One post; the title, content and excerpt go in CDATA as WordPress writes them."""
    return (f"<item>\n<title><![CDATA[{title}]]></title>\n"
            f"<link>https://old.example.com/2020/01/01/post-{post_id}/</link>\n"
            f"<guid>https://old.example.com/?p={post_id}</guid>\n"
            f"<dc:creator><![CDATA[writer]]></dc:creator>\n"
            f"<content:encoded><![CDATA[{content}]]></content:encoded>\n"
            f"<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>\n"
            f"<wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>"
            f"<wp:post_name>post-{post_id}</wp:post_name>"
            f"<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>{extra}\n"
            f"{comments}</item>\n")


def wxr_document(*items: str, channel: str = "") -> bytes:
    return (WXR_HEAD + channel + "".join(items) + "</channel>\n</rss>\n").encode()


def write_wxr(path: Path, *items: str, channel: str = "") -> Path:
    path.write_bytes(wxr_document(*items, channel=channel))
    return path
