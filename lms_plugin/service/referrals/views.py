"""Referral pages: the mentor records and moves referrals; the coordinator sees counts only."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import login_required, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import School
from lms_plugin.coordination.scope import current_scope, require_school
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.service import choices
from lms_plugin.service.forms import ContactForm, PlainForm, ReferralForm
from lms_plugin.service.models import Referral, SchoolContact
from lms_plugin.service.referrals import services as referrals
from lms_plugin.service.suppression import show
from lms_plugin.service.web import bp, desk

Page = str | tuple[str, int] | WerkzeugResponse
CRISIS_MODULE = "wellbeing"  # module 4 of mentor-30h: what to do now, 112, 116 111


@bp.route("/referrals", methods=["GET", "POST"], endpoint="referrals")
@login_required
def referrals_page() -> Page:
    """The mentor's referrals, and the form for a new one (with the course's crisis rules)."""
    mentor = desk()
    form = ReferralForm()
    form.school_id.choices = [(s.id, s.name) for s in mentor.schools]
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                referral = referrals.record(
                    mentor,
                    school_id=form.school_id.data,
                    category=form.category.data,
                    urgency=form.urgency.data,
                    recipient=form.recipient.data,
                    opened_on=form.opened_on.data,
                )
                notified = referrals.notify_urgent(referral)
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
                status = err.status_code
            else:
                db.session.commit()
                flash(_("Referral %(code)s saved.", code=referral.code), "success")
                if referral.urgency == choices.URGENT:
                    if notified.sent:
                        flash(
                            _("The school's contacts were e-mailed (%(n)d).", n=notified.sent),
                            "success",
                        )
                    if notified.failed or not notified.sent:
                        flash(
                            _("Not every contact of the school could be e-mailed: phone them now."),
                            "warning",
                        )
                return redirect(url_for("service.referrals"), code=303)
    return render_template(
        "service/referrals.html",
        form=form,
        items=referrals.mine(mentor),
        choices=choices,
        status_form=PlainForm(),
        crisis_module=CRISIS_MODULE,
    ), status


@bp.post("/referrals/<int:referral_id>/status")
@login_required
def referral_status(referral_id: int) -> Page:
    """Move one of the mentor's own referrals on (referred, closed)."""
    mentor = desk()
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.mentor_id != mentor.profile.id:
        abort(404)
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        referrals.set_status(referral, request.form.get("status", ""))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("Referral %(code)s updated.", code=referral.code), "success")
    return redirect(url_for("service.referrals"), code=303)


@bp.get("/coordinator/referrals")
@roles_required(Role.COORDINATOR)
def referral_overview() -> str:
    """Per school: how many referrals by status, and whether any is overdue. Never a case."""
    wanted = request.args.get("year", "")
    school_year = wanted if choices.year_bounds(wanted) else choices.school_year_of(date.today())
    rows = referrals.per_school(current_scope().schools(), school_year)
    return render_template(
        "service/referral_overview.html", rows=rows, school_year=school_year, show=show
    )


@bp.route("/schools/<int:school_id>/contacts", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def school_contacts(school_id: int) -> Page:
    """The school's designated safeguarding contacts (who gets the urgent e-mail)."""
    school = require_school(db.get_or_404(School, school_id))
    form = ContactForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            referrals.add_contact(
                school,
                name=form.name.data or "",
                role=form.role.data,
                email=form.email.data or "",
                language=form.language.data,
            )
            db.session.commit()
            flash(_("Contact saved."), "success")
            return redirect(url_for("service.school_contacts", school_id=school.id), code=303)
    return render_template(
        "service/contacts.html",
        school=school,
        form=form,
        contacts=referrals.contacts_of(school.id),
        delete_form=PlainForm(),
        choices=choices,
    ), status


@bp.post("/contacts/<int:contact_id>/delete")
@roles_required(Role.COORDINATOR)
def contact_delete(contact_id: int) -> WerkzeugResponse:
    contact = db.get_or_404(SchoolContact, contact_id)
    school = require_school(db.get_or_404(School, contact.school_id))
    if not PlainForm().validate_on_submit():
        abort(400)
    db.session.delete(contact)
    db.session.commit()
    flash(_("Contact removed."), "success")
    return redirect(url_for("service.school_contacts", school_id=school.id), code=303)
