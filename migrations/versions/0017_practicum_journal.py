"""practicum journal: dated entries, lesson reflections and private notes of trainees

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("journal_id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("lesson_id", sa.String(length=64), nullable=True),
        sa.Column("prompt_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_journal_entries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint(
            "user_id",
            "course_id",
            "lesson_id",
            "prompt_id",
            name=op.f("uq_journal_entries_user_id_course_id_lesson_id_prompt_id"),
        ),
    )
    op.create_index(
        "ix_journal_entries_user_course_journal",
        "journal_entries",
        ["user_id", "course_id", "journal_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_journal_entries_user_course_journal", table_name="journal_entries")
    op.drop_table("journal_entries")
