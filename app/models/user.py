"""Users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

# Werkzeug's scrypt (n=2**15, r=8, p=1): about 0.15 s and 32 MB per hash, on purpose. The
# config's PASSWORD_HASH_METHOD can name another of werkzeug's methods; the test suite, which
# makes thousands of accounts, uses a cheap one. Stored hashes name their own method, so a
# change applies to new passwords and every old one still checks.
PASSWORD_HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    """A salted hash of the password, by the configured method."""
    method = (current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None)
    return generate_password_hash(password, method=method or PASSWORD_HASH_METHOD)


class Role(enum.StrEnum):
    ADMIN = "admin"
    AUTHOR = "author"
    MODERATOR = "moderator"
    MEMBER = "member"


ROLE_ENUM = Enum(Role, name="user_role", values_callable=lambda e: [m.value for m in e],
                 validate_strings=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    # None means the account cannot log in (for example an imported author).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(ROLE_ENUM, default=Role.MEMBER)
    bio: Mapped[str] = mapped_column(Text, default="")
    job_title: Mapped[str] = mapped_column(String(120), default="")
    social_handle: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The WordPress login of an imported author (imports match on it).
    wp_login: Mapped[str | None] = mapped_column(String(60), unique=True)
    # Part of every session and remember-me cookie: bumping it (log out, new password) ends
    # them all, wherever they were copied to.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # When an admin disabled the account: it cannot log in and its sessions have ended.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The import that created this account (a failed import removes what it created).
    import_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password."""
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches; accounts without one never match."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's id for sessions and remember cookies: "<id>:<session_version>"."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:
        """Flask-Login's check: a disabled account neither logs in nor keeps a session."""
        return self.disabled_at is None

    @property
    def can_write(self) -> bool:
        return self.role in (Role.ADMIN, Role.AUTHOR)

    @property
    def can_moderate(self) -> bool:
        return self.role in (Role.ADMIN, Role.MODERATOR)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"
