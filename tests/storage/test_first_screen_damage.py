"""Pages damaged by another program: the start-up's quick read never shows what opening refuses.

A damaged b-tree page can read back as rows of garbage without any SQLite error (a clause with
another id, an annotation on the wrong clause). Opening runs SQLite's quick check and refuses the
file; the first screen, painted before that, must have refused it too, or the coder sees garbage
that then vanishes under the damage message. Every page of a small project is overwritten in turn
from outside the process, in its middle, with seeded random bytes.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from annotator.core.errors import DamagedProjectError
from annotator.services.first_screen import read_first_screen
from annotator.services.project import Project

PAGE = 4096


def _plan(n: int) -> str:
    return "Damage test plan\n\n" + "".join(
        f"{i}. The parties shall observe provision number {i} in good faith.\n\n"
        for i in range(1, n + 1)
    )


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("damage") / "project.sqlite"
    with Project.open(path, seed_samples=False) as project:
        key = project.import_text("Damage", _plan(400)).document_key
        coder = project.add_coder("Olena").id
        cats = [c.key for c in project.categories()]
        for n, clause in enumerate(project.clauses(key)):
            project.toggle_tag(coder, clause.id, cats[n % len(cats)])
    return path, coder


def test_no_damaged_page_shows_on_the_first_screen(
    original: tuple[Path, str], tmp_path: Path
) -> None:
    source, coder = original
    pages = source.stat().st_size // PAGE
    assert pages > 40  # tables and indexes span several levels of pages
    refused = 0
    for page in range(2, pages + 1):  # page 1 (the header) is the header tests' to vary
        path = tmp_path / f"page{page}.sqlite"
        shutil.copy(source, path)
        rng = random.Random(page)
        with path.open("r+b") as fh:
            fh.seek((page - 1) * PAGE + rng.randrange(8, PAGE - 64))
            fh.write(rng.randbytes(64))
        screen = read_first_screen(path, coder_id=coder, coder_name=None, document_key=None)
        try:
            with Project.open(path, create=False, seed_samples=False):
                pass
        except DamagedProjectError:
            refused += 1
            assert screen is None, f"page {page}: the first screen showed a file opening refuses"
        path.unlink()
    assert refused > 10  # the damage was real


def test_a_garbled_schema_is_damage_offering_the_backup(
    original: tuple[Path, str], tmp_path: Path
) -> None:
    # SQLite's message then quotes bytes that are not UTF-8, which Python cannot even decode: that
    # was "cannot open the project: 'utf-8' codec can't decode …", with no backup offered.
    path = tmp_path / "project.sqlite"
    shutil.copy(original[0], path)
    shutil.copy(original[0], tmp_path / "project.sqlite.bak-0009")
    data = bytearray(path.read_bytes())
    at = data.index(b"tableclauseclause")  # the schema's row: type, name, table name, …
    data[at + 5 : at + 11] = b"\xae" * 6  # the name SQLite quotes when it refuses the schema
    path.write_bytes(bytes(data))
    assert read_first_screen(path, coder_id=original[1], coder_name=None, document_key=None) is None
    with pytest.raises(DamagedProjectError) as caught:
        Project.open(path, create=False, seed_samples=False)
    assert str(path) in str(caught.value) and "damaged" in str(caught.value)
    assert caught.value.backup == str(tmp_path / "project.sqlite.bak-0009")


def test_opening_checks_once_what_the_quick_read_checked(
    original: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.storage import db

    checks: list[Path] = []
    real = db.check_integrity
    monkeypatch.setattr(db, "check_integrity", lambda e, p: checks.append(p) or real(e, p))
    path = tmp_path / "project.sqlite"
    shutil.copy(original[0], path)
    assert read_first_screen(path, coder_id=original[1], coder_name=None, document_key=None)
    with Project.open(path, create=False, seed_samples=False):
        pass
    assert checks == []  # the quick read checked this very file a moment ago
    read_first_screen(path, coder_id=original[1], coder_name=None, document_key=None)
    with path.open("r+b") as fh:  # another program writes between the two reads
        fh.seek(PAGE * 3 + 100)
        fh.write(b"\0" * 8)
    with Project.open(path, create=False, seed_samples=False):
        pass
    assert checks == [path]


@pytest.mark.parametrize(("offset", "size"), [(0, 16), (40, 16), (16, 4), (28, 8)])
def test_an_overwritten_header_is_damage_offering_the_backup(
    original: tuple[Path, str], tmp_path: Path, offset: int, size: int
) -> None:
    # The header's magic string (0-15) or its schema fields (40-55) garbled used to read as "not
    # a Plan Annotator project (not an SQLite file)" or "unsupported file format", with no backup
    # offered, though the file still carries our application id.
    path = tmp_path / "project.sqlite"
    shutil.copy(original[0], path)
    shutil.copy(original[0], tmp_path / "project.sqlite.bak-0009")
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(random.Random(offset).randbytes(size))
    assert read_first_screen(path, coder_id=original[1], coder_name=None, document_key=None) is None
    with pytest.raises(DamagedProjectError) as caught:
        Project.open(path, create=False, seed_samples=False)
    assert caught.value.backup == str(tmp_path / "project.sqlite.bak-0009")
