"""Admin pages: registered platforms and coordinator rights (Moodle Administrators only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role, User
from lms_plugin.admin.forms import CoordinatorForm, PlatformForm
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
    if form.validate_on_submit():
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
    return render_template("admin/platforms.html", form=form, platforms=platforms.list_platforms())


@bp.post("/platforms/<int:platform_id>/active")
@roles_required(Role.ADMIN)
def platform_active(platform_id: int) -> Response:
    """Deactivate (or re-activate) a registration; an admin cannot lock out their own platform."""
    platform = db.get_or_404(Platform, platform_id)
    active = request.form.get("active") == "1"
    if not active and require_launch().user.platform_id == platform.id:
        flash(
            _("You are signed in through this platform: you cannot deactivate it here."), "danger"
        )
        return redirect(url_for("admin.platforms"))
    platforms.set_active(platform, active)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.platforms"))


@bp.route("/coordinators", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def coordinators() -> str | Response:
    """Who has coordinator rights; grant them by Moodle user id or from a name search."""
    launch = require_launch()
    form = CoordinatorForm()
    if request.method == "GET" and not form.issuer.data:
        own = db.session.get(Platform, launch.user.platform_id)
        form.issuer.data = own.issuer if own else ""
    if form.validate_on_submit():
        try:
            platforms.set_coordinator(form.issuer.data or "", (form.sub.data or "").strip(), True)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Coordinator rights granted."), "success")
            return redirect(url_for("admin.coordinators"))
    query = request.args.get("q", "").strip()
    found: list[User] = []
    if query:
        like = f"%{query}%"
        found = list(
            db.session.scalars(
                select(User)
                .where(or_(User.name.ilike(like), User.email.ilike(like), User.sub == query))
                .order_by(User.name)
                .limit(50)
            )
        )
    current = list(db.session.scalars(select(User).where(User.is_coordinator).order_by(User.name)))
    return render_template(
        "admin/coordinators.html", form=form, coordinators=current, found=found, query=query
    )


@bp.post("/coordinators/<int:user_id>")
@roles_required(Role.ADMIN)
def coordinator_set(user_id: int) -> Response:
    """Grant (grant=1) or revoke coordinator rights for one user."""
    user = db.get_or_404(User, user_id)
    try:
        if request.form.get("grant") == "1":
            platforms.grant_coordinator_to(user)
        else:
            platforms.revoke_coordinator_from(user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("admin.coordinators"))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.coordinators"))
