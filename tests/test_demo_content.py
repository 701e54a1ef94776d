"""The demo's data files and their loader (issue 12): a bad file is refused, naming the file
and the entry, before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo import load_demo
from app.demo.content import CONTENT_DIR, DemoContentError, load_content
from app.models import Article, User
from app.models.question import DEFAULT_QUESTION_TAGS

ARTICLE = "articles/product-management-is-not-project-management.toml"


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the shipped demo content, for a test to break."""
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    return tmp_path / "content"


def edit(content: Path, name: str, old: str, new: str) -> None:
    path = content / name
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def refused(content: Path) -> str:
    with pytest.raises(DemoContentError) as error:
        load_content(content, known_tags=set(DEFAULT_QUESTION_TAGS))
    return str(error.value)


def test_the_shipped_content_loads_in_date_order():
    loaded = load_content(known_tags=set(DEFAULT_QUESTION_TAGS))
    assert [a.date for a in loaded.articles] == sorted(a.date for a in loaded.articles)
    first = loaded.articles[0]
    assert first.title == "Product management is not project management"
    assert first.date.utcoffset().total_seconds() == 0
    assert len(first.responses) == 81 and len(first.translations) == 3
    assert {r.kind for r in first.responses} == {"comment", "pingback", "trackback"}
    assert sum(len(a.questions) for a in loaded.articles) == 8 and len(loaded.questions) == 2
    # Long paragraphs are wrapped in the files with TOML's line-ending backslash: one line here.
    assert first.responses[0].text.startswith("The Friday-afternoon test is the best part of "
                                              "this. Mine is definitely the customer one: I "
                                              "once spent")
    assert "\\" not in first.responses[0].text


def test_invalid_toml_names_the_file(content):
    edit(content, "questions.toml", 'asked_from = ', 'asked_from = = ')
    assert refused(content).startswith("questions.toml: not valid TOML")


def test_a_missing_field_names_the_file_and_the_entry(content):
    edit(content, ARTICLE, 'key = "c7"\nkind = "comment"\n', 'key = "c7"\n')
    assert refused(content) == f"{ARTICLE}: response 'c7': missing `kind`"


def test_a_reply_to_an_unknown_key_is_refused(content):
    edit(content, ARTICLE, 'reply_to = "c7"\n', 'reply_to = "c700"\n')
    assert refused(content) == (f"{ARTICLE}: response 'c8': `reply_to` names 'c700', which no "
                                "response above has as key")


def test_a_reply_placed_before_what_it_answers_is_refused(content):
    edit(content, ARTICLE, 'key = "c1"\nkind = "comment"\nstatus = "approved"\n',
         'key = "c1"\nkind = "comment"\nstatus = "approved"\nreply_to = "c2"\n')
    assert "response 'c1': `reply_to` names 'c2'" in refused(content)


def test_wrong_types_values_and_unknown_fields_are_refused(content):
    broken = content.parent / "broken"
    cases = [
        ('key = "c2"\nkind = "comment"\nstatus = "approved"\nminutes = 52\n',
         'key = "c2"\nkind = "comment"\nstatus = "approved"\nminutes = "52"\n',
         "response 'c2': `minutes` should be a whole number, not '52'"),
        ('key = "c2"\nkind = "comment"\nstatus = "approved"\n',
         'key = "c2"\nkind = "comment"\nstatus = "maybe"\n',
         "response 'c2': `status` should be one of approved, pending, spam, trash, "
         "not 'maybe'"),
        ('key = "c2"\nkind = "comment"\n', 'key = "c2"\nkind = "comment"\nmood = "calm"\n',
         "response 'c2': unknown field `mood`"),
        ('key = "c3"\n', 'key = "c2"\n', "response 'c2': this key is used twice"),
        ('date = 2025-05-14T08:30:00Z', 'date = 2025-05-14T08:30:00',
         "article: `date` needs its offset"),
    ]
    for old, new, message in cases:
        shutil.rmtree(broken, ignore_errors=True)
        shutil.copytree(content, broken)
        edit(broken, ARTICLE, old, new)
        assert refused(broken).startswith(f"{ARTICLE}: {message}"), message


def test_questions_name_known_people_answers_and_questions(content):
    broken = content.parent / "broken"
    cases = [
        ('accepted = "release-a1"', 'accepted = "release-a9"',
         "question 'release': `accepted` names 'release-a9', which is none of its answers"),
        ('helpful = ["marcus", "grace", "yusuf"]', 'helpful = ["marcus", "gracie", "yusuf"]',
         "question 'release': `helpful` names 'gracie', who is not in people.toml"),
        ('helpful = ["marcus", "grace", "yusuf"]', 'helpful = ["hannah"]',
         "question 'release': answer 'release-a1' is marked helpful by its own author"),
        ('tags = ["certification"]', 'tags = ["astrology"]',
         "question 'certificate': tag 'astrology' is not a question tag"),
    ]
    for old, new, message in cases:
        shutil.rmtree(broken, ignore_errors=True)
        shutil.copytree(content, broken)
        edit(broken, ARTICLE, old, new)
        assert refused(broken) == f"{ARTICLE}: {message}", message
    name = "articles/what-i-ask-in-a-product-manager-interview.toml"
    edit(content, name, 'duplicate_of = "portfolio"', 'duplicate_of = "portfolios"')
    assert refused(content) == (f"{name}: question 'side-projects': `duplicate_of` names "
                                "'portfolios', which is no other question")


def test_people_must_include_the_logins_and_every_author(content):
    edit(content, "people.toml", 'role = "moderator"\npassword = "login"',
         'role = "moderator"\npassword = "none"')
    assert refused(content) == 'people.toml: no moderator with password = "login"'
    edit(content, "people.toml", 'role = "moderator"\npassword = "none"',
         'role = "moderator"\npassword = "login"')
    edit(content, "people.toml", "[people.maya]", "[people.maia]")
    assert refused(content) == (f"{ARTICLE}: article: `author` names 'maya', who is not in "
                                "people.toml")


def test_a_bad_file_writes_nothing(content, db):
    edit(content, ARTICLE, 'reply_to = "c7"\n', 'reply_to = "nobody"\n')
    with pytest.raises(DemoContentError, match="response 'c8'"):
        load_demo(content)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_the_demo_loads_from_another_directory(content, db):
    edit(content, ARTICLE, 'title = "Product management is not project management"',
         'title = "Product work is not project work"')
    result = load_demo(content)
    assert result.articles == 4 and result.responses == 105
    assert "Product work is not project work" in set(db.session.scalars(select(Article.title)))
