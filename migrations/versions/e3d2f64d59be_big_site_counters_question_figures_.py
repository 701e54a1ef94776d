"""big site: counters, question figures, queue and questions indexes

The moderation queue's tab counts come from `response_counts` (one row per kind and status)
and the Questions page filters, sorts and counts by each question's `answer_count`,
`last_activity_at` and `has_accepted_answer`: all kept by triggers on `responses`, started here
from the rows. The queue's tabs and the Questions page read their pages off indexes whose last
column is the id that breaks ties.

Plain ALTER TABLE and CREATE INDEX, never batch mode: rebuilding `responses` on SQLite would drop
its triggers (the full-text search's and these).

Revision ID: e3d2f64d59be
Revises: b6cfd29a86d4
Create Date: 2026-12-01 18:27:35.122576

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3d2f64d59be'
down_revision = 'b6cfd29a86d4'
branch_labels = None
depends_on = None

# The same statements as app/models/response.py (migrations do not import the app).
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
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS {name}" for name in (
    "response_counts_insert", "response_counts_update", "response_counts_delete",
    "question_answers_insert", "question_answers_update", "question_answers_delete"))
PG_DROP = (
    *(f"DROP TRIGGER IF EXISTS response_counts_{name} ON responses"
      for name in ("inserted", "deleted", "updated")),
    "DROP TRIGGER IF EXISTS question_answers ON responses",
    *(f"DROP FUNCTION IF EXISTS parley_count_{name}()"
      for name in ("inserted", "deleted", "updated")),
    "DROP FUNCTION IF EXISTS parley_question_answers()",
    "DROP FUNCTION IF EXISTS parley_count_answers(integer)",
    "DROP STATISTICS IF EXISTS st_responses_answers",
    "DROP STATISTICS IF EXISTS st_responses_accepted",
)
NEW_INDEXES = {
    'ix_responses_status_created_at_id': ['status', 'created_at', 'id'],
    'ix_responses_kind_status_created_at_id': ['kind', 'status', 'created_at', 'id'],
    'ix_responses_article_status_created_at_id': ['article_id', 'status', 'created_at', 'id'],
}
# Questions only: a question has a last activity, nothing else has.
QUESTION_INDEXES = {
    'ix_responses_question_activity': ['kind', 'status', 'last_activity_at', 'id'],
    'ix_responses_question_counts': ['status', 'article_id', 'has_accepted_answer',
                                     'answer_count'],
}
QUESTIONS_ONLY = "last_activity_at IS NOT NULL"
OLD_INDEXES = {
    'ix_responses_status_created_at': ['status', 'created_at'],
    'ix_responses_kind_status_created_at': ['kind', 'status', 'created_at'],
}


def upgrade():
    op.create_table('response_counts',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'status', name=op.f('pk_response_counts'))
    )
    # Plain ALTER TABLE, not batch mode (see above).
    op.add_column('responses', sa.Column('answer_count', sa.Integer(), server_default='0',
                                         nullable=False))
    op.add_column('responses', sa.Column('last_activity_at', sa.DateTime(timezone=True),
                                         nullable=True))
    op.add_column('responses', sa.Column('has_accepted_answer', sa.Boolean(),
                                         server_default=sa.false(), nullable=False))
    for name in OLD_INDEXES:
        op.drop_index(name, table_name='responses')
    for name, columns in NEW_INDEXES.items():
        op.create_index(name, 'responses', columns, unique=False)
    for statement in RECOUNT:
        op.execute(statement)
    for name, columns in QUESTION_INDEXES.items():
        op.create_index(name, 'responses', columns, unique=False,
                        sqlite_where=sa.text(QUESTIONS_ONLY),
                        postgresql_where=sa.text(QUESTIONS_ONLY))
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_COUNTER_DDL if dialect == "sqlite" else PG_COUNTER_DDL:
        op.execute(statement)
    if dialect == "postgresql":
        # Statistics for the new columns and statistics objects now, not at autovacuum's next
        # pass. (Not on SQLite: statistics there are never refreshed by themselves, and a
        # small site's would mislead the planner once it has grown.)
        op.execute("ANALYZE responses")


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DROP if dialect == "sqlite" else PG_DROP:
        op.execute(statement)
    for name in (*NEW_INDEXES, *QUESTION_INDEXES):
        op.drop_index(name, table_name='responses')
    for name, columns in OLD_INDEXES.items():
        op.create_index(name, 'responses', columns, unique=False)
    op.drop_column('responses', 'has_accepted_answer')
    op.drop_column('responses', 'last_activity_at')
    op.drop_column('responses', 'answer_count')
    op.drop_table('response_counts')
