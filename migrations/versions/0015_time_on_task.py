"""time on task: active seconds per lesson, hours by kind in the summaries, old completions kept

Lessons completed before this revision keep their completion: each gets a lesson_active_times row
with is_legacy_completion set, so the credit calculation still counts it and the trainer sees it
flagged ("completed before time on task was recorded") instead of hours silently disappearing.
The attendances table is left alone (revision 0016 moves its rows into live-session marks).

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lesson_active_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("lesson_id", sa.String(length=64), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("is_legacy_completion", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_lesson_active_times_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_active_times")),
        sa.UniqueConstraint(
            "user_id",
            "course_id",
            "lesson_id",
            name=op.f("uq_lesson_active_times_user_id_course_id_lesson_id"),
        ),
    )
    with op.batch_alter_table("lesson_active_times") as batch_op:
        batch_op.create_index(
            "ix_lesson_active_times_course_user", ["course_id", "user_id"], unique=False
        )
    with op.batch_alter_table("course_summaries") as batch_op:
        batch_op.add_column(
            sa.Column("hours_by_kind", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(
            sa.Column("little_time_modules", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("module_summaries") as batch_op:
        batch_op.add_column(
            sa.Column("hours_by_kind", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(
            sa.Column("min_active_seconds", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "is_little_time", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    _keep_old_completions()


def _keep_old_completions():
    """Every lesson completed so far keeps its completion, marked as made before time on task."""
    progress = sa.table(
        "lesson_progress",
        sa.column("user_id", sa.Integer()),
        sa.column("course_id", sa.String()),
        sa.column("module_id", sa.String()),
        sa.column("lesson_id", sa.String()),
        sa.column("completed_at", sa.DateTime()),
    )
    times = sa.table(
        "lesson_active_times",
        sa.column("user_id", sa.Integer()),
        sa.column("course_id", sa.String()),
        sa.column("module_id", sa.String()),
        sa.column("lesson_id", sa.String()),
        sa.column("seconds", sa.Integer()),
        sa.column("is_legacy_completion", sa.Boolean()),
    )
    completed = sa.select(
        progress.c.user_id,
        progress.c.course_id,
        progress.c.module_id,
        progress.c.lesson_id,
        sa.literal(0, sa.Integer()),
        sa.true(),
    ).where(progress.c.completed_at.is_not(None))
    op.execute(
        times.insert().from_select(
            [
                "user_id",
                "course_id",
                "module_id",
                "lesson_id",
                "seconds",
                "is_legacy_completion",
            ],
            completed,
        )
    )


def downgrade():
    with op.batch_alter_table("module_summaries") as batch_op:
        batch_op.drop_column("is_little_time")
        batch_op.drop_column("min_active_seconds")
        batch_op.drop_column("hours_by_kind")
    with op.batch_alter_table("course_summaries") as batch_op:
        batch_op.drop_column("little_time_modules")
        batch_op.drop_column("hours_by_kind")
    with op.batch_alter_table("lesson_active_times") as batch_op:
        batch_op.drop_index("ix_lesson_active_times_course_user")
    op.drop_table("lesson_active_times")
