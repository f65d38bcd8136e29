"""The README's speed table, made from benchmark results: ``python -m tests.benchmarks --readme``.

Every benchmark reports its rows through :func:`tests.helpers.bench.record`; under ``--readme`` they
are collected, stamped with the machine and the date of the run, and stored in
``tests/benchmarks/results.json`` (rows of benchmarks that did not run this time are kept with their
own stamps). The table between the markers below in README.md is then written anew from that file,
so the README always shows the latest run of each benchmark and where and when it was measured.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "tests" / "benchmarks" / "results.json"
README = ROOT / "README.md"
BEGIN = "<!-- speed-table:begin (python -m tests.benchmarks --readme) -->"
END = "<!-- speed-table:end -->"


def machine() -> str:
    """This machine in a few words: CPU model, cores, OS and Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}"


def collect(module: str, lines_file: Path, stamp: dict[str, str]) -> list[dict[str, Any]]:
    """The rows one benchmark module recorded, stamped with the run's date and machine."""
    if not lines_file.exists():
        return []
    rows = []
    for line in lines_file.read_text("utf-8").splitlines():
        row = json.loads(line)
        rows.append({**row, "bench": module, **stamp})
    return rows


def update(new_rows: list[dict[str, Any]], ran: list[str]) -> list[dict[str, Any]]:
    """Replace the stored rows of the modules that ran by ``new_rows``; store and return all."""
    old = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else []
    rows = [r for r in old if r["bench"] not in ran] + new_rows
    rows.sort(key=lambda r: (r.get("order", 50), r["bench"], r["job"]))
    RESULTS.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table, with a numbered note per distinct (date, machine) stamp."""
    stamps: dict[tuple[str, str], int] = {}
    for r in rows:
        stamps.setdefault((r["date"], r["machine"]), len(stamps) + 1)
    out = [
        "| Job | Plan Annotator | Floor, same run | Ratio | Goal | Run |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        ratio = "—" if r.get("ratio") is None else _ratio(r["ratio"])
        out.append(
            f"| {r['job']} | {r['figure']} | {r['floor']} | {ratio} | {r.get('goal') or '—'} "
            f"| {stamps[(r['date'], r['machine'])]} |"
        )
    out.append("")
    for (date, where), n in stamps.items():
        out.append(f"Run {n}: measured {date} on {where}.  ")
    return "\n".join(out).rstrip() + "\n"


def _ratio(value: float) -> str:
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def rewrite_readme(rows: list[dict[str, Any]]) -> None:
    """Put the table between the markers of README.md (added at the end of Speed if missing)."""
    text = README.read_text("utf-8")
    block = f"{BEGIN}\n{table(rows)}{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(text, "utf-8")


def stamp_now() -> dict[str, str]:
    """The run's stamp: UTC date and time, and the machine."""
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine()}


if __name__ == "__main__":  # regenerate the table from the stored results only
    rewrite_readme(json.loads(RESULTS.read_text("utf-8")))
    sys.exit(0)
