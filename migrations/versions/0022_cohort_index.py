"""cohort: an index on course_summaries (course_id, user_id) for the trainer's cohort page

Revision ID: 0022
Revises: 0021
"""
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_summaries") as batch_op:
        batch_op.create_index(
            "ix_course_summaries_course_user", ["course_id", "user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("course_summaries") as batch_op:
        batch_op.drop_index("ix_course_summaries_course_user")
