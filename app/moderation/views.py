"""The moderation queue and its actions, the settings page, email links, the audit log."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core.permissions import roles_required
from app.core.redirects import local_path
from app.extensions import db
from app.models import ModerationVia, Response, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import bp, notifications, queue, services
from app.moderation import settings as site_settings
from app.moderation.forms import QuickEditForm, SettingsForm
from app.moderation.policy import score_text
from app.moderation.spam import figures as spam_figures

moderators_only = roles_required(Role.ADMIN, Role.MODERATOR)


@bp.app_context_processor
def pending_badge():
    """The pending count in the site header, for moderators only."""
    if current_user.is_authenticated and current_user.can_moderate:
        return {"pending_responses": services.pending_count()}
    return {}


# What the last Spam or Trash did, for its Undo (kept in the session so that it survives the
# redirect back to the queue when there is no JavaScript).
UNDO_KEY = "queue_undo"
UNDOABLE = {"spam": "not_spam", "trash": "restore"}


def _queue_filter() -> queue.QueueFilter:
    """The queue's filter from the URL; the page size chosen last is remembered."""
    f = queue.QueueFilter.from_args(request.args, user_id=current_user.id,
                                    per_page=session.get("queue_per_page"))
    if "per_page" in request.args:
        session["queue_per_page"] = f.per_page
    return f


def _render_queue(f: queue.QueueFilter, template: str = "moderation/queue.html",
                  messages: list[tuple[str, str]] | None = None):
    counts = queue.tab_counts(f)
    undo = session.pop(UNDO_KEY, None) or []
    undone = {r.id: r for r in db.session.scalars(
        select(Response).where(Response.id.in_([i for i, _ in undo])))} if undo else {}
    return render_template(template, f=f, page=queue.queue_page(f, counts[f.status]),
                           counts=counts, articles=queue.articles_with_responses(f.article_id),
                           tabs=queue.TABS, bulk_actions=queue.bulk_actions(f.status),
                           per_page_choices=queue.PER_PAGE_CHOICES,
                           reason_sentence=queue.reason_sentence, score_text=score_text,
                           # read only for a row held for its links (once per request)
                           links_limit=lambda: site_settings.load().max_links,
                           undo=[(undone[i], action) for i, action in undo
                                 if i in undone and undone[i].status.value in ("spam", "trash")],
                           actions_for=services.actions_for, messages=messages or [])


@bp.get("/", endpoint="queue")
@moderators_only
def queue_view():
    return _render_queue(_queue_filter())


def _is_id(text: str) -> bool:
    """Plain ASCII digits that fit an integer column (isdigit() also takes "²")."""
    return re.fullmatch(r"[0-9]{1,9}", text) is not None


def _requested_actions() -> list[tuple[int, str, ResponseStatus | None]]:
    """Read (response id, action, status the moderator saw) from the queue's form."""
    def seen(response_id: int) -> ResponseStatus | None:
        value = request.form.get(f"seen-{response_id}", "")
        return ResponseStatus(value) if value in ResponseStatus._value2member_map_ else None

    if row := request.form.get("row_action"):
        action, _, raw_id = row.partition(":")
        return [(int(raw_id), action, seen(int(raw_id)))] if _is_id(raw_id) else []
    action = request.form.get("bulk_action", "")
    ids = [int(i) for i in request.form.getlist("ids") if _is_id(i)]
    return [(i, action, seen(i)) for i in ids]


# Queue actions that change something other than the status (questions/moderation_views
# adds turning a comment into a question and back):
# name -> (label, do(response, actor, now) -> a note or "").
OTHER_ACTIONS: dict[str, tuple[str, object]] = {}


@bp.post("/act")
@moderators_only
def act():
    f = _queue_filter()
    requested = _requested_actions()
    messages: list[tuple[str, str]] = []
    if not requested:
        messages.append(("error", "Select at least one response, then choose an action."))
    elif not requested[0][1]:
        messages.append(("error", "Choose an action to apply to the selected responses."))
    done = 0
    undo: list[tuple[int, str]] = []
    now = utcnow()
    action = requested[0][1] if requested else ""
    if action in OTHER_ACTIONS:
        for response_id, _, _seen in requested:
            response = db.session.get(Response, response_id)
            if response is None:
                messages.append(("error", f"Response #{response_id} no longer exists; "
                                          "nothing was done to it."))
                continue
            try:
                note = OTHER_ACTIONS[action][1](response, current_user, now)
            except services.ModerationError as error:
                messages.append(("error", str(error)))
            else:
                done += 1
                if note:
                    messages.append(("success", note))
    elif action:
        # One query for the rows, one for the change, one for the audit log, whatever the count.
        try:
            result = services.apply_many([(i, seen) for i, _, seen in requested], action,
                                         current_user, now=now)
        except services.ModerationError as error:
            messages.append(("error", str(error)))
        else:
            messages.extend(("error", text) for text in result.errors)
            done = len(result.done)
            if action in UNDOABLE:
                undo = [(r.id, UNDOABLE[action]) for r in result.done]
    if done:
        db.session.commit()
        session[UNDO_KEY] = undo
        name = requested[0][1]
        label = OTHER_ACTIONS[name][0] if name in OTHER_ACTIONS else services.ACTIONS[name].label
        messages.insert(0, ("success", f"{label}: {done} response{'s' if done > 1 else ''}."))
    if request.headers.get("X-Parley-Fragment") == "1":
        return _render_queue(f, "moderation/_queue.html", messages)
    for category, text in messages:
        flash(text, category)
    return redirect(url_for("moderation.queue", **f.as_args()))


@bp.route("/empty/<any(spam, trash):status>", methods=["GET", "POST"])
@moderators_only
def empty(status: str):
    """Empty Spam or Trash: a confirmation page first (the queue's script asks in a dialog
    instead and posts with `confirm`)."""
    count = queue.tab_counts(queue.QueueFilter(status=status))[status]
    if request.method == "POST" and request.form.get("confirm") == "yes":
        gone = services.empty(ResponseStatus(status), current_user, utcnow())
        db.session.commit()
        flash(f"{'Spam' if status == 'spam' else 'Trash'} emptied: {gone} response"
              f"{'' if gone == 1 else 's'} deleted permanently.", "success")
        return redirect(url_for("moderation.queue", status=status))
    return render_template("moderation/empty.html", status=status, count=count)


@bp.route("/<int:response_id>/edit", methods=["GET", "POST"])
@moderators_only
def edit(response_id: int):
    response = db.get_or_404(Response, response_id)
    form = QuickEditForm()
    if request.method == "GET":
        form.process(data={"name": response.author_name, "email": response.author_email,
                           "website": response.author_url, "body": response.body_source})
    elif form.validate_on_submit():
        services.quick_edit(response, current_user, name=form.name.data or "",
                            email=form.email.data or "", website=form.website.data or "",
                            body=form.body.data, now=utcnow())
        db.session.commit()
        flash(f"Response #{response.id} is saved.", "success")
        return redirect(local_path(request.args.get("back")) or url_for("moderation.queue"))
    return render_template("moderation/edit.html", form=form, response=response), \
        422 if form.errors else 200


# A moderator's reply is a comment: its view is app/comments/moderator_reply.py, on this
# blueprint (comments import moderation, never the reverse).


@bp.route("/settings", methods=["GET", "POST"])
@moderators_only
def settings():
    current = site_settings.load()
    form = SettingsForm()
    if request.method == "GET":
        data = {k: ("\n".join(v) if isinstance(v, tuple) else v)
                for k, v in current.__dict__.items()}
        form.process(data=data)
    elif form.validate_on_submit():
        site_settings.save(replace(current, **form.values()))
        db.session.commit()
        flash("Discussion settings saved.", "success")
        return redirect(url_for("moderation.settings"))
    return render_template("moderation/settings.html", form=form,
                           spam=spam_figures.thresholds(current, utcnow()),
                           percent=spam_figures.percent), 422 if form.errors else 200


@bp.route("/email/<token>", methods=["GET", "POST"])
def email_action(token: str):
    """A moderator's mail link: GET shows what it will do; the button's POST does it."""
    try:
        link = notifications.read_action_token(token)
    except notifications.BadActionLink as error:
        return render_template("moderation/email_action.html", error=str(error)), 400
    response = link["response"]
    if response is None:
        return render_template("moderation/email_action.html", error=(
            f"Response #{link['response_id']} no longer exists.")), 404
    action = services.ACTIONS[link["action"]]
    if response.status not in action.allowed_from or response.status is not link["seen"]:
        # Already dealt with (approved, or in Spam or the Trash): say where it is and offer
        # what applies there, never the mailed action.
        return render_template("moderation/email_action.html", moved=True, link=link,
                               response=response,
                               where=queue.status_place(response.status),
                               options=services.actions_for(response.status)), \
            409 if request.method == "POST" else 200
    if request.method == "POST":
        try:
            services.apply(response, link["action"], link["moderator"], seen=link["seen"],
                           now=utcnow(), via=ModerationVia.EMAIL)
        except services.ModerationError as error:
            return render_template("moderation/email_action.html", error=str(error),
                                   response=response), 409
        db.session.commit()
        return render_template("moderation/email_action.html", done=True, link=link,
                               response=response)
    return render_template("moderation/email_action.html", link=link, response=response)
