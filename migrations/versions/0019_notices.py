"""notices: sent notices (one per person and event), opt-outs, the development mailbox

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

UTC = lms_plugin.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "notices_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=120), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notices_sent_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_sent")),
        sa.UniqueConstraint(
            "kind", "user_id", "event_key", name=op.f("uq_notices_sent_kind_user_id_event_key")
        ),
    )
    with op.batch_alter_table("notices_sent") as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_sent_user_id"), ["user_id"], unique=False)
    op.create_table(
        "notice_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notice_opt_outs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_opt_outs")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notice_opt_outs_user_id_kind")),
    )
    op.create_table(
        "notice_mailbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_addr", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_mailbox")),
    )
    with op.batch_alter_table("notice_mailbox") as batch_op:
        batch_op.create_index("ix_notice_mailbox_created_at", ["created_at"], unique=False)


def downgrade():
    op.drop_table("notice_mailbox")
    op.drop_table("notice_opt_outs")
    with op.batch_alter_table("notices_sent") as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_sent_user_id"))
    op.drop_table("notices_sent")
