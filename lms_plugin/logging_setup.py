"""Structured request logging: one JSON line per request, never a secret."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from flask import Flask, Response, g, request

SECRET_FIELDS = frozenset(
    {"id_token", "JWT", "client_assertion", "csrf_token", "password", "state"}
)


# One-time launch tokens in URLs (/lti/resume/<token>, /lti/continue/<token>) are credentials.
_TOKEN_PATH = re.compile(r"(/lti/(?:resume|continue)/)[^/?\s\"]+")


def redact_path(path: str) -> str:
    """The path with secret segments replaced: /lti/resume/<token> → /lti/resume/[redacted]."""
    return _TOKEN_PATH.sub(r"\1[redacted]", path)


class RedactTokens(logging.Filter):
    """Redact launch tokens from other loggers' lines (the development server's request log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        return True


class JsonFormatter(logging.Formatter):
    """Render a log record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        extra = getattr(record, "data", None)
        if isinstance(extra, dict):
            data.update(extra)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure(app: Flask) -> None:
    """Send the app's logs as JSON lines to stderr and time every request."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("lms_plugin")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.propagate = False
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactTokens())

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else None
        logger.info(
            "request",
            extra={
                "data": {
                    "method": request.method,
                    "path": redact_path(request.path),
                    "status": response.status_code,
                    "ms": round(elapsed, 1) if elapsed is not None else None,
                    "user": g.get("log_user_id"),
                }
            },
        )
        return response
