"""The practice course's activities and gradebook columns; services flush, callers commit."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.practice.models import PracticeLineItem, PracticeResourceLink, PracticeScore
from lms_plugin.practice.roster import COURSE


@dataclass(frozen=True)
class LineItemSpec:
    """What a new gradebook column needs."""

    label: str
    score_maximum: float
    resource_id: str = ""
    tag: str = ""
    start_date_time: str | None = None
    end_date_time: str | None = None


# (title, description, target): the activities a fresh practice course has, one per tool target.
SEED_ACTIVITIES = (
    ("Mentorprogram – kezdőlap", "A mentorprogram kezdőoldala", "home"),
    ("Mentorképzés (30 óra)", "A kurzus nyitóoldala", "course"),
    ("1. modul: A kortárs segítő program", "A program modul", "module:programme"),
    (
        "2. modul: A mentor szerepe, etika és gyermekvédelem",
        "Modul beadandóval",
        "module:role-ethics",
    ),
    ("Jóllét és lelki egészség", "A jóllét modul", "module:wellbeing"),
    ("Haladásom", "Saját haladás", "progress"),
    ("Értékelés (oktatóknak)", "Beadandók értékelése", "grading"),
    ("Koordináció", "Mentorok és iskolák", "coordination"),
    ("Tanúsítványom", "A mentori tanúsítvány", "certificate"),
)


def seed_line_item(title: str, target: str) -> LineItemSpec | None:
    """The column deep linking gives an activity, as Moodle stores it: graded ones only."""
    from lms_plugin.lti.picker_content import COURSE_ID, load_course

    if target == "course":
        return LineItemSpec(
            label=title, score_maximum=100, resource_id=f"course:{COURSE_ID}", tag="course-progress"
        )
    kind, _, module_id = target.partition(":")
    if kind != "module":
        return None
    for module in load_course().modules:
        if module.id == module_id and module.score_maximum is not None:
            return LineItemSpec(
                label=title,
                score_maximum=module.score_maximum,
                resource_id=target,
                tag=module.graded_by or "",
            )
    return None


def seed_course(context_id: str = COURSE.context_id) -> int:
    """Create the missing seed activities, graded ones with their column; how many were added."""
    existing = set(
        db.session.scalars(
            select(PracticeResourceLink.target).where(
                PracticeResourceLink.context_id == context_id,
                PracticeResourceLink.created_via == "seed",
            )
        )
    )
    added = 0
    for title, text, target in SEED_ACTIVITIES:
        if target in existing:
            continue
        create_resource_link(
            context_id,
            title=title,
            text=text,
            custom={"target": target},
            created_via="seed",
            line_item=seed_line_item(title, target),
        )
        added += 1
    return added


def create_resource_link(
    context_id: str,
    *,
    title: str,
    text: str = "",
    custom: dict[str, str] | None = None,
    url: str | None = None,
    created_via: str = "seed",
    line_item: LineItemSpec | None = None,
) -> PracticeResourceLink:
    """An activity in the course; with `line_item`, its own gradebook column too."""
    custom = {str(k).lower(): str(v) for k, v in (custom or {}).items()}
    link = PracticeResourceLink(
        context_id=context_id,
        title=title[:255],
        text=text,
        target=custom.get("target", "home")[:255],
        custom_json=json.dumps(custom, ensure_ascii=False),
        url=url,
        created_via=created_via,
    )
    db.session.add(link)
    db.session.flush()
    if line_item is not None:
        create_line_item(context_id, line_item, resource_link=link)
    return link


def create_line_item(
    context_id: str, spec: LineItemSpec, *, resource_link: PracticeResourceLink | None = None
) -> PracticeLineItem:
    """A gradebook column in the course."""
    item = PracticeLineItem(
        context_id=context_id,
        resource_link_pk=resource_link.id if resource_link else None,
        label=spec.label[:255],
        score_maximum=spec.score_maximum,
        resource_id=spec.resource_id[:255],
        tag=spec.tag[:255],
        start_date_time=spec.start_date_time,
        end_date_time=spec.end_date_time,
    )
    db.session.add(item)
    db.session.flush()
    return item


def custom_of(link: PracticeResourceLink) -> dict[str, str]:
    """The link's custom parameters."""
    data = json.loads(link.custom_json or "{}")
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def links_of(context_id: str = COURSE.context_id) -> list[PracticeResourceLink]:
    """The course's activities in the order they were added."""
    return list(
        db.session.scalars(
            select(PracticeResourceLink)
            .where(PracticeResourceLink.context_id == context_id)
            .order_by(PracticeResourceLink.id)
        )
    )


def link_in(context_id: str, link_id: int) -> PracticeResourceLink | None:
    link = db.session.get(PracticeResourceLink, link_id)
    return link if link is not None and link.context_id == context_id else None


def line_item_of(link: PracticeResourceLink) -> PracticeLineItem | None:
    """The activity's own gradebook column (the first one created with it)."""
    return db.session.scalar(
        select(PracticeLineItem)
        .where(PracticeLineItem.resource_link_pk == link.id)
        .order_by(PracticeLineItem.id)
        .limit(1)
    )


def line_items_of(
    context_id: str,
    *,
    resource_id: str | None = None,
    tag: str | None = None,
    resource_link_pk: int | None = None,
) -> list[PracticeLineItem]:
    """The course's gradebook columns, filtered like AGS (resource_id, tag, resource_link_id)."""
    query = select(PracticeLineItem).where(PracticeLineItem.context_id == context_id)
    if resource_id is not None:
        query = query.where(PracticeLineItem.resource_id == resource_id)
    if tag is not None:
        query = query.where(PracticeLineItem.tag == tag)
    if resource_link_pk is not None:
        query = query.where(PracticeLineItem.resource_link_pk == resource_link_pk)
    return list(db.session.scalars(query.order_by(PracticeLineItem.id)))


def line_item_in(context_id: str, item_id: int) -> PracticeLineItem | None:
    item = db.session.get(PracticeLineItem, item_id)
    return item if item is not None and item.context_id == context_id else None


def latest_scores(item_ids: list[int]) -> dict[tuple[int, str], PracticeScore]:
    """The newest score per (line item, user): what the gradebook and the results service show."""
    if not item_ids:
        return {}
    rows = db.session.scalars(
        select(PracticeScore)
        .where(PracticeScore.line_item_id.in_(item_ids))
        .order_by(PracticeScore.timestamp, PracticeScore.id)
    )
    return {(row.line_item_id, row.user_sub): row for row in rows}


def recent_scores(limit: int = 30) -> list[PracticeScore]:
    """The scores received last, newest first."""
    return list(
        db.session.scalars(
            select(PracticeScore)
            .order_by(PracticeScore.received_at.desc(), PracticeScore.id.desc())
            .limit(limit)
        )
    )
