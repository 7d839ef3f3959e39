"""practice LMS: its resource links, line items and scores

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_resource_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('target', sa.String(length=255), nullable=False),
    sa.Column('custom_json', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('created_via', sa.String(length=16), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_resource_links'))
    )
    with op.batch_alter_table('practice_resource_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_resource_links_context_id'), ['context_id'], unique=False)

    op.create_table('practice_line_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=64), nullable=False),
    sa.Column('resource_link_pk', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('score_maximum', sa.Float(), nullable=False),
    sa.Column('resource_id', sa.String(length=255), nullable=False),
    sa.Column('tag', sa.String(length=255), nullable=False),
    sa.Column('start_date_time', sa.String(length=40), nullable=True),
    sa.Column('end_date_time', sa.String(length=40), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resource_link_pk'], ['practice_resource_links.id'], name=op.f('fk_practice_line_items_resource_link_pk_practice_resource_links'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_line_items'))
    )
    with op.batch_alter_table('practice_line_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_line_items_context_id'), ['context_id'], unique=False)

    op.create_table('practice_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_item_id', sa.Integer(), nullable=False),
    sa.Column('user_sub', sa.String(length=64), nullable=False),
    sa.Column('score_given', sa.Float(), nullable=True),
    sa.Column('score_maximum', sa.Float(), nullable=True),
    sa.Column('activity_progress', sa.String(length=20), nullable=False),
    sa.Column('grading_progress', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('timestamp', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_gradable', sa.Boolean(), nullable=False),
    sa.Column('received_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['line_item_id'], ['practice_line_items.id'], name=op.f('fk_practice_scores_line_item_id_practice_line_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_scores'))
    )
    with op.batch_alter_table('practice_scores', schema=None) as batch_op:
        batch_op.create_index('ix_practice_scores_item_user', ['line_item_id', 'user_sub'], unique=False)


def downgrade():
    with op.batch_alter_table('practice_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_scores_item_user')
    op.drop_table('practice_scores')
    with op.batch_alter_table('practice_line_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_line_items_context_id'))
    op.drop_table('practice_line_items')
    with op.batch_alter_table('practice_resource_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_resource_links_context_id'))
    op.drop_table('practice_resource_links')
