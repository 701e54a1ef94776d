"""Imports started from the browser: keep the upload, run it in the task queue, report."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from app.core.timefmt import site_zone
from app.extensions import db
from app.importers.wxr import CountingReader, WxrError, import_wxr
from app.models import ImportJob
from app.models.types import utcnow
from app.tasks import after_commit, app_task, huey


def upload_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_import(upload: FileStorage) -> ImportJob:
    """Keep the uploaded file and queue its import once the job row is committed."""
    stored = upload_dir() / f"{uuid.uuid4().hex}.xml"
    upload.save(stored)
    job = ImportJob(filename=(upload.filename or "export.xml")[:255], stored_path=str(stored),
                    bytes_total=stored.stat().st_size, created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    after_commit(run_import_job, job.id)
    return job


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def bytes_done(job: ImportJob) -> int:
    """How far a running import has read; kept in the queue's store, not in the database,
    because the import's own transaction holds the database until it commits."""
    if job.state != "running":
        return job.bytes_done
    value = huey.get(progress_key(job.id), peek=True)
    return int(value) if value is not None else 0


@app_task()
def run_import_job(job_id: int) -> None:
    job = db.session.get(ImportJob, job_id)
    if job is None or job.state != "queued":
        return
    job.state = "running"
    db.session.commit()
    path = Path(job.stored_path)
    try:
        with path.open("rb") as raw:
            reader = CountingReader(raw)
            summary = import_wxr(reader, zone=site_zone(), now=utcnow(),
                                 progress=lambda: huey.put(progress_key(job_id), reader.done))
    except WxrError as error:
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        job.state, job.error = "failed", str(error)
    except Exception as error:  # noqa: BLE001 - the job must end, whatever happened
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        job.state, job.error = "failed", f"The import stopped: {error}. Nothing was kept."
        current_app.logger.exception("WXR import %s failed", job_id)
    else:
        job = db.session.get(ImportJob, job_id)
        job.state, job.summary = "done", json.dumps(summary.as_dict())
        job.bytes_done = job.bytes_total
    job.finished_at = utcnow()
    db.session.commit()
    huey.get(progress_key(job_id))  # drop the progress note
    path.unlink(missing_ok=True)
