"""Language selection and formatting: a switch made in this session, the launch's locale, the
user's stored choice, then the programme default (hu)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, session


def normalise_locale(code: str | None) -> str | None:
    """Map Moodle codes (`hu`, `en_us`, `pt_br`, `en-GB`) to a language we offer, or None."""
    if not code or not isinstance(code, str):
        return None
    base = code.strip().replace("-", "_").split("_")[0].lower()
    supported: list[str] = current_app.config["LANGUAGES"]
    return base if base in supported else None


def select_locale() -> str:
    """Flask-Babel's locale selector.

    A switch pressed in this session wins (a new launch clears it); then the locale the launch
    brought (`launch_presentation.locale`); then what the user chose earlier (stored on the user);
    then the programme default. A launch in a language we do not offer (`pt_br`) falls through.
    """
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if not has_request_context():
        return default
    chosen = normalise_locale(session.get("lang"))
    if chosen:
        return chosen
    launched = normalise_locale(session.get("launch_locale"))
    if launched:
        return launched
    from flask_login import current_user

    preferred = normalise_locale(getattr(current_user, "preferred_language", None))
    return preferred or default


def select_timezone() -> str:
    """All users of the programme are in Hungary unless configured otherwise."""
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def localized_text(texts: Any) -> str:
    """Course content (a {lang: text} dict) in the page's language, else the course default."""
    if not isinstance(texts, dict):
        return "" if texts is None else str(texts)
    from lms_plugin.courses.content import localized

    return localized(texts, select_locale())


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


def compile_catalogs(directory: str | None = None) -> list[str]:
    """Compile every messages.po under translations/ to .mo (what `pybabel compile` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(directory) if directory else Path(__file__).resolve().parent / "translations"
    done = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        done.append(po_path.parent.parent.name)
    return done
