"""live sessions: scheduled occurrences, sign-ups, attendance marks and their audit

The workshop hours trainers typed in before sessions could be scheduled (the `attendances` table)
move into marks: per Moodle course and module one occurrence "recorded before scheduling"
(session id `recorded-before-scheduling`, is_legacy), and per old row a `present` mark that keeps
the original hours, date, note and trainer, with an audit row saying it was migrated. Nobody loses
credited hours. The `attendances` table itself is left in place.

Revision ID: 0016
Revises: 0015
"""
from collections import defaultdict
from datetime import UTC, datetime, time

from alembic import op
import sqlalchemy as sa

import lms_plugin.db

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTCDT = lms_plugin.db.UTCDateTime(timezone=True)
LEGACY_SESSION = "recorded-before-scheduling"


def _user_fk(table, column="user_id", ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def _occurrence_fk(table):
    return sa.ForeignKeyConstraint(
        ["occurrence_id"],
        ["live_occurrences.id"],
        name=op.f(f"fk_{table}_occurrence_id_live_occurrences"),
        ondelete="CASCADE",
    )


def upgrade():
    op.create_table(
        "live_occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", UTCDT, nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("is_cancelled", sa.Boolean(), nullable=False),
        sa.Column("is_legacy", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDT, nullable=False),
        sa.Column("updated_at", UTCDT, nullable=False),
        sa.ForeignKeyConstraint(
            ["context_pk"],
            ["lms_contexts.id"],
            name=op.f("fk_live_occurrences_context_pk_lms_contexts"),
            ondelete="CASCADE",
        ),
        _user_fk("live_occurrences", "created_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_occurrences")),
    )
    with op.batch_alter_table("live_occurrences") as batch_op:
        batch_op.create_index(
            "ix_live_occurrences_course_starts", ["course_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_live_occurrences_context_starts", ["context_pk", "starts_at"], unique=False
        )
    op.create_table(
        "live_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDT, nullable=False),
        _occurrence_fk("live_signups"),
        _user_fk("live_signups"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_signups")),
        sa.UniqueConstraint(
            "occurrence_id", "user_id", name=op.f("uq_live_signups_occurrence_id_user_id")
        ),
    )
    with op.batch_alter_table("live_signups") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_signups_occurrence_id"), ["occurrence_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_signups_user_id"), ["user_id"], unique=False)
    op.create_table(
        "live_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("session_date", sa.Date(), nullable=True),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", UTCDT, nullable=False),
        _occurrence_fk("live_marks"),
        _user_fk("live_marks"),
        _user_fk("live_marks", "marked_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_marks")),
        sa.UniqueConstraint(
            "occurrence_id", "user_id", name=op.f("uq_live_marks_occurrence_id_user_id")
        ),
    )
    with op.batch_alter_table("live_marks") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_marks_occurrence_id"), ["occurrence_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_marks_user_id"), ["user_id"], unique=False)
    op.create_table(
        "live_mark_audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDT, nullable=False),
        _occurrence_fk("live_mark_audits"),
        _user_fk("live_mark_audits"),
        _user_fk("live_mark_audits", "actor_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_mark_audits")),
    )
    with op.batch_alter_table("live_mark_audits") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_mark_audits_occurrence_id"), ["occurrence_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_live_mark_audits_user_id"), ["user_id"], unique=False
        )
    _move_old_attendance()


def _move_old_attendance():
    """Each attendances row becomes a present mark on its module's "before scheduling" date."""
    bind = op.get_bind()
    old = sa.table(
        "attendances",
        sa.column("user_id", sa.Integer()),
        sa.column("course_id", sa.String()),
        sa.column("module_id", sa.String()),
        sa.column("hours", sa.Float()),
        sa.column("session_date", sa.Date()),
        sa.column("recorded_by_id", sa.Integer()),
        sa.column("reason", sa.Text()),
        sa.column("recorded_at", UTCDT),
    )
    enrolments = sa.table(
        "enrolments",
        sa.column("user_id", sa.Integer()),
        sa.column("course_id", sa.String()),
        sa.column("context_pk", sa.Integer()),
    )
    rows = bind.execute(
        sa.select(old, enrolments.c.context_pk)
        .select_from(
            old.outerjoin(
                enrolments,
                sa.and_(
                    enrolments.c.user_id == old.c.user_id,
                    enrolments.c.course_id == old.c.course_id,
                ),
            )
        )
        .order_by(old.c.course_id, old.c.module_id, old.c.user_id)
    ).all()
    if not rows:
        return
    groups = defaultdict(list)
    for row in rows:
        groups[(row.context_pk, row.course_id, row.module_id)].append(row)
    occurrences = sa.table(
        "live_occurrences",
        sa.column("id", sa.Integer()),
        sa.column("context_pk", sa.Integer()),
        sa.column("course_id", sa.String()),
        sa.column("module_id", sa.String()),
        sa.column("session_id", sa.String()),
        sa.column("starts_at", UTCDT),
        sa.column("duration_minutes", sa.Integer()),
        sa.column("place", sa.String()),
        sa.column("online_url", sa.String()),
        sa.column("capacity", sa.Integer()),
        sa.column("note", sa.Text()),
        sa.column("is_cancelled", sa.Boolean()),
        sa.column("is_legacy", sa.Boolean()),
        sa.column("created_by_id", sa.Integer()),
        sa.column("created_at", UTCDT),
        sa.column("updated_at", UTCDT),
    )
    marks = sa.table(
        "live_marks",
        sa.column("occurrence_id", sa.Integer()),
        sa.column("user_id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("note", sa.Text()),
        sa.column("hours", sa.Float()),
        sa.column("session_date", sa.Date()),
        sa.column("marked_by_id", sa.Integer()),
        sa.column("marked_at", UTCDT),
    )
    audits = sa.table(
        "live_mark_audits",
        sa.column("occurrence_id", sa.Integer()),
        sa.column("user_id", sa.Integer()),
        sa.column("actor_id", sa.Integer()),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
        sa.column("created_at", UTCDT),
    )
    now = datetime.now(UTC)
    for (context_pk, course_id, module_id), members in groups.items():
        first = min(row.session_date for row in members)
        longest = max(float(row.hours) for row in members)
        occurrence_id = bind.execute(
            occurrences.insert()
            .values(
                context_pk=context_pk,
                course_id=course_id,
                module_id=module_id,
                session_id=LEGACY_SESSION,
                starts_at=datetime.combine(first, time(0, 0), tzinfo=UTC),
                duration_minutes=max(1, round(longest * 60)),
                place="",
                online_url="",
                capacity=len(members),
                note="",
                is_cancelled=False,
                is_legacy=True,
                created_by_id=None,
                created_at=now,
                updated_at=now,
            )
            .returning(occurrences.c.id)
        ).scalar_one()
        for row in members:
            recorded_at = row.recorded_at or now
            bind.execute(
                marks.insert().values(
                    occurrence_id=occurrence_id,
                    user_id=row.user_id,
                    status="present",
                    note=row.reason or "",
                    hours=float(row.hours),
                    session_date=row.session_date,
                    marked_by_id=row.recorded_by_id,
                    marked_at=recorded_at,
                )
            )
            bind.execute(
                audits.insert().values(
                    occurrence_id=occurrence_id,
                    user_id=row.user_id,
                    actor_id=row.recorded_by_id,
                    before={},
                    after={
                        "status": "present",
                        "hours": float(row.hours),
                        "session_date": row.session_date.isoformat(),
                        "note": row.reason or "",
                        "migrated_from": "attendances",
                    },
                    created_at=recorded_at,
                )
            )


def downgrade():
    op.drop_table("live_mark_audits")
    op.drop_table("live_marks")
    op.drop_table("live_signups")
    with op.batch_alter_table("live_occurrences") as batch_op:
        batch_op.drop_index("ix_live_occurrences_context_starts")
        batch_op.drop_index("ix_live_occurrences_course_starts")
    op.drop_table("live_occurrences")
