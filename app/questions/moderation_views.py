"""Moderators' question pages: a question's title, tags and duplicate mark; the tag list; and
the queue's "Turn into question" / "Turn into comment" actions.

The queue's actions arrive where every queue action does, `POST /moderation/act`; the two
kind changes are registered in `views.OTHER_ACTIONS`, which `act` runs beside the status
changes of `services.apply`.

Thin views: load, authorise, parse, call `app.questions.curation`, commit once, respond. A
refusal shows the page again (422) with the message beside its field or button, what was typed
and chosen kept, nothing changed. Success redirects (POST, then redirect, then GET).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.csrf import Form
from app.extensions import db
from app.models import QuestionTag, Response, ResponseKind
from app.models.types import utcnow
from app.moderation import bp
from app.moderation.views import OTHER_ACTIONS, moderators_only
from app.questions import curation
from app.questions.tags import all_tags


def _to_question(response: Response, actor, now) -> str:
    curation.turn_into_question(response, actor, now)
    return ""


def _to_comment(response: Response, actor, now) -> str:
    """Turn it back; a note for the moderator when duplicates of it were opened again."""
    reopened = curation.turn_into_comment(response, actor, now)
    if not reopened:
        return ""
    return (", ".join(f"#{i}" for i in reopened) + f" were closed as duplicates of #{response.id}"
            ", which is no longer a question: they are open again.")


# Queue action name -> (label in messages, what it does; returns a note or "").
QUEUE_ACTIONS = {
    "to_question": ("Turn into question", _to_question),
    "to_comment": ("Turn into comment", _to_comment),
}


# --- forms -------------------------------------------------------------------------------------

class QuestionForm(Form):
    title = StringField("Title", description="One line that asks the question, 200 characters "
                                             "at most.")
    # The choices are the moderators' list (set per request); a slug that is not on it is
    # refused by `parse_tags` with its own message, beside the checkboxes, not by WTForms.
    tags = SelectMultipleField("Tags (up to 3)", choices=[], validate_choice=False,
                               widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput())
    save = SubmitField("Save title and tags")


class DuplicateForm(Form):
    original = StringField("Duplicate of", description="The original question's number (12) "
                                                       "or its address (/questions/12-its-title).")
    close = SubmitField("Close as a duplicate")


class ButtonForm(Form):
    """A form that is only its button (and its CSRF token): reopen, turn back, delete."""


class TagForm(Form):
    name = StringField("Name", description="As readers see it; its address (/questions?tag=…) "
                                           "is made from it.")
    add = SubmitField("Add tag")


def _beside(form: Form, refusal, button: str) -> dict[str, str]:
    """Put each message beside its field; those that belong to no field of the form go beside
    its button (returned as {button: text})."""
    left: list[str] = []
    for name, message in refusal.errors.items():
        target = form._fields.get(name) if name else None
        if target is None:
            left.append(message)
        else:
            target.errors = [*target.errors, message]
    return {button: " ".join(left)} if left else {}


# --- the queue's two actions -------------------------------------------------------------------
# They arrive where every queue action does (POST /moderation/act), which runs them as it runs
# the status changes and answers the same way.
OTHER_ACTIONS.update(QUEUE_ACTIONS)


# --- a question's page -------------------------------------------------------------------------

def _question_or_none(question_id: int) -> Response | None:
    response = db.get_or_404(Response, question_id)
    if response.kind is not ResponseKind.QUESTION:
        flash(f"Response #{response.id} is a {response.kind.value}, not a question.", "error")
        return None
    return response


def _not_a_question():
    return redirect(url_for("moderation.queue", status="all"))


def _question_page(question: Response, *, form: QuestionForm | None = None,
                   duplicate: DuplicateForm | None = None,
                   button_errors: dict[str, str] | None = None, status: int = 200):
    if form is None:
        form = QuestionForm(formdata=None, data={
            "title": question.title, "tags": [t.slug for t in question.question_tags]})
    form.tags.choices = [(t.slug, t.name) for t in all_tags()]
    return render_template(
        "moderation/question_edit.html", question=question, form=form,
        duplicate=duplicate or DuplicateForm(formdata=None), button_errors=button_errors or {}), \
        status


def _back_to(question: Response):
    return redirect(url_for("moderation.question", question_id=question.id))


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"], endpoint="question")
@moderators_only
def question_page(question_id: int):
    question = _question_or_none(question_id)
    if question is None:
        return _not_a_question()
    if request.method == "GET":
        return _question_page(question)
    form = QuestionForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            changed = curation.edit_question(question, current_user, utcnow(),
                                             title=form.title.data or "",
                                             tags=form.tags.data or [])
        except curation.CurationRefused as refusal:
            errors = _beside(form, refusal, "save")
        else:
            db.session.commit()
            flash("Title and tags saved." if changed else "Nothing to save: the title and "
                  "tags were already these.", "success")
            return _back_to(question)
    return _question_page(question, form=form, button_errors=errors, status=422)


@bp.post("/questions/<int:question_id>/duplicate", endpoint="question_duplicate")
@moderators_only
def close_duplicate(question_id: int):
    question = _question_or_none(question_id)
    if question is None:
        return _not_a_question()
    form = DuplicateForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            original = curation.find_question(form.original.data or "")
            moved = curation.close_as_duplicate(question, original, current_user, utcnow())
        except curation.CurationRefused as refusal:
            errors = _beside(form, refusal, "close")
        else:
            db.session.commit()
            flash(f"Question #{question.id} is closed as a duplicate of #{original.id}.",
                  "success")
            if moved:
                flash(", ".join(f"#{i}" for i in moved) + f" pointed at #{question.id}: they "
                      f"now point at #{original.id}, the original.", "success")
            return _back_to(question)
    return _question_page(question, duplicate=form, button_errors=errors, status=422)


@bp.post("/questions/<int:question_id>/reopen", endpoint="question_reopen")
@moderators_only
def reopen(question_id: int):
    question = _question_or_none(question_id)
    if question is None:
        return _not_a_question()
    if ButtonForm().validate_on_submit():
        try:
            curation.reopen(question, current_user, utcnow())
        except curation.CurationRefused as refusal:
            return _question_page(question, button_errors={"reopen": str(refusal)}, status=422)
        db.session.commit()
        flash(f"Question #{question.id} is open again: it takes answers.", "success")
    return _back_to(question)


@bp.post("/questions/<int:question_id>/comment", endpoint="question_to_comment")
@moderators_only
def to_comment(question_id: int):
    question = _question_or_none(question_id)
    if question is None:
        return _not_a_question()
    if not ButtonForm().validate_on_submit():
        return _back_to(question)
    try:
        reopened = curation.turn_into_comment(question, current_user, utcnow())
    except curation.CurationRefused as refusal:
        return _question_page(question, button_errors={"to_comment": str(refusal)}, status=422)
    db.session.commit()
    flash(f"#{question.id} is a comment again.", "success")
    if reopened:
        flash(", ".join(f"#{i}" for i in reopened) + " were closed as its duplicates: they are "
              "open again.", "success")
    return redirect(url_for("moderation.queue", status="all"))


# --- the tag list ------------------------------------------------------------------------------

def _tags_page(*, add: TagForm | None = None, rename: tuple[int, str, str] | None = None,
               status: int = 200):
    """`rename` is (tag id, what was typed, the refusal), shown on that tag's row."""
    return render_template(
        "moderation/question_tags.html", tags=curation.tags_with_counts(),
        add=add or TagForm(formdata=None), rename=rename), status


@bp.route("/questions/tags", methods=["GET", "POST"], endpoint="question_tags")
@moderators_only
def tag_list():
    if request.method == "GET":
        return _tags_page()
    form = TagForm()
    if form.validate_on_submit():
        try:
            tag = curation.add_tag(form.name.data or "", utcnow())
        except curation.CurationRefused as refusal:
            if left := _beside(form, refusal, "add"):
                form.name.errors = [*form.name.errors, left["add"]]
        else:
            db.session.commit()
            flash(f"Tag “{tag.name}” added.", "success")
            return redirect(url_for("moderation.question_tags"))
    return _tags_page(add=form, status=422)


@bp.post("/questions/tags/<int:tag_id>/rename", endpoint="question_tag_rename")
@moderators_only
def rename_tag(tag_id: int):
    tag = db.get_or_404(QuestionTag, tag_id)
    form = TagForm()
    if form.validate_on_submit():
        before = tag.name
        try:
            changed = curation.rename_tag(tag, form.name.data or "")
        except curation.CurationRefused as refusal:
            return _tags_page(rename=(tag.id, form.name.data or "", str(refusal)), status=422)
        db.session.commit()
        flash(f"Tag “{before}” is now “{tag.name}”." if changed else
              f"Tag “{tag.name}” already had that name.", "success")
    return redirect(url_for("moderation.question_tags"))


@bp.post("/questions/tags/<int:tag_id>/delete", endpoint="question_tag_delete")
@moderators_only
def delete_tag(tag_id: int):
    tag = db.get_or_404(QuestionTag, tag_id)
    if ButtonForm().validate_on_submit():
        name = tag.name
        removed = curation.delete_tag(tag)
        db.session.commit()
        flash(f"Tag “{name}” deleted" + (f"; {removed} question{'s' if removed != 1 else ''} "
                                          "no longer carry it." if removed else "."), "success")
    return redirect(url_for("moderation.question_tags"))
