"""What a question is, as pure functions: its status, its title, its address's slug."""

from __future__ import annotations

import enum
import re

from app.core.text import slugify

MAX_TAGS = 3
TITLE_LENGTH = 200


class QuestionStatus(enum.StrEnum):
    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    ACCEPTED = "accepted"


STATUS_LABELS = {QuestionStatus.UNANSWERED: "Unanswered", QuestionStatus.ANSWERED: "Answered",
                 QuestionStatus.ACCEPTED: "Accepted answer"}

# A sentence ends at . ? ! (or their full-width forms) followed by a space or the end, or at a
# line break. "e.g." and "3.5" do not end one: a space must follow, and the next word must not
# be lower case.
_SENTENCE_END = re.compile(r"(?<=[.?!。？！])(?=\s+[^\sa-z]|\s*$)|\n")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "prof.", "st.")


def _first_sentence(text: str) -> str:
    for end in _SENTENCE_END.finditer(text):
        before = text[:end.start()]
        if not before.lower().endswith(_ABBREVIATIONS):
            return before
    return text


def title_from(text: str) -> str:
    """The first sentence of a text, on one line, cut at a word to fit a title."""
    text = re.sub(r"[ \t]+", " ", (text or "").strip())
    first = " ".join(_first_sentence(text).split())
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first[:TITLE_LENGTH - 1]
    if " " in cut[TITLE_LENGTH // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def title_too_long(title: str) -> str | None:
    """What is wrong with a typed title's length, said for the person who typed it."""
    if len(title) > TITLE_LENGTH:
        return f"Shorten the title to {TITLE_LENGTH} characters or fewer (it has {len(title)})."
    return None


def question_slug(title: str) -> str:
    """The words of a question's address after its id: "/questions/12-should-i-…"."""
    return slugify(title or "", max_length=80) or "question"
