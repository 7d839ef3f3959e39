"""certification: certificates

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('course_version', sa.String(length=32), nullable=False),
        sa.Column('period_no', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('holder_name', sa.String(length=255), nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('issued_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('valid_from', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('renewal_of_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_reason', sa.Text(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('reminder_sent_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['renewal_of_id'], ['certificates.id'], name=op.f('fk_certificates_renewal_of_id_certificates'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
        sa.UniqueConstraint('user_id', 'course_id', 'period_no', name=op.f('uq_certificates_user_id_course_id_period_no')),
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('ix_certificates_course_expires', ['course_id', 'expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))
        batch_op.drop_index('ix_certificates_course_expires')
    op.drop_table('certificates')
