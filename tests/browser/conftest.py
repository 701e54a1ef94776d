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
