"""The small services the GUI and the CLI use instead of reaching into storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.services.backup import backup_project
from annotator.services.project import Project
from annotator.services.team_access import ServerAddress, valid_name


def test_backup_is_an_openable_copy_and_never_the_project_itself(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator.sqlite"
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Plan", "Plan\n\n1. One.\n2. Two.\n").document_key
        target = backup_project(project, tmp_path / "copy.annotator.sqlite")
        with pytest.raises(ProjectError, match="another file"):
            backup_project(project, path)
        with pytest.raises(ProjectError, match="cannot write backup"):
            backup_project(project, tmp_path / "missing" / "copy.sqlite")
    with Project.open(target, create=False) as copy:
        assert [d.key for d in copy.documents()] == [key]


def test_server_address_keeps_the_password_out_of_everything_but_the_url() -> None:
    address = ServerAddress("db.example.org", 6543, "peace2026", "peace2026_olena")
    assert address.keyring_key() == "peace2026_olena@db.example.org:6543/peace2026"
    assert ServerAddress("h", None, "d", "u").keyring_key() == "u@h:5432/d"
    assert address.url().password is None
    with_password = address.url("s3cret")
    assert with_password.password == "s3cret"
    assert "s3cret" not in str(with_password) and "s3cret" not in repr(address)


def test_valid_names() -> None:
    assert valid_name("peace2026_olena")
    assert not valid_name("Peace 2026") and not valid_name("") and not valid_name("a;drop")
