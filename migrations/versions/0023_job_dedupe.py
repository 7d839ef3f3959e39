"""job dedupe: one active job per kind and scope, results without a file, the finish banner

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=191), nullable=True))
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("result_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("announced_at", UTC, nullable=True))
        batch_op.create_unique_constraint(op.f("uq_jobs_dedupe_key"), ["dedupe_key"])


def downgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_jobs_dedupe_key"), type_="unique")
        batch_op.drop_column("announced_at")
        batch_op.drop_column("result_url")
        batch_op.drop_column("result")
        batch_op.drop_column("dedupe_key")
