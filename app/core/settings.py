"""A store for settings kept in the database, read once per request (and, for pages that only
read, kept per process while the site's version holds).

The store knows no setting: a feature declares its settings as a frozen dataclass whose fields
carry the defaults (the discussion settings are `app.moderation.settings.DiscussionSettings`),
and the store keeps each field under its name, as JSON.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, fields, replace
from typing import TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import select

from app.core import freshness
from app.extensions import db
from app.models import SiteSetting

T = TypeVar("T")
_KEPT = "parley_settings"


def init_app(app) -> None:
    """Read the settings afresh in every request, even one sharing an app context."""

    @app.before_request
    def forget_settings():
        forget()


def forget() -> None:
    """Drop the settings this request has read (the next `load` reads them again)."""
    for name in [name for name in vars(g) if name.startswith("settings:")]:
        g.pop(name)


def _stored() -> dict:
    rows = db.session.execute(select(SiteSetting.key, SiteSetting.value))
    return {key: json.loads(value) for key, value in rows}


def _coerce(default, value):
    """A stored JSON value as the field's type: lists become tuples, strings become the
    field's enum (an unknown one keeps the default)."""
    if isinstance(default, enum.Enum):
        try:
            return type(default)(value)
        except ValueError:
            return default
    if isinstance(default, tuple) and isinstance(value, list):
        return tuple(value)
    return value


def load(cls: type[T]) -> T:
    """Return the settings of `cls` (its defaults for what was never saved, then the app's
    config entry named by `cls.CONFIG_DEFAULTS`, if any, then what is stored), once per
    request."""
    slot = f"settings:{cls.__qualname__}"
    if has_request_context() and slot in g:
        return g.get(slot)
    defaults = current_app.config.get(getattr(cls, "CONFIG_DEFAULTS", ""), {})
    # A page that only reads takes the settings kept by this process while the site's
    # version holds (saving settings moves it); the version is read before the settings.
    reading = has_request_context() and request.method in ("GET", "HEAD")
    kept = current_app.extensions.setdefault(_KEPT, {})
    if reading:
        key = (freshness.versions_for(current_app).current((freshness.SITE,))[freshness.SITE],
               json.dumps(defaults, sort_keys=True, default=str))
        if cls in kept and kept[cls][0] == key:
            g.setdefault(slot, kept[cls][1])
            return kept[cls][1]
    base = cls()
    known = {f.name: getattr(base, f.name) for f in fields(cls)}
    stored = {**defaults, **_stored()}
    settings = replace(base, **{name: _coerce(known[name], value)
                                for name, value in stored.items() if name in known})
    if has_request_context():
        g.setdefault(slot, settings)
    if reading:
        kept[cls] = (key, settings)
    return settings


def save(settings) -> None:
    """Store every field of `settings`; the caller commits."""
    existing = {row.key: row for row in db.session.scalars(select(SiteSetting))}
    for key, value in asdict(settings).items():
        row = existing.get(key) or SiteSetting(key=key)
        row.value = json.dumps(value)
        db.session.add(row)
    if has_request_context():
        g.pop(f"settings:{type(settings).__qualname__}", None)


__all__ = ["forget", "init_app", "load", "save"]
