"""Autosave in a real browser: a new article's draft saves itself while its author types."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.models import Article, ArticleStatus, Role
from tests.browser.helpers import log_in
from tests.factories import make_article, make_user

pytestmark = pytest.mark.browser


def test_a_new_article_saves_itself_as_a_draft(page: Page, live_server, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "AUTOSAVE_SECONDS", 1)
    author = make_user(Role.AUTHOR, name="Oda Brekke")
    base = live_server.url
    log_in(page, base, author.email)
    page.goto(f"{base}/write/new")
    page.get_by_label("Title").fill("Notes from a planning week")
    page.get_by_label("Body (Markdown)").fill("Three teams, one roadmap, and a whiteboard.")
    status = page.locator("#autosave-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(re.compile(r"^Draft saved at \d\d:\d\d$"))
    expect(page).to_have_url(re.compile(r"/write/\d+/edit$"))

    page.reload()
    expect(page.get_by_label("Title")).to_have_value("Notes from a planning week")
    expect(page.get_by_label("Body (Markdown)")).to_have_value(
        "Three teams, one roadmap, and a whiteboard.")
    db.session.rollback()  # end the test thread's transaction: read what the server wrote
    saved = db.session.scalars(db.select(Article)).one()
    assert saved.status is ArticleStatus.DRAFT and saved.author_id == author.id

    # Typing more updates the same draft; pressing Publish afterwards publishes that one.
    page.get_by_label("Body (Markdown)").fill("Three teams, one roadmap, two whiteboards.")
    expect(status).to_have_text(re.compile(r"^Draft saved at "))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published. It is on the site now.")).to_be_visible()
    expect(page.locator("#autosave-note")).to_contain_text("Autosave is for drafts")
    db.session.rollback()  # end the test thread's transaction: read what the server wrote
    assert db.session.scalars(db.select(Article)).one().body_source.endswith("two whiteboards.")


def test_a_published_article_does_not_save_itself(page: Page, live_server, app, db,
                                                   monkeypatch):
    monkeypatch.setitem(app.config, "AUTOSAVE_SECONDS", 1)
    author = make_user(Role.AUTHOR)
    article = make_article(author, title="Already out", body="As readers see it.")
    base = live_server.url
    log_in(page, base, author.email)
    page.goto(f"{base}/write/{article.id}/edit")
    expect(page.locator("#autosave-note")).to_have_text(
        "Autosave is for drafts; a published article changes when you press Update.")
    page.get_by_label("Body (Markdown)").fill("As readers se")
    page.wait_for_timeout(2500)
    db.session.rollback()  # end the test thread's transaction: read what the server wrote
    assert db.session.get(Article, article.id).body_source == "As readers see it."


def test_look_settings_selects_and_inputs_share_the_font(page: Page, live_server, db):
    moderator = make_user(Role.MODERATOR)
    base = live_server.url
    log_in(page, base, moderator.email)
    page.goto(f"{base}/moderation/settings")
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    select = page.locator("main select").first
    text_input = page.locator("main input[type=number], main input[type=text]").first
    expect(select).to_have_css("font-family", body_font)
    expect(text_input).to_have_css("font-family", body_font)
    assert (select.evaluate("e => getComputedStyle(e).fontSize")
            == text_input.evaluate("e => getComputedStyle(e).fontSize"))


def test_look_wide_pages_line_up_with_the_header(page: Page, live_server, db):
    admin = make_user(Role.ADMIN)
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, base, admin.email)
    for path in ("/moderation/", "/moderation/log", "/write/"):
        page.goto(f"{base}{path}")
        header = page.locator(".site-header .wrap").bounding_box()
        main = page.locator("main#content").bounding_box()
        assert (main["x"], main["width"]) == (header["x"], header["width"]), path
        header_padding = page.locator(".site-header .wrap").evaluate(
            "e => getComputedStyle(e).paddingLeft")
        assert page.locator("main#content").evaluate(
            "e => getComputedStyle(e).paddingLeft") == header_padding


def test_look_cancel_beside_a_button_is_a_secondary_button(page: Page, live_server, db):
    admin = make_user(Role.ADMIN)
    base = live_server.url
    log_in(page, base, admin.email)
    page.goto(f"{base}/admin/users/new")
    button = page.get_by_role("button", name="Add and invite")
    cancel = page.get_by_role("link", name="Cancel")
    button_font = button.evaluate("e => getComputedStyle(e).fontFamily")
    expect(cancel).to_have_css("font-family", button_font)
    expect(cancel).to_have_css("border-top-style", "solid")
    expect(cancel).to_have_css("text-decoration-line", "none")
    expect(cancel).to_have_css("display", "inline-block")
    assert (cancel.evaluate("e => getComputedStyle(e).paddingLeft")
            == button.evaluate("e => getComputedStyle(e).paddingLeft"))
