"""Discussions in a real browser: post, moderation, replies with and without JavaScript,
the edit window, errors beside the fields and the preview (issue #3)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from app.models import Response, ResponseStatus, Role
from app.models.types import utcnow
from tests.browser.helpers import log_in
from tests.factories import change_settings, make_article, make_response, make_user

pytestmark = pytest.mark.browser

AWAITING = "Your comment is awaiting moderation"
GUEST = {"name": "Ada Guest", "email": "ada@example.org", "website": "ada.example.org"}


# --- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def article(db):
    return make_article(title="Roadmaps that survive contact", body="Plans meet reality.")


@pytest.fixture
def article_url(live_server, article):
    return f"{live_server.url}{article.path}"


@pytest.fixture
def quick_posting(db):
    """Every browser posts from 127.0.0.1: let one test post more than once in 15 seconds."""
    change_settings(flood_seconds=0)


def fill_guest_form(page: Page, body: str, *, name: str = GUEST["name"],
                    email: str = GUEST["email"], website: str = GUEST["website"]) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Website", exact=True).fill(website)
    page.get_by_label("Comment", exact=True).fill(body)


def stored(db, text: str) -> Response:
    """The one response whose source holds this text, read fresh (the live server wrote it)."""
    db.session.commit()  # end the old snapshot: SQLite reads see only what was committed before
    return db.session.scalars(select(Response).where(Response.body_source.contains(text))).one()


def response_count(db) -> int:
    db.session.commit()  # end the old snapshot: SQLite reads see only what was committed before
    return db.session.scalar(select(func.count()).select_from(Response))


def approve(db, response: Response) -> None:
    """There is no moderation screen yet: approve in the database, as a moderator would."""
    response.status = ResponseStatus.APPROVED
    response.approved_at = utcnow()
    db.session.commit()


def item(page: Page, response_id: int) -> Locator:
    return page.locator(f"li#comment-{response_id}")


def card(page: Page, response_id: int) -> Locator:
    """The response's own card, without its replies."""
    return page.locator(f"li#comment-{response_id} > article.response-card")


def heading_count(page: Page) -> Locator:
    return page.get_by_role("heading", name=re.compile(r"responses? so far"))


def approved_guest_comment(page: Page, article_url: str, db, body: str) -> Response:
    """A guest posts a comment (with JavaScript, in place) and a moderator approves it."""
    page.goto(article_url)
    fill_guest_form(page, body)
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("li.response", has_text=body)).to_be_visible()
    response = stored(db, body)
    approve(db, response)
    return response


# --- 1 and 2: a guest's comment waits for moderation, then everyone sees it -------------------

def test_guest_comment_waits_for_moderation_then_everyone_sees_it(
        page: Page, open_page, live_server, article_url, db):
    body = "Roadmaps drift because **nobody** owns them."
    page.goto(article_url)
    expect(heading_count(page)).to_have_text("0 responses so far")
    fill_guest_form(page, body)
    page.get_by_role("button", name="Post Comment").click()

    # The comment appears in place, marked as waiting, with the guest's name linked.
    mine = page.locator("li.response", has_text="nobody owns them")
    expect(mine).to_be_visible()
    expect(mine.locator("strong")).to_have_text("nobody")
    expect(mine).to_contain_text(AWAITING)
    expect(mine.get_by_role("link", name="Ada Guest")).to_have_attribute(
        "href", "http://ada.example.org")
    expect(page.locator("#no-responses")).to_have_count(0)
    response = stored(db, body)
    assert response.status is ResponseStatus.PENDING
    expect(mine).to_have_attribute("id", f"comment-{response.id}")

    # The guest still sees it after a reload: it is theirs.
    page.reload()
    expect(card(page, response.id)).to_contain_text(AWAITING)
    expect(card(page, response.id)).to_contain_text("nobody owns them")

    # Anyone else does not, and the count shows only approved responses.
    other = open_page()
    other.goto(article_url)
    expect(heading_count(other)).to_have_text("0 responses so far")
    expect(other.get_by_text("No responses yet. Start the conversation.")).to_be_visible()
    expect(other.get_by_text("nobody owns them")).to_have_count(0)
    expect(other.locator(f"#comment-{response.id}")).to_have_count(0)

    approve(db, response)

    for reader in (page, other):
        reader.reload()
        expect(heading_count(reader)).to_have_text("1 response so far")
        comment = card(reader, response.id)
        expect(comment).to_contain_text("nobody owns them")
        expect(comment.get_by_text(AWAITING)).to_have_count(0)
        expect(item(reader, response.id)).not_to_have_class(re.compile(r"is-pending"))
        expect(comment.get_by_role("link", name="Reply")).to_be_visible()
    expect(other.locator("#no-responses")).to_have_count(0)


# --- 3 and 4: a member replies, without and with JavaScript -----------------------------------

def test_member_replies_without_javascript(
        page: Page, open_page, live_server, article_url, db, quick_posting):
    parent = approved_guest_comment(page, article_url, db, "Who owns the roadmap, though?")
    member = make_user(Role.MEMBER, name="Rui Member")

    reader = open_page(java_script_enabled=False)
    log_in(reader, live_server.url, member.email)
    reader.goto(article_url)
    card(reader, parent.id).get_by_role("link", name="Reply").click()

    expect(reader).to_have_url(f"{article_url}?replytocom={parent.id}#respond")
    form = reader.locator(f"li#comment-{parent.id} > #respond")
    expect(form).to_be_visible()
    expect(reader.locator("#respond")).to_have_count(1)
    expect(form.get_by_role("heading", level=2)).to_have_text("Leave a Reply")
    expect(form).to_contain_text("Commenting as Rui Member")
    expect(form.get_by_label("Name", exact=True)).to_have_count(0)

    form.get_by_label("Comment", exact=True).fill("The product manager does.")
    form.get_by_role("button", name="Post Comment").click()

    reply = stored(db, "The product manager does.")
    assert reply.parent_id == parent.id and reply.user_id == member.id
    assert reply.status is ResponseStatus.PENDING  # members are not trusted
    expect(reader).to_have_url(f"{article_url}#comment-{reply.id}")
    nested = reader.locator(f"li#comment-{parent.id} > ol.children > li#comment-{reply.id}")
    expect(nested).to_be_visible()
    expect(nested).to_contain_text("The product manager does.")
    expect(nested).to_contain_text("Rui Member")
    expect(card(reader, reply.id)).to_contain_text(AWAITING)
    assert nested.bounding_box()["x"] > item(reader, parent.id).bounding_box()["x"]
    # The form went back to the end of the page.
    expect(reader.locator(f"li#comment-{parent.id} #respond")).to_have_count(0)
    expect(reader.locator("#respond").get_by_role("heading", level=2)).to_have_text(
        "Leave a Comment")


def test_member_replies_in_place_with_javascript(
        page: Page, open_page, live_server, article_url, db, quick_posting):
    parent = approved_guest_comment(page, article_url, db, "Who owns the roadmap, though?")
    member = make_user(Role.MEMBER, name="Rui Member")

    reader = open_page()
    log_in(reader, live_server.url, member.email)
    reader.goto(article_url)
    reader.evaluate("window.__marker = 1")
    before = reader.url

    card(reader, parent.id).get_by_role("link", name="Reply").click()

    form = reader.locator(f"li#comment-{parent.id} #respond")
    expect(form).to_be_visible()
    assert reader.url.split("#")[0] == before.split("#")[0]
    assert reader.evaluate("window.__marker") == 1
    expect(reader.locator("#respond")).to_have_count(1)
    expect(form.get_by_role("heading", level=2)).to_have_text("Reply to Ada Guest")
    body = form.get_by_label("Comment", exact=True)
    expect(body).to_be_focused()

    body.fill("The product manager does.")
    form.get_by_role("button", name="Post Comment").click()

    nested = reader.locator(f"li#comment-{parent.id} > ol.children > li.response",
                            has_text="The product manager does.")
    expect(nested).to_be_visible()
    assert reader.evaluate("window.__marker") == 1, "the page reloaded"
    assert reader.url.split("#")[0] == before.split("#")[0]
    reply = stored(db, "The product manager does.")
    assert reply.parent_id == parent.id and reply.user_id == member.id
    assert reply.status is ResponseStatus.PENDING
    expect(nested).to_have_attribute("id", f"comment-{reply.id}")
    expect(nested).to_contain_text(AWAITING)
    expect(nested).to_contain_text("Rui Member")
    assert nested.bounding_box()["x"] > item(reader, parent.id).bounding_box()["x"]
    # The form is emptied and goes back to the end of the discussion.
    expect(reader.locator(f"li#comment-{parent.id} #respond")).to_have_count(0)
    expect(reader.locator("#respond").get_by_role("heading", level=2)).to_have_text(
        "Leave a Comment")
    expect(reader.locator("#respond").get_by_label("Comment", exact=True)).to_have_value("")

    # A reload shows the member the same thread.
    reader.reload()
    nested = reader.locator(f"li#comment-{parent.id} > ol.children > li#comment-{reply.id}")
    expect(nested).to_contain_text("The product manager does.")
    expect(nested).to_contain_text(AWAITING)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_cancel_reply_on_a_replytocom_page_puts_the_form_back_at_the_end(
        open_page, live_server, article_url, article, db, javascript):
    parent = make_response(article, author_name="Ada Guest", body="Who owns the roadmap?")
    page = open_page(java_script_enabled=javascript)
    # Where the Reply link leads without JavaScript (or in a new tab): the form under the comment.
    page.goto(f"{article_url}?replytocom={parent.id}#respond")
    expect(page.locator(f"li#comment-{parent.id} > #respond")).to_be_visible()

    page.locator("#respond").get_by_role("link", name="Cancel reply").click()

    expect(page.locator(f"li#comment-{parent.id} #respond")).to_have_count(0)
    expect(page.locator("#responses > #respond")).to_be_visible()
    expect(page.locator("#respond").get_by_role("heading", level=2)).to_have_text(
        "Leave a Comment")
    expect(page.locator("#respond").get_by_role("link", name="Cancel reply")).to_have_count(0)
    expect(page.locator("#respond input[name=parent_id]")).to_have_value("")

    fill_guest_form(page, "A new thread, not a reply.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#response-list > li.response", has_text="A new thread")).to_be_visible()
    assert stored(db, "A new thread, not a reply.").parent_id is None


# --- 5: the edit window -----------------------------------------------------------------------

def test_guest_edits_within_the_window_and_not_after(page: Page, live_server, article_url, db):
    page.goto(article_url)
    fill_guest_form(page, "Roadmaps drift every weak.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("li.response", has_text="every weak")).to_be_visible()
    response = stored(db, "Roadmaps drift every weak.")
    mine = card(page, response.id)
    expect(mine).to_contain_text("Roadmaps drift every weak.")
    expect(mine.get_by_role("link", name="Edit")).to_be_visible()
    expect(mine.get_by_role("button", name="Delete")).to_be_visible()

    mine.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(f"{live_server.url}/comment/{response.id}/edit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your comment")
    text = page.get_by_label("Comment", exact=True)
    expect(text).to_have_value("Roadmaps drift every weak.")
    text.fill("Roadmaps drift every *week*.")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("status").filter(has_text="Your comment is updated.")).to_be_visible()
    mine = card(page, response.id)
    expect(mine.locator(".response-text")).to_have_text("Roadmaps drift every week.")
    expect(mine.locator("em")).to_have_text("week")
    expect(mine).to_contain_text("(edited)")
    expect(mine).to_contain_text(AWAITING)
    assert stored(db, "Roadmaps drift every *week*.").id == response.id

    # Eleven minutes later the window (ten minutes) has closed.
    response = db.session.get(Response, response.id)
    response.created_at = response.created_at - timedelta(minutes=11)
    db.session.commit()
    page.reload()
    mine = card(page, response.id)
    expect(mine).to_contain_text("Roadmaps drift every week.")
    expect(mine.get_by_role("link", name="Edit")).to_have_count(0)
    expect(mine.get_by_role("button", name="Delete")).to_have_count(0)

    answer = page.goto(f"{live_server.url}/comment/{response.id}/edit")
    assert answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.get_by_label("Comment", exact=True)).to_have_count(0)


# --- 6 and 7: errors beside the fields, and the preview ---------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_bad_input_is_shown_beside_the_fields_and_keeps_the_text(
        open_page, live_server, article_url, db, javascript):
    page = open_page(java_script_enabled=javascript)
    page.goto(article_url)
    body = "A long thought\n\nthat must survive the error."
    fill_guest_form(page, body, name="", email="not-an-email")
    if javascript:
        page.evaluate("window.__marker = 1")

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Post Comment").click()
    assert answer.value.status == 422

    name = page.get_by_label("Name", exact=True)
    email = page.get_by_label("Email", exact=True)
    expect(page.get_by_role("alert")).to_contain_text("Your comment was not posted")
    expect(page.locator(".field.has-error", has=name)).to_contain_text("Enter your name.")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Enter your name.")
    expect(page.locator(".field.has-error", has=email)).to_contain_text(
        "Enter a valid email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile(r"Enter a valid email address"))
    expect(page.locator(".field.has-error")).to_have_count(2)

    expect(page.get_by_label("Comment", exact=True)).to_have_value(body)
    expect(email).to_have_value("not-an-email")
    expect(page.get_by_label("Website", exact=True)).to_have_value(GUEST["website"])
    if javascript:
        assert page.evaluate("window.__marker") == 1, "the page reloaded"
        expect(name).to_be_focused()
    assert response_count(db) == 0

    # Putting it right posts the kept text.
    name.fill("Ada Guest")
    email.fill("ada@example.org")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("li.response", has_text="that must survive the error.")).to_contain_text(
        AWAITING)
    kept = stored(db, "that must survive the error.")
    assert kept.author_name == "Ada Guest"
    # Browsers send a textarea's line breaks as CRLF.
    assert kept.body_source.replace("\r\n", "\n") == body


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_preview_shows_the_rendered_comment_and_stores_nothing(
        open_page, live_server, article_url, db, javascript):
    page = open_page(java_script_enabled=javascript)
    page.goto(article_url)
    fill_guest_form(page, "This is **bold**")

    page.get_by_role("button", name="Preview").click()

    preview = page.locator(".comment-preview")
    expect(preview).to_be_visible()
    expect(preview.get_by_role("heading", name="Preview of your comment")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview.locator(".response-text")).to_have_text("This is bold")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("This is **bold**")
    expect(page.get_by_label("Name", exact=True)).to_have_value(GUEST["name"])
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("li.response")).to_have_count(0)
    assert response_count(db) == 0
