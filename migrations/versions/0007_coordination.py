"""coordination

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
