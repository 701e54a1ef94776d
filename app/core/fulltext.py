"""Full-text search, one engine per database, shared by every searchable thing (questions,
articles): what a reader typed, turned into each database's query, and highlighting.

A `FullTextIndex` names what is searched: a table, its SQLite FTS5 table (ranked by bm25,
columns title and body, rowid the row's id) and its PostgreSQL document expression with the
GIN index's predicate (ranked by ts_rank). `search` runs one query on either database. The
reader's text is never handed to either query language as typed: it is cut into words and
"quoted phrases" here, and only letters and digits reach the engine, inside quotes, with
operators we add ourselves. So `"`, `AND OR NOT`, `*`, `NEAR(` or `'; drop` can only ever be
words to look for (or nothing), never a syntax error.

Each engine folds accents in its own way when it indexes (SQLite's unicode61 tokenizer strips
them from Latin letters only and keeps "ø" or "ß"; PostgreSQL's index goes through `unaccent`,
which also turns "ø" into "o" and Greek "ά" into "α"). So the reader's words are folded the way
the engine in use folded the documents: a word must become the very token the index holds.
Highlighting is done here in Python on plain text, the same on both databases, and escaped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import Integer, and_, column, func, literal_column, select, table, text
from sqlalchemy.sql import bindparam

from app.core.text import TRANSLITERATE
from app.extensions import db

# Bounds on what one search may cost: the text read, the words kept.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
# bm25 weights of the FTS5 columns (title, body): a word in the title counts for more.
TITLE_WEIGHT, BODY_WEIGHT = 2.0, 1.0
EXCERPT_LENGTH = 240

# Combining marks of the BMP (accents, and the vowel signs of Indic scripts): Python's `\w`
# leaves them out, but they belong to the word they sit on.
_MARKS = "".join(chr(c) for c in range(0x300, 0x10000)
                 if unicodedata.category(chr(c)).startswith("M"))
# A word: letters, digits and the marks on them (the underscore separates, as in both engines).
_WORD = re.compile(f"(?:[^\\W_]|[{re.escape(_MARKS)}])+")
# The accents PostgreSQL's unaccent takes off after decomposition (the "combining diacritical
# marks" blocks); other marks (Devanagari vowel signs…) are part of the letter and stay.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


_ALNUM = re.compile(r"[^\W_]")


def words_in(text: str) -> list[str]:
    """The words of a text, as both engines cut them (near enough): runs of letters and
    digits with their marks (a lone mark is no word)."""
    return [w for w in _WORD.findall(text) if _ALNUM.search(w)]


def fold(word: str) -> str:
    """A word as PostgreSQL's index holds it, and as highlighting compares words: lower case,
    no accents, "ø" as "o", "ß" as "ss", ligatures spelt out (what unaccent does)."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.translate(TRANSLITERATE))
    return unicodedata.normalize("NFC", _DIACRITICS.sub("", decomposed)).lower()


def fold_for_sqlite(word: str) -> list[str]:
    """A word as SQLite's unicode61 tokenizer (remove_diacritics 2) indexes it: lower case,
    accents taken off Latin letters only ("carrière" is "carriere", "søren" stays); a mark on
    any other letter separates tokens, as the tokenizer treats it. Usually one token; a word
    the tokenizer would cut in pieces gives them all (they are then searched as a phrase)."""
    if word.isascii():
        return [word.lower()]
    tokens, current, after_latin = [], [], False
    for char in unicodedata.normalize("NFC", word.lower()):
        if unicodedata.category(char).startswith("M"):
            if not after_latin:
                tokens.append("".join(current))
                current = []
            continue
        after_latin = unicodedata.name(char, "").startswith("LATIN")
        if after_latin:
            char = "".join(c for c in unicodedata.normalize("NFD", char)
                           if not unicodedata.category(c).startswith("M"))
        current.append(char)
    tokens.append("".join(current))
    return [t for t in tokens if t]


@dataclass(frozen=True)
class Term:
    """A bare word (found as a prefix: "interview" finds "interviews") or a quoted phrase
    (its words in that order, each whole)."""

    words: tuple[str, ...]
    phrase: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """What the reader asked for, as terms that must all match."""

    terms: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms

    def fts5(self) -> str:
        """The FTS5 MATCH expression: each term a quoted string of plain tokens ("word"* for
        a prefix), joined by spaces (all must match). Tokens hold only letters and digits,
        so nothing the reader typed is read as FTS5 syntax."""
        parts = []
        for term in self.terms:
            # Folding can make what is not a word ("⑴" is "(1)"): cut the result again.
            tokens = [piece for word in term.words for token in fold_for_sqlite(word)
                      for piece in words_in(token)]
            if tokens:
                parts.append(f'"{" ".join(tokens)}"' + ("" if term.phrase else "*"))
        return " ".join(parts)

    def tsquery(self) -> str:
        """The to_tsquery text: quoted lexemes ('word':* for a prefix), a phrase's joined by
        <->, the terms by &. Lexemes hold only letters, digits and their marks."""
        parts = []
        for term in self.terms:
            lexemes = [f"'{piece}'" for word in term.words for piece in words_in(fold(word))]
            if not lexemes:
                continue
            if not term.phrase:
                lexemes[-1] += ":*"
            parts.append(lexemes[0] if len(lexemes) == 1 else
                         "(" + " <-> ".join(lexemes) + ")")
        return " & ".join(parts)


def parse_query(text: str) -> SearchQuery:
    """Read a reader's search text: "quoted phrases" and bare words; everything that is not a
    letter or a digit (operators, brackets, stars, quotes left open) separates words. Repeated
    terms count once; at most MAX_TERMS are kept."""
    text = unicodedata.normalize("NFC", (text or "")[:MAX_QUERY_LENGTH]).translate(_QUOTES)
    parts = text.split('"')
    terms: list[Term] = []
    for index, part in enumerate(parts):
        # Odd parts sit between quotes; the part after a quote left open is plain words.
        quoted = index % 2 == 1 and index < len(parts) - 1
        found = words_in(part)
        if quoted and found:
            terms.append(Term(tuple(found), phrase=True))
        elif not quoted:
            terms.extend(Term((word,)) for word in found)
    seen, unique = set(), []
    for term in terms:
        key = (tuple(fold(w) for w in term.words), term.phrase)
        if key not in seen:
            seen.add(key)
            unique.append(term)
    return SearchQuery(tuple(unique[:MAX_TERMS]))



# --- the query -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FullTextIndex:
    """What one search runs over: `model`'s table, its FTS5 table (SQLite) and its indexed
    document with the index's predicate (PostgreSQL; `pg_predicate` is SQL text, or empty).
    `key` names the query's bound parameters and subquery."""

    key: str
    model: type
    fts_table: str
    pg_document: str
    pg_predicate: str = ""
    conditions: tuple = ()


@dataclass(frozen=True)
class Match:
    """The engine's search over an index's table: a condition, or matches to join (id,
    score), and the score (higher is better)."""

    score: object
    condition: object = None
    matches: object = None


def match_for(query: SearchQuery, dialect: str, index: FullTextIndex) -> Match:
    """The engine's part of a search for `query` over `index` on this database."""
    if dialect == "sqlite":
        fts = table(index.fts_table, column("rowid", Integer))
        target = literal_column(index.fts_table)
        # In a subquery of its own: bm25() must run where the MATCH does, and SQLite refuses
        # it in a query that also computes a window (the page's total).
        matches = (select(fts.c.rowid.label("id"),
                          # bm25 is lower for a better match: turned round, higher is better.
                          (-func.bm25(target, TITLE_WEIGHT, BODY_WEIGHT)).label("score"))
                   .where(target.op("MATCH")(bindparam(f"{index.key}_match", query.fts5())))
                   # An OFFSET keeps SQLite from flattening the subquery: the matches are read
                   # once, whichever way the join runs. Flattened, a database without
                   # statistics (SQLite gathers none by itself) probed the full-text index
                   # once per row of the table: seconds at 20,000 questions.
                   .offset(0)
                   .subquery(f"{index.key}_matches"))
        return Match(score=matches.c.score, matches=matches)
    # Exactly the indexed expression and the index's predicate, so the GIN index is used.
    document = literal_column(index.pg_document)
    tsquery = func.to_tsquery(literal_column("'simple'"),
                              bindparam(f"{index.key}_tsquery", query.tsquery()))
    condition = document.op("@@")(tsquery)
    if index.pg_predicate:
        condition = and_(condition, text(index.pg_predicate))
    return Match(condition=condition, score=func.ts_rank(document, tsquery))


@dataclass
class SearchPage:
    """One page of matching ids, best first (or in the order asked), with each one's score
    and the number of matches in all."""

    query: SearchQuery
    ids: list[int] = field(default_factory=list)
    scores: dict[int, float] = field(default_factory=dict)
    total: int = 0


def search_statement(match: Match, index: FullTextIndex, *, limit: int, offset: int,
                     conditions=(), order_by=()):
    """The one SELECT of a search: ids, scores and the window count of all matches."""
    model = index.model
    score = match.score.label("score")
    statement = select(model.id, score, func.count().over().label("total")).select_from(model)
    if match.matches is not None:
        statement = statement.join(match.matches, match.matches.c.id == model.id)
    if match.condition is not None:
        statement = statement.where(match.condition)
    return (statement
            .where(*index.conditions, *conditions)
            .order_by(*(order_by or (score.desc(),)), model.id.desc())
            .limit(limit).offset(offset))


def search(index: FullTextIndex, text: str, *, limit: int, offset: int = 0, conditions=(),
           order_by=()) -> SearchPage:
    """Find the rows of `index` whose title or text holds every word and phrase of `text`,
    in one query on either database.

    `conditions` are further SQL conditions on the index's model (its table, not aliased: the
    PostgreSQL document names it), such as what readers may see. Results come best match
    first unless `order_by` gives other orderings. The total comes from a window count in the
    same query. A text with no word in it finds nothing, without a query.
    """
    query = parse_query(text)
    dialect = db.session.get_bind().dialect.name
    if query.empty or not (query.fts5() if dialect == "sqlite" else query.tsquery()):
        return SearchPage(query)
    match = match_for(query, dialect, index)
    rows = db.session.execute(search_statement(
        match, index, limit=limit, offset=offset, conditions=conditions,
        order_by=order_by)).all()
    return SearchPage(query, ids=[row.id for row in rows],
                      scores={row.id: float(row.score or 0) for row in rows},
                      total=rows[0].total if rows else 0)


# --- highlighting ----------------------------------------------------------------------------

def _matched_spans(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    """Where the query's terms are in a text: (start, end) of each matched word or phrase."""
    found = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    spans = []
    for term in query.terms:
        wanted = [fold(word) for word in term.words]
        for i in range(len(found) - len(wanted) + 1):
            window = found[i:i + len(wanted)]
            if term.phrase:
                hit = all(w[2] == t for w, t in zip(window, wanted, strict=True))
            else:
                hit = window[0][2].startswith(wanted[0])
            if hit:
                spans.append((window[0][0], window[-1][1]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]]) -> Markup:
    out, at = [], 0
    for start, end in spans:
        out.append(escape(text[at:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def highlight(text: str, query: SearchQuery | None) -> Markup:
    """The text escaped, with the words and phrases the query matched in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    if query is None or query.empty:
        return Markup(escape(text))
    return _marked(text, _matched_spans(text, query))


def excerpt(text: str, query: SearchQuery | None, length: int = EXCERPT_LENGTH) -> Markup:
    """Some `length` characters of a text on one line, around the first match when the query
    matched in it (else its beginning), cut at words, matches in <mark>, the rest escaped."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    spans = _matched_spans(text, query) if query is not None and not query.empty else []
    start = 0
    if spans and spans[0][1] > length * 2 // 3:
        # Some words of context before the match, starting at a word.
        start = max(0, spans[0][0] - length // 3)
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    shown = [(max(s, start) - start, min(e, end) - start)
             for s, e in spans if s < end and e > start]
    body = _marked(text[start:end], shown)
    return Markup("").join([Markup("… ") if start else Markup(""), body,
                            Markup(" …") if end < len(text) else Markup("")])
