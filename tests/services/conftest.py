from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.services.project import Project

PLAN = (
    "Framework for peace\n\n"
    "1. The parties agree to a ceasefire along the line of contact.\n"
    "2. A fund of 2.5 billion supports reconstruction 🕊.\n"
    "3. Armed forces shall not exceed 600,000 personnel.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(tmp_path / "p.sqlite", seed_samples=False) as opened:
        yield opened


@pytest.fixture
def plan(project: Project) -> str:
    return project.import_text("Framework", PLAN, source_name="plan.txt").document_key


@pytest.fixture
def coder(project: Project) -> str:
    return project.add_coder("Olena").id
