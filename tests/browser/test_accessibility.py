"""axe-core on the main pages: no serious or critical accessibility violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browser.helpers import log_in
from tests.factories import make_article, make_user

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}

ARTICLE_BODY = """\
Product managers and project managers are often confused.

## Who decides what

A product manager owns **what** gets built; a project manager owns *how* and *when*.

> Plans are worthless, but planning is everything.

- Discovery
- Delivery

See [the guide](https://example.org/guide) and run `make plan`.
"""

_axe = Axe()


def describe(violations: list[dict]) -> str:
    """One readable block per violation: rule, help, link and the offending nodes."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    - target: {node['target']}")
            lines.append(f"      html: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n        ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        pytest.fail(f"axe found serious or critical violations on {page.url}:\n"
                    + describe(blocking))


@pytest.fixture
def author(db):
    return make_user(Role.AUTHOR, name="Maya Okafor", job_title="Product lead",
                     bio="Writes about product work.", social_handle="@maya@example.social",
                     website="https://maya.example.org")


@pytest.fixture
def article(author):
    return make_article(
        author, title="Product manager or project manager?", body=ARTICLE_BODY,
        tags=["careers", "roles"], reprint_note="Reprinted in Example Weekly",
        reprint_url="https://weekly.example.org/1",
        translations=[("Português", "https://pt.example.org/pm")],
    )


def test_home_page(page: Page, live_server, article):
    make_article(article.author, title="A second article", tags=["careers"])
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="A second article")).to_be_visible()
    assert_accessible(page)


def test_article_page(page: Page, live_server, article):
    path = article.path
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Product manager or project manager?")
    assert_accessible(page)


def test_login_page(page: Page, live_server, db):
    page.goto(f"{live_server.url}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert_accessible(page)


def test_login_page_with_an_error(page: Page, live_server, db):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email", exact=True).fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_editor_page(page: Page, live_server, author):
    log_in(page, live_server.url, author.email)
    page.goto(f"{live_server.url}/write/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New article")
    assert_accessible(page)


def test_editor_page_with_preview_and_errors(page: Page, live_server, author):
    log_in(page, live_server.url, author.email)
    page.goto(f"{live_server.url}/write/new")
    page.get_by_label("Title", exact=True).fill("A draft")
    page.get_by_label("Body (Markdown)").fill(ARTICLE_BODY)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview (not saved yet)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Title", exact=True).fill("")
    page.get_by_label("Tags", exact=True).fill("bad<tag>")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
