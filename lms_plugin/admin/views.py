"""Admin pages: registered platforms and coordinator rights (Moodle Administrators only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.accounts.tenants import manages, require_manages
from lms_plugin.admin.forms import PlatformForm
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.lti import platforms
from lms_plugin.lti.models import Platform

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/platforms", methods=["GET", "POST"], endpoint="platforms")
@roles_required(Role.ADMIN)
def platforms_page() -> str | Response:
    """List the registrations; add one (or a deployment to one) by hand."""
    form = PlatformForm()
    launch = require_launch()
    if form.validate_on_submit() and not manages(launch.user, launch.role, form.issuer.data):
        flash(_("You can register platforms of your own tenant only."), "danger")
    elif form.validate_on_submit():
        try:
            platform, deployment = platforms.add_platform(
                issuer=form.issuer.data or "",
                client_id=form.client_id.data or "",
                deployment_id=form.deployment_id.data or "",
                auth_url=form.auth_url.data or "",
                token_url=form.token_url.data or "",
                jwks_url=form.jwks_url.data or "",
                name=form.name.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Registered %(issuer)s, deployment %(deployment)s.",
                    issuer=platform.issuer,
                    deployment=deployment.deployment_id,
                ),
                "success",
            )
            return redirect(url_for("admin.platforms"))
    return render_template(
        "admin/platforms.html", form=form, platforms=_managed(platforms.list_platforms())
    )


@bp.post("/platforms/<int:platform_id>/active")
@roles_required(Role.ADMIN)
def platform_active(platform_id: int) -> Response:
    """Deactivate (or re-activate) a registration; an admin cannot lock out their own platform."""
    platform = db.get_or_404(Platform, platform_id)
    require_manages(platform.issuer)  # another tenant's registration: 404
    active = request.form.get("active") == "1"
    if active and platform.status == "pending" and not require_launch().is_tool_admin:
        # A platform that registered itself is approved by a tool administrator only.
        flash(
            _("Only a tool administrator can activate a platform that registered itself."), "danger"
        )
        return redirect(url_for("admin.platforms"))
    if not active and require_launch().user.platform_id == platform.id:
        flash(
            _("You are signed in through this platform: you cannot deactivate it here."), "danger"
        )
        return redirect(url_for("admin.platforms"))
    platforms.set_active(platform, active)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.platforms"))


from lms_plugin.admin import coordinator_views  # noqa: E402 - adds the coordinator routes to bp

__all__ = ["bp", "coordinator_views"]


def _managed(items: list[Platform]) -> list[Platform]:
    """The registrations the current administrator manages (their tenant's; all for tool admins)."""
    launch = require_launch()
    return [p for p in items if manages(launch.user, launch.role, p.issuer)]
