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
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

NO_MENTOR_PLACED = "no_mentor_placed"
NO_CERTIFIED_MENTOR = "no_certified_mentor"
ALL_BANNED = "all_banned"
NO_CAPACITY = "no_capacity"
REASONS = (NO_MENTOR_PLACED, NO_CERTIFIED_MENTOR, ALL_BANNED, NO_CAPACITY)


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
class Weights:
    """Soft costs (non-negative integers)."""

    balance: int = 10
    field_mismatch: int = 20
    no_shared_language: int = 15


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
    usable = [m for m in problem.mentors if m.certified and free_places(m) > 0 and m.school_ids]
    groups = _components(problem.helpers, usable)
    assignments: dict[int, int] = {}
    for helpers, mentors in groups:
        assignments.update(_solve_component(helpers, mentors, problem))
    unmatched = _reasons(problem, assignments)
    counts: dict[int, int] = defaultdict(int)
    for m in assignments.values():
        counts[m] += 1
    shortfall = {
        m.id: need
        for m in usable
        if (need := max(0, m.min_helpers - m.current_load) - counts[m.id]) > 0
    }
    return MatchResult(
        assignments=assignments,
        unmatched=unmatched,
        min_shortfall=shortfall,
        soft_cost=soft_cost(problem, assignments),
        components=len(groups),
    )


def _components(
    helpers: Iterable[HelperIn], mentors: list[MentorIn]
) -> list[tuple[list[HelperIn], list[MentorIn]]]:
    """Group schools linked by shared mentors (union-find); each group is solved on its own."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in mentors:
        schools = sorted(m.school_ids)
        root = find(schools[0])
        for s in schools[1:]:
            other = find(s)
            if other != root:
                parent[other] = root
    by_root_m: dict[int, list[MentorIn]] = defaultdict(list)
    for m in mentors:
        by_root_m[find(min(m.school_ids))].append(m)
    by_root_h: dict[int, list[HelperIn]] = defaultdict(list)
    for h in helpers:
        if h.school_id in parent:
            by_root_h[find(h.school_id)].append(h)
    return [(hs, by_root_m[root]) for root, hs in by_root_h.items()]


def _solve_component(
    helpers: list[HelperIn], mentors: list[MentorIn], problem: Problem
) -> dict[int, int]:
    w = problem.weights
    n_h = len(helpers)
    m_index = {m.id: i for i, m in enumerate(mentors)}
    by_school: dict[int, list[MentorIn]] = defaultdict(list)
    for m in mentors:
        for s in m.school_ids:
            by_school[s].append(m)
    tails: list[int] = []
    heads: list[int] = []
    costs: list[int] = []
    pairs: list[tuple[int, int]] = []
    max_pair = 0
    for hi, h in enumerate(helpers):
        for m in by_school[h.school_id]:
            if (h.id, m.id) in problem.banned:
                continue
            c = pair_cost(h, m, w)
            max_pair = max(max_pair, c)
            tails.append(2 + hi)
            heads.append(2 + n_h + m_index[m.id])
            costs.append(c)
            pairs.append((h.id, m.id))
    if not pairs:
        return {}
    top_level = max(m.max_helpers for m in mentors)
    soft_max = n_h * (max_pair + w.balance * top_level)
    w_match = soft_max + 1
    w_min = w_match * (n_h + 1) + soft_max + 1
    n_pairs = len(pairs)
    # source -> helper, helper -> sink (left unmatched), then the pair arcs.
    for hi in range(n_h):
        tails += [0, 2 + hi]
        heads += [2 + hi, 1]
        costs += [0, w_min + w_match]
    # mentor -> sink: one unit arc per free place; costs rise with the load (convex balance).
    for mi, m in enumerate(mentors):
        for level in range(m.current_load + 1, m.max_helpers + 1):
            tails.append(2 + n_h + mi)
            heads.append(1)
            costs.append(w.balance * level + (w_min if level > m.min_helpers else 0))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.ones(len(tails), dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    flow.set_nodes_supplies(np.array([0, 1], dtype=np.int32), np.array([n_h, -n_h], dtype=np.int64))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(np.arange(n_pairs, dtype=np.int32))
    return {pairs[i][0]: pairs[i][1] for i in np.flatnonzero(used)}


def _reasons(problem: Problem, assignments: dict[int, int]) -> dict[int, str]:
    """Say, for every helper left without a mentor, why."""
    by_school: dict[int, list[MentorIn]] = defaultdict(list)
    for m in problem.mentors:
        for s in m.school_ids:
            by_school[s].append(m)
    reasons: dict[int, str] = {}
    for h in problem.helpers:
        if h.id in assignments:
            continue
        placed = by_school.get(h.school_id, [])
        certified = [m for m in placed if m.certified]
        allowed = [m for m in certified if (h.id, m.id) not in problem.banned]
        if not placed:
            reasons[h.id] = NO_MENTOR_PLACED
        elif not certified:
            reasons[h.id] = NO_CERTIFIED_MENTOR
        elif not allowed:
            reasons[h.id] = ALL_BANNED
        else:
            reasons[h.id] = NO_CAPACITY
    return reasons
