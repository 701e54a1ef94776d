"""The moderators' dashboard and audit log in a real browser: the nav
leads to the dashboard, its chart is an image with a name, a figure's link opens the queue so
filtered, and the audit log reads as sentences (issue #12)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db as database
from app.models import ModerationEvent, ResponseKind, ResponseStatus, Role
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_article, make_response, make_user

pytestmark = pytest.mark.browser


def test_a_moderator_reads_the_dashboard_follows_a_figure_and_opens_the_log(
        open_page, live_server, db):
    moderator = make_user(Role.MODERATOR, name="Sam Moderator")
    now = datetime.now(UTC)
    article = make_article(title="Career ladders")
    make_response(article, kind=ResponseKind.PINGBACK, source_title="A Ladder Post",
                  created_at=now - timedelta(days=1))
    held = make_response(article, status=ResponseStatus.PENDING, body="Is a ladder a lattice?",
                         author_name="Lou", created_at=now - timedelta(days=2),
                         moderation_reason="held: 3 links")
    database.session.add(ModerationEvent(
        response_ref=held.id, response_id=held.id, actor=moderator, action="unapprove",
        from_status="approved", to_status="pending", summary="comment", via="queue",
        created_at=now - timedelta(hours=1)))
    database.session.commit()

    page = open_page()  # axe-core runs in the page: JavaScript on (the pages use none)
    log_in(page, live_server.url, moderator.email)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Moderation dashboard")).to_be_visible()
    chart = page.get_by_role("img", name="Responses received by status, last 30 days")
    expect(chart).to_be_visible()
    expect(chart.locator("rect[data-series]")).to_have_count(2)
    expect(page.locator("#oldest-pending")).to_contain_text("2 days")
    assert_accessible(page)

    page.get_by_role("link", name="Pingbacks in the queue").click()
    expect(page).to_have_url(re.compile(r"/moderation/\?status=all&kind=pingback$"))
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    expect(page.locator(".queue-table")).to_contain_text("A Ladder Post")

    page.get_by_role("navigation", name="Moderation").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.locator(".log-entry").first).to_contain_text(
        re.compile(r"Unapproved by Sam Moderator on \d+ \w+ \d{4} at \d\d:\d\d, from the queue"))
    page.get_by_role("link", name=f"History of #{held.id}").click()
    expect(page.get_by_role("heading", name=f"History of response #{held.id}")).to_be_visible()
    assert_accessible(page)
