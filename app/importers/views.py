"""The Import page: upload a WXR file; follow its import and read the summary."""

from __future__ import annotations

import json

from flask import redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SubmitField

from app.core.permissions import admins_only
from app.extensions import db
from app.importers import bp, services
from app.models import ImportJob


class UploadForm(FlaskForm):
    file = FileField("WordPress export file (WXR, .xml)",
                     validators=[FileRequired("Choose the .xml file WordPress exported.")])
    submit = SubmitField("Import")


@bp.route("/", methods=["GET", "POST"])
@admins_only
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        job = services.start_import(form.file.data)
        db.session.commit()
        return redirect(url_for("importers.job", job_id=job.id))
    jobs = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(10))
    return render_template("importers/upload.html", form=form, jobs=list(jobs)), \
        422 if form.errors else 200


@bp.get("/<int:job_id>")
@admins_only
def job(job_id: int):
    found = db.get_or_404(ImportJob, job_id)
    summary = json.loads(found.summary) if found.summary else None
    done = services.bytes_done(found)
    percent = int(100 * done / found.bytes_total) if found.bytes_total else 100
    return render_template("importers/job.html", job=found, summary=summary, percent=percent)
