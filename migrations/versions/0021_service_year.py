"""service year: training sessions, meetings, monthly summaries, referrals, contacts, outcomes

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def _fk(table, column, target, ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _pk(table):
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _index(table, name, columns):
    with op.batch_alter_table(table) as batch_op:
        batch_op.create_index(name, columns, unique=False)


def upgrade():
    t = "service_training_sessions"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("helpers_present", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("details_removed_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk(t, "mentor_id", "mentor_profiles"),
        _fk(t, "school_id", "schools"),
        _pk(t),
    )
    _index(t, "ix_service_training_sessions_mentor_id", ["mentor_id"])
    _index(t, "ix_service_training_sessions_school_year", ["school_id", "school_year"])

    t = "service_session_attendance"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        _fk(t, "session_id", "service_training_sessions"),
        _fk(t, "helper_id", "peer_helpers"),
        _pk(t),
        sa.UniqueConstraint(
            "session_id", "helper_id", name=op.f("uq_service_session_attendance_session_id_helper_id")
        ),
    )
    _index(t, "ix_service_session_attendance_helper_id", ["helper_id"])

    t = "service_meetings"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("themes", sa.String(length=255), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("details_removed_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk(t, "mentor_id", "mentor_profiles"),
        _fk(t, "school_id", "schools"),
        _pk(t),
    )
    _index(t, "ix_service_meetings_mentor_id", ["mentor_id"])
    _index(t, "ix_service_meetings_school_year", ["school_id", "school_year"])

    t = "service_monthly_summaries"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=16), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk(t, "mentor_id", "mentor_profiles"),
        _fk(t, "school_id", "schools"),
        _pk(t),
        sa.UniqueConstraint(
            "mentor_id",
            "school_id",
            "month",
            name=op.f("uq_service_monthly_summaries_mentor_id_school_id_month"),
        ),
    )
    _index(t, "ix_service_monthly_summaries_school_id", ["school_id"])

    t = "service_contact_counts"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("theme", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _fk(t, "summary_id", "service_monthly_summaries"),
        _pk(t),
        sa.UniqueConstraint(
            "summary_id", "kind", "theme", name=op.f("uq_service_contact_counts_summary_id_kind_theme")
        ),
    )

    t = "service_school_contacts"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _fk(t, "school_id", "schools"),
        _pk(t),
    )
    _index(t, "ix_service_school_contacts_school_id", ["school_id"])

    t = "service_referrals"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("urgency", sa.String(length=12), nullable=False),
        sa.Column("recipient", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("notified_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk(t, "mentor_id", "mentor_profiles"),
        _fk(t, "school_id", "schools"),
        _pk(t),
        sa.UniqueConstraint("code", name=op.f("uq_service_referrals_code")),
    )
    _index(t, "ix_service_referrals_mentor_id", ["mentor_id"])
    _index(t, "ix_service_referrals_school_status", ["school_id", "status"])

    t = "service_outcomes"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=16), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.Column("at_risk", sa.Integer(), nullable=False),
        sa.Column("avg_unjustified_absence", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("grade_repetitions", sa.Integer(), nullable=False),
        sa.Column("left_school", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        _fk(t, "school_id", "schools"),
        _fk(t, "entered_by_id", "users", ondelete="SET NULL"),
        _pk(t),
        sa.UniqueConstraint("school_id", "term", name=op.f("uq_service_outcomes_school_id_term")),
    )


def downgrade():
    for table in (
        "service_outcomes",
        "service_referrals",
        "service_school_contacts",
        "service_contact_counts",
        "service_monthly_summaries",
        "service_meetings",
        "service_session_attendance",
        "service_training_sessions",
    ):
        op.drop_table(table)
