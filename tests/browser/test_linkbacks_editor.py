"""Sending a webmention, seen from the editor in a real browser."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, expect

from app.models import Role
from tests.browser.helpers import log_in
from tests.factories import change_settings, make_user
from tests.linkbacks.conftest import sources  # noqa: F401 - the local pages' server

pytestmark = pytest.mark.browser


def test_an_author_publishes_and_sees_the_webmention_sent(page: Page, live_server, db,
                                                          sources):  # noqa: F811
    change_settings(send_linkbacks=True)
    sources.add("/webmention", "Accepted", status=202, content_type="text/plain")
    post = sources.add("/notes/on-roadmaps", "<!doctype html><title>Notes</title><p>Hi.</p>",
                       headers={"Link": f'<{sources.base}/webmention>; rel="webmention"'})
    author = make_user(Role.AUTHOR)
    log_in(page, live_server.url, author.email)

    page.goto(f"{live_server.url}/write/new")
    page.get_by_label("Title", exact=True).fill("Roadmaps, again")
    page.get_by_label("Body (Markdown)").fill(f"As [these notes]({post}) say, plans drift.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Published. It is on the site now.")
    expect(page).to_have_url(re.compile(r"/write/\d+/edit$"))

    table = page.get_by_role("region", name="Linkbacks sent").get_by_role("table")
    for _ in range(20):  # the task may still be running: look again, as a person would
        if table.count() and "Sent" in table.inner_text():
            break
        page.wait_for_timeout(250)
        page.reload()
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=post))
    expect(row).to_contain_text("Webmention")
    expect(row).to_contain_text("Sent — the receiver answered “202 Accepted")

    (sent,) = [seen for seen in sources.requests_to("/webmention") if seen.method == "POST"]
    assert parse_qs(sent.body.decode())["target"] == [post]
