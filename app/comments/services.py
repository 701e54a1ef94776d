"""Comment rules: who may post what, where it goes, and how long its author may change it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, func, or_, select

from app.comments import subscriptions
from app.core.sanitize import render_comment
from app.core.settings import DiscussionSettings
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus, User
from app.moderation import notifications
from app.moderation import services as moderation
from app.moderation.policy import TRUSTED_ROLES, Submission, decide


class CommentRefused(Exception):
    """The comment cannot be taken; `errors` maps each form field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class CommentInput:
    body: str
    name: str = ""
    email: str = ""
    website: str = ""
    parent_id: int | None = None
    notify: bool = False
    honeypot: str = ""
    seconds_to_fill: float | None = None


@dataclass
class Commenter:
    """Who is posting, from where, and when."""

    user: User | None
    ip: str
    user_agent: str
    now: datetime
    # Responses this browser wrote (from its signed cookie): they may be seen while pending.
    own_ids: frozenset[int] = field(default_factory=frozenset)


def normalise_text(text: str) -> str:
    """Trim the text and use one kind of line break (browsers send CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def normalise_website(raw: str) -> str | None:
    """Return an http(s) URL for what was typed (adding http://), or None if it isn't one."""
    url = raw.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in url:
        return None
    return url[:500]


def _check_identity(data: CommentInput, commenter: Commenter, errors: dict) -> tuple[str, str]:
    if commenter.user is not None:
        return commenter.user.name, commenter.user.email
    name, email = data.name.strip(), data.email.strip()
    if not name:
        errors["name"] = "Enter your name."
    elif len(name) > 200:
        errors["name"] = "Shorten your name to 200 characters or fewer."
    if not email:
        errors["email"] = "Enter your email address (it is never shown)."
    else:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = "Enter a valid email address, like name@example.com."
    return name, email


def _check_parent(article: Article, parent_id: int | None, errors: dict) -> Response | None:
    if parent_id is None:
        return None
    parent = db.session.get(Response, parent_id)
    if parent is None or parent.article_id != article.id:
        errors["parent_id"] = "The comment you are replying to is not on this article."
        return None
    if parent.status is not ResponseStatus.APPROVED:
        errors["parent_id"] = "The comment you are replying to is not published."
        return None
    return parent


def _check_flood(commenter: Commenter, settings: DiscussionSettings, errors: dict) -> None:
    if commenter.user is not None and commenter.user.role in TRUSTED_ROLES:
        return
    since = commenter.now - timedelta(seconds=settings.flood_seconds)
    last = db.session.scalar(
        select(func.max(Response.created_at)).where(Response.author_ip == commenter.ip,
                                                    Response.created_at > since))
    if last is not None:
        wait = int((last + timedelta(seconds=settings.flood_seconds) - commenter.now)
                   .total_seconds()) + 1
        errors["body"] = (f"You are posting too quickly. Wait {max(wait, 1)} seconds and send "
                          f"it again; your text is kept below.")


def _check_duplicate(article: Article, email: str, commenter: Commenter, body: str,
                     errors: dict) -> None:
    author = (Response.user_id == commenter.user.id) if commenter.user else \
        (Response.author_email == email)
    last_body = db.session.scalar(
        select(Response.body_source).where(Response.article_id == article.id, author,
                                           Response.kind == ResponseKind.COMMENT)
        .order_by(Response.created_at.desc(), Response.id.desc()).limit(1))
    if last_body is not None and last_body.strip() == body:
        errors["body"] = "You've already said that."


def submit_comment(article: Article, data: CommentInput, commenter: Commenter,
                   settings: DiscussionSettings) -> Response:
    """Check and store a new comment, moderated; raise CommentRefused with every problem."""
    if not article.comments_open:
        raise CommentRefused({"body": "Comments are closed on this article."})
    errors: dict[str, str] = {}
    name, email = _check_identity(data, commenter, errors)
    body = normalise_text(data.body)
    if not body:
        errors["body"] = "Write your comment first."
    elif len(body) > settings.max_comment_length:
        errors["body"] = (f"Your comment is {len(body):,} characters long; the limit is "
                          f"{settings.max_comment_length:,}. Shorten it and send it again.")
    website = normalise_website(data.website) if commenter.user is None else \
        (commenter.user.website or "")
    if website is None:
        errors["website"] = "Enter a web address like https://example.com, or leave it empty."
    parent = _check_parent(article, data.parent_id, errors)
    if "body" not in errors:
        _check_flood(commenter, settings, errors)
    if not errors:
        _check_duplicate(article, email, commenter, body, errors)
    if errors:
        raise CommentRefused(errors)

    decision = decide(
        Submission(kind=ResponseKind.COMMENT, role=commenter.user.role if commenter.user else None,
                   body=body, name=name, email=email, website=website, ip=commenter.ip,
                   user_agent=commenter.user_agent, honeypot=data.honeypot,
                   seconds_to_fill=data.seconds_to_fill),
        moderation.history_for(email, commenter.user, commenter.own_ids),
        settings.rules())
    response = Response(
        article=article, kind=ResponseKind.COMMENT, status=decision.status,
        moderation_reason=decision.reason, author_name=name, author_email=email.lower(),
        author_url=website, author_ip=commenter.ip, user_agent=commenter.user_agent[:500],
        user=commenter.user, body_source=body, body_html=render_comment(body),
        created_at=commenter.now,
        approved_at=commenter.now if decision.status is ResponseStatus.APPROVED else None,
    )
    db.session.add(response)
    db.session.flush()
    response.place_under(parent)
    response.status_changed_at = commenter.now
    moderation.record(response, commenter.user, "submit", None, commenter.now, via="rule")
    if data.notify and response.status is not ResponseStatus.SPAM:
        subscriptions.subscribe(article, email, now=commenter.now)
    if response.status is ResponseStatus.APPROVED:
        notifications.response_approved(response)
    elif response.status is ResponseStatus.PENDING:
        notifications.response_held(response)
    return response


def preview_html(body: str) -> str:
    return render_comment(body.strip())


# --- the author's own tools -------------------------------------------------------------------

def owns(response: Response, commenter: Commenter) -> bool:
    if commenter.user is not None and response.user_id == commenter.user.id:
        return True
    return response.id in commenter.own_ids


def can_change(response: Response, commenter: Commenter, settings: DiscussionSettings) -> bool:
    """Tell whether the commenter may still edit or delete this response."""
    return (
        response.kind is ResponseKind.COMMENT
        and response.status in (ResponseStatus.PENDING, ResponseStatus.APPROVED)
        and owns(response, commenter)
        and commenter.now - response.created_at <= timedelta(minutes=settings.edit_minutes)
    )


def edit_comment(response: Response, body: str, commenter: Commenter,
                 settings: DiscussionSettings) -> None:
    """Replace the text of the commenter's own recent comment."""
    body = normalise_text(body)
    if not body:
        raise CommentRefused({"body": "Write your comment first."})
    if len(body) > settings.max_comment_length:
        raise CommentRefused({"body": f"The limit is {settings.max_comment_length:,} characters."})
    response.body_source = body
    response.body_html = render_comment(body)
    response.edited_at = commenter.now


def delete_own(response: Response) -> None:
    """Move the commenter's own comment to the trash, where a moderator can still restore it."""
    response.status = ResponseStatus.TRASH
    response.moderation_reason = "trash: deleted by its author"


# --- reading threads ---------------------------------------------------------------------------

def visible_to(commenter: Commenter | None):
    """SQL condition: approved responses, plus this reader's own pending ones."""
    condition = Response.status == ResponseStatus.APPROVED
    if commenter is None:
        return condition
    own = []
    if commenter.own_ids:
        own.append(Response.id.in_(commenter.own_ids))
    if commenter.user is not None:
        own.append(Response.user_id == commenter.user.id)
    if own:
        # Their own held (or quietly spammed) ones show to them as awaiting moderation.
        held = Response.status.in_((ResponseStatus.PENDING, ResponseStatus.SPAM))
        condition = or_(condition, and_(held, or_(*own)))
    return condition
