"""The Import page: upload a WXR file; follow its import and read the summary."""

from __future__ import annotations

import json

from flask import redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SubmitField

from app.core.csrf import Form
from app.core.permissions import admins_only
from app.core.security import accepts_files
from app.extensions import csrf, db
from app.importers import bp, services
from app.importers.wxr import size_text
from app.models import ImportJob, User


class UploadForm(Form):
    file = FileField("WordPress export file (WXR, .xml)",
                     validators=[FileRequired("Choose the .xml file WordPress exported.")])
    submit = SubmitField("Import")


class AuthorsForm(Form):
    """Who each WordPress author becomes: one select per author, read by `author_choices`."""

    submit = SubmitField("Start the import")


def _page(form: UploadForm, status: int):
    jobs = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(20))
    form.file.description = f"Up to {size_text(services.max_upload_bytes())}."
    past = [(job, services.job_counts(job)) for job in jobs]
    return render_template("importers/upload.html", form=form, jobs=past), status


@bp.route("/", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the upload's own size cap is in place
@accepts_files
@admins_only
def upload():
    # The site caps request bodies at about 1 MB; an export may be far larger.
    request.max_content_length = services.max_upload_bytes()
    csrf.protect()
    form = UploadForm()
    if form.validate_on_submit():
        try:
            job = services.start_import(form.file.data)
        except services.ImportRefused as refused:
            form.file.errors.append(str(refused))
        else:
            db.session.commit()
            if services.needs_author_map(job):
                return redirect(url_for("importers.authors", job_id=job.id))
            return redirect(url_for("importers.job", job_id=job.id))
    return _page(form, 422 if form.errors else 200)


@bp.route("/<int:job_id>/authors", methods=["GET", "POST"])
@admins_only
def authors(job_id: int):
    """Before the import runs: each WordPress author becomes a new user or an existing one."""
    found = db.get_or_404(ImportJob, job_id)
    if not services.needs_author_map(found):
        return redirect(url_for("importers.job", job_id=found.id))
    in_file = services.file_authors(found)
    users = db.session.scalars(select(User).order_by(User.name)).all()
    form, problem = AuthorsForm(), None
    if form.validate_on_submit():
        try:
            services.choose_authors(found, services.author_choices(in_file, request.form))
        except services.ImportRefused as refused:
            problem = str(refused)
        else:
            db.session.commit()
            return redirect(url_for("importers.job", job_id=found.id))
    status = 422 if request.method == "POST" else 200
    return render_template("importers/authors.html", job=found, authors=in_file, users=users,
                           form=form, problem=problem, chosen=request.form), status


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error):
    """A file over IMPORT_MAX_BYTES: the upload page again, the reason beside the field."""
    db.session.rollback()
    form = UploadForm(formdata=None)  # the request's body is not read again
    form.file.errors = [
        f"This file is larger than the {size_text(services.max_upload_bytes())} an import may "
        "be, so it was not uploaded. Export less at a time (WordPress can export one author "
        "or a date range), or have the site's operator raise PARLEY_IMPORT_MAX_MB."]
    return _page(form, 413)


@bp.get("/<int:job_id>")
@admins_only
def job(job_id: int):
    found = db.get_or_404(ImportJob, job_id)
    summary = json.loads(found.summary) if found.summary else None
    return render_template("importers/job.html", job=found, summary=summary,
                           percent=services.progress_percent(found),
                           needs_authors=services.needs_author_map(found))
