"""CSRF tokens bound to a cookie of their own, so that a reader needs no session.

Flask-WTF keeps the secret half of its token in the session, which means signing and sending
a session cookie to every reader who is shown a form, and running the whole request through
Flask to do it. Parley keeps the same design with the secret in its own cookie instead: a
signed double-submit cookie (the pattern OWASP recommends for stateless sites).

- The browser gets a random value in the `parley_csrf` cookie (HttpOnly, SameSite=Lax; under
  HTTPS it is `__Host-parley_csrf`, which no other subdomain can set or overwrite). It is a
  session cookie: it goes when the browser is closed and is never sent to anyone else.
- Every form carries `HMAC(SECRET_KEY, that value)`. A post is accepted only when its token
  is the HMAC of the cookie it came with.
- Another site can make a browser post, but it can neither read the cookie nor compute the
  HMAC without the key, so it cannot write a matching token. A stolen token is worth nothing
  without the cookie it belongs to, and one reader's token is useless to another.
- The token is a function of the cookie, so the page cache puts each reader's own token into
  a stored page without Flask (`token_for`), and a page revalidated with its ETag keeps a
  token that is still good.

Forms use `Form` (FlaskForm with this CSRF); other posts are checked by `CookieCSRFProtect`,
which keeps Flask-WTF's error (`CSRFError`) and its exemptions.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import current_app, g, request
from flask_login import user_logged_in, user_logged_out
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.csrf import same_origin
from wtforms import ValidationError
from wtforms.csrf.core import CSRF

COOKIE = "parley_csrf"
SECURE_COOKIE = "__Host-parley_csrf"
_RAW = re.compile(r"[0-9a-f]{32}\Z")


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE if secure else COOKIE


def new_raw() -> str:
    return secrets.token_hex(16)


def is_raw(value: str | None) -> bool:
    return bool(value) and _RAW.match(value) is not None


def token_for(secret_key: str | bytes, raw: str) -> str:
    """The token a form carries for the cookie value `raw`."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, b"parley-csrf:" + raw.encode(), hashlib.sha256).hexdigest()


def _cookie_name() -> str:
    return cookie_name(bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def raw_value() -> str:
    """This browser's cookie value, or a new one (set on the response, `set_cookie`)."""
    if "csrf_raw" not in g:
        found = request.cookies.get(_cookie_name())
        if is_raw(found):
            g.csrf_raw = found
        else:
            g.csrf_raw, g.csrf_new = new_raw(), True
    return g.csrf_raw


def generate_csrf() -> str:
    """The token for this browser's forms (the same for every form of a request)."""
    if "csrf_token" not in g:
        g.csrf_token = token_for(current_app.secret_key, raw_value())
    return g.csrf_token


def generated_token() -> str | None:
    """The token this request put in its page, if it made one (for the page cache)."""
    return g.get("csrf_token")


def validate_csrf(data: str | None) -> None:
    """Raise ValidationError unless `data` is the token of the cookie sent with the request."""
    if not data:
        raise ValidationError("The CSRF token is missing.")
    found = request.cookies.get(_cookie_name())
    if not is_raw(found):
        raise ValidationError("The CSRF cookie is missing.")
    if not hmac.compare_digest(token_for(current_app.secret_key, found), str(data)):
        raise ValidationError("The CSRF tokens do not match.")


def renew() -> None:
    """Give the browser a new cookie value (at log in and log out), and so new tokens."""
    g.pop("csrf_token", None)
    g.csrf_raw, g.csrf_new = new_raw(), True


def set_cookie(response):
    """Send the cookie when this request made a new value."""
    if g.get("csrf_new"):
        secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))
        response.set_cookie(cookie_name(secure), g.csrf_raw, httponly=True, samesite="Lax",
                            secure=secure, path="/")
    return response


def _renew_on_signal(_app, **_extra) -> None:
    renew()


class _CookieCSRF(CSRF):
    """WTForms' CSRF hook for `Form`: the token above, checked against the cookie."""

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return generate_csrf()

    def validate_csrf_token(self, form, field):
        if g.get("csrf_valid", False):
            return  # checked already by CookieCSRFProtect, before the view
        try:
            validate_csrf(field.data)
        except ValidationError as error:
            raise ValidationError(field.gettext(error.args[0])) from error


class Form(FlaskForm):
    """The base of every Parley form."""

    class Meta:
        csrf_class = _CookieCSRF


class CookieCSRFProtect(CSRFProtect):
    """Flask-WTF's protection of every post (and its `exempt`), with the cookie-bound token."""

    def init_app(self, app):
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = generate_csrf
        app.context_processor(lambda: {"csrf_token": generate_csrf})  # after Flask-WTF's
        app.after_request(set_cookie)
        # A new value at log in and log out: a token seen before cannot outlive either.
        user_logged_in.connect(_renew_on_signal, app)
        user_logged_out.connect(_renew_on_signal, app)

    def protect(self, apply_exemptions: bool = False):
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        try:
            validate_csrf(self._get_csrf_token())
        except ValidationError as error:
            self._error_response(error.args[0])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True
