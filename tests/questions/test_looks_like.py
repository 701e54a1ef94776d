"""Issue 10: does a comment read like a question? The pure test, and the SQL filter that must
say the same on SQLite and PostgreSQL (one pattern for Python's re and PostgreSQL's `~`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Response
from app.questions.curation import QUESTION_PATTERN, QUESTION_PHRASES, looks_like_question
from tests.factories import make_article, make_response

QUESTIONS = [
    "Is a project-management course worth the money for a nurse?",
    "Two offers on the table, which one is better for a first job…?",
    "I asked myself?",
    "Will the exam be harder next year ? I hope not.",
    "Really?!",
    "(Or is that only for engineers?)",
    "<p>Should a chemist learn Python first?</p>",
    "転職するべきでしょうか？",
    "I want to move from teaching to UX. Should I take the bootcamp or a degree.",
    "SHOULD I quit before the bonus is paid",
    "any advice for a forty-year-old starting over",
    "Please guide me, I have six years in retail and no degree",
    "please   help\nme choose between the two",
    "Can anyone tell me how long the certification takes",
    "Could someone explain the difference between the two roles",
    "how do i get my first interview without experience",
    "What should a junior tester learn next",
    "Which is better: a master's or two more years of work",
    "Kindly suggest me a good course for data analysis",
    "Is it worth doing an MBA at 35.",
    "I hope someone can answer my request soon, it is urgent.",
    "Does anybody know if the exam is online",
]

NOT_QUESTIONS = [
    "",
    "Great article!",
    "Thank you, this helped me a lot.",
    "More on this at https://example.org/search?query=careers&page=2 for anyone curious.",
    "See http://example.com/?p=123",
    "https://example.com/page?%20x",
    "I should invest more time in my portfolio.",
    "We shouldn't idle.",  # "should" without "i"
    "The shoulder injury kept me off work for weeks.",
    "Every advisor said the same.",  # "advice" is not "advisor", no "any"
    "Shall it rain, we stay in.",
    "Thanks for your advice, it worked.",
    "I can't help but agree.",
    "Theseshould idea",  # "should i" glued to the words around it
    "A plan for the how-to section",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_reads_like_a_question(text):
    assert looks_like_question(text)


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_does_not_read_like_a_question(text):
    assert not looks_like_question(text)


def test_every_phrase_counts_alone_and_as_a_whole_word():
    for phrase in QUESTION_PHRASES:
        assert looks_like_question(f"Well, {phrase.upper()} now.")
        assert looks_like_question(phrase.replace(" ", " \n  "))
        assert not looks_like_question(f"x{phrase.replace(' ', '')}y"), phrase
        assert not looks_like_question(f"{phrase}ing stuff"), phrase  # glued to a longer word


def test_the_database_reads_the_pattern_as_python_does(db):
    """The queue filters in SQL: on this database (SQLite's REGEXP is Python's re; on
    PostgreSQL `~`), every example must come out as `looks_like_question` says."""
    article = make_article()
    made = {make_response(article, body=text).id: text
            for text in QUESTIONS + NOT_QUESTIONS}
    matched = set(db.session.scalars(select(Response.id).where(
        Response.body_source.regexp_match(QUESTION_PATTERN))))
    assert matched == {i for i, text in made.items() if looks_like_question(text)}
    assert len(matched) == len(QUESTIONS)
