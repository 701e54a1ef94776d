"""Show UTC datetimes in the site's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SITE_TIMEZONE"])


def to_site_time(value: datetime) -> datetime:
    return value.astimezone(site_zone())


def format_date(value: datetime | None) -> str:
    """Format as "Jun 1, 2009"."""
    if value is None:
        return ""
    local = to_site_time(value)
    return f"{local:%b} {local.day}, {local.year}"


def format_datetime(value: datetime | None) -> str:
    """Format as "Jun 1, 2009 at 9:00 pm"."""
    if value is None:
        return ""
    local = to_site_time(value)
    hour = local.hour % 12 or 12
    return f"{format_date(value)} at {hour}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def isoformat(value: datetime | None) -> str:
    return value.isoformat() if value else ""
