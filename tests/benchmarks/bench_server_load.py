"""Load test: N processes, each logged in as its own coder role, code one server project at once.

    python -m tests.benchmarks.bench_server_load      # 20 coders, LOAD_SECONDS (default 60)

Env: LOAD_SECONDS, LOAD_CODERS, LOAD_MIXED (0: tag toggles only), ANNOTATOR_TEST_PG_URL (a
superuser URL; otherwise a throwaway cluster is started with scripts/pg-test-cluster.sh). Records
its row for the README's speed table (``python -m tests.benchmarks --readme bench_server_load``).

Most actions toggle a tag on a shared plan (Project.toggle_tag); mixed in are splits of the
coder's own clauses (and their tags), accepted link suggestions between two plans, and attempts to
split a shared clause colleagues have coded, which the confinement must refuse. Every action runs
through the services' unit of work. After the run each coder's tags must equal what its
acknowledged actions imply, every annotation they wrote must exist, every clause their splits made
must be where the split put it, and every link they accepted must be live.
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
PRIVATE_PER_CODER = 4
LINK_TARGETS = 30
# Shares of the actions that are not tag toggles.
SPLIT_OWN, ACCEPT_LINK, SPLIT_SHARED = 0.04, 0.04, 0.02


@dataclass
class WorkerResult:
    coder_id: str
    latencies: list[float] = field(default_factory=list)
    retries: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    expected: dict[tuple[int, str], bool] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)
    # Own clauses: id -> (start, end) after every acknowledged split.
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    splits: int = 0
    links: set[tuple[int, int]] = field(default_factory=set)
    refused: int = 0


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
    splits: int = 0
    links: int = 0
    refused: int = 0

    def lines(self) -> list[str]:
        return [
            f"{self.coders} coders x {self.seconds:.0f} s: {self.actions} acknowledged actions, "
            f"{self.throughput:.0f} actions/s",
            f"latency p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, max {self.max_ms:.1f} ms",
            f"mixed in: {self.splits} splits of own clauses, {self.links} link accepts, "
            f"{self.refused} refused splits of colleagues' clauses",
            f"retried: {self.retries or 'none'}; unhandled errors: {len(self.errors)}; "
            f"lost or wrong after the run: {len(self.lost)}",
            *[f"  error: {e}" for e in self.errors[:10]],
            *[f"  lost: {e}" for e in self.lost[:10]],
        ]


@dataclass
class Job:
    url: str
    coder_id: str
    clauses: list[int]  # the shared plan's clauses
    categories: list[str]
    seconds: float
    seed: int
    private: dict[int, tuple[int, int]]  # this coder's own clauses in the private plan
    link_targets: list[int]
    mixed: bool = True


def _worker(job: Job, start: Any, results: Any) -> None:
    from annotator.core.errors import AnnotatorError, EditError
    from annotator.services import clauses as clause_service
    from annotator.services import links as link_service
    from annotator.services.project import Project
    from annotator.storage.server import open_server_engine, retry_transient

    rng = random.Random(job.seed)
    result = WorkerResult(job.coder_id, spans=dict(job.private))

    def count(state: str) -> None:
        result.retries[state] = result.retries.get(state, 0) + 1

    project = Project(open_server_engine(job.url))
    state: dict[tuple[int, str], bool] = {}
    me = job.coder_id

    def toggle(clause: int, category: str) -> Any:
        edit = retry_transient(lambda: project.toggle_tag(me, clause, category), on_retry=count)
        state[(clause, category)] = not state.get((clause, category), False)
        return edit

    with project.engine.connect() as conn:
        shared_key = conn.execute(
            text("SELECT document_key FROM clause WHERE id = :c"), {"c": job.clauses[0]}
        ).scalar_one()

    def absorb(edit: Any) -> None:
        """Follow a split: new clause places, and tags copied to the second half."""
        for change in edit.changes:
            after = change.after
            if change.table == "clause" and after is not None:
                result.spans[int(after["id"])] = (int(after["start"]), int(after["end"]))
            elif change.table == "annotation" and after is not None and not after["deleted"]:
                state[(int(after["clause_id"]), str(after["category_key"]))] = True

    own = set(job.private)  # clauses only this coder works on (its splits add to them)

    def split_own() -> Any:
        clause = rng.choice(sorted(own))
        lo, hi = result.spans[clause]
        if hi - lo < 12:
            return toggle(clause, rng.choice(job.categories))
        if rng.random() < 0.5:  # a tagged clause: the split must carry the tag to both halves
            toggle(clause, rng.choice(job.categories))
        edit = retry_transient(
            lambda: clause_service.split_clause(project, clause, (lo + hi) // 2, me),
            on_retry=count,
        )
        absorb(edit)
        own.update(c.key[0] for c in edit.changes if c.table == "clause")
        result.splits += 1
        return edit

    def accept_link() -> Any:
        pair = (rng.choice(job.clauses), rng.choice(job.link_targets))
        edit = retry_transient(lambda: link_service.accept(project, *pair, me), on_retry=count)
        result.links.add(pair)
        return edit

    def split_shared() -> Any:
        clause = rng.choice(job.clauses)
        info = next(c for c in project.clauses(shared_key) if c.id == clause)
        try:
            edit = retry_transient(
                lambda: clause_service.split_clause(
                    project, clause, (info.start + info.end) // 2, me
                ),
                on_retry=count,
            )
            absorb(edit)  # nobody had coded it yet: allowed, and it is now this coder's split
            return edit
        except EditError:  # refused: a colleague coded it (checked, or caught by the server)
            result.refused += 1
            return None

    start.wait()  # every worker connected first, then all start together
    deadline = time.time() + job.seconds
    try:
        while time.time() < deadline:
            roll = rng.random() if job.mixed else 1.0
            started = time.perf_counter()
            try:
                if roll < SPLIT_OWN:
                    edit = split_own()
                elif roll < SPLIT_OWN + ACCEPT_LINK:
                    edit = accept_link()
                elif roll < SPLIT_OWN + ACCEPT_LINK + SPLIT_SHARED:
                    edit = split_shared()
                else:
                    edit = toggle(rng.choice(job.clauses), rng.choice(job.categories))
            except AnnotatorError as exc:
                result.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            result.latencies.append(time.perf_counter() - started)
            if edit is not None:
                result.written.update(c.key[0] for c in edit.changes if c.table == "annotation")
    finally:
        project.close()
    result.expected = state
    results.put(result)


def run_load(admin_url: str, coders: int, seconds: float, *, mixed: bool = True) -> LoadReport:
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
    # Each coder's own clauses, long enough to split several times; and a plan to link to.
    private_text = "".join(
        f"{i}. Clause {i} belongs to one coder and has enough words to be split again "
        "and again by that coder alone.\n"
        for i in range(1, coders * PRIVATE_PER_CODER + 1)
    )
    private = owner.clauses(owner.import_text("Own clauses", private_text).document_key)
    targets_text = "".join(f"{i}. Counterpart {i} of the plan.\n" for i in range(1, LINK_TARGETS))
    targets = [
        c.id for c in owner.clauses(owner.import_text("Revision", targets_text).document_key)
    ]
    base = make_url(admin_url).set(database=database)
    jobs = []
    for i in range(coders):
        role, password = f"{database}_c{i}", f"pw{i}-{uuid.uuid4().hex[:6]}"
        coder_id = add_coder_role(owner.engine, role, password)
        url = base.set(username=role, password=password).render_as_string(hide_password=False)
        own = private[i * PRIVATE_PER_CODER : (i + 1) * PRIVATE_PER_CODER]
        jobs.append(
            Job(
                url,
                coder_id,
                clauses,
                categories,
                seconds,
                i,
                {c.id: (c.start, c.end) for c in own},
                targets,
                mixed,
            )
        )
    # fork: the workers start at once with everything imported (spawn re-imports SQLAlchemy in
    # each); the owner's pooled connections are closed first so no socket is shared.
    owner.engine.dispose()
    forks = "fork" in multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork") if forks else multiprocessing.get_context("spawn")
    start, queue = ctx.Barrier(coders), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(job, start, queue)) for job in jobs]
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
            placed = {
                r[0]: (r[1], r[2])
                for r in conn.execute(
                    text('SELECT id, start, "end" FROM clause WHERE id = ANY(:ids)'),
                    {"ids": list(res.spans)},
                )
            }
            if placed != res.spans:
                lost.append(
                    f"{res.coder_id}: {len(set(placed.items()) ^ set(res.spans.items()))}"
                    " clause places differ from its splits"
                )
            linked = {
                (r[0], r[1])
                for r in conn.execute(
                    text(
                        "SELECT source_clause_id, target_clause_id FROM clause_link "
                        "WHERE NOT deleted AND status = 'accepted'"
                    )
                )
            }
            if res.links - linked:
                lost.append(f"{res.coder_id}: {len(res.links - linked)} accepted links missing")
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
        splits=sum(r.splits for r in results),
        links=sum(len(r.links) for r in results),
        refused=sum(r.refused for r in results),
    )


def record_row(report: LoadReport, *, mixed: bool) -> None:
    """The run's row for the README's speed table (tests.helpers.bench.record)."""
    from tests.helpers.bench import record

    what = "tag toggles, splits, link accepts, refused splits" if mixed else "tag toggles"
    record(
        f"Team server load: {report.coders} coder processes × {report.seconds:.0f} s ({what})",
        f"{report.throughput:.0f} actions/s, p50 {report.p50_ms:.0f} ms, p95 "
        f"{report.p95_ms:.0f} ms; {len(report.lost)} lost or wrong after the run",
        "—",
        None,
        goal="nothing lost",
        order=60,
    )


def main() -> int:
    from tests.helpers.bench import tiny
    from tests.server.conftest import start_cluster, stop_cluster

    seconds = float(os.environ.get("LOAD_SECONDS", tiny("60", "2")))
    coders = int(os.environ.get("LOAD_CODERS", tiny("20", "2")))
    mixed = os.environ.get("LOAD_MIXED", "1") != "0"
    url, folder = start_cluster()
    try:
        report = run_load(url, coders, seconds, mixed=mixed)
    finally:
        stop_cluster(folder)
    print("\n".join(report.lines()))
    record_row(report, mixed=mixed)
    return 0 if not report.errors and not report.lost else 1


if __name__ == "__main__":
    sys.exit(main())
