"""The moderation queue in a real browser: the header badge, row and bulk actions with and
without JavaScript, trash and restore, an empty selection, and axe-core (issue #4)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from app.models import Article, Response, ResponseStatus, Role
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_article, make_response, make_user

pytestmark = pytest.mark.browser

NOTHING_SELECTED = "Select at least one response, then choose an action."


# --- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def article(db) -> Article:
    return make_article(title="Roadmaps that survive contact", body="Plans meet reality.")


@pytest.fixture
def article_url(live_server, article) -> str:
    return f"{live_server.url}{article.path}"


@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR, name="Mo Derator")


@pytest.fixture
def queue_url(live_server) -> str:
    return f"{live_server.url}/moderation/"


def pending_responses(article: Article, *bodies: str) -> list[Response]:
    """Pending comments by different guests, oldest first (the queue shows newest first)."""
    return [make_response(article, status=ResponseStatus.PENDING, body=body,
                          author_name=f"Guest {n}", author_email=f"guest{n}@example.org")
            for n, body in enumerate(bodies, start=1)]


def moderator_page(open_page, base_url: str, email: str, *, javascript: bool = True) -> Page:
    page = open_page(java_script_enabled=javascript)
    log_in(page, base_url, email)
    return page


def badge(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Site").locator(".badge")


def expect_badge(page: Page, count: int) -> None:
    expect(badge(page)).to_have_text(str(count))
    expect(badge(page)).to_have_attribute("aria-label", f"{count} pending")


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Queue status").get_by_role(
        "link", name=re.compile(rf"^{name} \(\d+\)$"))


def expect_counts(page: Page, **counts: int) -> None:
    for name, count in counts.items():
        expect(tab(page, name.capitalize())).to_have_text(f"{name.capitalize()} ({count})")


def row(page: Page, response: Response) -> Locator:
    return page.locator(f"tr#row-{response.id}")


def row_button(page: Page, response: Response, label: str) -> Locator:
    return row(page, response).get_by_role("button", name=f"{label} #{response.id}", exact=True)


def select_row(page: Page, response: Response) -> None:
    page.get_by_label(f"Select response #{response.id} by {response.author_name}",
                      exact=True).check()


def apply_bulk(page: Page, label: str | None) -> None:
    if label is not None:
        page.get_by_label("Bulk action", exact=True).select_option(label=label)
    page.get_by_role("button", name="Apply", exact=True).click()


def status_message(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def statuses(db, *responses: Response) -> list[ResponseStatus]:
    """The stored statuses, read fresh (the live server changed them)."""
    db.session.commit()  # end the old snapshot: SQLite reads see only what was committed before
    db.session.expire_all()
    ids = [r.id for r in responses]
    found = {r.id: r.status for r in db.session.scalars(select(Response).where(
        Response.id.in_(ids)))}
    return [found.get(i) for i in ids]


def mark(page: Page) -> None:
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page reloaded"


# --- 1: approve one response in place, and readers see it -------------------------------------

def test_moderator_approves_a_comment_in_place_and_readers_see_it(
        open_page, live_server, queue_url, article, article_url, moderator, db):
    first, second, third = pending_responses(
        article, "Roadmaps drift because nobody owns them.", "Buy cheap pills now",
        "Quarterly plans are fiction.")

    reader = open_page()
    reader.goto(article_url)
    expect(reader.get_by_text("nobody owns them")).to_have_count(0)

    page = moderator_page(open_page, live_server.url, moderator.email)
    expect_badge(page, 3)
    page.get_by_role("navigation", name="Site").get_by_role(
        "link", name=re.compile(r"^Moderation")).click()
    expect(page).to_have_url(queue_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation")
    expect(tab(page, "Pending")).to_have_attribute("aria-current", "page")
    expect_counts(page, pending=3, approved=0, all=3)
    # Newest first.
    expect(page.locator(".queue-table tbody tr")).to_have_count(3)
    expect(page.locator(".queue-table tbody tr .excerpt")).to_have_text(
        [third.body_source, second.body_source, first.body_source])
    mark(page)

    row_button(page, first, "Approve").click()

    expect(status_message(page, "Approve: 1 response.")).to_be_visible()
    expect(row(page, first)).to_have_count(0)
    expect(row(page, second)).to_be_visible()
    expect(row(page, third)).to_be_visible()
    expect_counts(page, pending=2, approved=1, all=3)
    expect_badge(page, 2)
    # The message takes focus, so screen readers hear what happened.
    expect(page.locator("#queue .flashes")).to_be_focused()
    assert_not_reloaded(page)
    expect(page).to_have_url(queue_url)
    assert statuses(db, first, second, third) == [
        ResponseStatus.APPROVED, ResponseStatus.PENDING, ResponseStatus.PENDING]

    # The badge agrees after a reload, and the Approved tab lists the comment.
    page.reload()
    expect_badge(page, 2)
    tab(page, "Approved").click()
    expect(row(page, first)).to_contain_text("nobody owns them")

    # A reader in a separate browser sees the approved comment, and only that one.
    reader.reload()
    comment = reader.locator(f"li#comment-{first.id}")
    expect(comment).to_contain_text("Roadmaps drift because nobody owns them.")
    expect(reader.get_by_role("heading", name=re.compile(r"responses? so far"))).to_have_text(
        "1 response so far")
    expect(reader.get_by_text("Buy cheap pills")).to_have_count(0)
    expect(reader.get_by_text("Quarterly plans are fiction.")).to_have_count(0)


# --- 2: bulk "Mark as spam" -------------------------------------------------------------------

def test_bulk_mark_as_spam_moves_three_rows_to_the_spam_tab(
        open_page, live_server, article, moderator, db):
    keep, *junk = pending_responses(
        article, "A real question about roadmaps.", "Cheap watches here",
        "Casino bonus inside", "Click for prizes")

    page = moderator_page(open_page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}/moderation/")
    expect_counts(page, pending=4, spam=0)
    expect_badge(page, 4)
    mark(page)

    for response in junk:
        select_row(page, response)
    apply_bulk(page, "Mark as spam")

    expect(status_message(page, "Spam: 3 responses.")).to_be_visible()
    for response in junk:
        expect(row(page, response)).to_have_count(0)
    expect(row(page, keep)).to_be_visible()
    expect_counts(page, pending=1, spam=3, all=1)
    expect_badge(page, 1)
    assert_not_reloaded(page)
    assert statuses(db, keep, *junk) == [ResponseStatus.PENDING] + [ResponseStatus.SPAM] * 3
    for response in junk:
        db.session.refresh(response)
        assert response.previous_status is ResponseStatus.PENDING

    tab(page, "Spam").click()
    expect(tab(page, "Spam")).to_have_attribute("aria-current", "page")
    expect(page.locator(".queue-table tbody tr")).to_have_count(3)
    for response in junk:
        expect(row(page, response)).to_contain_text(response.body_source)
        expect(row(page, response)).to_have_class(re.compile(r"\bstatus-spam\b"))
    expect(row(page, keep)).to_have_count(0)


# --- 3: trash, then restore to the previous status --------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_trash_then_restore_returns_the_comment_to_readers(
        open_page, live_server, article, article_url, moderator, db, javascript):
    comment = make_response(article, body="Roadmaps are promises, not plans.",
                            author_name="Ada Guest")
    assert comment.status is ResponseStatus.APPROVED

    reader = open_page()
    reader.goto(article_url)
    expect(reader.locator(f"li#comment-{comment.id}")).to_contain_text("promises, not plans")

    page = moderator_page(open_page, live_server.url, moderator.email, javascript=javascript)
    page.goto(f"{live_server.url}/moderation/")
    tab(page, "Approved").click()
    expect_counts(page, approved=1, trash=0)

    row_button(page, comment, "Trash").click()

    expect(status_message(page, "Trash: 1 response.")).to_be_visible()
    expect(row(page, comment)).to_have_count(0)
    expect_counts(page, approved=0, trash=1, pending=0)
    assert statuses(db, comment) == [ResponseStatus.TRASH]
    reader.reload()
    expect(reader.locator(f"li#comment-{comment.id}")).to_have_count(0)
    expect(reader.get_by_text("promises, not plans")).to_have_count(0)

    tab(page, "Trash").click()
    expect(tab(page, "Trash")).to_have_attribute("aria-current", "page")
    expect(row(page, comment)).to_contain_text("promises, not plans")
    expect(row_button(page, comment, "Approve")).to_have_count(0)

    row_button(page, comment, "Restore").click()

    expect(status_message(page, "Restore: 1 response.")).to_be_visible()
    expect(row(page, comment)).to_have_count(0)
    expect_counts(page, trash=0, approved=1, pending=0)
    expect_badge(page, 0)
    # Back to where it was: approved, not pending.
    assert statuses(db, comment) == [ResponseStatus.APPROVED]
    reader.reload()
    expect(reader.locator(f"li#comment-{comment.id}")).to_contain_text(
        "Roadmaps are promises, not plans.")


# --- 4: the same queue without JavaScript ------------------------------------------------------

def test_queue_works_without_javascript(open_page, live_server, queue_url, article, moderator, db):
    first, second, third = pending_responses(
        article, "Ship small steps.", "Spammy link farm", "More spam, sorry")

    page = moderator_page(open_page, live_server.url, moderator.email, javascript=False)
    page.goto(queue_url)
    expect_badge(page, 3)
    expect_counts(page, pending=3, approved=0, trash=0)

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        row_button(page, first, "Approve").click()
    assert posted.value.status == 302, "without JavaScript the form posts and redirects"
    expect(page).to_have_url(f"{queue_url}?status=pending")
    expect(status_message(page, "Approve: 1 response.")).to_be_visible()
    expect(row(page, first)).to_have_count(0)
    expect_counts(page, pending=2, approved=1, trash=0)
    expect_badge(page, 2)
    assert statuses(db, first) == [ResponseStatus.APPROVED]

    select_row(page, second)
    select_row(page, third)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        apply_bulk(page, "Move to trash")
    assert posted.value.status == 302
    expect(status_message(page, "Trash: 2 responses.")).to_be_visible()
    expect(status_message(page, "Approve: 1 response.")).to_have_count(0)
    expect(page.locator(".queue-table")).to_have_count(0)
    expect(page.get_by_text("Nothing here: no response waits for you.")).to_be_visible()
    expect_counts(page, pending=0, approved=1, trash=2, all=1)
    expect_badge(page, 0)
    assert statuses(db, first, second, third) == [
        ResponseStatus.APPROVED, ResponseStatus.TRASH, ResponseStatus.TRASH]

    tab(page, "Trash").click()
    expect(page.locator(".queue-table tbody tr")).to_have_count(2)


# --- 5: Apply with nothing selected ----------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_bulk_apply_needs_a_selection_and_an_action(
        open_page, live_server, queue_url, article, moderator, db, javascript):
    first, second = pending_responses(article, "First thought.", "Second thought.")

    page = moderator_page(open_page, live_server.url, moderator.email, javascript=javascript)
    page.goto(queue_url)
    if javascript:
        mark(page)

    apply_bulk(page, "Approve")

    expect(status_message(page, NOTHING_SELECTED)).to_be_visible()
    expect(page.locator(".flash-error")).to_have_text(NOTHING_SELECTED)
    expect(page.locator(".flash-success")).to_have_count(0)
    expect_counts(page, pending=2, approved=0)
    expect_badge(page, 2)
    expect(row(page, first)).to_be_visible()
    expect(row(page, second)).to_be_visible()

    # A selection without an action does nothing either, and says so.
    select_row(page, first)
    apply_bulk(page, None)
    expect(status_message(page, "Choose an action to apply to the selected responses.")
           ).to_be_visible()
    expect(status_message(page, NOTHING_SELECTED)).to_have_count(0)
    expect_counts(page, pending=2, approved=0)
    if javascript:
        assert_not_reloaded(page)
    assert statuses(db, first, second) == [ResponseStatus.PENDING, ResponseStatus.PENDING]


# --- 6: axe-core ------------------------------------------------------------------------------

def test_queue_page_is_accessible(open_page, live_server, queue_url, article, moderator, db):
    first, second = pending_responses(article, "A question about **plans**.", "Another one.")
    make_response(article, second, status=ResponseStatus.PENDING, body="A reply to it.",
                  author_url="https://guest.example.org", author_ip="192.0.2.7")
    page = moderator_page(open_page, live_server.url, moderator.email)
    page.goto(queue_url)
    expect(page.locator(".queue-table tbody tr")).to_have_count(3)
    assert_accessible(page)

    # After an action, with its message shown in place.
    row_button(page, first, "Approve").click()
    expect(status_message(page, "Approve: 1 response.")).to_be_visible()
    assert_accessible(page)

    # An empty tab.
    tab(page, "Trash").click()
    expect(page.get_by_text("Nothing here.")).to_be_visible()
    assert_accessible(page)


def test_discussion_settings_page_is_accessible(open_page, live_server, moderator, db):
    page = moderator_page(open_page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}/moderation/")
    page.get_by_role("link", name="Discussion settings").click()
    expect(page).to_have_url(f"{live_server.url}/moderation/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Discussion settings")
    assert_accessible(page)
