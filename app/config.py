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
    from app.core.security import trusted_hosts

    instance_dir = INSTANCE_DIR
    instance_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'parley.db'}"
    site_url = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    return {
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": load_secret_key(instance_dir),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SITE_NAME": os.environ.get("SITE_NAME", "The Product Desk"),
        "SITE_TAGLINE": os.environ.get(
            "SITE_TAGLINE", "Working notes on product management, for people who ship"
        ),
        "SITE_URL": site_url,
        # Host headers other than SITE_URL's that this site answers to (comma-separated).
        "TRUSTED_HOSTS": trusted_hosts(site_url, os.environ.get("TRUSTED_HOSTS", "")),
        # Request bodies are capped; the WordPress import page has its own, larger cap.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "MAX_FORM_PARTS": 200,
        # The WordPress import (app/importers): the upload's cap, and any one text in the file.
        "IMPORT_MAX_BYTES": int(os.environ.get("PARLEY_IMPORT_MAX_MB", "256")) * 1024 * 1024,
        "WXR_MAX_TEXT_BYTES": int(os.environ.get("PARLEY_WXR_MAX_TEXT_MB", "10")) * 1024 * 1024,
        "SITE_TIMEZONE": os.environ.get("SITE_TIMEZONE", "UTC"),
        "ARTICLES_PER_PAGE": int(os.environ.get("ARTICLES_PER_PAGE", "10")),
        # The editor saves a draft this often (seconds) while its author types.
        "AUTOSAVE_SECONDS": 30,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_flag("SESSION_COOKIE_SECURE"),
        # "Keep me logged in" lasts this many days from the log-in (not renewed by visits);
        # log out or a new password ends it sooner. REMEMBER_COOKIE_SECURE follows
        # SESSION_COOKIE_SECURE (set in app/__init__.py, so an explicit config follows too).
        "REMEMBER_COOKIE_DURATION": int(os.environ.get("REMEMBER_COOKIE_DAYS", "30")) * 86400,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env_flag("MAIL_USE_TLS"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "parley@localhost"),
        # Linkbacks and every outgoing fetch (app/core/fetch.py). Addresses that are not public
        # are refused unless this is on ("1") or lists the networks or address:port pairs that
        # may be fetched all the same ("127.0.0.1:8091, 10.0.0.0/8").
        "LINKBACK_ALLOW_PRIVATE_NETWORKS": os.environ.get("LINKBACK_ALLOW_PRIVATE_NETWORKS", ""),
        "FETCH_CONNECT_TIMEOUT": float(os.environ.get("FETCH_CONNECT_TIMEOUT", "5")),
        "FETCH_TOTAL_TIMEOUT": float(os.environ.get("FETCH_TOTAL_TIMEOUT", "10")),
        "FETCH_MAX_BYTES": int(os.environ.get("FETCH_MAX_BYTES", str(1024 * 1024))),
        "FETCH_MAX_REDIRECTS": int(os.environ.get("FETCH_MAX_REDIRECTS", "5")),
        "FETCH_CACHE_SECONDS": int(os.environ.get("FETCH_CACHE_SECONDS", "60")),
        # Pages stored for anonymous readers, per worker process (app/core/pagecache.py).
        "PAGE_CACHE_MB": int(os.environ.get("PAGE_CACHE_MB", "64")),
        # Rendered responses kept per worker process for pages rendered per reader, about
        # 1.5 KB each (app/comments/fragments.py).
        "FRAGMENT_CACHE_SIZE": int(os.environ.get("FRAGMENT_CACHE_SIZE", "20000")),
        # Incoming linkbacks: per client address, per source host, and one source and target
        # pair (a repeat within the window is refused).
        "LINKBACK_CLIENT_LIMIT": os.environ.get("LINKBACK_CLIENT_LIMIT",
                                                "20 per minute; 200 per hour"),
        "LINKBACK_SOURCE_HOST_LIMIT": os.environ.get("LINKBACK_SOURCE_HOST_LIMIT",
                                                     "10 per minute; 100 per hour"),
        "LINKBACK_PAIR_LIMIT": os.environ.get("LINKBACK_PAIR_LIMIT", "1 per 30 seconds"),
        "HUEY_IMMEDIATE": env_flag("HUEY_IMMEDIATE"),
        # How many reverse proxies stand in front (their X-Forwarded-For is trusted).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # Counters every worker shares (app/core/ratelimit.py): Redis with REDIS_URL, else a
        # SQLite file under the instance folder.
        "RATELIMIT_STORAGE_URI": (os.environ.get("RATELIMIT_STORAGE_URI")
                                  or os.environ.get("REDIS_URL")
                                  or f"parley-sqlite://{instance_dir.resolve() / 'ratelimits.db'}"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "COMMENT_RATE_LIMIT": os.environ.get("COMMENT_RATE_LIMIT", "6 per minute; 60 per hour"),
        # Failed log-ins (app/auth/throttle.py): one account from one address or browser; one
        # account from everywhere; one address whatever the account. New accounts per address.
        "LOGIN_FAILURE_LIMIT": os.environ.get("LOGIN_FAILURE_LIMIT", "5 per 15 minutes"),
        "LOGIN_ACCOUNT_FAILURE_LIMIT": os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT",
                                                      "20 per 15 minutes"),
        "LOGIN_ADDRESS_FAILURE_LIMIT": os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT",
                                                      "30 per hour"),
        "REGISTER_RATE_LIMIT": os.environ.get("REGISTER_RATE_LIMIT", "5 per hour"),
    }
