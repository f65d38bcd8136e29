"""The exchange file type: the shared-mime-info XML declares it so a double-click opens the app."""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.packaging.paths import MIME_TYPE, MIME_XML, need_tool

NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}


def _type() -> ET.Element:
    found = ET.parse(MIME_XML).getroot().find(f"m:mime-type[@type='{MIME_TYPE}']", NS)
    assert found is not None, f"{MIME_XML} does not declare {MIME_TYPE}"
    return found


def test_declares_the_glob_and_json_parent() -> None:
    mime = _type()
    globs = [g.get("pattern", "") for g in mime.findall("m:glob", NS)]
    assert globs == ["*.plan-annotations.json"]
    assert fnmatch.fnmatch("olena.plan-annotations.json", globs[0])
    assert not fnmatch.fnmatch("olena.json", globs[0])
    assert [s.get("type") for s in mime.findall("m:sub-class-of", NS)] == ["application/json"]
    assert mime.findtext("m:comment", namespaces=NS)


def test_magic_matches_what_json_dump_writes() -> None:
    values = {m.get("value") for m in _type().findall("m:magic/m:match", NS)}
    header = {"format": "plan-annotations"}
    # Compact (separators=(",", ":")) and json.dumps' default spacing.
    assert json.dumps(header, separators=(",", ":"))[1:-1] in values
    assert json.dumps(header)[1:-1] in values


def test_update_mime_database_registers_the_glob(tmp_path: Path) -> None:
    tool = need_tool("update-mime-database")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    (packages / MIME_XML.name).write_bytes(MIME_XML.read_bytes())
    subprocess.run([tool, str(tmp_path / "mime")], capture_output=True, check=True)
    globs2 = (tmp_path / "mime" / "globs2").read_text("utf-8").splitlines()
    assert any(line.endswith(f":{MIME_TYPE}:*.plan-annotations.json") for line in globs2)


def test_qt_recognises_an_exchange_file_once_installed(tmp_path: Path) -> None:
    # Qt reads the same XDG database as file managers: a real check of the double-click path.
    tool = need_tool("update-mime-database")
    packages = tmp_path / "data" / "mime" / "packages"
    packages.mkdir(parents=True)
    (packages / MIME_XML.name).write_bytes(MIME_XML.read_bytes())
    subprocess.run([tool, str(tmp_path / "data" / "mime")], capture_output=True, check=True)
    sample = tmp_path / "olena.plan-annotations.json"
    sample.write_text('{"format": "plan-annotations", "version": 1}\n', "utf-8")
    code = (
        "import sys; from PySide6.QtCore import QMimeDatabase; "
        "print(QMimeDatabase().mimeTypeForFile(sys.argv[1]).name())"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(sample)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == MIME_TYPE
