"""What browser tests do over and over."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through /login as a person would, and wait to leave the login page."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
