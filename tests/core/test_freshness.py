"""Which scopes each change moves: a change to article A's discussion moves A's scope and not
B's; a held comment moves nothing; site-wide changes move the site."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import freshness
from app.extensions import db as _db
from app.models import Response, ResponseKind, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import services as moderation
from tests.factories import change_settings, make_article, make_response, make_user


@pytest.fixture
def two_articles(db):
    author = make_user(Role.AUTHOR, name="Ann Author")
    a = make_article(author, title="Article A")
    b = make_article(author, title="Article B")
    return a, b


def _snapshot(*articles, questions=()) -> dict[str, int]:
    names = [freshness.SITE, freshness.ARTICLES, freshness.DISCUSSIONS, freshness.QUESTIONS,
             freshness.ANY, *(freshness.article(a.id) for a in articles),
             *(freshness.question(q) for q in questions)]
    return freshness.current(names)


def _moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before if after[name] != before[name]}


def _approve(response: Response) -> None:
    moderation.apply(response, "approve", None, seen=None, now=utcnow())
    _db.session.commit()


def test_a_held_comment_moves_nothing(two_articles):
    a, b = two_articles
    before = _snapshot(a, b)
    make_response(a, status=ResponseStatus.PENDING, body="Held for a moderator")
    assert _moved(before, _snapshot(a, b)) == set()


@pytest.mark.parametrize("change", ["approve", "unapprove", "edit", "delete", "reply", "spam"])
def test_a_change_to_a_visible_response_moves_its_article_only(two_articles, change):
    a, b = two_articles
    shown = make_response(a, body="Visible")
    held = make_response(a, status=ResponseStatus.PENDING, body="Waiting")
    before = _snapshot(a, b)
    if change == "approve":
        _approve(held)
    elif change == "unapprove":
        moderation.apply(shown, "unapprove", None, seen=None, now=utcnow())
    elif change == "edit":
        shown.body_html = "<p>Edited</p>"
    elif change == "delete":
        _db.session.delete(shown)  # as the author's own delete does
    elif change == "reply":
        make_response(a, shown, body="A reply to it")
    elif change == "spam":
        moderation.apply(shown, "spam", None, seen=None, now=utcnow())
    _db.session.commit()
    assert _moved(before, _snapshot(a, b)) == {
        freshness.article(a.id), freshness.DISCUSSIONS, freshness.ANY}


def test_every_change_to_a_response_counts_its_version(two_articles):
    a, _ = two_articles
    response = make_response(a, body="Counting")
    start = response.version
    response.body_html = "<p>Once</p>"
    _db.session.commit()
    response.author_name = "Twice"
    _db.session.commit()
    _db.session.commit()  # nothing changed: nothing counted
    assert response.version == start + 2


def test_an_answer_moves_its_question_and_the_questions_list(two_articles):
    a, b = two_articles
    question = make_response(a, kind=ResponseKind.QUESTION, title="How do I start?",
                             body="How do I start?")
    before = _snapshot(a, b, questions=[question.id])
    answer = make_response(a, question, body="Start small.")
    assert _moved(before, _snapshot(a, b, questions=[question.id])) == {
        freshness.article(a.id), freshness.DISCUSSIONS, freshness.QUESTIONS,
        freshness.question(question.id), freshness.ANY}
    before = _snapshot(a, b, questions=[question.id])
    make_response(a, answer, body="A reply to the answer")
    assert freshness.question(question.id) in _moved(before, _snapshot(a, b,
                                                                      questions=[question.id]))


def test_an_article_edit_moves_its_page_and_the_lists(two_articles):
    a, b = two_articles
    before = _snapshot(a, b)
    a.title = "Article A, retitled"
    _db.session.commit()
    assert _moved(before, _snapshot(a, b)) == {
        freshness.article(a.id), freshness.ARTICLES, freshness.ANY}


def test_site_wide_changes_move_the_site(two_articles):
    a, b = two_articles
    before = _snapshot(a, b)
    change_settings(newest_first=True)
    assert freshness.SITE in _moved(before, _snapshot(a, b))

    before = _snapshot(a, b)
    a.author.name = "Ann Renamed"
    _db.session.commit()
    assert _moved(before, _snapshot(a, b)) == {freshness.SITE, freshness.ANY}


def test_what_readers_never_see_of_an_account_moves_nothing(two_articles):
    a, b = two_articles
    before = _snapshot(a, b)
    a.author.session_version += 1  # a log out everywhere
    a.author.password_hash = "changed"
    _db.session.commit()
    assert _moved(before, _snapshot(a, b)) == set()


def test_versions_are_read_again_only_after_a_commit(app, two_articles):
    a, _ = two_articles
    versions = freshness.versions_for(app)
    first = versions.current([freshness.article(a.id)])
    make_response(a, body="Committed elsewhere")
    second = versions.current([freshness.article(a.id)])
    assert second[freshness.article(a.id)][0] > first[freshness.article(a.id)][0]
    assert versions.current([freshness.article(a.id)]) == second
    changed_at = second[freshness.article(a.id)][1]
    assert changed_at is not None and abs(changed_at - utcnow()) < timedelta(minutes=1)


def test_a_new_account_moves_nothing(two_articles):
    a, b = two_articles
    before = _snapshot(a, b)
    make_user(name="Just Registered")
    assert _moved(before, _snapshot(a, b)) == set()
