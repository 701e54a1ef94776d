"""Mail about moderation: held responses to moderators, approved ones to the article's author.

Links in moderators' mail are signed and open a confirmation page; only its button (a POST)
changes anything.
"""

from __future__ import annotations

from datetime import timedelta

from blinker import Namespace
from flask import current_app, url_for
from huey import crontab
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Article, Response, ResponseStatus, Role, User
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.moderation.settings import NotifyModerators
from app.tasks import after_commit, app_periodic_task, app_task, send_mail

LINK_MAX_AGE = 7 * 24 * 3600
EMAIL_ACTIONS = ("approve", "spam", "trash")


class BadActionLink(Exception):
    """A moderation link that was forged, altered or has expired."""


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="parley-moderation")


def action_token(response: Response, action: str, moderator: User) -> str:
    return _signer().dumps({"r": response.id, "a": action, "m": moderator.id,
                            "s": response.status.value})


def read_action_token(token: str) -> dict:
    """Return {response, action, moderator, seen} from a signed link, or raise BadActionLink."""
    try:
        data = _signer().loads(token, max_age=LINK_MAX_AGE)
    except SignatureExpired as error:
        raise BadActionLink("This moderation link has expired (links last 7 days). Open the "
                            "moderation queue instead.") from error
    except BadSignature as error:
        raise BadActionLink("This moderation link is not valid. Check that it was copied "
                            "whole, or open the moderation queue.") from error
    moderator = db.session.get(User, data.get("m"))
    if data.get("a") not in EMAIL_ACTIONS or moderator is None or not moderator.can_moderate:
        raise BadActionLink("This moderation link is no longer valid for your account.")
    return {"response": db.session.get(Response, data.get("r")), "response_id": data.get("r"),
            "action": data["a"], "moderator": moderator, "seen": ResponseStatus(data["s"])}


def moderators() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role.in_((Role.ADMIN, Role.MODERATOR)), User.password_hash.is_not(None))))


def response_held(response: Response) -> None:
    """Tell moderators of a held response, unless they chose a digest or no mail."""
    if site_settings.load().notify_moderators is NotifyModerators.EACH:
        after_commit(mail_moderators_about, response.id)


# Sent with each newly approved response (the sender). The discussion's subscriptions and the
# questions' asker mail listen: moderation knows neither (they import moderation, not the
# reverse).
approved = Namespace().signal("response-approved")


def response_approved(response: Response) -> None:
    """Tell whoever listens (subscribers, the asker) of an approved response, and the
    article's author if they want it."""
    responses_approved([response])


def responses_approved(responses: list[Response]) -> None:
    """The same for responses approved together: each article's author gets one mail listing
    theirs, not one mail each."""
    for response in responses:
        approved.send(response)
    if responses and site_settings.load().notify_authors:
        after_commit(mail_authors_about, [r.id for r in responses])


def _describe(response: Response, max_links: int | None = None) -> str:
    if response.is_linkback:
        lines = [f"{response.linkback_label} on “{response.context_title}”",
                 f"From: {response.display_name}  {response.source_url}"]
    else:
        who = response.display_name
        lines = [f"{response.kind.value.capitalize()} on “{response.context_title}”",
                 f"Author: {who} <{response.author_email}>  {response.author_url}"]
    from app.moderation.queue import reason_sentence

    why = reason_sentence(response.moderation_reason, response.status_changed_at,
                          max_links=site_settings.load().max_links if max_links is None
                          else max_links)
    label = "Why it is held" if response.status is ResponseStatus.PENDING else "Why"
    lines += [f"IP: {response.author_ip}   {label}: {why}.", "",
              response.body_source[:3000]]
    return "\n".join(lines)


def _site_links():
    return current_app.test_request_context(base_url=current_app.config["SITE_URL"])


@app_task()
def mail_moderators_about(response_id: int) -> None:
    response = db.session.get(Response, response_id)
    if response is None or response.status is not ResponseStatus.PENDING:
        return
    for moderator in moderators():
        with _site_links():
            links = "\n".join(
                f"{action.capitalize()}: " + url_for("moderation.email_action",
                                                     token=action_token(response, action,
                                                                        moderator),
                                                     _external=True)
                for action in EMAIL_ACTIONS)
            queue = url_for("moderation.queue", status="pending", _external=True)
        send_mail(moderator.email, f"Held for moderation: {response.kind.value} on "
                                   f"“{response.context_title}”",
                  f"{_describe(response)}\n\n{links}\n\nEach link asks you to confirm.\n"
                  f"The queue: {queue}\n")
    db.session.commit()


@app_task()
def mail_author_about(response_id: int) -> None:
    mail_authors_about([response_id])


@app_task()
def mail_authors_about(response_ids: list[int]) -> None:
    """Mail each article's author about the responses just approved on their articles: one
    mail per author, listing them all (not their own)."""
    approved = list(db.session.scalars(
        select(Response).where(Response.id.in_(response_ids),
                               Response.status == ResponseStatus.APPROVED)
        .options(joinedload(Response.article).joinedload(Article.author))
        .order_by(Response.created_at, Response.id)))
    by_author: dict[int, list[Response]] = {}
    for response in approved:
        if response.article is None:  # a question of its own has no article's author
            continue
        author = response.article.author
        if response.user_id == author.id or response.author_email == author.email:
            continue
        by_author.setdefault(author.id, []).append(response)
    for responses in by_author.values():
        author = responses[0].article.author
        with _site_links():
            links = [url_for("comments.permalink", response_id=r.id, _external=True)
                     for r in responses]
        if len(responses) == 1:
            response = responses[0]
            send_mail(author.email, f"New {response.kind.value} on “{response.article.title}”",
                      f"{_describe(response)}\n\nRead it: {links[0]}\n")
            continue
        titles = {r.article.title for r in responses}
        where = f"“{next(iter(titles))}”" if len(titles) == 1 else "your articles"
        limit = site_settings.load().max_links
        parts = [f"{_describe(r, limit)}\n\nRead it: {link}"
                 for r, link in zip(responses, links, strict=True)]
        send_mail(author.email, f"{len(responses)} new responses on {where}",
                  f"{len(responses)} responses were approved on {where}:\n\n"
                  + "\n\n-----\n\n".join(parts) + "\n")
    db.session.commit()


@app_periodic_task(crontab(hour="7", minute="0"))
def send_moderation_digest() -> None:
    """Once a day, when moderators chose a digest: list what waits in the queue."""
    if site_settings.load().notify_moderators is not NotifyModerators.DIGEST:
        return
    since = utcnow() - timedelta(days=1)
    held = list(db.session.scalars(select(Response).where(
        Response.status == ResponseStatus.PENDING, Response.created_at >= since)
        .order_by(Response.created_at)))
    if not held:
        return
    for moderator in moderators():
        parts = []
        with _site_links():
            for response in held:
                links = "  ".join(
                    f"{action}: " + url_for("moderation.email_action",
                                            token=action_token(response, action, moderator),
                                            _external=True) for action in EMAIL_ACTIONS)
                parts.append(f"{_describe(response)}\n{links}")
            queue = url_for("moderation.queue", status="pending", _external=True)
        send_mail(moderator.email, f"{len(held)} response{'s' if len(held) > 1 else ''} held "
                                   "for moderation",
                  "\n\n-----\n\n".join(parts) + f"\n\nThe queue: {queue}\n")
    db.session.commit()
