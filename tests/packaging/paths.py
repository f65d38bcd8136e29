"""Where the packaging files live, shared by the packaging tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers.ci import unavailable

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
APP_ID = "io.github.plan_annotator.PlanAnnotator"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME_XML = ROOT / "resources" / "mime" / "plan-annotator.xml"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
MIME_TYPE = "application/x-plan-annotations+json"


def need_tool(name: str) -> str:
    """The path of a command-line tool, or skip the test saying which package provides it."""
    path = shutil.which(name)
    if path is None:
        hints = {
            "desktop-file-validate": "desktop-file-utils",
            "appstreamcli": "appstream",
            "update-mime-database": "shared-mime-info",
        }
        unavailable(f"{name} not installed (apt-get install {hints.get(name, name)})")
    return path
