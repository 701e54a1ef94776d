"""Admin pages: the user list, the user editor, the outbox and Tools → Export."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_remembered, login_user

from app.admin import services
from app.admin.forms import AccountStateForm, DeleteUserForm, NewUserForm, UserForm
from app.auth import invitations
from app.auth import services as accounts
from app.auth.services import EmailTaken
from app.core.converters import int_arg
from app.core.permissions import admins_only, writers_only
from app.extensions import db
from app.importers import wxr_export
from app.models import Role, User
from app.models.types import utcnow

from . import bp


@bp.get("/users/")
@admins_only
def users():
    return render_template("admin/users.html", users=services.list_users())


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admins_only
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            services.change_email_and_role(user, form.email.data, Role(form.role.data))
        except EmailTaken:
            form.email.errors.append("Another account uses this email address.")
        except services.LastAdmin as last:
            form.role.errors.append(str(last))
        else:
            values = form.profile_values()
            accounts.update_profile(user, **values)  # a new password ends the user's sessions
            db.session.commit()
            if values["new_password"] and user.id == current_user.id:
                login_user(user, remember=login_remembered())  # but not this admin's own
            flash(f"Saved {user.name}.", "success")
            return redirect(url_for("admin.users"))
        db.session.rollback()
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user.html", form=form, user=user, state_form=AccountStateForm(),
                           last_admin=services.leaves_no_admin(user, removed=True)), status


@bp.route("/users/new", methods=["GET", "POST"])
@admins_only
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.add_user(form.name.data, form.email.data, Role(form.role.data))
        except EmailTaken:
            form.email.errors.append("Another account uses this email address.")
        else:
            invitations.send_invitation(user, current_user)
            db.session.commit()
            flash(f"Added {user.name}; an invitation to choose a password is on its way to "
                  f"{user.email}.", "success")
            return redirect(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/new_user.html", form=form), status


@bp.post("/users/<int:user_id>/invite")
@admins_only
def invite_again(user_id: int):
    user = db.get_or_404(User, user_id)
    if AccountStateForm().validate_on_submit():
        invitations.send_invitation(user, current_user)
        db.session.commit()
        flash(f"A new invitation is on its way to {user.email}.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/disable")
@admins_only
def disable_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if AccountStateForm().validate_on_submit():
        try:
            services.disable_user(user)
        except services.LastAdmin as last:
            flash(str(last), "error")
            return redirect(url_for("admin.edit_user", user_id=user.id))
        db.session.commit()
        flash(f"{user.name} can no longer log in; their sessions have ended.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/enable")
@admins_only
def enable_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if AccountStateForm().validate_on_submit():
        services.enable_user(user)
        db.session.commit()
        flash(f"{user.name} can log in again.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
@admins_only
def delete_user(user_id: int):
    """Ask who takes the user's articles (as WordPress does), then delete the account."""
    user = db.get_or_404(User, user_id)
    articles = services.article_count(user)
    form = DeleteUserForm()
    others = [u for u in services.list_users() if u.id != user.id and u.can_write]
    form.reassign_to.choices = [(0, "Choose a person…")] + [(u.id, u.name) for u in others]
    problem = (str(services.LastAdmin(services.LAST_ADMIN.format(name=user.name)))
               if services.leaves_no_admin(user, removed=True) else None)
    if form.validate_on_submit() and problem is None:
        heir = next((u for u in others if u.id == form.reassign_to.data), None)
        try:
            services.delete_user(user, heir)
        except services.ReassignRequired:
            form.reassign_to.errors.append(f"Choose who takes {user.name}'s articles.")
        else:
            name = user.name
            db.session.commit()
            flash(f"Deleted {name}.", "success")
            return redirect(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/delete_user.html", form=form, user=user, articles=articles,
                           problem=problem), status


@bp.get("/outbox/")
@admins_only
def outbox():
    page = db.paginate(services.outbox_query(), page=int_arg(request.args, "page", 1),
                       per_page=50, error_out=False)
    return render_template("admin/outbox.html", page=page)


@bp.get("/export/")
@writers_only
def export():
    """Tools → Export: the whole site or one author's articles, as WordPress names it."""
    authors = services.export_authors() if current_user.is_admin else [current_user]
    return render_template("admin/export.html", authors=authors)


@bp.get("/export/download")
@writers_only
def export_download():
    """The WXR file, streamed in chunks as it is written (a GET: it changes nothing)."""
    try:
        author = services.export_author(current_user, int_arg(request.args, "author", 0) or None)
    except services.ExportNotAllowed:
        abort(403)
    now = utcnow()
    name = wxr_export.export_filename(current_app.config["SITE_NAME"], now, author)
    chunks = wxr_export.stream_export(now=now, author_id=author.id if author else None)
    return Response(chunks,
                    mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
