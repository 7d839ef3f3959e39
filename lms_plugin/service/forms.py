"""Form shapes of the service year (rules that need the database live in the services)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lms_plugin.service import choices


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (big enough to tap on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _pairs(mapping: Mapping[str, object]) -> list[tuple[str, object]]:
    return list(mapping.items())


class SessionForm(FlaskForm):
    school_id = SelectField(_l("School"), coerce=int, validators=[InputRequired()])
    held_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    topic = SelectField(_l("Topic"), choices=_pairs(choices.TOPICS), validators=[InputRequired()])
    minutes = IntegerField(
        _l("Length (minutes)"), default=90, validators=[InputRequired(), NumberRange(10, 600)]
    )
    helpers = CheckboxesField(_l("Helpers present"), coerce=int, choices=[])
    note = TextAreaField(_l("Short note"), validators=[Length(max=500)])
    confirm_no_names = BooleanField(_l("The note names no student"))


class MeetingForm(FlaskForm):
    school_id = SelectField(_l("School"), coerce=int, validators=[InputRequired()])
    held_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    format = SelectField(
        _l("Format"), choices=_pairs(choices.FORMATS), validators=[InputRequired()]
    )
    cases = IntegerField(
        _l("Number of cases discussed"), default=0, validators=[InputRequired(), NumberRange(0, 99)]
    )
    themes = CheckboxesField(_l("Themes"), choices=_pairs(choices.THEMES))
    note = TextAreaField(_l("Short note"), validators=[Length(max=500)])
    confirm_no_names = BooleanField(_l("The note names no student"))


class PlainForm(FlaskForm):
    """A form whose fields the view reads itself (a grid of counts); CSRF only."""


class ReferralForm(FlaskForm):
    school_id = SelectField(_l("School"), coerce=int, validators=[InputRequired()])
    category = SelectField(
        _l("Category"), choices=_pairs(choices.CATEGORIES), validators=[InputRequired()]
    )
    urgency = SelectField(
        _l("Urgency"), choices=_pairs(choices.URGENCIES), validators=[InputRequired()]
    )
    recipient = SelectField(
        _l("Referred to"), choices=_pairs(choices.RECIPIENTS), validators=[InputRequired()]
    )
    opened_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(
        _l("Role"), choices=_pairs(choices.CONTACT_ROLES), validators=[InputRequired()]
    )
    email = StringField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address.")),
        ],
    )
    language = SelectField(
        _l("Language"), choices=_pairs(choices.LANGUAGES), validators=[InputRequired()]
    )


class OutcomeForm(FlaskForm):
    enrolled = IntegerField(_l("Students enrolled"), validators=[InputRequired(), NumberRange(0)])
    at_risk = IntegerField(
        _l("Students at risk of dropping out (legal definition)"),
        validators=[InputRequired(), NumberRange(0)],
    )
    avg_unjustified_absence = DecimalField(
        _l("Average unjustified absence (hours per student)"),
        places=2,
        validators=[InputRequired(), NumberRange(0, 1000)],
    )
    grade_repetitions = IntegerField(
        _l("Grade repetitions"), validators=[InputRequired(), NumberRange(0)]
    )
    left_school = IntegerField(
        _l("Students who left school"), validators=[InputRequired(), NumberRange(0)]
    )


class OutcomeImportForm(FlaskForm):
    file = FileField(_l("CSV file of outcome indicators"), validators=[FileRequired()])
