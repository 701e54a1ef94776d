"""The audit log: who may read which entries, one page of them, and each entry as a sentence.

Who may act on what (`core/permissions.py`): the moderation views let a moderator or an admin
act on every response there is (`roles_required(ADMIN, MODERATOR)`, with no rule per article
or per response). So a moderator reads the history of every response that still exists; an
entry whose response was deleted for good (`response_id` set to NULL) is about nothing anyone
can act on any more, and only admins, who see everything, read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload

from app.core.paging import Paged
from app.extensions import db
from app.models import Article, ModerationEvent, Response, ResponseStatus, User

PER_PAGE = 50

# What was done, as the start of a sentence ("Approved by …").
VERBS = {
    "approve": "Approved", "unapprove": "Unapproved", "spam": "Marked as spam",
    "not_spam": "Marked as not spam", "trash": "Moved to the trash", "restore": "Restored",
    "delete": "Deleted permanently", "purge": "Emptied from spam and trash",
    "edit": "Edited", "update": "Updated", "address proven": "Address proven",
    "accept answer": "Answer accepted", "take back accepted answer": "Accepted answer taken back",
    "turn into question": "Turned into a question", "turn into comment": "Turned into a comment",
    "edit question": "Question edited", "reopen": "Reopened",
}
# What a new response's arrival reads as, by where the rules sent it.
ARRIVALS = {"pending": "Received and held", "approved": "Received and published",
            "spam": "Received and marked as spam", "trash": "Received and moved to the trash"}
# How it was done, to end the sentence.
VIA = {"queue": "from the queue", "email": "from an email link", "rule": "by the rules",
       "author": "by its author", "source": "after its source changed",
       "schedule": "on schedule"}


def sees_everything(user: User) -> bool:
    """Admins read every entry; moderators those of the responses they can act on."""
    return user.is_admin


def visible_to(user: User):
    """SQL condition on `ModerationEvent`: the entries `user` may read (see the docstring)."""
    if sees_everything(user):
        return true()
    return ModerationEvent.response_id.is_not(None)


@dataclass(frozen=True)
class LogFilter:
    response_ref: int | None = None
    page: int = 1

    def as_args(self, **changes) -> dict:
        values = {"response": self.response_ref, "page": self.page, **changes}
        return {k: v for k, v in values.items() if v is not None and not (k == "page" and v == 1)}


@dataclass(frozen=True)
class LogEntry:
    """One event, with what its sentence links to."""

    event: ModerationEvent
    response: Response | None
    article: Article | None


@dataclass
class LogPage(Paged):
    entries: list[LogEntry]
    page: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)


def log_page(user: User, f: LogFilter) -> LogPage:
    """One page of the entries `user` may read, newest first, in two queries whatever the
    page holds: the count, then the rows with their actor, response and article."""
    conditions = [visible_to(user)]
    if f.response_ref is not None:
        conditions.append(ModerationEvent.response_ref == f.response_ref)
    total = db.session.scalar(select(func.count()).select_from(ModerationEvent)
                              .where(*conditions)) or 0
    page = max(f.page, 1)
    if (page - 1) * PER_PAGE >= total:
        return LogPage(entries=[], page=page, total=total)
    rows = db.session.execute(
        select(ModerationEvent, Response, Article)
        .outerjoin(Response, Response.id == ModerationEvent.response_id)
        .outerjoin(Article, Article.id == Response.article_id)
        .where(*conditions)
        .options(joinedload(ModerationEvent.actor))
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return LogPage(entries=[LogEntry(e, r, a) for e, r, a in rows], page=page, total=total)


def format_moment(value: datetime, zone: tzinfo) -> str:
    """Format as "3 June 2025 at 14:02" in the zone."""
    local = value.astimezone(zone)
    return f"{local.day} {local:%B} {local.year} at {local:%H:%M}"


def doer(event: ModerationEvent) -> str:
    """Who did it, named: the person, else what acted (the rules, the schedule, a guest)."""
    if event.actor is not None:
        return event.actor.name
    return {"rule": "the rules", "schedule": "the schedule", "source": "the linking site",
            "email": "its author"}.get(event.via, "a guest")


def sentence(event: ModerationEvent, zone: tzinfo) -> str:
    """The entry as a sentence: "Approved by Sam Moderator on 3 June 2025 at 14:02, from the
    queue"."""
    if event.action == "submit":
        what = ARRIVALS.get(event.to_status, "Received")
        how = "by the rules" if event.via == "rule" else VIA.get(event.via, "")
        who = f", sent by {event.actor.name}" if event.actor is not None else ""
        return f"{what} {how} on {format_moment(event.created_at, zone)}{who}".strip()
    what = VERBS.get(event.action, event.action.capitalize())
    how = VIA.get(event.via, "")
    text = f"{what} by {doer(event)} on {format_moment(event.created_at, zone)}"
    if how and not (event.via == "rule" and event.actor is None):
        text += f", {how}"
    return text


def status_change(event: ModerationEvent) -> str:
    """"pending → approved", "spam → gone", or "" when the status stayed."""
    if event.from_status == event.to_status:
        return ""
    return f"{event.from_status or 'new'} → {event.to_status or 'gone'}"


def is_public(response: Response | None) -> bool:
    return response is not None and response.status is ResponseStatus.APPROVED
