"""progress: active time, attendance, overrides, audit, summaries

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def _user_fk(table, column='user_id', ondelete='CASCADE'):
    return sa.ForeignKeyConstraint([column], ['users.id'], name=op.f(f'fk_{table}_{column}_users'), ondelete=ondelete)


def upgrade():
    op.create_table(
        'active_times',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        _user_fk('active_times'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_active_times')),
        sa.UniqueConstraint('user_id', 'course_id', 'module_id', name=op.f('uq_active_times_user_id_course_id_module_id')),
    )
    op.create_table(
        'heartbeat_states',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('last_beat_at', UTC, nullable=False),
        _user_fk('heartbeat_states'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_heartbeat_states')),
    )
    op.create_table(
        'attendances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('session_date', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('recorded_at', UTC, nullable=False),
        _user_fk('attendances', 'recorded_by_id', 'SET NULL'),
        _user_fk('attendances'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
        sa.UniqueConstraint('user_id', 'course_id', 'module_id', name=op.f('uq_attendances_user_id_course_id_module_id')),
    )
    with op.batch_alter_table('attendances') as batch_op:
        batch_op.create_index(batch_op.f('ix_attendances_user_id'), ['user_id'], unique=False)
    op.create_table(
        'module_overrides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        _user_fk('module_overrides', 'by_id', 'SET NULL'),
        _user_fk('module_overrides'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_module_overrides')),
        sa.UniqueConstraint('user_id', 'course_id', 'module_id', name=op.f('uq_module_overrides_user_id_course_id_module_id')),
    )
    with op.batch_alter_table('module_overrides') as batch_op:
        batch_op.create_index(batch_op.f('ix_module_overrides_user_id'), ['user_id'], unique=False)
    op.create_table(
        'progress_audits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        _user_fk('progress_audits', 'actor_id', 'SET NULL'),
        _user_fk('progress_audits'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_audits')),
    )
    with op.batch_alter_table('progress_audits') as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_audits_user_id'), ['user_id'], unique=False)
    op.create_table(
        'course_summaries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('hours_credited', sa.Float(), nullable=False),
        sa.Column('active_seconds', sa.Integer(), nullable=False),
        sa.Column('modules_complete', sa.Integer(), nullable=False),
        sa.Column('last_activity_at', UTC, nullable=True),
        sa.Column('published_hours', sa.Float(), nullable=True),
        sa.Column('updated_at', UTC, nullable=False),
        _user_fk('course_summaries'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_summaries')),
        sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_course_summaries_user_id_course_id')),
    )
    op.create_table(
        'module_summaries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('lessons_done', sa.Integer(), nullable=False),
        sa.Column('lessons_total', sa.Integer(), nullable=False),
        sa.Column('quiz_best', sa.Float(), nullable=True),
        sa.Column('quiz_passed', sa.Boolean(), nullable=False),
        sa.Column('assignment_state', sa.String(length=20), nullable=False),
        sa.Column('active_seconds', sa.Integer(), nullable=False),
        sa.Column('hours_credited', sa.Float(), nullable=False),
        sa.Column('is_override', sa.Boolean(), nullable=False),
        sa.Column('published_hours', sa.Float(), nullable=True),
        _user_fk('module_summaries'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_module_summaries')),
        sa.UniqueConstraint('user_id', 'course_id', 'module_id', name=op.f('uq_module_summaries_user_id_course_id_module_id')),
    )
    with op.batch_alter_table('module_summaries') as batch_op:
        batch_op.create_index('ix_module_summaries_course_user', ['course_id', 'user_id'], unique=False)


def downgrade():
    for table in ('module_summaries', 'course_summaries', 'progress_audits', 'module_overrides',
                  'attendances', 'heartbeat_states', 'active_times'):
        op.drop_table(table)
