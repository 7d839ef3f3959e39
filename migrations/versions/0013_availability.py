"""availability: a trainer's exception that opens a module early for one trainee

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "availability_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_availability_exceptions_granted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_availability_exceptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_exceptions")),
        sa.UniqueConstraint(
            "user_id",
            "course_id",
            "module_id",
            name=op.f("uq_availability_exceptions_user_id_course_id_module_id"),
        ),
    )
    with op.batch_alter_table("availability_exceptions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_availability_exceptions_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("availability_exceptions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_availability_exceptions_user_id"))
    op.drop_table("availability_exceptions")
