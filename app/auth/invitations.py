"""Invitations: a signed, expiring link that lets a new account set its first password."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import User
from app.tasks import send_mail
from app.templating import site_url_for

INVITATION_MAX_AGE = 7 * 24 * 3600


class BadInvitation(Exception):
    """The link was forged, has expired, or has been used already."""


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="parley-invitation")


def _state(user: User) -> str:
    """What the link is bound to: the account's password (none yet) and session version, so
    the link dies once a password is set or the account's sessions are ended."""
    seen = f"{user.password_hash or ''}:{user.session_version or 0}"
    return hashlib.blake2b(seen.encode(), digest_size=8).hexdigest()


def invitation_token(user: User) -> str:
    return _signer().dumps({"u": user.id, "s": _state(user)})


def read_invitation(token: str) -> User:
    """The account a link invites, or BadInvitation with a reason a person can read."""
    try:
        data = _signer().loads(token, max_age=INVITATION_MAX_AGE)
    except SignatureExpired as error:
        raise BadInvitation("This invitation has expired (invitations last 7 days). Ask an "
                            "admin to send a new one.") from error
    except BadSignature as error:
        raise BadInvitation("This invitation link is not valid. Check that it was copied "
                            "whole.") from error
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or data.get("s") != _state(user):
        raise BadInvitation("This invitation has been used already or withdrawn. Log in, or "
                            "ask an admin for a new one.")
    return user


def send_invitation(user: User, invited_by: User) -> None:
    """Mail the account a link to set its password (sent once the transaction commits)."""
    link = site_url_for("auth.set_password", token=invitation_token(user))
    site = current_app.config["SITE_NAME"]
    send_mail(user.email, f"You are invited to {site}",
              f"Hello {user.name},\n\n{invited_by.name} has made you an account on {site} "
              f"({user.role.value}). Choose your password here to start:\n\n{link}\n\n"
              "The link works once and for 7 days. If you did not expect this, ignore it.\n")
