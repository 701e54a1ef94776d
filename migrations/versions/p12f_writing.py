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
    pass


def downgrade():
    pass
