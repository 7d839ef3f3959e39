"""lti_services: the AGS score outbox and the line items the tool found or created

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lti_line_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_pk', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.String(length=255), nullable=False),
    sa.Column('tag', sa.String(length=255), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['context_pk'], ['lms_contexts.id'], name=op.f('fk_lti_line_items_context_pk_lms_contexts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_line_items')),
    sa.UniqueConstraint('context_pk', 'resource_id', 'tag', name=op.f('uq_lti_line_items_context_pk_resource_id_tag'))
    )
    op.create_table('lti_score_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('context_pk', sa.Integer(), nullable=False),
    sa.Column('resource_link_pk', sa.Integer(), nullable=True),
    sa.Column('target_key', sa.String(length=600), nullable=False),
    sa.Column('resource_id', sa.String(length=255), nullable=True),
    sa.Column('tag', sa.String(length=255), nullable=True),
    sa.Column('label', sa.String(length=255), nullable=True),
    sa.Column('line_item_maximum', sa.Float(), nullable=True),
    sa.Column('lineitem_url', sa.Text(), nullable=True),
    sa.Column('score_given', sa.Float(), nullable=True),
    sa.Column('score_maximum', sa.Float(), nullable=False),
    sa.Column('activity_progress', sa.String(length=20), nullable=False),
    sa.Column('grading_progress', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_http_status', sa.Integer(), nullable=True),
    sa.Column('next_attempt_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('locked_until', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_timestamp', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['context_pk'], ['lms_contexts.id'], name=op.f('fk_lti_score_deliveries_context_pk_lms_contexts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_link_pk'], ['resource_links.id'], name=op.f('fk_lti_score_deliveries_resource_link_pk_resource_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_score_deliveries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_score_deliveries'))
    )
    with op.batch_alter_table('lti_score_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_score_deliveries_context_pk'), ['context_pk'], unique=False)
        batch_op.create_index('ix_lti_score_deliveries_pair', ['user_id', 'context_pk', 'target_key'], unique=False)
        batch_op.create_index('ix_lti_score_deliveries_status_next', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('lti_score_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_lti_score_deliveries_status_next')
        batch_op.drop_index('ix_lti_score_deliveries_pair')
        batch_op.drop_index(batch_op.f('ix_lti_score_deliveries_context_pk'))

    op.drop_table('lti_score_deliveries')
    op.drop_table('lti_line_items')
