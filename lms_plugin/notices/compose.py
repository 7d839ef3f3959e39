"""A notice as a message in the recipient's language: subject, body, unsubscribe link."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_babel import force_locale, format_date, format_datetime, gettext, ngettext
from itsdangerous import BadSignature, URLSafeSerializer

from lms_plugin.accounts.models import User
from lms_plugin.errors import NotFound
from lms_plugin.notices.due import Due
from lms_plugin.notices.kinds import (
    CERT_EXPIRING,
    DIGEST,
    FEEDBACK,
    JOB_FINISHED,
    LIVE_SESSION,
    STALLED,
)
from lms_plugin.notices.mailer import Message

SALT = "notices-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return str(_serializer().dumps([user_id, kind]))


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a link of ours; None for anything else."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if (
        isinstance(data, list)
        and len(data) == 2
        and isinstance(data[0], int)
        and isinstance(data[1], str)
    ):
        return int(data[0]), str(data[1])
    return None


def language_of(user: User) -> str:
    languages = [str(lang) for lang in current_app.config["LANGUAGES"]]
    preferred = (user.preferred_language or "").split("-")[0].split("_")[0].lower()
    return preferred if preferred in languages else str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _course_title(course_id: str, lang: str) -> str:
    try:
        from lms_plugin.courses.content import get_course, localized

        return localized(get_course(course_id).title, lang)
    except (LookupError, NotFound):
        return course_id


def _assignment_title(course_id: str, assignment_id: str, lang: str) -> str:
    try:
        from lms_plugin.courses.content import get_course, localized

        course = get_course(course_id)
    except (LookupError, NotFound):
        return assignment_id
    for assignment in course.assignments:
        if assignment.id == assignment_id:
            return localized(assignment.title, lang)
    return assignment_id


def compose(due: Due, user: User) -> Message:
    """The message for one due notice, in the user's language (force_locale)."""
    lang = language_of(user)
    with force_locale(lang):
        subject, text = _texts(due, user, lang)
        base = str(current_app.config.get("TOOL_PUBLIC_URL") or request.url_root).rstrip("/")
        link = base + url_for("notices.unsubscribe", token=unsubscribe_token(user.id, due.kind))
        settings = base + url_for("notices.preferences")
        name = user.name or user.given_name or gettext("colleague")
        body = "\n".join(
            [
                gettext("Dear %(name)s,", name=name),
                "",
                text,
                "",
                gettext("Moodle: %(url)s", url=user.issuer),
                "",
                "-- ",
                gettext(
                    "You receive this because this kind of notice is on for you. "
                    "Turn it off: %(link)s",
                    link=link,
                ),
                gettext("All your notice settings: %(url)s", url=settings),
            ]
        )
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return Message(to_addr=str(user.email), subject=subject, body=body + "\n", headers=headers)


def _texts(due: Due, user: User, lang: str) -> tuple[str, str]:
    p: dict[str, Any] = due.params
    if due.kind == STALLED:
        course = _course_title(p["course_id"], lang)
        return (
            gettext("Continue the course: %(course)s", course=course),
            gettext(
                'You have not worked on "%(course)s" for %(days)s days. Your progress is saved: '
                'open the course in Moodle and choose "Continue where you left off".',
                course=course,
                days=p["days"],
            ),
        )
    if due.kind == DIGEST:
        count = int(p["count"])
        oldest = format_datetime(p["oldest"], "short") if p.get("oldest") else "-"
        return (
            ngettext(
                "%(num)d submission is waiting for grading",
                "%(num)d submissions are waiting for grading",
                count,
            ),
            ngettext(
                "%(num)d submission is waiting for grading in your courses (the oldest was "
                "submitted on %(oldest)s). Open the grading queue from Moodle.",
                "%(num)d submissions are waiting for grading in your courses (the oldest was "
                "submitted on %(oldest)s). Open the grading queue from Moodle.",
                count,
                oldest=oldest,
            ),
        )
    if due.kind == FEEDBACK:
        course = _course_title(p["course_id"], lang)
        title = _assignment_title(p["course_id"], p["assignment_id"], lang)
        if p.get("corrected"):
            subject = gettext('Corrected feedback on "%(title)s"', title=title)
        else:
            subject = gettext('Feedback on "%(title)s"', title=title)
        return subject, gettext(
            'Your trainer has released feedback on "%(title)s" in "%(course)s". Open the '
            "assignment in Moodle to read it.",
            title=title,
            course=course,
        )
    if due.kind == CERT_EXPIRING:
        course = _course_title(p["course_id"], lang)
        day = format_date(p["expires_at"], "long")
        if p.get("own"):
            return (
                gettext("Your certificate expires on %(date)s", date=day),
                gettext(
                    'Your certificate "%(course)s" expires on %(date)s. To renew it, complete the '
                    "course's refresher module in Moodle before then.",
                    course=course,
                    date=day,
                ),
            )
        return (
            gettext(
                "A mentor's certificate expires on %(date)s: %(holder)s",
                date=day,
                holder=p["holder"],
            ),
            gettext(
                "The certificate of %(holder)s, a mentor in your area, expires on %(date)s. "
                "A mentor whose certificate has expired cannot be placed until it is renewed "
                "(the course's refresher module).",
                holder=p["holder"],
                date=day,
            ),
        )
    if due.kind == LIVE_SESSION:
        return _live_texts(p, lang)
    if due.kind == JOB_FINISHED:
        from lms_plugin.notices.job_finished import job_texts

        return job_texts(p)
    raise LookupError(f"no texts for notice kind {due.kind!r}")


def _live_texts(p: dict[str, Any], lang: str) -> tuple[str, str]:
    from lms_plugin.courses.content import get_course, localized

    title = str(p["session_id"])
    try:
        module = get_course(p["course_id"]).module(p["module_id"])
        session = module.live_session(p["session_id"]) if module is not None else None
        if session is not None:
            title = localized(session.title, lang)
    except (LookupError, NotFound):
        pass
    when = format_datetime(p["starts_at"], "short")
    where = p.get("place") or p.get("online_url") or ""
    text = gettext(
        'Tomorrow, %(when)s: "%(title)s", the live session you signed up for.',
        when=when,
        title=title,
    )
    if where:
        text += "\n" + gettext("Where: %(where)s", where=where)
    text += "\n" + gettext(
        "If you cannot come, cancel your place in the tool (Live sessions) so that someone "
        "else can have it, and choose a later date."
    )
    return gettext("Tomorrow: %(title)s", title=title), text
