"""The comments screen in Chromium with JavaScript: Spam a row, then Undo in that row; Quick
Edit opened in the row; Empty Trash after a confirmation dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.models import Response, ResponseStatus, Role
from tests.browser.helpers import log_in
from tests.factories import make_article, make_response, make_user

pytestmark = pytest.mark.browser
S = ResponseStatus


@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR, name="Sam Moderator")


@pytest.fixture
def article(db):
    return make_article(title="Queues people use")


def moderator_page(open_page, live_server, moderator, path: str):
    page = open_page()
    log_in(page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}{path}")
    return page


def fresh(db) -> None:
    """End the test's snapshot: the live server changed rows since."""
    db.session.commit()
    db.session.expire_all()


def status_of(db, response_id: int) -> S | None:
    fresh(db)
    found = db.session.get(Response, response_id)
    return found.status if found else None


def test_spam_a_row_then_undo_in_that_row(open_page, live_server, moderator, article, db):
    first, middle, last = (make_response(article, status=S.PENDING, author_name=name).id
                           for name in ("Ann First", "Bo Middle", "Cy Last"))
    page = moderator_page(open_page, live_server, moderator, "/moderation/?status=pending")
    rows = page.locator(".queue-table tbody > tr")
    expect(rows).to_have_count(3)
    page.locator(f"#row-{middle}").get_by_role("button", name=f"Spam #{middle}",
                                                exact=True).click()
    undo_row = page.locator(f"#undo-{middle}")
    expect(undo_row).to_contain_text("Comment by Bo Middle marked as spam.")
    # In the row's own place: between the other two (newest first).
    expect(rows.nth(1)).to_have_id(f"undo-{middle}")
    expect(rows.nth(0)).to_have_id(f"row-{last}")
    assert status_of(db, middle) is S.SPAM
    undo_row.get_by_role("button", name=f"Undo for #{middle}").click()
    expect(page.locator(f"#row-{middle}")).to_be_visible()
    expect(page.locator(f"#undo-{middle}")).to_have_count(0)
    assert status_of(db, middle) is S.PENDING and status_of(db, first) is S.PENDING


def test_quick_edit_opens_in_the_row(open_page, live_server, moderator, article, db):
    held = make_response(article, status=S.PENDING, author_name="Typo Persn",
                         body="Fine words").id
    page = moderator_page(open_page, live_server, moderator, "/moderation/?status=pending")
    page.locator(f"#row-{held}").get_by_role("link", name=f"Quick edit #{held}").click()
    editor = page.locator(f'tr.inline-form[data-inline-for="row-{held}"]')
    expect(editor).to_be_visible()
    assert page.url.endswith("/moderation/?status=pending")  # no page of its own
    editor.get_by_label("Name").fill("Typo Person")
    editor.get_by_role("button", name="Save changes").click()
    expect(page.locator(f"#row-{held} .who")).to_contain_text("Typo Person")
    expect(page.locator("tr.inline-form")).to_have_count(0)
    fresh(db)
    assert db.session.get(Response, held).author_name == "Typo Person"


def test_empty_trash_after_the_confirmation(open_page, live_server, moderator, article, db):
    for n in range(2):
        make_response(article, status=S.TRASH, body=f"gone {n}")
    page = moderator_page(open_page, live_server, moderator, "/moderation/?status=trash")
    messages = []

    def answer(dialog):
        messages.append(dialog.message)
        dialog.dismiss() if len(messages) == 1 else dialog.accept()

    page.on("dialog", answer)
    empty = page.get_by_role("link", name="Empty Trash")
    empty.click()  # dismissed: nothing happens
    expect(page.locator(".queue-table tbody > tr")).to_have_count(2)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2
    empty.click()  # accepted
    expect(page.get_by_text("Trash emptied: 2 responses deleted permanently.")).to_be_visible()
    assert "Delete the 2 responses here permanently" in messages[0]
    fresh(db)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
