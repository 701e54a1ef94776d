"""readers search articles (full text), archives

Revision ID: p12a_search
Revises: e3d2f64d59be
Create Date: 2026-12-01 22:45:00

"""
from alembic import op

# The same statements as app/models/article.py (migrations do not import the app).
SQLITE_SEARCH = (
    "DROP TABLE IF EXISTS article_search",
    "CREATE VIRTUAL TABLE article_search USING fts5(title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
          INSERT INTO article_search(rowid, title, body)
          VALUES (new.id, new.title, new.body_source);
        END""",
    """CREATE TRIGGER article_search_update AFTER UPDATE OF title, body_source
        ON articles BEGIN
          DELETE FROM article_search WHERE rowid = old.id;
          INSERT INTO article_search(rowid, title, body)
          VALUES (new.id, new.title, new.body_source);
        END""",
    """CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
          DELETE FROM article_search WHERE rowid = old.id;
        END""",
    "INSERT INTO article_search(rowid, title, body) SELECT id, title, body_source FROM articles",
)
PG_SEARCH = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION parley_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    "CREATE INDEX ix_articles_search ON articles USING gin "
    "(to_tsvector('simple', parley_unaccent(coalesce(articles.title, '') || ' ' || "
    "coalesce(articles.body_source, ''))))",
)


# revision identifiers, used by Alembic.
revision = 'p12a_search'
down_revision = 'e3d2f64d59be'
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else \
            PG_SEARCH if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS article_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS article_search")
    elif dialect == "postgresql":
        # The extension and function stay: the questions' search (an earlier revision) uses them.
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
