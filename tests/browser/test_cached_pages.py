"""Readers in Chromium get stored, compressed pages and post from them, with and without
JavaScript: the token in a stored page is each reader's own, and a change shows at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.models import Response, ResponseStatus
from app.models.types import utcnow
from app.moderation import services as moderation
from tests.factories import change_settings, make_article, make_response

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_readers_post_from_stored_pages_and_see_changes_at_once(
        open_page, live_server, db, javascript):
    change_settings(flood_seconds=0)
    article = make_article(title="Stored and served", body="What the cache keeps.")
    make_response(article, body="An early reply")
    url = live_server.url + article.path

    first = open_page(java_script_enabled=javascript)
    first.goto(url)  # rendered, and stored
    reader = open_page(java_script_enabled=javascript)
    answer = reader.goto(url)
    assert answer.headers.get("x-parley-cache") == "hit"
    assert answer.headers.get("content-encoding") == "gzip"  # Chromium accepts it
    expect(reader.get_by_text("An early reply")).to_be_visible()

    reader.get_by_label("Name", exact=True).fill("Cached Reader")
    reader.get_by_label("Email", exact=True).fill("cached@example.org")
    reader.get_by_label("Comment", exact=True).fill("Posted from a stored page.")
    reader.get_by_role("button", name="Post Comment").click()
    expect(reader.locator("li.response", has_text="Posted from a stored page.")).to_contain_text(
        "Your comment is awaiting moderation")

    # Others still get the stored page, without the held comment.
    other = open_page(java_script_enabled=javascript)
    stored_page = other.goto(url)
    assert stored_page.headers.get("x-parley-cache") == "hit"
    expect(other.get_by_text("Posted from a stored page.")).to_have_count(0)

    db.session.commit()
    held = db.session.scalars(select(Response).where(
        Response.body_source == "Posted from a stored page.")).one()
    assert held.status is ResponseStatus.PENDING
    moderation.apply(held, "approve", None, seen=None, now=utcnow())
    db.session.commit()

    fresh = other.reload()
    assert fresh.headers.get("x-parley-cache") != "hit"
    expect(other.get_by_text("Posted from a stored page.")).to_be_visible()


def test_a_returning_commenter_gets_a_stored_page_with_their_details_and_posts_from_it(
        app, open_page, live_server, db):
    from itsdangerous import URLSafeSerializer

    change_settings(flood_seconds=0)
    article = make_article(title="Welcome back", body="Seen before.")
    details = {"name": "Rita Returning", "email": "rita@example.org",
               "website": "https://rita.example"}
    cookie = URLSafeSerializer(app.secret_key, salt="parley-commenter").dumps(details)
    pages = []
    for _ in range(2):  # the second is served stored, for every returning commenter
        page = open_page()
        page.context.add_cookies([{"name": "parley_commenter", "value": cookie,
                                   "url": live_server.url}])
        pages.append((page, page.goto(live_server.url + article.path)))
    page, answer = pages[-1]
    assert answer.headers.get("x-parley-cache") == "hit"
    expect(page.get_by_label("Name", exact=True)).to_have_value("Rita Returning")
    expect(page.get_by_label("Website", exact=True)).to_have_value("https://rita.example")
    page.get_by_label("Comment", exact=True).fill("Back again, with my details kept.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("li.response", has_text="Back again")).to_contain_text(
        "Your comment is awaiting moderation")
    db.session.commit()
    posted = db.session.scalars(select(Response).where(
        Response.body_source == "Back again, with my details kept.")).one()
    assert posted.author_name == "Rita Returning" and posted.author_email == "rita@example.org"
