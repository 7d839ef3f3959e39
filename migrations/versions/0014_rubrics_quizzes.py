"""rubrics and quizzes: revision triggers on grades, per-attempt quiz layouts

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("grading_grades") as batch_op:
        batch_op.add_column(sa.Column("triggers", sa.JSON(), nullable=True))
    op.create_table(
        "quiz_layouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_quiz_layouts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_layouts")),
        sa.UniqueConstraint(
            "user_id",
            "course_id",
            "quiz_id",
            "attempt_no",
            name=op.f("uq_quiz_layouts_user_id_course_id_quiz_id_attempt_no"),
        ),
    )


def downgrade():
    op.drop_table("quiz_layouts")
    with op.batch_alter_table("grading_grades") as batch_op:
        batch_op.drop_column("triggers")
