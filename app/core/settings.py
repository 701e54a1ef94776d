"""Discussion settings kept in the database, read once per request (and, for pages that only
read, kept per process while the site's version holds)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace

from flask import current_app, g, has_request_context, request
from sqlalchemy import select

from app.extensions import db
from app.models import SiteSetting

AVATAR_STYLES = ("identicon", "gravatar", "none")


@dataclass(frozen=True)
class DiscussionSettings:
    """Every discussion setting with its default."""

    thread_depth: int = 5
    threads_per_page: int = 50
    newest_first: bool = False
    avatars: str = "identicon"
    flood_seconds: int = 15
    edit_minutes: int = 10
    max_comment_length: int = 65525
    # Moderation rules (see app/moderation/policy.py for their order).
    manual_approval: bool = False
    max_links: int = 2
    moderation_words: tuple[str, ...] = ()
    disallowed_words: tuple[str, ...] = ()
    block_list: tuple[str, ...] = ()
    previously_approved: bool = True
    member_trust_after: int = 0
    min_fill_seconds: float = 2.0
    # Mail to moderators about held responses: "each", "digest" (daily) or "off".
    notify_moderators: str = "each"
    notify_authors: bool = True
    purge_after_days: int = 30
    # Close comments and pings on articles older than this many days (0: never).
    close_after_days: int = 0
    # Linkbacks: shown in their place in the discussion or in their own list under it; a
    # trackback whose page does not link back is stored as spam ("spam") or refused
    # ("refuse"); published articles notify the pages they link to.
    linkbacks_separate: bool = False
    unverified_trackbacks: str = "spam"
    send_linkbacks: bool = True

    def rules(self):
        """The part of the settings the moderation policy reads (its fields, by name)."""
        # Imported here: the moderation package imports this module through its views.
        from app.moderation.policy import Rules

        return Rules(**{f.name: getattr(self, f.name) for f in fields(Rules)})


def init_app(app) -> None:
    """Read the settings afresh in every request, even one sharing an app context."""

    @app.before_request
    def forget_settings():
        g.pop("discussion_settings", None)


def _stored() -> dict:
    rows = db.session.execute(select(SiteSetting.key, SiteSetting.value))
    return {key: json.loads(value) for key, value in rows}


def load() -> DiscussionSettings:
    """Return the settings (defaults for what was never saved), once per request."""
    if has_request_context() and "discussion_settings" in g:
        return g.discussion_settings
    # A page that only reads takes the settings kept by this process while the site's
    # version holds (saving settings moves it); the version is read before the settings.
    reading = has_request_context() and request.method in ("GET", "HEAD")
    if reading:
        from app.core import freshness

        defaults = current_app.config.get("DISCUSSION_DEFAULTS", {})
        key = (freshness.versions_for(current_app).current((freshness.SITE,))[freshness.SITE],
               json.dumps(defaults, sort_keys=True, default=str))
        kept = current_app.extensions.get("parley_settings")
        if kept is not None and kept[0] == key:
            g.discussion_settings = kept[1]
            return kept[1]
    stored = {**current_app.config.get("DISCUSSION_DEFAULTS", {}), **_stored()}
    known = {f.name: f for f in fields(DiscussionSettings)}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items() if k in known}
    settings = replace(DiscussionSettings(), **values)
    if has_request_context():
        g.discussion_settings = settings
    if reading:
        current_app.extensions["parley_settings"] = (key, settings)
    return settings


def save(settings: DiscussionSettings) -> None:
    """Store every setting; the caller commits."""
    existing = {row.key: row for row in db.session.scalars(select(SiteSetting))}
    for key, value in asdict(settings).items():
        row = existing.get(key) or SiteSetting(key=key)
        row.value = json.dumps(value)
        db.session.add(row)
    if has_request_context():
        g.pop("discussion_settings", None)
