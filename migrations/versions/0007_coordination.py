"""coordination: programmes, centres, schools, mentors, placements, peer helpers, links, audit

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coordination_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('school_year', sa.String(length=16), nullable=False),
    sa.Column('year_ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordination_programmes'))
    )
    op.create_table('training_centres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['coordination_programmes.id'], name=op.f('fk_training_centres_programme_id_coordination_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_centres')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_training_centres_programme_id_code'))
    )
    op.create_table('helper_audit_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_helper_audit_logs_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helper_audit_logs'))
    )
    with op.batch_alter_table('helper_audit_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helper_audit_logs_at'), ['at'], unique=False)
        batch_op.create_index('ix_helper_audit_logs_helper_at', ['helper_id', 'at'], unique=False)

    op.create_table('match_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('helpers_considered', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('solve_ms', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_match_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['coordination_programmes.id'], name=op.f('fk_match_runs_programme_id_coordination_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_runs'))
    )
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_runs_programme_id'), ['programme_id'], unique=False)

    op.create_table('schools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=False),
    sa.Column('vocational_fields', sa.Text(), nullable=False),
    sa.Column('target_helpers', sa.Integer(), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['training_centres.id'], name=op.f('fk_schools_centre_id_training_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['coordination_programmes.id'], name=op.f('fk_schools_programme_id_coordination_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schools')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_schools_programme_id_code'))
    )
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.create_index('ix_schools_centre_id', ['centre_id'], unique=False)

    op.create_table('mentor_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('home_school_id', sa.Integer(), nullable=True),
    sa.Column('languages', sa.String(length=64), nullable=False),
    sa.Column('vocational_fields', sa.Text(), nullable=False),
    sa.Column('availability', sa.String(length=255), nullable=False),
    sa.Column('min_helpers', sa.Integer(), nullable=False),
    sa.Column('max_helpers', sa.Integer(), nullable=False),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['home_school_id'], ['schools.id'], name=op.f('fk_mentor_profiles_home_school_id_schools'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentor_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mentor_profiles_user_id'))
    )
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_profiles_home_school_id'), ['home_school_id'], unique=False)

    op.create_table('peer_helpers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=40), nullable=False),
    sa.Column('school_year', sa.SmallInteger(), nullable=False),
    sa.Column('vocational_field', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('birth_year', sa.SmallInteger(), nullable=False),
    sa.Column('consent_by', sa.String(length=10), nullable=False),
    sa.Column('consent_recorded_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('consent_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_recorded_by_id'], ['users.id'], name=op.f('fk_peer_helpers_consent_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_peer_helpers_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_helpers'))
    )
    with op.batch_alter_table('peer_helpers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_helpers_school_id'), ['school_id'], unique=False)

    op.create_table('banned_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_banned_pairs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['helper_id'], ['peer_helpers.id'], name=op.f('fk_banned_pairs_helper_id_peer_helpers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_banned_pairs_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_banned_pairs')),
    sa.UniqueConstraint('helper_id', 'mentor_id', name=op.f('uq_banned_pairs_helper_id_mentor_id'))
    )
    with op.batch_alter_table('banned_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_banned_pairs_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('helper_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_helper_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['helper_id'], ['peer_helpers.id'], name=op.f('fk_helper_links_helper_id_peer_helpers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_helper_links_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['match_runs.id'], name=op.f('fk_helper_links_run_id_match_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helper_links')),
    sa.UniqueConstraint('helper_id', name=op.f('uq_helper_links_helper_id'))
    )
    with op.batch_alter_table('helper_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helper_links_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_helper_links_run_id'), ['run_id'], unique=False)

    op.create_table('match_unmatched',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['helper_id'], ['peer_helpers.id'], name=op.f('fk_match_unmatched_helper_id_peer_helpers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['match_runs.id'], name=op.f('fk_match_unmatched_run_id_match_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_unmatched'))
    )
    with op.batch_alter_table('match_unmatched', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_unmatched_helper_id'), ['helper_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_unmatched_run_id'), ['run_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('placed_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('flagged_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', lms_plugin.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_placements_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_placements_placed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_placements_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements')),
    sa.UniqueConstraint('mentor_id', 'school_id', name=op.f('uq_placements_mentor_id_school_id'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index('ix_placements_school_status', ['school_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_school_status')

    op.drop_table('placements')
    with op.batch_alter_table('match_unmatched', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_unmatched_run_id'))
        batch_op.drop_index(batch_op.f('ix_match_unmatched_helper_id'))

    op.drop_table('match_unmatched')
    with op.batch_alter_table('helper_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helper_links_run_id'))
        batch_op.drop_index(batch_op.f('ix_helper_links_mentor_id'))

    op.drop_table('helper_links')
    with op.batch_alter_table('banned_pairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_banned_pairs_mentor_id'))

    op.drop_table('banned_pairs')
    with op.batch_alter_table('peer_helpers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_helpers_school_id'))

    op.drop_table('peer_helpers')
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_profiles_home_school_id'))

    op.drop_table('mentor_profiles')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_index('ix_schools_centre_id')

    op.drop_table('schools')
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_runs_programme_id'))

    op.drop_table('match_runs')
    with op.batch_alter_table('helper_audit_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_helper_audit_logs_helper_at')
        batch_op.drop_index(batch_op.f('ix_helper_audit_logs_at'))

    op.drop_table('helper_audit_logs')
    op.drop_table('training_centres')
    op.drop_table('coordination_programmes')
