"""Mail to an asker who opted in: an answer approved, an answer accepted.

The opt-in is a `Subscription` to the question (question_id set, article_id None) with the
same double opt-in and signed links as a reply subscription: one confirmation mail, the same
confirm and unsubscribe routes, a one-click unsubscribe (RFC 8058) in every message. Each mail
is a task queued after the commit, and each task looks again at what it is about when it runs:
an answer held, sent to spam or no longer accepted by then is not announced, so nobody is told
of an answer a moderator has not approved.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import select

from app.comments import subscriptions
from app.extensions import db
from app.models import Response, ResponseKind, Subscription
from app.moderation import notifications as moderation_mail
from app.questions import services as questions
from app.questions.rules import question_slug
from app.tasks import after_commit, app_task, send_mail


def subscribe_asker(question: Response, email: str, now: datetime) -> Subscription:
    """Record the asker's wish to hear of answers, and mail a confirmation link (once)."""
    email = email.strip().lower()
    subscription = db.session.scalar(select(Subscription).where(
        Subscription.question_id == question.id, Subscription.email == email))
    if subscription is None:
        subscription = Subscription(question=question, article_id=None, email=email,
                                    created_at=now)
        db.session.add(subscription)
        db.session.flush()
    if subscription.confirmed_at is None:
        after_commit(send_asker_confirmation, subscription.id)
    return subscription


@moderation_mail.approved.connect
def answer_approved(answer: Response, **_) -> None:
    """Queue the asker's mail about a newly approved reply, when it may answer a question.

    Sent for every approved response (moderation knows no questions): only a direct reply
    to a question can be an answer, and the task decides the rest when it runs.
    """
    if answer.parent is not None and answer.parent.kind is ResponseKind.QUESTION \
            and answer.kind is ResponseKind.COMMENT:
        after_commit(mail_asker_about_answer, answer.id)


def answer_accepted(question: Response, answer: Response) -> None:
    """Queue the asker's mail about an accepted answer."""
    after_commit(mail_asker_about_acceptance, question.id, answer.id)


def _answer_to(answer: Response | None) -> Response | None:
    """The question an approved response answers now, or None when it answers none (held,
    spam, a reply by the asker, a comment on an answer)."""
    if answer is None or answer.parent_id is None:
        return None
    question = answer.parent
    if question is None or not questions.is_answer(answer, question):
        return None
    return question


def _site_links():
    return current_app.test_request_context(base_url=current_app.config["SITE_URL"])


def _question_link(question: Response) -> str:
    """The question page's full address; call inside `_site_links()` (built by url_for on
    SITE_URL, as reply mail is, so a site under a path prefix gets it right)."""
    return url_for("questions.show", question_id=question.id,
                   slug=question_slug(question.title), _external=True)


def _stop_link(subscription: Subscription) -> str:
    return url_for("comments.unsubscribe",
                   token=subscriptions.make_token(subscription, "unsubscribe"), _external=True)


def _letters(question: Response, answer: Response) -> list[tuple[str, str, str]]:
    """(address, unsubscribe link, question link) for each confirmed subscriber of the
    question, leaving out the answer's own author (by address, and by account)."""
    leave_out = {answer.author_email.lower()}
    if answer.user is not None:
        leave_out.add(answer.user.email.lower())
    subscribers = [s for s in db.session.scalars(select(Subscription).where(
        Subscription.question_id == question.id, Subscription.confirmed_at.is_not(None)))
        if s.email.lower() not in leave_out]
    with _site_links():
        link = _question_link(question)
        return [(s.email, _stop_link(s), link) for s in subscribers]


def _footer(stop_link: str) -> str:
    return ("You get this because you asked to be told of answers to this question.\n"
            f"Unsubscribe with one click: {stop_link}\n")


@app_task()
def send_asker_confirmation(subscription_id: int) -> None:
    """The opt-in mail, in a question's words; its links are reply subscriptions' own."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or subscription.confirmed_at is not None \
            or subscription.question is None:
        return
    question = subscription.question
    with _site_links():
        confirm_link = url_for("comments.confirm_subscription",
                               token=subscriptions.make_token(subscription, "confirm"),
                               _external=True)
        stop_link = _stop_link(subscription)
        page = _question_link(question)
    send_mail(subscription.email,
              f"Confirm: follow the answers to your question “{question.title}”",
              "Someone (we hope you) asked to be told by email when an answer to the question "
              f"“{question.title}” is approved, and when one is accepted.\n\n"
              f"To confirm, open this link and press the button:\n{confirm_link}\n\n"
              "If it wasn't you, ignore this message: nothing will be sent.\n\n"
              f"The question: {page}\n\nUnsubscribe: {stop_link}\n",
              subscriptions.unsubscribe_headers(stop_link))
    db.session.commit()


@app_task()
def mail_asker_about_answer(answer_id: int) -> None:
    answer = db.session.get(Response, answer_id)
    question = _answer_to(answer)
    if question is None:
        return
    for email, stop_link, link in _letters(question, answer):
        send_mail(email, f"New answer to your question “{question.title}”",
                  f"{answer.display_name} answered:\n\n"
                  f"{answer.body_source[:2000]}\n\n"
                  f"Read the answers, and accept the one that helped: {link}\n\n"
                  f"{_footer(stop_link)}", subscriptions.unsubscribe_headers(stop_link))
    db.session.commit()


@app_task()
def mail_asker_about_acceptance(question_id: int, answer_id: int) -> None:
    question = db.session.get(Response, question_id)
    answer = db.session.get(Response, answer_id)
    if question is None or question.accepted_answer_id != answer_id \
            or _answer_to(answer) is not question:
        return
    for email, stop_link, link in _letters(question, answer):
        send_mail(email, f"An answer to your question “{question.title}” was accepted",
                  f"The answer by {answer.display_name} is now the accepted one:\n\n"
                  f"{answer.body_source[:2000]}\n\nThe question: {link}\n\n"
                  f"{_footer(stop_link)}", subscriptions.unsubscribe_headers(stop_link))
    db.session.commit()
