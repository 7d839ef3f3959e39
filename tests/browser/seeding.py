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
    """Every core module's lessons, workshop, knowledge check and assignment done, as the services
    record them: lessons completed, attendance recorded, a passed attempt, a submission graded and
    released by the trainer."""
    from lms_plugin.courses.quizzes import quiz_state, submit_attempt
    from lms_plugin.courses.services import complete_lesson
    from lms_plugin.grading import services as grading
    from lms_plugin.grading.release import release
    from lms_plugin.grading.workflow import Marking, save_grade
    from lms_plugin.progress.services import record_attendance

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
            for lesson in module.lessons:
                complete_lesson(user.id, course, lesson, context_pk)
            if module.face_to_face_hours:
                record_attendance(
                    trainer,
                    user.id,
                    course,
                    module.id,
                    float(module.face_to_face_hours),
                    date.today(),
                    "Részt vett a személyes foglalkozáson.",
                )
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
        db.session.commit()


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
