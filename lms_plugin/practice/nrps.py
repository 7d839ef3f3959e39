"""Names and Role Provisioning as Moodle answers it: short role names, `Link` header paging."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from lti1p3platform.membership import Context, ContextMembership
from lti1p3platform.utils import dataclass_to_dict

from lms_plugin.practice import urls
from lms_plugin.practice.roster import COURSE, PEOPLE, Person
from lms_plugin.practice.services import link_in


@dataclass(frozen=True)
class MembershipPage:
    body: dict[str, Any]
    link_header: str | None


def member_json(who: Person) -> dict[str, Any]:
    return {
        "status": "Active",
        "roles": who.short_roles,
        "user_id": who.sub,
        "lis_person_sourcedid": "",
        "name": who.name,
        "given_name": who.given_name,
        "family_name": who.family_name,
        "email": who.email,
    }


def _int(args: Mapping[str, str], name: str, default: int | None, minimum: int) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}")
    return int(raw)


def memberships_page(args: Mapping[str, str]) -> MembershipPage:
    """One page (`limit`, `from`) of the roster, optionally filtered by `role` or `rlid`.

    The second page's Link header lacks the angle brackets, as some Moodle answers do.
    """
    limit = _int(args, "limit", None, 1)
    start = _int(args, "from", 0, 0) or 0
    rlid = args.get("rlid")
    if rlid and (not rlid.isdigit() or link_in(COURSE.context_id, int(rlid)) is None):
        raise ValueError("rlid is not an activity of this course")
    role = (args.get("role") or "").rsplit("#", 1)[-1]
    people = [p for p in PEOPLE if not role or role in p.short_roles]
    chosen = people[start : start + limit] if limit else people[start:]
    envelope = ContextMembership(
        id=urls.memberships_url(COURSE.context_id),
        context=Context(id=COURSE.context_id, label=COURSE.label, title=COURSE.title),
    )
    body: dict[str, Any] = dataclass_to_dict(envelope)
    body["members"] = [member_json(p) for p in chosen]
    link_header = None
    if limit and start + limit < len(people):
        query = {k: v for k, v in args.items() if k not in ("from", "limit")}
        query.update({"limit": str(limit), "from": str(start + limit)})
        next_url = f"{urls.memberships_url(COURSE.context_id)}?{urlencode(query)}"
        bare = start == limit  # the second page
        link_header = f"{next_url};rel=next" if bare else f"<{next_url}>;rel=next"
    return MembershipPage(body=body, link_header=link_header)
