"""User administration rules."""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.auth.services import EmailTaken, create_user, end_sessions, normalise_email
from app.core import freshness
from app.extensions import db
from app.models import Article, OutboxMessage, Response, Role, User
from app.models.types import utcnow

LAST_ADMIN = ("{name} is the site's last active admin, and the site needs at least one admin: "
              "make another user an admin first.")


class LastAdmin(Exception):
    """The change would leave the site without an active administrator."""


class ReassignRequired(Exception):
    """The user has articles, and nobody (or the user themselves) was chosen to take them."""


def leaves_no_admin(user: User, *, role: Role | None = None, removed: bool = False) -> bool:
    """Tell whether changing `user` (a new role, or disabled/deleted) would leave the site
    with no active admin."""
    if user.role is not Role.ADMIN or user.disabled_at is not None:
        return False
    if not removed and role is Role.ADMIN:
        return False
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.disabled_at.is_(None), User.id != user.id))
    return others == 0


def _guard_last_admin(user: User, **change) -> None:
    if leaves_no_admin(user, **change):
        raise LastAdmin(LAST_ADMIN.format(name=user.name))


def add_user(name: str, email: str, role: Role) -> User:
    """Add an account with no password yet (the invitation sets one); EmailTaken if in use."""
    return create_user(email, name, None, role)


def disable_user(user: User) -> None:
    """Stop the account logging in and end its sessions; LastAdmin for the last admin."""
    _guard_last_admin(user, removed=True)
    user.disabled_at = utcnow()
    end_sessions(user)


def enable_user(user: User) -> None:
    user.disabled_at = None


def article_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Article)
                             .where(Article.author_id == user.id))


def delete_user(user: User, reassign_to: User | None) -> None:
    """Delete an account, as WordPress does: its articles go to `reassign_to` (required when it
    has any); its responses stay, under the name they were posted with, linked to nobody."""
    _guard_last_admin(user, removed=True)
    if article_count(user):
        if reassign_to is None or reassign_to.id == user.id:
            raise ReassignRequired()
        for article in db.session.scalars(select(Article).where(Article.author_id == user.id)):
            article.author_id = reassign_to.id  # through the ORM: the pages' scopes move
    db.session.execute(update(Response).where(Response.user_id == user.id).values(user_id=None),
                       execution_options={"synchronize_session": False})
    db.session.delete(user)
    db.session.flush()
    # A bulk update skips the flush hook that counts what readers see: the badges go.
    freshness.bump(db.session.connection(), [freshness.SITE])


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
    _guard_last_admin(user, role=role)
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
