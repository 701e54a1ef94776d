"""moderation screen and dashboard

Revision ID: p12c_moderation
Revises: p12b_discussion
Create Date: 2026-12-01 22:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'p12c_moderation'
down_revision = 'p12b_discussion'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
