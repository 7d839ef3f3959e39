"""What an activity was made for, even when Moodle's merge of custom parameters hides it.

Moodle 4.4 merges custom parameters so that the tool-level value wins over the activity's own
(`mod/lti/locallib.php`, `lti_build_custom_parameters`). Registrations made before this fix put
`target=home` on the tool, so every activity launched with `target=home`. The target is therefore
read, in this order, from:

1. the `target` query parameter of the launch's `target_link_uri` (deep linking writes it into the
   content item's URL, which Moodle keeps as the activity's own tool URL);
2. the custom parameter `target` (activities made by hand), unless it is `home`;
3. when there is no target or it is `home`: the resourceId of the activity's own gradebook column
   (deep linking set it to `module:<id>`, `course:<id>` or `quiz:<id>`), read once from the
   platform and then remembered with the link;
4. the home page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from lms_plugin.accounts.models import ResourceLink
from lms_plugin.db import db
from lms_plugin.lti.models import Platform
from lms_plugin.lti.outbox_models import LineItem
from lms_plugin.lti.validation import LTI

log = logging.getLogger("lms_plugin.lti")

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
LINEITEM_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
MAX_TARGET = 255


def _clean(value: Any) -> str | None:
    return value[:MAX_TARGET] if isinstance(value, str) and value.strip() else None


def from_link_uri(body: dict[str, Any]) -> str | None:
    """`?target=` of the target_link_uri (set by our deep linking), or None."""
    uri = body.get(LTI + "target_link_uri")
    if not isinstance(uri, str):
        return None
    values = parse_qs(urlsplit(uri).query).get("target") or []
    return _clean(values[0]) if values else None


def from_custom(body: dict[str, Any]) -> str | None:
    """The custom parameter `target` (Moodle sends names lower-cased), or None."""
    custom = body.get(LTI + "custom")
    if isinstance(custom, dict):
        for key, value in custom.items():
            if str(key).lower() == "target":
                return _clean(value)
    return None


def target_of_resource_id(resource_id: str | None) -> str | None:
    """The place a column's resourceId names: course:<id> → course, module:<id>, quiz:<id>,
    journal:<id>."""
    if not resource_id:
        return None
    kind, _, arg = resource_id.partition(":")
    if kind == "course":
        return "course"
    if kind in ("module", "quiz", "journal") and arg:
        return f"{kind}:{arg}"
    return None


def resource_id_of_target(target: str | None, course_id: str) -> str | None:
    """The inverse: which column (resourceId) belongs to an activity's target."""
    if not target:
        return None
    kind, _, arg = target.partition(":")
    if kind == "course":
        return f"course:{course_id}"
    if kind in ("module", "quiz", "journal") and arg:
        return target
    return None


def lineitem_of(body: dict[str, Any]) -> str | None:
    """The launch's own gradebook column (AGS lineitem URL), or None."""
    ags = body.get(AGS)
    if isinstance(ags, dict) and isinstance(ags.get("lineitem"), str) and ags["lineitem"]:
        return str(ags["lineitem"])
    return None


def remembered_resource_id(link: ResourceLink | None, lineitem_url: str) -> str | None:
    """What we already know of this column: from the link, or a line item we found or created."""
    if link is not None and link.lineitem_url == lineitem_url and link.lineitem_resource_id:
        return link.lineitem_resource_id
    cached = db.session.scalar(
        select(LineItem.resource_id).where(LineItem.url == lineitem_url).limit(1)
    )
    return str(cached) if cached else None


def fetch_resource_id(platform: Platform, lineitem_url: str) -> str:
    """Ask the platform for the column's resourceId ("" when it has none or cannot say)."""
    from lms_plugin.lti.tokens import (
        SCOPE_LINEITEM,
        SCOPE_LINEITEM_READONLY,
        ServiceError,
        parse_json,
        service_request,
    )

    try:
        response = service_request(
            platform,
            "GET",
            lineitem_url,
            [SCOPE_LINEITEM_READONLY, SCOPE_LINEITEM],
            accept=LINEITEM_MEDIA_TYPE,
        )
        if response.status_code != 200:
            log.info(
                "line item not readable",
                extra={"data": {"url": lineitem_url, "status": response.status_code}},
            )
            return ""
        item = parse_json(response, "line item service")
    except ServiceError as exc:
        log.info("line item not readable", extra={"data": {"url": lineitem_url, "error": str(exc)}})
        return ""
    if isinstance(item, dict) and isinstance(item.get("resourceId"), str):
        return str(item["resourceId"])[:255]
    return ""


def resolve(
    body: dict[str, Any], platform: Platform, link: ResourceLink | None
) -> tuple[str, str | None]:
    """(target, the column's resourceId when learned) for a resource-link launch."""
    explicit = from_link_uri(body)
    if explicit:
        return explicit, None
    custom = from_custom(body)
    if custom and custom != "home":
        return custom, None
    # No target, or the old tool-level `target=home` hiding the activity's own: ask its column.
    lineitem_url = lineitem_of(body)
    if lineitem_url:
        resource_id = remembered_resource_id(link, lineitem_url)
        if resource_id is None:
            resource_id = fetch_resource_id(platform, lineitem_url)
        from_column = target_of_resource_id(resource_id)
        return from_column or custom or "home", resource_id
    return custom or "home", None
