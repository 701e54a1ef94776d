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
from app.models import ImportJob


class UploadForm(Form):
    file = FileField("WordPress export file (WXR, .xml)",
                     validators=[FileRequired("Choose the .xml file WordPress exported.")])
    submit = SubmitField("Import")


def _page(form: UploadForm, status: int):
    jobs = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(10))
    form.file.description = f"Up to {size_text(services.max_upload_bytes())}."
    return render_template("importers/upload.html", form=form, jobs=list(jobs)), status


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
            return redirect(url_for("importers.job", job_id=job.id))
    return _page(form, 422 if form.errors else 200)


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
                           percent=services.progress_percent(found))
