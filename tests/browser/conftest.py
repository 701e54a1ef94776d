"""Fixtures for browser tests."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page


@pytest.fixture
def open_page(browser: Browser):
    """Open a page in a new, separate browser context (its own cookies); close them all after."""
    contexts = []

    def open_(**options) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _site_url_is_the_live_server(request):
    """Absolute links come from SITE_URL: in browser tests, the address Chromium is using."""
    if "live_server" not in request.fixturenames:
        yield
        return
    app, server = request.getfixturevalue("app"), request.getfixturevalue("live_server")
    before = app.config["SITE_URL"]
    app.config["SITE_URL"] = server.url
    yield
    app.config["SITE_URL"] = before
