"""The helper-to-mentor matcher: an exact min-cost flow per independent group of schools.

Pure functions over dataclasses (no database), so it is testable and benchmarkable on its own.

Hard rules: a helper only goes to a certified mentor placed (actively) at the helper's school,
never to a banned mentor, and no mentor exceeds `max_helpers` (counting `current_load`, the
helpers already linked). The optimum is lexicographic:
1. fill as many of the mentors' minimum places as possible (all of them whenever that is possible),
2. then link as many helpers as possible,
3. then the least soft cost: `balance * k` for a mentor's k-th helper (convex, so load spreads),
   plus penalties for a different vocational field and for no shared language.
Schools that share a mentor are solved together; all other schools are independent subproblems.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lms_plugin.coordination.matching.flow import (
    ALL_BANNED,
    NO_CAPACITY,
    NO_CERTIFIED_MENTOR,
    NO_MENTOR_PLACED,
    REASONS,
    ArrayProblem,
    Weights,
    ints,
    solve_arrays,
)

__all__ = [
    "ALL_BANNED",
    "NO_CAPACITY",
    "NO_CERTIFIED_MENTOR",
    "NO_MENTOR_PLACED",
    "REASONS",
    "HelperIn",
    "MatchResult",
    "MentorIn",
    "Problem",
    "Weights",
    "solve",
]


@dataclass(frozen=True)
class MentorIn:
    """A mentor as the matcher sees them; `school_ids` are the schools of active placements."""

    id: int
    school_ids: frozenset[int]
    min_helpers: int = 0
    max_helpers: int = 4
    current_load: int = 0
    certified: bool = True
    languages: frozenset[str] = frozenset({"hu"})
    fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HelperIn:
    """A helper waiting for a mentor."""

    id: int
    school_id: int
    field: str = ""
    language: str = "hu"


@dataclass(frozen=True)
class Problem:
    mentors: tuple[MentorIn, ...]
    helpers: tuple[HelperIn, ...]
    banned: frozenset[tuple[int, int]] = frozenset()  # (helper_id, mentor_id)
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class MatchResult:
    assignments: dict[int, int]  # helper id -> mentor id
    unmatched: dict[int, str]  # helper id -> reason code
    min_shortfall: dict[int, int]  # mentor id -> helpers still missing to reach the minimum
    soft_cost: int
    components: int


def free_places(mentor: MentorIn) -> int:
    return max(0, mentor.max_helpers - mentor.current_load)


def pair_cost(helper: HelperIn, mentor: MentorIn, weights: Weights) -> int:
    """The soft cost of one link, without the balance term."""
    cost = 0
    if helper.field and helper.field not in mentor.fields:
        cost += weights.field_mismatch
    if helper.language not in mentor.languages:
        cost += weights.no_shared_language
    return cost


def is_eligible(helper: HelperIn, mentor: MentorIn, banned: frozenset[tuple[int, int]]) -> bool:
    """The hard rules for one pair (capacity is checked per mentor)."""
    return (
        mentor.certified
        and helper.school_id in mentor.school_ids
        and (helper.id, mentor.id) not in banned
    )


def soft_cost(problem: Problem, assignments: dict[int, int]) -> int:
    """The soft cost of a complete assignment (pair costs plus the convex balance cost)."""
    mentors = {m.id: m for m in problem.mentors}
    helpers = {h.id: h for h in problem.helpers}
    w = problem.weights
    total = sum(pair_cost(helpers[h], mentors[m], w) for h, m in assignments.items())
    counts: dict[int, int] = defaultdict(int)
    for m in assignments.values():
        counts[m] += 1
    for m, c in counts.items():
        load = mentors[m].current_load
        total += w.balance * sum(range(load + 1, load + c + 1))
    return total


def solve(problem: Problem) -> MatchResult:
    """The optimal assignment (see the module docstring) and why each unmatched helper is left."""
    arrays = encode(problem)
    found = solve_arrays(arrays)
    helper_ids, mentor_ids = arrays.helper_ids.tolist(), arrays.mentor_ids.tolist()
    return MatchResult(
        assignments={
            helper_ids[h]: mentor_ids[m]
            for h, m in zip(
                found.assigned_helper_pos.tolist(), found.assigned_mentor_pos.tolist(), strict=True
            )
        },
        unmatched={
            helper_ids[h]: REASONS[r]
            for h, r in zip(
                found.unmatched_helper_pos.tolist(), found.unmatched_reason.tolist(), strict=True
            )
        },
        min_shortfall={
            mentor_ids[m]: n
            for m, n in zip(
                found.shortfall_mentor_pos.tolist(), found.shortfall.tolist(), strict=True
            )
        },
        soft_cost=found.soft_cost,
        components=found.components,
    )


def encode(problem: Problem) -> ArrayProblem:
    """The dataclasses as the columns `flow.solve_arrays` works on."""
    fields: dict[str, int] = {}
    languages: dict[str, int] = {}
    mentor_pos = {m.id: i for i, m in enumerate(problem.mentors)}
    helper_pos = {h.id: i for i, h in enumerate(problem.helpers)}
    place = [(i, s) for i, m in enumerate(problem.mentors) for s in sorted(m.school_ids)]
    m_fields = [
        (i, fields.setdefault(f, len(fields)))
        for i, m in enumerate(problem.mentors)
        for f in sorted(m.fields)
    ]
    m_langs = [
        (i, languages.setdefault(x, len(languages)))
        for i, m in enumerate(problem.mentors)
        for x in sorted(m.languages)
    ]
    bans = [
        (helper_pos[h], mentor_pos[m])
        for h, m in sorted(problem.banned)
        if h in helper_pos and m in mentor_pos
    ]
    return ArrayProblem(
        helper_ids=ints([h.id for h in problem.helpers]),
        helper_school=ints([h.school_id for h in problem.helpers]),
        helper_field=ints(
            [fields.setdefault(h.field, len(fields)) if h.field else -1 for h in problem.helpers]
        ),
        helper_language=ints(
            [languages.setdefault(h.language, len(languages)) for h in problem.helpers]
        ),
        mentor_ids=ints([m.id for m in problem.mentors]),
        mentor_min=ints([m.min_helpers for m in problem.mentors]),
        mentor_max=ints([m.max_helpers for m in problem.mentors]),
        mentor_load=ints([m.current_load for m in problem.mentors]),
        mentor_certified=ints([m.certified for m in problem.mentors]).astype(bool),
        place_mentor=ints([i for i, _ in place]),
        place_school=ints([s for _, s in place]),
        mentor_field_pos=ints([i for i, _ in m_fields]),
        mentor_field_code=ints([c for _, c in m_fields]),
        mentor_language_pos=ints([i for i, _ in m_langs]),
        mentor_language_code=ints([c for _, c in m_langs]),
        banned_helper_pos=ints([h for h, _ in bans]),
        banned_mentor_pos=ints([m for _, m in bans]),
        weights=problem.weights,
    )
