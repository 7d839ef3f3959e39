"""Run every benchmark, print their results as one JSON document, and rewrite the results table
in docs/benchmarks.md (between the results markers; the findings around it are kept).

Run: make bench   (or .venv/bin/python -m bench.run_all [--only NAME ...])
The load benchmarks need PostgreSQL (BENCH_DATABASE_URL, default: the services.sh database).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import ROOT, machine
from bench.server import DEFAULT_PG

BENCHMARKS = (
    "lti_launch",  # SQLite
    "lti_launch:pg",  # the same on PostgreSQL (stated separately in the table)
    "lesson_load",
    "scale_out",  # one instance against two on PostgreSQL + Redis
    "concurrent_launches",
    "fuzz",
    "progress_cohort",  # SQLite
    "progress_cohort:pg",  # PostgreSQL, with the query plan
    "coordination_matcher",  # SQLite: pilot, national, 10x national, end to end
    "coordination_matcher:pg",  # the same on PostgreSQL
    "coordination_dashboard",
    "coordination_lists",  # every list × first/search/sort/last, dashboard levels, helper CSV
)
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
TIMEOUT = 1800


def run(name: str) -> dict[str, Any]:
    """One benchmark in its own process; its JSON (or its text, for the text-printing ones)."""
    started = time.monotonic()
    module, _, variant = name.partition(":")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if module in ("lti_launch", "progress_cohort", "coordination_matcher"):  # the database named
        env.pop("BENCH_DATABASE_URL", None)
        if variant == "pg":
            env["BENCH_DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG
    try:
        proc = subprocess.run(
            [sys.executable, "-m", f"bench.{module}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=env,
        )
        out, code = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired:
        out, code = "", -1
    result: dict[str, Any] = {
        "name": name,
        "exit_code": code,
        "seconds": round(time.monotonic() - started, 1),
    }
    begin, end = out.find("{"), out.rfind("}")
    try:
        result["result"] = json.loads(out[begin : end + 1]) if begin >= 0 else None
    except ValueError:
        result["result"] = None
    if result["result"] is None:
        result["output"] = out.strip().splitlines()[-12:]
    return result


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _ms(stats: Any, key: str = "median_ms") -> str:
    value = _get(stats, key)
    return f"{value} ms" if value is not None else "—"


def row(entry: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """(benchmark, measured, baseline in the same run, target, verdict) for the table."""
    name, data = entry["name"], entry.get("result")
    ok = "exit 0" if entry["exit_code"] == 0 else f"exit {entry['exit_code']}"
    verdict = {True: "met", False: "missed"}.get(_get(data, "pass"), ok)
    if name.startswith("lti_launch") and data:
        tool = data["tool_login_launch_home"]
        base = data["baseline_login_verify_store_upsert_render"]
        return (
            f"{name.split(':')[0]} ({data.get('database', '?')})",
            f"login+launch+continue+home median {_ms(tool)}, p95 {_ms(tool, 'p95_ms')}; "
            f"{_get(data, 'statements', 'total')} statements",
            f"login + verify + nonce + user upsert + render median {_ms(base)}; "
            f"ratio {data['ratio_median']}×",
            f"≤ {data['target_ratio']}×",
            verdict,
        )
    if name == "lesson_load" and data:
        lesson, bare = data["lesson_open"], data["bare_open"]
        return (
            f"{name} ({data.get('database', '?')})",
            f"open loop {data['open_loop']['rate']:.0f} req/s × "
            f"{data['open_loop']['seconds']:.0f} s: "
            f"p50 {lesson['p50_ms']} / p95 {lesson['p95_ms']} (worst "
            f"{data['lesson_open_worst_p95_ms']}) ms, {lesson['errors']} errors; closed loop "
            f"{data['lesson_closed']['throughput_rps']} req/s",
            f"bare page same gunicorn: p50 {bare['p50_ms']} / p95 {bare['p95_ms']} ms; "
            f"closed loop {data['bare_closed']['throughput_rps']} req/s; "
            f"throughput ratio {data['throughput_ratio']}",
            f"p95 ≤ {data['target_p95_ms']:.0f} ms, 0 errors, throughput ≥ "
            f"{data['target_throughput_ratio']}×",
            verdict,
        )
    if name == "scale_out" and data:
        one, two = data["one_instance"], data["two_instances"]
        return (
            f"{name} ({data.get('database', '?')})",
            f"two instances: {two['throughput_rps']} req/s, p95 {two['p95_ms']} ms; "
            f"{data['errors']} errors",
            f"one instance, same clients: {one['throughput_rps']} req/s, p95 {one['p95_ms']} ms; "
            f"ratio {data['ratio']}×",
            f"≥ {data['target_ratio']}×, 0 errors",
            verdict,
        )
    if name == "concurrent_launches" and data:
        flow, base = data["launch_and_submit"], data["baseline_healthz"]
        return (
            name,
            f"200 × (login, launch, draft, submit): {flow['errors']} errors, "
            f"{data['submitted_in_database']} submitted, "
            f"p50 {flow['p50_ms']} / p95 {flow['p95_ms']} ms",
            f"200 × /healthz at once: p50 {base['p50_ms']} / p95 {base['p95_ms']} ms",
            "0 errors",
            verdict,
        )
    if name == "fuzz" and data:
        return (
            name,
            f"{data['requests']} requests, {data['server_errors_5xx']} × 5xx",
            f"{data['baseline_refused_4xx_share'] * 100:.0f} % refused with 4xx",
            "≥ 10,000, 0 × 5xx",
            verdict,
        )
    if name.startswith("progress_cohort") and data:
        return (
            f"progress_cohort ({data.get('database', '?')})",
            f"page of 100 of 500 trainees median {_ms(data.get('page_500'))}; "
            f"of 5,000: {_ms(data.get('page_5000'))}; {data.get('statements_per_page')} statements",
            f"bare Jinja render of the same 100 rows {_ms(data.get('bare'))}; "
            f"ratio {data.get('ratio_500')}×",
            f"≤ {data.get('target_ratio')}×, ≤ {data.get('target_5000_ms'):.0f} ms at 5,000",
            verdict,
        )
    if name.startswith("coordination_matcher") and data and _get(data, "sizes", "national"):
        national = data["sizes"]["national"]
        growth = ", ".join(
            f"{size} {r['tool_s']} s / {r['peak_rss_mb']} MB" for size, r in data["sizes"].items()
        )
        return (
            f"coordination_matcher ({data.get('database', '?')})",
            f"national end to end {national['tool_s']} s (read {national['read_s']}, solve "
            f"{national['solve_s']}, write {national['write_s']}, commit {national['commit_s']}), "
            f"peak RSS {national['peak_rss_mb']} MB, {national['statements']} statements; "
            f"{growth}",
            f"read + bulk write of the same rows {national['baseline_read_bulk_write_s']} s "
            f"(ratio {national['ratio_to_read_bulk_write']}×); bare OR-Tools "
            f"{national['baseline_ortools_s']} s (ratio {national['ratio_to_ortools']}×)",
            f"≤ {data['target_seconds']:.0f} s, ≤ {data['target_rss_mb']:.0f} MB",
            verdict,
        )
    if name == "coordination_lists" and data:
        pages = data["pages"]
        worst = pages.get(data.get("worst"), {})
        slow = [k for k, v in pages.items() if not v["pass"]]
        csv = data.get("helper_csv") or {}
        return (
            f"{name} ({data.get('database', '?')})",
            f"{len(pages)} list/dashboard pages under gunicorn; worst p95 {data.get('worst')}: "
            f"median {_ms(worst)}, p95 {_ms(worst, 'p95_ms')}"
            + (f"; over target: {', '.join(slow)}" if slow else "")
            + f"; helper CSV {csv.get('lines', '?')} rows median {_ms(csv)}",
            f"SELECT … LIMIT 100 + render, same gunicorn: median {_ms(data['baseline_page'])}; "
            f"csv.writer of the same helpers {_ms(csv.get('baseline'))}",
            f"median ≤ {data['target']['median_ms']:.0f} ms, p95 ≤ "
            f"{data['target']['p95_ms']:.0f} ms; CSV ≤ {data['target']['csv_ms']:.0f} ms",
            verdict,
        )
    text = " ".join(entry.get("output") or [])[-300:] or json.dumps(data)[:300]
    if entry.get("output") and verdict.startswith("exit"):
        verdict = "met" if "PASS" in text else "missed" if "FAIL" in text else verdict
    return (name, text, "(in the output)", "(see script)", verdict)


def write_doc(results: list[dict[str, Any]], started: str, load: str) -> None:
    lines = [
        START,
        f"Measured {started} on: {machine()}; load average at start {load}.",
        "",
        "| benchmark | measured | baseline (same run) | target | |",
        "|---|---|---|---|---|",
    ]
    for entry in results:
        cells = [c.replace("|", "/") for c in row(entry)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(END)
    block = "\n".join(lines)
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS)
    parser.add_argument("--table-from", help="rewrite the table from an earlier run's JSON output")
    args = parser.parse_args()
    if args.table_from:
        earlier = json.loads(Path(args.table_from).read_text())
        write_doc(earlier["results"], earlier["started"], earlier["load_average"])
        return 0
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    results = [run(name) for name in (args.only or BENCHMARKS)]
    json.dump(
        {"machine": machine(), "started": started, "load_average": load, "results": results},
        sys.stdout,
        indent=2,
    )
    print()
    write_doc(results, started, load)
    print_verdicts(results)
    return 0


def print_verdicts(results: list[dict[str, Any]]) -> None:
    """One line per benchmark: what was measured against its baseline, and PASS or FAIL."""
    for entry in results:
        name, measured, baseline, target, verdict = row(entry)
        word = {"met": "PASS", "missed": "FAIL"}.get(verdict, verdict.upper())
        print(f"{word:6} {name}: {measured} | baseline: {baseline} | target {target}")


if __name__ == "__main__":
    raise SystemExit(main())
