"""The list of question tags moderators keep, and reading a question's tags from a form."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from app.comments.services import CommentRefused
from app.core.text import slugify
from app.extensions import db
from app.models import QuestionTag, Response, ResponseKind
from app.models.question import DEFAULT_QUESTION_TAGS, question_tag_links
from app.models.types import utcnow
from app.questions.rules import MAX_TAGS


def seed_default_tags() -> None:
    """Add the tags a new site starts with, where missing (the migration does it too)."""
    have = set(db.session.scalars(select(QuestionTag.slug)))
    for name in DEFAULT_QUESTION_TAGS:
        if slugify(name) not in have:
            db.session.add(QuestionTag(name=name, slug=slugify(name), created_at=utcnow()))
    db.session.flush()


def load_question_tags(responses: list[Response]) -> None:
    """Give the questions among loaded responses their tags, in one query, and none at all
    when there is no question among them."""
    questions = {r.id: r for r in responses if r.kind is ResponseKind.QUESTION}
    if not questions:
        return
    found: dict[int, list[QuestionTag]] = {qid: [] for qid in questions}
    rows = db.session.execute(
        select(question_tag_links.c.response_id, QuestionTag)
        .join(QuestionTag, QuestionTag.id == question_tag_links.c.tag_id)
        .where(question_tag_links.c.response_id.in_(list(questions)))
        .order_by(QuestionTag.name))
    for response_id, tag in rows:
        found[response_id].append(tag)
    for qid, question in questions.items():
        set_committed_value(question, "question_tags", found[qid])


def all_tags() -> list[QuestionTag]:
    return list(db.session.scalars(select(QuestionTag).order_by(QuestionTag.name)))


def parse_tags(values: list[str], field: str = "tags") -> list[QuestionTag]:
    """The tags a form chose (their slugs), refused with a message beside the field for more
    than three or for one that is not on the moderators' list. Order and repeats don't count."""
    wanted = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if len(wanted) > MAX_TAGS:
        raise CommentRefused({field: f"Choose at most {MAX_TAGS} tags; you chose {len(wanted)}."})
    if not wanted:
        return []
    found = {t.slug: t for t in db.session.scalars(
        select(QuestionTag).where(QuestionTag.slug.in_(wanted)))}
    unknown = [v for v in wanted if v not in found]
    if unknown:
        names = "”, “".join(unknown[:3])
        verb = "is not a tag" if len(unknown) == 1 else "are not tags"
        raise CommentRefused({field: f"“{names}” {verb} of this site: choose from the list."})
    return sorted(found.values(), key=lambda t: t.name)
