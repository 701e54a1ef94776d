"""The article's discussion in a real browser (issue 12): a keyboard reader gets to the form
in a few key presses, a guest's delete asks first, a closed article says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.models.types import utcnow
from tests.browser.test_comments import card, fill_guest_form, stored
from tests.factories import change_settings, make_article, make_response

pytestmark = pytest.mark.browser

# A big article: many links a keyboard reader would otherwise tab through.
BIG_BODY = "\n\n".join(f"Paragraph {i} links [a page](https://example.org/{i}) and "
                       f"[another](https://example.org/{i}/more)." for i in range(100))


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent")


def test_a_keyboard_reader_reaches_the_form_through_the_jump_link(open_page, live_server, db):
    article = make_article(title="A long read", body=BIG_BODY)
    make_response(article, body="An early thought.")
    page = open_page()
    page.goto(f"{live_server.url}{article.path}")
    presses = 0
    while focused(page) != "Leave a comment" and presses < 30:
        page.keyboard.press("Tab")
        presses += 1
    assert focused(page) == "Leave a comment"
    assert presses <= 12, presses  # not the 216 it took through the article's links
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{article.path}#respond")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_guest_deletes_their_comment_after_confirming(open_page, live_server, db,
                                                        javascript):
    change_settings(flood_seconds=0)
    article = make_article(title="Second thoughts")
    url = f"{live_server.url}{article.path}"
    page = open_page(java_script_enabled=javascript)
    page.goto(url)
    fill_guest_form(page, "I may regret this.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("li.response", has_text="I may regret this.")).to_be_visible()
    response = stored(db, "I may regret this.")
    mine = card(page, response.id)
    expect(mine).to_contain_text("I may regret this.")

    # Edit and Delete sit on one line, alike.
    edit, delete = mine.get_by_role("link", name="Edit"), mine.get_by_role("link", name="Delete")
    assert edit.bounding_box()["y"] == delete.bounding_box()["y"]
    font = "el => getComputedStyle(el).fontFamily + getComputedStyle(el).fontSize"
    assert edit.evaluate(font) == delete.evaluate(font)

    # Changing one's mind keeps it.
    delete.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your comment?")
    page.get_by_role("link", name="Keep it").click()
    expect(card(page, response.id)).to_contain_text("I may regret this.")

    card(page, response.id).get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()
    note = page.locator("#responses").get_by_role("status").filter(
        has_text="Your comment is deleted.")
    expect(note).to_be_visible()
    expect(page.locator(f"#comment-{response.id}")).to_have_count(0)


def test_a_closed_article_shows_the_reason(open_page, live_server, db):
    change_settings(close_after_days=30)
    old = make_article(title="From long ago", published_at=utcnow() - timedelta(days=45))
    make_response(old, body="Said back then.")
    closed = make_article(title="Closed by hand", comments_open=False)
    page = open_page()
    page.goto(f"{live_server.url}{old.path}")
    respond = page.locator("#respond")
    expect(respond.get_by_role("heading", level=2)).to_have_text("Comments are closed")
    expect(respond).to_contain_text("Comments close 30 days after publication.")
    expect(page.get_by_label("Comment", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Reply")).to_have_count(0)
    expect(page.get_by_role("link", name="Leave a comment")).to_have_count(0)
    page.goto(f"{live_server.url}{closed.path}")
    expect(page.locator("#respond")).to_contain_text("The author closed comments on this article.")
