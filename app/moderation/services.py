"""Moderator actions, the author history the rules need, and the audit log.

Functions change rows and flush; the view or task commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import escape
from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.orm import joinedload

from app.core.sanitize import render_comment
from app.core.text import clean_line
from app.core.urls import clean_url
from app.extensions import db
from app.models import (
    ModerationAction,
    ModerationEvent,
    ModerationVia,
    Response,
    ResponseKind,
    ResponseStatus,
    User,
)
from app.moderation import notifications
from app.moderation.policy import History, Submission
from app.moderation.spam import jobs as spam_jobs

S = ResponseStatus


class ModerationError(Exception):
    """An action that cannot be done; the message says why, for the moderator."""


class StaleResponse(ModerationError):
    """Another moderator changed the response a moment ago."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    allowed_from: frozenset[ResponseStatus]


ACTIONS = {
    a.name: a for a in (
        Action("approve", "Approve", frozenset({S.PENDING, S.SPAM})),
        Action("unapprove", "Unapprove", frozenset({S.APPROVED})),
        Action("spam", "Spam", frozenset({S.PENDING, S.APPROVED})),
        Action("not_spam", "Not spam", frozenset({S.SPAM})),
        Action("trash", "Trash", frozenset({S.PENDING, S.APPROVED, S.SPAM})),
        Action("restore", "Restore", frozenset({S.TRASH})),
        Action("delete", "Delete permanently", frozenset({S.SPAM, S.TRASH})),
    )
}


def actions_for(status: ResponseStatus) -> list[Action]:
    return [a for a in ACTIONS.values() if status in a.allowed_from]


def summary_of(response: Response) -> str:
    who = response.display_name
    text = " ".join(response.body_source.split())
    return f"{response.kind.value} #{response.id} by {who}: {text[:200]}"[:300]


A = ModerationAction
Via = ModerationVia


def record(response: Response, actor: User | None, action: ModerationAction,
           before: ResponseStatus | None, now: datetime, via: ModerationVia = Via.QUEUE,
           gone: bool = False, detail: str = "") -> None:
    """Write one audit row for an action on a response (`detail` follows the action's name:
    "close as duplicate" "of #12")."""
    if not isinstance(action, ModerationAction) or not isinstance(via, ModerationVia):
        raise TypeError("record() takes a ModerationAction and a ModerationVia")
    db.session.add(ModerationEvent(
        response_ref=response.id, response_id=response.id, actor=actor,
        action=f"{action.value} {detail}"[:40] if detail else action.value,
        from_status=before.value if before else "", to_status="" if gone else response.status.value,
        summary=summary_of(response), via=via.value, created_at=now))


def set_status(response: Response, status: ResponseStatus, now: datetime, reason: str) -> None:
    """Move a response to a status, remembering where it came from."""
    if status in (S.SPAM, S.TRASH) and response.status is not status:
        # Restore and "not spam" return it here (spam that was trashed goes back to spam).
        response.previous_status = response.status
    response.status = status
    response.status_changed_at = now
    response.moderation_reason = reason
    if status is S.APPROVED and response.approved_at is None:
        response.approved_at = now


def apply(response: Response, action_name: str, actor: User | None, *, seen: ResponseStatus | None,
          now: datetime, via: ModerationVia = Via.QUEUE) -> None:
    """Do one moderator action; refuse it if the response changed since the moderator saw it."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise ModerationError(f"Unknown action “{action_name}”.")
    _check(response, action, seen)
    before = response.status
    who = actor.name if actor else "a moderator"
    if action.name == "delete":
        record(response, actor, A.DELETE, before, now, via, gone=True)
        db.session.flush()
        db.session.delete(response)
        return
    target = _target(response, action)
    set_status(response, target, now, f"{target.value}: {action.label.lower()} by {who}")
    record(response, actor, A(action.name), before, now, via)
    spam_jobs.after_decision([response])  # the spam model learns what the moderator said
    if target is S.APPROVED and before is not S.APPROVED:
        notifications.response_approved(response)


@dataclass
class BulkResult:
    """What one action over many rows did: the rows it changed, and why others were left."""

    done: list[Response]
    errors: list[str]


def _check(response: Response, action: Action, seen: ResponseStatus | None) -> None:
    if seen is not None and response.status is not seen:
        raise StaleResponse(f"Response #{response.id} was changed by someone else a moment ago "
                            f"(it is now {response.status.value}); nothing was done to it.")
    if response.status not in action.allowed_from:
        raise ModerationError(f"Response #{response.id} is {response.status.value}: "
                              f"“{action.label}” does not apply.")


def _target(response: Response, action: Action) -> ResponseStatus:
    return {
        "approve": S.APPROVED, "unapprove": S.PENDING, "spam": S.SPAM, "trash": S.TRASH,
        "not_spam": response.previous_status if response.previous_status not in (None, S.SPAM,
                                                                                 S.TRASH)
        else S.PENDING,
        "restore": response.previous_status or S.PENDING,
    }[action.name]


def _event(response: Response, actor: User | None, action: ModerationAction,
           before: ResponseStatus | None, now: datetime, via: ModerationVia,
           gone: bool = False) -> dict:
    return {"response_ref": response.id, "response_id": response.id,
            "actor_id": actor.id if actor else None, "action": action.value,
            "from_status": before.value if before else "",
            "to_status": "" if gone else response.status.value,
            "summary": summary_of(response), "via": via.value, "created_at": now}


def apply_many(requested: list[tuple[int, ResponseStatus | None]], action_name: str,
               actor: User | None, *, now: datetime, via: ModerationVia = Via.QUEUE
               ) -> BulkResult:
    """Do one moderator action to many responses in a constant number of statements: one
    SELECT of them all, one UPDATE (batched) or DELETE, one INSERT of the audit rows. Each
    response the moderator saw in another status, or that the action does not apply to, is
    left as it is, with the reason in `errors`. The approved ones are announced together
    (one digest mail per article author)."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise ModerationError(f"Unknown action “{action_name}”.")
    rows = {r.id: r for r in db.session.scalars(
        select(Response).where(Response.id.in_([i for i, _ in requested]))
        .options(joinedload(Response.article), joinedload(Response.parent)))}
    who = actor.name if actor else "a moderator"
    done, errors, events, approved = [], [], [], []
    for response_id, seen in requested:
        response = rows.get(response_id)
        if response is None:
            errors.append(f"Response #{response_id} no longer exists; nothing was done to it.")
            continue
        try:
            _check(response, action, seen)
        except ModerationError as error:
            errors.append(str(error))
            continue
        before = response.status
        if action.name == "delete":
            events.append(_event(response, actor, A.DELETE, before, now, via, gone=True))
        else:
            target = _target(response, action)
            set_status(response, target, now, f"{target.value}: {action.label.lower()} by {who}")
            events.append(_event(response, actor, A(action.name), before, now, via))
            if target is S.APPROVED and before is not S.APPROVED:
                approved.append(response)
        done.append(response)
    if events:
        db.session.execute(insert(ModerationEvent), events)  # flushes the UPDATE first
    if action.name == "delete" and done:
        db.session.execute(delete(Response).where(Response.id.in_([r.id for r in done])),
                           execution_options={"synchronize_session": False})
        for response in done:
            db.session.expunge(response)
    if action.name != "delete":
        spam_jobs.after_decision(done)
    if approved:
        notifications.responses_approved(approved)
    return BulkResult(done=done, errors=errors)


def empty(status: ResponseStatus, actor: User | None, now: datetime) -> int:
    """Delete every response in Spam or Trash for good, with one audit row each, in a
    constant number of statements; return how many went."""
    if status not in (S.SPAM, S.TRASH):
        raise ModerationError("Only Spam and Trash can be emptied.")
    rows = list(db.session.execute(select(
        Response.id, Response.kind, Response.author_name, Response.source_title,
        Response.body_source).where(Response.status == status)))
    if not rows:
        return 0
    db.session.execute(insert(ModerationEvent), [
        {"response_ref": row.id, "response_id": None, "actor_id": actor.id if actor else None,
         "action": A.DELETE.value, "from_status": status.value, "to_status": "",
         "via": Via.QUEUE.value,
         "created_at": now,
         "summary": (f"{row.kind.value} #{row.id} by "
                     f"{row.author_name or row.source_title or 'Anonymous'}: "
                     f"{' '.join(row.body_source.split())[:200]}")[:300]}
        for row in rows])
    # Those listed: anything put there since has a higher id, and stays.
    db.session.execute(delete(Response).where(Response.status == status,
                                              Response.id <= max(row.id for row in rows)),
                       execution_options={"synchronize_session": False})
    return len(rows)


def quick_edit(response: Response, actor: User, *, name: str, email: str, website: str,
               body: str, now: datetime) -> None:
    """Correct a response's author details or text; the source is kept as typed."""
    before = response.status
    response.author_name = clean_line(name)[:200]
    response.author_email = email.strip().lower()[:254]
    response.author_url = clean_url(website)  # BadUrl for anything but an http(s) address
    response.body_source = body.replace("\r\n", "\n").strip()
    if response.kind in (ResponseKind.COMMENT, ResponseKind.QUESTION):
        response.body_html = render_comment(response.body_source)
    elif response.shows_excerpt:
        response.body_html = str(escape(response.body_source))
    response.edited_at = now
    record(response, actor, A.EDIT, before, now)


def history_for(email: str, user: User | None, own_ids: frozenset[int],
                proven_emails: frozenset[str] = frozenset()) -> History:
    """Look up what the rules need to know about an author, in at most two queries.

    A guest is proven by the signed cookie of the browser that wrote an approved comment
    (`own_ids`), or by this browser's signed list of addresses it proved by opening a link
    mailed to them (`proven_emails`). Knowing an address proves nothing: anyone can type it.
    """
    # A question is a comment with a title: an approved one counts as one.
    approved = (Response.status == S.APPROVED) & Response.kind.in_(
        (ResponseKind.COMMENT, ResponseKind.QUESTION))
    if user is not None:
        count = db.session.scalar(select(func.count()).select_from(Response).where(
            Response.user_id == user.id, Response.status == S.APPROVED)) or 0
        proven = db.session.scalar(select(exists().where(approved, Response.user_id == user.id)))
        return History(proven_previously_approved=bool(proven), approved_count=count,
                       address_previously_approved=bool(proven))
    email = email.lower()
    by_address = exists().where(approved, Response.author_email == email)
    if email in {e.lower() for e in proven_emails}:
        proven = by_address
    else:
        proven = exists().where(approved, Response.author_email == email,
                                Response.id.in_(own_ids or [-1]))
    proven_row, known = db.session.execute(select(proven, by_address)).one()
    return History(proven_previously_approved=bool(proven_row),
                   address_previously_approved=bool(known))


def stored_submission(response: Response, role=None) -> Submission:
    """What was submitted with a response, read back to decide it again (after an edit, or
    once its author proved the address). The form's bot traps were judged when it arrived."""
    return Submission(kind=response.kind, role=role, body=response.body_source,
                      name=response.author_name, email=response.author_email,
                      website=response.author_url, ip=response.author_ip,
                      user_agent=response.user_agent)


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response)
                             .where(Response.status == S.PENDING)) or 0
