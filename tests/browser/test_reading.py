"""Readers finding things in a real browser: the header's search box leads to an article,
and the date archives are browsable from a year to a month to an article."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_article, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def articles(db):
    author = make_user(Role.AUTHOR, name="Rosa Lindqvist")
    return {
        "stakeholders": make_article(
            author, title="Mapping stakeholders before the kickoff",
            body="## Who cares\n\nList every stakeholder, then ask what each one fears.",
            published_at=datetime(2025, 6, 12, 9, tzinfo=UTC)),
        "estimates": make_article(
            author, title="Estimates are conversations",
            body="An estimate is a question about risk, not a promise.",
            published_at=datetime(2025, 3, 4, 9, tzinfo=UTC)),
        "old": make_article(author, title="Notes from an older year",
                            published_at=datetime(2024, 11, 20, 9, tzinfo=UTC)),
    }


def test_a_reader_searches_from_the_header_and_reaches_the_article(page: Page, live_server,
                                                                    articles):
    page.goto(f"{live_server.url}/2024/11/")
    box = page.get_by_role("search").get_by_label("Search articles")
    box.fill("stakeholder")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q=stakeholder$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “stakeholder”")
    result = page.locator(".search-results li")
    expect(result).to_have_count(1)
    expect(result.locator("mark").first).to_have_text("stakeholders")
    expect(page.get_by_role("search").first.get_by_label("Search articles")) \
        .to_have_value("stakeholder")
    assert_accessible(page)

    result.get_by_role("link", name="Mapping stakeholders before the kickoff").click()
    expect(page).to_have_url(f"{live_server.url}{articles['stakeholders'].path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mapping stakeholders before the kickoff")


def test_nothing_found_says_so(page: Page, live_server, articles):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Search articles").fill("zeppelin")
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator(".search-note")).to_contain_text("No articles match “zeppelin”")


def test_archives_are_browsable(page: Page, live_server, articles):
    page.goto(f"{live_server.url}/2025/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Articles from 2025")
    expect(page.locator(".article-summary")).to_have_count(2)
    assert_accessible(page)

    months = page.get_by_role("navigation", name="Archives")
    expect(months.get_by_role("link")).to_have_text(["June 2025", "March 2025", "November 2024"])
    months.get_by_role("link", name="March 2025").click()
    expect(page).to_have_url(f"{live_server.url}/2025/03/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Articles from March 2025")
    page.get_by_role("link", name="Estimates are conversations").click()
    expect(page).to_have_url(f"{live_server.url}{articles['estimates'].path}")
