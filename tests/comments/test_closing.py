"""Closing old discussions: the one rule (pure), and every way in refused by it."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from app.comments import closing
from app.comments.wording import plural
from app.core.paging import page_numbers
from app.models import Response
from app.models.types import utcnow
from tests.factories import change_settings, make_article
from tests.linkbacks.test_pingback import call, fault_code
from tests.linkbacks.test_trackback import answer, ping

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def an_article(days_old: float, *, comments_open=True, pings_open=True, keep_open=False):
    return SimpleNamespace(published_at=NOW - timedelta(days=days_old), keep_open=keep_open,
                           comments_open=comments_open, pings_open=pings_open)


# --- the rule ------------------------------------------------------------------------------

def test_zero_days_never_closes():
    state = closing.comments(an_article(5000), 0, NOW)
    assert state == closing.Openness(True, None, None)


def test_an_article_older_than_the_setting_is_closed_by_age():
    assert closing.comments(an_article(31), 30, NOW) == closing.Openness(False, closing.BY_AGE)
    assert closing.pings(an_article(31), 30, NOW) == closing.Openness(False, closing.BY_AGE)


def test_a_younger_article_is_open_and_knows_when_it_closes():
    state = closing.comments(an_article(29), 30, NOW)
    assert state.open and state.closes_at == NOW + timedelta(days=1)


def test_it_closes_at_the_exact_moment():
    article = an_article(30)
    assert not closing.comments(article, 30, NOW).open
    assert closing.comments(article, 30, NOW - timedelta(microseconds=1)).open


def test_keep_open_passes_the_age_rule_by():
    state = closing.comments(an_article(400, keep_open=True), 30, NOW)
    assert state == closing.Openness(True, None, None)


def test_closed_by_the_author_whatever_the_age():
    assert closing.comments(an_article(1, comments_open=False), 30, NOW).reason == \
        closing.BY_AUTHOR
    assert closing.pings(an_article(1, pings_open=False, keep_open=True), 0, NOW).reason == \
        closing.BY_AUTHOR
    # Comments and pings are closed apart by the author.
    assert closing.comments(an_article(1, pings_open=False), 30, NOW).open


def test_the_reasons_read_as_sentences():
    by_age = closing.Openness(False, closing.BY_AGE)
    assert closing.closed_message(by_age, 30) == "Comments close 30 days after publication."
    assert closing.closed_message(by_age, 1) == "Comments close 1 day after publication."
    assert closing.closed_message(closing.Openness(False, closing.BY_AUTHOR), 30) == \
        "The author closed comments on this article."
    assert closing.refusal(by_age, 30, "Linkbacks") == \
        "Linkbacks are closed on this article: linkbacks close 30 days after publication."


def test_plurals():
    assert plural(1, "second") == "1 second"
    assert plural(0, "comment") == "0 comments"
    assert plural(1200, "response") == "1,200 responses"
    assert plural(2, "reply") == "2 replies"


def test_page_numbers_show_the_ends_and_the_pages_near():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(2, 4) == [1, 2, 3, 4]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(1, 20) == [1, 2, 3, None, 20]
    assert page_numbers(5, 20) == [1, 2, 3, 4, 5, 6, 7, None, 20]  # no "…" for one page


# --- through the app -----------------------------------------------------------------------

def old_article(days_old: float = 40, **fields):
    return make_article(published_at=utcnow() - timedelta(days=days_old), **fields)


def test_an_old_article_shows_why_it_is_closed_and_refuses_a_comment(app, forms, db):
    change_settings(close_after_days=30)
    article = old_article()
    page = forms.client.get(article.path).get_data(as_text=True)
    assert "Comments are closed" in page and "data-comment-form" not in page
    assert "Comments close 30 days after publication." in page
    assert 'href="#respond">Leave a comment' not in page

    refused = forms.post(f"/articles/{article.id}/comments",
                         {"name": "Ann", "email": "ann@example.org", "body": "Late words"},
                         form_url="/login")  # the closed page has no form to take a token from
    assert refused.status_code == 422
    assert "Comments are closed on this article: comments close 30 days after publication." \
        in refused.get_data(as_text=True)
    assert "Late words</textarea>" in refused.get_data(as_text=True)  # the text is kept
    assert db.session.scalars(select(Response)).all() == []


def test_closed_by_the_author_says_so(client, db):
    article = make_article(comments_open=False)
    page = client.get(article.path).get_data(as_text=True)
    assert "The author closed comments on this article." in page


def test_keep_open_keeps_an_old_article_open(client, db):
    change_settings(close_after_days=30)
    article = old_article(keep_open=True)
    page = client.get(article.path).get_data(as_text=True)
    assert "data-comment-form" in page and "Comments are closed" not in page
    assert 'rel="pingback"' in page


def test_an_old_article_stops_advertising_and_refuses_pingbacks(app, client, db):
    change_settings(close_after_days=30)
    article = old_article()
    page = client.get(article.path)
    assert "X-Pingback" not in page.headers and 'rel="pingback"' not in page.get_data(True)
    target = app.config["SITE_URL"] + article.path
    assert fault_code(call(client, "pingback.ping", "https://elsewhere.example/post",
                           target)) == 0x0021


def test_an_old_article_refuses_trackbacks_in_trackback_form(client, db):
    change_settings(close_after_days=30)
    article = old_article()
    code, message = answer(ping(client, article, {"url": "https://elsewhere.example/post"}))
    assert code == "1" and "linkbacks close 30 days after publication" in message


def test_an_old_article_refuses_webmentions(app, client, db):
    change_settings(close_after_days=30)
    article = old_article()
    reply = client.post("/webmention", data={"source": "https://elsewhere.example/post",
                                             "target": app.config["SITE_URL"] + article.path})
    assert reply.status_code == 400 and b"closed" in reply.data


def test_the_setting_is_on_the_settings_page(app, db):
    from app.models.user import Role
    from tests.factories import make_user

    mod = make_user(Role.MODERATOR, email="mo@example.org")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{mod.id}:{mod.session_version}"
        session["_fresh"] = True
    page = client.get("/moderation/settings").get_data(as_text=True)
    assert "Automatically close comments and pings on articles older than" in page
    assert 'name="close_after_days"' in page


def test_a_stored_page_ends_when_its_discussion_closes_by_age(client, db):
    change_settings(close_after_days=1)
    closes = utcnow() + timedelta(seconds=1.5)
    article = make_article(published_at=closes - timedelta(days=1))
    first = client.get(article.path).get_data(as_text=True)
    assert "data-comment-form" in first
    assert client.get(article.path).headers["X-Parley-Cache"] == "hit"

    # Nothing is written: only the clock passes the moment the discussion closes.
    time.sleep(max((closes - utcnow()).total_seconds(), 0) + 0.05)
    later = client.get(article.path)
    assert "X-Parley-Cache" not in later.headers
    page = later.get_data(as_text=True)
    assert "Comments are closed" in page and "data-comment-form" not in page
    assert 'class="reply-link"' not in page


def test_answers_under_an_old_article_close_with_its_comments(client, db):
    from app.models import ResponseKind
    from app.questions.services import question_url
    from tests.factories import make_response

    article = old_article()
    question = make_response(article, kind=ResponseKind.QUESTION, title="Which role?",
                             body="Which role should I take?")
    with client.application.test_request_context():
        url = question_url(question)
    assert "Your answer" in client.get(url).get_data(as_text=True)
    change_settings(close_after_days=30)
    assert "Your answer" not in client.get(url).get_data(as_text=True)


def test_the_editor_keeps_an_article_open_regardless_of_age(forms, db):
    from app.models import Article
    from app.models.user import Role
    from tests.authoring.test_views import article_form
    from tests.factories import PASSWORD, make_user

    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    editor = forms.client.get("/write/new").get_data(as_text=True)
    assert "Keep open regardless of age" in editor and 'name="keep_open"' in editor
    assert forms.post("/write/new", article_form(save="Save draft", keep_open="y")
                      ).status_code == 302
    article = db.session.scalars(select(Article)).one()
    assert article.keep_open is True
    reopened = forms.client.get(f"/write/{article.id}/edit").get_data(as_text=True)
    assert re.search(r'id="keep_open" name="keep_open" type="checkbox" value="y"[^>]* checked'
                     r'|checked[^>]*id="keep_open"', reopened)
    forms.post(f"/write/{article.id}/edit", article_form(save="Save draft"))
    db.session.refresh(article)
    assert article.keep_open is False  # unticked: follows the site's setting again
