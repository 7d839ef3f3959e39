"""When an audited change happened, as a person reads it: the programme's time zone
(BABEL_DEFAULT_TIMEZONE), one date-and-time pattern per language, and the zone named."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import get_timezone_location
from flask import Flask
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from lms_plugin.i18n import programme_zone

# "12 Dec 2029 14:05" / "2029. dec. 12. 14:05"
PATTERNS = {"hu": "yyyy. MMM d. HH:mm", "en": "d MMM yyyy HH:mm"}


zone = programme_zone  # the programme's time zone


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "hu"


def zone_label() -> str:
    """The zone named for a heading or a line: "Budapest time" / "budapesti idő" style."""
    city = get_timezone_location(zone(), locale=_lang(), return_city=True)
    return _("%(city)s time", city=city)


def moment(value: datetime) -> str:
    """A stored (UTC) moment in the programme's zone, in the page's language, without the label."""
    if value.tzinfo is None:  # SQLite gives naive UTC back
        value = value.replace(tzinfo=UTC)
    pattern = PATTERNS.get(_lang(), PATTERNS["en"])
    return str(format_datetime(value, pattern))


def labelled(value: datetime) -> str:
    """The moment with its zone: "12 Dec 2029 14:05 (Budapest time)"."""
    return _("%(when)s (%(zone)s)", when=moment(value), zone=zone_label())


def register(app: Flask) -> None:
    """Templates show stored moments with these: `local_time` names the zone ("… (Budapest
    time)"); `local_moment` does not, for a table whose heading names it with `zone_label()`."""
    app.jinja_env.globals.update(local_time=labelled, local_moment=moment, zone_label=zone_label)
