"""The first screen's sqlite3 read (start-up, before SQLAlchemy) against the services' reads.

Two read paths of the same rows must stay in step: for the sample project and for generated
projects (plans, clauses split and joined, several coders, tags, spans, none-applies, memos, flags,
a retired category, unicode) :func:`read_first_screen` returns exactly what ``Project`` returns.
Every case the quick read must not handle falls back (None), and the file is never written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError
from annotator.services import clauses as clause_service
from annotator.services import codebook, notes
from annotator.services.first_screen import FirstScreen, read_first_screen
from annotator.services.project import Project
from annotator.services.segmentation import segment_mode, segment_notes
from annotator.storage.first_screen import can_read_quickly
from annotator.storage.lock import lock_path
from tests.helpers.properties import examples

ROOT = Path(__file__).resolve().parents[2]


def expected(project: Project, coder_id: str, key: str) -> tuple[object, ...]:
    """What the services return for the first screen of ``key`` as ``coder_id``."""
    return (
        project.coder(coder_id),
        project.documents(coder_id),
        project.document(key),
        project.clauses(key),
        project.coding(key, coder_id),
        project.categories(),
        segment_mode(project, key),
        segment_notes(project, key),
    )


def got(screen: FirstScreen) -> tuple[object, ...]:
    return (
        screen.coder,
        screen.documents,
        screen.document,
        screen.clauses,
        screen.coding,
        screen.categories,
        screen.segment_mode,
        screen.segment_notes,
    )


def files_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def samples(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    path = tmp_path / "samples.sqlite"
    with Project.open(path, seed_samples=True) as project:
        coder = project.add_coder("Olena").id
        docs = project.documents()
        clauses = project.clauses(docs[1].key)
        cats = project.categories()
        project.toggle_tag(coder, clauses[0].id, cats[0].key)
        project.toggle_span(coder, clauses[1].id, cats[1].key, clauses[1].start, clauses[1].end - 1)
        project.mark_none(coder, clauses[2].id)
        notes.set_clause_memo(project, coder, clauses[3].id, "ask the drafter ✍")
        notes.set_clause_flag(project, coder, clauses[3].id, True)
    yield path, coder


def test_the_sample_project_reads_as_the_services_read_it(samples: tuple[Path, str]) -> None:
    path, coder = samples
    with Project.open(path) as project:
        keys = [d.key for d in project.documents()]
    before = files_beside(path)
    for key in [*keys, None, "gone"]:
        screen = read_first_screen(path, coder_id=coder, coder_name=None, document_key=key)
        assert screen is not None
        shown = key if key in keys else keys[0]  # a plan no longer there: the first
        with Project.open(path) as project:
            assert got(screen) == expected(project, coder, shown)
    assert files_beside(path) == before  # read-only: no lock, no -wal or -shm left behind


def test_the_coder_named_on_the_command_line_wins(samples: tuple[Path, str]) -> None:
    path, coder = samples
    with Project.open(path) as project:
        other = project.add_coder("Ravi").id
    screen = read_first_screen(path, coder_id=other, coder_name="Olena", document_key=None)
    assert screen is not None and screen.coder.id == coder
    screen = read_first_screen(path, coder_id=other, coder_name=None, document_key=None)
    assert screen is not None and screen.coder.id == other


# -- generated projects ----------------------------------------------------------------------------

WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=12,
).filter(lambda w: w.strip() != "")
PLANS = st.lists(
    st.lists(WORDS, min_size=1, max_size=4).map(
        lambda words: "".join(f"{n}. {w} clause text.\n" for n, w in enumerate(words, 1))
    ),
    min_size=1,
    max_size=3,
)
Op = tuple[str, int, int, int, int, str]  # what, coder, plan, clause, category, a word
OPS = st.lists(
    st.tuples(
        st.sampled_from(["tag", "span", "none", "memo", "flag", "split", "join", "retire"]),
        st.integers(0, 2),  # coder
        st.integers(0, 5),  # plan
        st.integers(0, 9),  # clause
        st.integers(0, 9),  # category
        WORDS,
    ),
    max_size=14,
)


def apply(project: Project, coders: list[str], op: Op) -> None:
    kind, c, p, k, g, word = op
    coder = coders[c % len(coders)]
    docs = project.documents()
    key = docs[p % len(docs)].key
    clauses = project.clauses(key)
    clause = clauses[k % len(clauses)]
    cats = project.categories()
    cat = cats[g % len(cats)].key
    try:
        if kind == "tag":
            project.toggle_tag(coder, clause.id, cat)
        elif kind == "span" and clause.end - clause.start > 1:
            project.toggle_span(coder, clause.id, cat, clause.start, clause.start + 1)
        elif kind == "none":
            project.mark_none(coder, clause.id)
        elif kind == "memo":
            notes.set_clause_memo(project, coder, clause.id, word)
        elif kind == "flag":
            notes.toggle_clause_flag(project, coder, clause.id)
        elif kind == "split" and clause.end - clause.start > 2:
            clause_service.split_clause(project, clause.id, (clause.start + clause.end) // 2)
        elif kind == "join":
            clause_service.merge_with_next(project, clause.id)
        elif kind == "retire" and len(cats) > 2:
            codebook.update_category(project, cat, retired=True)
    except AnnotatorError:
        pass  # a refusal (a join at the end, a split another coder's work forbids) changes nothing


@settings(
    max_examples=examples(12, 150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=PLANS, names=st.lists(WORDS.map(str.strip), min_size=1, max_size=3, unique=True), ops=OPS
)
def test_generated_projects_read_as_the_services_read_them(
    tmp_path: Path,
    plans: list[str],
    names: list[str],
    ops: list[Op],
) -> None:
    folder = Path(tempfile_dir(tmp_path))
    path = folder / "p.sqlite"
    with Project.open(path, seed_samples=False) as project:
        for n, text in enumerate(plans):
            with contextlib.suppress(AnnotatorError):  # a text made of spaces is refused
                project.import_text(f"Plan {n} ✓", text, source_name=f"{n}.txt")
        coders = [project.add_coder(name).id for name in names]
        for op in ops:
            apply(project, coders, op)
        keys = [d.key for d in project.documents()]
    for coder, name in zip(coders, names, strict=True):
        for key in keys:
            screen = read_first_screen(path, coder_id=None, coder_name=name, document_key=key)
            assert screen is not None
            with Project.open(path) as project:
                assert got(screen) == expected(project, coder, key)
    shutil.rmtree(folder)


def tempfile_dir(base: Path) -> str:
    return tempfile.mkdtemp(dir=base)  # a fresh folder per example (the fixture's is shared)


# -- what falls back (None) ----------------------------------------------------------------------


def quick(path: Path, coder: str | None = None, name: str | None = None) -> FirstScreen | None:
    return read_first_screen(path, coder_id=coder, coder_name=name, document_key=None)


def test_a_missing_or_new_file_falls_back(tmp_path: Path) -> None:
    assert quick(tmp_path / "none.sqlite", name="Olena") is None
    (tmp_path / "empty.sqlite").write_bytes(b"")
    assert quick(tmp_path / "empty.sqlite", name="Olena") is None
    assert not (tmp_path / "none.sqlite").exists()  # never created


def test_an_unknown_or_unremembered_coder_falls_back(samples: tuple[Path, str]) -> None:
    path, coder = samples
    assert quick(path, name="Someone new") is None  # the normal path adds them
    assert quick(path) is None  # nobody named or remembered: the name prompt
    assert quick(path, coder="not-a-coder-id") is None
    assert quick(path, coder=coder) is not None


def test_a_project_at_another_revision_falls_back(samples: tuple[Path, str]) -> None:
    path, coder = samples
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0008'")
    assert quick(path, coder=coder) is None  # a migration is needed: the normal path runs it


def test_a_server_url_falls_back() -> None:
    url = "postgresql://coder@localhost/plans"
    assert read_first_screen(url, coder_id="x", coder_name=None, document_key=None) is None


def test_a_damaged_file_falls_back(samples: tuple[Path, str]) -> None:
    path, coder = samples
    size = path.stat().st_size
    with path.open("r+b") as fh:  # another program overwrote pages past the header
        fh.seek(4096)
        fh.write(b"\xa5" * (size - 4096))
    assert quick(path, coder=coder) is None
    with path.open("r+b") as fh:  # cut short
        fh.truncate(6000)
    assert quick(path, coder=coder) is None


def hold_lock(path: Path) -> subprocess.Popen[str]:
    """Another process holding the project's lock (until its stdin closes or it is killed)."""
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.lock_holder", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert holder.stdout is not None and holder.stdout.readline().startswith("locked")
    return holder


def test_a_project_held_by_another_process_falls_back(samples: tuple[Path, str]) -> None:
    path, coder = samples
    holder = hold_lock(path)
    try:
        assert quick(path, coder=coder) is None  # the normal path opens it read-only, and says so
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(30)
    assert quick(path, coder=coder) is not None


def test_a_lock_file_left_by_a_killed_process_does_not_stop_the_quick_read(
    samples: tuple[Path, str],
) -> None:
    """SIGKILL (a crash, a forced logout) leaves ``<project>.lock`` behind with a dead pid in it:
    nobody holds the project, so the next start still shows it at once."""
    path, coder = samples
    holder = hold_lock(path)
    assert quick(path, coder=coder) is None  # alive: held
    holder.send_signal(signal.SIGKILL)
    holder.wait(30)
    assert lock_path(path).exists()  # left behind
    assert quick(path, coder=coder) is not None
    # A pid that is alive but not ours to hold it (here: this test's parent) is still "held".
    lock_path(path).write_text(json.dumps({"pid": os.getppid(), "host": socket.gethostname()}))
    assert quick(path, coder=coder) is None
    lock_path(path).write_text(json.dumps({"pid": 4_000_000, "host": "another-machine"}))
    assert quick(path, coder=coder) is None  # another machine's process: cannot tell


def test_a_read_only_file_or_folder_falls_back(samples: tuple[Path, str], tmp_path: Path) -> None:
    path, coder = samples
    if os.geteuid() != 0:  # modes stop everyone but root
        path.chmod(0o444)
        assert quick(path, coder=coder) is None  # a write-protected file: the normal path says so
        path.chmod(0o644)
        path.parent.chmod(0o555)
        try:
            assert quick(path, coder=coder) is None
        finally:
            path.parent.chmod(0o755)
        return
    # Root ignores modes: the project on a file system mounted read-only (read-only media).
    media = tmp_path / "media"
    media.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(media)]
    assert subprocess.run(mount, capture_output=True).returncode == 0, "root cannot mount tmpfs"
    try:
        shutil.copy(path, media / path.name)
        remount = ["mount", "-o", "remount,ro", str(media)]
        assert subprocess.run(remount, capture_output=True).returncode == 0
        assert not can_read_quickly(media / path.name)
        assert quick(media / path.name, coder=coder) is None
    finally:
        subprocess.run(["umount", "-l", str(media)], capture_output=True)


def test_a_project_without_plans_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "empty-project.sqlite"
    with Project.open(path, seed_samples=False) as project:
        coder = project.add_coder("Olena").id
    assert quick(path, coder=coder) is None  # "No plans yet" is the normal path's to say


def test_the_quick_read_never_imports_sqlalchemy(samples: tuple[Path, str]) -> None:
    path, coder = samples
    script = f"""
        import sys

        class Blocked:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("sqlalchemy", "alembic"):
                    raise ImportError("blocked: " + name)

        sys.meta_path.insert(0, Blocked())
        from annotator.services.first_screen import read_first_screen

        screen = read_first_screen({str(path)!r}, coder_id={coder!r}, coder_name=None,
                                   document_key=None)
        assert screen is not None and screen.clauses, screen
        assert "annotator.services.project" not in sys.modules
        print("ok")
    """
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert proc.stdout.strip() == "ok", proc.stderr[-2000:]
