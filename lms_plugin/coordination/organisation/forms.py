"""Form shapes of the organisation pages: a new programme, the CSV upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    school_year = StringField(_l("School year"), validators=[Optional(), Length(max=16)])
    year_ends_on = DateField(_l("The programme year ends on"), validators=[DataRequired()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file of centres and schools"), validators=[FileRequired()])
