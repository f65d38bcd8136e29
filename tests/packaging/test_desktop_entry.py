"""The menu entry and the AppStream metadata: validated by the freedesktop tools when present."""

from __future__ import annotations

import configparser
import subprocess
import xml.etree.ElementTree as ET

from tests.packaging.paths import APP_ID, DESKTOP, METAINFO, MIME_TYPE, need_tool


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_validate_passes() -> None:
    tool = need_tool("desktop-file-validate")
    done = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # Hints are not failures for the tool, but each one so far was a real mistake.
    assert done.stdout.strip() == "", done.stdout


def test_desktop_entry_opens_exchange_files_with_annotator() -> None:
    entry = _entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "annotator %F"  # %F: several files from one double-click/selection
    assert entry["Icon"] == APP_ID
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert entry["Terminal"] == "false"


def test_appstream_validate_passes() -> None:
    tool = need_tool("appstreamcli")
    done = subprocess.run(
        [tool, "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Errors and warnings fail; "I:" infos (e.g. <developer> unknown to AppStream 0.16) do not.
    bad = [line for line in done.stdout.splitlines() if line.startswith(("E:", "W:"))]
    assert not bad, done.stdout


def test_metainfo_points_at_the_desktop_entry_and_mime_type() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("project_license") == "MIT"
    assert MIME_TYPE in [m.text for m in root.findall("./provides/mediatype")]
    assert "annotator" in [b.text for b in root.findall("./provides/binary")]
