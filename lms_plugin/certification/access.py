"""Who may see a certificate's files: its holder, coordinators, and the holder's trainers."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from lms_plugin import providers
from lms_plugin.accounts.current import CurrentLaunch, require_launch
from lms_plugin.accounts.models import Membership, Role
from lms_plugin.certification.models import Certificate
from lms_plugin.db import db


def can_see(launch: CurrentLaunch, cert: Certificate) -> bool:
    """Holder; coordinators and admins within their scope or tenant; or a trainer of a course
    where the holder is a trainee."""
    if cert.user_id == launch.user.id:
        return True
    if (launch.is_coordinator or launch.role == Role.ADMIN) and providers.may_read_person(
        launch, cert.user_id
    ):
        return True
    if launch.is_trainer and launch.context_pk is not None:
        member = db.session.scalar(
            select(Membership.id).where(
                Membership.context_pk == launch.context_pk,
                Membership.user_id == cert.user_id,
                Membership.role == Role.TRAINEE.value,
            )
        )
        return member is not None
    return False


def certificate_for_viewer(cert_id: int) -> Certificate:
    """The certificate, or 404 when it does not exist or the viewer may not see it."""
    launch = require_launch()
    cert = db.session.get(Certificate, cert_id)
    if cert is None or not can_see(launch, cert):
        abort(404)
    return cert
