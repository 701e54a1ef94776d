"""Responses to an article: comments, replies, questions and linkbacks in one table."""

from __future__ import annotations

import enum
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Enum, ForeignKey, Index, String, Text, and_, inspect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models.article import Article
from app.models.question import QuestionTag, listen_for_schema, question_tag_links
from app.models.types import UTCDateTime, utcnow
from app.models.user import User


class ResponseKind(enum.StrEnum):
    COMMENT = "comment"
    QUESTION = "question"
    PINGBACK = "pingback"
    TRACKBACK = "trackback"
    WEBMENTION = "webmention"


LINKBACK_KINDS = (ResponseKind.PINGBACK, ResponseKind.TRACKBACK, ResponseKind.WEBMENTION)
# Webmentions that are a gesture rather than something said: shown as a row of faces under
# the article, not as responses in the discussion.
REACTIONS = ("like", "repost")
LINKBACK_LABELS = {ResponseKind.PINGBACK: "Pingback", ResponseKind.TRACKBACK: "Trackback"}
MENTION_LABELS = {"reply": "Reply", "like": "Like", "repost": "Repost", "bookmark": "Bookmark"}


class ResponseStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"
    TRASH = "trash"


def _enum(cls, name, **options):
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                validate_strings=True, **options)


class Response(db.Model):
    """One response to an article, whatever its kind; threads through parent and path."""

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_article_status_path", "article_id", "status", "path"),
        Index("ix_responses_status_created_at", "status", "created_at"),
        Index("ix_responses_article_wp_comment_id", "article_id", "wp_comment_id"),
        Index("ix_responses_article_source_url", "article_id", "source_url"),
        Index("ix_responses_kind_status_created_at", "kind", "status", "created_at"),
        # A question's answers: counted and dated on the Questions page for every question.
        Index("ix_responses_parent_kind_status_created_at", "parent_id", "kind", "status",
              "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None only for a question asked on the Questions page about no article (and its answers).
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[ResponseKind] = mapped_column(_enum(ResponseKind, "response_kind"),
                                               default=ResponseKind.COMMENT)
    status: Mapped[ResponseStatus] = mapped_column(_enum(ResponseStatus, "response_status"),
                                                   default=ResponseStatus.PENDING)
    # Materialised path: zero-padded ids of the ancestors and itself, so that ordering
    # by path returns a whole thread in display order in one query.
    path: Mapped[str] = mapped_column(String(1000), default="")
    depth: Mapped[int] = mapped_column(default=0)
    # The id of the top-level response of this thread (its own id when top-level):
    # threads are paginated and ordered by it.
    thread_id: Mapped[int | None] = mapped_column(index=True)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    author_email: Mapped[str] = mapped_column(String(254), default="")
    author_url: Mapped[str] = mapped_column(String(500), default="")
    author_ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    moderation_reason: Mapped[str] = mapped_column(String(300), default="")
    # Where "restore" and "not spam" return it to; and when its status last changed.
    previous_status: Mapped[ResponseStatus | None] = mapped_column(
        _enum(ResponseStatus, "response_status"))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # WordPress's comment id, for imports (unique within an article).
    wp_comment_id: Mapped[int | None] = mapped_column()
    # The import that created this response (a failed import removes what it created).
    import_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)
    # Linkbacks: the linking page's title and site name, shown as the author.
    source_url: Mapped[str] = mapped_column(String(500), default="")
    source_title: Mapped[str] = mapped_column(String(300), default="")
    source_site: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Webmentions: what the source is (reply, like, repost, bookmark, mention), from its
    # microformats; its author's photo; when it says it was published; and a fingerprint of
    # what was extracted, so that a repeated webmention re-moderates only a changed source.
    mention_type: Mapped[str] = mapped_column(String(20), default="", server_default="")
    author_photo: Mapped[str] = mapped_column(String(500), default="", server_default="")
    source_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Questions: a title (typed, or the first sentence), the answer the asker or a moderator
    # accepted, the question this one duplicates (then it is closed to answers). Answers: how
    # many members marked it helpful (kept with each vote, in the vote's transaction).
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    accepted_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"))
    helpful_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Counts changes to the row (app/database.py bumps it at every flush that changes it): the
    # key of the response's rendered HTML in the fragment cache.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article | None] = relationship()
    user: Mapped[User | None] = relationship()
    parent: Mapped[Response | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    accepted_answer: Mapped[Response | None] = relationship(
        remote_side=[id], foreign_keys=[accepted_answer_id], post_update=True)
    duplicate_of: Mapped[Response | None] = relationship(
        remote_side=[id], foreign_keys=[duplicate_of_id], post_update=True)
    question_tags: Mapped[list[QuestionTag]] = relationship(
        secondary=question_tag_links, order_by=QuestionTag.name)

    PATH_WIDTH = 10
    # The most levels a path can hold: 10 digits and a dot a level, in String(1000).
    PATH_LEVELS = (1000 + 1) // (PATH_WIDTH + 1)

    def place_under(self, parent: Response | None, max_depth: int | None = None) -> None:
        """Set path, depth and thread from the parent; the response must have an id already.

        `max_depth` is the number of levels a thread shows (the thread-depth setting). A reply
        to a response on the last level is stored under that response's ancestor one level
        up, the deepest one allowed to have replies, so that it shows on the last level and
        paths stay bounded. The ancestor is read from the parent's path: no query. A reply is
        never made top-level: with a depth of 1 (a flat list) it still joins its thread. Without
        `max_depth`, only what the path column can hold bounds the depth.
        """
        segment = f"{self.id:0{self.PATH_WIDTH}d}"
        if parent is None:
            self.parent = None
            self.parent_id, self.path, self.depth, self.thread_id = None, segment, 0, self.id
            return
        levels = min(max(max_depth or self.PATH_LEVELS, 2), self.PATH_LEVELS)
        above = parent.path.split(".")
        self.thread_id = parent.thread_id
        if len(above) < levels:
            self.parent = parent
            self.parent_id = parent.id
        else:
            above = above[:levels - 1]
            self._forget_parent()
            self.parent_id = int(above[-1])
        self.path = ".".join([*above, segment])
        self.depth = len(above)

    def _forget_parent(self) -> None:
        """Drop the loaded `parent` object, so that `parent_id` alone says who the parent is."""
        state = inspect(self)
        if "parent" not in state.dict:
            return
        if state.persistent:
            state.session.expire(self, ["parent"])
        else:
            set_committed_value(self, "parent", None)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the ancestors, root first, read from the materialised path."""
        return [int(part) for part in self.path.split(".")[:-1]]

    @property
    def is_question(self) -> bool:
        return self.kind == ResponseKind.QUESTION

    @property
    def context_title(self) -> str:
        """Where the response was made, named: its article, or the Questions page."""
        return self.article.title if self.article is not None else "Questions"

    @property
    def is_linkback(self) -> bool:
        return self.kind in LINKBACK_KINDS

    @hybrid_property
    def is_reaction(self) -> bool:
        """A webmention like or repost: a face under the article, not a response."""
        return self.kind == ResponseKind.WEBMENTION and self.mention_type in REACTIONS

    @is_reaction.inplace.expression
    @classmethod
    def _is_reaction_expression(cls):
        return and_(cls.kind == ResponseKind.WEBMENTION, cls.mention_type.in_(REACTIONS))

    @property
    def is_reply_mention(self) -> bool:
        """A webmention reply: someone's own words on their site, shown as they wrote them."""
        return self.kind == ResponseKind.WEBMENTION and self.mention_type == "reply"

    @property
    def shows_excerpt(self) -> bool:
        """Its text is an excerpt of the linking page (shown as "[…] text […]")."""
        return self.is_linkback and not self.is_reply_mention

    @property
    def source_host(self) -> str:
        """The linking page's site as a reader would write it: "blog.example.org"."""
        try:
            host = urlsplit(self.source_url or "").hostname or ""
            host = host.encode("ascii").decode("idna") if "xn--" in host else host
        except (ValueError, UnicodeError):
            return ""
        return host.removeprefix("www.")

    @property
    def source_label(self) -> str:
        """The linking post named as the reference page does: "Post Title | Site Name".

        The site is left out when the title already names it (many blogs put it there), and
        the source's host stands in when the page gave neither.
        """
        title, site = self.source_title.strip(), self.source_site.strip()
        if title and site and site.casefold() not in title.casefold():
            return f"{title} | {site}"
        return title or site or self.source_host

    @property
    def display_name(self) -> str:
        """The name a response is shown under: a person's, or the linking post's label."""
        if not self.is_linkback:
            return self.author_name
        if self.is_reply_mention or self.is_reaction:
            return self.author_name or self.source_label
        return self.source_label

    @property
    def linkback_label(self) -> str:
        """"Pingback", "Trackback", "Mention", "Reply"…: what kind of link it is ("" else)."""
        if self.kind == ResponseKind.WEBMENTION:
            return MENTION_LABELS.get(self.mention_type, "Mention")
        return LINKBACK_LABELS.get(self.kind, "")


listen_for_schema(Response.__table__)
