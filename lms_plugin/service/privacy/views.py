"""The data-protection notice of the service year, and a helper's data-subject export."""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import gettext as _

from lms_plugin.accounts.current import login_required, require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import PeerHelper, School
from lms_plugin.coordination.scope import require_school
from lms_plugin.db import db
from lms_plugin.service.privacy import retention, subject_export
from lms_plugin.service.web import bp


@bp.get("/privacy")
@login_required
def privacy() -> str:
    """Each purpose, its legal basis and how long the data is kept."""
    return render_template("service/privacy.html", years=retention.retention_years())


@bp.get("/helpers/<int:helper_id>/export.csv")
@roles_required(Role.COORDINATOR)
def helper_export(helper_id: int) -> Response:
    """Every row that mentions the helper, as CSV (audited like any export of helper data)."""
    helper = db.get_or_404(PeerHelper, helper_id)
    require_school(db.get_or_404(School, helper.school_id))
    rows = subject_export.rows_about(helper)
    audit.record(
        require_launch().user.id, audit.EXPORT, helper.id, helper.school_id, "data-subject export"
    )
    db.session.commit()
    body = subject_export.as_csv(rows, (_("Table"), _("Field"), _("Value")))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="helper-{helper.id}.csv"'},
    )
