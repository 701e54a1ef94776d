"""close old discussions, per-article override

Revision ID: p12b_discussion
Revises: p12a_search
Create Date: 2026-12-01 22:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'p12b_discussion'
down_revision = 'p12a_search'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
