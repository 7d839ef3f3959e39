"""Certificate wording in Hungarian and English, and the URLs printed on it."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _

from lms_plugin.certification.models import Certificate
from lms_plugin.certification.pdf import CertificateText
from lms_plugin.courses.content import get_course, localized


def verify_url(cert: Certificate, lang: str | None = None) -> str:
    """The public verification page the QR code points to; printed with the certificate's
    language, so the page opens in the language of the paper in the reader's hand."""
    if lang:
        return url_for("certification.verify", code=cert.code, lang=lang, _external=True)
    return url_for("certification.verify", code=cert.code, _external=True)


KIND_ORDER = ("online", "live", "practicum", "assignment")


def hours_label(cert: Certificate) -> str:
    """ "Hours: 30 (online learning 14.5, live sessions 9, ...)" in the current language."""
    labels = {
        "online": _("online learning"),
        "live": _("live sessions"),
        "practicum": _("practicum"),
        "assignment": _("graded assignments"),
    }
    total = _("Hours: %(hours)s", hours=format_decimal(cert.hours))
    kinds = cert.hours_by_kind or {}
    parts = [
        f"{labels[kind]} {format_decimal(kinds[kind])}"
        for kind in KIND_ORDER
        if float(kinds.get(kind, 0) or 0) > 0
    ]
    return f"{total} ({', '.join(parts)})" if parts else total


def certificate_text(cert: Certificate, lang: str) -> CertificateText:
    """The printed text in `lang` (hu or en)."""
    course = get_course(cert.course_id)
    with force_locale(lang):
        return CertificateText(
            heading=_("Mentor Certificate"),
            holder_name=cert.holder_name,
            statement=_("has successfully completed the training course"),
            course_title=localized(course.title, lang),
            course_version_label=_("Course version: %(version)s", version=cert.course_version),
            hours_label=hours_label(cert),
            issued_label=_("Issued: %(date)s", date=format_date(cert.issued_at, "long")),
            expires_label=_("Valid until: %(date)s", date=format_date(cert.expires_at, "long")),
            issuer=localized(course.certification.issuer, lang),
            code_label=_("Verification code"),
            code=cert.code,
            verify_hint=_("Check that this certificate is valid:"),
            verify_url=verify_url(cert, lang),
            language=lang,
        )


def badge_names(cert: Certificate, lang: str) -> dict[str, str]:
    """Issuer and achievement names for the Open Badge."""
    course = get_course(cert.course_id)
    with force_locale(lang):
        return {
            "issuer": localized(course.certification.issuer, lang),
            "achievement": _("Certified mentor: %(course)s", course=localized(course.title, lang)),
            "description": localized(course.summary, lang),
            "criteria": _(
                "Completed every module of the %(hours)s-hour course, passed every knowledge check "
                "and had every assignment graded as passed by a trainer.",
                hours=f"{course.hours:g}",
            ),
        }


def badge_urls(cert: Certificate) -> dict[str, str]:
    """The identifiers inside the credential."""
    return {
        "credential": url_for("certification.credential", code=cert.code, _external=True),
        "issuer": url_for("certification.issuer", _external=True),
        "achievement": url_for(
            "certification.achievement", course_id=cert.course_id, _external=True
        ),
        "verify": verify_url(cert),
    }
