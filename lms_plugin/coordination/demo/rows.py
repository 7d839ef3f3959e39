"""Row builders for the demo data (plain dicts for bulk inserts; no database access here)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lms_plugin.coordination.demo import names

SchoolSpec = tuple[str, str, tuple[str, ...]]
CentreSpec = tuple[str, str, str, tuple[SchoolSpec, ...]]
Row = dict[str, Any]


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    centre_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class MentorInfo:
    id: int
    home: SchoolInfo
    max_helpers: int


def national_centres(
    rng: random.Random, centres: int = 100, schools: int = 1000
) -> list[CentreSpec]:
    """Generated centres named after counties and towns, ten schools each."""
    result: list[CentreSpec] = []
    per = schools // centres
    for c in range(centres):
        seat = names.TOWNS[c % len(names.TOWNS)]
        if c < len(names.COUNTIES):
            title = f"{names.COUNTIES[c]} Vármegyei Szakképzési Centrum"
        else:
            title = f"{seat} Szakképzési Centrum {c // len(names.TOWNS) + 1}"
        specs = tuple(
            (
                f"{rng.choice(names.SCHOOL_PATRONS)} {rng.choice(names.SCHOOL_KINDS)} "
                f"({c + 1}/{s + 1})",
                seat if s % 3 else rng.choice(names.TOWNS),
                tuple(rng.sample(names.FIELDS, 2)),
            )
            for s in range(per)
        )
        result.append((f"SZC{c + 1:03d}", title, seat, specs))
    return result


def centre_rows(programme_id: int, centres: list[CentreSpec]) -> list[Row]:
    return [
        {"programme_id": programme_id, "code": code, "name": title, "municipality": seat}
        for code, title, seat, _schools in centres
    ]


def school_rows(programme_id: int, centre_ids: list[int], centres: list[CentreSpec]) -> list[Row]:
    result = []
    for cid, (code, _title, _seat, specs) in zip(centre_ids, centres, strict=True):
        for i, (name, town, fields) in enumerate(specs):
            result.append(
                {
                    "programme_id": programme_id,
                    "centre_id": cid,
                    "code": f"{code}-{i + 1:02d}",
                    "name": name,
                    "municipality": town,
                    "vocational_fields": "|".join(fields),
                    "target_helpers": 0,
                }
            )
    return result


def user_rows(rng: random.Random, platform_id: int, prefix: str, count: int) -> list[Row]:
    result = []
    for i in range(count):
        family, given = rng.choice(names.SURNAMES), rng.choice(names.GIVEN_NAMES)
        result.append(
            {
                "platform_id": platform_id,
                "sub": f"{prefix}-{i}",
                "name": f"{family} {given}",
                "family_name": family,
                "given_name": given,
                "preferred_language": "hu",
            }
        )
    return result


def mentor_rows(
    rng: random.Random, user_ids: list[int], homes: list[SchoolInfo], *, wide: bool
) -> list[Row]:
    """Certified mentors' profiles: languages, fields of their school, min/max helpers."""
    return [
        {
            "user_id": uid,
            "home_school_id": homes[i].id,
            "languages": "hu|en" if rng.random() < 0.25 else "hu",
            "vocational_fields": "|".join(homes[i].fields),
            "min_helpers": rng.choice((0, 0, 1)),
            "max_helpers": rng.choice((8, 10, 12, 14)) if wide else rng.choice((4, 5, 6, 8)),
        }
        for i, uid in enumerate(user_ids)
    ]


def placement_rows(
    rng: random.Random,
    mentors: list[MentorInfo],
    schools: list[SchoolInfo],
    without: set[int],
    second_share: float,
    now: datetime,
) -> tuple[list[Row], dict[int, list[MentorInfo]]]:
    """Mentors placed at their home school, some also at a second school of the same centre."""
    by_centre: dict[int, list[SchoolInfo]] = {}
    for s in schools:
        by_centre.setdefault(s.centre_id, []).append(s)
    result: list[Row] = []
    placed: dict[int, list[MentorInfo]] = {}
    for m in mentors:
        if m.home.id in without:
            continue
        targets = {m.home.id}
        if rng.random() < second_share:
            targets.add(rng.choice(by_centre[m.home.centre_id]).id)
        for sid in sorted(targets - without):
            result.append(
                {"mentor_id": m.id, "school_id": sid, "status": "active", "placed_at": now}
            )
            placed.setdefault(sid, []).append(m)
    return result, placed


def helper_rows(
    rng: random.Random, schools: list[SchoolInfo], count: int, today: date, now: datetime
) -> list[Row]:
    """Students: display name with an initial, grade, field, birth year only, consent by age."""
    result = []
    for j in range(count):
        school = schools[j % len(schools)]
        grade = rng.choice((9, 10, 11, 12, 13))
        birth = today.year - grade - 6 + rng.choice((0, 0, -1))
        result.append(
            {
                "school_id": school.id,
                "display_name": f"{rng.choice(names.STUDENT_NAMES)} {rng.choice(names.INITIALS)}.",
                "school_year": grade,
                "vocational_field": rng.choice(school.fields),
                "language": "hu" if rng.random() < 0.97 else "en",
                "start_date": today,
                "birth_year": birth,
                "consent_by": "guardian" if today.year - birth - 1 < 16 else "self",
                "consent_recorded_at": now,
            }
        )
    return result


def targets(helpers: list[Row]) -> list[Row]:
    """Each school's target: one more helper than it has (so coverage is never quite full)."""
    counts: dict[int, int] = {}
    for row in helpers:
        counts[row["school_id"]] = counts.get(row["school_id"], 0) + 1
    return [{"id": sid, "target_helpers": n + 1} for sid, n in counts.items()]


def link_rows(
    rng: random.Random,
    helper_ids: list[int],
    helpers: list[Row],
    placed: dict[int, list[MentorInfo]],
    mentors: list[MentorInfo],
    share: float,
    now: datetime,
) -> list[Row]:
    """Published links for a share of the helpers, to the least-loaded mentor of their school."""
    load: dict[int, int] = {m.id: 0 for m in mentors}
    result = []
    for hid, row in zip(helper_ids, helpers, strict=True):
        options = [m for m in placed.get(row["school_id"], []) if load[m.id] < m.max_helpers]
        if options and rng.random() < share:
            chosen = min(options, key=lambda m: load[m.id])
            load[chosen.id] += 1
            result.append(
                {
                    "helper_id": hid,
                    "mentor_id": chosen.id,
                    "status": "published",
                    "published_at": now,
                }
            )
    return result
