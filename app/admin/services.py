"""User administration rules."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.services import EmailTaken, normalise_email
from app.extensions import db
from app.models import Article, OutboxMessage, Role, User


class LastAdmin(Exception):
    """The change would leave the site without an administrator."""


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.name)))


def change_email_and_role(user: User, email: str, role: Role) -> None:
    """Change a user's address and role, keeping addresses unique and one admin at least."""
    email = normalise_email(email)
    if email != user.email:
        clash = db.session.scalar(select(User.id).where(User.email == email))
        if clash is not None:
            raise EmailTaken(email)
        user.email = email
    if user.role is Role.ADMIN and role is not Role.ADMIN:
        admins = db.session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN))
        if admins <= 1:
            raise LastAdmin()
    user.role = role


def outbox_query():
    """Mail kept locally because no SMTP server is configured, newest first."""
    return select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


class ExportNotAllowed(Exception):
    """The person may not export what they asked for."""


def export_author(person: User, author_id: int | None) -> User | None:
    """Whose articles `person` exports: None for the whole site (admins only), else the author.

    Admins export anything; an author (writers_only in core/permissions) exports their own
    articles, with their responses, and nothing else. Raise ExportNotAllowed otherwise."""
    if person.role is Role.ADMIN:
        if author_id is None:
            return None
        author = db.session.get(User, author_id)
        if author is None:
            raise ExportNotAllowed()
        return author
    if person.role is Role.AUTHOR and author_id in (None, person.id):
        return person
    raise ExportNotAllowed()


def export_authors() -> list[User]:
    """The people an admin may export alone: those who have written an article."""
    return list(db.session.scalars(select(User).where(User.id.in_(select(Article.author_id)))
                                   .order_by(User.name)))
