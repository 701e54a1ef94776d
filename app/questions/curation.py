"""What moderators do to questions: find past comments that read like questions, turn a
comment into a question and back, edit a question's title and tags, close it as a duplicate
of another and reopen it, and keep the list of tags.

Imported blogs are full of questions asked as plain comments; nothing marked them. The
"looks like a question" test is one regular expression (`QUESTION_PATTERN`) that Python, SQLite
and PostgreSQL all read the same way, so the queue's filter runs in SQL (one query a page, its
tab counts from the same condition) and agrees with `looks_like_question` by construction:
SQLite's REGEXP is Python's `re.search` (SQLAlchemy's pysqlite dialect registers it) and
PostgreSQL's `~` reads the same subset (`(?i)`, groups, alternation, bracket sets). LIKE could
not: a word boundary and "a question mark that does not start a URL's query" need sets.

Functions change rows and flush; the view commits once. Each change of a question writes an
audit row (`moderation.services.record`). Refusals are `CurationRefused`, a ModerationError
(the queue shows its message) that also says which field it belongs beside.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.comments.services import CommentRefused
from app.core.sanitize import strip_tags
from app.core.text import clean_line, slugify
from app.extensions import db
from app.models import QuestionTag, Response, ResponseKind, ResponseStatus, User
from app.models.question import question_tag_links
from app.moderation.services import A, ModerationError, record
from app.questions.rules import title_from, title_too_long
from app.questions.services import answer_condition
from app.questions.tags import parse_tags

S = ResponseStatus
TAG_NAME_LENGTH = 60  # QuestionTag.name's column


class CurationRefused(ModerationError):
    """A curation change that cannot be made. `errors` maps a form field ("title", "tags",
    "original", "name", or "" for the button itself) to the message shown beside it."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = {"": errors} if isinstance(errors, str) else dict(errors)
        super().__init__(" ".join(self.errors.values()))


# --- does it read like a question? --------------------------------------------------------------

# Phrases that ask something even without a question mark (readers often leave it out: "please
# guide me which course to take."). Lower case, words separated by one space; matched ignoring
# case, as whole words, with any run of spaces or line breaks between the words. Kept to
# phrases that ask for help or a choice: "your advice" or "any thoughts" also end thank-you
# notes and remarks, so they are not here.
QUESTION_PHRASES = (
    "should i", "should we", "shall i",
    "any advice", "any advices", "any suggestion", "any suggestions", "any tips",
    "need advice", "need some advice", "need your advice", "need guidance",
    "please guide", "please help", "please advise", "please advice", "please suggest",
    "kindly guide", "kindly help", "kindly advise", "kindly advice", "kindly suggest",
    "can anyone", "can anybody", "can someone", "could anyone", "could someone",
    "does anyone", "does anybody",
    "how do i", "how can i", "how should i", "where can i", "what should",
    "which is better", "which one is better", "which one should",
    "suggest me", "is it worth", "is it possible", "would you recommend", "do you recommend",
    "i hope someone can answer", "hope someone can help",
)
_SPACES = "[ \t\r\n\u00a0]+"
_WORD_BEFORE = "(?:^|[^a-z0-9_])"
_WORD_AFTER = "(?:$|[^a-z0-9_])"
# A full-width question mark anywhere (CJK text puts no space after it); an ASCII one unless a
# URL's query follows it ("page?id=3", "?q=", "?%20"), so a pasted link is not a question.
_QUESTION_MARK = "？|[?](?:$|[^a-z0-9_=&%/#+])"
QUESTION_PATTERN = ("(?i)(?:" + _QUESTION_MARK + "|" + _WORD_BEFORE + "(?:"
                    + "|".join(p.replace(" ", _SPACES) for p in QUESTION_PHRASES) + ")"
                    + _WORD_AFTER + ")")
_QUESTION = re.compile(QUESTION_PATTERN)


def looks_like_question(text: str) -> bool:
    """Tell whether a text reads like a question: a question mark that ends a sentence, or a
    phrase of `QUESTION_PHRASES`. The same test as the queue's SQL filter."""
    return bool(text) and _QUESTION.search(text) is not None


def replied_by_someone_else(comment=Response):
    """SQL: the comment has an approved direct reply by someone other than its author, which
    is what would be an answer were it a question (`questions.services.answer_condition`:
    another member, or another address; the author's own follow-ups don't count)."""
    reply = aliased(Response)
    return exists().where(answer_condition(reply, comment))


def unanswered_question_like():
    """SQL: the queue's "Looks like a question" rows: published or pending comments that start
    a thread, read like a question and have no approved reply from anyone else."""
    return and_(Response.kind == ResponseKind.COMMENT, Response.parent_id.is_(None),
                Response.status.in_((S.PENDING, S.APPROVED)),
                Response.body_source.regexp_match(QUESTION_PATTERN),
                ~replied_by_someone_else(Response))


# --- comment to question and back ---------------------------------------------------------------

def _title(typed: str) -> str:
    title = clean_line(typed or "").strip()
    if not title:
        raise CurationRefused({"title": "A question needs a title: one line that asks it."})
    if problem := title_too_long(title):
        raise CurationRefused({"title": problem})
    return title


def _tags(values: Iterable[str]) -> list[QuestionTag]:
    try:
        return parse_tags(list(values))
    except CommentRefused as refusal:
        raise CurationRefused(refusal.errors) from None


def _plain_text(source: str) -> str:
    """The words of a stored text without its markup (imported comments keep WordPress's
    HTML), for a title."""
    return html.unescape(strip_tags(source or ""))


def turn_into_question(response: Response, actor: User | None, now: datetime,
                       title: str | None = None, tags: Iterable[str] = ()) -> Response:
    """Make a comment that starts a thread a question; its direct replies become its answers
    (answers are defined as those replies, so nothing else moves). The title is the one given,
    else the comment's first sentence; `tags` are slugs of the moderators' list."""
    what = f"Response #{response.id}"
    if response.is_linkback:
        raise CurationRefused(f"{what} is a {response.kind.value}: only a comment can become a "
                              "question.")
    if response.kind is ResponseKind.QUESTION:
        raise CurationRefused(f"{what} is already a question.")
    if response.parent_id is not None:
        raise CurationRefused(f"{what} is a reply to #{response.parent_id}: only a comment "
                              "that starts a thread can become a question (its replies become "
                              "the answers).")
    if title is not None:
        chosen = _title(title)
    else:
        chosen = title_from(_plain_text(response.body_source))
        if not chosen:
            raise CurationRefused(f"{what} has no text to take a title from: open it and give "
                                  "the question a title.")
    chosen_tags = _tags(tags)
    response.kind = ResponseKind.QUESTION
    response.title = chosen
    response.question_tags = chosen_tags
    response.accepted_answer = None
    response.duplicate_of = None
    record(response, actor, A.TURN_INTO_QUESTION, response.status, now)
    return response


def _reopen_duplicates_of(question: Response, actor: User | None, now: datetime) -> list[int]:
    """Open again the questions closed as duplicates of one that stops being a question."""
    copies = list(db.session.scalars(select(Response).where(
        Response.duplicate_of_id == question.id).order_by(Response.id)))
    for copy in copies:
        copy.duplicate_of = None
        record(copy, actor, A.REOPEN, copy.status, now)
    return [copy.id for copy in copies]


def turn_into_comment(question: Response, actor: User | None, now: datetime) -> list[int]:
    """Make a question a plain comment again; return the ids of the questions that were closed
    as its duplicates, which are open again (they cannot point at a comment).

    Its accepted-answer mark, tags, title and duplicate mark go: a comment has none. Helpful
    votes on its replies are kept: nothing shows or counts them on a comment, and turning it
    back into a question (a moderator's second thought) gives members their marks back instead
    of losing them over a misclick.
    """
    what = f"Response #{question.id}"
    if question.kind is not ResponseKind.QUESTION:
        raise CurationRefused(f"{what} is a {question.kind.value}, not a question.")
    if question.article_id is None:
        raise CurationRefused(f"Question #{question.id} was asked on the Questions page, under "
                              "no article: a comment needs an article. Move it to the trash "
                              "instead if it should go.")
    reopened = _reopen_duplicates_of(question, actor, now)
    question.kind = ResponseKind.COMMENT
    question.title = ""
    question.question_tags = []
    question.accepted_answer = None
    question.duplicate_of = None
    record(question, actor, A.TURN_INTO_COMMENT, question.status, now)
    return reopened


# --- title, tags, duplicates --------------------------------------------------------------------

def _must_be_question(response: Response) -> None:
    if response.kind is not ResponseKind.QUESTION:
        raise CurationRefused(f"Response #{response.id} is a {response.kind.value}, not a "
                              "question.")


def edit_question(question: Response, actor: User | None, now: datetime, *, title: str,
                  tags: Iterable[str]) -> bool:
    """Set a question's title and tags (slugs); refuse both fields' problems at once, changing
    nothing. Return whether anything changed (only a change is audited)."""
    _must_be_question(question)
    errors: dict[str, str] = {}
    chosen, chosen_tags = question.title, list(question.question_tags)
    try:
        chosen = _title(title)
    except CurationRefused as refusal:
        errors.update(refusal.errors)
    try:
        chosen_tags = _tags(tags)
    except CurationRefused as refusal:
        errors.update(refusal.errors)
    if errors:
        raise CurationRefused(errors)
    if chosen == question.title and {t.id for t in chosen_tags} == \
            {t.id for t in question.question_tags}:
        return False
    question.title = chosen
    question.question_tags = chosen_tags
    record(question, actor, A.EDIT_QUESTION, question.status, now)
    return True


_QUESTION_ADDRESS = re.compile(r"(?:^|/)questions/([0-9]{1,9})(?:-[^/]*)?/?$")


def find_question(reference: str, field: str = "original") -> Response:
    """The question a moderator names by its number ("12", "#12") or its address
    ("/questions/12-some-title", with or without the site, query or fragment)."""
    text = (reference or "").strip()
    if not text:
        raise CurationRefused({field: "Enter the original question's number or its address."})
    if found := re.fullmatch(r"#?\s*([0-9]{1,9})", text):
        number = int(found.group(1))
    else:
        try:
            path = urlsplit(text).path
        except ValueError:
            path = ""
        found = _QUESTION_ADDRESS.search(path)
        if found is None:
            raise CurationRefused({field: "That is neither a question's number nor its address "
                                          "(like 12 or /questions/12-its-title)."})
        number = int(found.group(1))
    response = db.session.get(Response, number)
    if response is None:
        raise CurationRefused({field: f"There is no question #{number}."})
    return response


def close_as_duplicate(question: Response, original: Response, actor: User | None,
                       now: datetime) -> list[int]:
    """Close a question as a duplicate of another (no new answers; its page links to the
    original). Duplicates point straight at an original, never along a chain: an original
    that is itself a duplicate is refused (the message names its own original), and the
    questions closed as duplicates of this one move to the new original (their ids are
    returned)."""
    _must_be_question(question)

    def refuse(text: str) -> CurationRefused:
        return CurationRefused({"original": text})

    if original.id == question.id:
        raise refuse("A question cannot duplicate itself: give the number of the question it "
                     "repeats.")
    if original.kind is not ResponseKind.QUESTION:
        raise refuse(f"#{original.id} is a {original.kind.value}, not a question.")
    if original.duplicate_of_id == question.id:
        raise refuse(f"Question #{original.id} is closed as a duplicate of this one: that "
                     f"would make a loop. Reopen #{original.id} first, or keep this one open.")
    if original.duplicate_of_id is not None:
        raise refuse(f"Question #{original.id} is itself a duplicate of "
                     f"#{original.duplicate_of_id}: close this one as a duplicate of "
                     f"#{original.duplicate_of_id}, the original.")
    if original.status is not S.APPROVED:
        raise refuse(f"Question #{original.id} is {original.status.value}, so readers cannot "
                     "open it: approve it first, or choose a published question.")
    if question.duplicate_of_id == original.id:
        raise refuse(f"This question is already closed as a duplicate of #{original.id}.")
    detail = f"of #{original.id}"
    question.duplicate_of = original
    record(question, actor, A.CLOSE_AS_DUPLICATE, question.status, now, detail=detail)
    moved = list(db.session.scalars(select(Response).where(
        Response.duplicate_of_id == question.id).order_by(Response.id)))
    for copy in moved:
        copy.duplicate_of = original
        record(copy, actor, A.CLOSE_AS_DUPLICATE, copy.status, now, detail=detail)
    return [copy.id for copy in moved]


def reopen(question: Response, actor: User | None, now: datetime) -> None:
    """Take the duplicate mark off: the question takes answers again."""
    _must_be_question(question)
    if question.duplicate_of_id is None:
        raise CurationRefused(f"Question #{question.id} is not closed as a duplicate: there is "
                              "nothing to reopen.")
    question.duplicate_of = None
    record(question, actor, A.REOPEN, question.status, now)


# --- the tag list -------------------------------------------------------------------------------

def tags_with_counts() -> list[tuple[QuestionTag, int]]:
    """Every tag of the list, by name, with how many questions carry it (one query)."""
    uses = func.count(question_tag_links.c.response_id)
    return [(tag, n) for tag, n in db.session.execute(
        select(QuestionTag, uses).outerjoin(question_tag_links,
                                            question_tag_links.c.tag_id == QuestionTag.id)
        .group_by(QuestionTag.id).order_by(QuestionTag.name))]


def _tag_name(typed: str, keep: QuestionTag | None = None) -> tuple[str, str]:
    """A tag's name as stored and its slug, or why not: refused beside the "name" field."""
    name = clean_line(typed or "").strip()
    if not name:
        raise CurationRefused({"name": "Enter the tag's name."})
    if len(name) > TAG_NAME_LENGTH:
        raise CurationRefused({"name": f"Shorten the name to {TAG_NAME_LENGTH} characters or "
                                       f"fewer (it has {len(name)})."})
    slug = slugify(name)
    if not slug:
        raise CurationRefused({"name": "A tag's name needs at least one letter or digit (its "
                                       "address is made of them)."})
    same = db.session.scalars(select(QuestionTag).where(
        or_(QuestionTag.slug == slug, func.lower(QuestionTag.name) == name.lower()),
        QuestionTag.id != (keep.id if keep else -1))).first()
    if same is not None:
        raise CurationRefused({"name": f"There is already a tag “{same.name}”."})
    return name, slug


def add_tag(name: str, now: datetime) -> QuestionTag:
    """Add a tag to the list; its slug (its address in /questions?tag=) comes from the name."""
    name, slug = _tag_name(name)
    tag = QuestionTag(name=name, slug=slug, created_at=now)
    db.session.add(tag)
    db.session.flush()
    return tag


def rename_tag(tag: QuestionTag, name: str) -> bool:
    """Rename a tag; its slug follows the name, so /questions?tag= links use the new words.
    Return whether it changed."""
    name, slug = _tag_name(name, keep=tag)
    if (name, slug) == (tag.name, tag.slug):
        return False
    tag.name, tag.slug = name, slug
    db.session.flush()
    return True


def delete_tag(tag: QuestionTag) -> int:
    """Delete a tag, taking it off every question that carried it; return how many did."""
    removed = db.session.execute(
        delete(question_tag_links).where(question_tag_links.c.tag_id == tag.id)).rowcount
    db.session.delete(tag)
    db.session.flush()
    return removed or 0
