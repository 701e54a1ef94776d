"""The task queue: Huey on SQLite under instance/ by default, on Redis when REDIS_URL is set.

Background jobs are thin wrappers over services; each runs inside an application context.
The queue calls down into core (mail is delivered by `core.mail`), never the reverse.
"""

from __future__ import annotations

import functools
import os

from flask import Flask
from huey import RedisHuey, SqliteHuey

from app.config import INSTANCE_DIR


def _make_huey():
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey("parley", url=redis_url)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("parley", filename=str(INSTANCE_DIR / "queue.db"))


huey = _make_huey()
_app: Flask | None = None


def bind_app(app: Flask) -> None:
    """Remember the app whose context background jobs run in; run jobs inline if asked."""
    global _app
    _app = app
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    install_session_hooks()


def app_task(**task_options):
    """Declare a background job that runs inside the application context."""

    def decorator(fn):
        @huey.task(**task_options)
        @functools.wraps(fn)
        def job(*args, **kwargs):
            if _app is None:
                raise RuntimeError("no Parley app bound to the task queue")
            with _app.app_context():
                return fn(*args, **kwargs)

        return job

    return decorator


def after_commit(job, *args, **kwargs) -> None:
    """Queue a background job once the current transaction commits (never if it rolls back).

    Services call this without committing; the job then sees the rows they wrote.
    """
    from app.extensions import db

    db.session.info.setdefault("after_commit", []).append((job, args, kwargs))


def _run_after_commit(session) -> None:
    jobs = session.info.pop("after_commit", [])
    for job, args, kwargs in jobs:
        job(*args, **kwargs)


def _drop_after_rollback(session) -> None:
    session.info.pop("after_commit", None)


def install_session_hooks() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _run_after_commit):
        event.listen(Session, "after_commit", _run_after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _drop_after_rollback(s))


def app_periodic_task(schedule):
    """Declare a job that the worker runs on a schedule, inside the application context."""

    def decorator(fn):
        @huey.periodic_task(schedule)
        @functools.wraps(fn)
        def job():
            if _app is None:
                raise RuntimeError("no Parley app bound to the task queue")
            with _app.app_context():
                return fn()

        return job

    return decorator


@app_task(retries=3, retry_delay=30)
def deliver_mail(recipient: str, subject: str, body: str, headers: dict) -> None:
    """Deliver one queued message (SMTP, or the outbox), retried if the server fails."""
    from app.core import mail

    mail.deliver(recipient, subject, body, headers)


def send_mail(recipient: str, subject: str, body: str, headers: dict | None = None) -> None:
    """Queue a plain-text message, sent once the current transaction commits."""
    after_commit(deliver_mail, recipient, subject, body, headers or {})
