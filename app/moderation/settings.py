"""The discussion settings (WordPress's Settings → Discussion): their one declaration, with
their defaults, kept in the database by `app.core.settings`.

The moderation rules' fields are declared once, on `policy.Rules`; the discussion settings are
those rules and the rest, so the settings themselves are what `policy.decide` reads.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from app.core import settings as store
from app.moderation.policy import Rules


class Avatars(enum.StrEnum):
    """What stands beside a comment: a generated identicon, the Gravatar, or nothing."""

    IDENTICON = "identicon"
    GRAVATAR = "gravatar"
    NONE = "none"


class NotifyModerators(enum.StrEnum):
    """Mail to moderators about held responses: one each, a daily digest, or none."""

    EACH = "each"
    DIGEST = "digest"
    OFF = "off"


class UnverifiedTrackbacks(enum.StrEnum):
    """A trackback whose page does not link back: stored as spam, or refused."""

    SPAM = "spam"
    REFUSE = "refuse"


@dataclass(frozen=True)
class DiscussionSettings(Rules):
    """Every discussion setting with its default (the rules' are on `Rules`)."""

    CONFIG_DEFAULTS: ClassVar[str] = "DISCUSSION_DEFAULTS"  # the app config's overrides

    thread_depth: int = 5
    threads_per_page: int = 50
    newest_first: bool = False
    avatars: Avatars = Avatars.IDENTICON
    flood_seconds: int = 15
    edit_minutes: int = 10
    max_comment_length: int = 65525
    notify_moderators: NotifyModerators = NotifyModerators.EACH
    notify_authors: bool = True
    purge_after_days: int = 30
    # Close comments and pings on articles older than this many days (0: never).
    close_after_days: int = 0
    # Linkbacks: shown in their place in the discussion or in their own list under it; what
    # becomes of an unverified trackback; published articles notify the pages they link to.
    linkbacks_separate: bool = False
    unverified_trackbacks: UnverifiedTrackbacks = UnverifiedTrackbacks.SPAM
    send_linkbacks: bool = True


def load() -> DiscussionSettings:
    """The discussion settings, once per request (see `app.core.settings.load`)."""
    return store.load(DiscussionSettings)


def save(settings: DiscussionSettings) -> None:
    """Store every discussion setting; the caller commits."""
    store.save(settings)
