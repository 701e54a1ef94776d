"""spam model: its counts and examples, and what it said of each response

Revision ID: p13a_spam
Revises: p12f_writing
Create Date: 2026-12-02 02:07:19.660144

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'p13a_spam'
down_revision = 'p12f_writing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('spam_features',
    sa.Column('feature', sa.String(length=80), nullable=False),
    sa.Column('spam', sa.Integer(), nullable=False),
    sa.Column('ham', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('feature', name=op.f('pk_spam_features'))
    )
    op.create_table('spam_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spam_docs', sa.Integer(), nullable=False),
    sa.Column('ham_docs', sa.Integer(), nullable=False),
    sa.Column('spam_features', sa.Integer(), nullable=False),
    sa.Column('ham_features', sa.Integer(), nullable=False),
    sa.Column('vocabulary', sa.Integer(), nullable=False),
    sa.Column('generation', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spam_totals'))
    )
    op.create_table('spam_examples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_ref', sa.Integer(), nullable=True),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=4), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('outcome', sa.String(length=4), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_spam_examples_response_id_responses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spam_examples')),
    sa.UniqueConstraint('response_ref', name=op.f('uq_spam_examples_response_ref'))
    )
    op.create_index('ix_spam_examples_source_decided_at', 'spam_examples',
                    ['source', 'decided_at'], unique=False)
    # What the model said of each response (nothing, for those that came before it).
    op.add_column('responses', sa.Column('spam_score', sa.Float(), nullable=True))
    op.add_column('responses', sa.Column('spam_outcome', sa.String(length=4), server_default='',
                                         nullable=False))
    op.add_column('responses', sa.Column('spam_clues', sa.String(length=300), server_default='',
                                         nullable=False))


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('spam_clues')
        batch_op.drop_column('spam_outcome')
        batch_op.drop_column('spam_score')

    op.drop_index('ix_spam_examples_source_decided_at', table_name='spam_examples')
    op.drop_table('spam_examples')
    op.drop_table('spam_totals')
    op.drop_table('spam_features')
