"""The counts of responses per kind and status that the database's triggers keep
(`response_counts`, models/response.py), which the queue's tabs show.

After every change the counters are compared with a count over the rows: changes through the
services (posting, every moderator action, the author's delete, curation) and through what no
service sees (bulk statements, ON DELETE CASCADE). And the migration installs the very
statements `create_all` does."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from app.comments.services import Commenter, CommentInput, delete_own, submit_comment
from app.extensions import db as _db
from app.models import Article, Response, ResponseKind, ResponseStatus, Role
from app.models import response as response_model
from app.models.response import ResponseCount, recount
from app.models.types import utcnow
from app.moderation import services as moderation
from app.moderation import settings as site_settings
from app.moderation.queue import QueueFilter, tab_counts
from app.questions import curation
from tests.factories import make_article, make_response, make_user

S, K = ResponseStatus, ResponseKind
MIGRATION = next((Path(__file__).parents[2] / "migrations" / "versions").glob("e3d2f64d59be_*.py"))


def stored() -> dict[tuple[str, str], int]:
    _db.session.commit()
    return {(row.kind, row.status): row.total
            for row in _db.session.scalars(select(ResponseCount)) if row.total}


def counted() -> dict[tuple[str, str], int]:
    rows = _db.session.execute(select(Response.kind, Response.status, func.count())
                               .group_by(Response.kind, Response.status))
    return {(kind.value, status.value): n for kind, status, n in rows}


def check() -> dict[tuple[str, str], int]:
    found = stored()
    assert found == counted()
    return found


@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR, name="Mo Derator")


def act(response: Response, action: str, moderator) -> None:
    moderation.apply(_db.session.get(Response, response.id), action, moderator, seen=None,
                     now=utcnow())
    _db.session.commit()


def test_every_kind_and_status_is_counted_as_it_is_made(db):
    article = make_article()
    for kind in K:
        for status in S:
            for _ in range(2 if kind is K.COMMENT else 1):
                make_response(article, kind=kind, status=status)
    found = check()
    assert found[("comment", "pending")] == 2 and found[("trackback", "spam")] == 1
    assert len(found) == len(K) * len(S)


def test_moderator_actions_move_one_response_between_counters(db, moderator):
    article = make_article()
    response = make_response(article, status=S.PENDING)
    make_response(article, status=S.APPROVED)
    for action, status in [("approve", "approved"), ("unapprove", "pending"), ("spam", "spam"),
                           ("not_spam", "pending"), ("trash", "trash"), ("restore", "pending"),
                           ("spam", "spam"), ("delete", None)]:
        act(response, action, moderator)
        found = check()
        if status is not None:
            assert found[("comment", status)] == 1 + (status == "approved")
    assert stored() == {("comment", "approved"): 1}


def test_posting_editing_deleting_own_and_curation(db, moderator):
    article = make_article()
    posted = submit_comment(article, CommentInput(
        body="Does anyone know a good course?", name="Ann", email="ann@example.org"),
        Commenter(user=None, ip="192.0.2.7", user_agent="pytest", now=utcnow()),
        site_settings.load())
    _db.session.commit()
    check()
    if posted.status is not S.APPROVED:
        act(posted, "approve", moderator)
    curation.turn_into_question(_db.session.get(Response, posted.id), moderator, utcnow())
    _db.session.commit()
    assert check()[("question", "approved")] == 1
    curation.turn_into_comment(_db.session.get(Response, posted.id), moderator, utcnow())
    _db.session.commit()
    assert check() == {("comment", "approved"): 1}
    delete_own(_db.session.get(Response, posted.id),
               Commenter(user=None, ip="192.0.2.7", user_agent="pytest", now=utcnow(),
                         own_ids=frozenset({posted.id})))
    _db.session.commit()
    assert check() == {("comment", "trash"): 1}


def test_bulk_statements_and_an_article_deleted_with_its_responses(db):
    kept, gone = make_article(), make_article()
    for article in (kept, gone):
        parent = make_response(article, status=S.PENDING)
        for _ in range(3):
            make_response(article, parent, status=S.PENDING)
        make_response(article, kind=K.PINGBACK, status=S.SPAM)
    _db.session.execute(update(Response).where(Response.status == S.PENDING)
                        .values(status=S.APPROVED))
    assert check() == {("comment", "approved"): 8, ("pingback", "spam"): 2}
    _db.session.execute(update(Response).where(Response.kind == K.PINGBACK)
                        .values(kind=K.TRACKBACK, status=S.TRASH))
    _db.session.execute(delete(Article).where(Article.id == gone.id))
    assert check() == {("comment", "approved"): 4, ("trackback", "trash"): 1}
    _db.session.execute(delete(Response))
    assert check() == {}


def test_the_tabs_read_the_counters(db):
    article = make_article()
    for status, n in ((S.PENDING, 3), (S.APPROVED, 2), (S.SPAM, 4), (S.TRASH, 1)):
        for _ in range(n):
            make_response(article, status=status)
            make_response(article, kind=K.WEBMENTION, status=status)
    assert tab_counts(QueueFilter()) == {"pending": 6, "approved": 4, "spam": 8, "trash": 2,
                                         "all": 10}
    assert tab_counts(QueueFilter(kind="webmention")) == {
        "pending": 3, "approved": 2, "spam": 4, "trash": 1, "all": 5}
    assert tab_counts(QueueFilter(kind="question")) == dict.fromkeys(
        ("pending", "approved", "spam", "trash", "all"), 0)
    # Filters the counters cannot answer count the rows.
    assert tab_counts(QueueFilter(article_id=article.id, kind="comment"))["pending"] == 3
    assert tab_counts(QueueFilter(article_id=article.id + 1)) == dict.fromkeys(
        ("pending", "approved", "spam", "trash", "all"), 0)


def test_recount_repairs_counters(db):
    article = make_article()
    make_response(article, status=S.PENDING)
    make_response(article, kind=K.QUESTION, status=S.APPROVED)
    _db.session.execute(update(ResponseCount).values(total=ResponseCount.total + 5))
    _db.session.add(ResponseCount(kind="pingback", status="spam", total=9))
    _db.session.commit()
    assert stored() != counted()
    recount(_db.session.connection())
    assert check() == {("comment", "pending"): 1, ("question", "approved"): 1}


def test_the_migration_installs_what_create_all_does():
    spec = importlib.util.spec_from_file_location("big_site_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.SQLITE_COUNTER_DDL == response_model.SQLITE_COUNTER_DDL
    assert migration.PG_COUNTER_DDL == response_model.PG_COUNTER_DDL
    assert migration.RECOUNT == response_model.RECOUNT
