"""A returning commenter's page in a real browser: assembled from the responses' shared
fragments plus their own parts, which a second browser never gets (issue 11, goal 2)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.comments import fragments
from app.models import Response, ResponseStatus
from tests.factories import make_article, make_response

pytestmark = pytest.mark.browser

AWAITING = "Your comment is awaiting moderation"


@pytest.fixture(autouse=True)
def _forget_fragments():
    fragments.clear()
    yield
    fragments.clear()


def test_a_returning_commenter_sees_their_held_comment_and_another_browser_does_not(
        page: Page, open_page, live_server, db):
    article = make_article(title="Assembled pages")
    shared = make_response(article, body="Everyone reads this one.", author_name="Sol")
    url = f"{live_server.url}{article.path}"

    # A first comment, with "save my details": the browser becomes a returning commenter.
    page.goto(url)
    page.get_by_label("Name", exact=True).fill("Rosa Returning")
    page.get_by_label("Email", exact=True).fill("rosa@example.org")
    page.get_by_label("Comment", exact=True).fill("Held until a moderator reads it.")
    page.get_by_label("Save my name, email, and website in this browser for the next time I "
                      "comment.").check()
    page.get_by_role("button", name="Post Comment").click()
    mine = page.locator("li.response", has_text="Held until a moderator reads it.")
    expect(mine).to_contain_text(AWAITING)
    db.session.commit()  # a new snapshot: the live server wrote the comment
    stored = db.session.scalars(select(Response).where(
        Response.body_source == "Held until a moderator reads it.")).one()
    assert stored.status is ResponseStatus.PENDING

    # Reloaded, the page is assembled for them: their held comment with its note and its
    # actions, the shared comment without any, the form with their saved details.
    page.reload()
    card = page.locator(f"li#comment-{stored.id} > article.response-card")
    expect(card).to_contain_text(AWAITING)
    expect(card.get_by_role("link", name="Edit")).to_be_visible()
    expect(card.get_by_role("link", name="Delete")).to_be_visible()
    other_card = page.locator(f"li#comment-{shared.id} > article.response-card")
    expect(other_card.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_label("Name", exact=True)).to_have_value("Rosa Returning")
    expect(page.get_by_label("Email", exact=True)).to_have_value("rosa@example.org")

    # Another browser, after the first filled the caches: none of it.
    other = open_page()
    other.goto(url)
    expect(other.locator(f"#comment-{shared.id}")).to_contain_text("Everyone reads this one.")
    expect(other.locator(f"#comment-{stored.id}")).to_have_count(0)
    expect(other.get_by_text(AWAITING)).to_have_count(0)
    expect(other.get_by_role("link", name="Edit")).to_have_count(0)
    expect(other.get_by_label("Name", exact=True)).to_have_value("")
    expect(other.get_by_label("Email", exact=True)).to_have_value("")

    # The first browser's page is still its own, Edit working as before.
    page.reload()
    card.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Comment", exact=True)).to_have_value(
        "Held until a moderator reads it.")
