"""Domain errors and app-wide error handlers: a page for people, JSON for services, no traces."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

log = logging.getLogger("lms_plugin.errors")


class DomainError(Exception):
    """A business rule refused an action; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


def wants_json() -> bool:
    """Service endpoints and API clients get JSON; people get a page."""
    if request.path.startswith(("/api/", "/practice/api/", "/lti/jwks", "/.well-known/")):
        return True
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, title: str, message: str, *, code: str = "error") -> Response:
    """Render the error as JSON or as the friendly error page."""
    if wants_json():
        response = jsonify({"error": code, "message": message})
    else:
        try:
            page = render_template("error.html", title=title, message=message, status=status)
        except Exception:
            log.exception("error page could not be rendered")
            page = (
                f"<!doctype html><title>{escape(title)}</title>"
                f"<h1>{escape(title)}</h1><p>{escape(message)}</p>"
            )
        response = Response(page, mimetype="text/html")
    response.status_code = status
    return response


_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please open the tool from Moodle"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("Someone else changed this first"),
    413: _l("The file is too large"),
    422: _l("Some of the data is not valid"),
    429: _l("Too many requests"),
}


def _title(status: int) -> str:
    """The page title for an HTTP status, in the page's language."""
    return str(_TITLES[status]) if status in _TITLES else _("Error")


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(DomainError)
    def _domain(err: DomainError) -> Response:
        return error_response(err.status_code, _title(err.status_code), err.message)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError) -> Response:
        log.info("csrf rejected", extra={"data": {"path": request.path, "reason": err.description}})
        return error_response(
            400,
            _("The form has expired"),
            _(
                "Your session has expired or the form was sent twice. "
                "Go back, reload the page and try again."
            ),
            code="csrf",
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Response:
        status = err.code or 500
        title = _title(status)
        if status == 404:
            message = _("There is nothing at this address. Use the menu to find your way.")
        elif status == 401:
            message = _("Your session has ended. Open the activity again from your Moodle course.")
        elif status == 413:
            message = _("The upload is larger than allowed. Make the file smaller and try again.")
        elif status == 429:
            message = _("Please wait a minute before trying again.")
        elif status == 403:
            message = _(
                "Your role in this course does not include this page. "
                "Use the menu to find your way."
            )
        elif err.description and err.description != type(err).description:
            message = err.description  # a feature's own explanation
        else:
            message = _(
                "Go back and try again. If it happens again, tell your trainer or coordinator."
            )
        return error_response(
            status, title, message, code=(err.name or "error").lower().replace(" ", "_")
        )

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Response:
        log.exception("unhandled error", extra={"data": {"path": request.path}})
        return error_response(
            500,
            _("Something went wrong"),
            _(
                "An unexpected error happened. Nothing you had already saved is lost. "
                "Please try again."
            ),
            code="internal_error",
        )
