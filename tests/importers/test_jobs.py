"""Issue #8: imports that don't stop the site. An import commits in short batches, keeps its
posts hidden until the end, and is undone completely when it fails, whatever the way it fails
(a bad file late in it, a crash, a killed worker); the site takes comments and log-ins while
it runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.blog.services import visible_articles
from app.config import PROJECT_DIR
from app.extensions import db as _db
from app.importers import jobs, services
from app.importers.services import upload_dir
from app.models import Article, ImportJob, Response, Role, Tag, User
from app.models.types import utcnow
from tests.bench.wxr_gen import write_export
from tests.comments.test_views import post_comment
from tests.conftest import FormClient
from tests.factories import PASSWORD, make_article, make_user
from tests.importers.helpers import content_snapshot, readable, row_counts
from tests.importers.test_views import upload


def generated(tmp_path: Path, posts: int, comments_per_post: int, *, name: str = "gen.xml",
              in_uploads: bool = False) -> Path:
    """An export from the benchmark's generator (author "bench", tags "Tag 0"…"Tag 49")."""
    folder = upload_dir() if in_uploads else tmp_path
    path = folder / name
    write_export(path, posts, comments_per_post)
    return path


def queued_job(path: Path) -> ImportJob:
    job = services.new_job(path.name, path)
    _db.session.commit()
    return job


def counts_seen_by_another_connection(job_id: int) -> dict[str, int]:
    """What other requests see right now (a connection of their own, outside the import)."""
    with _db.engine.connect() as connection:
        return {
            "articles": connection.scalar(select(func.count()).select_from(Article)
                                          .where(Article.import_job_id == job_id)),
            "responses": connection.scalar(select(func.count()).select_from(Response)
                                           .where(Response.import_job_id == job_id)),
            "visible": connection.scalar(select(func.count()).select_from(
                visible_articles(utcnow()).where(Article.import_job_id == job_id).subquery())),
            "bytes_done": connection.scalar(select(ImportJob.bytes_done)
                                            .where(ImportJob.id == job_id)),
        }


@pytest.fixture
def before(db):
    """Content already on the site, some of which the import will reuse; its snapshot."""
    here = make_user(Role.ADMIN, email="bench@example.org", name="Here before")  # the author
    make_article(here, title="Already here", tags=["Tag 1"])  # a tag the file has too
    return content_snapshot()


# --- batches ---------------------------------------------------------------------------------

def test_an_import_commits_in_batches_with_its_posts_hidden_until_the_end(db, tmp_path):
    path = generated(tmp_path, posts=160, comments_per_post=5, in_uploads=True)
    size = path.stat().st_size
    job = queued_job(path)
    seen = []
    ended = jobs.run_job(job.id, after_batch=lambda n: seen.append(
        counts_seen_by_another_connection(job.id)))

    assert (ended.state, ended.error) == ("done", "")
    assert len(seen) >= 3, seen  # 160 items: a commit every 50 items at least
    for earlier, later in zip(seen, seen[1:], strict=False):
        assert earlier["articles"] < later["articles"]
        # Progress, readable. The reader reads ahead in blocks of 32 KB, so two batches
        # committed within one block (a batch also ends after some seconds, which a slow run
        # reaches sooner) show the same bytes: this failed once at 229,376 < 229,376.
        assert earlier["bytes_done"] <= later["bytes_done"] <= size
    assert seen[0]["bytes_done"] < seen[-1]["bytes_done"]
    # Committed, readable by others, and still not shown to readers.
    assert seen[0]["articles"] > 0 and seen[0]["responses"] > 0
    assert {batch["visible"] for batch in seen} == {0}
    after = counts_seen_by_another_connection(job.id)
    assert (after["articles"], after["visible"], after["responses"]) == (160, 160, 800)
    assert ended.bytes_done == ended.bytes_total

    # Every row it created carries its id; nothing else does.
    db.session.commit()
    assert {a.import_job_id for a in db.session.scalars(select(Article))} == {job.id}
    assert {r.import_job_id for r in db.session.scalars(select(Response))} == {job.id}
    assert [(u.wp_login, u.import_job_id) for u in db.session.scalars(select(User))] == [
        ("bench", job.id)]
    assert {t.import_job_id for t in db.session.scalars(select(Tag))} == {job.id}
    assert Counter(a.status.value for a in db.session.scalars(select(Article))) == \
        Counter({"published": 160})
    assert not path.exists()


def test_the_same_file_twice_changes_nothing_the_second_time(db, tmp_path):
    path = generated(tmp_path, posts=60, comments_per_post=5)
    first = jobs.run_job(queued_job(path).id, path=path)
    counts, snapshot = row_counts(), content_snapshot()
    second = jobs.run_job(queued_job(path).id, path=path)
    assert (first.state, second.state) == ("done", "done")
    assert row_counts() == {**counts, "import_jobs": counts["import_jobs"] + 1}
    assert content_snapshot() == snapshot
    assert "  already imported                             60" in \
        json.loads(second.summary)["table"].splitlines()


# --- failures undo everything -----------------------------------------------------------------

def test_a_file_that_breaks_after_some_batches_leaves_the_site_as_it_was(before, db, tmp_path):
    path = generated(tmp_path, posts=150, comments_per_post=4, in_uploads=True)
    text = path.read_bytes()
    path.write_bytes(text[:-500])  # cut short, as an upload that stopped half-way
    job = queued_job(path)
    seen = []
    ended = jobs.run_job(job.id, after_batch=lambda n: seen.append(
        counts_seen_by_another_connection(job.id)))

    assert len(seen) >= 2 and seen[-1]["articles"] >= 100  # it had committed a lot
    assert ended.state == "failed"
    assert ended.error.startswith("The file is not well-formed XML: ")
    assert content_snapshot() == before
    # The author and the tag that were here before are still here, untouched.
    db.session.commit()
    author = db.session.scalars(select(User)).one()
    assert (author.email, author.wp_login, author.import_job_id) == (
        "bench@example.org", None, None)
    assert [t.name for t in db.session.scalars(select(Tag))] == ["Tag 1"]
    assert not path.exists()


def test_a_text_over_the_limit_late_in_the_file_names_the_item_and_undoes_the_rest(
        app, before, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "WXR_MAX_TEXT_BYTES", 4096)
    path = generated(tmp_path, posts=130, comments_per_post=4, in_uploads=True)
    text = path.read_text()
    last = text.rindex("<item><title>Generated post 130</title>")
    big = text[last:].replace("First paragraph of post 130.", "v" * 5000, 1)
    path.write_text(text[:last] + big)
    line = text[:last].count("\n") + 1
    ended = jobs.run_job(queued_job(path).id)
    assert ended.state == "failed"
    assert ended.error == (f"Item “Generated post 130” (line {line}): its content is over "
                           "4 KB; nothing was imported.")
    assert content_snapshot() == before


def test_a_crash_in_the_middle_is_reported_readably_and_undone(before, db, tmp_path, caplog):
    path = generated(tmp_path, posts=150, comments_per_post=2, in_uploads=True)
    job = queued_job(path)

    def crash(batch: int) -> None:
        if batch == 2:
            raise RuntimeError("the worker's disk is full")

    ended = jobs.run_job(job.id, after_batch=crash)
    assert ended.state == "failed"
    assert ended.error == ("The import stopped because of an unexpected problem in Parley "
                           f"(logged on the server as import {job.id}); nothing was kept.")
    assert readable(ended.error) and "disk" not in ended.error
    assert "the worker's disk is full" in caplog.text  # the details are in the log
    assert content_snapshot() == before
    assert not path.exists()
    assert ended.finished_at is not None


def test_a_missing_upload_fails_the_job_with_a_reason(db, tmp_path):
    path = generated(tmp_path, posts=1, comments_per_post=1, in_uploads=True)
    job = queued_job(path)
    path.unlink()
    ended = jobs.run_job(job.id)
    assert (ended.state, ended.error) == (
        "failed", "The file to import is no longer on the server; upload it again.")


def test_a_job_runs_once(db, tmp_path):
    path = generated(tmp_path, posts=2, comments_per_post=1)
    job = queued_job(path)
    assert jobs.run_job(job.id, path=path).state == "done"
    counts = row_counts()
    assert jobs.run_job(job.id, path=path).state == "done"  # delivered twice: nothing more
    assert row_counts() == counts


# --- a worker that is killed -------------------------------------------------------------------

def test_an_import_whose_worker_was_killed_is_failed_and_undone(before, db, database_url,
                                                                tmp_path):
    path = generated(tmp_path, posts=100, comments_per_post=100, in_uploads=True)
    job = queued_job(path)
    worker = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            from app import create_app
            from app.importers.jobs import run_job
            with create_app().app_context():
                run_job({job.id})
            """)],
        cwd=PROJECT_DIR, env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while counts_seen_by_another_connection(job.id)["articles"] == 0:
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < deadline, "the worker never committed a batch"
            time.sleep(0.05)
    finally:
        worker.kill()  # what an out-of-memory killer or a deploy does
        worker.communicate()
    db.session.commit()
    assert db.session.get(ImportJob, job.id).state == "running"  # nobody left to say otherwise
    assert counts_seen_by_another_connection(job.id)["articles"] > 0

    assert jobs.recover_stopped_imports(utcnow()) == 0  # too soon to give up
    assert db.session.get(ImportJob, job.id).state == "running"

    later = utcnow() + jobs.STALLED_AFTER + timedelta(minutes=1)
    assert jobs.recover_stopped_imports(later) == 1
    db.session.commit()
    ended = db.session.get(ImportJob, job.id)
    assert ended.state == "failed"
    assert ended.error.startswith("The import stopped unexpectedly")
    assert content_snapshot() == before
    assert not path.exists()
    assert jobs.recover_stopped_imports(later) == 0  # and once is enough


def test_a_job_that_never_started_is_failed_after_a_day(db, tmp_path):
    path = generated(tmp_path, posts=1, comments_per_post=1, in_uploads=True)
    job = queued_job(path)
    job.author_map = "{}"  # its authors were chosen: it waits for the queue alone
    db.session.commit()
    assert jobs.recover_stopped_imports(utcnow() + timedelta(hours=23)) == 0
    assert jobs.recover_stopped_imports(utcnow() + timedelta(days=1, minutes=1)) == 1
    db.session.commit()
    ended = db.session.get(ImportJob, job.id)
    assert ended.state == "failed" and ended.error == jobs.NEVER_STARTED
    assert not path.exists()
    assert jobs.run_job(job.id).state == "failed"  # if the queue gets to it after all


def test_a_job_whose_authors_were_never_chosen_is_failed_after_a_day_saying_so(db, tmp_path):
    path = generated(tmp_path, posts=1, comments_per_post=1, in_uploads=True)
    job = queued_job(path)
    job.author_map = None  # the upload waits on the authors page
    _db.session.commit()
    assert jobs.recover_stopped_imports(utcnow() + timedelta(days=1, minutes=1)) == 1
    _db.session.commit()
    ended = _db.session.get(ImportJob, job.id)
    assert ended.state == "failed" and ended.error == jobs.NO_AUTHORS
    assert not path.exists()


def test_an_undo_cut_short_is_finished_by_the_recovery(db, tmp_path):
    path = generated(tmp_path, posts=3, comments_per_post=2)
    job = queued_job(path)
    jobs.run_job(job.id, path=path)
    # As if the import had failed and its undo had been interrupted.
    db.session.get(ImportJob, job.id).state = "failed"
    db.session.commit()
    assert jobs.recover_stopped_imports(utcnow()) == 0
    assert row_counts()["articles"] == 0 and row_counts()["responses"] == 0
    assert row_counts()["users"] == 0 and row_counts()["tags"] == 0


def test_leftover_uploads_are_removed_but_not_those_of_running_jobs(db, tmp_path):
    waiting = generated(tmp_path, posts=1, comments_per_post=1, name="waiting.xml",
                        in_uploads=True)
    queued_job(waiting)
    orphan = generated(tmp_path, posts=1, comments_per_post=1, name="orphan.xml",
                       in_uploads=True)
    day_old = time.time() - 2 * 86400
    os.utime(orphan, (day_old, day_old))
    fresh = generated(tmp_path, posts=1, comments_per_post=1, name="fresh.xml",
                      in_uploads=True)
    jobs.recover_stopped_imports(utcnow())
    assert (waiting.exists(), orphan.exists(), fresh.exists()) == (True, False, True)


def test_the_recovery_is_run_by_the_worker_every_five_minutes():
    from huey.api import PeriodicTask

    task = jobs.recover_imports.s()
    assert isinstance(task, PeriodicTask)
    noon = datetime(2024, 5, 1, 12, 0)
    assert [minute for minute in range(15)
            if task.validate_datetime(noon + timedelta(minutes=minute))] == [0, 5, 10]


# --- the site during an import ---------------------------------------------------------------

def test_a_comment_and_a_log_in_during_an_import_go_through(app, db, tmp_path):
    """The issue's case: a comment and a log-in made while a big file is imported got a 500
    ("database is locked") after 5 s. Here both are made while the import is in its second
    batch, on the same database file; the import waits for them at its third batch at the
    latest, so they must have gone through while it was still running."""
    article = make_article(title="Open for comments")
    member = make_user(Role.MEMBER)
    path = generated(tmp_path, posts=60, comments_per_post=50, in_uploads=True)
    job = queued_job(path)
    importing, requests_done, import_ended = (threading.Event() for _ in range(3))

    def after_batch(batch: int) -> None:
        if batch == 1:
            importing.set()
        elif batch == 3:
            requests_done.wait(timeout=120)

    def worker() -> None:
        try:
            with app.app_context():
                jobs.run_job(job.id, after_batch=after_batch)
        finally:
            import_ended.set()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert importing.wait(timeout=120), "the import never committed a batch"
        commented = post_comment(FormClient(app.test_client()), article,
                                 body="Posted while the import runs.")
        logged_in = FormClient(app.test_client()).post(
            "/login", {"email": member.email, "password": PASSWORD})
        finished_first = import_ended.is_set()
    finally:
        requests_done.set()
        thread.join(timeout=300)
    assert (commented.status_code, logged_in.status_code) == (302, 302)
    assert not finished_first, "the requests waited for the whole import"
    db.session.commit()
    assert db.session.get(ImportJob, job.id).state == "done"
    mine = db.session.scalars(select(Response).where(Response.import_job_id.is_(None))).one()
    assert (mine.article_id, mine.body_source) == (article.id, "Posted while the import runs.")
    assert row_counts()["responses"] == 3000 + 1


# --- the command line ----------------------------------------------------------------------

def test_the_command_line_import_is_a_job_too(runner, db, tmp_path):
    path = generated(tmp_path, posts=3, comments_per_post=2)
    result = runner.invoke(args=["wxr", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Authors created: 1   Tags created: 3" in result.output
    job = db.session.scalars(select(ImportJob)).one()
    assert (job.state, job.filename, job.bytes_done) == ("done", "gen.xml",
                                                         path.stat().st_size)
    assert {a.import_job_id for a in db.session.scalars(select(Article))} == {job.id}
    assert path.exists()  # your own file stays


def test_the_command_line_refuses_while_another_import_runs(runner, db, tmp_path):
    db.session.add(ImportJob(filename="first.xml", stored_path="/x/first.xml", state="running"))
    db.session.commit()
    result = runner.invoke(args=["wxr", "import", str(generated(tmp_path, 1, 1))])
    assert result.exit_code == 1
    assert "The import of first.xml has not finished yet" in result.output


def test_an_upload_that_fails_shows_on_its_job_page(admin_forms, app, db, tmp_path,
                                                    monkeypatch):
    monkeypatch.setitem(app.config, "WXR_MAX_TEXT_BYTES", 1024)
    path = generated(tmp_path, posts=1, comments_per_post=1)
    text = path.read_text()
    line = text[:text.index("<item>")].count("\n") + 1
    path.write_text(text.replace("First paragraph of post 1.", "q" * 2000))
    answer = upload(admin_forms, path)
    page = admin_forms.client.get(answer.location).get_data(as_text=True)
    assert (f"Item “Generated post 1” (line {line}): its content is over 1 KB; nothing was "
            "imported.") in page
    assert row_counts()["articles"] == 0

