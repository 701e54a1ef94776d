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
    # A nullable column: added in place, no batch rebuild of users.
    op.add_column('users', sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('import_jobs', sa.Column('author_map', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_jobs') as batch_op:
        batch_op.drop_column('author_map')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('disabled_at')
