"""What the journeys seed through the features' services (to keep the browser steps short), and
what they read back: the QR code inside the certificate PDF, and the AGS outbox."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import zxingcpp
from flask import Flask
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from lms_plugin.accounts.models import Membership, User
from lms_plugin.courses.content import get_course
from lms_plugin.db import db

COURSE = "mentor-30h"
SCHOOL = "Szegedi SZC Vasvári Pál Gazdasági és Informatikai Technikum"


def _user(sub: str) -> User:
    user = db.session.scalar(select(User).where(User.sub == sub))
    assert user is not None, f"the user with Moodle id {sub} has not launched the tool"
    return user


def _trainer(context_pk: int) -> User:
    trainer = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.context_pk == context_pk, Membership.role == "trainer")
    )
    assert trainer is not None, "no trainer has launched the course yet"
    return trainer


def _correct_answers(quiz: Any) -> dict[str, Any]:
    """The answers a trainee who read everything gives (the scoring format of courses.quizzes)."""
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        if q.type in ("single", "multiple"):
            answers[q.id] = [o.id for o in q.options if o.correct]
        elif q.type == "truefalse":
            answers[q.id] = q.answer
        else:
            answers[q.id] = {str(i): i for i in range(len(q.pairs))}
    return answers


def complete_remaining_modules(app: Flask, sub: str, *, except_modules: tuple[str, ...]) -> None:
    """Every core module done, as the services record it: lessons completed with their minimum
    active time, a passed attempt, the assignment and the practicum journal graded and released by
    the trainer, and every live session attended (scheduled, signed up, marked present)."""
    from lms_plugin.courses.quizzes import quiz_state, submit_attempt
    from lms_plugin.grading import services as grading
    from lms_plugin.grading.release import release
    from lms_plugin.grading.workflow import Marking, save_grade
    from tests.time_helpers import complete_with_time

    with app.app_context():
        course = get_course(COURSE)
        user = _user(sub)
        context_pk = db.session.scalar(
            select(Membership.context_pk).where(Membership.user_id == user.id)
        )
        assert context_pk is not None
        trainer = _trainer(context_pk)
        for module in course.core_modules:
            if module.id in except_modules:
                continue
            for lesson in module.lessons:  # each with its minimum active time
                complete_with_time(user.id, course, lesson, context_pk)
            _attend_live_sessions(trainer, user.id, course, module, context_pk)
            _pass_journal(trainer, user, course, module, context_pk)
            if module.quiz is not None and not quiz_state(user.id, course, module.quiz).passed:
                submit_attempt(
                    user.id, course, module.quiz, _correct_answers(module.quiz), context_pk
                )
            assignment = module.assignment
            if assignment is None or grading.assignment_state(user.id, assignment.id) == "passed":
                continue
            located = grading.find_assignment(assignment.id)
            draft = grading.open_draft(user, context_pk, located)
            grading.save_text(
                draft, located, "Kész a feladat: a tervet a mellékelt szempontok szerint írtam meg."
            )
            submitted = grading.submit(draft, located, context_pk)
            best = {
                c.id: max(range(len(c.levels)), key=lambda i, c=c: c.levels[i].points)
                for c in assignment.rubric
            }
            grade = save_grade(
                trainer,
                submitted,
                assignment,
                Marking(version=0, levels=best, feedback="Megfelelt.", outcome="pass"),
                mark_ready=True,
            )
            release(trainer, [grade])
        _send_course_evaluation(user.id, course, context_pk)
        db.session.commit()


def _send_course_evaluation(user_id: int, course: Any, context_pk: int) -> None:
    """The exit self-assessment and the anonymous survey (the certificate asks that they are
    sent, not what they say); tests/browser/test_evaluation.py fills the forms in the browser."""
    from lms_plugin.evaluation.models import EXIT
    from lms_plugin.evaluation.services import assessments, submit_self_assessment
    from lms_plugin.evaluation.survey import has_answered, submit_survey

    evaluation = course.evaluation
    if evaluation is None:
        return
    if evaluation.self_assessment and EXIT not in assessments(user_id, course.id):
        top = max(level.value for level in evaluation.self_assessment.scale)
        ratings = {s.id: top for s in evaluation.self_assessment.statements}
        submit_self_assessment(user_id, course, EXIT, ratings)
    if evaluation.survey and not has_answered(user_id, course.id):
        best = max(level.value for level in evaluation.survey.scale)
        answers: dict[str, int | str] = {
            q.id: best for q in evaluation.survey.questions if q.kind == "scale"
        }
        submit_survey(user_id, course, context_pk, answers)


def _attend_live_sessions(
    trainer: Any, user_id: int, course: Any, module: Any, context_pk: int
) -> None:
    """Each live session of the module: a date yesterday, the trainee on it, marked present."""
    from datetime import datetime, timedelta

    from lms_plugin.live import services as live

    for session in module.live_sessions:
        start = (datetime.now(live.LOCAL_TZ) - timedelta(days=1)).replace(
            hour=9, minute=0, second=0, microsecond=0, tzinfo=None
        )
        occurrence = live.schedule(
            trainer,
            context_pk,
            course,
            live.OccurrenceInput(
                module_id=module.id,
                session_id=session.id,
                starts_local=start,
                duration_minutes=int(session.hours * 60),
                place="Pécs",
                online_url="",
                capacity=20,
                note="",
            ),
        )
        live.add_walk_in(trainer, occurrence, user_id)


def _pass_journal(trainer: Any, user: Any, course: Any, module: Any, context_pk: int) -> None:
    """The module's practicum journal: two dated entries, submitted, graded as passed, released."""
    from datetime import date, timedelta

    from lms_plugin.grading.release import release
    from lms_plugin.grading.workflow import Marking, save_grade
    from lms_plugin.journal import services as journal

    if module.journal is None:
        return
    located = journal.find_journal(course, module.id)
    today = date.today()
    for days in (14, 7):
        journal.save_entry(
            user,
            located,
            entry_date=today - timedelta(days=days),
            answers=["A foglalkozás terv szerint zajlott; a segítők aktívan részt vettek."]
            * len(located.journal.entry_prompts),
            title="Foglalkozás a segítőkkel",
            today=today,
        )
    submitted = journal.submit_journal(user, context_pk, located, "hu")
    rubric = located.grading.assignment.rubric
    best = {c.id: max(range(len(c.levels)), key=lambda i, c=c: c.levels[i].points) for c in rubric}
    grade = save_grade(
        trainer,
        submitted,
        located.grading.assignment,
        Marking(version=0, levels=best, feedback="Megfelelt.", outcome="pass"),
        mark_ready=True,
    )
    release(trainer, [grade])


def deliver_scores(app: Flask) -> None:
    """What `flask lti deliver` does, once: scores still waiting go to the platform now."""
    from lms_plugin.lti.ags_delivery import deliver_round

    with app.app_context():
        deliver_round()
        db.session.commit()


def school_with_waiting_helpers(app: Flask, helpers: int = 3) -> str:
    """A programme with one training centre and one school whose peer helpers wait for a mentor."""
    from lms_plugin.coordination.models import PeerHelper, Programme, School, TrainingCentre

    with app.app_context():
        existing = db.session.scalar(select(School).where(School.name == SCHOOL))
        if existing is not None:
            return SCHOOL
        today = date.today()
        from lms_plugin.practice import urls

        programme = Programme(
            name="Kortárs segítő program 2026/27",
            school_year="2026/27",
            year_ends_on=today + timedelta(days=300),
            issuer=urls.issuer(),  # the practice LMS's tenant owns it
        )
        db.session.add(programme)
        db.session.flush()
        centre = TrainingCentre(
            programme_id=programme.id,
            code="SZSZC",
            name="Szegedi Szakképzési Centrum",
            municipality="Szeged",
        )
        db.session.add(centre)
        db.session.flush()
        school = School(
            programme_id=programme.id,
            centre_id=centre.id,
            code="SZSZC-VASVARI",
            name=SCHOOL,
            municipality="Szeged",
            vocational_fields="informatika|gazdálkodás",
            target_helpers=helpers,
        )
        db.session.add(school)
        db.session.flush()
        for number in range(helpers):
            db.session.add(
                PeerHelper(
                    school_id=school.id,
                    display_name=f"SZ-{number + 1:03d}",
                    school_year=10 + number % 3,
                    vocational_field="informatika",
                    language="hu",
                    start_date=today,
                    birth_year=today.year - 16,
                    consent_by="guardian",
                )
            )
        db.session.commit()
        return SCHOOL


def qr_url_in_pdf(data: bytes) -> str:
    """The text of the first QR code in any image of the PDF (pypdf extracts, zxing-cpp reads)."""
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            # A quiet zone around the code helps the reader when the image is cropped tight.
            framed = Image.new("L", (picture.width + 80, picture.height + 80), 255)
            framed.paste(picture, (40, 40))
            for code in zxingcpp.read_barcodes(framed):
                if code.format == zxingcpp.BarcodeFormat.QRCode:
                    return str(code.text)
    raise AssertionError("no QR code found in the certificate PDF")


def spend_lesson_time(app: Flask, sub: str, lesson_ids: list[str], short_by: int = 0) -> None:
    """The trainee spent each lesson's minimum active time (less `short_by` seconds) on it, as the
    page's heartbeats would have recorded it (a journey cannot wait 15 minutes per lesson)."""
    from lms_plugin.courses.time_on_task import min_active_seconds
    from tests.time_helpers import credit_lesson_time

    with app.app_context():
        course = get_course(COURSE)
        user = _user(sub)
        for lesson_id in lesson_ids:
            lesson = course.lesson(lesson_id)
            assert lesson is not None, lesson_id
            needed = min_active_seconds(course, lesson) - short_by
            credit_lesson_time(user.id, course, lesson, needed)
        db.session.commit()
