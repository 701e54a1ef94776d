"""Running an import job to its end, and finding the ones whose worker died.

`run_job` is what the task queue runs for an upload and what `flask wxr import` runs for a
file. It commits the import in short batches (see app/importers/wxr.py), so the site keeps
taking comments and log-ins while it works, and keeps the job row up to date: `bytes_done`
and `heartbeat_at` are written at the start of every batch. Every way out is covered: the
job ends "done", or "failed" with a reason a person can read and everything it had written
deleted; a kept upload is removed in every case.

A worker that is killed (out of memory, a deploy, a power cut) cannot mark its job. The
queue runs `recover_stopped_imports` every few minutes: a job "running" with no heartbeat
for STALLED_AFTER is marked failed ("The import stopped unexpectedly") and undone; so is a
job still "queued" after UNSTARTED_AFTER; and a failed job that still owns rows (its undo
was cut short) is undone again.

On SQLite each transaction the import opens starts with a write (the heartbeat, a delete),
so it takes the write lock before it reads anything, as `BEGIN IMMEDIATE` would; and after
each batch the import pauses BATCH_PAUSE_SECONDS, so a comment or log-in waiting for the
lock (SQLite's busy handler retries at most every 100 ms) gets its turn.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import OperationalError

from app.core.timefmt import site_zone
from app.database import is_busy_error
from app.extensions import db
from app.importers import services
from app.importers.wxr import CountingReader, WxrError, import_wxr
from app.models import ImportJob, ImportState
from app.models.types import utcnow
from app.tasks import app_periodic_task

BATCH_PAUSE_SECONDS = 0.1
STALLED_AFTER = timedelta(minutes=15)
UNSTARTED_AFTER = timedelta(days=1)
STOPPED = ("The import stopped unexpectedly (its worker went away without finishing it); "
           "what it had imported was removed. Start it again.")
NEVER_STARTED = ("The import never started: the task queue did not run it within a day. "
                 "Is `flask --app wsgi worker` running? Upload the file again.")
NO_AUTHORS = ("The import never started: nobody said who the file's authors are within a "
              "day. Upload the file again.")


class ImportCancelled(Exception):
    """The job is no longer "running" in the database (it was marked failed meanwhile)."""


def _reason(error: BaseException, job_id: int) -> str:
    """What the job page and the command line say when an import fails."""
    if isinstance(error, WxrError):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return "The file to import is no longer on the server; upload it again."
    if isinstance(error, KeyboardInterrupt):
        return "The import was interrupted; nothing was kept."
    if isinstance(error, OperationalError) and is_busy_error(error):
        return ("The database stayed too busy for the import to go on; nothing was kept. "
                "Try again at a quieter time.")
    current_app.logger.error("WXR import %s failed", job_id, exc_info=error)
    return (f"The import stopped because of an unexpected problem in Parley (logged on the "
            f"server as import {job_id}); nothing was kept.")


def _heartbeat(job_id: int, bytes_done: int) -> None:
    """Start a transaction with a write to the job row: progress, and proof of life."""
    changed = db.session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == ImportState.RUNNING)
        .values(bytes_done=bytes_done, heartbeat_at=utcnow())).rowcount
    if not changed:
        raise ImportCancelled()


def _mark(job_id: int, state: ImportState, *, only_from: tuple[ImportState, ...], **values) -> bool:
    """Move the job to `state` if it is in one of `only_from`; commit; tell whether it moved."""
    moved = db.session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.state.in_(only_from))
        .values(state=state, heartbeat_at=utcnow(), **values)).rowcount
    db.session.commit()
    return bool(moved)


def _undo(job_id: int) -> None:
    try:
        services.undo_import(job_id, between_chunks=db.session.commit)
    except Exception:  # noqa: BLE001 - recover_stopped_imports finishes the undo later
        db.session.rollback()
        current_app.logger.exception("undoing WXR import %s; the queue will try again", job_id)


def _import(job_id: int, path: Path, progress: Callable[[int], None] | None,
            after_batch: Callable[[int], None] | None) -> None:
    job = db.session.get(ImportJob, job_id)
    total = job.bytes_total
    author_map = services.author_map_of(job)
    pause = BATCH_PAUSE_SECONDS if db.engine.dialect.name == "sqlite" else 0
    db.session.rollback()  # end the read: the next transaction begins with a write
    with path.open("rb") as raw:
        reader = CountingReader(raw)
        batches = 0

        def checkpoint() -> None:
            nonlocal batches
            db.session.commit()
            batches += 1
            if after_batch:
                after_batch(batches)
            time.sleep(pause)
            _heartbeat(job_id, reader.done)

        _heartbeat(job_id, 0)
        summary = import_wxr(reader, zone=site_zone(), now=utcnow(), job_id=job_id,
                             checkpoint=checkpoint, author_map=author_map,
                             progress=(lambda: progress(reader.done)) if progress else None)
    done = db.session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == ImportState.RUNNING)
        .values(state=ImportState.DONE, summary=json.dumps(summary.as_dict()), bytes_done=total,
                finished_at=utcnow(), heartbeat_at=utcnow())).rowcount
    if not done:
        raise ImportCancelled()
    db.session.commit()


def run_job(job_id: int, *, path: Path | None = None,
            progress: Callable[[int], None] | None = None,
            after_batch: Callable[[int], None] | None = None) -> ImportJob | None:
    """Import the job's file (or `path`, the command line's own file) and end the job.

    `progress(bytes_read)` is called after each item; `after_batch(n)` after the n-th batch
    has committed, outside any transaction. Returns the job as it ended. A kept upload is
    deleted whatever happens; a file given as `path` never is.
    """
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return None
    source = path or Path(job.stored_path)
    db.session.rollback()
    try:
        if not _mark(job_id, ImportState.RUNNING, only_from=(ImportState.QUEUED,)):
            return db.session.get(ImportJob, job_id)  # run already, or given up on
        try:
            _import(job_id, source, progress, after_batch)
        except BaseException as error:
            db.session.rollback()
            if not isinstance(error, ImportCancelled):
                _mark(job_id, ImportState.FAILED, only_from=services.ACTIVE,
                      error=_reason(error, job_id), finished_at=utcnow())
            _undo(job_id)
            if not isinstance(error, Exception):
                raise
    except BaseException:
        db.session.rollback()
        _mark(job_id, ImportState.FAILED, only_from=services.ACTIVE, finished_at=utcnow(),
              error="The import could not start; nothing was kept. Try again.")
        raise
    finally:
        if path is None:
            services.remove_upload(source)
    return db.session.get(ImportJob, job_id)


def recover_stopped_imports(now: datetime) -> int:
    """Fail and undo the imports whose worker is gone, finish undos that were cut short and
    remove uploads nobody needs; return how many jobs were given up on."""
    stalled = and_(ImportJob.state == ImportState.RUNNING, or_(
        ImportJob.heartbeat_at < now - STALLED_AFTER,
        and_(ImportJob.heartbeat_at.is_(None), ImportJob.created_at < now - STALLED_AFTER)))
    unstarted = and_(ImportJob.state == ImportState.QUEUED,
                     ImportJob.created_at < now - UNSTARTED_AFTER)
    lost = list(db.session.execute(select(ImportJob.id, ImportJob.state, ImportJob.author_map)
                                   .where(or_(stalled, unstarted))))
    db.session.rollback()  # end the read: each change below begins with a write
    given_up = 0
    for job_id, state, author_map in lost:
        message = (STOPPED if state is ImportState.RUNNING
                   else NO_AUTHORS if author_map is None else NEVER_STARTED)
        given_up += _mark(job_id, ImportState.FAILED, only_from=(state,), error=message,
                          finished_at=now)
    failed = select(ImportJob.id).where(ImportJob.state == ImportState.FAILED)
    for job_id in db.session.scalars(failed.order_by(ImportJob.id)).all():
        if services.owns_rows(job_id):
            db.session.rollback()
            _undo(job_id)
    # The uploads of jobs that have ended, and those no job points at (a request that failed
    # after saving its file) once they are a day old.
    jobs = {Path(path).name: state
            for path, state in db.session.execute(select(ImportJob.stored_path, ImportJob.state))}
    db.session.rollback()
    day_ago = (now - UNSTARTED_AFTER).timestamp()
    for upload in services.upload_dir().glob("*.xml"):
        state = jobs.get(upload.name)
        if state in services.ACTIVE:
            continue
        if state is not None or upload.stat().st_mtime < day_ago:
            upload.unlink(missing_ok=True)
    return given_up


@app_periodic_task(crontab(minute="*/5"))
def recover_imports() -> None:
    recover_stopped_imports(utcnow())
