"""A throwaway PostgreSQL cluster for the server tests (skipped when PostgreSQL is not installed;
under CI that fails instead).

Reads PG_BIN (a folder with initdb and pg_ctl; default: the newest /usr/lib/postgresql/*/bin) or
ANNOTATOR_TEST_PG_URL (a superuser URL of a server to use instead of starting one).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from tests.helpers.ci import unavailable

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg-test-cluster.sh"
PLAN = "Framework\n\n1. A ceasefire holds.\n2. A fund rebuilds 🕊 towns.\n3. Forces are capped.\n"


def postgres_bin() -> str | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("initdb")
    candidates.append(str(Path(found).parent) if found else "")
    for folder in candidates:
        if folder and Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return folder
    return None


def start_cluster() -> tuple[str, str | None]:
    """(superuser URL, cluster folder to stop) — shared by the tests and the load benchmark."""
    url = os.environ.get("ANNOTATOR_TEST_PG_URL")
    if url:
        return url, None
    folder = postgres_bin()
    if folder is None:
        raise LookupError(
            "PostgreSQL binaries not installed (apt-get install postgresql, or PG_BIN)"
        )
    out = subprocess.run(
        ["bash", str(SCRIPT), "start"],
        env={**os.environ, "PG_BIN": folder},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return values["URL"], values["DIR"]


def stop_cluster(folder: str | None) -> None:
    if folder:
        subprocess.run(["bash", str(SCRIPT), "stop", folder], check=False, timeout=60)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A superuser URL of a running PostgreSQL server.

    Outside CI a missing PostgreSQL skips the server tests; under ``CI`` it fails them, so a
    broken cluster can never pass as a green run.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg not installed (pip install .[server])")
    try:
        url, folder = start_cluster()
    except LookupError as exc:
        unavailable(str(exc))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = (exc.stderr or "").strip()[-300:] if isinstance(exc.stderr, str) else ""
        unavailable(f"cannot start a PostgreSQL test cluster: {detail or exc}")
    try:
        yield url
    finally:
        stop_cluster(folder)


@dataclass
class Team:
    """A fresh project database with its owner engine; makes coder roles on demand."""

    admin_url: str
    database: str
    owner: Engine
    document_key: str
    disposables: list[Engine] = field(default_factory=list)

    def url(self, user: str | None = None, password: str | None = None) -> str:
        base = make_url(self.admin_url).set(database=self.database)
        if user is not None:
            base = base.set(username=user, password=password)
        return base.render_as_string(hide_password=False)

    def role(self, short: str) -> str:
        return f"{self.database}_{short}"


@pytest.fixture
def team(pg_url: str) -> Iterator[Team]:
    from annotator.services.team import create_team_project

    database = f"t{uuid.uuid4().hex[:10]}"
    owner = create_team_project(pg_url, database)
    key = owner.import_text("Framework", PLAN, source_name="plan.txt").document_key
    made = Team(pg_url, database, owner.engine, key)
    yield made
    for engine in made.disposables:
        engine.dispose()
    owner.close()
