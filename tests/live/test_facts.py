"""attended_hours: present or late credit the declared hours once per session, capped per module."""

from __future__ import annotations

from datetime import date, timedelta

from lms_plugin.courses.content import Course
from lms_plugin.db import db, utcnow
from lms_plugin.live.facts import attended_hours
from lms_plugin.live.models import LEGACY_SESSION, LiveMark, LiveOccurrence
from tests.live.conftest import People, make_occurrence


def _mark(people: People, occurrence: LiveOccurrence, status: str, **fields: object) -> None:
    db.session.add(
        LiveMark(
            occurrence_id=occurrence.id,
            user_id=people.anna.id,
            status=status,
            note="",
            marked_by_id=people.trainer.id,
            **fields,
        )
    )
    db.session.commit()


def test_nothing_attended_is_nothing_credited(people: People) -> None:
    assert attended_hours(people.anna.id, "tiny") == {}
    assert attended_hours(people.anna.id, "no-such-course") == {}


def test_present_and_late_credit_the_declared_hours(people: People, live_course: Course) -> None:
    first = make_occurrence(people)
    _mark(people, first, "late")
    assert attended_hours(people.anna.id, "tiny") == {"basics": 0.5}
    role_play = make_occurrence(people, session=("practice", "role-play"))
    _mark(people, role_play, "present")
    assert attended_hours(people.anna.id, "tiny") == {"basics": 0.5, "practice": 0.5}
    assert attended_hours(people.bela.id, "tiny") == {}


def test_excused_and_absent_credit_nothing(people: People) -> None:
    _mark(people, make_occurrence(people), "excused")
    _mark(people, make_occurrence(people), "absent")
    assert attended_hours(people.anna.id, "tiny") == {}


def test_a_session_attended_twice_counts_once(people: People) -> None:
    _mark(people, make_occurrence(people), "present")
    _mark(people, make_occurrence(people, starts_at=utcnow() + timedelta(days=9)), "present")
    assert attended_hours(people.anna.id, "tiny") == {"basics": 0.5}


def test_hours_recorded_before_scheduling_count_up_to_the_module_live_hours(
    people: People,
) -> None:
    legacy = make_occurrence(people)
    legacy.session_id = LEGACY_SESSION
    legacy.is_legacy = True
    db.session.commit()
    _mark(people, legacy, "present", hours=0.25, session_date=date(2025, 3, 1))
    assert attended_hours(people.anna.id, "tiny") == {"basics": 0.25}
    _mark(people, make_occurrence(people), "present")  # the declared session on top: capped
    assert attended_hours(people.anna.id, "tiny") == {"basics": 0.5}


def test_a_session_no_longer_declared_credits_nothing(people: People) -> None:
    gone = make_occurrence(people, session=("basics", "removed-session"))
    _mark(people, gone, "present")
    assert attended_hours(people.anna.id, "tiny") == {}
