"""Language selection: the launch's locale, then the user's choice, then the programme default."""

from __future__ import annotations

from flask import Flask, current_app, request, session

MOODLE_LOCALE_PREFIXES = {"hu": "hu", "en": "en"}


def normalise_locale(code: str | None) -> str | None:
    """Map Moodle codes (`hu`, `en_us`, `pt_br`, `en-GB`) to a language we offer, or None."""
    if not code:
        return None
    base = code.replace("-", "_").split("_")[0].lower()
    supported: list[str] = current_app.config["LANGUAGES"]
    return base if base in supported else None


def select_locale() -> str:
    """Flask-Babel's locale selector: a switch made in this session wins (it is cleared by a new launch)."""
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return str(chosen)
    launched = normalise_locale(session.get("launch_locale"))
    if launched:
        return launched
    from flask_login import current_user

    preferred = getattr(current_user, "preferred_language", None)
    if preferred in current_app.config["LANGUAGES"]:
        return str(preferred)
    best = request.accept_languages.best_match(current_app.config["LANGUAGES"]) if request else None
    return best or str(current_app.config["BABEL_DEFAULT_LOCALE"])


def select_timezone() -> str:
    """All users of the programme are in Hungary unless configured otherwise."""
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def register(app: Flask) -> None:
    """Expose the current language to templates."""

    @app.context_processor
    def _lang() -> dict[str, str]:
        return {"current_lang": select_locale()}
