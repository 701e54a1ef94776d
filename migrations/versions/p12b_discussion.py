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
    # Plain ALTER TABLE (no batch mode): articles has no triggers, but keep to one way.
    op.add_column('articles', sa.Column('keep_open', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))


def downgrade():
    with op.batch_alter_table('articles') as batch_op:
        batch_op.drop_column('keep_open')
