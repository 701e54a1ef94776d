"""Periodic moderation work run by the queue's worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import delete, or_, select

from app.extensions import db
from app.models import ModerationAction, ModerationEvent, ModerationVia, Response, ResponseStatus
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.tasks import app_periodic_task


def purge_spam_and_trash(now: datetime, days: int) -> int:
    """Delete spam and trash older than `days`, keeping an audit row for each; return the count."""
    cutoff = now - timedelta(days=days)
    old = list(db.session.scalars(select(Response).where(
        Response.status.in_((ResponseStatus.SPAM, ResponseStatus.TRASH)),
        or_(Response.status_changed_at < cutoff,
            Response.status_changed_at.is_(None) & (Response.created_at < cutoff)))))
    for response in old:
        db.session.add(ModerationEvent(
            response_ref=response.id, response_id=None, action=ModerationAction.PURGE.value,
            from_status=response.status.value, to_status="", via=ModerationVia.SCHEDULE.value,
            created_at=now,
            summary=f"{response.kind.value} #{response.id} by "
                    f"{response.display_name}: emptied after {days} days"))
    if old:
        db.session.execute(delete(Response).where(Response.id.in_([r.id for r in old])))
    return len(old)


@app_periodic_task(crontab(hour="3", minute="30"))
def empty_old_spam_and_trash() -> None:
    purge_spam_and_trash(utcnow(), site_settings.load().purge_after_days)
    db.session.commit()
