"""Background work for linkbacks: verifying webmentions, forgetting old status pages."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab
from sqlalchemy import delete, select

from app.extensions import db
from app.models import WebmentionRequest
from app.models.types import utcnow
from app.tasks import app_periodic_task, app_task

# How long a webmention's status page stays readable.
STATUS_DAYS = 30
# A webmention still pending after this long lost its job (a worker stopped): queue it again.
STALE_MINUTES = 10


@app_task(retries=2, retry_delay=30)
def verify_webmention(request_id: int, user_agent: str = "") -> None:
    from app.linkbacks import services

    services.process_webmention(request_id, user_agent)
    db.session.commit()


@app_periodic_task(crontab(minute="17", hour="3"))
def forget_old_webmention_requests() -> None:
    cutoff = utcnow() - timedelta(days=STATUS_DAYS)
    db.session.execute(delete(WebmentionRequest).where(WebmentionRequest.updated_at < cutoff))
    db.session.commit()


@app_periodic_task(crontab(minute="*/10"))
def requeue_stale_webmentions() -> None:
    cutoff = utcnow() - timedelta(minutes=STALE_MINUTES)
    stale = db.session.scalars(select(WebmentionRequest.id).where(
        WebmentionRequest.state == "pending", WebmentionRequest.updated_at < cutoff)
        .order_by(WebmentionRequest.id).limit(500)).all()
    for request_id in stale:
        verify_webmention(request_id)
