"""Account rules: who may register, how passwords are judged, who may log in."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.text import clean_line, slugify
from app.core.urls import clean_url
from app.extensions import db
from app.models import Role, User
from app.models.user import hash_password

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop",
    "iloveyou12", "letmein123", "welcome123", "passw0rd12", "administrator", "abcdefghij",
})


class EmailTaken(Exception):
    """An account with this email address exists already."""


class WrongPassword(Exception):
    """The current password given to confirm a change is not the account's password."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str | None = None) -> str | None:
    """Say what is wrong with a password, or None if it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "This password is too easy to guess; choose another."
    if email and password.lower() == normalise_email(email):
        return "Don't use your email address as your password."
    return None


def find_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalise_email(email))).first()


def unique_user_slug(name: str) -> str:
    """Return a slug for an author page that no other user has."""
    base = slugify(name) or "user"
    taken = set(db.session.scalars(select(User.slug).where(User.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_user(email: str, name: str, password: str | None, role: Role = Role.MEMBER) -> User:
    """Add a user; raise EmailTaken if the address is in use. The caller commits."""
    email = normalise_email(email)
    exists = db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if exists:
        raise EmailTaken(email)
    user = User(email=email, name=clean_line(name), slug=unique_user_slug(name), role=role)
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user whose email and password match, or None (never saying which was wrong)."""
    user = find_by_email(email)
    if user is None:
        # Hash anyway so that timing does not tell whether the address exists.
        _burn_hash(password)
        return None
    return user if user.check_password(password) else None


def _burn_hash(password: str) -> None:
    hash_password(password)


def user_for_session(session_id: str) -> User | None:
    """The user a session or remember cookie names ("<id>:<session version>"), or None when
    the account is gone or its sessions were ended since (log out, new password)."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of the user, wherever they were copied to.
    The caller commits (and logs the person in again if they should stay logged in)."""
    user.session_version = (user.session_version or 0) + 1


def update_profile(user: User, *, name: str, job_title: str, bio: str, social_handle: str,
                   website: str, new_password: str | None) -> bool:
    """Change what a user shows about themselves and, given one, the password (as an admin
    may, without the current one). A new password ends every session of the user. Return
    whether the password changed. The caller commits."""
    user.name = clean_line(name)
    user.job_title = job_title.strip()
    user.bio = bio.strip()
    user.social_handle = social_handle.strip()
    user.website = clean_url(website, max_length=255)  # the one URL rule; BadUrl if not
    if not new_password:
        return False
    user.set_password(new_password)
    end_sessions(user)
    return True


def update_own_profile(user: User, *, current_password: str | None, new_password: str | None,
                       **profile: str) -> bool:
    """A person changing their own profile: a new password needs the current one, else
    WrongPassword is raised and nothing changes. Return whether the password changed."""
    if new_password and not user.check_password(current_password or ""):
        raise WrongPassword()
    return update_profile(user, new_password=new_password, **profile)
