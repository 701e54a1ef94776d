"""Flask extensions, created unbound and initialised in create_app()."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Registers the parley-sqlite:// storage with `limits` before Flask-Limiter reads its URI.
from app.core import ratelimit as _ratelimit  # noqa: F401
from app.core.csrf import CookieCSRFProtect

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CookieCSRFProtect()
# Counts in RATELIMIT_STORAGE_URI: Redis with REDIS_URL, else the SQLite file every worker on
# the machine shares (never memory://, which counts per process).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _reading_is_not_limited() -> bool:
    """Only requests that change something are rate-limited; reads skip the limiter's work."""
    return request.method in ("GET", "HEAD", "OPTIONS")
