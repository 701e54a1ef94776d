"""Writing in a real browser: the Write list's Trash and Restore, the site's time zone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browser.helpers import log_in
from tests.factories import make_article, make_response, make_user

pytestmark = pytest.mark.browser


def test_author_trashes_an_article_and_restores_it(page: Page, live_server, db):
    author = make_user(Role.AUTHOR, name="Ines Varga")
    article = make_article(author, title="Estimates we regret")
    base = live_server.url
    page.goto(f"{base}{article.path}")
    expect(page.get_by_role("heading", name="Estimates we regret")).to_be_visible()
    log_in(page, base, author.email)

    page.goto(f"{base}/write/")
    row = page.get_by_role("row", name="Estimates we regret")
    expect(row.locator(".response-count")).to_have_text("0")
    expect(row.locator(".article-status")).to_have_text("published")
    row.get_by_role("link", name="Estimates we regret", exact=True).click()
    expect(page.locator("#site-zone")).to_contain_text("UTC (UTC+00:00)")
    page.get_by_role("button", name="Move to Trash").click()
    expect(page.get_by_text("is in the Trash; restore it within 30 days")).to_be_visible()
    expect(page.get_by_role("row", name="Estimates we regret")).to_have_count(0)

    assert page.request.get(f"{base}{article.path}").status == 404

    page.get_by_role("link", name="Trash", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trash")
    page.get_by_role("button", name="Restore Estimates we regret").click()
    expect(page.get_by_text("is back, as a draft")).to_be_visible()
    page.goto(f"{base}/write/")
    expect(page.get_by_role("row", name="Estimates we regret").locator(".article-status")
           ).to_have_text("draft")


TABLE = "| Role | Focus |\n| --- | --- |\n| Product | Why |\n| Project | When |\n"


def test_look_markdown_tables_and_number_inputs(page: Page, live_server, db):
    article = make_article(title="Roles side by side", body=TABLE)
    base = live_server.url
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}{article.path}")
        cell = page.locator(".article-body td").first
        expect(cell).to_have_css("border-top-style", "solid")
        assert cell.evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)") > 0
    moderator = make_user(Role.MODERATOR)
    log_in(page, base, moderator.email)
    page.goto(f"{base}/moderation/settings")
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    number = page.locator("input[type=number]").first
    expect(number).to_have_css("font-family", body_font)


def test_a_reply_form_three_levels_deep_uses_a_phones_width(page: Page, live_server, db):
    article = make_article(title="Deep threads")
    top = make_response(article, body="Where do we start?")
    second = make_response(article, top, body="With the users.")
    third = make_response(article, second, body="Which ones, though?")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}{article.path}?replytocom={third.id}#respond")
    form = page.locator(f"li#comment-{third.id} > #respond")
    expect(form).to_be_visible()
    thread_width = page.locator(f"li#comment-{top.id}").evaluate(
        "e => e.getBoundingClientRect().width")
    form_width = form.evaluate("e => e.getBoundingClientRect().width")
    # The thread stops indenting on a phone: the form keeps (nearly) the thread's width.
    assert form_width >= 0.9 * thread_width, (form_width, thread_width)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
