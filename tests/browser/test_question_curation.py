"""A moderator turns past comments into questions in a real browser: the "Looks like a
question" filter, the bulk action, then a question's tags and its duplicate mark (issue 10)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.models import Response, ResponseKind, ResponseStatus, Role
from app.questions.tags import seed_default_tags
from tests.browser.helpers import log_in
from tests.factories import make_article, make_response, make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_moderator_promotes_comments_that_read_like_questions(open_page, live_server, db,
                                                                 javascript):
    seed_default_tags()
    db.session.commit()
    moderator = make_user(Role.MODERATOR, name="Mo Derator", email="mo@example.org")
    article = make_article(title="Leaving agency work", body="What I learnt.")
    asked = make_response(article, body="Should I ask for a title change before I move teams?",
                          author_name="Ola", author_email="ola@example.org")
    advice = make_response(article, body="Any advice for a first week as a product owner?",
                           author_name="Pia", author_email="pia@example.org")
    thanks = make_response(article, body="Thanks, this helped me a lot.", author_name="Rex",
                           author_email="rex@example.org")
    answered = make_response(article, body="Is a scrum certificate worth it?",
                             author_name="Sol", author_email="sol@example.org")
    make_response(article, answered, body="Not on its own.", author_name="Tia",
                  author_email="tia@example.org")

    page = open_page(java_script_enabled=javascript)
    log_in(page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}/moderation/?status=all")
    page.get_by_role("link", name="Looks like a question").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)  # answered by someone else, or no question: not listed
    expect(page.locator(f"tr#row-{thanks.id}")).to_have_count(0)
    expect(page.locator(f"tr#row-{answered.id}")).to_have_count(0)
    for comment in (asked, advice):
        page.get_by_label(f"Select response #{comment.id} by {comment.author_name}",
                          exact=True).check()
    page.get_by_label("Bulk action", exact=True).select_option(label="Turn into questions")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Turn into question: 2 responses.")) \
        .to_be_visible()
    db.session.commit()
    kinds = db.session.scalars(select(Response.kind).where(
        Response.id.in_([asked.id, advice.id]))).all()
    assert kinds == [ResponseKind.QUESTION, ResponseKind.QUESTION]

    # Its title and tags, on the question's own moderation page.
    page.goto(f"{live_server.url}/moderation/?status=all&kind=question")
    page.locator(f"tr#row-{asked.id}").get_by_role("link", name="Title, tags, duplicate").click()
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "Should I ask for a title change before I move teams?")
    for tag in ("career change", "interviews", "first job", "education"):
        page.get_by_label(tag, exact=True).check()
    page.get_by_role("button", name="Save title and tags").click()
    expect(page.get_by_text("Choose at most 3 tags; you chose 4.")).to_be_visible()
    expect(page.get_by_label("education", exact=True)).to_be_checked()  # the choice is kept
    page.get_by_label("education", exact=True).uncheck()
    page.get_by_role("button", name="Save title and tags").click()
    expect(page.get_by_text("Choose at most 3 tags")).to_have_count(0)
    db.session.commit()
    question = db.session.get(Response, asked.id)
    db.session.refresh(question)
    assert [t.name for t in question.question_tags] == ["career change", "first job",
                                                        "interviews"]

    # Readers find it on the Questions page, unanswered.
    reader = open_page(java_script_enabled=javascript)
    reader.goto(f"{live_server.url}/questions?status=unanswered&tag=interviews")
    expect(reader.get_by_role("link", name=question.title)).to_be_visible()
    assert question.status is ResponseStatus.APPROVED
