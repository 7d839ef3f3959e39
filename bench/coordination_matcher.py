"""Benchmark: the matcher at national scale (50,000 helpers, 5,000 mentors, 1,000 schools).

Run: .venv/bin/python bench/coordination_matcher.py [--helpers N --mentors N --schools N]
Prints time and peak memory (tracemalloc for Python objects, ru_maxrss for the whole process).
Targets: <= 5 s, <= 1 GB.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms_plugin.coordination.matching.matcher import HelperIn, MentorIn, Problem, solve

FIELDS = ("informatika", "gépészet", "egészségügy", "kereskedelem", "vendéglátás", "építőipar")
TARGET_SECONDS = 5.0
TARGET_BYTES = 1024**3


def national_problem(helpers: int, mentors: int, schools: int, seed: int = 7) -> Problem:
    """Random but realistic: ~10% of mentors serve two schools of the same centre; a few bans."""
    rng = random.Random(seed)
    mentor_list = []
    for i in range(mentors):
        home = i % schools
        placed = {home}
        if rng.random() < 0.1:
            placed.add((home // 10) * 10 + rng.randrange(10) if schools >= 10 else home)
        lo = rng.choice((0, 0, 1, 2))
        mentor_list.append(
            MentorIn(
                id=i + 1,
                school_ids=frozenset(s for s in placed if s < schools),
                min_helpers=lo,
                max_helpers=lo + rng.choice((6, 8, 10, 12)),
                current_load=rng.choice((0, 0, 0, 1)),
                certified=rng.random() > 0.03,
                languages=frozenset({"hu", "en"} if rng.random() < 0.3 else {"hu"}),
                fields=frozenset(rng.sample(FIELDS, 2)),
            )
        )
    helper_list = [
        HelperIn(
            id=j + 1,
            school_id=rng.randrange(schools),
            field=rng.choice(FIELDS),
            language="hu" if rng.random() < 0.95 else "en",
        )
        for j in range(helpers)
    ]
    banned = frozenset(
        (rng.randrange(1, helpers + 1), rng.randrange(1, mentors + 1))
        for _ in range(helpers // 100)
    )
    return Problem(mentors=tuple(mentor_list), helpers=tuple(helper_list), banned=banned)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--helpers", type=int, default=50_000)
    parser.add_argument("--mentors", type=int, default=5_000)
    parser.add_argument("--schools", type=int, default=1_000)
    args = parser.parse_args()
    problem = national_problem(args.helpers, args.mentors, args.schools)
    started = time.perf_counter()
    result = solve(problem)
    elapsed = time.perf_counter() - started
    # A second run under tracemalloc for the peak of Python allocations (tracing slows it down).
    tracemalloc.start()
    traced_started = time.perf_counter()
    solve(problem)
    traced = time.perf_counter() - traced_started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    print(
        f"matcher: {args.helpers} helpers, {args.mentors} mentors, {args.schools} schools, "
        f"{result.components} independent groups"
    )
    print(f"  matched {len(result.assignments)}, unmatched {len(result.unmatched)}")
    print(f"  time {elapsed:.2f} s (target <= {TARGET_SECONDS:.0f} s)")
    print(f"  time under tracemalloc {traced:.2f} s")
    print(f"  peak traced Python memory {peak / 1e6:.1f} MB; process max RSS {rss / 1e6:.1f} MB")
    ok = elapsed <= TARGET_SECONDS and rss <= TARGET_BYTES
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
