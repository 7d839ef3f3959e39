"""The fixed lists of the service year: topics, formats, themes, kinds, categories, recipients."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

# The eight sessions of the course's helper-training plan (materials/session-plans), plus extra.
TOPICS = {
    "s1": _l("1. Getting to know each other, the peer helper's role, group rules"),
    "s2": _l("2. Active listening I: attention, silence, reflecting"),
    "s3": _l("3. Active listening II: open questions, closing a conversation"),
    "s4": _l("4. Boundaries: confidentiality and its limits"),
    "s5": _l("5. Steps of mental-health first aid, warning signs"),
    "s6": _l("6. Bullying and digital life, the power of bystanders"),
    "s7": _l("7. Sources of help in and around the school"),
    "s8": _l("8. Community building, own wellbeing, closing"),
    "extra": _l("Extra session"),
}
PLAN_SESSIONS = 8

FORMATS = {
    "group": _l("Group supervision"),
    "individual": _l("Individual supervision"),
    "intervision": _l("Case discussion (intervision)"),
    "online": _l("Online meeting"),
}

THEMES = {
    "learning": _l("Learning difficulty"),
    "conflict": _l("Conflict"),
    "bullying": _l("Bullying"),
    "family": _l("Family"),
    "mental": _l("Mental health"),
    "absence": _l("Absence"),
    "other": _l("Other"),
}

# Kinds of contact in the helpers' monthly activity summary (materials/monthly-summary).
KINDS = {
    "talk": _l("One-to-one conversation"),
    "group": _l("Group activity"),
    "info": _l("Information given"),
    "to_mentor": _l("Passed on to the mentor"),
}

CATEGORIES = {
    "abuse": _l("Abuse or neglect"),
    "self_harm": _l("Self-harm or suicide risk"),
    "mental": _l("Other mental-health concern"),
    "bullying": _l("Serious bullying"),
    "substance": _l("Substance use"),
    "other": _l("Other child-protection concern"),
}

URGENCIES = {
    "urgent": _l("Urgent (today)"),
    "soon": _l("Within days"),
    "routine": _l("Routine"),
}
URGENT = "urgent"

RECIPIENTS = {
    "cp_contact": _l("The school's child-protection contact"),
    "psychologist": _l("The school psychologist"),
    "welfare": _l("Family and child welfare service"),
    "emergency": _l("Emergency number 112"),
}

CONTACT_ROLES = {
    "cp_contact": _l("Child-protection contact"),
    "psychologist": _l("School psychologist"),
    "head": _l("Head of school"),
    "other": _l("Other"),
}

STATUSES = {
    "open": _l("Open"),
    "referred": _l("Referred"),
    "closed": _l("Closed"),
}

LANGUAGES = {"hu": "magyar", "en": "English"}


def school_year_of(day: date) -> str:
    """The school year a day belongs to: September to August, written "2026/27"."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def year_bounds(school_year: str) -> tuple[date, date] | None:
    """The first and last day of a school year "2026/27"; None when it is not one."""
    head, _sep, tail = school_year.partition("/")
    if not (head.isascii() and head.isdigit() and len(head) == 4 and tail.isdigit()):
        return None
    start = int(head)
    if f"{start}/{(start + 1) % 100:02d}" != school_year:
        return None
    return date(start, 9, 1), date(start + 1, 8, 31)
