"""Imports started from the browser or the command line: the job, its file, undoing it.

Nothing here commits. The job runner (app/importers/jobs.py) commits the import's batches
and the undo's chunks; the view commits the new job, which queues it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from sqlalchemy import Column, Table, delete, exists, select, update
from werkzeug.datastructures import FileStorage

from app.core import freshness
from app.extensions import db
from app.importers.wxr import WxrAuthor, read_authors
from app.models import Article, ImportJob, ImportState, Response, Tag, User
from app.models.types import utcnow
from app.tasks import after_commit, app_task

UNDO_CHUNK = 2000
ACTIVE = (ImportState.QUEUED, ImportState.RUNNING)


class ImportRefused(Exception):
    """The import cannot start now; the message says why, beside the file field."""


def upload_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_upload(path: Path) -> bool:
    """Tell whether a job's file is a kept upload (ours to delete), not someone's own file."""
    try:
        return path.resolve().parent == upload_dir().resolve()
    except OSError:
        return False


def remove_upload(path: Path | None) -> None:
    """Delete a kept upload; leave alone any file that is not one (a CLI import's own file)."""
    if path is not None and is_upload(path):
        path.unlink(missing_ok=True)


def max_upload_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_BYTES"])


def _refuse_if_busy() -> None:
    running = db.session.scalars(select(ImportJob).where(ImportJob.state.in_(ACTIVE))
                                 .order_by(ImportJob.id)).first()
    if running is not None:
        raise ImportRefused(f"The import of {running.filename} has not finished yet; start "
                            "this one when it has (two imports at once could both add the "
                            "same posts).")


def new_job(filename: str, stored_path: Path) -> ImportJob:
    """Add a queued job for a file on disk; refuse while another import is under way."""
    _refuse_if_busy()
    job = ImportJob(filename=filename[:255], stored_path=str(stored_path)[:500],
                    bytes_total=stored_path.stat().st_size, created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def author_map_of(job: ImportJob) -> dict[str, int]:
    """The job's WordPress login -> Parley user id choices ({} when none were made)."""
    return json.loads(job.author_map) if job.author_map else {}


def file_authors(job: ImportJob) -> list[WxrAuthor]:
    """The WordPress authors the job's file lists."""
    try:
        with open(job.stored_path, "rb") as source:
            return read_authors(source)
    except OSError:
        return []


def needs_author_map(job: ImportJob) -> bool:
    """Whether the importer still has to say who the file's authors are."""
    return job.state is ImportState.QUEUED and job.author_map is None


def choose_authors(job: ImportJob, choices: dict[str, int | None]) -> None:
    """Store who each WordPress author becomes (a user id, or None for a new user) and
    queue the import once the job row is committed. Ids that are no user are refused."""
    chosen = {login: user_id for login, user_id in choices.items() if user_id}
    known = set(db.session.scalars(select(User.id).where(User.id.in_(chosen.values()))))
    if set(chosen.values()) - known:
        raise ImportRefused("One of the chosen users no longer exists; choose again.")
    job.author_map = json.dumps(chosen, sort_keys=True)
    after_commit(run_import_job, job.id)


def author_choices(authors: list[WxrAuthor], values) -> dict[str, int | None]:
    """Read the authors form: field `author-<n>` is "new" or a user id, for the n-th author of
    the file (by position, so no login has to be a form field's name)."""
    choices: dict[str, int | None] = {}
    for n, author in enumerate(authors):
        value = (values.get(f"author-{n}") or "new").strip()
        choices[author.login] = int(value) if value.isascii() and value.isdigit() else None
    return choices


def job_counts(job: ImportJob) -> dict[str, int]:
    """What a finished import brought in, for the list of past imports: articles, then each
    kind of response, then the authors and tags it created ({} before it is done)."""
    if not job.summary:
        return {}
    summary = json.loads(job.summary)
    counts = {"articles": summary.get("articles", 0)}
    counts.update((f"{kind}s", n) for kind, n in sorted(summary.get("by_kind", {}).items()))
    if not summary.get("by_kind"):
        counts["responses"] = summary.get("responses", 0)
    counts["authors created"] = summary.get("authors_created", 0)
    counts["tags created"] = summary.get("tags_created", 0)
    return counts


def start_import(upload: FileStorage) -> ImportJob:
    """Keep the uploaded file; queue its import once the job row is committed, or, when the
    file names WordPress authors, once the importer has said who they are.

    The upload is already on disk (werkzeug spools a large file part to a temporary file);
    saving copies it in chunks into the instance's imports folder, never whole into memory.
    """
    _refuse_if_busy()
    stored = upload_dir() / f"{uuid.uuid4().hex}.xml"
    upload.save(stored)
    try:
        job = new_job(upload.filename or "export.xml", stored)
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    if not file_authors(job):
        job.author_map = "{}"
        after_commit(run_import_job, job.id)
    return job


def progress_percent(job: ImportJob) -> int:
    """How far the import has read its file, from what its last batch committed."""
    if job.state is ImportState.DONE or not job.bytes_total:
        return 100
    return min(100, int(100 * job.bytes_done / job.bytes_total))


@app_task()
def run_import_job(job_id: int) -> None:
    """The queued task (declared here, so that its name in the queue stays what it was)."""
    from app.importers.jobs import run_job

    run_job(job_id)


# --- undoing an import ---------------------------------------------------------------------

def _referencing_columns(table: Table) -> list[Column]:
    """Every column of another table that points at `table` (who may still use a row)."""
    return [fk.parent for other in db.metadata.tables.values() if other is not table
            for fk in other.foreign_keys if fk.column.table is table]


def _unused(model) -> list:
    table = model.__table__
    return [~exists().where(column == table.c.id) for column in _referencing_columns(table)]


def undo_import(job_id: int, *, between_chunks: Callable[[], None]) -> None:
    """Delete everything import `job_id` created, leaving the site as it was before it.

    Responses first, then articles (their translations, tags and any other responses go with
    them), then the tags and accounts it created that nothing else uses; those still in use
    (say, an author a later import matched) are kept and no longer count as the import's.
    Deletes go in chunks of UNDO_CHUNK rows, and `between_chunks` is called after each (the
    job runner commits there), so the database is never held for long. Running it again
    finds nothing to do.
    """
    removed = 0
    for model in (Response, Article):
        while True:
            chunk = select(model.id).where(model.import_job_id == job_id).limit(UNDO_CHUNK)
            deleted = db.session.execute(
                delete(model).where(model.id.in_(chunk)),
                execution_options={"synchronize_session": False}).rowcount
            removed += deleted
            between_chunks()
            if deleted < UNDO_CHUNK:
                break
    for model in (Tag, User):
        removed += db.session.execute(
            delete(model).where(model.import_job_id == job_id, *_unused(model)),
            execution_options={"synchronize_session": False}).rowcount
        db.session.execute(update(model).where(model.import_job_id == job_id)
                           .values(import_job_id=None),
                           execution_options={"synchronize_session": False})
    if removed:
        # Bulk deletes skip the flush hook that counts changes readers see: count this one.
        freshness.bump(db.session.connection(), [freshness.SITE])
    between_chunks()


def owns_rows(job_id: int) -> bool:
    """Tell whether rows created by the import are still in the database."""
    return any(db.session.scalar(select(exists().where(model.import_job_id == job_id)))
               for model in (Response, Article, Tag, User))
