"""gradebook columns: one worker at a time finds or creates a course's column

Revision ID: 0026
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

import lms_plugin.db

revision = "0026"
down_revision = "0023"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "lti_column_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=255), nullable=False),
        sa.Column("claimed_until", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["context_pk"],
            ["lms_contexts.id"],
            name=op.f("fk_lti_column_claims_context_pk_lms_contexts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_column_claims")),
        sa.UniqueConstraint(
            "context_pk",
            "resource_id",
            "tag",
            name=op.f("uq_lti_column_claims_context_pk_resource_id_tag"),
        ),
    )


def downgrade():
    op.drop_table("lti_column_claims")
