"""readers search articles (full text), archives

Revision ID: p12a_search
Revises: e3d2f64d59be
Create Date: 2026-12-01 22:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'p12a_search'
down_revision = 'e3d2f64d59be'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
