"""Issue #5: the Import page. An admin uploads a WXR file; the task queue (immediate in tests)
imports it; the job page shows the summary table, or the error and that nothing was kept."""

from __future__ import annotations

import io
import json
import re
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import select

from app.importers import services
from app.importers.services import upload_dir
from app.models import Article, ImportJob, Role
from tests.factories import PASSWORD, make_user
from tests.importers.helpers import (
    CORPUS,
    FIXTURES,
    SMALL,
    database_snapshot,
    needs_corpus,
    readable,
    row_counts,
    write_wxr,
    wxr_item,
)


def upload(forms, path: Path, filename: str | None = None, *, choices: dict | None = None):
    """Upload a file; when the file names authors, answer the authors page (each a new user,
    unless `choices` says otherwise), as the importer must before the import runs."""
    answer = forms.post("/admin/import/", {"file": (io.BytesIO(path.read_bytes()),
                                                    filename or path.name)},
                        content_type="multipart/form-data")
    if answer.status_code == 302 and answer.location.endswith("/authors"):
        chosen = forms.post(answer.location, choices or {})
        assert chosen.status_code == 302, chosen.get_data(as_text=True)
        return chosen
    return answer


def the_job(db) -> ImportJob:
    db.session.commit()
    return db.session.scalars(select(ImportJob)).one()


def test_admin_sees_the_import_form(admin_forms):
    page = admin_forms.client.get("/admin/import/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Import from WordPress</h1>" in text
    assert 'type="file"' in text and 'enctype="multipart/form-data"' in text
    assert '<a href="/admin/import/">Import</a>' in text  # in the site navigation


def test_upload_runs_the_import_and_the_job_page_shows_the_table(admin_forms, db):
    answer = upload(admin_forms, SMALL)
    assert answer.status_code == 302
    job = the_job(db)
    assert answer.location == f"/admin/import/{job.id}"
    assert (job.state, job.error, job.filename) == ("done", "", "small.xml")
    assert job.bytes_done == job.bytes_total == SMALL.stat().st_size
    assert job.finished_at is not None
    assert not Path(job.stored_path).exists()  # the upload is not kept once imported
    summary = json.loads(job.summary)
    assert (summary["version"], summary["articles"], summary["responses"]) == ("1.2", 6, 11)
    assert row_counts()["articles"] == 6 and row_counts()["responses"] == 11

    page = admin_forms.client.get(answer.location)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Import of small.xml</h1>" in text
    assert "Done: 6 articles and 11 responses imported." in text
    table = re.search(r'<pre class="summary">(.*?)</pre>', text, re.S).group(1)
    assert table.startswith("WXR version 1.2")
    assert "  post             publish                     2" in table
    assert "  page             publish                     1" in table
    assert "  created (scheduled)                           1" in table
    assert "  comment          spam                        1" in table
    assert "replies whose parent is missing: shown as top-level" in table
    assert 'http-equiv="refresh"' not in text  # finished: no more reloading

    listing = admin_forms.client.get("/admin/import/").get_data(as_text=True)
    assert f'<a href="/admin/import/{job.id}">small.xml</a>' in listing  # past imports, counted
    counts = services.job_counts(job)
    assert counts["articles"] == summary["articles"] and counts["comments"] >= 1
    assert list(counts)[-2:] == ["authors created", "tags created"]
    assert ", ".join(f"{n} {label}" for label, n in counts.items()) in listing


def test_uploading_the_same_file_again_imports_nothing_new(admin_forms, db):
    upload(admin_forms, SMALL)
    counts = row_counts()
    second = upload(admin_forms, SMALL, "small-again.xml")
    db.session.commit()
    job = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    assert job.state == "done"
    assert row_counts() == {**counts, "import_jobs": counts["import_jobs"] + 1}
    text = admin_forms.client.get(second.location).get_data(as_text=True)
    assert "Done: 0 articles and 0 responses imported." in text
    assert "already imported" in text


TRUNCATED = ("The file is not well-formed XML: no element found at line 44, column 16 (the "
             "file ends before its elements are closed; it may have been cut short). Nothing "
             "was imported.")


def test_a_malformed_upload_fails_with_line_and_column_and_keeps_nothing(admin_forms, db):
    before = database_snapshot()
    answer = upload(admin_forms, FIXTURES / "truncated.xml")
    job = the_job(db)
    assert job.state == "failed"
    assert job.error == TRUNCATED
    assert not Path(job.stored_path).exists()
    after = database_snapshot()
    # Only the job's own row is new.
    assert {k: v for k, v in after.items() if k != "import_jobs"} == \
        {k: v for k, v in before.items() if k != "import_jobs"}

    text = admin_forms.client.get(answer.location).get_data(as_text=True)
    assert f'<p class="error form-error" role="alert">{TRUNCATED}</p>' in text
    assert "Done:" not in text


@pytest.mark.parametrize(("name", "message"), [
    ("not-xml.txt", "not well-formed XML: syntax error at line 1, column 0 (this is not XML)"),
    ("not-wxr.xml", "This is XML, but not a WordPress export (WXR): its root element is "
                    "&lt;html&gt;"),
    ("bomb.xml", "Parley refuses for safety"),
    ("xxe.xml", "Parley refuses for safety"),
])
def test_files_that_are_not_exports_fail_with_a_clear_message(admin_forms, db, name, message):
    answer = upload(admin_forms, FIXTURES / name)
    assert the_job(db).state == "failed"
    assert message in admin_forms.client.get(answer.location).get_data(as_text=True)
    assert row_counts()["articles"] == 0 and row_counts()["users"] == 1  # the admin


def test_submitting_without_a_file_shows_the_error(admin_forms, db):
    answer = admin_forms.post("/admin/import/", {}, content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "Choose the .xml file WordPress exported." in answer.get_data(as_text=True)
    assert row_counts()["import_jobs"] == 0


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AUTHOR, Role.MODERATOR])
def test_only_admins_may_import(forms, db, role):
    user = make_user(role)
    forms.login(user.email, PASSWORD)
    assert forms.client.get("/admin/import/").status_code == 403
    posted = forms.client.post("/admin/import/", data={
        "file": (io.BytesIO(SMALL.read_bytes()), "small.xml")},
        content_type="multipart/form-data")
    assert posted.status_code in (400, 403)  # no CSRF token to take from a 403 page
    assert forms.client.get("/admin/import/1").status_code == 403
    assert row_counts()["import_jobs"] == 0 and row_counts()["articles"] == 0


def test_guests_are_sent_to_log_in(client, db):
    answer = client.get("/admin/import/")
    assert answer.status_code == 302 and answer.location.startswith("/login")


def test_an_unknown_job_is_not_found(admin_forms):
    assert admin_forms.client.get("/admin/import/999").status_code == 404


# --- issue #8: the upload's own size cap, readable failures, one import at a time ------------

def big_export(tmp_path, size: int) -> Path:
    """A valid export of about `size` bytes: one post whose content fills it."""
    return write_wxr(tmp_path / "big.xml", wxr_item(1, "A long post", content="w" * size))


def test_an_export_larger_than_the_site_wide_cap_is_accepted(admin_forms, db, app, tmp_path):
    site_cap = app.config["MAX_CONTENT_LENGTH"]
    assert site_cap < 2 * 1024 * 1024 <= app.config["IMPORT_MAX_BYTES"]
    path = big_export(tmp_path, site_cap + 200_000)
    answer = upload(admin_forms, path)
    assert answer.status_code == 302
    job = the_job(db)
    assert job.state == "done" and job.bytes_total == path.stat().st_size > site_cap
    assert not list(upload_dir().iterdir())  # the kept copy went once imported


def test_an_upload_over_the_import_cap_gets_the_form_back_with_the_reason(
        admin_forms, db, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 64 * 1024)
    page = admin_forms.client.get("/admin/import/").get_data(as_text=True)
    assert '<p class="help" id="file-help">Up to 64 KB.</p>' in page
    answer = upload(admin_forms, big_export(tmp_path, 70 * 1024))
    assert answer.status_code == 413
    text = answer.get_data(as_text=True)
    assert "<h1>Import from WordPress</h1>" in text and 'type="file"' in text
    error = re.search(r'<p class="error" id="file-error">(.*?)</p>', text).group(1)
    assert error.startswith("This file is larger than the 64 KB an import may be, so it was "
                            "not uploaded.")
    assert "PARLEY_IMPORT_MAX_MB" in error
    assert 'aria-invalid="true"' in text
    assert row_counts()["import_jobs"] == 0
    assert not list(upload_dir().iterdir())
    # Elsewhere the site's own cap and its own page still hold.
    elsewhere = admin_forms.client.post("/login", data={"email": "x" * 2_000_000})
    assert elsewhere.status_code == 413
    assert "Import from WordPress" not in elsewhere.get_data(as_text=True)


def test_the_import_cap_comes_from_parley_import_max_mb(monkeypatch):
    from app.config import from_environment

    assert from_environment()["IMPORT_MAX_BYTES"] == 256 * 1024 * 1024
    monkeypatch.setenv("PARLEY_IMPORT_MAX_MB", "3")
    monkeypatch.setenv("PARLEY_WXR_MAX_TEXT_MB", "2")
    config = from_environment()
    assert (config["IMPORT_MAX_BYTES"], config["WXR_MAX_TEXT_BYTES"]) == (3 * 1024**2,
                                                                        2 * 1024**2)


@needs_corpus
@pytest.mark.parametrize("name", [
    "wordpress-importer/malformed.xml", "wordpress-importer/malformed-simple.xml",
    "wordpress-importer/crazy-cdata.xml", "narravo-synthetic/wxr_encoding.xml",
    "narravo-synthetic/wxr_malformed.xml"])
def test_malformed_corpus_files_fail_readably_on_the_job_page_and_the_command_line(
        admin_forms, runner, db, name):
    answer = upload(admin_forms, CORPUS / name, Path(name).name)
    job = the_job(db)
    assert job.state == "failed"
    assert job.error.startswith("The file is not well-formed XML: ")
    assert job.error.endswith(". Nothing was imported.") and readable(job.error)
    text = admin_forms.client.get(answer.location).get_data(as_text=True)
    assert f'<p class="error form-error" role="alert">{escape(job.error)}</p>' in text

    result = runner.invoke(args=["wxr", "import", str(CORPUS / name)])
    assert result.exit_code == 1
    assert result.output.strip().endswith(f"Error: {job.error}")
    assert row_counts()["articles"] == 0


def test_a_second_import_waits_until_the_first_has_finished(admin_forms, db):
    running = ImportJob(filename="first.xml", stored_path="/nowhere/first.xml", state="running")
    db.session.add(running)
    db.session.commit()
    answer = upload(admin_forms, SMALL)
    assert answer.status_code == 422
    error = re.search(r'<p class="error" id="file-error">(.*?)</p>',
                      answer.get_data(as_text=True)).group(1)
    assert error.startswith("The import of first.xml has not finished yet; start this one when "
                            "it has")
    assert row_counts()["import_jobs"] == 1 and row_counts()["articles"] == 0
    assert not list(upload_dir().iterdir())


# --- mapping WordPress authors to Parley users, before the import runs ----------------------

def by(login: str, item: str) -> str:
    return item.replace("<dc:creator><![CDATA[writer]]>", f"<dc:creator><![CDATA[{login}]]>")


def authors_channel(*authors: tuple[str, str, str]) -> str:
    return "".join(f"<wp:author><wp:author_login><![CDATA[{login}]]></wp:author_login>"
                   f"<wp:author_email><![CDATA[{email}]]></wp:author_email>"
                   f"<wp:author_display_name><![CDATA[{name}]]></wp:author_display_name>"
                   "</wp:author>" for login, name, email in authors)

def test_the_importer_maps_a_wordpress_author_to_an_existing_user(admin_forms, db, tmp_path):
    editor = make_user(Role.AUTHOR, name="Rosa Editor", email="rosa@example.org")
    path = write_wxr(tmp_path / "two.xml", by("oldrosa", wxr_item(1, "Kept under Rosa")),
                     by("newbie", wxr_item(2, "A newcomer's post")),
                     channel=authors_channel(("oldrosa", "Rosa (old blog)", "rosa@oldblog.example"),
                                             ("newbie", "New Person", "new@oldblog.example")))
    answer = admin_forms.post("/admin/import/", {"file": (io.BytesIO(path.read_bytes()),
                                                           "two.xml")},
                              content_type="multipart/form-data")
    job = the_job(db)
    assert answer.location == f"/admin/import/{job.id}/authors"
    assert (job.state, job.author_map) == ("queued", None)  # nothing runs before the choice
    assert row_counts()["articles"] == 0
    page = admin_forms.client.get(answer.location).get_data(as_text=True)
    assert "Rosa (old blog)" in page and "oldrosa" in page and "Create a new user" in page
    assert "waiting for its authors" in admin_forms.client.get("/admin/import/").get_data(
        as_text=True)
    chosen = admin_forms.post(answer.location, {"author-0": str(editor.id),
                                                "author-1": "new"})
    assert chosen.location == f"/admin/import/{job.id}"
    job = the_job(db)
    assert job.state == "done" and json.loads(job.author_map) == {"oldrosa": editor.id}
    by_title = {a.title: a.author for a in db.session.scalars(select(Article))}
    assert by_title["Kept under Rosa"].id == editor.id
    assert by_title["A newcomer's post"].name == "New Person"
    assert by_title["A newcomer's post"].password_hash is None  # a new user, invited later


def test_a_choice_of_a_user_who_is_gone_is_refused_and_nothing_runs(admin_forms, db,
                                                                     tmp_path):
    path = write_wxr(tmp_path / "one.xml", by("solo", wxr_item(1, "Solo")),
                     channel=authors_channel(("solo", "Solo Writer", "solo@oldblog.example")))
    answer = admin_forms.post("/admin/import/", {"file": (io.BytesIO(path.read_bytes()),
                                                           "one.xml")},
                              content_type="multipart/form-data")
    refused = admin_forms.post(answer.location, {"author-0": "987654"})
    assert refused.status_code == 422
    assert "no longer exists" in refused.get_data(as_text=True)
    assert the_job(db).author_map is None and row_counts()["articles"] == 0
