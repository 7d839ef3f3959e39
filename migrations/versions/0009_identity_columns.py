"""one person per platform issuer; gradebook locale; what each activity's column is

Users were identified by (registration, sub): two registrations of one Moodle made two users and
progress did not follow. Now (issuer, sub) is the identity, as LTI defines it. Existing
duplicates are merged into the oldest user: every row that points at a duplicate is moved to
the keeper; a row that would clash with one the keeper already has (the same thing done through
both registrations) stays with the duplicate, which is then renamed `<sub>#merged-<keeper id>`,
so nothing accepted is lost.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _user_references(bind) -> list[tuple[str, str]]:
    inspector = sa.inspect(bind)
    refs = []
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk.get("referred_table") == "users" and len(fk["constrained_columns"]) == 1:
                refs.append((table, fk["constrained_columns"][0]))
    return refs


def _merge_duplicates(bind) -> None:
    dups = bind.execute(
        sa.text("SELECT issuer, sub FROM users GROUP BY issuer, sub HAVING COUNT(*) > 1")
    ).all()
    if not dups:
        return
    refs = _user_references(bind)
    for issuer, sub in dups:
        ids = [
            row[0]
            for row in bind.execute(
                sa.text("SELECT id FROM users WHERE issuer = :i AND sub = :s ORDER BY id"),
                {"i": issuer, "s": sub},
            )
        ]
        keeper, others = ids[0], ids[1:]
        for other in others:
            moved_all = all([_move_rows(bind, t, c, other, keeper) for t, c in refs])
            if moved_all:
                bind.execute(sa.text("DELETE FROM users WHERE id = :o"), {"o": other})
            else:
                bind.execute(
                    sa.text("UPDATE users SET sub = :s WHERE id = :o"),
                    {"s": f"{sub}#merged-{keeper}"[:255], "o": other},
                )


def _move_rows(bind, table: str, column: str, other: int, keeper: int) -> bool:
    """Point `table.column` rows from `other` to `keeper`, one by one; False when a row clashed
    with one the keeper already has (it stays with `other`)."""
    pk = _pk(bind, table)
    rows = bind.execute(
        sa.text(f'SELECT {pk} FROM "{table}" WHERE "{column}" = :o'), {"o": other}
    ).all()
    moved_all = True
    for (row_pk,) in rows:
        nested = bind.begin_nested()
        try:
            bind.execute(
                sa.text(f'UPDATE "{table}" SET "{column}" = :k WHERE {pk} = :pk'),
                {"k": keeper, "pk": row_pk},
            )
            nested.commit()
        except sa.exc.IntegrityError:
            nested.rollback()
            moved_all = False
    return moved_all


def _pk(bind, table: str) -> str:
    cols = sa.inspect(bind).get_pk_constraint(table).get("constrained_columns") or []
    if len(cols) == 1:
        return f'"{cols[0]}"'
    return "rowid" if bind.dialect.name == "sqlite" else "ctid"


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("issuer", sa.String(length=255), nullable=True))
    bind.execute(
        sa.text(
            "UPDATE users SET issuer = (SELECT platforms.issuer FROM platforms "
            "WHERE platforms.id = users.platform_id)"
        )
    )
    _merge_duplicates(bind)
    with op.batch_alter_table("users") as batch:
        batch.alter_column("issuer", existing_type=sa.String(length=255), nullable=False)
        batch.drop_constraint("uq_users_platform_id_sub", type_="unique")
        batch.create_unique_constraint("uq_users_issuer_sub", ["issuer", "sub"])
        batch.create_index("ix_users_platform_id", ["platform_id"])
    with op.batch_alter_table("lms_contexts") as batch:
        batch.add_column(sa.Column("gradebook_locale", sa.String(length=16), nullable=True))
    with op.batch_alter_table("resource_links") as batch:
        batch.add_column(sa.Column("lineitem_resource_id", sa.String(length=255), nullable=True))
    with op.batch_alter_table("lti_score_deliveries") as batch:
        batch.add_column(
            sa.Column("may_create", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("lti_score_deliveries") as batch:
        batch.drop_column("may_create")
    with op.batch_alter_table("resource_links") as batch:
        batch.drop_column("lineitem_resource_id")
    with op.batch_alter_table("lms_contexts") as batch:
        batch.drop_column("gradebook_locale")
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_platform_id")
        batch.drop_constraint("uq_users_issuer_sub", type_="unique")
        batch.create_unique_constraint("uq_users_platform_id_sub", ["platform_id", "sub"])
        batch.drop_column("issuer")
