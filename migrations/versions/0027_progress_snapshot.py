"""progress snapshot: a trainee's whole computed standing kept with the course summary, so the
landing and lesson pages read one row instead of recomputing from a dozen fact queries

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_summaries") as batch_op:
        batch_op.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("snapshot_key", sa.String(length=160), nullable=True))


def downgrade():
    with op.batch_alter_table("course_summaries") as batch_op:
        batch_op.drop_column("snapshot_key")
        batch_op.drop_column("snapshot")
