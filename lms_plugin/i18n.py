"""Language selection and formatting: a switch made in this session, the page's own language
(a certificate's), the launch's locale, the user's stored choice; without a launch, the browser's
Accept-Language; then the programme default (hu)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, g, has_request_context, request, session


def normalise_locale(code: str | None) -> str | None:
    """Map Moodle codes (`hu`, `en_us`, `pt_br`, `en-GB`) to a language we offer, or None."""
    if not code or not isinstance(code, str):
        return None
    base = code.strip().replace("-", "_").split("_")[0].lower()
    supported: list[str] = current_app.config["LANGUAGES"]
    return base if base in supported else None


def select_locale() -> str:
    """Flask-Babel's locale selector.

    A switch pressed in this session wins (a new launch clears it); then the language the page
    itself is in (`use_page_locale`: a certificate's); then what the user chose with the switch
    earlier (stored on the user, so it survives the next launch, as Moodle's own preference
    does); then the locale the launch brought (`launch_presentation.locale`); a visitor without a
    launch gets the best of the browser's Accept-Language; then the programme default. A
    language we do not offer (`pt_br`) falls through.
    """
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if not has_request_context():
        return default
    chosen = normalise_locale(session.get("lang"))
    if chosen:
        return chosen
    page = normalise_locale(g.get("page_locale"))
    if page:
        return page
    from flask_login import current_user

    authenticated = getattr(current_user, "is_authenticated", False)
    if authenticated:
        preferred = normalise_locale(getattr(current_user, "preferred_language", None))
        if preferred:
            return preferred
    launched = normalise_locale(session.get("launch_locale"))
    if launched:
        return launched
    if authenticated:
        return default
    g.locale_from_browser = True  # the answer depends on Accept-Language: say so (Vary)
    supported: list[str] = current_app.config["LANGUAGES"]
    return request.accept_languages.best_match(supported) or default


def use_page_locale(code: str | None) -> None:
    """Show this request's page in `code` (when offered) unless the visitor switched language."""
    from flask_babel import refresh

    g.page_locale = code
    refresh()  # Babel keeps the locale it chose earlier in the request


def select_timezone() -> str:
    """All users of the programme are in Hungary unless configured otherwise."""
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def programme_zone() -> ZoneInfo:
    """The programme's time zone (BABEL_DEFAULT_TIMEZONE, Europe/Budapest by default)."""
    return ZoneInfo(select_timezone())


def localized_text(texts: Any) -> str:
    """Course content (a {lang: text} dict) in the page's language, else the course default."""
    if not isinstance(texts, dict):
        return "" if texts is None else str(texts)
    from lms_plugin.courses.content import localized

    return localized(texts, select_locale())


def day_formatter() -> Callable[[datetime | date], str]:
    """`format_date` for a page showing many dates: each local day (programme time zone)
    formatted once per page instead of once per row (Babel's formatting is the costly part)."""
    from flask_babel import format_date, get_timezone

    zone = get_timezone()

    @cache
    def day(value: date) -> str:
        return str(format_date(value))

    def formatted(value: datetime | date) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return day(value)

    return formatted


def register(app: Flask) -> None:
    """Expose the current language, Babel's formatters and `|localized` to templates."""
    from flask_babel import format_date, format_datetime, format_decimal, format_percent

    app.jinja_env.globals.update(
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        format_percent=format_percent,
    )
    app.jinja_env.filters["localized"] = localized_text

    @app.context_processor
    def _lang() -> dict[str, str]:
        return {"current_lang": select_locale()}

    @app.after_request
    def _vary_on_accept_language(response: Response) -> Response:
        if g.get("locale_from_browser"):
            response.vary.add("Accept-Language")
        return response


def compile_catalogs(directory: str | None = None) -> list[str]:
    """Compile every messages.po under translations/ to .mo (what `pybabel compile` does) unless
    its .mo is already newer."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(directory) if directory else Path(__file__).resolve().parent / "translations"
    done = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            # Up to date: nothing to write (a production install's code folder is read-only
            # for the service user that runs init).
            done.append(po_path.parent.parent.name)
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        done.append(po_path.parent.parent.name)
    return done
