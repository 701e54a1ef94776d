"""Periodic authoring work run by the queue's worker: emptying the Trash."""

from __future__ import annotations

from huey import crontab

from app.authoring.services import purge_trashed_articles
from app.extensions import db
from app.models.types import utcnow
from app.tasks import app_periodic_task


@app_periodic_task(crontab(hour="3", minute="40"))
def empty_old_trashed_articles() -> None:
    purge_trashed_articles(utcnow())
    db.session.commit()
