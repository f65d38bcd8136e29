"""Every benchmark still runs and prints its rows: ``python -m tests.benchmarks --smoke``.

CI measures nothing, so without this a change of behaviour could break a benchmark unseen until
the next full run. Each runs at a tiny size (``BENCH_SMOKE=1``: see :mod:`tests.helpers.bench`),
two at a time, in about half a minute; the README's speed table and the stored results stay as
they are.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.ci import unavailable

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
STORED = (ROOT / "README.md", HERE / "results.json")


def _needs_postgres(name: str) -> bool:
    return "start_cluster" in (HERE / f"{name}.py").read_text("utf-8")


def _postgres_missing() -> str | None:
    """Why the server benchmarks cannot run here, or None."""
    if os.environ.get("ANNOTATOR_TEST_PG_URL"):
        return None
    from tests.server.conftest import postgres_bin

    if postgres_bin() is None:
        return "PostgreSQL binaries not installed: the team-server benchmarks did not run"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg not installed: the team-server benchmarks did not run"
    return None


@pytest.mark.slow
def test_every_benchmark_runs_at_a_tiny_size_and_prints_its_rows(tmp_path: Path) -> None:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    missing = _postgres_missing()
    chosen = [m for m in modules if not (missing and _needs_postgres(m))]
    before = [path.read_bytes() for path in STORED]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("BENCH_SCALE", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--smoke", *chosen],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]
    for name in chosen:
        assert f"== {name}\n" in out, name
        assert f"!! {name}" not in out, out[-6000:]
    # Each module's rows are printed as record() prints them: "job: figure  (floor: ...".
    assert out.count("  (floor: ") >= len(chosen)
    assert [path.read_bytes() for path in STORED] == before, "a smoke run wrote the table"
    if missing:
        unavailable(missing)


def test_a_smoke_run_never_rewrites_the_readme() -> None:
    for argv, env in (
        (["--readme", "--smoke"], {}),
        (["--readme"], {"BENCH_SMOKE": "1"}),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks", *argv, "bench_segment"],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert "full-size runs only" in done.stderr


def test_the_load_benchmark_records_its_row_for_the_readme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench_server_load's row, for the run docs/team-server.md reports, reaches the table like
    every other benchmark's."""
    from tests.benchmarks import readme
    from tests.benchmarks.bench_server_load import LoadReport, record_row

    lines = tmp_path / "rows.jsonl"
    monkeypatch.setenv("BENCH_RESULTS", str(lines))
    run = LoadReport(20, 60, 14_618, 243.6, 76.0, 124.0, 1370.0, {}, [], [])
    record_row(run, mixed=True)
    rows = readme.collect("bench_server_load", lines, readme.stamp_now())
    assert len(rows) == 1 and rows[0]["ratio"] is None
    assert rows[0]["job"].startswith("Team server load: 20 coder processes × 60 s")
    assert rows[0]["figure"].startswith("244 actions/s, p50 76 ms, p95 124 ms; 0 lost")
    assert "| Team server load: 20 coder processes × 60 s" in readme.table(rows)
