"""autosave, trashed articles

Revision ID: p12f_writing
Revises: p12e_people
Create Date: 2026-12-01 22:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'p12f_writing'
down_revision = 'p12e_people'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("articles", sa.Column("trashed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_articles_trashed_at", "articles", ["trashed_at"])


def downgrade():
    op.drop_index("ix_articles_trashed_at", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("trashed_at")
