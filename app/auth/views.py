"""Register, log in, log out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, services
from app.auth.forms import LoginForm, ProfileFields, RegisterForm
from app.core.redirects import local_path
from app.extensions import db


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site."""
    return local_path(target) or url_for("blog.home")


def _form_status() -> int:
    """Answer 422 when a submitted form is shown again with its errors."""
    return 422 if request.method == "POST" else 200


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.name.data, form.password.data)
        except services.EmailTaken:
            form.email.errors.append("An account with this email address exists already.")
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for("blog.home"))
    return render_template("auth/register.html", form=form), _form_status()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        error = "That email and password don't match an account."
    return render_template("auth/login.html", form=form, error=error), _form_status()


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("blog.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileFields(obj=current_user) if request.method == "GET" else ProfileFields()
    if form.validate_on_submit():
        services.update_profile(current_user, **form.profile_values())
        db.session.commit()
        flash("Your profile is saved.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), _form_status()
