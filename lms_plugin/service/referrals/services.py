"""Safeguarding referrals (a case code, never a name) and each school's designated contacts."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from flask_babel import force_locale, format_date, gettext
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, or_, select

from lms_plugin.coordination.models import School
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.notices import mailer
from lms_plugin.service import choices
from lms_plugin.service.mentor import MentorDesk
from lms_plugin.service.models import Referral, SchoolContact

log = logging.getLogger("lms_plugin.service")

# A referral still "open" (not yet passed on) after this many days is overdue.
OVERDUE_DAYS = {"urgent": 1, "soon": 7, "routine": 30}
_CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 5/S, 8/B look-alikes


def new_code() -> str:
    """A case code such as "R-7KQ4-MX3A": random, so it says nothing about the student."""
    while True:
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(8))
        code = f"R-{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(Referral.id).where(Referral.code == code)) is None:
            return code


@dataclass(frozen=True)
class Notified:
    """What happened to the urgent e-mail: how many contacts got it, and whether any failed."""

    sent: int
    failed: int


def record(
    desk: MentorDesk,
    *,
    school_id: int,
    category: str,
    urgency: str,
    recipient: str,
    opened_on: date,
) -> Referral:
    """Record a referral; it starts "referred" when it went somewhere at once (112 included)."""
    if desk.school(school_id) is None:
        raise DomainError(_("Choose one of your schools."), status_code=422)
    if (
        category not in choices.CATEGORIES
        or urgency not in choices.URGENCIES
        or recipient not in choices.RECIPIENTS
    ):
        raise DomainError(_("Choose from the lists."), status_code=422)
    if opened_on > date.today():
        raise DomainError(_("The date cannot be in the future."), status_code=422)
    referral = Referral(
        code=new_code(),
        mentor_id=desk.profile.id,
        school_id=school_id,
        school_year=choices.school_year_of(opened_on),
        category=category,
        urgency=urgency,
        recipient=recipient,
        status="open",
        opened_on=opened_on,
    )
    db.session.add(referral)
    db.session.flush()
    return referral


def set_status(referral: Referral, status: str, on: date | None = None) -> None:
    """open → referred → closed (a step may be skipped, never undone)."""
    order = list(choices.STATUSES)
    if status not in order or order.index(status) <= order.index(referral.status):
        raise DomainError(_("A referral moves from open to referred to closed."), status_code=422)
    day = on or date.today()
    if status in ("referred", "closed") and referral.referred_on is None:
        referral.referred_on = day
    if status == "closed":
        referral.closed_on = day
    referral.status = status
    db.session.flush()


def mine(desk: MentorDesk) -> list[Referral]:
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.mentor_id == desk.profile.id)
            .order_by(Referral.opened_on.desc(), Referral.id.desc())
        )
    )


def contacts_of(school_id: int) -> list[SchoolContact]:
    return list(
        db.session.scalars(
            select(SchoolContact)
            .where(SchoolContact.school_id == school_id)
            .order_by(SchoolContact.role, SchoolContact.name)
        )
    )


def add_contact(school: School, *, name: str, role: str, email: str, language: str) -> None:
    if role not in choices.CONTACT_ROLES or language not in choices.LANGUAGES:
        raise DomainError(_("Choose from the lists."), status_code=422)
    db.session.add(
        SchoolContact(
            school_id=school.id,
            name=name.strip(),
            role=role,
            email=email.strip(),
            language=language,
        )
    )
    db.session.flush()


def _message(referral: Referral, school: School, contact: SchoolContact) -> mailer.Message:
    with force_locale(contact.language):
        subject = gettext(
            "Urgent safeguarding referral %(code)s at %(school)s",
            code=referral.code,
            school=school.name,
        )
        lines = [
            gettext("Dear %(name)s,", name=contact.name),
            "",
            gettext(
                "A mentor of the peer-helper programme recorded an urgent safeguarding referral "
                "at %(school)s. Please contact the mentor today.",
                school=school.name,
            ),
            "",
            gettext("Case code: %(code)s", code=referral.code),
            gettext("Category: %(c)s", c=str(choices.CATEGORIES[referral.category])),
            gettext("Referred to: %(r)s", r=str(choices.RECIPIENTS[referral.recipient])),
            gettext("Date: %(d)s", d=format_date(referral.opened_on, "long")),
            gettext(
                "Mentor: %(m)s",
                m=referral_mentor_name(referral),
            ),
            "",
            gettext(
                "This e-mail names no student. If a life is in danger, call 112 now. "
                "Children and young people can call the free helpline 116 111."
            ),
        ]
        lines += ["", url_for("main.home", _external=True)]
    return mailer.Message(to_addr=contact.email, subject=subject, body="\n".join(lines))


def referral_mentor_name(referral: Referral) -> str:
    from lms_plugin.coordination.models import MentorProfile

    profile = db.session.get(MentorProfile, referral.mentor_id)
    return (profile.user.name or "") if profile is not None else ""


def notify_urgent(referral: Referral) -> Notified:
    """E-mail the school's contacts at once, each in their language; failures are counted."""
    if referral.urgency != choices.URGENT:
        return Notified(0, 0)
    school = db.session.get(School, referral.school_id)
    assert school is not None
    sent = failed = 0
    for contact in contacts_of(school.id):
        try:
            mailer.send(_message(referral, school, contact))
        except mailer.MailError as exc:
            log.warning("urgent referral %s: %s", referral.id, exc)
            failed += 1
        else:
            sent += 1
    if sent:
        referral.notified_at = utcnow()
        db.session.flush()
    return Notified(sent, failed)


def overdue_clause(today: date) -> object:
    """SQL: the referral is still open past the days its urgency allows."""
    return and_(
        Referral.status == "open",
        or_(
            *(
                and_(Referral.urgency == urgency, Referral.opened_on < today - timedelta(days=days))
                for urgency, days in OVERDUE_DAYS.items()
            )
        ),
    )


@dataclass(frozen=True)
class SchoolReferrals:
    """Counts for one school (the coordinator's view: never a case)."""

    school_id: int
    school: str
    centre: str
    total: int
    open: int
    referred: int
    closed: int
    overdue: int


def per_school(
    schools: Select[int], school_year: str, today: date | None = None
) -> list[SchoolReferrals]:
    """Counts by status and overdue per school in scope for a school year (one query)."""
    from lms_plugin.coordination.models import TrainingCentre

    today = today or date.today()
    overdue = overdue_clause(today)
    rows = db.session.execute(
        select(
            School.id,
            School.name,
            TrainingCentre.name,
            func.count(Referral.id),
            func.sum(case((Referral.status == "open", 1), else_=0)),
            func.sum(case((Referral.status == "referred", 1), else_=0)),
            func.sum(case((Referral.status == "closed", 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),  # type: ignore[arg-type]
        )
        .join(School, School.id == Referral.school_id)
        .join(TrainingCentre, TrainingCentre.id == School.centre_id)
        .where(Referral.school_id.in_(schools), Referral.school_year == school_year)
        .group_by(School.id, School.name, TrainingCentre.name)
        .order_by(TrainingCentre.name, School.name)
    )
    return [
        SchoolReferrals(r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0, r[6] or 0, r[7] or 0)
        for r in rows
    ]
