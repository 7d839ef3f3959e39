"""The matcher: hard rules always hold; optimal (checked against brute force) on small cases."""

from __future__ import annotations

import itertools
import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from lms_plugin.coordination.matching.matcher import (
    ALL_BANNED,
    NO_CAPACITY,
    NO_CERTIFIED_MENTOR,
    NO_MENTOR_PLACED,
    HelperIn,
    MentorIn,
    Problem,
    Weights,
    solve,
)

FIELDS = ("it", "mech", "health")


def random_problem(rng: random.Random, helpers: int, mentors: int, schools: int) -> Problem:
    mentor_list = []
    for m in range(mentors):
        placed = frozenset(rng.sample(range(schools), rng.choice((1, 1, 2)) if schools > 1 else 1))
        lo = rng.choice((0, 0, 1, 2))
        mentor_list.append(
            MentorIn(
                id=100 + m,
                school_ids=placed,
                min_helpers=lo,
                max_helpers=lo + rng.choice((0, 1, 2)),
                current_load=rng.choice((0, 0, 1)),
                certified=rng.random() > 0.15,
                languages=frozenset(rng.sample(("hu", "en", "de"), rng.choice((1, 2)))),
                fields=frozenset(rng.sample(FIELDS, rng.choice((0, 1, 2)))),
            )
        )
    helper_list = [
        HelperIn(
            id=h,
            school_id=rng.randrange(schools),
            field=rng.choice((*FIELDS, "")),
            language=rng.choice(("hu", "hu", "en", "de")),
        )
        for h in range(helpers)
    ]
    banned = frozenset(
        (h.id, m.id) for h in helper_list for m in mentor_list if rng.random() < 0.15
    )
    weights = Weights(
        balance=rng.choice((0, 1, 10)),
        field_mismatch=rng.choice((0, 7, 20)),
        no_shared_language=rng.choice((0, 5, 15)),
    )
    return Problem(
        mentors=tuple(mentor_list), helpers=tuple(helper_list), banned=banned, weights=weights
    )


def allowed(problem: Problem, h: HelperIn, m: MentorIn) -> bool:
    return m.certified and h.school_id in m.school_ids and (h.id, m.id) not in problem.banned


def assert_hard_rules(problem: Problem, assignments: dict[int, int]) -> None:
    mentors = {m.id: m for m in problem.mentors}
    helpers = {h.id: h for h in problem.helpers}
    for h, m in assignments.items():
        mentor = mentors[m]
        assert mentor.certified, "a helper went to a mentor without a valid certificate"
        assert helpers[h].school_id in mentor.school_ids, (
            "a helper went to a mentor of another school"
        )
        assert (h, m) not in problem.banned, "a banned pair was linked"
    for m, count in Counter(assignments.values()).items():
        assert mentors[m].current_load + count <= mentors[m].max_helpers, (
            "a mentor exceeds the maximum"
        )


def objective(problem: Problem, assignments: dict[int, int]) -> tuple[int, int, int]:
    """Computed independently of the solver: (min places filled, helpers matched, -soft cost)."""
    w = problem.weights
    mentors = {m.id: m for m in problem.mentors}
    helpers = {h.id: h for h in problem.helpers}
    counts = Counter(assignments.values())
    filled = sum(
        min(c, max(0, mentors[m].min_helpers - mentors[m].current_load)) for m, c in counts.items()
    )
    soft = 0
    for h, m in assignments.items():
        if helpers[h].field and helpers[h].field not in mentors[m].fields:
            soft += w.field_mismatch
        if helpers[h].language not in mentors[m].languages:
            soft += w.no_shared_language
    for m, c in counts.items():
        soft += sum(
            w.balance * k
            for k in range(mentors[m].current_load + 1, mentors[m].current_load + c + 1)
        )
    return filled, len(assignments), -soft


def brute_force_best(problem: Problem) -> tuple[int, int, int]:
    """Every assignment of every helper to no one or an allowed mentor; the best objective."""
    options = [
        [None] + [m.id for m in problem.mentors if allowed(problem, h, m)] for h in problem.helpers
    ]
    mentors = {m.id: m for m in problem.mentors}
    best = None
    for combo in itertools.product(*options):
        assignments = {
            h.id: m for h, m in zip(problem.helpers, combo, strict=True) if m is not None
        }
        if any(
            mentors[m].current_load + c > mentors[m].max_helpers
            for m, c in Counter(assignments.values()).items()
        ):
            continue
        value = objective(problem, assignments)
        if best is None or value > best:
            best = value
    assert best is not None
    return best


def test_matches_brute_force_on_small_random_cases() -> None:
    rng = random.Random(20261)
    checked = 0
    for _ in range(150):
        problem = random_problem(
            rng, helpers=rng.randint(1, 6), mentors=rng.randint(1, 3), schools=rng.randint(1, 2)
        )
        result = solve(problem)
        assert_hard_rules(problem, result.assignments)
        assert objective(problem, result.assignments) == brute_force_best(problem)
        checked += 1
    assert checked == 150


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    helpers=st.integers(0, 40),
    mentors=st.integers(0, 8),
    schools=st.integers(1, 4),
)
def test_hard_rules_always_hold(seed: int, helpers: int, mentors: int, schools: int) -> None:
    problem = random_problem(random.Random(seed), helpers, mentors, schools)
    result = solve(problem)
    assert_hard_rules(problem, result.assignments)
    assert set(result.assignments) | set(result.unmatched) == {h.id for h in problem.helpers}
    assert not set(result.assignments) & set(result.unmatched)


def test_minimums_are_met_whenever_possible() -> None:
    mentors = (
        MentorIn(1, frozenset({1}), min_helpers=3, max_helpers=5, fields=frozenset({"it"})),
        MentorIn(2, frozenset({1}), min_helpers=0, max_helpers=5, fields=frozenset({"mech"})),
    )
    # Every helper prefers mentor 2 (same field), but mentor 1 needs three.
    helpers = tuple(HelperIn(i, 1, field="mech") for i in range(4))
    result = solve(Problem(mentors, helpers))
    assert Counter(result.assignments.values())[1] == 3
    assert result.min_shortfall == {}


def test_balance_spreads_helpers_across_mentors() -> None:
    mentors = tuple(MentorIn(i, frozenset({1}), max_helpers=10) for i in (1, 2, 3))
    helpers = tuple(HelperIn(i, 1) for i in range(9))
    result = solve(Problem(mentors, helpers))
    assert sorted(Counter(result.assignments.values()).values()) == [3, 3, 3]


def test_existing_load_counts_against_the_maximum() -> None:
    mentors = (MentorIn(1, frozenset({1}), max_helpers=3, current_load=2),)
    result = solve(Problem(mentors, tuple(HelperIn(i, 1) for i in range(3))))
    assert len(result.assignments) == 1
    assert sorted(result.unmatched.values()) == [NO_CAPACITY, NO_CAPACITY]


def test_every_unmatched_helper_has_the_reason() -> None:
    mentors = (
        MentorIn(1, frozenset({1}), max_helpers=1),
        MentorIn(2, frozenset({2}), certified=False),
        MentorIn(3, frozenset({3}), max_helpers=2),
    )
    helpers = (
        HelperIn(10, 1),
        HelperIn(11, 1),  # one place only at school 1
        HelperIn(20, 2),  # only an uncertified mentor at school 2
        HelperIn(30, 3),  # banned from the only mentor at school 3
        HelperIn(40, 4),  # nobody at school 4
    )
    result = solve(Problem(mentors, helpers, banned=frozenset({(30, 3)})))
    assert len([h for h in (10, 11) if h in result.assignments]) == 1
    reasons = dict(result.unmatched)
    assert NO_CAPACITY in (reasons.get(10), reasons.get(11))
    assert reasons[20] == NO_CERTIFIED_MENTOR
    assert reasons[30] == ALL_BANNED
    assert reasons[40] == NO_MENTOR_PLACED


def test_a_mentor_at_two_schools_is_shared_optimally() -> None:
    shared = MentorIn(1, frozenset({1, 2}), max_helpers=2)
    only_one = MentorIn(2, frozenset({1}), max_helpers=2)
    helpers = (HelperIn(1, 1), HelperIn(2, 1), HelperIn(3, 2), HelperIn(4, 2))
    result = solve(Problem((shared, only_one), helpers))
    # School 2 can only be served by the shared mentor: both places go there, school 1 to mentor 2.
    assert result.assignments == {1: 2, 2: 2, 3: 1, 4: 1}
    assert result.components == 1
