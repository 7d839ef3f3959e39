"""What coordination answers for the features below it: whether an administrator or coordinator
may read a person's records (their tenant and their programme/centre scope)."""

from __future__ import annotations

from typing import Any

from lms_plugin import providers


def _may_read_person(launch: Any, user_id: int) -> bool:
    from lms_plugin.coordination.scope import may_read_person

    return bool(may_read_person(launch, user_id))


def register() -> None:
    providers.provide("may_read_person", _may_read_person)
