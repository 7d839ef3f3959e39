"""Form shape of a peer helper's record (the rules that need the database live in services)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms_plugin.coordination.peer_helpers.services import HelperData


class HelperForm(FlaskForm):
    """Only what the programme needs: no surname, no contact data, no birth date."""

    # Filled from the school picker (autocomplete, or the typed text resolved by the server);
    # the view reports a missing school.
    school_id = IntegerField(_l("School"), validators=[Optional()])
    display_name = StringField(
        _l("Display name (first name and initial, or a code)"),
        validators=[DataRequired(), Length(max=40)],
    )
    school_year = IntegerField(
        _l("School year (grade)"), validators=[InputRequired(), NumberRange(9, 14)]
    )
    vocational_field = StringField(_l("Vocational field"), validators=[Optional(), Length(max=120)])
    language = StringField(_l("Language"), default="hu", validators=[Optional(), Length(max=8)])
    start_date = DateField(_l("Start date"), default=date.today, validators=[DataRequired()])
    birth_year = IntegerField(_l("Birth year (the year only)"), validators=[InputRequired()])
    consent_by = RadioField(
        _l("Consent given by"),
        choices=[("self", _l("the student")), ("guardian", _l("a parent or guardian"))],
        validators=[InputRequired()],
    )
    consent_confirmed = BooleanField(_l("I have the signed consent form"))

    def data_object(self) -> HelperData:
        return HelperData(
            display_name=self.display_name.data or "",
            school_year=int(self.school_year.data or 0),
            vocational_field=self.vocational_field.data or "",
            language=self.language.data or "hu",
            start_date=self.start_date.data or date.today(),
            birth_year=int(self.birth_year.data or 0),
            consent_by=self.consent_by.data or "",
            consent_confirmed=bool(self.consent_confirmed.data),
        )
