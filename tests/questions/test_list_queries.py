"""`/questions` costs the same SQL statements whatever the number of questions and answers:
every status filter, a tag, both orders, a search, a later page, for a reader whose page is
rendered (a member) and for an anonymous first view; for a few questions and for many (more
than a page of each status, answers, accepted answers, tags, questions about no article).
And the rule the count relies on: the hidden articles are exactly those readers cannot see."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.blog.services import visible_articles
from app.core import pagecache
from app.extensions import db as _db
from app.models import (
    Article,
    ArticleStatus,
    QuestionTag,
    Response,
    ResponseKind,
    ResponseStatus,
    Role,
)
from app.models.types import utcnow
from app.questions.listing import hidden_articles
from app.questions.tags import seed_default_tags
from tests.factories import PASSWORD, make_article, make_response, make_user

S = ResponseStatus
PAGES = ("/questions", "/questions?status=unanswered", "/questions?status=answered",
         "/questions?status=accepted", "/questions?tag=interviews",
         "/questions?status=answered&tag=interviews", "/questions?sort=active",
         "/questions?status=unanswered&sort=active", "/questions?status=accepted&sort=active",
         "/questions?q=career", "/questions?q=career&sort=active&status=answered")
START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
_minutes = itertools.count()


def _when() -> datetime:
    return START + timedelta(minutes=next(_minutes))


def fill(groups: int) -> None:
    """`groups` times: an unanswered, an answered and an accepted question (each tagged
    "interviews"), on an article or on none, with answers, a held answer and a follow-up."""
    seed_default_tags()
    interviews = _db.session.scalars(select(QuestionTag).where(
        QuestionTag.slug == "interviews")).one()
    articles = [make_article(title=f"Careers {n}") for n in range(2)]
    member = make_user(Role.MEMBER)
    for n in range(groups):
        for state in ("unanswered", "answered", "accepted"):
            article = articles[n % 2] if n % 3 else None
            asker = f"asker{n}-{state}@example.org"
            question = make_response(
                article, kind=ResponseKind.QUESTION, title=f"A career question {n} {state}",
                body="Which career step first?", author_email=asker, created_at=_when(),
                user=member if n % 4 == 0 else None, question_tags=[interviews])
            make_response(article, question, author_email=asker, created_at=_when(),
                          user=member if n % 4 == 0 else None)  # the asker's follow-up
            make_response(article, question, status=S.PENDING, created_at=_when(),
                          author_email=f"held{n}@example.org")
            if state == "unanswered":
                continue
            replies = [make_response(article, question, author_email=f"helper{n}-{k}@example.org",
                                     helpful_count=k, created_at=_when()) for k in range(2)]
            if state == "accepted":
                question.accepted_answer_id = replies[0].id
                _db.session.commit()


def statements(counter) -> int:
    return len([s for s in counter.statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")])


def page_queries(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="question-row' in text, url
    return statements(counter)


def all_queries(member, anonymous, count_queries, pages=PAGES) -> dict[str, int]:
    found = {}
    for url in pages:
        found[f"member {url}"] = page_queries(member, count_queries, url)
        pagecache.pages.clear()  # an anonymous reader's first view: rendered
        found[f"anonymous {url}"] = page_queries(anonymous, count_queries, url)
    return found


@pytest.fixture
def member(forms, db):
    user = make_user(Role.MEMBER, email="reader@example.org", name="Rita Reader")
    forms.login(user.email, PASSWORD)
    return forms.client


def test_every_filter_takes_the_same_queries_for_few_and_many(member, app, count_queries):
    anonymous = app.test_client()
    fill(1)
    few = all_queries(member, anonymous, count_queries)
    fill(24)  # 24 of each status: more than a page
    many = all_queries(member, anonymous, count_queries)
    assert few == many
    # The count, the page of ids (one query when searching), the rows with their figures,
    # their tags, the tag list; and the session's user for the member.
    assert max(many.values()) <= 7, many


def test_a_later_page_takes_the_same_queries(member, app, count_queries):
    anonymous = app.test_client()
    later = ("/questions?page=2", "/questions?sort=active&page=2")
    fill(8)  # 24 questions: a second page of 4
    few = all_queries(member, anonymous, count_queries, later)
    fill(40)
    assert all_queries(member, anonymous, count_queries, later) == few


def test_the_figures_on_the_page_come_with_the_rows(member):
    fill(2)
    page = member.get("/questions?status=accepted").get_data(as_text=True)
    assert page.count('class="question-row status-accepted"') == 2
    assert "· 2 answers · 1 helpful vote" in " ".join(page.split())
    rows = _db.session.scalars(select(Response).where(
        Response.kind == ResponseKind.QUESTION)).all()
    assert sorted(r.answer_count for r in rows) == [0, 0, 2, 2, 2, 2]


def test_hidden_articles_are_exactly_those_readers_cannot_see(db):
    """The count subtracts the questions on hidden articles: `hidden_articles` must be the
    complement of the blog's `visible_articles`, whatever state an article is in."""
    now = utcnow()
    made = [make_article(title="Published"), make_article(title="Draft", published=False),
            make_article(title="Scheduled", published_at=now + timedelta(days=2))]
    odd = [make_article(title=f"Odd {n}") for n in range(3)]
    # States the editor does not make, written directly: the rule must hold for them too.
    odd[0].status, odd[0].published_at = ArticleStatus.SCHEDULED, now - timedelta(days=1)
    odd[1].published_at = None
    odd[2].status, odd[2].published_at = ArticleStatus.DRAFT, now - timedelta(days=1)
    _db.session.commit()
    every = set(_db.session.scalars(select(Article.id)))
    visible = set(_db.session.scalars(
        visible_articles(now).with_only_columns(Article.id).order_by(None)))
    hidden = set(_db.session.scalars(hidden_articles(now)))
    assert visible | hidden == every and not visible & hidden
    assert {a.id for a in made if a.title != "Published"} <= hidden
    assert odd[0].id in visible and {odd[1].id, odd[2].id} <= hidden
