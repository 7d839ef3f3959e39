"""grading: submissions per attempt, files, grades with criterion scores, audit, comment bank

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grading_comment_bank',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_grading_comment_bank_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_comment_bank'))
    )
    with op.batch_alter_table('grading_comment_bank', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grading_comment_bank_owner_id'), ['owner_id'], unique=False)
    op.create_table('grading_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('context_pk', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=64), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('assignment_id', sa.String(length=64), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('allocated_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['allocated_to_id'], ['users.id'], name=op.f('fk_grading_submissions_allocated_to_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['context_pk'], ['lms_contexts.id'], name=op.f('fk_grading_submissions_context_pk_lms_contexts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_grading_submissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_submissions')),
    sa.UniqueConstraint('user_id', 'assignment_id', 'attempt', name=op.f('uq_grading_submissions_user_id_assignment_id_attempt'))
    )
    with op.batch_alter_table('grading_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grading_submissions_allocated_to_id'), ['allocated_to_id'], unique=False)
        batch_op.create_index('ix_grading_submissions_context_state', ['context_pk', 'state', 'submitted_at'], unique=False)
    op.create_table('grading_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_grading_audit_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['grading_submissions.id'], name=op.f('fk_grading_audit_submission_id_grading_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_audit'))
    )
    with op.batch_alter_table('grading_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grading_audit_submission_id'), ['submission_id'], unique=False)
    op.create_table('grading_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('marker_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('released_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('release_count', sa.Integer(), nullable=False),
    sa.Column('released_values', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['marker_id'], ['users.id'], name=op.f('fk_grading_grades_marker_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_grading_grades_released_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['grading_submissions.id'], name=op.f('fk_grading_grades_submission_id_grading_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_grades')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_grading_grades_submission_id'))
    )
    op.create_table('grading_submission_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('mimetype', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['grading_submissions.id'], name=op.f('fk_grading_submission_files_submission_id_grading_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_submission_files'))
    )
    with op.batch_alter_table('grading_submission_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grading_submission_files_stored_name'), ['stored_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_grading_submission_files_submission_id'), ['submission_id'], unique=False)
    op.create_table('grading_criterion_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grade_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.String(length=64), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['grade_id'], ['grading_grades.id'], name=op.f('fk_grading_criterion_scores_grade_id_grading_grades'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_criterion_scores')),
    sa.UniqueConstraint('grade_id', 'criterion_id', name=op.f('uq_grading_criterion_scores_grade_id_criterion_id'))
    )


def downgrade():
    op.drop_table('grading_criterion_scores')
    with op.batch_alter_table('grading_submission_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grading_submission_files_submission_id'))
        batch_op.drop_index(batch_op.f('ix_grading_submission_files_stored_name'))
    op.drop_table('grading_submission_files')
    op.drop_table('grading_grades')
    with op.batch_alter_table('grading_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grading_audit_submission_id'))
    op.drop_table('grading_audit')
    with op.batch_alter_table('grading_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_grading_submissions_context_state')
        batch_op.drop_index(batch_op.f('ix_grading_submissions_allocated_to_id'))
    op.drop_table('grading_submissions')
    with op.batch_alter_table('grading_comment_bank', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grading_comment_bank_owner_id'))
    op.drop_table('grading_comment_bank')
