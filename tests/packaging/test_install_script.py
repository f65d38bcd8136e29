"""packaging/linux/install-desktop-integration.sh, run into a temporary XDG data folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.ci import unavailable
from tests.packaging.paths import APP_ID, ICON_SIZES, LINUX, MIME_TYPE

SCRIPT = LINUX / "install-desktop-integration.sh"

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("bash") is None, reason="Linux desktop integration"
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=60, check=False
    )


def _fake_program(folder: Path) -> Path:
    folder.mkdir(parents=True)
    program = folder / "plan-annotator"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return program


def test_installs_everything_then_uninstalls(tmp_path: Path) -> None:
    program = _fake_program(tmp_path / "bundle")
    prefix = tmp_path / "share"
    done = _run("--prefix", str(prefix), "--exec", str(program))
    assert done.returncode == 0, done.stderr

    desktop = prefix / "applications" / f"{APP_ID}.desktop"
    lines = desktop.read_text("utf-8").splitlines()
    assert f"Exec={program} %F" in lines  # absolute: a menu's PATH may lack ~/.local/bin
    assert f"TryExec={program}" in lines
    installed = [
        prefix / "metainfo" / f"{APP_ID}.metainfo.xml",
        prefix / "mime" / "packages" / "plan-annotator.xml",
        prefix / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        *(prefix / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in ICON_SIZES),
    ]
    assert [p for p in installed if not p.is_file()] == []
    if shutil.which("update-desktop-database"):
        cache = (prefix / "applications" / "mimeinfo.cache").read_text("utf-8")
        assert f"{MIME_TYPE}={APP_ID}.desktop;" in cache

    done = _run("--prefix", str(prefix), "--uninstall")
    assert done.returncode == 0, done.stderr
    assert not desktop.exists()
    assert [p for p in installed if p.exists()] == []


def test_quotes_a_path_with_spaces(tmp_path: Path) -> None:
    program = _fake_program(tmp_path / "My Apps")
    prefix = tmp_path / "share"
    done = _run("--prefix", str(prefix), "--exec", str(program))
    assert done.returncode == 0, done.stderr
    text = (prefix / "applications" / f"{APP_ID}.desktop").read_text("utf-8")
    assert f'Exec="{program}" %F' in text.splitlines()


def test_refuses_a_missing_program(tmp_path: Path) -> None:
    done = _run("--prefix", str(tmp_path), "--exec", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "not an executable" in done.stderr
    assert not (tmp_path / "applications").exists()


def test_without_annotator_on_path_it_says_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        ["bash", str(SCRIPT), "--prefix", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    if shutil.which("annotator", path=env["PATH"]):
        unavailable("annotator is installed system-wide")
    assert done.returncode == 2
    assert "pipx install" in done.stderr
