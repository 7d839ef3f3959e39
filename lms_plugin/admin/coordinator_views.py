"""Admin pages for coordinator rights and their scope, within the administrator's tenant.

A platform's administrator sees, searches and grants only the people of their own tenant (the
platform issuer they launched from) and only that tenant's programmes; a tool administrator all.
Revoking rights or a grant ends the person's sessions at once.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from werkzeug.wrappers import Response

from lms_plugin import providers
from lms_plugin.accounts.current import (
    CurrentLaunch,
    end_all_sessions,
    require_launch,
    roles_required,
)
from lms_plugin.accounts.models import Role, User
from lms_plugin.accounts.tenants import manages, tenant_of, user_ids
from lms_plugin.admin import grant_picker, grant_targets
from lms_plugin.admin.forms import CoordinatorForm
from lms_plugin.admin.views import bp
from lms_plugin.coordination import confirm, grants
from lms_plugin.coordination.models import Programme, TrainingCentre
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.listing import (
    ListArgs,
    Page,
    Sort,
    email_domain,
    matches,
    order_clauses,
    paginate,
    parse_args,
)
from lms_plugin.lti import platforms


def _people(launch: CurrentLaunch) -> Select[User]:
    """Users the administrator may see: their tenant's (everyone for a tool administrator)."""
    query = select(User)
    if not launch.is_tool_admin:
        query = query.where(User.id.in_(user_ids(launch.tenant)))
    return query


def _managed_user(user_id: int) -> User:
    """A user of a tenant this administrator manages, else 404 (existence never leaks)."""
    launch = require_launch()
    user = db.session.get(User, user_id)
    if user is None or not manages(launch.user, launch.role, tenant_of(user)):
        abort(404)
    return user


def _grantable(launch: CurrentLaunch) -> list[Programme]:
    return grants.programmes_of_tenant(launch.tenant, launch.is_tool_admin)


@bp.route("/coordinators", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def coordinators() -> str | Response:
    """Who has coordinator rights; grant them by Moodle user id or from a name search."""
    launch = require_launch()
    form = CoordinatorForm()
    if request.method == "GET" and not form.issuer.data:
        form.issuer.data = launch.tenant or ""
    if form.validate_on_submit():
        issuer = (form.issuer.data or "").strip()
        try:
            if not manages(launch.user, launch.role, issuer):
                raise DomainError(_("You can grant rights to people of your own platform only."))
            platforms.set_coordinator(issuer, (form.sub.data or "").strip(), True)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Coordinator rights granted."), "success")
            return redirect(url_for("admin.coordinators"))
    args = parse_args(request.args, tuple(PEOPLE_SORTS), "name")
    page = people_page(launch, args)
    shown = [u.id for u in page.items]
    return render_template(
        "admin/coordinators.html",
        form=form,
        page=page,
        args=args,
        query=args.q,
        grants=grants.grants_of([u.id for u in page.items if u.is_coordinator]),
        programmes=_grantable(launch),
        schools=providers.home_schools(shown),
        email_domain=email_domain,
    )


PEOPLE_SORTS = {"name": Sort(User.name, text=True)}


def people_page(launch: CurrentLaunch, args: ListArgs) -> Page[User]:
    """With a search: everyone of the tenant whose name, e-mail or Moodle user id matches
    (accents and case ignored: "gabor" finds "Gábor"); without: the coordinators. A page of
    them, Hungarian order, with the total."""
    query = _people(launch)
    if args.q:
        query = query.where(or_(matches(args.q, User.name, User.email), User.sub == args.q))
    else:
        query = query.where(User.is_coordinator)
    ordered = query.order_by(*order_clauses(PEOPLE_SORTS, args, User.id))
    return paginate(ordered, args, scalars=True, counted=query.with_only_columns(User.id))


@bp.post("/coordinators/<int:user_id>")
@roles_required(Role.ADMIN)
def coordinator_set(user_id: int) -> Response | tuple[str, int]:
    """Grant (grant=1) or revoke coordinator rights for one user of the tenant; revoking asks
    first, naming what the person loses."""
    user = _managed_user(user_id)
    if request.form.get("grant") != "1" and not confirm.confirmed():
        mine = grants.grants_of([user.id]).get(user.id, [])
        scopes = ", ".join(
            f"{g.programme.name} · {g.centre.name}" if g.centre else g.programme.name for g in mine
        )
        return confirm.ask(
            _("Revoke %(name)s's coordinator rights?", name=user.display_name),
            _("Revoke %(name)s's coordinator rights", name=user.display_name),
            [
                _(
                    "%(name)s can no longer open the coordination pages and is signed out now.",
                    name=user.display_name,
                ),
                _("Programmes and centres granted: %(list)s.", list=scopes)
                if scopes
                else _("No programme or centre was granted."),
            ],
            url_for("admin.coordinators"),
        )
    try:
        if request.form.get("grant") == "1":
            platforms.grant_coordinator_to(user)
        else:
            platforms.revoke_coordinator_from(user)
            end_all_sessions(user)  # the rights end now, not when the cookie expires
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("admin.coordinators"))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.coordinators"))


@bp.post("/coordinators/<int:user_id>/grants")
@roles_required(Role.ADMIN)
def coordinator_grant(user_id: int) -> Response | tuple[str, int]:
    """Give a coordinator a programme ("p:<id>") or one training centre ("c:<id>"): chosen in
    the picker (`target`, or `choice` on the page that asks again), else the typed text
    (`target_q`) resolved on the server; a text naming none or several asks again (422)."""
    launch = require_launch()
    user = _managed_user(user_id)
    allowed = {p.id for p in _grantable(launch)}
    target = (request.form.get("choice") or request.form.get("target") or "").strip()
    if not target:
        text = request.form.get("target_q", "")
        found = grant_targets.resolve(text, allowed)
        if found.target is None:
            return grant_picker.ask_again(user, text, found)
        target = found.target.value
    kind, _sep, raw = target.partition(":")
    if kind not in ("p", "c") or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        flash(_("Choose a programme or a training centre."), "danger")
        return redirect(url_for("admin.coordinators"))
    if kind == "p":
        programme = db.session.get(Programme, int(raw))
        if programme is None or programme.id not in allowed:
            abort(404)
        grants.grant_programme(user, programme, by=launch.user)
        what = grant_targets.whole_programme_label(programme)
    else:
        centre = db.session.get(TrainingCentre, int(raw))
        if centre is None or centre.programme_id not in allowed:
            abort(404)
        grants.grant_centre(user, centre, by=launch.user)
        what = f"{centre.programme.name} · {grant_targets.centre_label(centre)}"
    db.session.commit()
    flash(_("Granted to %(name)s: %(what)s.", name=user.display_name, what=what), "success")
    return redirect(url_for("admin.coordinators"))


@bp.post("/coordinators/<int:user_id>/grants/<int:grant_id>/revoke")
@roles_required(Role.ADMIN)
def coordinator_ungrant(user_id: int, grant_id: int) -> Response | tuple[str, int]:
    """Take a programme or centre away from a coordinator (after a confirmation); their sessions
    end."""
    user = _managed_user(user_id)
    if not confirm.confirmed():
        grant = next(
            (g for g in grants.grants_of([user.id]).get(user.id, []) if g.id == grant_id), None
        )
        if grant is None:
            abort(404)
        what = (
            f"{grant.programme.name} · {grant.centre.name}"
            if grant.centre
            else (grant.programme.name)
        )
        return confirm.ask(
            _("Remove %(what)s from %(name)s?", what=what, name=user.display_name),
            _("Remove %(what)s", what=what),
            [
                _(
                    "%(name)s no longer sees the schools, mentors and helpers of %(what)s and is "
                    "signed out now.",
                    name=user.display_name,
                    what=what,
                ),
            ],
            url_for("admin.coordinators"),
        )
    grants.revoke_grant(grant_id, user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.coordinators"))
