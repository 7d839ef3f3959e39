"""Form shapes (the rules that need the database live in the services)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms_plugin.coordination.peer_helpers import HelperData


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    school_year = StringField(_l("School year"), validators=[Optional(), Length(max=16)])
    year_ends_on = DateField(_l("The programme year ends on"), validators=[DataRequired()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file of centres and schools"), validators=[FileRequired()])


class HelperForm(FlaskForm):
    """Only what the programme needs: no surname, no contact data, no birth date."""

    school_id = SelectField(_l("School"), coerce=int, validators=[InputRequired()])
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


class MentorProfileForm(FlaskForm):
    home_school_id = SelectField(_l("Home school"), coerce=int, validators=[Optional()])
    languages = StringField(
        _l("Languages (e.g. hu, en)"), default="hu", validators=[Length(max=64)]
    )
    fields = StringField(_l("Vocational fields (comma separated)"), validators=[Length(max=500)])
    availability = StringField(_l("Availability"), validators=[Optional(), Length(max=255)])
    min_helpers = IntegerField(
        _l("Minimum helpers"), default=0, validators=[InputRequired(), NumberRange(0, 50)]
    )
    max_helpers = IntegerField(
        _l("Maximum helpers"), default=4, validators=[InputRequired(), NumberRange(0, 50)]
    )


def split_list(value: str | None) -> list[str]:
    """'hu, en' or 'hu|en' → ['hu', 'en']."""
    return [x.strip() for x in (value or "").replace("|", ",").split(",") if x.strip()]
