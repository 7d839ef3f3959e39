"""sessions and tenants: session versions, tool administrators, coordinator grants, autosaves

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_tool_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    with op.batch_alter_table("coordination_programmes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuer", sa.String(length=255), nullable=True))

    op.create_table(
        "coordinator_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_coordinator_grants_user_id_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["coordination_programmes.id"],
            name=op.f("fk_coordinator_grants_programme_id_coordination_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["training_centres.id"],
            name=op.f("fk_coordinator_grants_centre_id_training_centres"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["users.id"],
            name=op.f("fk_coordinator_grants_granted_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinator_grants")),
        sa.UniqueConstraint(
            "user_id", "programme_id", "centre_id",
            name=op.f("uq_coordinator_grants_user_id_programme_id_centre_id"),
        ),
    )
    with op.batch_alter_table("coordinator_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coordinator_grants_user_id"), ["user_id"], unique=False)

    op.create_table(
        "autosaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", lms_plugin.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_autosaves_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autosaves")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_autosaves_user_id_key")),
    )


def downgrade():
    op.drop_table("autosaves")
    with op.batch_alter_table("coordinator_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordinator_grants_user_id"))
    op.drop_table("coordinator_grants")
    with op.batch_alter_table("coordination_programmes", schema=None) as batch_op:
        batch_op.drop_column("issuer")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
        batch_op.drop_column("is_tool_admin")
