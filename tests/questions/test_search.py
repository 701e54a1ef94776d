"""Question search on the database in use (SQLite FTS5, or PostgreSQL's GIN index): accents
both ways, phrases, prefixes, nothing found, hostile input, ranking, highlighting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.models import Response, ResponseKind, ResponseStatus
from app.questions import search
from app.questions.search import parse_query, search_questions
from tests.factories import make_article, make_response

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
_minutes = iter(range(10_000))


def ask(title: str, body: str = "", *, article=None, status=ResponseStatus.APPROVED, **fields):
    """A question, each one a minute newer than the one before."""
    return make_response(article, kind=ResponseKind.QUESTION, title=title,
                         body=body or title, status=status,
                         created_at=START + timedelta(minutes=next(_minutes)), **fields)


def found(text: str, **options) -> list[int]:
    return search_questions(text, limit=50, **options).ids


def test_accents_are_folded_both_ways(db):
    accented = ask("Is a carrière change at forty wise?", "I teach and want out.")
    plain = ask("Carriere advice for a nurse", "Twelve years on wards.")
    ask("Unrelated", "Nothing to see.")
    assert set(found("carriere")) == {accented.id, plain.id}
    assert set(found("carrière")) == {accented.id, plain.id}
    assert set(found("CARRIÈRE")) == {accented.id, plain.id}


def test_letters_each_engine_folds_its_own_way(db):
    # SQLite keeps "ø" and "ß", PostgreSQL's unaccent spells them out; the typed word is
    # folded like the index, so the same word finds them on both.
    danish = ask("Søren asks about a second degree")
    german = ask("Working on the Lange Straße site")
    assert found("søren") == [danish.id]
    assert found("straße") == [german.id]


def test_a_bare_word_is_a_prefix(db):
    plural = ask("How do I prepare for interviews?", "Three rounds next week.")
    ask("Salary talks", "How much to ask for.")
    assert found("interview") == [plural.id]
    assert found("interv") == [plural.id]
    assert found("interviewing") == []


def test_a_quoted_phrase_matches_that_sequence(db):
    phrase = ask("Becoming a product manager", "I want to be a product manager after sales.")
    scattered = ask("Manager of a product line", "My product is fine; my manager is not.")
    assert set(found("product manager")) == {phrase.id, scattered.id}
    assert found('"product manager"') == [phrase.id]
    assert found('“product manager”') == [phrase.id]
    # A phrase's words are whole words: "manage" is not "manager".
    assert found('"product manage"') == []


def test_every_word_must_match(db):
    both = ask("Certification or a degree?", "Which helps more for project work?")
    ask("Certification costs", "Is it worth the fee?")
    assert found("certification project") == [both.id]


def test_nothing_found(db):
    ask("Moving from teaching to design", "Any advice?")
    page = search_questions("zebra", limit=20)
    assert page.ids == [] and page.total == 0


@pytest.mark.parametrize("typed", ['"', "AND OR NOT", "*", "NEAR(", "'; drop", "!!! ?? ...",
                                   'title: "unclosed', "a^b OR (c", "-", "\\", "%", "::*",
                                   "' & | ! <-> :*", "NEAR(a b, 2)", "\x00"])
def test_hostile_input_is_never_a_syntax_error(db, client, typed):
    ask("Should I take it and go, or not?", "A title: and a (bracket) -- with 'quotes'.")
    page = search_questions(typed, limit=20)
    assert isinstance(page.ids, list)
    response = client.get("/questions", query_string={"q": typed})
    assert response.status_code == 200


# What each engine may receive: quoted runs of plain tokens, and our own operators only.
_TOKEN = r"""[^"\s'\\:&|!()<>*]+"""
_FTS5 = re.compile(rf'"{_TOKEN}( {_TOKEN})*"\*?( "{_TOKEN}( {_TOKEN})*"\*?)*')
_LEXEME = rf"'{_TOKEN}'(:\*)?"
_TERM = rf"({_LEXEME}|\({_LEXEME}( <-> {_LEXEME})+\))"
_TSQUERY = re.compile(rf"{_TERM}( & {_TERM})*")


def test_every_character_gives_a_well_formed_query(db):
    """Folding can turn a letter into punctuation ("⑴" is "(1)" once decomposed, "ͺ" a
    space): whatever a reader types, each engine gets only well-formed text, and it runs."""
    ask("Is a carrière in data worth it?")
    for start in range(0, 0x10000, 256):
        typed = "".join(chr(c) for c in range(start, start + 256)
                        if not 0xD800 <= c < 0xE000)
        query = parse_query(typed)
        fts5, tsquery = query.fts5(), query.tsquery()
        assert fts5 == "" or _FTS5.fullmatch(fts5), (hex(start), fts5)
        assert tsquery == "" or _TSQUERY.fullmatch(tsquery), (hex(start), tsquery)
        assert search_questions(typed, limit=5).total >= 0
        assert search_questions(typed[::-1] + ' "' + typed, limit=5).total >= 0


def test_operators_typed_are_words_to_find(db):
    target = ask("Should I take the offer and go, or not?")
    ask("A different question entirely")
    assert found("AND OR NOT") == [target.id]
    assert found("NEAR(") == []


@pytest.mark.parametrize("typed", ['"', "*", "!!! ?? ...", "((", "-", "  ", ""])
def test_only_punctuation_finds_nothing_without_a_query(db, count_queries, typed):
    ask("Any question at all?")
    with count_queries() as counter:
        page = search_questions(typed, limit=20)
    assert page.ids == [] and page.query.empty and counter.count == 0


def test_more_matches_rank_higher(db):
    once = ask("Switching fields", "I had one interview last month.")
    often = ask("Interview nerves", "Every interview goes wrong; the last interview was worse.")
    newer = ask("Nothing relevant here", "A single interview story.")
    ranked = found("interview")
    assert ranked[0] == often.id
    assert set(ranked) == {once.id, often.id, newer.id}
    page = search_questions("interview", limit=20)
    assert page.scores[often.id] > page.scores[once.id]


def test_one_query_with_total_and_paging(db, count_queries):
    for n in range(7):
        ask(f"Mentoring question {n}", "Looking for a mentor.")
    db.session.execute(text("SELECT 1"))  # the transaction begun (SQLite counts its BEGIN)
    with count_queries() as counter:
        first = search_questions("mentor", limit=3)
    assert counter.count == 1, counter.statements
    assert first.total == 7 and len(first.ids) == 3
    rest = search_questions("mentor", limit=3, offset=6)
    assert rest.total == 7 and len(rest.ids) == 1
    assert set(first.ids).isdisjoint(rest.ids)


def test_only_questions_are_searched(db):
    article = make_article()
    question = ask("Portfolio review for a junior designer", article=article)
    make_response(article, question, body="Portfolio tips: keep it short.")
    make_response(article, body="A plain comment about portfolio sites.")
    assert found("portfolio") == [question.id]


def test_an_edit_is_searched_at_once(db):
    question = ask("Old words", "nothing special")
    question.title, question.body_source = "Fresh wording", "Negotiation before an offer"
    db.session.commit()
    assert found("negotiation") == [question.id]
    assert found("old") == []


def test_highlights_escape_everything_but_the_marks(db):
    question = ask("<script>alert(1)</script> salary talk",
                   "Negotiating a salary <b>now</b> & later.")
    query = parse_query("salary")
    assert found("salary") == [question.id]
    title = search.highlight(question.title, query)
    assert "<script>" not in title
    assert title == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>salary</mark> talk"
    body = search.excerpt(question.body_source, query)
    assert body == "Negotiating a <mark>salary</mark> &lt;b&gt;now&lt;/b&gt; &amp; later."
    assert search.highlight("<i>x</i>", parse_query("")) == "&lt;i&gt;x&lt;/i&gt;"


def test_highlights_follow_prefixes_accents_and_phrases():
    query = parse_query('interview carriere "product manager"')
    marked = search.highlight("Interviews for a carrière as Product  Manager, not manager", query)
    assert marked == ("<mark>Interviews</mark> for a <mark>carrière</mark> as "
                      "<mark>Product  Manager</mark>, not manager")


def test_the_excerpt_is_cut_around_the_first_match():
    body = " ".join(f"word{n}" for n in range(200)) + " the mentor appears here " + \
        " ".join(f"tail{n}" for n in range(200))
    shown = search.excerpt(body, parse_query("mentor"), length=120)
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "<mark>mentor</mark>" in shown
    assert len(shown.striptags()) < 140
    assert search.excerpt("short text", parse_query("absent")) == "short text"


def test_the_query_parser():
    query = parse_query('Interview "product  manager" interview "" "unclosed phrase')
    assert [(t.words, t.phrase) for t in query.terms] == [
        (("Interview",), False), (("product", "manager"), True), (("unclosed",), False),
        (("phrase",), False)]
    assert query.fts5() == '"interview"* "product manager" "unclosed"* "phrase"*'
    assert query.tsquery() == "'interview':* & ('product' <-> 'manager') & 'unclosed':* & " \
        "'phrase':*"
    assert len(parse_query(" ".join(f"w{n}" for n in range(30))).terms) == search.MAX_TERMS
    assert parse_query("x" * 500).terms[0].words[0] == "x" * search.MAX_QUERY_LENGTH


def test_the_postgresql_query_uses_the_gin_index(db):
    """The search's condition is the index's very expression and predicate: with the table
    analysed and a selective word, PostgreSQL reads the GIN index rather than every row."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    db.session.add_all(Response(kind=ResponseKind.QUESTION, status=ResponseStatus.APPROVED,
                                title=f"Question {n}", body_source=f"Plain words number {n}.",
                                created_at=START) for n in range(300))
    ask("How do I prepare for interviews?")
    db.session.commit()
    db.session.execute(text("ANALYZE responses"))
    match = search.match_for(parse_query("interview"), "postgresql")
    statement = search.search_statement(match, limit=20, offset=0)
    compiled = statement.compile(dialect=db.engine.dialect)
    connection = db.session.connection()
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in connection.exec_driver_sql(
        "EXPLAIN " + str(compiled), compiled.params))
    assert "Bitmap Index Scan on ix_responses_question_search" in plan, plan
    db.session.rollback()
