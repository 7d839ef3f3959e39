"""platform trust: pending self-registrations, what a platform claimed when it registered

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import lms_plugin.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("platforms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("activated_at", lms_plugin.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("product", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("registration_url", sa.Text(), nullable=True))
    # Every registration made so far was active at some point: none of them is "pending".
    op.execute("UPDATE platforms SET activated_at = created_at")
    with op.batch_alter_table("platforms", schema=None) as batch_op:
        batch_op.alter_column("product", server_default=None)


def downgrade():
    with op.batch_alter_table("platforms", schema=None) as batch_op:
        batch_op.drop_column("registration_url")
        batch_op.drop_column("product")
        batch_op.drop_column("activated_at")
