"""The Questions page: what is listed, each row's figures, filters, sorting, pages, the page
itself, and a constant number of queries however many questions and answers there are."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from werkzeug.datastructures import MultiDict

from app.extensions import db as _db
from app.models import QuestionTag, Response, ResponseKind, ResponseStatus, Role
from app.models.question import question_tag_links
from app.questions.listing import QuestionFilter, question_list
from app.questions.rules import QuestionStatus, question_slug
from app.questions.tags import seed_default_tags
from tests.factories import make_article, make_response, make_user

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
_minutes = iter(range(100_000))


def _next_time() -> datetime:
    return START + timedelta(minutes=next(_minutes))


def tags(*slugs: str) -> list[QuestionTag]:
    seed_default_tags()
    return list(_db.session.scalars(select(QuestionTag).where(QuestionTag.slug.in_(slugs))))


def ask(title: str, body: str = "", *, article=None, status=ResponseStatus.APPROVED,
        tag_slugs=(), **fields) -> Response:
    """A question (each one a minute newer than the one before), by a guest unless told."""
    fields.setdefault("author_email", f"asker-{next(_minutes)}@example.org")
    return make_response(article, kind=ResponseKind.QUESTION, title=title, body=body or title,
                         status=status, created_at=fields.pop("created_at", _next_time()),
                         question_tags=tags(*tag_slugs) if tag_slugs else [], **fields)


def answer(question: Response, *, status=ResponseStatus.APPROVED, helpful=0, **fields):
    fields.setdefault("author_email", f"helper-{next(_minutes)}@example.org")
    return make_response(question.article, question, status=status, body="Try this.",
                         helpful_count=helpful, created_at=fields.pop("created_at", _next_time()),
                         **fields)


def accept(question: Response, chosen: Response) -> None:
    question.accepted_answer_id = chosen.id
    _db.session.commit()


def listed(**args) -> list[int]:
    f = QuestionFilter.from_args(MultiDict(args))
    return [row.question.id for row in question_list(f).rows]


# --- what is listed ---------------------------------------------------------------------------

def test_only_approved_questions_on_live_articles_or_none(db):
    live, draft = make_article(), make_article(published=False)
    on_live = ask("On a live article", article=live)
    on_none = ask("About no article")
    ask("On a draft", article=draft)
    ask("Held", status=ResponseStatus.PENDING)
    ask("Spam", status=ResponseStatus.SPAM)
    ask("Trashed", status=ResponseStatus.TRASH)
    make_response(live, body="A plain comment?")
    assert listed() == [on_none.id, on_live.id]
    # Unpublished later: its questions leave the list.
    scheduled = make_article(published_at=datetime.now(UTC) + timedelta(days=2))
    ask("On a scheduled article", article=scheduled)
    assert listed() == [on_none.id, on_live.id]


def test_each_row_counts_answers_and_helpful_votes(db):
    member = make_user(Role.MEMBER)
    question = ask("Which course?", user=member, author_email=member.email)
    answer(question, helpful=3)
    answer(question, helpful=2)
    answer(question, status=ResponseStatus.PENDING, helpful=9)  # not published
    answer(question, user=member, author_email=member.email)  # the asker's own follow-up
    reply_to_answer_parent = answer(question)
    make_response(question.article, reply_to_answer_parent, body="A reply to the answer.")
    lone = ask("Nobody answered")
    rows = {row.question.id: row for row in question_list(QuestionFilter()).rows}
    row = rows[question.id]
    assert (row.answer_count, row.helpful_votes, row.status) == (3, 5, QuestionStatus.ANSWERED)
    assert row.last_activity == reply_to_answer_parent.created_at
    assert row.question.user.id == member.id
    empty = rows[lone.id]
    assert (empty.answer_count, empty.helpful_votes, empty.status) == \
        (0, 0, QuestionStatus.UNANSWERED)
    assert empty.last_activity == lone.created_at


def test_a_guest_askers_own_reply_is_not_an_answer(db):
    question = ask("Guest asking", author_email="guest@example.org")
    answer(question, author_email="guest@example.org")
    row = question_list(QuestionFilter()).rows[0]
    assert (row.answer_count, row.status) == (0, QuestionStatus.UNANSWERED)


# --- status filters -------------------------------------------------------------------------

@pytest.fixture
def by_status(db):
    unanswered = ask("Unanswered")
    held_only = ask("Only a held answer")
    answer(held_only, status=ResponseStatus.PENDING)
    answered = ask("Answered")
    answer(answered)
    accepted = ask("Accepted")
    accept(accepted, answer(accepted))
    # The accepted answer was later trashed: answered again (by another answer).
    lost = ask("Accepted answer trashed")
    answer(lost)
    accept(lost, answer(lost, status=ResponseStatus.TRASH))
    return {"unanswered": [held_only.id, unanswered.id], "answered": [lost.id, answered.id],
            "accepted": [accepted.id]}


@pytest.mark.parametrize("status", ["unanswered", "answered", "accepted"])
def test_status_filter(by_status, status):
    assert listed(status=status) == by_status[status]
    rows = question_list(QuestionFilter(status=status)).rows
    assert {row.status.value for row in rows} == {status}


def test_every_status_together(by_status):
    assert sorted(listed()) == sorted(sum(by_status.values(), []))


def test_tag_filter_alone_and_with_status_and_search(db):
    both = ask("Interview prep for a first job", tag_slugs=("interviews", "first-job"))
    interviews = ask("Interview nerves", tag_slugs=("interviews",))
    ask("Certification costs", tag_slugs=("certification",))
    answer(interviews)
    assert listed(tag="interviews") == [interviews.id, both.id]
    assert listed(tag="first-job") == [both.id]
    assert listed(tag="interviews", status="unanswered") == [both.id]
    assert listed(tag="interviews", q="nerves") == [interviews.id]
    assert listed(tag="certification", q="interview") == []
    row = question_list(QuestionFilter(tag="first-job")).rows[0]
    assert [t.name for t in row.question.question_tags] == ["first job", "interviews"]


def test_search_with_status_filter_and_highlights(db):
    open_one = ask("Switching to UX research", "Is a bootcamp enough for research roles?")
    done = ask("Research or data science?", "Which pays better in research?")
    answer(done)
    ask("Something else", "No match here.")
    assert sorted(listed(q="research")) == sorted([open_one.id, done.id])
    assert listed(q="research", status="answered") == [done.id]
    page = question_list(QuestionFilter(q="research", status="unanswered"))
    assert page.total == 1
    assert page.rows[0].title_html == "Switching to UX <mark>research</mark>"
    assert "<mark>research</mark> roles" in page.rows[0].excerpt_html
    assert page.searched is not None and page.rows[0].score is not None


# --- sorting and pages -------------------------------------------------------------------------

def test_newest_and_most_active(db):
    old = ask("Asked first")
    middle = ask("Asked second")
    new = ask("Asked last")
    answer(old)  # the newest activity of all
    answer(middle, status=ResponseStatus.PENDING)  # not activity readers see
    assert listed() == [new.id, middle.id, old.id]
    assert listed(sort="newest") == [new.id, middle.id, old.id]
    assert listed(sort="active") == [old.id, new.id, middle.id]
    # Searching: best match first, or the order asked for.
    assert listed(q="asked", sort="active") == [old.id, new.id, middle.id]
    assert listed(q="asked", sort="newest") == [new.id, middle.id, old.id]


def test_pages(db):
    made = [ask(f"Question number {n}") for n in range(45)]
    first = question_list(QuestionFilter())
    assert (first.total, first.pages, len(first.rows)) == (45, 3, 20)
    assert first.rows[0].question.id == made[-1].id
    last = question_list(QuestionFilter(page=3))
    assert [r.question.id for r in last.rows] == [q.id for q in reversed(made[:5])]
    assert last.has_prev and not last.has_next
    assert question_list(QuestionFilter(page=4)).out_of_range
    assert question_list(QuestionFilter(q="number", page=3)).total == 45


def test_page_numbers():
    from app.questions.listing import QuestionList

    page = QuestionList(rows=[], page=7, per_page=20, total=20 * 15)
    assert page.page_numbers() == [1, None, 5, 6, 7, 8, 9, None, 15]
    assert QuestionList(rows=[], page=1, per_page=20, total=0).page_numbers() == [1]


def test_filter_from_odd_arguments():
    f = QuestionFilter.from_args(MultiDict({"status": "closed", "tag": "no-such", "sort": "x",
                                            "page": "-3", "q": "  two   words "}),
                                 tag_slugs={"interviews"})
    assert f == QuestionFilter(q="two words")
    assert f.order == "relevance"
    assert QuestionFilter.from_args(MultiDict({"page": "9" * 30})).page == 1
    assert QuestionFilter.from_args(MultiDict({"sort": "relevance"})).sort == ""
    good = QuestionFilter.from_args(MultiDict({"status": "accepted", "tag": "interviews",
                                               "sort": "active", "page": "2"}),
                                    tag_slugs={"interviews"})
    assert good == QuestionFilter(status="accepted", tag="interviews", sort="active", page=2)
    assert good.as_args(status="") == {"tag": "interviews", "sort": "active"}
    assert good.as_args(page=3)["page"] == 3
    assert good.feed_args() == {"status": "accepted", "tag": "interviews"}


# --- queries --------------------------------------------------------------------------------

def _many_answers(count: int, answers_each: int) -> None:
    """Questions (half of them on an article, tagged), most with answers, helpful votes and
    now and then an accepted answer, written in one go."""
    seed_default_tags()
    tag_rows = list(_db.session.scalars(select(QuestionTag)))
    article = make_article()
    member = make_user(Role.MEMBER)
    questions = [Response(kind=ResponseKind.QUESTION, status=ResponseStatus.APPROVED,
                          article=article if n % 2 else None, title=f"Career question {n}",
                          body_source=f"Text of question {n} about careers.",
                          author_name=f"Asker {n}", author_email=f"asker{n}@example.org",
                          user=member if n % 3 == 0 else None, created_at=_next_time(),
                          question_tags=tag_rows[n % 4:n % 4 + 2]) for n in range(count)]
    _db.session.add_all(questions)
    _db.session.flush()
    answers = []
    for n, question in enumerate(questions):
        question.place_under(None)
        for k in range(answers_each if n % 4 else 0):  # every fourth one unanswered
            answers.append((question, Response(
                kind=ResponseKind.COMMENT, status=ResponseStatus.APPROVED,
                article=question.article, body_source="An answer.",
                author_email=f"helper{k}@example.org", helpful_count=k % 3,
                created_at=_next_time())))
    _db.session.add_all(reply for _, reply in answers)
    _db.session.flush()
    for n, (question, reply) in enumerate(answers):
        reply.place_under(question)
        if n % (2 * answers_each) == 1:
            question.accepted_answer_id = reply.id
    _db.session.commit()


def _statements(counter) -> int:
    return len([s for s in counter.statements if s != "BEGIN"])


def _page_queries(count_queries, client, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200 and b"No questions match" not in response.data, url
    return _statements(counter)


PAGES = ["/questions", "/questions?status=answered", "/questions?status=unanswered&sort=active",
         "/questions?status=accepted", "/questions?q=career",
         "/questions?tag=interviews&q=question&sort=newest"]


def test_the_page_takes_the_same_queries_for_5_and_60_questions(app, client, count_queries):
    with app.app_context():
        _many_answers(5, 2)
    few = {url: _page_queries(count_queries, client, url) for url in PAGES}
    _clean_questions(app)
    with app.app_context():
        _many_answers(60, 12)
    many = {url: _page_queries(count_queries, client, url) for url in PAGES}
    assert few == many
    # At most: the content version, the tags, the count, the page, its rows, their tags, the
    # next scheduled article (stored with the cached page).
    assert max(many.values()) <= 7, many


def _clean_questions(app) -> None:
    """Remove every question and answer (the tags stay), and the pages cached from them."""
    from app.core import pagecache

    pagecache.pages.clear()
    with app.app_context():
        _db.session.execute(question_tag_links.delete())
        _db.session.execute(update(Response).values(accepted_answer_id=None))
        _db.session.execute(delete(Response))
        _db.session.commit()


@pytest.mark.parametrize("f, expected", [
    (QuestionFilter(), 4),  # count, page of ids, the rows, their tags
    (QuestionFilter(status="answered", sort="active"), 4),
    (QuestionFilter(q="career"), 3),  # the search counts in its own query
])
def test_the_list_takes_the_same_queries_for_3_or_30_questions(db, count_queries, f, expected):
    _many_answers(3, 4)
    with count_queries() as counter:
        small = question_list(f)
        [(row.question.article, row.question.user, row.question.question_tags)
         for row in small.rows]
    few = _statements(counter)
    _many_answers(27, 4)
    with count_queries() as counter:
        large = question_list(f)
        [(row.question.article, row.question.user, row.question.question_tags)
         for row in large.rows]
    assert 0 < len(small.rows) == small.total < len(large.rows) == min(20, large.total)
    assert few == _statements(counter) == expected


# --- the page ---------------------------------------------------------------------------------

def test_the_page_shows_each_row(db, client):
    article = make_article(title="Moving into product")
    member = make_user(Role.MEMBER, name="Dana Q")
    on_article = ask("Should I take a PM certificate?", article=article, user=member,
                     author_name="Dana Q", tag_slugs=("certification",))
    accept(on_article, answer(on_article, helpful=4))
    ask("Where do I start?", author_name="\u202eevil name")
    html = client.get("/questions").get_data(as_text=True)
    href = f"/questions/{on_article.id}-{question_slug(on_article.title)}"
    assert f'href="{href}"' in html
    assert f'href="{article.path}"' in html and "Moving into product" in html
    assert "on the Questions page" in html
    assert "<bdi>Dana Q</bdi>" in html
    assert "1 answer" in html and "4 helpful votes" in html
    assert 'class="question-badge status-accepted">Accepted answer<' in html
    assert 'class="question-badge status-unanswered">Unanswered<' in html
    assert 'href="/questions?tag=certification"' in html
    assert 'href="/questions/ask"' in html and "Ask a question" in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/questions/feed/"' in html
    assert '<form method="get" action="/questions"' in html


def test_the_page_with_filters_links_to_its_feed_and_keeps_its_filters(db, client):
    seed_default_tags()
    ask("One question", tag_slugs=("interviews",))
    html = client.get("/questions?status=unanswered&tag=interviews").get_data(as_text=True)
    assert 'href="/questions/feed/?status=unanswered&amp;tag=interviews"' in html
    assert 'name="status" value="unanswered"' in html and 'name="tag" value="interviews"' in html
    assert re.search(r'href="/questions\?tag=interviews" *>All</a>', html) or \
        'href="/questions?tag=interviews">All</a>' in html
    assert 'aria-current="page">Unanswered</a>' in html


def test_the_page_highlights_and_escapes(db, client):
    ask("<script>alert(1)</script> salary question", "How do I talk salary <em>early</em>?")
    html = client.get("/questions?q=salary").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>salary</mark> question" in html
    assert "talk <mark>salary</mark> &lt;em&gt;early&lt;/em&gt;?" in html
    assert "1 question matches “salary”" in html


def test_no_questions_match(db, client):
    ask("Anything")
    html = client.get("/questions?q=nonexistentword").get_data(as_text=True)
    assert "No questions match" in html and "See every question" in html
    html = client.get("/questions?q=%22%22%22").get_data(as_text=True)
    assert "No questions match" in html


def test_pagination_links(db, client):
    for n in range(25):
        ask(f"Paged question {n}")
    html = client.get("/questions?status=unanswered").get_data(as_text=True)
    assert 'href="/questions?status=unanswered&amp;page=2"' in html
    assert 'rel="next"' in html and "Paged question 24" in html
    second = client.get("/questions?status=unanswered&page=2").get_data(as_text=True)
    assert "Paged question 0" in second and "Paged question 24" not in second
    assert 'aria-current="page">2</a>' in second
    assert client.get("/questions?page=3").status_code == 404


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=99999999999999999999",
                                   "status=%00", "status=everything", "tag=%F0%9F%92%A5",
                                   "tag=" + "x" * 500, "sort=;drop", "q=" + "word " * 300,
                                   "q=%00", "q=NEAR(", "status[]=1", "q=*&sort=relevance"])
def test_odd_arguments_never_fail(db, client, query):
    ask("Something to list")
    assert client.get("/questions?" + query).status_code == 200


def test_the_page_is_cached_for_anonymous_readers(db, client):
    ask("First question")
    client.get("/questions")
    assert client.get("/questions").headers.get("X-Parley-Cache") == "hit"
    ask("Second question")
    fresh = client.get("/questions")
    assert fresh.headers.get("X-Parley-Cache") is None
    assert "Second question" in fresh.get_data(as_text=True)


def test_searches_are_not_stored_in_the_page_cache(client, app_ctx):
    from app.core import pagecache

    pagecache.pages.clear()
    assert client.get("/questions?q=anything+at+all").status_code == 200
    assert client.get("/questions").status_code == 200
    assert list(pagecache.pages._pages) == ["/questions?"]
