"""Refusals of the grading form that belong to one field, so the page can show them beside it."""

from __future__ import annotations

from lms_plugin.errors import DomainError


class FieldError(DomainError):
    """A refused grading form: `message` for the whole form, `fields` names the fields at fault
    (field name, as in the form: `level-<criterion>`, `points-<criterion>`, `outcome`, `trigger`)
    with the sentence to show beside each."""

    status_code = 422

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields


def field_messages(error: DomainError) -> dict[str, str]:
    """The per-field messages of a refusal (none for a refusal of the whole form)."""
    return dict(error.fields) if isinstance(error, FieldError) else {}
