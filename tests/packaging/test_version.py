"""The version has one source, annotator.__version__, and every place that shows it agrees."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import annotator
from tests.packaging.paths import METAINFO, PACKAGING, ROOT


def test_version_is_a_release_number() -> None:
    parts = annotator.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts), annotator.__version__


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"], "a static version duplicates __version__"
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "annotator.__version__"}


def test_installed_metadata_matches_the_package() -> None:
    # A mismatch means the install is stale: reinstall (pip install -e .) after a version bump.
    assert importlib.metadata.version("plan-annotator") == annotator.__version__


def test_python_dash_m_prints_the_version(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"annotator {annotator.__version__}"


def test_metainfo_newest_release_is_this_version() -> None:
    releases = ET.parse(METAINFO).getroot().findall("./releases/release")
    assert releases, "metainfo lists no release"
    # AppStream lists the newest release first.
    assert releases[0].get("version") == annotator.__version__


def test_no_packaging_file_hardcodes_the_version() -> None:
    # The metainfo's <release> history is the one allowed copy (checked above).
    for folder, dirs, files in os.walk(PACKAGING):
        # Skip the build venv and PyInstaller's output: they hold installed copies of the package.
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in {"dist", "build"}]
        for name in files:
            path = Path(folder, name)
            if path.suffix not in {".spec", ".py", ".sh", ".desktop", ".md"}:
                continue
            text = path.read_text("utf-8")
            assert f'"{annotator.__version__}"' not in text, path
            assert f"Version={annotator.__version__}" not in text, path
