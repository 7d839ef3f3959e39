"""Which gradebook column a score goes to: the launch's own line item, or one found or created."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms_plugin.accounts.models import LmsContext, ResourceLink
from lms_plugin.db import db, utcnow
from lms_plugin.lti.column_claims import claim_column, release_column
from lms_plugin.lti.link_targets import target_of_resource_id
from lms_plugin.lti.models import Platform
from lms_plugin.lti.outbox_models import LineItem, ScoreDelivery
from lms_plugin.lti.paging import next_link
from lms_plugin.lti.tokens import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    ServiceError,
    error_text,
    parse_json,
    service_request,
)

CONTAINER_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
LINEITEM_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
MAX_PAGES = 20


def scores_url(lineitem_url: str) -> str:
    """The line item URL with `/scores` appended to its path (Moodle's carry `?type_id=`)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _granted(context: LmsContext) -> set[str]:
    return set((context.ags_scopes or "").split())


def resolve_lineitem_url(
    row: ScoreDelivery, context: LmsContext, platform: Platform
) -> tuple[str, bool]:
    """The line item URL for this score, and whether it was just found or created on the platform
    (then the caller stores it with remember_line_item and releases the column's claim). Before it
    asks the platform it takes the column's claim (committed), so two workers never both create
    the same column; while another worker holds it, it raises ColumnBeingCreated.
    """
    if row.resource_id is None:
        link = db.session.get(ResourceLink, row.resource_link_pk) if row.resource_link_pk else None
        if link is not None and link.lineitem_url:
            return link.lineitem_url, False
        raise ServiceError(
            "the activity has no gradebook column: the launch carried no AGS line item "
            "(turn on grades for the activity in Moodle, launch it again, then retry)",
            retryable=False,
        )
    tag = row.tag or ""
    own = activity_column(context, row.resource_id)
    if own is not None:
        return own, False
    cached = _cached(context.id, row.resource_id, tag)
    if cached is not None:
        return cached, False
    if not context.lineitems_url:
        raise ServiceError(
            "the course has no line items service: no launch from it carried the AGS lineitems URL",
            retryable=False,
        )
    context_pk, resource_id = context.id, row.resource_id
    claim_column(context_pk, resource_id, tag, utcnow())  # or ColumnBeingCreated: wait a little
    try:
        cached = _cached(context_pk, resource_id, tag)  # made while we were taking the claim
        if cached is not None:
            release_column(context_pk, resource_id, tag)
            db.session.commit()
            return cached, False
        url = _find(context, platform, resource_id, tag)
        if url is None and not row.may_create:
            raise NoColumn(
                "the course has no gradebook column for this: no activity of the tool in this "
                "course carries it (add the activity by deep linking, then retry)"
            )
        return url or _create(context, platform, row, tag), True
    except BaseException:
        db.session.rollback()
        release_column(context_pk, resource_id, tag)
        db.session.commit()
        raise


def _cached(context_pk: int, resource_id: str, tag: str) -> str | None:
    return db.session.scalar(
        select(LineItem.url).where(
            LineItem.context_pk == context_pk,
            LineItem.resource_id == resource_id,
            LineItem.tag == tag,
        )
    )


class NoColumn(ServiceError):
    """The course has no column for this score and the tool must not create one."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, retryable=False)


def activity_column(context: LmsContext, resource_id: str) -> str | None:
    """The gradebook column of an activity launched in this course that is made for resource_id.

    Deep-linked activities carry the resourceId on their column; activities made by hand carry
    only their target (custom parameter), which names the same thing.
    """
    target = target_of_resource_id(resource_id)
    query = select(ResourceLink.lineitem_url).where(
        ResourceLink.context_pk == context.id, ResourceLink.lineitem_url.is_not(None)
    )
    by_id = db.session.scalar(
        query.where(ResourceLink.lineitem_resource_id == resource_id)
        .order_by(ResourceLink.id)
        .limit(1)
    )
    if by_id is not None or target is None:
        return by_id
    return db.session.scalar(
        query.where(
            ResourceLink.target == target,
            (ResourceLink.lineitem_resource_id.is_(None))
            | (ResourceLink.lineitem_resource_id == ""),
        )
        .order_by(ResourceLink.id)
        .limit(1)
    )


def remember_line_item(row: ScoreDelivery, url: str) -> None:
    """Cache the URL of a line item found or created by resourceId/tag (flush only)."""
    assert row.resource_id is not None
    try:
        with db.session.begin_nested():
            db.session.add(
                LineItem(
                    context_pk=row.context_pk,
                    resource_id=row.resource_id,
                    tag=row.tag or "",
                    url=url,
                    label=row.label,
                )
            )
    except IntegrityError:
        pass  # another worker cached it at the same moment


def _find(context: LmsContext, platform: Platform, resource_id: str, tag: str) -> str | None:
    granted = _granted(context)
    scope = SCOPE_LINEITEM if not granted or SCOPE_LINEITEM in granted else SCOPE_LINEITEM_READONLY
    url: str | None = context.lineitems_url
    params: dict[str, str] | None = (
        {"resource_id": resource_id, "tag": tag} if tag else {"resource_id": resource_id}
    )
    for _page in range(MAX_PAGES):
        if url is None:
            break
        response = service_request(
            platform, "GET", url, [scope], accept=CONTAINER_MEDIA_TYPE, params=params
        )
        if response.status_code != 200:
            raise ServiceError(
                error_text(response),
                status=response.status_code,
                retryable=response.status_code >= 500 or response.status_code == 429,
            )
        items = parse_json(response, "line items service")
        if isinstance(items, dict):  # some platforms wrap the list
            items = items.get("lineItems") or items.get("items") or []
        for item in items if isinstance(items, list) else []:
            if (
                isinstance(item, dict)
                and item.get("resourceId") == resource_id
                and (item.get("tag") or "") == tag
                and isinstance(item.get("id"), str)
            ):
                return str(item["id"])
        url = next_link(response.headers, response.url)
        params = None  # the next link carries the query
    return None


def _create(context: LmsContext, platform: Platform, row: ScoreDelivery, tag: str) -> str:
    granted = _granted(context)
    if granted and SCOPE_LINEITEM not in granted:
        raise ServiceError(
            "the platform does not let the tool create gradebook columns (no lineitem scope)",
            retryable=False,
        )
    assert context.lineitems_url is not None
    body: dict[str, object] = {
        "label": row.label or row.resource_id,
        "scoreMaximum": row.line_item_maximum or row.score_maximum,
        "resourceId": row.resource_id,
    }
    if tag:
        body["tag"] = tag
    response = service_request(
        platform,
        "POST",
        context.lineitems_url,
        [SCOPE_LINEITEM],
        accept=LINEITEM_MEDIA_TYPE,
        content_type=LINEITEM_MEDIA_TYPE,
        body=body,
    )
    if response.status_code not in (200, 201):
        raise ServiceError(
            error_text(response),
            status=response.status_code,
            retryable=response.status_code >= 500 or response.status_code == 429,
        )
    created = parse_json(response, "line items service")
    if not isinstance(created, dict) or not isinstance(created.get("id"), str):
        raise ServiceError("the platform created a line item but sent back no id")
    return str(created["id"])


def forget_line_item(row: ScoreDelivery) -> None:
    """Drop the cached URL of a line item the platform no longer knows."""
    db.session.execute(
        delete(LineItem).where(
            LineItem.context_pk == row.context_pk,
            LineItem.resource_id == row.resource_id,
            LineItem.tag == (row.tag or ""),
        )
    )
