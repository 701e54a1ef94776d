"""Writing and publishing in a real browser: log in, preview, publish, read, subscribe."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.models import Article, Role
from tests.browser.helpers import log_in
from tests.factories import PASSWORD, make_article, make_user

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"

TITLE = "Why roadmaps drift"
BODY = """\
## What goes wrong

Plans meet **reality** every week.

- Talk to customers
- Ship small steps

Read [the handbook](https://example.org/handbook) for more.
"""


def site_nav(page: Page):
    return page.get_by_role("navigation", name="Site")


def test_author_previews_publishes_and_readers_find_the_article(page: Page, live_server, db):
    author = make_user(Role.AUTHOR, name="Maya Okafor")
    base, email = live_server.url, author.email
    log_in(page, base, email)

    site_nav(page).get_by_role("link", name="Write", exact=True).click()
    page.get_by_role("link", name="Write a new article").click()
    expect(page).to_have_url(f"{base}/write/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New article")

    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Body (Markdown)").fill(BODY)
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview (not saved yet)")
    expect(preview).to_be_visible()
    expect(preview.get_by_role("heading", name="What goes wrong", level=2)).to_be_visible()
    expect(preview.locator("strong")).to_have_text("reality")
    expect(preview.get_by_role("listitem")).to_have_text(["Talk to customers", "Ship small steps"])
    expect(preview.get_by_role("link", name="the handbook")).to_have_attribute(
        "href", "https://example.org/handbook")
    # Previewing keeps what was typed and saves nothing.
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Body (Markdown)")).to_have_value(BODY)
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0

    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Published. It is on the site now.")
    expect(page).to_have_url(re.compile(r"/write/\d+/edit$"))

    page.goto(f"{base}/")
    page.get_by_role("main").get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(re.compile(r"/\d{4}/\d{2}/\d{2}/why-roadmaps-drift/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    article_body = page.locator(".article-body")
    expect(article_body.get_by_role("heading", name="What goes wrong", level=2)).to_be_visible()
    expect(article_body.locator("strong")).to_have_text("reality")
    expect(article_body.get_by_role("listitem")).to_have_text(
        ["Talk to customers", "Ship small steps"])
    expect(article_body.get_by_role("link", name="the handbook")).to_have_attribute(
        "href", "https://example.org/handbook")
    expect(page.get_by_role("main")).to_contain_text("Maya Okafor")
    article_url = page.url

    feed = page.request.get(f"{base}/feed/")
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.body())
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in root.iter(f"{ATOM}entry")}
    assert TITLE in entries, f"{TITLE!r} not among the feed entries {list(entries)}"
    entry = entries[TITLE]
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == article_url
    assert "<strong>reality</strong>" in entry.findtext(f"{ATOM}content")


def test_bad_editor_input_is_shown_beside_the_fields_and_keeps_the_text(
        page: Page, live_server, db):
    author = make_user(Role.AUTHOR)
    base = live_server.url
    log_in(page, base, author.email)
    page.goto(f"{base}/write/new")

    body = "A first paragraph that must survive the error.\n\n- and a list item"
    title = page.get_by_label("Title", exact=True)
    tags = page.get_by_label("Tags", exact=True)
    title.fill("")
    page.get_by_label("Body (Markdown)").fill(body)
    tags.fill("careers, bad<tag>")
    page.get_by_role("button", name="Publish", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Some fields need attention")
    expect(page.get_by_text("Give the article a title.")).to_be_visible()
    # Each message sits in its field's block and is tied to the input for screen readers.
    expect(page.locator(".field.has-error", has=title)).to_contain_text(
        "Give the article a title.")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description("Give the article a title.")
    expect(page.locator(".field.has-error", has=tags)).to_contain_text(
        "These tags hold characters a tag cannot have")
    expect(page.locator(".field.has-error", has=tags)).to_contain_text("bad<tag>")
    expect(tags).to_have_attribute("aria-invalid", "true")
    expect(tags).to_have_accessible_description(re.compile(r"cannot have.*bad<tag>"))

    expect(page.get_by_label("Body (Markdown)")).to_have_value(body)
    expect(tags).to_have_value("careers, bad<tag>")
    expect(page.locator(".field.has-error")).to_have_count(2)
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


@pytest.mark.parametrize("path", ["/write/new", "/write/"])
def test_member_cannot_open_the_editor(page: Page, live_server, db, path):
    member = make_user(Role.MEMBER, name="Rui Member")
    base = live_server.url
    log_in(page, base, member.email)
    expect(site_nav(page).get_by_role("link", name="Rui Member")).to_be_visible()
    expect(site_nav(page).get_by_role("link", name="Write", exact=True)).to_have_count(0)

    response = page.goto(f"{base}{path}")

    assert response.status == 403
    expect(page).to_have_url(f"{base}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.get_by_role("main")).to_contain_text("have permission to do this")
    expect(page.get_by_label("Title", exact=True)).to_have_count(0)
    expect(site_nav(page).get_by_role("link", name="Write", exact=True)).to_have_count(0)


def test_guest_is_sent_to_log_in_and_comes_back_to_the_editor(page: Page, live_server, db):
    author = make_user(Role.AUTHOR)
    base = live_server.url

    page.goto(f"{base}/write/new")

    expect(page).to_have_url(f"{base}/login?next=%2Fwrite%2Fnew")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_role("status")).to_contain_text("Log in to open that page.")
    expect(site_nav(page).get_by_role("link", name="Write", exact=True)).to_have_count(0)

    page.get_by_label("Email", exact=True).fill(author.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{base}/write/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New article")


def test_author_updates_an_existing_article_without_retyping_anything(
        page: Page, live_server, db):
    author = make_user(Role.AUTHOR)
    article = make_article(author, title="Roles compared", tags=["roadmaps", "careers"],
                           translations=[("Polski", "https://pl.example.org/role"),
                                         ("pt-BR", "https://br.example.org/papel")])
    base = live_server.url
    log_in(page, base, author.email)
    page.goto(f"{base}/write/")
    page.get_by_role("link", name="Roles compared", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit “Roles compared”")
    expect(page.get_by_label("Tags", exact=True)).to_have_value("careers, roadmaps")
    expect(page.get_by_label("Translations")).to_have_value(
        "Polski, https://pl.example.org/role\nPortuguês (Brasil), https://br.example.org/papel")
    page.get_by_label("Title", exact=True).fill("Roles compared, again")
    page.get_by_role("button", name="Update", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Published. It is on the site now.")
    expect(page.locator(".field.has-error")).to_have_count(0)
    db.session.commit()  # end the test's own snapshot, to read what the server saved
    assert article.title == "Roles compared, again"
    assert [tag.name for tag in article.tags] == ["careers", "roadmaps"]
    assert [(t.language, t.code) for t in article.translations] == [
        ("Polski", "pl"), ("Português (Brasil)", "pt-BR")]

    page.goto(base + article.path)
    expect(page.get_by_role("link", name="Português (Brasil)")).to_have_attribute(
        "hreflang", "pt-BR")
