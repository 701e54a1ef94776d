"""The spam model end to end: a moderator's decision (row action, bulk action, mail link)
changes how the next similar comment posted through the real form is scored and decided;
Trash teaches "not spam" and Unapprove forgets; and what one gunicorn process learned,
another one decides with at once, through the database they share.
"""

from __future__ import annotations

import html as htmllib
import http.cookiejar
import os
import re
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import (
    Response,
    ResponseStatus,
    Role,
    SpamExample,
    SpamFeature,
    SpamLabel,
    SpamTotals,
)
from app.moderation import notifications
from app.moderation.spam import store
from tests.conftest import FormClient, csrf_token_from, gunicorn
from tests.factories import PASSWORD, change_settings, make_article, make_response, make_user
from tests.moderation.test_views import act, bulk, page_of, row_action

S = ResponseStatus

# A small labelled set written for these tests: sales pitches with links, and readers talking
# about an article.
SPAM = [
    "Buy cheap replica watches today at http://watches-deal.example.ru, free shipping!",
    "Lose 10 kg in two weeks with our miracle pills, order now at https://slim.example.com",
    "Best SEO services, rank first on Google in 7 days: http://seo-boost.example.net/offer",
    "Need a fast loan? Approved in minutes, no credit check! Apply: http://quick.example.biz",
    "Win big at the online casino, 200% welcome bonus at https://lucky-spin.example.xyz",
    "Cheap pills without prescription, discreet delivery http://pharma.example.ru",
    "Earn $5000 a week working from home!!! Click here http://easy-money.example.info",
    "Get 10,000 real Instagram followers for only $9.99 at https://followers.example.top",
    "Discount designer handbags, 90% off, limited offer: http://bags-outlet.example.cn",
    "Crypto trading bot doubles your bitcoin every day, join now https://btc.example.io",
    "Hot singles in your area want to meet you tonight http://dating-now.example.online",
    "Download the latest movies free in HD, no signup: http://free-movies.example.site",
    "Buy essays online, cheap and fast, guaranteed grades: https://essay-mill.example.com",
    "Casino bonus codes, free spins every day, visit http://spins.example.tk now",
    "Cheap flights and hotels, best price guaranteed, book at http://travel.example.ru",
    "Make money online fast, proven system, sign up here https://profit.example.biz",
    "Buy sunglasses at outlet prices http://shades-outlet.example.cn free shipping",
    "Best CBD oil in the market, order today and save 50% https://cbd-shop.example.com",
    "Payday loans for bad credit, cash today, apply online http://payday.example.info",
    "Increase your website traffic with our cheap backlinks package http://links.example.net",
    "FREE phone giveaway!!! Claim your prize now at http://prize-claim.example.xyz",
    "Work from home and earn money with online surveys: https://survey-cash.example.top",
    "Cheap web hosting with unlimited bandwidth, buy now http://host-cheap.example.ru",
    "Replica bags at wholesale prices, order at http://bag-replica.example.cn",
    "Forex signals with 95% accuracy, subscribe today https://forex-pro.example.io",
]
HAM = [
    "I really enjoyed this article, the part about roadmaps matched my own experience.",
    "Thanks for writing this. We tried the same approach at work and it helped our team.",
    "I disagree with the second point: planning a year ahead rarely survives real users.",
    "Could you say more about how you measured progress? The numbers surprised me.",
    "Great explanation of the trade-offs, I'll share it with my colleagues on Monday.",
    "Your example with the small library was clear; the larger one lost me a little.",
    "I wonder whether this applies to teams that work remotely across time zones.",
    "Nice piece. One small typo in the third paragraph: 'their' should be 'there'.",
    "We had the opposite experience: short cycles made the roadmap harder to explain.",
    "This reminded me of an old essay by Fred Brooks on planning to throw one away.",
    "Thank you, I have been struggling with exactly this question for months.",
    "The conclusion feels a bit rushed; I would have liked more words on the risks.",
    "Interesting read. How do you decide which items to drop when the schedule slips?",
    "I agree with most of it, although the cost of meetings seems underestimated.",
    "Well argued. The section on feedback from readers was my favourite part.",
    "I've read this twice now and still find new details in it every time.",
    "My team keeps a list like the one you describe and it has saved us more than once.",
    "Would you write a follow-up about what happened six months later?",
    "The diagram made the idea click for me, thanks for taking the time to draw it.",
    "I think the argument holds for software but perhaps not for hardware projects.",
    "Lovely writing as always, and a thoughtful discussion in the comments too.",
    "A fair point about estimates, though our experience with them has been mixed.",
    "I shared this with my students and it started a long discussion in class.",
    "This is the clearest account of the problem I have seen, thank you for it.",
    "Honest question: did you ever try the same plan with a smaller group first?",
]
TOWNS = ["Leeds", "York", "Hull", "Bath", "Ely", "Wells", "Ripon", "Truro", "Poole", "Derby"]


def garden(i: int) -> str:
    """A spam campaign the labelled set has never seen: no link, nothing sold in its words."""
    return (f"Our garden centre in {TOWNS[i]} sells tulip bulbs and rose bushes, come and "
            "visit the nursery this spring")


def bookshop(i: int) -> str:
    """A reader's real comment that looks like the labelled spam (a link, 'cheap', 'free')."""
    return f"Buy the book cheap at http://bookshop.example.ru/{i}, free shipping, order today"


def train(db) -> None:
    store.add_examples([(SpamLabel.SPAM, "comment", "Seller", "", t) for t in SPAM]
                       + [(SpamLabel.HAM, "comment", "Reader", "", t) for t in HAM])
    db.session.commit()


@pytest.fixture
def site(db):
    """A trained model, settings that let one guest post several comments in a row, an
    article and a moderator."""
    train(db)
    change_settings(spam_model=True, spam_min_learned=20, spam_threshold=0.99,
                    hold_threshold=0.5, min_fill_seconds=0, flood_seconds=0)
    moderator = make_user(Role.MODERATOR, name="Mo Derator")
    return {"article": make_article(title="Roadmaps that last"), "moderator": moderator}


@pytest.fixture
def mod(app, site):
    forms = FormClient(app.test_client())
    forms.login(site["moderator"].email, PASSWORD)
    return forms


_guests = iter(range(10_000))


def post(app, article, body: str) -> Response:
    """A new guest posts a comment through the article's form; return the stored response."""
    n = next(_guests)
    result = FormClient(app.test_client()).post(f"/articles/{article.id}/comments", {
        "name": "Ada Guest", "email": f"ada{n}@example.org", "website": "", "body": body,
        "parent_id": "", "submit": "Post Comment"}, form_url=article.path)
    assert result.status_code == 302, result.get_data(as_text=True)
    _db.session.expire_all()
    return _db.session.scalars(select(Response).where(Response.body_source == body)).one()


def moderate(mod, action: str, response: Response) -> None:
    result = act(mod, row_action(action, response.id, response.status))
    assert result.status_code == 302, result.get_data(as_text=True)


def example_of(db, response: Response) -> SpamExample | None:
    db.session.expire_all()
    return db.session.scalars(select(SpamExample).where(
        SpamExample.response_ref == response.id)).one_or_none()


def the_totals(db) -> tuple[int, int]:
    db.session.expire_all()
    row = db.session.get(SpamTotals, 1)
    return row.spam_docs, row.ham_docs


# --- through the test client -------------------------------------------------------------------

def test_a_moderators_spam_makes_the_model_hold_then_mark_the_next_similar_comment(
        app, db, site, mod):
    article = site["article"]
    first = post(app, article, garden(0))
    # Nothing like it was learned: the model lets it through and the rules hold it (a guest).
    assert first.status is S.PENDING and first.spam_outcome == "pass"
    assert first.spam_score < 0.5
    assert first.moderation_reason == "held: new responses wait for a moderator"

    moderate(mod, "spam", first)
    assert example_of(db, first).label == SpamLabel.SPAM.value
    assert the_totals(db) == (len(SPAM) + 1, len(HAM))

    second = post(app, article, garden(1))
    assert second.spam_score > first.spam_score
    assert 0.5 <= second.spam_score < 0.99
    assert second.status is S.PENDING and second.spam_outcome == "hold"
    assert second.moderation_reason.startswith(
        f"held: the spam model is unsure (score {second.spam_score:.2f}: ")
    assert "‘visit’" in second.spam_clues  # a word only the moderator's decision taught it

    moderate(mod, "spam", second)
    third = post(app, article, garden(2))
    assert third.spam_score > second.spam_score >= 0.5
    assert third.status is S.SPAM and third.spam_outcome == "spam"
    assert third.moderation_reason.startswith("spam: the spam model is sure (score ")

    # The queue shows the model's word on each row.
    page = page_of(mod, status="spam")
    assert f'id="row-{third.id}"' in page and "the spam model is sure" in htmllib.unescape(page)


def test_not_spam_row_and_bulk_lower_the_next_similar_score(app, db, site, mod):
    article = site["article"]
    marked = [post(app, article, bookshop(i)) for i in range(3)]
    # A link, 'cheap', 'free': the model is sure they are spam, and has learned enough to say so.
    for response in marked:
        assert response.status is S.SPAM and response.spam_outcome == "spam"
        assert response.spam_score >= 0.99
        assert response.moderation_reason.startswith(
            f"spam: the spam model is sure (score {response.spam_score:.3f}: one link, ")
    first, second, third = marked
    spam_docs, ham_docs = the_totals(db)

    moderate(mod, "not_spam", first)  # a row action on the Spam tab
    db.session.expire_all()
    assert db.session.get(Response, first.id).status is S.PENDING
    assert example_of(db, first).label == SpamLabel.HAM.value
    assert the_totals(db) == (spam_docs, ham_docs + 1)
    fourth = post(app, article, bookshop(3))
    assert fourth.spam_score < first.spam_score
    assert fourth.status is S.PENDING and fourth.spam_outcome == "hold"
    assert fourth.moderation_reason.startswith("held: the spam model is unsure (score ")

    result = act(mod, bulk("not_spam", {second.id: S.SPAM, third.id: S.SPAM}))
    assert result.status_code == 302, result.get_data(as_text=True)
    assert the_totals(db) == (spam_docs, ham_docs + 3)
    for response in (second, third):
        assert example_of(db, response).label == SpamLabel.HAM.value

    fifth = post(app, article, bookshop(4))
    assert fifth.spam_score < fourth.spam_score
    assert fifth.spam_score < 0.5 and fifth.spam_outcome == "pass"
    assert fifth.status is S.PENDING  # the rules decide again: a new guest waits
    assert fifth.moderation_reason == "held: new responses wait for a moderator"


def test_the_mail_links_spam_teaches_the_model(app, db, site):
    article = site["article"]
    first = post(app, article, garden(3))
    assert first.status is S.PENDING and first.spam_score < 0.5
    token = notifications.action_token(first, "spam", site["moderator"])
    reader = app.test_client()  # a mail client: not logged in
    path = f"/moderation/email/{token}"
    page = reader.get(path)
    assert page.status_code == 200
    done = reader.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert done.status_code == 200, done.get_data(as_text=True)

    example = example_of(db, first)
    assert example is not None and example.label == SpamLabel.SPAM.value
    assert example.score == pytest.approx(first.spam_score) and example.outcome == "pass"
    second = post(app, article, garden(4))
    assert second.spam_score > first.spam_score and second.spam_score >= 0.5
    assert "the spam model" in second.moderation_reason


def test_trash_counts_as_not_spam_and_unapprove_forgets(app, db, site, mod):
    article = site["article"]
    spam_docs, ham_docs = the_totals(db)
    held = make_response(article, status=S.PENDING, body="Off topic but written by a person")
    moderate(mod, "trash", held)
    example = example_of(db, held)
    assert example is not None and example.label == SpamLabel.HAM.value
    assert example.body == "Off topic but written by a person"
    assert the_totals(db) == (spam_docs, ham_docs + 1)

    other = make_response(article, status=S.PENDING, body="A reader's kind words")
    moderate(mod, "approve", other)
    assert example_of(db, other).label == SpamLabel.HAM.value
    assert the_totals(db) == (spam_docs, ham_docs + 2)
    db.session.expire_all()
    moderate(mod, "unapprove", db.session.get(Response, other.id))
    assert example_of(db, other) is None  # back in the queue: the model says nothing of it
    assert the_totals(db) == (spam_docs, ham_docs + 1)
    # The features learned from it are taken back too: its own words count nothing now.
    assert db.session.get(SpamFeature, "w:kind") is None
    assert db.session.scalar(select(func.count()).select_from(SpamExample)) == \
        len(SPAM) + len(HAM) + 1

    # Trash after Spam: the label changes, the spam count goes back.
    third = make_response(article, status=S.PENDING, body="Visit my page for cheap pills")
    moderate(mod, "spam", third)
    assert the_totals(db) == (spam_docs + 1, ham_docs + 1)
    db.session.expire_all()
    moderate(mod, "trash", db.session.get(Response, third.id))
    assert example_of(db, third).label == SpamLabel.HAM.value
    assert the_totals(db) == (spam_docs, ham_docs + 2)


# --- two processes -----------------------------------------------------------------------------

class Browser:
    """A urllib client with its own cookies, as a person's browser on one server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as answer:
            return answer.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        encoded = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(self.base + path, encoded, timeout=30) as answer:
            return answer.status, answer.geturl(), answer.read().decode()


def hidden_fields(page: str, form_action: str) -> dict[str, str]:
    form = re.search(rf'<form method="post" action="{re.escape(form_action)}[^"]*".*?</form>',
                     page, re.S)
    assert form, f"no form posting to {form_action}"
    return {name: htmllib.unescape(value) for name, value in re.findall(
        r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"', form.group(0))}


def test_what_one_process_learned_the_other_decides_with(app, db, site, database_url,
                                                         tmp_path):
    article, moderator = site["article"], site["moderator"]
    held = make_response(article, status=S.PENDING, body=garden(5), author_name="Ada Guest")
    text = garden(6)
    before = store.classify("comment", text, "Ada Guest")
    assert before.value < 0.5
    db.session.commit()

    env = {**os.environ, "DATABASE_URL": database_url, "PARLEY_INSTANCE": str(tmp_path),
           "SECRET_KEY": "spam-two-processes-secret", "HUEY_IMMEDIATE": "1",
           "SITE_URL": "http://127.0.0.1"}
    env.pop("REDIS_URL", None)
    with gunicorn(env, servers=2) as (server_a, server_b):
        # The moderator, on server A: log in, open the queue, mark the held comment Spam.
        a = Browser(server_a)
        token = csrf_token_from(a.get("/login"))
        status, url, _ = a.post("/login", {"csrf_token": token, "email": moderator.email,
                                           "password": PASSWORD})
        assert status == 200 and not url.endswith("/login"), url
        queue = a.get("/moderation/")
        assert f'id="row-{held.id}"' in queue
        status, url, page = a.post("/moderation/act", {
            "csrf_token": csrf_token_from(queue), **row_action("spam", held.id, S.PENDING)})
        assert status == 200 and "/moderation/" in url

        db.session.rollback()  # a new snapshot: what server A wrote
        db.session.expire_all()
        assert db.session.get(Response, held.id).status is S.SPAM
        assert example_of(db, held).label == SpamLabel.SPAM.value  # A learned it inline
        db.session.rollback()

        # A guest, on server B: the article's comment form, its token and hidden fields.
        b = Browser(server_b)
        action = f"/articles/{article.id}/comments"
        fields = hidden_fields(b.get(article.path), action)
        assert {"csrf_token", "stamp", "parent_id"} <= set(fields)
        status, url, _ = b.post(action, {**fields, "name": "Ada Guest",
                                         "email": "ada.b@example.org", "website": "",
                                         "homepage": "", "body": text,
                                         "submit": "Post Comment"})
        assert status == 200 and article.path in url, url

    db.session.rollback()
    db.session.expire_all()
    posted = db.session.scalars(select(Response).where(Response.body_source == text)).one()
    after = store.classify("comment", text, "Ada Guest")
    assert posted.spam_score == pytest.approx(after.value)  # B read A's learning
    assert posted.spam_score > before.value
    assert posted.spam_score >= 0.5 and posted.status is S.PENDING
    assert posted.moderation_reason.startswith("held: the spam model is unsure (score ")
