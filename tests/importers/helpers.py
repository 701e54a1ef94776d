"""Shared by the WXR tests: where the fixtures and the corpus are, importing, reading the DB."""

from __future__ import annotations

import json
import os
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
