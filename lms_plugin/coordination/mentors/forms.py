"""Form shape of a mentor's matching profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional


class MentorProfileForm(FlaskForm):
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
