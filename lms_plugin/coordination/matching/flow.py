"""The matcher's min-cost flow on arrays: one graph for every independent group of schools.

Pure (numpy and OR-Tools, no database). The input is columns, not objects, so a national run
(20,000 waiting helpers, 5,000 mentors, ~110,000 candidate pairs) builds its graph with a few
vectorised operations instead of Python loops; `matcher.solve` encodes its dataclasses into this
form and the database path (`services.run`) fills it straight from query rows.

The rules are those of `matcher` (see its docstring). Each group of schools linked by shared
mentors keeps its own lexicographic weights (minimum places first, then the number linked, then
the soft cost), sized for that group as before; the groups share no arc, so one solve of their
union finds each group's optimum at once (a sum of independent parts is least when each part
is).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

NO_MENTOR_PLACED = "no_mentor_placed"
NO_CERTIFIED_MENTOR = "no_certified_mentor"
ALL_BANNED = "all_banned"
NO_CAPACITY = "no_capacity"
REASONS = (NO_MENTOR_PLACED, NO_CERTIFIED_MENTOR, ALL_BANNED, NO_CAPACITY)

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class Weights:
    """Soft costs (non-negative integers)."""

    balance: int = 10
    field_mismatch: int = 20
    no_shared_language: int = 15


@dataclass(frozen=True)
class ArrayProblem:
    """The matcher's input as columns. Positions (`*_pos`) index the mentor/helper arrays.

    Fields and languages are small integer codes of one vocabulary each; a helper's field code
    is -1 when it has none (no field penalty).
    """

    helper_ids: Ints
    helper_school: Ints  # school id
    helper_field: Ints  # field code, -1: none
    helper_language: Ints  # language code
    mentor_ids: Ints
    mentor_min: Ints
    mentor_max: Ints
    mentor_load: Ints  # helpers already linked
    mentor_certified: Bools
    place_mentor: Ints  # mentor position of each (mentor, school) placement
    place_school: Ints  # school id
    mentor_field_pos: Ints  # (mentor position, field code) pairs: the mentor's fields
    mentor_field_code: Ints
    mentor_language_pos: Ints  # (mentor position, language code) pairs
    mentor_language_code: Ints
    banned_helper_pos: Ints  # banned (helper position, mentor position) pairs
    banned_mentor_pos: Ints
    weights: Weights = Weights()


@dataclass(frozen=True)
class ArrayResult:
    assigned_helper_pos: Ints  # helper position -> mentor position, pairwise
    assigned_mentor_pos: Ints
    unmatched_helper_pos: Ints
    unmatched_reason: Ints  # index into REASONS
    shortfall_mentor_pos: Ints  # mentors below their minimum and by how many
    shortfall: Ints
    soft_cost: int
    components: int


def ints(values: object) -> Ints:
    return np.asarray(values, dtype=np.int64)


def _keys(a: Ints, b: Ints, width: int) -> Ints:
    return a * np.int64(max(width, 1)) + b


def _components(place_mentor: Ints, place_school_idx: Ints, n_schools: int) -> Ints:
    """A group label per school: schools sharing a mentor are in one group (union-find)."""
    parent = list(range(n_schools))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[int, int] = {}
    for m, s in zip(place_mentor.tolist(), place_school_idx.tolist(), strict=True):
        if m in first:
            a, b = find(first[m]), find(s)
            if a != b:
                parent[b] = a
        else:
            first[m] = s
    roots = np.fromiter((find(s) for s in range(n_schools)), dtype=np.int64, count=n_schools)
    return np.unique(roots, return_inverse=True)[1].astype(np.int64)


@dataclass(frozen=True)
class Built:
    """Every group's graph, and the candidate pairs their first arcs stand for."""

    graphs: list[Graph]
    pair_helper_pos: Ints
    pair_mentor_pos: Ints
    components: int  # groups of schools with at least one waiting helper


def solve_arrays(p: ArrayProblem) -> ArrayResult:
    """The optimal assignment and why each unmatched helper is left (see `matcher`)."""
    built = build_graphs(p)
    chosen = [g.first_pair + solve_graph(g) for g in built.graphs]
    picked = np.concatenate(chosen) if chosen else ints([])
    assigned_h, assigned_m = built.pair_helper_pos[picked], built.pair_mentor_pos[picked]
    n_m, w, load = len(p.mentor_ids), p.weights, p.mentor_load
    usable = p.mentor_certified & (p.mentor_max - load > 0)
    placed = np.zeros(n_m, dtype=bool)
    placed[p.place_mentor] = True
    counts = np.bincount(assigned_m, minlength=n_m).astype(np.int64)
    soft = int(
        pair_cost_of(p, assigned_h, assigned_m).sum()
        + w.balance * (counts * load + counts * (counts + 1) // 2).sum()
    )
    need = np.maximum(0, p.mentor_min - load) - counts
    short = np.flatnonzero(usable & placed & (need > 0)).astype(np.int64)
    unmatched_pos, reasons = _reasons(p, assigned_h)
    return ArrayResult(
        assigned_helper_pos=assigned_h,
        assigned_mentor_pos=assigned_m,
        unmatched_helper_pos=unmatched_pos,
        unmatched_reason=reasons,
        shortfall_mentor_pos=short,
        shortfall=need[short],
        soft_cost=soft,
        components=built.components,
    )


def build_graphs(p: ArrayProblem) -> Built:
    """The candidate pairs (hard rules applied, soft costs priced) and each group's graph."""
    w = p.weights
    n_h, n_m = len(p.helper_ids), len(p.mentor_ids)
    free = np.maximum(0, p.mentor_max - p.mentor_load)
    usable = p.mentor_certified & (free > 0)
    keep = usable[p.place_mentor]
    pm_all, ps_all = p.place_mentor[keep], p.place_school[keep]
    schools = np.unique(ps_all)
    ps_idx = np.searchsorted(schools, ps_all)
    # (school, mentor) placements in mentor order within each school, without repeats.
    order = np.lexsort((pm_all, ps_idx))
    pm, ps_idx = pm_all[order], ps_idx[order]
    if len(pm):
        fresh = np.ones(len(pm), dtype=bool)
        fresh[1:] = (pm[1:] != pm[:-1]) | (ps_idx[1:] != ps_idx[:-1])
        pm, ps_idx = pm[fresh], ps_idx[fresh]
    group_of_school = _components(pm, ps_idx, len(schools))

    # Helpers at a school with a usable mentor take part; the others are only given a reason.
    h_school_idx = np.searchsorted(schools, p.helper_school)
    h_school_idx = np.minimum(h_school_idx, max(len(schools) - 1, 0))
    present = (
        (schools[h_school_idx] == p.helper_school) if len(schools) else np.zeros(n_h, dtype=bool)
    )
    h_pos = np.flatnonzero(present).astype(np.int64)
    h_group = group_of_school[h_school_idx[h_pos]] if len(h_pos) else ints([])
    h_order = np.lexsort((h_pos, h_group))  # by group, then in input order
    h_pos, h_group = h_pos[h_order], h_group[h_order]
    n_groups = int(group_of_school.max()) + 1 if len(schools) else 0
    groups_with_helpers = np.unique(h_group)

    # Candidate pairs: every helper with every placement at its school (mentor order).
    starts = np.searchsorted(ps_idx, np.arange(len(schools) + 1))
    h_sidx = h_school_idx[h_pos]
    per_helper = (starts[h_sidx + 1] - starts[h_sidx]) if len(h_pos) else ints([])
    pair_h = np.repeat(np.arange(len(h_pos), dtype=np.int64), per_helper)  # row in h_pos
    offsets = np.arange(len(pair_h), dtype=np.int64) - np.repeat(
        np.cumsum(per_helper) - per_helper, per_helper
    )
    pair_m = pm[np.repeat(starts[h_sidx], per_helper) + offsets]
    pair_hpos = h_pos[pair_h]
    if len(p.banned_helper_pos) and len(pair_h):
        banned = np.isin(
            _keys(pair_hpos, pair_m, n_m), _keys(p.banned_helper_pos, p.banned_mentor_pos, n_m)
        )
        pair_h, pair_m, pair_hpos = pair_h[~banned], pair_m[~banned], pair_hpos[~banned]
    pair_cost = pair_cost_of(p, pair_hpos, pair_m)

    # Each group's weights, sized for it: soft_max bounds its soft cost.
    pair_group = h_group[pair_h]
    helpers_in = np.bincount(h_group, minlength=n_groups).astype(np.int64)
    max_pair = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(max_pair, pair_group, pair_cost)
    mentor_group = np.full(n_m, -1, dtype=np.int64)
    mentor_group[pm] = group_of_school[ps_idx]
    top_level = np.zeros(n_groups, dtype=np.int64)
    placed_mentors = np.unique(pm)
    np.maximum.at(top_level, mentor_group[placed_mentors], p.mentor_max[placed_mentors])
    soft_max = helpers_in * (max_pair + w.balance * top_level)
    w_match = soft_max + 1
    w_min = w_match * (helpers_in + 1) + soft_max + 1
    has_pairs = np.zeros(n_groups, dtype=bool)
    has_pairs[pair_group] = True

    graphs: list[Graph] = []
    if len(pair_h):
        graphs = list(
            _graphs(
                p,
                w,
                h_pos,
                h_group,
                has_pairs,
                w_min,
                w_match,
                pair_h,
                pair_m,
                pair_cost,
                placed_mentors,
                mentor_group,
            )
        )
    return Built(graphs, pair_hpos, pair_m, len(groups_with_helpers))


def pair_cost_of(p: ArrayProblem, helper_pos: Ints, mentor_pos: Ints) -> Ints:
    """The soft cost of each (helper, mentor) link, without the balance term."""
    w = p.weights
    n_fields = int(max(p.helper_field.max(initial=0), p.mentor_field_code.max(initial=0))) + 1
    n_langs = int(max(p.helper_language.max(initial=0), p.mentor_language_code.max(initial=0))) + 1
    hf, hl = p.helper_field[helper_pos], p.helper_language[helper_pos]
    field_ok = (hf < 0) | np.isin(
        _keys(mentor_pos, hf, n_fields), _keys(p.mentor_field_pos, p.mentor_field_code, n_fields)
    )
    lang_ok = np.isin(
        _keys(mentor_pos, hl, n_langs),
        _keys(p.mentor_language_pos, p.mentor_language_code, n_langs),
    )
    cost = np.where(field_ok, 0, w.field_mismatch) + np.where(lang_ok, 0, w.no_shared_language)
    return cost.astype(np.int64)


def _graphs(
    p: ArrayProblem,
    w: Weights,
    h_pos: Ints,
    h_group: Ints,
    has_pairs: Bools,
    w_min: Ints,
    w_match: Ints,
    pair_h: Ints,
    pair_m: Ints,
    pair_cost: Ints,
    placed_mentors: Ints,
    mentor_group: Ints,
) -> Iterator[Graph]:
    """Every group's graph, built with array operations (the groups are then solved one by one:
    many small solves are several times faster than one solve of their union).

    A group's nodes: 0 source, 1 sink, 2.. its helpers (input order), then its mentors (input
    order). Its arcs: the candidate pairs first (helper by helper, so their flows are read by
    index), then source -> helper and helper -> sink (left unmatched, at the group's price of a
    lost link and a lost minimum place) for each helper, then one unit arc per free place of
    each mentor, its cost rising with the load (convex balance).
    """
    n_groups = len(has_pairs)
    # Helper rows are sorted by group; a helper's node is its rank in its group.
    h_start = np.searchsorted(h_group, np.arange(n_groups + 1))
    helper_node = 2 + np.arange(len(h_pos), dtype=np.int64) - h_start[h_group]
    helpers_in = h_start[1:] - h_start[:-1]
    # Mentors sorted by group, then input order; a mentor's node follows its group's helpers.
    m_order = np.lexsort((placed_mentors, mentor_group[placed_mentors]))
    mentors = placed_mentors[m_order]
    m_group = mentor_group[mentors]
    m_start = np.searchsorted(m_group, np.arange(n_groups + 1))
    mentor_node = np.zeros(len(p.mentor_ids), dtype=np.int64)
    mentor_node[mentors] = (
        2 + helpers_in[m_group] + np.arange(len(mentors), dtype=np.int64) - m_start[m_group]
    )
    # Pair arcs (already grouped: pairs follow the helper rows).
    pair_group = h_group[pair_h]
    p_start = np.searchsorted(pair_group, np.arange(n_groups + 1))
    pair_tails, pair_heads = helper_node[pair_h], mentor_node[pair_m]
    # source -> helper, helper -> sink, interleaved per helper.
    side_tails = np.stack([np.zeros(len(h_pos), dtype=np.int64), helper_node], 1).ravel()
    side_heads = np.stack([helper_node, np.ones(len(h_pos), dtype=np.int64)], 1).ravel()
    side_costs = np.stack(
        [np.zeros(len(h_pos), dtype=np.int64), (w_min + w_match)[h_group]], 1
    ).ravel()
    # mentor -> sink: one arc per free place, level = current load + 1 .. max.
    start, stop = p.mentor_load[mentors] + 1, p.mentor_max[mentors] + 1
    places = np.maximum(0, stop - start)
    level_mentor = np.repeat(mentors, places)
    first_of = np.repeat(np.cumsum(places) - places, places)
    level = np.repeat(start, places) + np.arange(len(level_mentor), dtype=np.int64) - first_of
    level_group = mentor_group[level_mentor]
    level_costs = w.balance * level + np.where(
        level > p.mentor_min[level_mentor], w_min[level_group], 0
    )
    l_start = np.searchsorted(level_group, np.arange(n_groups + 1))
    level_tails = mentor_node[level_mentor]
    level_heads = np.ones(len(level_mentor), dtype=np.int64)

    for g in np.flatnonzero(has_pairs).tolist():
        pa, pb = p_start[g], p_start[g + 1]
        sa, sb = 2 * h_start[g], 2 * h_start[g + 1]
        la, lb = l_start[g], l_start[g + 1]
        yield Graph(
            np.concatenate([pair_tails[pa:pb], side_tails[sa:sb], level_tails[la:lb]]).astype(
                np.int32
            ),
            np.concatenate([pair_heads[pa:pb], side_heads[sa:sb], level_heads[la:lb]]).astype(
                np.int32
            ),
            np.concatenate([pair_cost[pa:pb], side_costs[sa:sb], level_costs[la:lb]]),
            int(helpers_in[g]),
            int(pa),
            int(pb - pa),
        )


@dataclass(frozen=True)
class Graph:
    """One group's min-cost flow: unit-capacity arcs; its pair arcs come first."""

    tails: NDArray[np.int32]
    heads: NDArray[np.int32]
    costs: Ints
    helpers: int  # the source's supply
    first_pair: int  # where its pairs start in the run's pair arrays
    pairs: int


def solve_graph(graph: Graph) -> Ints:
    """OR-Tools on one group; the indexes (within the group) of the pair arcs that carry flow."""
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        graph.tails, graph.heads, np.ones(len(graph.tails), dtype=np.int64), graph.costs
    )
    flow.set_nodes_supplies(
        np.array([0, 1], dtype=np.int32),
        np.array([graph.helpers, -graph.helpers], dtype=np.int64),
    )
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.flatnonzero(flow.flows(np.arange(graph.pairs, dtype=np.int32))).astype(np.int64)


def _reasons(p: ArrayProblem, assigned_h: Ints) -> tuple[Ints, Ints]:
    """For every helper left without a mentor, why (an index into REASONS)."""
    n_h, n_m = len(p.helper_ids), len(p.mentor_ids)
    left = np.ones(n_h, dtype=bool)
    left[assigned_h] = False
    pos = np.flatnonzero(left).astype(np.int64)
    if not len(pos):
        return pos, ints([])
    schools, place_s = np.unique(p.place_school, return_inverse=True)
    # Distinct (mentor, school) placements, so a repeated row counts once.
    pairs = np.unique(_keys(place_s.astype(np.int64), p.place_mentor, n_m))
    pl_school, pl_mentor = pairs // max(n_m, 1), pairs % max(n_m, 1)
    placed = np.bincount(pl_school, minlength=len(schools))
    certified = np.bincount(
        pl_school, weights=p.mentor_certified[pl_mentor], minlength=len(schools)
    ).astype(np.int64)
    hs = np.searchsorted(schools, p.helper_school[pos])
    hs_ok = hs < len(schools)
    hs = np.minimum(hs, max(len(schools) - 1, 0))
    at_school = hs_ok & (schools[hs] == p.helper_school[pos]) if len(schools) else hs_ok
    n_placed = np.where(at_school, placed[hs] if len(schools) else 0, 0)
    n_cert = np.where(at_school, certified[hs] if len(schools) else 0, 0)
    # Banned certified mentors placed at the helper's own school, per helper.
    n_banned = np.zeros(n_h, dtype=np.int64)
    if len(p.banned_helper_pos) and len(schools):
        bh, bm = p.banned_helper_pos, p.banned_mentor_pos
        bs = np.searchsorted(schools, p.helper_school[bh])
        bs_ok = bs < len(schools)
        bs = np.minimum(bs, len(schools) - 1)
        there = bs_ok & (schools[bs] == p.helper_school[bh])
        there &= np.isin(_keys(bs, bm, n_m), pairs) & p.mentor_certified[bm]
        unique_bans = np.unique(_keys(bh[there], bm[there], n_m))
        np.add.at(n_banned, unique_bans // max(n_m, 1), 1)
    reason = np.full(len(pos), REASONS.index(NO_CAPACITY), dtype=np.int64)
    reason[n_cert - n_banned[pos] <= 0] = REASONS.index(ALL_BANNED)
    reason[n_cert == 0] = REASONS.index(NO_CERTIFIED_MENTOR)
    reason[n_placed == 0] = REASONS.index(NO_MENTOR_PLACED)
    return pos, reason
