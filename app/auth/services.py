"""Account rules: who may register, how passwords are judged, who may log in."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.core.text import slugify
from app.extensions import db
from app.models import Role, User

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop",
    "iloveyou12", "letmein123", "welcome123", "passw0rd12", "administrator", "abcdefghij",
})


class EmailTaken(Exception):
    """An account with this email address exists already."""


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
    user = User(email=email, name=name.strip(), slug=unique_user_slug(name), role=role)
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
    generate_password_hash(password)


def update_profile(user: User, *, name: str, job_title: str, bio: str, social_handle: str,
                   website: str, new_password: str | None) -> None:
    """Change what a user shows about themselves; the caller commits."""
    user.name = name.strip()
    user.job_title = job_title.strip()
    user.bio = bio.strip()
    user.social_handle = social_handle.strip()
    user.website = website.strip()
    if new_password:
        user.set_password(new_password)
