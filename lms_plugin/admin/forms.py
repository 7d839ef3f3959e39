"""Admin forms: the shape of the input; the rules are in lms_plugin.lti.platforms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import URL, DataRequired, Length, Optional


class PlatformForm(FlaskForm):
    """A manual registration: the values Moodle shows under "Tool configuration details"."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=255)])
    issuer = StringField(
        _l("Platform ID (issuer)"),
        validators=[DataRequired(), URL(require_tld=False), Length(max=255)],
    )
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    deployment_id = StringField(_l("Deployment ID"), validators=[DataRequired(), Length(max=255)])
    auth_url = StringField(
        _l("Authentication request URL"), validators=[DataRequired(), URL(require_tld=False)]
    )
    token_url = StringField(
        _l("Access token URL"), validators=[DataRequired(), URL(require_tld=False)]
    )
    jwks_url = StringField(
        _l("Public keyset URL"), validators=[DataRequired(), URL(require_tld=False)]
    )


class CoordinatorForm(FlaskForm):
    """Grant coordinator rights to a Moodle user by their id (the number in their profile URL)."""

    issuer = StringField(_l("Platform ID (issuer)"), validators=[DataRequired(), Length(max=255)])
    sub = StringField(_l("Moodle user id"), validators=[DataRequired(), Length(max=255)])
