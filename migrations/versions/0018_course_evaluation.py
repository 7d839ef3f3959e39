"""course evaluation: entry/exit self-assessments, survey participation, anonymous survey answers

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "evaluation_self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("submitted_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_evaluation_self_assessments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_self_assessments")),
        sa.UniqueConstraint(
            "user_id",
            "course_id",
            "phase",
            name=op.f("uq_evaluation_self_assessments_user_id_course_id_phase"),
        ),
    )
    op.create_table(
        "evaluation_survey_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["context_pk"],
            ["lms_contexts.id"],
            name=op.f("fk_evaluation_survey_participations_context_pk_lms_contexts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_evaluation_survey_participations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_survey_participations")),
        sa.UniqueConstraint(
            "user_id",
            "course_id",
            name=op.f("uq_evaluation_survey_participations_user_id_course_id"),
        ),
    )
    op.create_table(
        "evaluation_survey_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_pk"],
            ["lms_contexts.id"],
            name=op.f("fk_evaluation_survey_answers_context_pk_lms_contexts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_survey_answers")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_evaluation_survey_answers_group",
        "evaluation_survey_answers",
        ["course_id", "context_pk"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_evaluation_survey_answers_group", table_name="evaluation_survey_answers")
    op.drop_table("evaluation_survey_answers")
    op.drop_table("evaluation_survey_participations")
    op.drop_table("evaluation_self_assessments")
