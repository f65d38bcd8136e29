"""Load test: N processes, each logged in as its own coder role, toggle tags on one server project.

    python -m tests.benchmarks.bench_server_load      # 20 coders, LOAD_SECONDS (default 60)

Env: LOAD_SECONDS, LOAD_CODERS, ANNOTATOR_TEST_PG_URL (a superuser URL; otherwise a throwaway
cluster is started with scripts/pg-test-cluster.sh). Every action goes through Project.toggle_tag
inside retry_transient; afterwards each coder's tags on the server must equal the state its
acknowledged actions imply, and every annotation an acknowledged action wrote must exist.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

PLAN_CLAUSES = 120


@dataclass
class WorkerResult:
    coder_id: str
    latencies: list[float] = field(default_factory=list)
    retries: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    expected: dict[tuple[int, str], bool] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)


@dataclass
class LoadReport:
    coders: int
    seconds: float
    actions: int
    throughput: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    retries: dict[str, int]
    errors: list[str]
    lost: list[str]

    def lines(self) -> list[str]:
        return [
            f"{self.coders} coders x {self.seconds:.0f} s: {self.actions} acknowledged toggles, "
            f"{self.throughput:.0f} actions/s",
            f"latency p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, max {self.max_ms:.1f} ms",
            f"retried: {self.retries or 'none'}; unhandled errors: {len(self.errors)}; "
            f"lost or wrong after the run: {len(self.lost)}",
            *[f"  error: {e}" for e in self.errors[:10]],
            *[f"  lost: {e}" for e in self.lost[:10]],
        ]


def _worker(
    job: tuple[str, str, list[int], list[str], float, int], start: Any, results: Any
) -> None:
    url, coder_id, clauses, categories, seconds, seed = job
    from annotator.core.errors import AnnotatorError
    from annotator.services.project import Project
    from annotator.storage.server import open_server_engine, retry_transient

    rng = random.Random(seed)
    result = WorkerResult(coder_id)

    def count(state: str) -> None:
        result.retries[state] = result.retries.get(state, 0) + 1

    project = Project(open_server_engine(url))
    state: dict[tuple[int, str], bool] = {}
    start.wait()  # every worker connected first, then all start together
    deadline = time.time() + seconds
    try:
        while time.time() < deadline:
            clause, category = rng.choice(clauses), rng.choice(categories)
            started = time.perf_counter()
            try:
                edit = retry_transient(
                    lambda c=clause, k=category: project.toggle_tag(coder_id, c, k),
                    on_retry=count,
                )
            except AnnotatorError as exc:
                result.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            result.latencies.append(time.perf_counter() - started)
            state[(clause, category)] = not state.get((clause, category), False)
            result.written.update(c.key[0] for c in edit.changes if c.table == "annotation")
    finally:
        project.close()
    result.expected = state
    results.put(result)


def run_load(admin_url: str, coders: int, seconds: float) -> LoadReport:
    """Create a team with ``coders`` coder roles and let each toggle tags for ``seconds``."""
    from annotator.services.team import create_team_project
    from annotator.storage.server import add_coder_role

    database = f"load{uuid.uuid4().hex[:8]}"
    owner = create_team_project(admin_url, database)
    plan = "".join(
        f"{i}. Point {i} of the plan, with some words.\n" for i in range(1, PLAN_CLAUSES)
    )
    key = owner.import_text("Load plan", plan).document_key
    clauses = [c.id for c in owner.clauses(key)]
    categories = [c.key for c in owner.categories()]
    base = make_url(admin_url).set(database=database)
    jobs = []
    for i in range(coders):
        role, password = f"{database}_c{i}", f"pw{i}-{uuid.uuid4().hex[:6]}"
        coder_id = add_coder_role(owner.engine, role, password)
        url = base.set(username=role, password=password).render_as_string(hide_password=False)
        jobs.append((url, coder_id, clauses, categories, i))
    # fork: the workers start at once with everything imported (spawn re-imports SQLAlchemy in
    # each); the owner's pooled connections are closed first so no socket is shared.
    owner.engine.dispose()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    start, queue = ctx.Barrier(coders), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=((u, c, cl, ca, seconds, i), start, queue))
        for (u, c, cl, ca, i) in jobs
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join()
    report = _report(owner.engine, results, coders, seconds)
    owner.close()
    return report


def _report(engine: Any, results: list[WorkerResult], coders: int, seconds: float) -> LoadReport:
    lost: list[str] = []
    with engine.connect() as conn:
        for res in results:
            live = {
                (r[0], r[1])
                for r in conn.execute(
                    text(
                        "SELECT clause_id, category_key FROM annotation "
                        "WHERE coder_id = :c AND NOT deleted"
                    ),
                    {"c": res.coder_id},
                )
            }
            wanted = {k for k, on in res.expected.items() if on}
            if live != wanted:
                lost.append(f"{res.coder_id}: {len(wanted ^ live)} tags differ")
            present = {
                r[0]
                for r in conn.execute(
                    text("SELECT id FROM annotation WHERE coder_id = :c"), {"c": res.coder_id}
                )
            }
            missing = res.written - present
            if missing:
                lost.append(f"{res.coder_id}: {len(missing)} annotations missing")
    latencies = sorted(x for r in results for x in r.latencies)
    retries: dict[str, int] = {}
    for r in results:
        for state, n in r.retries.items():
            retries[state] = retries.get(state, 0) + n
    if not latencies:
        latencies = [0.0]
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return LoadReport(
        coders=coders,
        seconds=seconds,
        actions=sum(len(r.latencies) for r in results),
        throughput=sum(len(r.latencies) for r in results) / seconds,
        p50_ms=q[49] * 1000,
        p95_ms=q[94] * 1000,
        max_ms=latencies[-1] * 1000,
        retries=retries,
        errors=[e for r in results for e in r.errors],
        lost=lost,
    )


def main() -> int:
    from tests.server.conftest import start_cluster, stop_cluster

    seconds = float(os.environ.get("LOAD_SECONDS", "60"))
    coders = int(os.environ.get("LOAD_CODERS", "20"))
    url, folder = start_cluster()
    try:
        report = run_load(url, coders, seconds)
    finally:
        stop_cluster(folder)
    print("\n".join(report.lines()))
    return 0 if not report.errors and not report.lost else 1


if __name__ == "__main__":
    sys.exit(main())
