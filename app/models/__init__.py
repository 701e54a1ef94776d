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
from app.models.user import Role, User

__all__ = [
    "Article",
    "ArticleStatus",
    "BodyFormat",
    "CacheScope",
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
    "Subscription",
    "Tag",
    "Translation",
    "User",
    "WebmentionRequest",
]
