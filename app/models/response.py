"""Responses to an article: comments, replies, questions and linkbacks in one table."""

from __future__ import annotations

import enum
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import (
    DDL,
    Enum,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    event,
    false,
    inspect,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
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


REASON_LENGTH = 300


class Response(db.Model):
    """One response to an article, whatever its kind; threads through parent and path."""

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_article_status_path", "article_id", "status", "path"),
        # The moderation queue's tabs, newest first (the id breaks ties, so that PostgreSQL
        # reads a page straight off the index too), with and without the kind filter; the
        # second is also the Questions page's "newest".
        Index("ix_responses_status_created_at_id", "status", "created_at", "id"),
        Index("ix_responses_kind_status_created_at_id", "kind", "status", "created_at", "id"),
        # ... and filtered by an article (an article may have thousands of responses).
        Index("ix_responses_article_status_created_at_id", "article_id", "status", "created_at",
              "id"),
        Index("ix_responses_article_wp_comment_id", "article_id", "wp_comment_id"),
        Index("ix_responses_article_source_url", "article_id", "source_url"),
        # A question's answers, for the counters below (and the question page).
        Index("ix_responses_parent_kind_status_created_at", "parent_id", "kind", "status",
              "created_at"),
        # The Questions page's "most active" and its counts (every status filter; those on
        # one hidden article; from the index alone): indexes of questions only (a question
        # has a last activity, nothing else has; the queries say so, which lets both
        # databases use them), so they hold 2 % of the rows and no other query strays onto
        # them (a full-text search among few questions did). The counts' index has no kind:
        # with one, SQLite without statistics took the other for counting.
        Index("ix_responses_question_activity", "kind", "status", "last_activity_at", "id",
              sqlite_where=text("last_activity_at IS NOT NULL"),
              postgresql_where=text("last_activity_at IS NOT NULL")),
        Index("ix_responses_question_counts", "status", "article_id", "has_accepted_answer",
              "answer_count",
              sqlite_where=text("last_activity_at IS NOT NULL"),
              postgresql_where=text("last_activity_at IS NOT NULL")),
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
    moderation_reason: Mapped[str] = mapped_column(String(REASON_LENGTH), default="")
    # What the spam model said when the response arrived (or was last edited): its score,
    # its outcome (a policy.SpamOutcome) and the features that weighed most, in words.
    spam_score: Mapped[float | None] = mapped_column(Float)
    spam_outcome: Mapped[str] = mapped_column(String(4), default="", server_default="")
    spam_clues: Mapped[str] = mapped_column(String(300), default="", server_default="")
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
    # Questions: how many published answers (`questions.services.answer_condition`), when the
    # question last moved (its latest published answer, else its asking), and whether its
    # accepted answer is one of those answers. Kept by the database's own triggers
    # (SQLITE_COUNTER_DDL, PG_COUNTER_DDL below) in the transaction of any change to a
    # question or a reply, whatever code makes it (a moderator's action, an edit, an import,
    # a cascade); 0, None and False on every other response. The Questions page filters,
    # sorts and counts by them instead of working out every question's answers at each
    # request. Read them fresh: a change to an answer changes its question's row behind the
    # session's back.
    answer_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    has_accepted_answer: Mapped[bool] = mapped_column(default=False, server_default=false())
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

    @validates("moderation_reason")
    def _cut_reason(self, _key: str, reason: str) -> str:
        """Every reason fits its column: a longer one (the spam model's clues, a linkback's
        title) is cut, with an ellipsis, wherever it was set."""
        return reason if len(reason) <= REASON_LENGTH else reason[:REASON_LENGTH - 1] + "…"

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
        """The name a response is shown under, everywhere: the person's name as they gave it
        (a linkback's author for replies and reactions), else the linking post's label, and
        "Anonymous" when there is neither. Never empty."""
        name = self.author_name if not self.is_linkback or self.is_reply_mention \
            or self.is_reaction else ""
        if not name.strip() and self.is_linkback:
            name = self.source_label
        return name.strip() or "Anonymous"

    @property
    def linkback_label(self) -> str:
        """"Pingback", "Trackback", "Mention", "Reply"…: what kind of link it is ("" else)."""
        if self.kind == ResponseKind.WEBMENTION:
            return MENTION_LABELS.get(self.mention_type, "Mention")
        return LINKBACK_LABELS.get(self.kind, "")


class ResponseCount(db.Model):
    """How many responses there are of each kind and status: the moderation queue's tab
    counts, which a count over a million rows could not give in time.

    Kept by triggers on `responses` (SQLITE_COUNTER_DDL, PG_COUNTER_DDL below) in the
    transaction of every insert, delete and change of kind or status, whatever makes it. A
    pair with no row counts 0 (rows appear with their first response)."""

    __tablename__ = "response_counts"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    total: Mapped[int] = mapped_column(default=0)


# --- counters kept by the database ---------------------------------------------------------
# Triggers, not ORM events: they see every change (bulk statements, imports, ON DELETE
# CASCADE and SET NULL, a moderator's action) in its own transaction. The migration
# (e3d2f64d59be) runs the same statements. A reply whose parent, kind, status, author or date
# changes, a question whose asker, accepted answer or kind changes: the question is counted
# again from its replies (the parent_id index makes that a few rows). An answer is what
# `questions.services.answer_condition` says: an approved comment replying directly to the
# question, not by the asker (the same member, or, unless both are members, the same address);
# tests/questions/test_answer_figures.py holds the triggers to `services.is_answer`.
# The kind and status are compared as text, so that no index on them can serve the lookup:
# only parent_id's does, whatever the planner's statistics say (PostgreSQL, planning a
# trigger's statement in a bulk load into a table not analysed yet, once chose to read every
# approved comment for each row).
_ANSWER = ("a.parent_id = responses.id AND CAST(a.kind AS TEXT) = 'comment' "
           "AND CAST(a.status AS TEXT) = 'approved' "
           "AND NOT ((a.user_id IS NOT NULL AND responses.user_id IS NOT NULL "
           "AND a.user_id = responses.user_id) OR ((a.user_id IS NULL OR responses.user_id "
           "IS NULL) AND a.author_email <> '' AND a.author_email = responses.author_email))")
_FIGURES = (f"(SELECT count(*) FROM responses AS a WHERE {_ANSWER})",
            f"coalesce((SELECT max(a.created_at) FROM responses AS a WHERE {_ANSWER}), "
            "responses.created_at)",
            f"EXISTS (SELECT 1 FROM responses AS a WHERE a.id = responses.accepted_answer_id "
            f"AND {_ANSWER})")
_FIGURE_COLUMNS = ("answer_count", "last_activity_at", "has_accepted_answer")
_SET_FIGURES = ", ".join(f"{column} = {figure}"
                         for column, figure in zip(_FIGURE_COLUMNS, _FIGURES, strict=True))
# Written only when they change: a row updated again and again in one transaction (deleting a
# flood of spam replies) would otherwise pile up row versions on PostgreSQL.
_COUNT_ANSWERS = (
    f"UPDATE responses SET {_SET_FIGURES}"
    + " WHERE responses.id = {question} AND responses.kind = 'question' AND "
    + "(" + ", ".join(f"responses.{column}" for column in _FIGURE_COLUMNS) + ") {differs} ("
    + ", ".join(_FIGURES) + ")")
# The columns whose change can change a question's figures (its own, or as a reply's).
_ANSWER_COLUMNS = "kind, status, parent_id, user_id, author_email, created_at, accepted_answer_id"
_NOT_A_QUESTION = ("UPDATE responses SET answer_count = 0, last_activity_at = NULL, "
                   "has_accepted_answer = false WHERE id = {response}")
_COUNT_UP = ("INSERT INTO response_counts (kind, status, total) VALUES ({kind}, {status}, 1) "
             "ON CONFLICT (kind, status) DO UPDATE SET total = response_counts.total + 1")
_COUNT_DOWN = ("UPDATE response_counts SET total = total - 1 "
               "WHERE kind = {kind} AND status = {status}")

SQLITE_COUNTER_DDL = (
    f"""CREATE TRIGGER response_counts_insert AFTER INSERT ON responses BEGIN
          {_COUNT_UP.format(kind="new.kind", status="new.status")};
        END""",
    f"""CREATE TRIGGER response_counts_update AFTER UPDATE OF kind, status ON responses
        WHEN old.kind IS NOT new.kind OR old.status IS NOT new.status BEGIN
          {_COUNT_DOWN.format(kind="old.kind", status="old.status")};
          {_COUNT_UP.format(kind="new.kind", status="new.status")};
        END""",
    f"""CREATE TRIGGER response_counts_delete AFTER DELETE ON responses BEGIN
          {_COUNT_DOWN.format(kind="old.kind", status="old.status")};
        END""",
    f"""CREATE TRIGGER question_answers_insert AFTER INSERT ON responses
        WHEN new.parent_id IS NOT NULL OR new.kind = 'question' BEGIN
          {_COUNT_ANSWERS.format(question="new.parent_id", differs="IS NOT")};
          {_COUNT_ANSWERS.format(question="new.id", differs="IS NOT")};
        END""",
    f"""CREATE TRIGGER question_answers_update AFTER UPDATE OF {_ANSWER_COLUMNS} ON responses
        BEGIN
          {_COUNT_ANSWERS.format(question="old.parent_id", differs="IS NOT")};
          {_COUNT_ANSWERS.format(question="new.parent_id", differs="IS NOT")}
            AND new.parent_id IS NOT old.parent_id;
          {_COUNT_ANSWERS.format(question="new.id", differs="IS NOT")};
          {_NOT_A_QUESTION.format(response="new.id")} AND old.kind = 'question'
            AND new.kind <> 'question';
        END""",
    f"""CREATE TRIGGER question_answers_delete AFTER DELETE ON responses
        WHEN old.parent_id IS NOT NULL BEGIN
          {_COUNT_ANSWERS.format(question="old.parent_id", differs="IS NOT")};
        END""",
)
# PostgreSQL: the question figures row by row as on SQLite; the counters once per statement
# (transition tables), one change per counter however many rows the statement touched (a
# counter updated once per row in one transaction — a bulk load, a purge — would pile up
# row versions and slow down quadratically). Counters are taken in (kind, status) order.
_PG_APPLY_MOVES = """
          FOR moved IN SELECT kind, status, sum(delta) AS delta FROM ({moves}) AS moves
                       GROUP BY kind, status HAVING sum(delta) <> 0 ORDER BY kind, status LOOP
            IF moved.delta > 0 THEN
              INSERT INTO response_counts (kind, status, total)
              VALUES (moved.kind, moved.status, moved.delta) ON CONFLICT (kind, status)
              DO UPDATE SET total = response_counts.total + excluded.total;
            ELSE
              UPDATE response_counts SET total = total + moved.delta
              WHERE kind = moved.kind AND status = moved.status;
            END IF;
          END LOOP;"""
_PG_MOVES = {
    "inserted": "SELECT kind::text, status::text, 1 AS delta FROM new_rows",
    "deleted": "SELECT kind::text, status::text, -1 AS delta FROM old_rows",
    "updated": "SELECT o.kind::text, o.status::text, -1 AS delta FROM old_rows AS o "
               "JOIN new_rows AS n ON n.id = o.id "
               "WHERE o.kind <> n.kind OR o.status <> n.status UNION ALL "
               "SELECT n.kind::text, n.status::text, 1 FROM old_rows AS o "
               "JOIN new_rows AS n ON n.id = o.id "
               "WHERE o.kind <> n.kind OR o.status <> n.status",
}
_PG_TRANSITIONS = {"inserted": ("INSERT", "NEW TABLE AS new_rows"),
                   "deleted": ("DELETE", "OLD TABLE AS old_rows"),
                   "updated": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")}
PG_COUNTER_DDL = (
    # PL/pgSQL, not SQL: its plan is kept for the session, where an SQL function's statement
    # is planned again at every call (a millisecond a row in a bulk load).
    "CREATE OR REPLACE FUNCTION parley_count_answers(integer) RETURNS void LANGUAGE plpgsql "
    f"""AS $$ BEGIN {_COUNT_ANSWERS.format(question="$1", differs="IS DISTINCT FROM")}; END $$""",
    f"""CREATE OR REPLACE FUNCTION parley_question_answers() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' AND OLD.parent_id IS NOT NULL THEN
            PERFORM parley_count_answers(OLD.parent_id);
          END IF;
          IF TG_OP <> 'DELETE' THEN
            IF NEW.parent_id IS NOT NULL AND (TG_OP = 'INSERT'
                                              OR NEW.parent_id IS DISTINCT FROM OLD.parent_id) THEN
              PERFORM parley_count_answers(NEW.parent_id);
            END IF;
            IF NEW.kind = 'question' THEN
              PERFORM parley_count_answers(NEW.id);
            ELSIF TG_OP = 'UPDATE' AND OLD.kind = 'question' THEN
              {_NOT_A_QUESTION.format(response="NEW.id")};
            END IF;
          END IF;
          RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS question_answers ON responses",
    f"""CREATE TRIGGER question_answers
        AFTER INSERT OR DELETE OR UPDATE OF {_ANSWER_COLUMNS} ON responses
        FOR EACH ROW EXECUTE FUNCTION parley_question_answers()""",
    *(statement for name, (event, tables) in _PG_TRANSITIONS.items() for statement in (
        f"""CREATE OR REPLACE FUNCTION parley_count_{name}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE moved record;
        BEGIN{_PG_APPLY_MOVES.format(moves=_PG_MOVES[name])}
          RETURN NULL;
        END $$""",
        f"DROP TRIGGER IF EXISTS response_counts_{name} ON responses",
        f"""CREATE TRIGGER response_counts_{name} AFTER {event} ON responses
        REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION parley_count_{name}()"""
    )),
    # The figures go with the kind (only questions have any): without statistics on them
    # together, PostgreSQL takes "answered questions" for a few dozen rows, and sorts them all
    # instead of reading the newest off an index.
    "CREATE STATISTICS IF NOT EXISTS st_responses_answers (mcv) "
    "ON kind, status, answer_count FROM responses",
    "CREATE STATISTICS IF NOT EXISTS st_responses_accepted (mcv) "
    "ON kind, status, has_accepted_answer FROM responses",
)
# Counting everything again from the rows: the migration starts the counters with these, and
# `recount` (for a repair) runs them.
RECOUNT = (
    "DELETE FROM response_counts",
    "INSERT INTO response_counts (kind, status, total) "
    "SELECT kind, status, count(*) FROM responses GROUP BY kind, status",
    f"UPDATE responses SET {_SET_FIGURES} WHERE responses.kind = 'question'",
    _NOT_A_QUESTION.replace("WHERE id = {response}", "WHERE kind <> 'question' AND "
                            "(answer_count <> 0 OR last_activity_at IS NOT NULL "
                            "OR has_accepted_answer)"),
)


def _install_counters(target, connection, **_kw) -> None:
    statements = SQLITE_COUNTER_DDL if connection.dialect.name == "sqlite" else \
        PG_COUNTER_DDL if connection.dialect.name == "postgresql" else ()
    for statement in statements:
        connection.execute(DDL(statement))


def recount(connection) -> None:
    """Count every counter again from the rows (the triggers keep them; this repairs)."""
    for statement in RECOUNT:
        connection.execute(text(statement))


listen_for_schema(Response.__table__)
if not event.contains(Response.__table__, "after_create", _install_counters):
    event.listen(Response.__table__, "after_create", _install_counters)
