"""The spam model as a moderator meets it in Chromium: a guest's comment scored for real by a
model trained on a few labelled examples, held, and shown in the queue with its score and the
three features that weighed most; the settings page's figures and the dashboard's section
pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.models import Response, ResponseStatus, Role, SpamLabel
from app.moderation.policy import score_text
from app.moderation.spam import store
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_article, make_user

pytestmark = pytest.mark.browser

SPAM = ["Please subscribe to my channel https://www.youtube.com/watch?v=a1 thanks",
        "Subscribe to my channel for free gift cards https://www.youtube.com/watch?v=b2",
        "Check out my channel and subscribe!!! https://youtube.com/c/promo",
        "Free money, subscribe to my channel https://www.youtube.com/watch?v=c3"]
HAM = ["I think the roadmap should come from the people who use the product.",
       "We tried quarterly planning and it drifted within weeks, as you describe.",
       "Who owns the roadmap when the product manager leaves?",
       "Good point about users; our team asks them every month."]


def test_a_moderator_sees_why_the_model_held_a_comment(open_page, live_server, db):
    from app.extensions import db as database

    store.add_examples([(SpamLabel.SPAM, "comment", "Promo", "", body) for body in SPAM]
                       + [(SpamLabel.HAM, "comment", "Reader", "", body) for body in HAM])
    database.session.commit()
    article = make_article(title="Roadmaps that survive contact")
    moderator = make_user(Role.MODERATOR, name="Sam Moderator")

    # A guest posts a comment through the article page: the app scores it as it arrives.
    guest = open_page()
    guest.goto(f"{live_server.url}{article.path}")
    guest.get_by_label("Name", exact=True).fill("Promo Guy")
    guest.get_by_label("Email", exact=True).fill("promo@example.org")
    guest.get_by_label("Comment", exact=True).fill(
        "Subscribe to my channel https://www.youtube.com/watch?v=zz")
    guest.get_by_role("button", name="Post Comment").click()
    expect(guest.get_by_text("Your comment is awaiting moderation")).to_be_visible()

    database.session.commit()  # a fresh snapshot: the live server wrote the response
    held = database.session.scalars(select(Response).where(
        Response.author_name == "Promo Guy")).one()
    assert held.status is ResponseStatus.PENDING
    assert held.spam_score is not None and held.spam_score >= 0.5
    assert held.spam_outcome == "hold"  # sure or not, it has learned too little to mark spam
    clues = held.spam_clues.split(", ")
    assert len(clues) == 3 and "a link to youtube.com" in clues, clues

    page = open_page()
    log_in(page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}/moderation/?status=pending")
    line = page.locator(f"#row-{held.id} .spam-score")
    expect(line).to_have_text(
        f"Spam score {score_text(held.spam_score)} · weighed most: {held.spam_clues}")
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    assert line.evaluate(size) < page.locator(f"#row-{held.id} .queue-body").evaluate(size)
    assert_accessible(page)

    # The settings page shows what it learned beside the thresholds, and reads well to axe.
    page.goto(f"{live_server.url}/moderation/settings")
    expect(page.locator("#spam-learned")).to_contain_text(
        "The model has learned from 4 examples of spam and 4 of what is not spam (moderators' "
        "decisions and labelled files). It does not mark spam yet: it needs 20 of each")
    expect(page.get_by_label("Mark spam at this score or above")).to_have_value("0.990")
    assert_accessible(page)

    # A moderator calls it spam: the dashboard counts the model as having caught it.
    page.goto(f"{live_server.url}/moderation/?status=pending")
    page.locator(f"#row-{held.id}").get_by_role("button", name=f"Spam #{held.id}",
                                                exact=True).click()
    expect(page.locator(f"#row-{held.id}")).to_have_count(0)
    page.goto(f"{live_server.url}/moderation/dashboard")
    expect(page.locator("#spam-caught td").last).to_have_text("1")
    expect(page.locator("#spam-agreement")).to_contain_text(
        "Of 1 response the model had scored and a moderator then decided on, it agreed with "
        "the moderator on 1 (100%). It caught 1 of 1 spam and missed 0. All of them were spam.")
    assert_accessible(page)

    # And the settings page now measures the thresholds by that decision.
    page.goto(f"{live_server.url}/moderation/settings")
    expect(page.locator("#spam-current-shares")).to_contain_text(
        "had nothing that was not spam to let through.")
    expect(page.locator("#spam-thresholds-table tr.current th")).to_have_text("0.99 (now)")
    assert_accessible(page)
