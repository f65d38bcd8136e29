"""Every subcommand against every kind of bad input: one line on stderr, exit 2, nothing changed.

The inputs are real files on disk made to be wrong the way users' files are: missing, a folder,
empty, binary garbage, a newer format version, a damaged project (pages overwritten from outside),
another program's database, a text file given as the project, and outputs into a read-only folder
(a remounted tmpfs when we may mount, else a folder the user cannot write).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.cli.main import run
from annotator.services.project import Project

ROOT = Path(__file__).resolve().parents[2]
EXCHANGE = ROOT / "tests" / "fixtures" / "exchange_small.json"
PLAN = "".join(f"{i}. The parties agree to clause {i} of this framework.\n" for i in range(1, 401))


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _can_mount() -> bool:
    if os.name != "posix" or os.geteuid() != 0:
        return False
    probe = Path(tempfile.mkdtemp(prefix="annotator-mount-probe-"))
    try:
        ok = _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe))
        if ok:
            subprocess.run(["umount", str(probe)], capture_output=True)
        return ok
    finally:
        probe.rmdir()


@contextlib.contextmanager
def read_only_folder(where: Path) -> Iterator[Path]:
    """A folder no write can land in: a read-only tmpfs (root), else /sys (root without mount),
    else mode 0555 (other users)."""
    where.mkdir()
    if _can_mount():
        assert _mount("-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(where))
        try:
            yield where
        finally:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)
        return
    if os.geteuid() == 0:  # root ignores modes and may not mount (a container): sysfs refuses
        yield Path("/sys")  # to create files for anyone (EACCES, or EROFS when mounted ro)
        return
    where.chmod(0o555)
    try:
        yield where
    finally:
        where.chmod(0o755)


def corrupt_middle(path: Path, pages: int = 3) -> None:
    """Overwrite pages in the middle of an SQLite file from outside, as a failing disk would."""
    size = path.stat().st_size
    page = 4096
    assert size >= 8 * page, "the project must be big enough to have a middle"
    with path.open("r+b") as fh:
        fh.seek(page * (size // page // 2))
        fh.write(random.Random(7).randbytes(page * pages))


def make_project(path: Path) -> None:
    project = Project.open(path, seed_samples=False)
    try:
        key = project.import_text("Framework", PLAN).document_key
        coder = project.add_coder("Olena").id
        for clause in project.clauses(key)[:50]:
            project.toggle_tag(coder, clause.id, "economic")
    finally:
        project.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    base = tmp_path_factory.mktemp("bad")
    good = base / "good.sqlite"
    make_project(good)
    damaged = base / "damaged.sqlite"
    make_project(damaged)
    corrupt_middle(damaged)
    newer = base / "newer.sqlite"
    make_project(newer)
    with contextlib.closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num='9999'")
    foreign = base / "foreign.sqlite"
    with contextlib.closing(sqlite3.connect(foreign)) as conn, conn:
        conn.execute("PRAGMA application_id=1234")
        conn.execute("CREATE TABLE invoice (id INTEGER)")
    garbage = random.Random(3).randbytes(5000)
    made = {
        "good": good,
        "damaged": damaged,
        "newer": newer,
        "foreign": foreign,
        "dir": base / "a-folder",
        "missing_json": base / "missing.json",
        "missing_txt": base / "missing.txt",
        "missing_csv": base / "missing.csv",
    }
    made["dir"].mkdir()
    for suffix in ("json", "txt", "csv", "qdpx", "docx", "pdf", "qdc", "sqlite"):
        (base / f"empty.{suffix}").write_bytes(b"")
        (base / f"garbage.{suffix}").write_bytes(garbage)
        made[f"empty_{suffix}"] = base / f"empty.{suffix}"
        made[f"garbage_{suffix}"] = base / f"garbage.{suffix}"
    future = json.loads(EXCHANGE.read_text("utf-8"))
    future["version"] = 99
    made["future_json"] = base / "future.json"
    made["future_json"].write_text(json.dumps(future), "utf-8")
    made["table"] = base / "table.csv"
    made["table"].write_text("olena,petro\n1,1\n2,2\n1,2\n", "utf-8")
    made["header_csv"] = base / "header.csv"
    made["header_csv"].write_text("unit,olena,petro\n", "utf-8")
    made["plan-as-project"] = base / "plan.txt"
    made["plan-as-project"].write_text(PLAN, "utf-8")
    made["exchange"] = base / "exchange.json"
    made["exchange"].write_bytes(EXCHANGE.read_bytes())
    with read_only_folder(base / "read-only") as ro:
        made["ro"] = ro
        yield made


BAD_FILES = ("missing_json", "dir", "empty_json", "garbage_json", "future_json")
BAD_PLANS = ("missing_txt", "dir", "empty_txt", "garbage_docx", "garbage_pdf", "garbage_txt")
# An empty file is a new project to import into (``touch p.sqlite``), but none to read from.
BAD_PROJECTS = ("damaged", "newer", "foreign", "plan-as-project", "dir", "garbage_sqlite")
BAD_PROJECTS_READ = (*BAD_PROJECTS, "empty_sqlite", "missing_json")
BAD_TABLES = ("missing_csv", "dir", "empty_csv", "garbage_csv", "header_csv")


def _cases() -> list[tuple[str, list[str]]]:
    """(id, argv template); {x} is the bad file, {good}, {ex}, {ro} the others."""
    cases: list[tuple[str, list[str]]] = []

    def add(name: str, argv: list[str], bad: tuple[str, ...]) -> None:
        cases.extend((f"{name}[{b}]", [a.replace("{x}", "{" + b + "}") for a in argv]) for b in bad)

    add("segment", ["segment", "{x}"], BAD_PLANS)
    add("import-file", ["import", "{x}", "--project", "{good}"], (*BAD_FILES, *BAD_PLANS))
    add("import-qdpx", ["import", "{x}", "--project", "{good}"], ("garbage_qdpx", "empty_qdpx"))
    add("import-into", ["import", "{exchange}", "--project", "{x}"], BAD_PROJECTS)
    for fmt, out in (("exchange", "o.json"), ("xlsx", "o.xlsx"), ("qdpx", "o.qdpx")):
        add(
            f"export-{fmt}-from",
            ["export", "-f", fmt, "-o", "{dir}/" + out, "--project", "{x}"],
            BAD_PROJECTS_READ,
        )
        cases.append(
            (
                f"export-{fmt}-to-ro",
                ["export", "-f", fmt, "-o", "{ro}/" + out, "--project", "{good}"],
            )
        )
    cases.append(
        ("export-onto-folder", ["export", "-f", "long", "-o", "{dir}", "--project", "{good}"])
    )
    # An option a format cannot honour is refused, never silently ignored.
    for fmt, flag in (
        ("codebook", ["--coder", "Olena"]),
        ("qdc", ["--consensus"]),
        ("exchange", ["--bom"]),
        ("exchange", ["--fixed-time", "2026-01-01T00:00:00Z"]),
        ("long", ["--fixed-time", "2026-01-01T00:00:00Z"]),
        ("xlsx", ["--bom"]),
        ("qdpx", ["--bom"]),
    ):
        argv = ["export", "-f", fmt, "-o", "{dir}/out", "--project", "{good}", *flag]
        cases.append((f"export-{fmt}-refuses-{flag[0].lstrip('-')}", argv))
    argv = ["export", "-f", "exchange", "--consensus", "-o", "{dir}/c.json", "--project", "{good}"]
    cases.append(("export-consensus-none-yet", argv))
    add("merge", ["merge", "{x}", "{exchange}", "-o", "{dir}/m.json"], BAD_FILES)
    cases.append(("merge-to-ro", ["merge", "{exchange}", "-o", "{ro}/m.json"]))
    cases.append(("merge-onto-folder", ["merge", "{exchange}", "-o", "{dir}"]))
    add("agreement", ["agreement", "{x}"], BAD_FILES)
    add("agreement-table", ["agreement", "--table", "{x}"], BAD_TABLES)
    add("agreement-project", ["agreement", "--project", "{x}"], BAD_PROJECTS_READ)
    cases.append(("agreement-bootstrap-neg", ["agreement", "{exchange}", "--bootstrap", "-5"]))
    cases.append(
        ("agreement-table-category", ["agreement", "--table", "{table}", "--category", "x"])
    )
    cases.append(("agreement-table-seed-alone", ["agreement", "--table", "{table}", "--seed", "3"]))
    cases.append(
        (
            "agreement-seed-no-bootstrap",
            ["agreement", "{exchange}", "--bootstrap", "0", "--seed", "3"],
        )
    )
    cases.append(
        ("codebook-convert-json", ["codebook", "convert", "{exchange}", "{dir}/c.qdc", "--json"])
    )
    add("compare", ["compare", "{x}"], BAD_FILES)
    add("compare-project", ["compare", "--project", "{x}"], BAD_PROJECTS_READ)
    add("codebook", ["codebook", "{x}"], (*BAD_FILES, "garbage_qdc", "empty_qdc"))
    cases.append(("codebook-convert-to-ro", ["codebook", "convert", "{exchange}", "{ro}/c.qdc"]))
    add("info", ["info", "--project", "{x}"], BAD_PROJECTS_READ)
    add(
        "team-sync",
        ["team", "sync", "postgresql://nobody@127.0.0.1:9/none", "{x}"],
        ("damaged", "foreign", "missing_json", "plan-as-project"),
    )
    return cases


CASES = _cases()


def _snapshot(folder: Path) -> dict[str, str]:
    state = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        state[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return state


@pytest.mark.parametrize(("argv"), [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    argv: list[str], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.format(**files) for a in argv]
    base = files["good"].parent
    before = _snapshot(base)
    capsys.readouterr()
    try:
        code = run(args)
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert _snapshot(base) == before


# -- the entry point: unknown commands and flags never start the window --------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["--frobnicate"],
        ["-x"],
        ["--project"],
        ["--project", "p.sqlite", "info"],
        ["info", "--frob"],
        ["merge"],
        ["team", "frob"],
    ],
    ids=[
        "command",
        "long-flag",
        "short-flag",
        "missing-value",
        "command-last",
        "sub-flag",
        "sub-missing",
        "sub-sub",
    ],
)
def test_entry_point_usage_errors(argv: list[str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "annotator", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "PySide6" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # no project, no settings: the window never started


def test_no_display_is_one_line(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "plan.txt"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no display" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_export_coder_narrows_qdpx_and_exchange(tmp_path: Path, files: dict[str, Path]) -> None:
    import zipfile

    project = str(files["good"])
    out = tmp_path / "olena.qdpx"
    assert (
        run(["export", "-f", "qdpx", "--coder", "Olena", "-o", str(out), "--project", project]) == 0
    )
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert 'name="Olena"' in qde
    exchange = tmp_path / "olena.json"
    argv = ["export", "-f", "exchange", "--coder", "Olena", "-o", str(exchange)]
    assert run([*argv, "--project", project]) == 0
    assert [c["name"] for c in json.loads(exchange.read_text("utf-8"))["coders"]] == ["Olena"]


def test_bootstrap_works_with_a_table(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    table = str(files["table"])
    capsys.readouterr()
    assert run(["agreement", "--table", table, "--bootstrap", "200", "--seed", "4", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    ci = first["krippendorff_alpha_ci"]
    assert ci["samples"] == 200 and ci["seed"] == 4 and ci["low"] <= ci["high"]
    assert run(["agreement", "--table", table, "--bootstrap", "200", "--seed", "4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first  # seeded: reproducible
    assert run(["agreement", "--table", table, "--json"]) == 0
    assert "krippendorff_alpha_ci" not in json.loads(capsys.readouterr().out)
    assert run(["agreement", "--table", table, "--bootstrap", "50"]) == 0
    assert "(50 resamples)" in capsys.readouterr().out
