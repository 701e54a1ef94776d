"""Register, log in, log out, profile and password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_remembered, login_required, login_user, logout_user

from app.auth import bp, invitations, services, throttle
from app.auth.forms import AccountForm, LoginForm, RegisterForm, SetPasswordForm
from app.core.redirects import local_path
from app.extensions import db


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site."""
    return local_path(target) or url_for("blog.home")


def _form_status() -> int:
    """Answer 422 when a submitted form is shown again with its errors."""
    return 422 if request.method == "POST" else 200


def _too_many(template: str, refusal: throttle.TooManyAttempts, **context):
    """The form again, its input kept, the wait beside it: 429 with Retry-After."""
    return (render_template(template, error=refusal.message, **context), 429,
            {"Retry-After": str(refusal.seconds)})


def _attempt(email: str) -> throttle.LoginAttempt:
    return throttle.LoginAttempt(email=email or "", address=request.remote_addr,
                                 trusted_cookie=request.cookies.get(throttle.TRUSTED_COOKIE))


def _trust_this_browser(response, value: str):
    response.set_cookie(throttle.TRUSTED_COOKIE, value, max_age=throttle.TRUSTED_DAYS * 86400,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        httponly=True, samesite="Lax")
    return response


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            throttle.before_registration(request.remote_addr)
            user = services.create_user(form.email.data, form.name.data, form.password.data)
        except throttle.TooManyAttempts as refusal:
            return _too_many("auth/register.html", refusal, form=form)
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
        attempt = _attempt(form.email.data)
        try:
            throttle.before_login(attempt)
        except throttle.TooManyAttempts as refusal:
            return _too_many("auth/login.html", refusal, form=form)
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and not user.is_active:
            error = "This account is disabled. Ask the site's admin if you think it should not be."
        elif user is not None:
            trusted = throttle.login_succeeded(attempt)
            login_user(user, remember=form.remember.data)
            return _trust_this_browser(redirect(_safe_next(request.args.get("next"))), trusted)
        else:
            throttle.login_failed(attempt)
            error = "That email and password don't match an account."
    return render_template("auth/login.html", form=form, error=error), _form_status()


@bp.post("/logout")
@login_required
def logout():
    """Log out everywhere: every session and remember-me cookie of the account ends."""
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("blog.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user) if request.method == "GET" else AccountForm()
    status, headers = _form_status(), {}
    if form.validate_on_submit():
        values = form.profile_values()
        attempt = _attempt(current_user.email)
        try:
            if values["new_password"]:
                throttle.before_login(attempt)  # the current password is a log-in, counted so
            password_changed = services.update_own_profile(current_user, **values)
        except throttle.TooManyAttempts as refusal:
            form.current_password.errors.append(refusal.message)
            status, headers = 429, {"Retry-After": str(refusal.seconds)}
        except services.WrongPassword:
            throttle.login_failed(attempt)
            form.current_password.errors.append("That is not your current password.")
        else:
            db.session.commit()
            if not password_changed:
                flash("Your profile is saved.", "success")
                return redirect(url_for("auth.account"))
            throttle.login_succeeded(attempt)
            # Every session ended with the old password; this one goes on with the new one.
            login_user(current_user._get_current_object(), remember=login_remembered())
            flash("Your profile and new password are saved. Every other session of your "
                  "account is logged out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), status, headers


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """An invitation's link: the invited person chooses a password, then is logged in."""
    try:
        user = invitations.read_invitation(token)
    except invitations.BadInvitation as bad:
        return render_template("auth/set_password.html", problem=str(bad), form=None), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        services.end_sessions(user)  # the link is used up
        db.session.commit()
        login_user(user)
        flash(f"Welcome, {user.name}. Your password is set.", "success")
        return redirect(url_for("blog.home"))
    return render_template("auth/set_password.html", form=form, user=user,
                           problem=None), _form_status()
