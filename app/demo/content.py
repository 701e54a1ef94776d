"""The demo's text as data: read app/demo/content/ and check it before anything is written.

- `people.toml`: the demo's accounts, by key (`[people.<key>]`: email, name, role, and the
  profile fields); `password` is "login" (a random one, shown and written to the login file),
  "random" (nobody knows it) or "none".
- `articles/<slug>.toml`: one article (title, date, tags, author, body in Markdown, optional
  reprint and translations), its discussion (`[[responses]]`, threaded through `reply_to`) and
  the career questions asked under it (`[[questions]]`).
- `questions.toml`: the questions asked on their own, dated from its `asked_from`.

Offsets are minutes: a response's after its article's publication, a question's after its
article's publication (or `asked_from`), an answer's after its question, a reply's after its
answer. A question or an answer's `by` is a person's key or a guest's `{ name, email }`.

Every problem is refused with a `DemoContentError` naming the file and the entry, so a typo in
a data file reads as one clear line rather than a traceback from the middle of the load.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

CONTENT_DIR = Path(__file__).parent / "content"

KINDS = ("comment", "pingback", "trackback")
STATUSES = ("approved", "pending", "spam", "trash")
QUESTION_STATUSES = ("approved", "pending")
ROLES = ("admin", "moderator", "author", "member")
PASSWORDS = ("login", "random", "none")


class DemoContentError(ValueError):
    """A demo data file that can't be loaded; the message names the file and the entry."""


@dataclass(frozen=True)
class Person:
    key: str
    email: str
    name: str
    role: str
    password: str
    job_title: str = ""
    bio: str = ""
    social_handle: str = ""


@dataclass(frozen=True)
class Guest:
    name: str
    email: str


@dataclass(frozen=True)
class DiscussionEntry:
    """A comment, pingback or trackback under an article."""

    key: str
    kind: str
    status: str
    reply_to: str | None
    minutes: int
    text: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    source_title: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class Reply:
    by: str | Guest
    minutes: int
    text: str


@dataclass(frozen=True)
class Answer:
    key: str
    by: str | Guest
    minutes: int
    text: str
    helpful: list[str]
    replies: list[Reply]


@dataclass(frozen=True)
class Question:
    key: str
    status: str
    by: str | Guest
    minutes: int
    title: str
    tags: list[str]
    text: str
    answers: list[Answer]
    accepted: str | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True)
class DemoArticle:
    source: str
    title: str
    date: datetime
    tags: list[str]
    author: str
    body: str
    reprint_note: str = ""
    reprint_url: str = ""
    translations: list[tuple[str, str]] = field(default_factory=list)
    responses: list[DiscussionEntry] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


@dataclass(frozen=True)
class DemoContent:
    people: dict[str, Person]
    articles: list[DemoArticle]  # oldest first
    asked_from: datetime  # the standalone questions' start
    questions: list[Question]  # asked on their own


class _Entry:
    """Reads one table of a file, naming file and entry in every complaint."""

    def __init__(self, source: str, where: str, table) -> None:
        self.source, self.where = source, where
        if not isinstance(table, dict):
            self.fail("should be a table")
        self.table = dict(table)

    def fail(self, problem: str):
        raise DemoContentError(f"{self.source}: {self.where}: {problem}")

    def get(self, name: str, kind: type | tuple[type, ...], default=...):
        if name not in self.table:
            if default is ...:
                self.fail(f"missing `{name}`")
            return default
        value = self.table.pop(name)
        # bool is an int to Python; never accept true for a number of minutes.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(f"`{name}` should be {_kind_name(kind)}, not {value!r}")
        return value

    def text(self, name: str, default=...) -> str:
        value = self.get(name, str, default)
        if default is ... and not value.strip():
            self.fail(f"`{name}` is empty")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default=...) -> str:
        value = self.get(name, str, default)
        if value not in choices:
            self.fail(f"`{name}` should be one of {', '.join(choices)}, not {value!r}")
        return value

    def minutes(self, name: str = "minutes") -> int:
        value = self.get(name, int)
        if value < 0:
            self.fail(f"`{name}` should not be negative")
        return value

    def strings(self, name: str, default=...) -> list[str]:
        values = self.get(name, list, default)
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(f"`{name}` should be a list of words")
        return list(values)

    def tables(self, name: str) -> list:
        return self.get(name, list, [])

    def done(self) -> None:
        if self.table:
            self.fail(f"unknown field `{sorted(self.table)[0]}`")


def _kind_name(kind) -> str:
    names = {str: "text", int: "a whole number", list: "a list", dict: "a table",
             datetime: "a date and time with its offset", bool: "true or false"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise DemoContentError(f"{path.name}: not valid TOML: {error}") from None
    except OSError as error:
        raise DemoContentError(f"{path.name}: can't be read: {error.strerror}") from None


def _date(entry: _Entry, name: str) -> datetime:
    value = entry.get(name, datetime)
    if value.tzinfo is None:
        entry.fail(f"`{name}` needs its offset (write 2025-05-14T08:30:00Z)")
    return value


def _person_or_guest(entry: _Entry) -> str | Guest:
    by = entry.get("by", (str, dict))
    if isinstance(by, str):
        return by
    guest = _Entry(entry.source, f"{entry.where}, by", by)
    found = Guest(name=guest.text("name"), email=guest.text("email"))
    guest.done()
    return found


def read_people(source: str, data: dict) -> dict[str, Person]:
    top = _Entry(source, "file", data)
    people = {}
    for key, table in top.get("people", dict).items():
        entry = _Entry(source, f"person {key!r}", table)
        people[key] = Person(
            key=key, email=entry.text("email"), name=entry.text("name"),
            role=entry.choice("role", ROLES), password=entry.choice("password", PASSWORDS),
            job_title=entry.text("job_title", ""), bio=entry.text("bio", ""),
            social_handle=entry.text("social_handle", ""))
        entry.done()
    top.done()
    emails = [p.email.lower() for p in people.values()]
    for person in people.values():
        if emails.count(person.email.lower()) > 1:
            top.fail(f"person {person.key!r}: email {person.email!r} is used twice")
    return people


def read_discussion(source: str, tables: list) -> list[DiscussionEntry]:
    entries: list[DiscussionEntry] = []
    keys: set[str] = set()
    for number, table in enumerate(tables, 1):
        where = f"response {number}"
        if isinstance(table, dict) and isinstance(table.get("key"), str):
            where = f"response {table['key']!r}"
        entry = _Entry(source, where, table)
        key = entry.text("key")
        if key in keys:
            entry.fail("this key is used twice")
        kind = entry.choice("kind", KINDS)
        reply_to = entry.get("reply_to", str, None)
        if reply_to is not None and reply_to not in keys:
            # Replies come after what they answer, so the threads build in one pass.
            entry.fail(f"`reply_to` names {reply_to!r}, which no response above has as key")
        common = dict(key=key, kind=kind, status=entry.choice("status", STATUSES),
                      reply_to=reply_to, minutes=entry.minutes(), text=entry.text("text"))
        if kind == "comment":
            found = DiscussionEntry(**common, author_name=entry.text("author_name"),
                                    author_email=entry.text("author_email", ""),
                                    author_url=entry.text("author_url", ""))
        else:
            found = DiscussionEntry(**common, source_title=entry.text("source_title"),
                                    source_url=entry.text("source_url"))
        entry.done()
        keys.add(key)
        entries.append(found)
    return entries


def read_questions(source: str, tables: list) -> list[Question]:
    questions = []
    for number, table in enumerate(tables, 1):
        where = f"question {number}"
        if isinstance(table, dict) and isinstance(table.get("key"), str):
            where = f"question {table['key']!r}"
        entry = _Entry(source, where, table)
        key = entry.text("key")
        status = entry.choice("status", QUESTION_STATUSES)
        by = _person_or_guest(entry)
        minutes = entry.minutes()
        title, tags, text = entry.text("title"), entry.strings("tags"), entry.text("text")
        answers = []
        for answer_number, answer_table in enumerate(entry.tables("answers"), 1):
            answer_entry = _Entry(source, f"{where}, answer {answer_number}", answer_table)
            answer_key = answer_entry.text("key")
            answer_entry.where = f"{where}, answer {answer_key!r}"
            answer_by = _person_or_guest(answer_entry)
            answer_minutes, answer_text = answer_entry.minutes(), answer_entry.text("text")
            helpful = answer_entry.strings("helpful", [])
            replies = []
            for reply_number, reply_table in enumerate(answer_entry.tables("replies"), 1):
                reply = _Entry(source, f"{answer_entry.where}, reply {reply_number}",
                               reply_table)
                replies.append(Reply(by=_person_or_guest(reply), minutes=reply.minutes(),
                                     text=reply.text("text")))
                reply.done()
            answer_entry.done()
            answers.append(Answer(key=answer_key, by=answer_by, minutes=answer_minutes,
                                  text=answer_text, helpful=helpful, replies=replies))
        accepted = entry.get("accepted", str, None)
        if accepted is not None and accepted not in [a.key for a in answers]:
            entry.fail(f"`accepted` names {accepted!r}, which is none of its answers")
        duplicate_of = entry.get("duplicate_of", str, None)
        entry.done()
        questions.append(Question(key=key, status=status, by=by, minutes=minutes, title=title,
                                  tags=tags, text=text, answers=answers, accepted=accepted,
                                  duplicate_of=duplicate_of))
    return questions


def read_article(source: str, data: dict) -> DemoArticle:
    top = _Entry(source, "article", data)
    translations = []
    for number, table in enumerate(top.tables("translations"), 1):
        entry = _Entry(source, f"translation {number}", table)
        translations.append((entry.text("language"), entry.text("url")))
        entry.done()
    article = DemoArticle(
        source=source, title=top.text("title"), date=_date(top, "date"),
        tags=top.strings("tags"), author=top.text("author"), body=top.text("body"),
        reprint_note=top.text("reprint_note", ""), reprint_url=top.text("reprint_url", ""),
        translations=translations,
        responses=read_discussion(source, top.tables("responses")),
        questions=read_questions(source, top.tables("questions")))
    top.done()
    return article


def _check_people(content: DemoContent, known_tags: set[str] | None) -> None:
    """Every person named exists; question keys are unique and duplicates point at one."""
    people = content.people
    for role in ("admin", "moderator"):
        if not any(p.role == role and p.password == "login" for p in people.values()):
            raise DemoContentError(f"people.toml: no {role} with password = \"login\"")
    sourced = [(a.source, q) for a in content.articles for q in a.questions]
    sourced += [("questions.toml", q) for q in content.questions]
    for article in content.articles:
        if article.author not in people:
            raise DemoContentError(f"{article.source}: article: `author` names "
                                   f"{article.author!r}, who is not in people.toml")
    keys: dict[str, str] = {}
    for source, question in sourced:
        where = f"{source}: question {question.key!r}"
        named = [("by", question.by)]
        for answer in question.answers:
            if answer.key in keys or answer.key == question.key:
                raise DemoContentError(f"{where}: answer key {answer.key!r} is used twice")
            keys[answer.key] = source
            named += [("answer by", answer.by)] + [("helpful", v) for v in answer.helpful]
            named += [("reply by", reply.by) for reply in answer.replies]
            if isinstance(answer.by, str) and answer.by in answer.helpful:
                raise DemoContentError(f"{where}: answer {answer.key!r} is marked helpful "
                                       "by its own author")
        for label, key in named:
            if isinstance(key, str) and key not in people:
                raise DemoContentError(f"{where}: `{label}` names {key!r}, who is not in "
                                       "people.toml")
        if question.key in keys:
            raise DemoContentError(f"{where}: this key is used twice")
        keys[question.key] = source
        if known_tags is not None:
            for tag in question.tags:
                if tag not in known_tags:
                    raise DemoContentError(f"{where}: tag {tag!r} is not a question tag")
    questions = {q.key for _, q in sourced}
    for source, question in sourced:
        if question.duplicate_of is not None and (question.duplicate_of not in questions or
                                                  question.duplicate_of == question.key):
            raise DemoContentError(f"{source}: question {question.key!r}: `duplicate_of` "
                                   f"names {question.duplicate_of!r}, which is no other "
                                   "question")


def load_content(directory: Path | None = None,
                 known_tags: set[str] | None = None) -> DemoContent:
    """Read and check every demo file (from `CONTENT_DIR` unless told); raise
    DemoContentError on the first problem."""
    directory = directory or CONTENT_DIR
    people = read_people("people.toml", _read(directory / "people.toml"))
    articles = [read_article(f"articles/{path.name}", _read(path))
                for path in sorted((directory / "articles").glob("*.toml"))]
    if not articles:
        raise DemoContentError("articles/: no article files")
    articles.sort(key=lambda article: article.date)
    top = _Entry("questions.toml", "file", _read(directory / "questions.toml"))
    asked_from = _date(top, "asked_from")
    questions = read_questions("questions.toml", top.tables("questions"))
    top.done()
    content = DemoContent(people=people, articles=articles, asked_from=asked_from,
                          questions=questions)
    _check_people(content, known_tags)
    return content
