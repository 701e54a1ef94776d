"""Comment rules: who may post what, where it goes, and how long its author may change it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, func, or_, select

from app.comments import closing, proof, subscriptions
from app.comments.wording import plural
from app.core.sanitize import render_comment
from app.core.text import clean_line, has_visible
from app.core.urls import BadUrl, clean_url
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus, User
from app.moderation import notifications
from app.moderation import services as moderation
from app.moderation.policy import TRUSTED_ROLES, Decision, SpamScore, Submission, decide
from app.moderation.settings import DiscussionSettings
from app.moderation.spam import store as spam_store

# A form's signed stamp (when it was shown) is good for a day; an older one is shown again.
FORM_MAX_AGE = timedelta(days=1)


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
    # "This is a question for the community": a title (else the first sentence), up to three
    # tags from the moderators' list (their slugs), and the asker's wish for answer mail.
    is_question: bool = False
    title: str = ""
    tags: list[str] = field(default_factory=list)
    notify_answers: bool = False


@dataclass
class Commenter:
    """Who is posting, from where, and when."""

    user: User | None
    ip: str
    user_agent: str
    now: datetime
    # Responses this browser wrote (from its signed cookie): they may be seen while pending.
    own_ids: frozenset[int] = field(default_factory=frozenset)
    # Addresses this browser proved by opening a link mailed to them (another signed cookie).
    proven_emails: frozenset[str] = field(default_factory=frozenset)


def normalise_text(text: str) -> str:
    """Trim the text and use one kind of line break (browsers send CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def normalise_website(raw: str) -> str | None:
    """Return the http(s) URL for what was typed (the one URL rule), or None if it isn't one."""
    try:
        return clean_url(raw)
    except BadUrl:
        return None


def _check_identity(data: CommentInput, commenter: Commenter, errors: dict) -> tuple[str, str]:
    if commenter.user is not None:
        return commenter.user.name, commenter.user.email
    name, email = clean_line(data.name), data.email.strip()
    if not data.name.strip():
        errors["name"] = "Enter your name."
    elif not has_visible(name):
        errors["name"] = ("Enter a name that shows: this one is made only of invisible "
                          "characters or spaces.")
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


def _check_parent(article: Article | None, parent_id: int | None, errors: dict) -> Response | None:
    if parent_id is None:
        return None
    parent = db.session.get(Response, parent_id)
    if parent is None or parent.article_id != (article.id if article else None):
        errors["parent_id"] = "The comment you are replying to is not on this article."
        return None
    if parent.status is not ResponseStatus.APPROVED:
        errors["parent_id"] = "The comment you are replying to is not published."
        return None
    if parent.kind is ResponseKind.QUESTION and parent.duplicate_of_id is not None:
        errors["body"] = ("This question is closed as a duplicate of another one: answer the "
                          "original question instead (its link is above the question). Your "
                          "text is kept below.")
        return None
    return parent


def _check_question(data: CommentInput, body: str, errors: dict) -> tuple[str, list]:
    """The title and tags of a question, or why they can't be taken."""
    from app.questions.rules import title_from, title_too_long
    from app.questions.tags import parse_tags

    if data.parent_id is not None:
        errors["is_question"] = ("A reply cannot be a question: cancel the reply and ask yours "
                                 "in a new comment, or untick the box to reply.")
        return "", []
    title = clean_line(data.title or "").strip()
    if problem := title_too_long(title):
        errors["title"] = problem
    elif not has_visible(title):
        title = title_from(body)
    if not has_visible(title) and "body" not in errors and "title" not in errors:
        errors["title"] = "Give your question a title: a short sentence that asks it."
    try:
        tags = parse_tags(data.tags)
    except CommentRefused as refusal:
        errors.update(refusal.errors)
        tags = []
    return title, tags


def _check_flood(commenter: Commenter, settings: DiscussionSettings, errors: dict) -> None:
    if settings.flood_seconds <= 0:
        return  # off; a post from another worker may carry a later clock than this one's
    if commenter.user is not None and commenter.user.role in TRUSTED_ROLES:
        return
    since = commenter.now - timedelta(seconds=settings.flood_seconds)
    last = db.session.scalar(
        select(func.max(Response.created_at)).where(Response.author_ip == commenter.ip,
                                                    Response.created_at > since))
    if last is not None:
        wait = int((last + timedelta(seconds=settings.flood_seconds) - commenter.now)
                   .total_seconds()) + 1
        wait = max(wait, 1)
        errors["body"] = (f"You are posting too quickly. Wait {plural(wait, 'second')} and send "
                          "it again; "
                          "your text is kept below.")


def _check_duplicate(article: Article | None, email: str, commenter: Commenter, body: str,
                     errors: dict) -> None:
    author = (Response.user_id == commenter.user.id) if commenter.user else \
        (Response.author_email == email)
    where = Response.article_id == article.id if article is not None else \
        Response.article_id.is_(None)
    last_body = db.session.scalar(
        select(Response.body_source).where(where, author, Response.kind.in_(
            (ResponseKind.COMMENT, ResponseKind.QUESTION)))
        .order_by(Response.created_at.desc(), Response.id.desc()).limit(1))
    if last_body is not None and last_body.strip() == body:
        errors["body"] = "You've already said that."


def submit_comment(article: Article | None, data: CommentInput, commenter: Commenter,
                   settings: DiscussionSettings) -> Response:
    """Check and store a new comment or question, moderated; raise CommentRefused with every
    problem. A question may be about no article (asked on the Questions page), and so may the
    replies that answer it."""
    if article is not None:
        openness = closing.comments(article, settings.close_after_days, commenter.now)
        if not openness.open:
            raise CommentRefused(
                {"body": closing.refusal(openness, settings.close_after_days)})
    errors: dict[str, str] = {}
    name, email = _check_identity(data, commenter, errors)
    body = normalise_text(data.body)
    kind = ResponseKind.QUESTION if data.is_question else ResponseKind.COMMENT
    if not has_visible(body):
        errors["body"] = "Write your question first." if data.is_question else \
            "Write your comment first."
    elif len(body) > settings.max_comment_length:
        errors["body"] = (f"Your {kind.value} is {len(body):,} characters long; the limit is "
                          f"{settings.max_comment_length:,}. Shorten it and send it again.")
    website = normalise_website(data.website) if commenter.user is None else \
        (commenter.user.website or "")
    if website is None:
        errors["website"] = "Enter a web address like https://example.com, or leave it empty."
    parent = _check_parent(article, data.parent_id, errors)
    if article is None and parent is None and not data.is_question and "parent_id" not in errors:
        errors["body"] = "Choose an article to comment on."
    title, tags = _check_question(data, body, errors) if data.is_question else ("", [])
    if data.seconds_to_fill is not None and data.seconds_to_fill > FORM_MAX_AGE.total_seconds():
        errors["stamp"] = ("This form was opened more than a day ago and has expired. Check "
                           "your comment and send it again.")
    if "body" not in errors:
        _check_flood(commenter, settings, errors)
    if not errors:
        _check_duplicate(article, email, commenter, body, errors)
    if errors:
        raise CommentRefused(errors)

    submission = Submission(
        kind=kind, role=commenter.user.role if commenter.user else None,
        body=body, name=name, email=email, website=website, ip=commenter.ip,
        user_agent=commenter.user_agent, honeypot=data.honeypot,
        seconds_to_fill=data.seconds_to_fill)
    history = moderation.history_for(email, commenter.user, commenter.own_ids,
                                     commenter.proven_emails)
    spam = spam_store.score_submission(submission, settings)
    decision = decide(submission, history, settings, spam)
    response = Response(
        article=article, kind=kind, title=title, question_tags=tags, status=decision.status,
        moderation_reason=decision.reason, author_name=name, author_email=email.lower(),
        author_url=website, author_ip=commenter.ip, user_agent=commenter.user_agent[:500],
        user=commenter.user, body_source=body, body_html=render_comment(body),
        created_at=commenter.now,
        approved_at=commenter.now if decision.status is ResponseStatus.APPROVED else None,
    )
    spam_store.remember(response, spam, settings)
    db.session.add(response)
    db.session.flush()
    response.place_under(parent, settings.thread_depth)
    response.status_changed_at = commenter.now
    moderation.record(response, commenter.user, moderation.A.SUBMIT, None, commenter.now,
                      via=moderation.Via.RULE)
    if commenter.user is None and _proof_would_publish(submission, history, decision, settings,
                                                       spam):
        proof.offer(response)
    if data.notify and article is not None and response.status is not ResponseStatus.SPAM:
        subscriptions.subscribe(article, email, now=commenter.now)
    if data.is_question and data.notify_answers and response.status is not ResponseStatus.SPAM:
        from app.questions import notifications as question_mail

        question_mail.subscribe_asker(response, email, now=commenter.now)
    if response.status is ResponseStatus.APPROVED:
        notifications.response_approved(response)
    elif response.status is ResponseStatus.PENDING:
        notifications.response_held(response)
    return response


def _proof_would_publish(submission: Submission, history, decision: Decision,
                         settings: DiscussionSettings, spam: SpamScore | None) -> bool:
    """Tell whether a held guest comment would be published if its author proved the address:
    an approved comment was written with it, but this browser shows no proof."""
    if decision.status is not ResponseStatus.PENDING or history.proven_previously_approved:
        return False
    if not history.address_previously_approved:
        return False
    proven = replace(history, proven_previously_approved=True)
    return decide(submission, proven, settings, spam).status is ResponseStatus.APPROVED


def publish_proven(response: Response, commenter: Commenter,
                   settings: DiscussionSettings) -> ResponseStatus:
    """Decide a held comment again now that this browser proved its address (through a link
    mailed to it), and return where it is. The rules still apply: held for links, it stays
    held; only a comment still waiting for a moderator moves."""
    if response.status is not ResponseStatus.PENDING:
        return response.status
    proven_emails = commenter.proven_emails | {response.author_email}
    history = moderation.history_for(response.author_email, None, commenter.own_ids,
                                     proven_emails)
    submission = moderation.stored_submission(response)
    decision = decide(submission, history, settings,
                      spam_store.score_submission(submission, settings))
    if decision.status is not response.status:
        before = response.status
        moderation.set_status(response, decision.status, commenter.now, decision.reason)
        moderation.record(response, None, moderation.A.ADDRESS_PROVEN, before, commenter.now,
                          via=moderation.Via.EMAIL)
        if decision.status is ResponseStatus.APPROVED:
            notifications.response_approved(response)
    return response.status


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
        response.kind in (ResponseKind.COMMENT, ResponseKind.QUESTION)
        and response.status in (ResponseStatus.PENDING, ResponseStatus.APPROVED)
        and owns(response, commenter)
        and commenter.now - response.created_at <= timedelta(minutes=settings.edit_minutes)
    )


def edit_comment(response: Response, body: str, commenter: Commenter,
                 settings: DiscussionSettings) -> ResponseStatus:
    """Replace the text of the commenter's own recent comment, and decide it again.

    The new text goes through the same rules as a new comment, with what was stored when it
    was posted (IP, user agent, name, email, website) and the author's history, in which the
    comment itself counts when it is approved. An edit can hold a published comment or make
    it spam; it never publishes one that waits for a moderator. Return where it is now.
    """
    body = normalise_text(body)
    if not body:
        raise CommentRefused({"body": "Write your comment first."})
    if len(body) > settings.max_comment_length:
        raise CommentRefused({"body": f"The limit is {settings.max_comment_length:,} characters."})
    before = response.status
    response.body_source = body
    response.body_html = render_comment(body)
    response.edited_at = commenter.now
    author = response.user
    history = moderation.history_for(response.author_email, author, commenter.own_ids,
                                     commenter.proven_emails)
    submission = moderation.stored_submission(response, author.role if author else None)
    spam = spam_store.score_submission(submission, settings)
    spam_store.remember(response, spam, settings)
    decision = decide(submission, history, settings, spam)
    reason = f"{decision.reason} (after an edit by its author)"
    if decision.status is ResponseStatus.APPROVED and before is not ResponseStatus.APPROVED:
        # It waits for a moderator as it did, whatever held it before.
        response.moderation_reason = "held: edited by its author while waiting for a moderator"
    elif decision.status is not before:
        moderation.set_status(response, decision.status, commenter.now, reason)
    elif before is ResponseStatus.PENDING:
        response.moderation_reason = reason  # why it waits may have changed
    moderation.record(response, commenter.user, moderation.A.EDIT, before, commenter.now,
                      via=moderation.Via.AUTHOR)
    if before is ResponseStatus.APPROVED and response.status is ResponseStatus.PENDING:
        notifications.response_held(response)
    return response.status


def delete_own(response: Response, commenter: Commenter) -> None:
    """Move the commenter's own comment to the trash, where a moderator can still restore it
    to what it was."""
    before = response.status
    moderation.set_status(response, ResponseStatus.TRASH, commenter.now,
                          "trash: deleted by its author")
    moderation.record(response, commenter.user, moderation.A.TRASH, before, commenter.now,
                      via=moderation.Via.AUTHOR)


# --- how responses are shown ---------------------------------------------------------------

def badge_for(response: Response, article: Article) -> str | None:
    """Say who a response is from when it matters: "Author" for the article's author, "Staff"
    for the site's own people. Only a logged-in account earns one; a typed name never does.
    Reads `response.user`, which thread queries load with the responses."""
    if response.user_id is None:
        return None
    if response.user_id == article.author_id:
        return "Author"
    if response.user is not None and response.user.role in TRUSTED_ROLES:
        return "Staff"
    return None


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
