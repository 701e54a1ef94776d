"""`flask demo` builds the same site whatever holds its text (issue 12: demo content as data).

Captured on the code that held the demo as Python, before the text moved to data files: the
counts per kind and status, the threads' shape, the titles, and a fingerprint of what the demo
says (every article's and response's own words, names, dates, kinds, statuses and places in
their threads, the tags, the people and the votes; ids and the moment of the run taken out), so
moving the text can't change a word, a date, a vote or a reply's place. The fingerprint leaves
out what the code derives (rendered HTML, summaries, counters, cache versions) and columns
other features add, which change with the code rather than with the demo's content; the whole
rows were compared before and after the move when it was made (both databases).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.extensions import db as _db
from app.models import Article, HelpfulVote, Response, ResponseKind, User

# What `flask demo` says (CONTENT), the same from the Python text and from the data files,
# on both databases.
FINGERPRINT = "eca2976dc85ba1d05cc81e2d1d168493b138e34770254fc25bce07b93c3b49f7"

ARTICLE_TITLES = [
    "Product management is not project management",
    "Roadmaps are promises about direction",
    "What I ask in a product manager interview",
    "One number, and the three that keep it honest",
]

QUESTION_TITLES = [
    "Does coordinating releases count as product experience?",
    "Which certification is worth it after three years as a project manager?",
    "How do I explain a move from product back to project management?",
    "Who should own the roadmap before a startup hires its first product manager?",
    "Is it normal to be asked for a roadmap in my first week as a junior PM?",
    "What can I show in a product interview when I have no portfolio?",
    "Can I get a product job without side projects to show?",
    "Do product analysts move into product management, and what do they lack?",
    "Is a part-time MBA worth it for a product owner?",
    "Two offers: project coordinator at a bank or associate PM at a startup?",
]

SECRET_COLUMNS = {"password_hash"}
# What the demo's content sets, table by table (the rest is derived or belongs to other parts).
CONTENT = {
    "users": ("name", "slug", "email", "role", "bio", "job_title", "social_handle", "website"),
    "articles": ("title", "slug", "path", "body_source", "body_format", "excerpt", "status",
                 "published_at", "author_id", "reprint_note", "reprint_url", "comments_open",
                 "pings_open", "trackback_urls"),
    "tags": ("name", "slug"),
    "article_tags": ("article_id", "tag_id"),
    "translations": ("article_id", "language", "code", "url"),
    "responses": ("article_id", "parent_id", "kind", "status", "author_name", "author_email",
                  "author_url", "user_id", "body_source", "created_at", "title", "source_url",
                  "source_title", "source_site", "mention_type", "author_photo",
                  "accepted_answer_id", "duplicate_of_id", "path"),
    "question_tags": ("name", "slug"),
    "question_tag_links": ("response_id", "tag_id"),
    "helpful_votes": ("response_id", "user_id"),
}
# How many times a scope was bumped counts the load's flushes, not what readers see: left out.
UNCOUNTED = {("cache_scopes", "version")}


def _value(value, started: datetime):
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        # The demo dates its content from fixed days; rows stamped at the run are "now".
        return "now" if value >= started else value.astimezone(UTC).isoformat()
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def fingerprint(session, started: datetime) -> str:
    return hashlib.sha256(snapshot(session, started).encode()).hexdigest()


def snapshot(session, started: datetime) -> str:
    """Every row of every table as JSON, ids replaced by each row's place in its table."""
    tables = _db.metadata.sorted_tables
    places: dict[str, dict] = {}
    dump = {}
    for table in tables:
        pk = list(table.primary_key.columns)
        rows = session.execute(select(table).order_by(*pk)).mappings().all()
        if len(pk) == 1 and pk[0].name == "id":
            places[table.name] = {row["id"]: index for index, row in enumerate(rows)}
    for table in tables:
        rows = session.execute(select(table)).mappings().all()
        out = []
        for row in rows:
            item = {}
            for column in table.columns:
                if column.name in SECRET_COLUMNS or (table.name, column.name) in UNCOUNTED \
                        or column.name not in CONTENT.get(table.name, ()):
                    continue
                value = row[column.name]
                if column.name == "id" and table.name in places:
                    value = places[table.name][value]
                elif column.foreign_keys and value is not None:
                    target = next(iter(column.foreign_keys)).column.table.name
                    value = places.get(target, {}).get(value, value)
                elif table.name == "responses" and column.name == "thread_id":
                    value = places["responses"].get(value)
                elif table.name == "cache_scopes" and column.name == "name" and ":" in value:
                    scope, number = value.split(":")  # "article:12", "question:99"
                    target = {"article": "articles", "question": "responses"}[scope]
                    value = f"{scope}:{places[target][int(number)]}"
                elif table.name == "responses" and column.name == "path":
                    value = ".".join(str(places["responses"][int(part)])
                                     for part in value.split("."))
                item[column.name] = _value(value, started)
            out.append(item)
        out.sort(key=lambda item: json.dumps(item, sort_keys=True, default=str))
        if out:
            dump[table.name] = out
    return json.dumps(dump, sort_keys=True, default=str, indent=0, ensure_ascii=False)


def test_the_demo_is_the_site_it_was(app, runner, db):
    started = datetime.now(UTC) - timedelta(seconds=5)
    loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded the demo: 4 articles" in loaded.output

    articles = db.session.scalars(select(Article).order_by(Article.id)).all()
    assert [a.title for a in articles] == ARTICLE_TITLES
    assert [sorted(t.name for t in a.tags) for a in articles] == [
        ["careers", "product management", "project management"],
        ["product management", "roadmaps"], ["careers", "hiring"],
        ["metrics", "product management"]]
    assert len(articles[0].translations) == 3 and articles[0].reprint_note

    responses = db.session.scalars(select(Response).order_by(Response.id)).all()
    counts = Counter((r.kind.value, r.status.value) for r in responses)
    assert counts == {
        ("comment", "approved"): 82, ("comment", "pending"): 4, ("comment", "spam"): 2,
        ("pingback", "approved"): 4, ("trackback", "approved"): 3,
        ("question", "approved"): 9, ("question", "pending"): 1,
    }
    questions = [r for r in responses if r.kind is ResponseKind.QUESTION]
    assert [q.title for q in questions] == QUESTION_TITLES
    assert [q.article_id and articles.index(q.article) for q in questions] == [
        0, 0, 0, 1, 1, 2, 2, 3, None, None]
    accepted = {q.title: q.accepted_answer.body_source[:20] for q in questions
                if q.accepted_answer}
    assert len(accepted) == 3
    [duplicate] = [q for q in questions if q.duplicate_of]
    assert duplicate.duplicate_of.title == QUESTION_TITLES[5]

    # The threads' shape under the demo article: how many at each depth, and per thread.
    discussion = [r for r in responses if r.article is articles[0] and not r.is_question
                  and not any(a.is_question for a in _ancestors(r))]
    assert Counter(r.depth for r in discussion) == {0: 45, 1: 23, 2: 8, 3: 5}
    roots = [r for r in discussion if r.parent_id is None]
    assert [sum(1 for r in discussion if r.thread_id == root.id) for root in roots] == [
        1, 4, 1, 2, 2, 1, 4, 1, 1, 4, 1, 5, 1, 1, 2, 3, 1, 1, 2, 2, 2, 2, 5, 1, 1, 2, 2, 1, 1, 4,
        1, 2, 1, 2, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1]

    votes = db.session.scalars(select(HelpfulVote)).all()
    assert len(votes) == 16
    assert sorted(u.email for u in db.session.scalars(select(User))) == [
        "admin@parley.example", "grace.mwangi@members.parley.example",
        "hannah.brooks@members.parley.example", "marcus.lindqvist@members.parley.example",
        "maya@parley.example", "moderator@parley.example", "yusuf.demir@members.parley.example"]

    lines = (Path(app.config["INSTANCE_DIR"]) / "demo-login.txt").read_text().splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["admin", "admin@parley.example"], ["moderator", "moderator@parley.example"]]
    assert f"admin@parley.example with password {lines[0].split()[2]}" in loaded.output

    assert fingerprint(db.session, started) == FINGERPRINT


def test_the_demo_loads_once(runner, db):
    assert runner.invoke(args=["demo"]).exit_code == 0
    started = datetime.now(UTC) - timedelta(seconds=5)
    before = fingerprint(db.session, started)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert fingerprint(db.session, started) == before


def _ancestors(response: Response):
    while response.parent is not None:
        response = response.parent
        yield response
