"""Discussions in a real browser: post, moderation, replies with and without JavaScript,
the edit window, errors beside the fields and the preview (issue #3)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app, tasks
from app.core import ratelimit
from app.extensions import db as db_
from app.extensions import limiter
from app.models import Response, ResponseStatus, Role
from app.models.types import utcnow
from tests.browser.helpers import log_in
from tests.conftest import TEST_CONFIG
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
    return page.locator("#responses-heading")


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
    expect(heading_count(page)).to_have_text("Responses")
    fill_guest_form(page, body)
    page.get_by_role("button", name="Post Comment").click()

    # The comment appears in place, marked as waiting, with the guest's name linked.
    mine = page.locator("li.response", has_text="nobody owns them")
    expect(mine).to_be_visible()
    expect(mine.locator("strong")).to_have_text("nobody")
    expect(mine).to_contain_text(AWAITING)
    expect(mine.get_by_role("link", name="Ada Guest")).to_have_attribute(
        "href", "http://ada.example.org/")  # normalised by the one URL rule
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
    expect(heading_count(other)).to_have_text("Responses")
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
    expect(form.get_by_role("heading", level=2)).to_have_text(re.compile(r"^Reply to \S"))
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
        "Leave a comment")


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
        "Leave a comment")
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
        "Leave a comment")
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
    expect(mine.get_by_role("link", name="Delete")).to_be_visible()

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
    expect(mine.get_by_role("link", name="Delete")).to_have_count(0)

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


# --- issue 8: what the script does when a post does not go through (item 12) ------------------

STATUS = "[data-form-status]"


@pytest.fixture
def limited_server(app, database_url):
    """A second app on the suite's database with a limit of one comment a minute, served over
    HTTP like the live server (the suite's own app runs with rate limits off)."""
    was_enabled = limiter.enabled
    limited = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                          "RATELIMIT_ENABLED": True, "COMMENT_RATE_LIMIT": "1 per minute"})
    server = make_server("127.0.0.1", 0, limited, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    limiter.enabled = was_enabled
    tasks.bind_app(app)
    ratelimit.reset(limited)
    with limited.app_context():
        db_.session.remove()
        db_.engine.dispose()


def test_with_javascript_a_429_shows_the_servers_answer_beside_the_form_with_the_text(
        open_page, limited_server, article, db, quick_posting):
    page = open_page()
    page.goto(f"{limited_server.url}{article.path}")
    fill_guest_form(page, "The first one goes through.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("li.response", has_text="The first one goes through.")).to_be_visible()

    page.get_by_label("Comment", exact=True).fill("A second thought, too soon.")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Post Comment").click()
    assert answer.value.status == 429

    body = page.get_by_label("Comment", exact=True)
    expect(page.locator(".field.has-error", has=body)).to_contain_text(
        "Too many comments from your address")
    expect(body).to_have_value("A second thought, too soon.")
    expect(page.get_by_role("button", name="Post Comment")).to_be_enabled()
    assert response_count(db) == 1


def test_with_javascript_a_stale_token_gives_the_form_back_and_a_second_send_works(
        open_page, live_server, article_url, db):
    page = open_page()
    page.goto(article_url)
    fill_guest_form(page, "Typed while the session ran out.")
    page.context.clear_cookies(name="parley_csrf")  # the form's token now matches nothing

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Post Comment").click()
    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_have_text(
        "Your form had expired; check it and send it again.")
    expect(page.get_by_label("Comment", exact=True)).to_have_value(
        "Typed while the session ran out.")
    expect(page.get_by_label("Name", exact=True)).to_have_value(GUEST["name"])
    assert response_count(db) == 0

    page.get_by_role("button", name="Post Comment").click()
    posted = page.locator("li.response", has_text="Typed while the session ran out.")
    expect(posted).to_contain_text(AWAITING)
    assert stored(db, "Typed while the session ran out.").status is ResponseStatus.PENDING


def test_without_javascript_a_stale_token_gives_the_form_back_with_the_text(
        open_page, live_server, article_url, db):
    page = open_page(java_script_enabled=False)
    page.goto(article_url)
    fill_guest_form(page, "No script, same care.")
    page.context.clear_cookies(name="parley_csrf")
    page.get_by_role("button", name="Post Comment").click()

    expect(page).to_have_url(re.compile(r"/articles/\d+/comments#respond$"))
    expect(page.get_by_role("alert")).to_have_text(
        "Your form had expired; check it and send it again.")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("No script, same care.")
    expect(page.locator("#respond")).to_be_in_viewport()
    page.get_by_role("button", name="Post Comment").click()
    assert stored(db, "No script, same care.").status is ResponseStatus.PENDING


def test_with_javascript_a_server_error_or_a_lost_connection_keeps_the_text_and_says_so(
        open_page, live_server, article_url, db):
    page = open_page()
    page.goto(article_url)
    fill_guest_form(page, "Words that must not be lost.")
    body = page.get_by_label("Comment", exact=True)
    post_button = page.get_by_role("button", name="Post Comment")

    # A real failure on the server: a setting it cannot use (no mock of the app).
    change_settings(max_comment_length="not a number")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        post_button.click()
    assert answer.value.status == 500
    status = page.locator(STATUS).get_by_role("alert")
    expect(status).to_contain_text("Your comment was not posted: the site hit an error")
    expect(status).to_contain_text("Your text is still here")
    expect(body).to_have_value("Words that must not be lost.")
    expect(post_button).to_be_enabled()
    expect(page.get_by_role("button", name="Preview")).to_be_enabled()
    change_settings(max_comment_length=65525)

    # The connection fails (the only simulated case: the request never reaches the server).
    page.route(re.compile(r"/articles/\d+/comments$"), lambda route: route.abort())
    post_button.click()
    expect(status).to_contain_text("the connection to the site failed")
    expect(body).to_have_value("Words that must not be lost.")
    expect(post_button).to_be_enabled()
    page.unroute(re.compile(r"/articles/\d+/comments$"))
    assert response_count(db) == 0

    # Sent again, it goes through, and the message goes away.
    post_button.click()
    expect(page.locator("li.response", has_text="Words that must not be lost.")).to_be_visible()
    expect(page.locator(STATUS)).to_be_empty()
    assert stored(db, "Words that must not be lost.").status is ResponseStatus.PENDING


def test_with_javascript_an_article_gone_meanwhile_gets_the_servers_message(
        open_page, live_server, article_url, article, db):
    page = open_page()
    page.goto(article_url)
    fill_guest_form(page, "Posted to a vanished article.")
    db.session.delete(db.session.get(type(article), article.id))
    db.session.commit()
    page.get_by_role("button", name="Post Comment").click()
    status = page.locator(STATUS).get_by_role("alert")
    expect(status).to_contain_text("Your comment was not posted (Page not found")
    expect(page.get_by_label("Comment", exact=True)).to_have_value(
        "Posted to a vanished article.")


# --- preview, then post, is not a bot's speed (item 13) ---------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_preview_then_post_is_not_spam(open_page, live_server, article_url, db, javascript):
    change_settings(min_fill_seconds=2)  # a post within 2 s of the form's showing is a bot's
    page = open_page(java_script_enabled=javascript)
    page.goto(article_url)
    fill_guest_form(page, "Read twice, posted once.")
    page.wait_for_timeout(2500)  # a person reading what they wrote
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".comment-preview")).to_be_visible()
    page.get_by_role("button", name="Post Comment").click()  # at once after the preview

    expect(page.locator("li.response", has_text="Read twice, posted once.")).to_contain_text(
        AWAITING)
    response = stored(db, "Read twice, posted once.")
    assert response.status is ResponseStatus.PENDING, response.moderation_reason


# --- without JavaScript, land where the form and the notes are (item 15) -----------------------

def test_without_javascript_preview_lands_on_the_form_and_its_address_leads_back(
        open_page, live_server, article_url, article, db):
    article.body_source = "\n\n".join(f"Paragraph {n} of a long article." for n in range(60))
    article.body_html = "".join(f"<p>Paragraph {n} of a long article.</p>" for n in range(60))
    db.session.commit()
    page = open_page(java_script_enabled=False)
    page.goto(article_url)
    fill_guest_form(page, "Let me see it first.")
    page.get_by_role("button", name="Preview").click()

    expect(page).to_have_url(f"{live_server.url}/articles/{article.id}/comments#respond")
    expect(page.locator(".comment-preview")).to_be_in_viewport()
    expect(page.locator("#respond")).to_be_in_viewport()
    expect(page.get_by_role("heading", level=1)).not_to_be_in_viewport()

    page.goto(f"{live_server.url}/articles/{article.id}/comments")  # reopened, bookmarked
    expect(page).to_have_url(f"{article_url}#respond")
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_after_editing_or_deleting_the_note_is_where_the_browser_lands(
        open_page, live_server, article_url, article, db, javascript, quick_posting):
    article.body_html = "".join(f"<p>Paragraph {n} of a long article.</p>" for n in range(60))
    db.session.commit()
    for n in range(8):
        make_response(article, body=f"An earlier comment, number {n}.")
    page = open_page(java_script_enabled=javascript)
    page.goto(article_url)
    fill_guest_form(page, "Mine, with a tpyo.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("li.response", has_text="Mine, with a tpyo.")).to_be_visible()
    response = stored(db, "Mine, with a tpyo.")
    mine = card(page, response.id)

    mine.get_by_role("link", name="Edit").click()
    page.get_by_label("Comment", exact=True).fill("Mine, with a typo fixed.")
    page.get_by_role("button", name="Save changes").click()
    note = mine.get_by_role("status").filter(has_text="Your comment is updated.")
    expect(note).to_be_in_viewport()
    expect(mine).to_contain_text("Mine, with a typo fixed.")

    mine.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()
    note = page.locator("#responses").get_by_role("status").filter(
        has_text="Your comment is deleted.")
    expect(note).to_be_in_viewport()
    expect(page.locator(f"#comment-{response.id}")).to_have_count(0)


# --- a reply at the depth limit goes where the server keeps it (item 9) ------------------------

def test_a_reply_at_the_depth_limit_shows_where_a_reload_shows_it(
        open_page, live_server, article_url, article, db, quick_posting):
    change_settings(thread_depth=2)
    root = make_response(article, author_name="Root Writer", body="The root of it.")
    answered = make_response(article, parent=root, author_name="Ann Swer", body="First answer.")
    make_response(article, parent=root, author_name="Sec Ond", body="Second answer.")
    page = open_page()
    page.goto(article_url)
    card(page, answered.id).get_by_role("link", name="Reply").click()
    fill_guest_form(page, "Replying to the first answer.")
    page.get_by_role("button", name="Post Comment").click()

    siblings = page.locator(f"li#comment-{root.id} > ol.children > li.response")
    expect(siblings).to_have_count(3)
    expect(siblings.last).to_contain_text("Replying to the first answer.")
    reply = stored(db, "Replying to the first answer.")
    assert (reply.parent_id, reply.depth) == (root.id, 1)  # stored one level up, bounded
    page.reload()
    expect(siblings).to_have_count(3)
    expect(siblings.last).to_have_attribute("id", f"comment-{reply.id}")
