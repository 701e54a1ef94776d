"""Mail to an asker who opted in (issue 10, item 5), read from a real SMTP server (aiosmtpd).

Questions and answers are written with the model, as an import or the services would leave
them; approvals go through the moderation service, accepting through the model and the
notification call the accept service makes.
"""

from __future__ import annotations

import re
from email.message import EmailMessage as Message

from app.extensions import db as _db
from app.models import Response, ResponseKind, ResponseStatus, Role, Subscription, User
from app.models.types import utcnow
from app.moderation.services import apply
from app.questions import notifications
from app.questions.rules import question_slug
from tests.conftest import csrf_token_from
from tests.factories import change_settings, make_article, make_response, make_user

ASKER = "asker@example.org"
TITLE = "Should I take the team-lead offer or stay an engineer?"


def link_in(message: Message, kind: str) -> str:
    found = re.search(rf"https?://[^/\s]+(/subscriptions/{kind}/\S+)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def ask(article=None, *, email: str = ASKER, user: User | None = None,
        status: ResponseStatus = ResponseStatus.APPROVED) -> Response:
    return make_response(article, kind=ResponseKind.QUESTION, status=status, title=TITLE,
                         body=TITLE + " I have been offered the role twice now.",
                         author_name="Jo Asker", author_email=email, user=user)


def answer(question: Response, body: str = "Take it for a year and keep coding on Fridays.",
           *, status: ResponseStatus = ResponseStatus.PENDING, email: str = "helper@example.org",
           name: str = "Helpful Hana", parent: Response | None = None, **fields) -> Response:
    return make_response(question.article, parent or question, status=status, body=body,
                         author_name=name, author_email=email, **fields)


def approve(response: Response) -> None:
    """A moderator approves it in the queue; the approval's mail goes out on the commit
    (moderation.notifications.response_approved calls answer_approved)."""
    apply(response, "approve", make_user(Role.MODERATOR), seen=None, now=utcnow())
    _db.session.commit()


def subscribed(app, question: Response, smtp, email: str = ASKER) -> Subscription:
    """Opt in and confirm through the mailed link, as the asker would."""
    subscription = notifications.subscribe_asker(question, email, utcnow())
    _db.session.commit()
    [confirmation] = smtp.to(email)
    path = link_in(confirmation, "confirm")
    browser = app.test_client()
    page = browser.get(path).get_data(as_text=True)
    done = browser.post(path, data={"csrf_token": csrf_token_from(page)})
    assert "You are subscribed" in done.get_data(as_text=True)
    _db.session.refresh(subscription)
    assert subscription.confirmed_at is not None
    smtp.messages.clear()
    return subscription


def question_address(app, question: Response) -> str:
    return f"{app.config['SITE_URL']}/questions/{question.id}-{question_slug(question.title)}"


def test_the_asker_confirms_then_hears_of_each_approved_answer(app, db, smtp):
    question = ask(make_article(title="Leading without a title"))
    subscription = notifications.subscribe_asker(question, "Asker@Example.org ", utcnow())
    _db.session.commit()
    assert (subscription.question_id, subscription.article_id, subscription.email) == \
        (question.id, None, ASKER)

    [confirmation] = smtp.messages
    assert confirmation["To"] == ASKER
    assert confirmation["Subject"] == f"Confirm: follow the answers to your question “{TITLE}”"
    assert question_address(app, question) in confirmation.get_content()
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Asking again before confirming mails the link again; the subscription stays one.
    assert notifications.subscribe_asker(question, ASKER, utcnow()).id == subscription.id
    _db.session.commit()
    assert len(smtp.messages) == 2

    path = link_in(confirmation, "confirm")
    browser = app.test_client()
    page = browser.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Yes, subscribe me" in text
    assert "Follow the answers to your question" in text
    _db.session.refresh(subscription)
    assert subscription.confirmed_at is None  # opening the link changes nothing
    done = browser.post(path, data={"csrf_token": csrf_token_from(text)})
    assert "You are subscribed" in done.get_data(as_text=True)
    _db.session.refresh(subscription)
    assert subscription.confirmed_at is not None
    smtp.messages.clear()
    # Confirmed: opting in again sends nothing.
    notifications.subscribe_asker(question, ASKER, utcnow())
    _db.session.commit()
    assert smtp.messages == []

    reply = answer(question, "Take it for a year, and keep one day a week for code.")
    assert smtp.to(ASKER) == []  # held: nobody hears of it yet
    approve(reply)
    [notice] = smtp.to(ASKER)
    assert notice["Subject"] == f"New answer to your question “{TITLE}”"
    body = notice.get_content()
    assert "Helpful Hana answered:" in body
    assert "Take it for a year, and keep one day a week for code." in body
    assert question_address(app, question) in body
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_in(notice, "unsubscribe") in notice["List-Unsubscribe"]


def test_no_mail_for_answers_that_are_held_or_spam_when_the_mail_would_go(app, db, smtp):
    question = ask(make_article())
    subscribed(app, question, smtp)

    held = answer(question, "Still waiting for a moderator.")
    notifications.answer_approved(held)  # even if asked to, a held answer is not announced
    _db.session.commit()
    spam = answer(question, "Buy followers here.", status=ResponseStatus.SPAM)
    notifications.answer_approved(spam)
    _db.session.commit()
    assert smtp.to(ASKER) == []

    # Approved, then sent to spam in the same transaction: the mail looks again when it goes.
    changed = answer(question, "Approved a moment, then not.")
    moderator = make_user(Role.MODERATOR)
    apply(changed, "approve", moderator, seen=None, now=utcnow())
    notifications.answer_approved(changed)
    apply(changed, "spam", moderator, seen=None, now=utcnow())
    _db.session.commit()
    assert smtp.to(ASKER) == []

    good = answer(question, "This one is fine.")
    approve(good)
    assert [m["Subject"] for m in smtp.to(ASKER)] == [f"New answer to your question “{TITLE}”"]


def test_no_mail_before_the_address_is_confirmed(app, db, smtp):
    question = ask(make_article())
    notifications.subscribe_asker(question, ASKER, utcnow())
    _db.session.commit()
    [confirmation] = smtp.to(ASKER)
    assert "Confirm" in confirmation["Subject"]
    approve(answer(question))
    assert smtp.to(ASKER) == [confirmation]


def test_the_unsubscribe_link_asks_then_removes_and_one_click_works(app, db, smtp):
    question = ask(make_article())
    subscribed(app, question, smtp)
    approve(answer(question, "First answer."))
    [notice] = smtp.to(ASKER)
    path = link_in(notice, "unsubscribe")

    browser = app.test_client()
    page = browser.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Stop sending the answers to your question" in text
    assert _db.session.scalars(_db.select(Subscription)).one()  # GET changes nothing
    done = browser.post(path, data={"csrf_token": csrf_token_from(text)})
    assert "You are unsubscribed" in done.get_data(as_text=True)
    assert _db.session.scalars(_db.select(Subscription)).first() is None

    smtp.messages.clear()
    approve(answer(question, "Second answer, after the unsubscribe.", email="two@example.org"))
    assert smtp.to(ASKER) == []
    again = browser.get(path)
    assert again.status_code == 400 and "This link does not work" in again.get_data(True)

    # RFC 8058: a mail client posts the one-click form without a CSRF token.
    other = ask(make_article(), email="other@example.org")
    subscribed(app, other, smtp, email="other@example.org")
    approve(answer(other, "An answer for the other asker."))
    one_click = link_in(smtp.to("other@example.org")[0], "unsubscribe")
    assert app.test_client().post(one_click, data={"List-Unsubscribe": "One-Click"}
                                  ).status_code == 200
    assert _db.session.scalars(_db.select(Subscription)).first() is None


def test_the_asker_hears_when_an_answer_is_accepted_and_only_of_the_one_still_accepted(
        app, db, smtp):
    question = ask(make_article())
    subscribed(app, question, smtp)
    first = answer(question, "Ask for a trial period.", status=ResponseStatus.APPROVED)
    second = answer(question, "Talk to two people who made the move.", name="Ravi",
                    email="ravi@example.org", status=ResponseStatus.APPROVED)

    question.accepted_answer = first
    notifications.answer_accepted(question, first)
    _db.session.commit()
    [accepted] = smtp.to(ASKER)
    assert accepted["Subject"] == f"An answer to your question “{TITLE}” was accepted"
    body = accepted.get_content()
    assert "Helpful Hana" in body and "Ask for a trial period." in body
    assert question_address(app, question) in body
    assert link_in(accepted, "unsubscribe") in accepted["List-Unsubscribe"]

    # The mark moves twice before the commit: only the answer still accepted is announced.
    smtp.messages.clear()
    question.accepted_answer = second
    notifications.answer_accepted(question, second)
    question.accepted_answer = first
    notifications.answer_accepted(question, first)
    _db.session.commit()
    assert [m.get_content().count("Ask for a trial period.") for m in smtp.to(ASKER)] == [1]

    # Taken back before the mail goes: nothing.
    smtp.messages.clear()
    notifications.answer_accepted(question, first)
    question.accepted_answer = None
    _db.session.commit()
    assert smtp.to(ASKER) == []


def test_replies_by_the_asker_and_replies_to_answers_are_not_announced(app, db, smtp):
    member = make_user(email="member.asker@example.org", name="Mem Asker")
    question = ask(make_article(), email=member.email, user=member)
    subscribed(app, question, smtp, email=member.email)
    # The asker thanks people under their own question, signed in or not (any case).
    approve(answer(question, "Thanks, all!", email=member.email, user=member, name="Mem"))
    approve(answer(question, "Thanks from my phone.", email="Member.Asker@Example.org",
                   name="Mem"))
    approved = answer(question, "A real answer.", status=ResponseStatus.APPROVED)
    # A comment on an answer is not an answer to the question.
    approve(answer(question, "I agree with Hana.", parent=approved, email="third@example.org"))
    assert smtp.to(member.email) == []

    approve(answer(question, "A second real answer.", email="fourth@example.org"))
    [notice] = smtp.to(member.email)
    assert "A second real answer." in notice.get_content()


def test_a_subscriber_who_answers_is_not_mailed_about_their_own_answer(app, db, smtp):
    question = ask(make_article())
    subscribed(app, question, smtp)
    helper = "helper.too@example.org"
    subscribed(app, question, smtp, email=helper)  # a second address following the question
    approve(answer(question, "My own answer.", email=helper))
    assert smtp.to(helper) == []
    assert len(smtp.to(ASKER)) == 1


def test_a_question_about_no_article_mails_its_asker_too(app, db, smtp):
    question = ask(None)
    subscribed(app, question, smtp)
    reply = answer(question, "Write down what you would miss about coding.")
    assert reply.article_id is None
    approve(reply)
    [notice] = smtp.to(ASKER)
    assert "Write down what you would miss about coding." in notice.get_content()
    assert question_address(app, question) in notice.get_content()


def test_the_whole_way_through_the_forms(app, forms, db, smtp, tags):
    """A guest asks on /questions/ask with the box ticked, confirms, hears of the approved
    answer and accepts it from the same browser (no mail about what they did themselves)."""
    change_settings(flood_seconds=0)
    asked = forms.post("/questions/ask", {
        "name": "Jo Asker", "email": ASKER, "title": TITLE, "tags": ["career-change"],
        "body": "I have been offered the role twice now.", "article": "",
        "notify_answers": "y"})
    assert asked.status_code == 302, asked.get_data(as_text=True)
    question = _db.session.scalars(_db.select(Response).where(
        Response.kind == ResponseKind.QUESTION)).one()
    moderator = make_user(Role.MODERATOR)
    apply(question, "approve", moderator, seen=None, now=utcnow())
    _db.session.commit()
    [confirmation] = smtp.to(ASKER)
    path = link_in(confirmation, "confirm")
    page = forms.client.get(path).get_data(as_text=True)
    forms.client.post(path, data={"csrf_token": csrf_token_from(page)})

    helper = app.test_client()
    posted = helper.post(f"/questions/{question.id}/answers", data={
        "csrf_token": csrf_token_from(helper.get(asked.headers["Location"]).get_data(True)),
        "name": "Helpful Hana", "email": "helper@example.org",
        "body": "Say yes for six months, then decide with what you learnt."})
    assert posted.status_code == 302, posted.get_data(as_text=True)
    reply = _db.session.scalars(_db.select(Response).where(
        Response.parent_id == question.id)).one()
    assert smtp.to(ASKER) == [confirmation]  # held: not yet
    apply(reply, "approve", moderator, seen=None, now=utcnow())
    _db.session.commit()
    assert [m["Subject"] for m in smtp.to(ASKER)[1:]] == \
        [f"New answer to your question “{TITLE}”"]

    accepted = forms.post(f"/questions/{question.id}/accept", {"answer_id": str(reply.id)},
                          form_url=asked.headers["Location"])
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    assert [m["Subject"] for m in smtp.to(ASKER)[1:]] == \
        [f"New answer to your question “{TITLE}”"]


def test_a_moderators_accept_is_mailed_and_the_askers_own_is_not(app, db, smtp):
    from app.comments.services import Commenter
    from app.questions import services

    question = ask(make_article())
    subscribed(app, question, smtp)
    first = answer(question, "Ask for a trial period.", status=ResponseStatus.APPROVED)
    moderator = make_user(Role.MODERATOR)
    services.accept(question, first, Commenter(user=moderator, ip="", user_agent="",
                                               now=utcnow()), utcnow())
    _db.session.commit()
    assert len(smtp.to(ASKER)) == 1
    smtp.messages.clear()
    services.unaccept(question, Commenter(user=moderator, ip="", user_agent="", now=utcnow()),
                      utcnow())
    asker = Commenter(user=None, ip="", user_agent="", now=utcnow(),
                      own_ids=frozenset({question.id}))
    services.accept(question, first, asker, utcnow())
    _db.session.commit()
    assert smtp.to(ASKER) == []  # the asker knows what they did
