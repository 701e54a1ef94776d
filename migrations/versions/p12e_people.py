"""users admin, import author mapping

Revision ID: p12e_people
Revises: p12c_moderation
Create Date: 2026-12-01 22:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'p12e_people'
down_revision = 'p12c_moderation'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
