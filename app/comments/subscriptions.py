"""Follow-up mail: double opt-in subscriptions, signed links, reply notifications."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.extensions import db
from app.models import Article, Response, ResponseStatus, Subscription
from app.moderation import notifications
from app.tasks import after_commit, app_task, send_mail

CONFIRM_MAX_AGE = 7 * 24 * 3600


class BadLink(Exception):
    """A signed link that was forged, altered or has expired."""


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="parley-subscription")


def make_token(subscription: Subscription, action: str) -> str:
    return _signer().dumps({"id": subscription.id, "email": subscription.email, "do": action})


def read_token(token: str, action: str) -> Subscription:
    """Return the subscription a signed link names, or raise BadLink."""
    max_age = CONFIRM_MAX_AGE if action == "confirm" else None
    try:
        data = _signer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise BadLink("This link has expired. Subscribe again from the article.") from error
    except BadSignature as error:
        raise BadLink("This link is not valid. Check that it was copied whole.") from error
    subscription = db.session.get(Subscription, data.get("id"))
    if data.get("do") != action or subscription is None or subscription.email != data.get("email"):
        raise BadLink("This link no longer matches a subscription.")
    return subscription


def subscribe(article: Article, email: str, *, now: datetime) -> Subscription:
    """Record a wish to follow the article and mail a confirmation link (once)."""
    email = email.lower()
    subscription = db.session.scalar(select(Subscription).where(
        Subscription.article_id == article.id, Subscription.email == email))
    if subscription is None:
        subscription = Subscription(article=article, email=email, created_at=now)
        db.session.add(subscription)
        db.session.flush()
    if subscription.confirmed_at is None:
        after_commit(send_confirmation, subscription.id)
    return subscription


def confirm(subscription: Subscription, now: datetime) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now


def unsubscribe(subscription: Subscription) -> None:
    db.session.delete(subscription)


@notifications.approved.connect
def announce(response: Response, **_) -> None:
    """Tell the article's confirmed subscribers about a newly approved response."""
    after_commit(notify_subscribers, response.id)


def unsubscribe_headers(link: str) -> dict:
    """RFC 8058 one-click unsubscribe headers (public: question mail uses them too)."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@app_task()
def send_confirmation(subscription_id: int) -> None:
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or subscription.confirmed_at is not None:
        return
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        confirm_link = url_for("comments.confirm_subscription",
                               token=make_token(subscription, "confirm"), _external=True)
        stop_link = url_for("comments.unsubscribe", token=make_token(subscription, "unsubscribe"),
                            _external=True)
    title = subscription.article.title
    send_mail(subscription.email, f"Confirm: follow the discussion of “{title}”",
              f"Someone (we hope you) asked to be told by email of new replies to “{title}”.\n\n"
              f"To confirm, open this link and press the button:\n{confirm_link}\n\n"
              f"If it wasn't you, ignore this message: nothing will be sent.\n\n"
              f"Unsubscribe: {stop_link}\n", unsubscribe_headers(stop_link))
    db.session.commit()


@app_task()
def notify_subscribers(response_id: int) -> None:
    response = db.session.get(Response, response_id)
    if response is None or response.status is not ResponseStatus.APPROVED \
            or response.article is None:  # only articles have followers
        return
    article = response.article
    subscribers = db.session.scalars(select(Subscription).where(
        Subscription.article_id == article.id, Subscription.confirmed_at.is_not(None),
        Subscription.email != response.author_email))
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        link = url_for("comments.permalink", response_id=response.id, _external=True)
        letters = [(s.email, url_for("comments.unsubscribe", token=make_token(s, "unsubscribe"),
                                     _external=True)) for s in subscribers]
    for email, stop_link in letters:
        send_mail(email, f"New reply on “{article.title}”",
                  f"{response.display_name} wrote:\n\n"
                  f"{response.body_source[:2000]}\n\nRead the discussion: {link}\n\n"
                  f"You get this because you follow this discussion.\n"
                  f"Unsubscribe with one click: {stop_link}\n", unsubscribe_headers(stop_link))
    db.session.commit()
