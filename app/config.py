"""Configuration: defaults first, then environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("PARLEY_INSTANCE", PROJECT_DIR / "instance"))


def normalise_database_url(url: str) -> str:
    """Point bare PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_secret_key(instance_dir: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    instance_dir.mkdir(parents=True, exist_ok=True)
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment() -> dict:
    """Build the configuration mapping from defaults and the environment."""
    instance_dir = INSTANCE_DIR
    instance_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'parley.db'}"
    return {
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": load_secret_key(instance_dir),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SITE_NAME": os.environ.get("SITE_NAME", "The Product Desk"),
        "SITE_TAGLINE": os.environ.get(
            "SITE_TAGLINE", "Working notes on product management, for people who ship"
        ),
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SITE_TIMEZONE": os.environ.get("SITE_TIMEZONE", "UTC"),
        "ARTICLES_PER_PAGE": int(os.environ.get("ARTICLES_PER_PAGE", "10")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_flag("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env_flag("MAIL_USE_TLS"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "parley@localhost"),
        "LINKBACK_ALLOW_PRIVATE_NETWORKS": env_flag("LINKBACK_ALLOW_PRIVATE_NETWORKS"),
        "HUEY_IMMEDIATE": env_flag("HUEY_IMMEDIATE"),
        # How many reverse proxies stand in front (their X-Forwarded-For is trusted).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "COMMENT_RATE_LIMIT": os.environ.get("COMMENT_RATE_LIMIT", "6 per minute; 60 per hour"),
    }
