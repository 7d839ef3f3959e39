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

BENCHMARKS = (
    "lti_launch",
    "lesson_load",
    "concurrent_launches",
    "fuzz",
    "progress_cohort",
    "coordination_matcher",
    "coordination_dashboard",
)
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
TIMEOUT = 1800


def run(name: str) -> dict[str, Any]:
    """One benchmark in its own process; its JSON (or its text, for the text-printing ones)."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
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
    if name == "lti_launch" and data:
        tool, base = data["tool_login_plus_launch"], data["baseline_verify_write_render"]
        return (
            name,
            f"login+launch median {_ms(tool)}, p95 {_ms(tool, 'p95_ms')}",
            f"verify+write+render median {_ms(base)}; ratio {data['ratio_median']}×",
            "≤ 1.5×",
            verdict,
        )
    if name == "lesson_load" and data:
        lesson, base = data["lesson_page"], data["baseline_healthz"]
        return (
            name,
            f"50 users: p50 {lesson['p50_ms']} / p95 {lesson['p95_ms']} "
            f"/ p99 {lesson['p99_ms']} ms, "
            f"{lesson['errors']} errors, {lesson['throughput_rps']} req/s",
            f"/healthz same load: p50 {base['p50_ms']} / p95 {base['p95_ms']} "
            f"/ p99 {base['p99_ms']} ms",
            "p95 ≤ 50 ms, 0 errors",
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
    if name == "progress_cohort" and data:
        page = _get(data, "page_http", "median_ms")
        verdict = verdict if page is None else ("met" if page <= 300 else "missed")
        return (
            name,
            f"matrix {_ms(data.get('matrix'))}, page {_ms(data.get('page_http'))}",
            f"SELECT of 500 {_ms(data.get('baseline_select_500'))}",
            "≤ 300 ms",
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
