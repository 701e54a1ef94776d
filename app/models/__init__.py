"""The data model: one module per aggregate."""

from app.models.article import Article, ArticleStatus, BodyFormat, Tag, Translation
from app.models.linkback import OutgoingLinkback, WebmentionRequest
from app.models.moderation import ModerationAction, ModerationEvent, ModerationVia
from app.models.question import HelpfulVote, QuestionTag
from app.models.response import Response, ResponseKind, ResponseStatus
from app.models.site import (
    CacheScope,
    ImportJob,
    ImportState,
    OutboxMessage,
    SiteSetting,
    Subscription,
)
from app.models.spam import ExampleSource, SpamExample, SpamFeature, SpamLabel, SpamTotals
from app.models.user import Role, User

__all__ = [
    "Article",
    "ArticleStatus",
    "BodyFormat",
    "CacheScope",
    "ExampleSource",
    "HelpfulVote",
    "ImportJob",
    "ImportState",
    "ModerationAction",
    "ModerationEvent",
    "ModerationVia",
    "OutboxMessage",
    "OutgoingLinkback",
    "QuestionTag",
    "Response",
    "ResponseKind",
    "ResponseStatus",
    "Role",
    "SiteSetting",
    "SpamExample",
    "SpamFeature",
    "SpamLabel",
    "SpamTotals",
    "Subscription",
    "Tag",
    "Translation",
    "User",
    "WebmentionRequest",
]
