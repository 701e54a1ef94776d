"""Career questions in a real browser, with JavaScript and without: a guest asks under an
article, a moderator approves it in the queue, a member answers, the answer is approved, the
guest accepts it from the same browser, the Questions page lists it as accepted with the
accepted answer first on its page, and another member's helpful vote reorders the rest."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Response, ResponseKind, ResponseStatus, Role
from app.models.types import utcnow
from app.questions.tags import seed_default_tags
from tests.browser.helpers import log_in
from tests.factories import change_settings, make_article, make_response, make_user

pytestmark = pytest.mark.browser

QUESTION = ("Should I finish my data certificate before applying for analyst roles? "
            "I have two years in customer support and evenings free.")
TITLE = "Should I finish my data certificate before applying for analyst roles?"
ANSWER = "Apply now: the certificate shows intent, and interviews teach you what to learn next."


@pytest.fixture
def setting(db):
    seed_default_tags()
    db.session.commit()
    change_settings(flood_seconds=0)  # every browser posts from 127.0.0.1
    article = make_article(title="From the help desk to data work", body="Paths people took.")
    people = {
        "moderator": make_user(Role.MODERATOR, name="Mo Derator", email="mo@example.org"),
        "answerer": make_user(Role.MEMBER, name="Bea Answerer", email="bea@example.org"),
        "voter": make_user(Role.MEMBER, name="Cal Voter", email="cal@example.org"),
    }
    return article, people


def stored_question(db) -> Response:
    db.session.commit()  # a fresh snapshot: the live server wrote it
    return db.session.scalars(select(Response).where(
        Response.kind == ResponseKind.QUESTION)).one()


def approve_in_queue(page: Page, base: str, response_id: int) -> None:
    page.goto(f"{base}/moderation/?status=pending")
    page.get_by_role("button", name=f"Approve #{response_id}", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Approve: 1 response.")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_guests_career_question_from_asking_to_an_accepted_answer(
        open_page, live_server, db, setting, javascript):
    article, people = setting
    base = live_server.url

    # A guest asks under the article, ticking the box and choosing two tags.
    guest = open_page(java_script_enabled=javascript)
    guest.goto(f"{base}{article.path}")
    details = guest.locator(".question-details")
    expect(details).to_be_hidden()  # the stylesheet shows them once the box is ticked
    guest.get_by_label("Name", exact=True).fill("Dee Guest")
    guest.get_by_label("Email", exact=True).fill("dee@example.org")
    guest.get_by_label("Comment", exact=True).fill(QUESTION)
    guest.get_by_label("This is a question for the community").check()
    expect(details).to_be_visible()
    guest.get_by_label("certification").check()
    guest.get_by_label("career change").check()
    guest.get_by_role("button", name="Post Comment").click()
    expect(guest.get_by_text("Your question is awaiting moderation.")).to_be_visible()
    question = stored_question(db)
    assert question.status is ResponseStatus.PENDING and question.title == TITLE
    assert [t.name for t in question.question_tags] == ["career change", "certification"]

    # A moderator approves it in the queue.
    moderator = open_page(java_script_enabled=javascript)
    log_in(moderator, base, people["moderator"].email)
    approve_in_queue(moderator, base, question.id)

    # The article's thread shows it, unanswered, linked to its own page.
    guest.goto(f"{base}{article.path}")
    thread_item = guest.locator(f"li#comment-{question.id}")
    expect(thread_item.locator(".question-badge")).to_have_text("Unanswered")
    thread_item.get_by_role("link", name=TITLE).click()
    expect(guest).to_have_url(re.compile(rf"/questions/{question.id}-should-i-finish"))

    # A member answers on the question's page; the answer waits for the moderator.
    member = open_page(java_script_enabled=javascript)
    log_in(member, base, people["answerer"].email)
    member.goto(guest.url)
    member.get_by_label("Your answer", exact=True).fill(ANSWER)
    member.get_by_role("button", name="Post Answer").click()
    expect(member.get_by_text("Your answer is awaiting moderation.")).to_be_visible()
    db.session.commit()
    answer = db.session.scalars(select(Response).where(Response.parent_id == question.id)).one()
    approve_in_queue(moderator, base, answer.id)

    # Two more published answers, older and newer, for the order to show.
    db.session.commit()  # a fresh snapshot to write from (the live server just wrote)
    earlier = make_response(article, question, body="Finish it first; it takes a month.",
                            author_name="Eve", author_email="eve@example.org",
                            created_at=utcnow() - timedelta(minutes=30))
    later = make_response(article, question, body="Do a portfolio project instead.",
                          author_name="Fay", author_email="fay@example.org")

    # The guest, in the same browser, accepts the member's answer.
    guest.reload()
    accepted_item = guest.locator(f"li#comment-{answer.id}")
    accepted_item.get_by_role("button", name="Accept this answer").click()
    expect(guest.locator(f"li#comment-{answer.id}")).to_contain_text("✓ Accepted answer")

    # The Questions page lists it among the accepted, and its page shows that answer first.
    reader = open_page(java_script_enabled=javascript)
    reader.goto(f"{base}/questions?status=accepted")
    listed = reader.get_by_role("link", name=TITLE)
    expect(listed).to_be_visible()
    listed.click()
    answers = reader.locator("#answers ol.answer-list > li")
    expect(answers).to_have_count(3)
    expect(answers.nth(0)).to_have_id(f"comment-{answer.id}")
    expect(answers.nth(0)).to_contain_text("✓ Accepted answer")
    expect(answers.nth(1)).to_have_id(f"comment-{earlier.id}")  # then by date
    expect(answers.nth(2)).to_have_id(f"comment-{later.id}")

    # Another member marks the newer answer helpful: it moves up under the accepted one.
    voter = open_page(java_script_enabled=javascript)
    log_in(voter, base, people["voter"].email)
    voter.goto(reader.url)
    voter.locator(f"li#comment-{later.id}").get_by_role("button", name="Helpful").click()
    expect(voter.locator(f"li#comment-{later.id}")).to_contain_text("1 person found this helpful")
    reader.reload()
    expect(answers.nth(0)).to_have_id(f"comment-{answer.id}")
    expect(answers.nth(1)).to_have_id(f"comment-{later.id}")
    expect(answers.nth(2)).to_have_id(f"comment-{earlier.id}")

    # Back on the article, the discussion keeps its order, with the badge and the mark.
    reader.goto(f"{base}{article.path}")
    expect(reader.locator(f"li#comment-{question.id} .question-badge").first).to_have_text(
        "Accepted answer")
    expect(reader.locator(f"li#comment-{answer.id}")).to_contain_text("✓ Accepted answer")
