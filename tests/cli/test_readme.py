"""The README's command-line walkthrough runs as written, top to bottom, on a fresh folder; its
console sample is the program's real output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")


def block(name: str) -> str:
    """The fenced code block between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    found = re.search(
        rf"<!-- {name}:start -->\s*```\w*\n(.*?)```\s*<!-- {name}:end -->", README, re.S
    )
    assert found, f"README.md has no {name} block"
    return found.group(1)


def checkout_copy(tmp: Path) -> Path:
    """The parts of a fresh checkout the walkthrough reads, in a temporary folder."""
    for part in ("resources/samples", "docs/examples"):
        shutil.copytree(ROOT / part, tmp / part)
    shutil.copy(ROOT / "resources/codebook.json", tmp / "resources/codebook.json")
    return tmp


def environment(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_PROJECT"}
    # `annotator` as the README's set-up leaves it: in the environment's bin folder.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["XDG_DATA_HOME"] = str(tmp / "data")  # never the user's default project
    return env


def test_walkthrough_runs_top_to_bottom(tmp_path: Path) -> None:
    assert shutil.which("annotator", path=str(Path(sys.executable).parent)), "not installed"
    root = checkout_copy(tmp_path)
    script = "set -euo pipefail\n" + block("walkthrough")
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=root,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    work = root / "walkthrough"
    for name in ("olena.json", "team.json", "clauses.csv", "plans.csv", "compare.csv",
                 "clauses.json", "codebook.qdc", "agreement.json"):  # fmt: skip
        assert (work / name).stat().st_size > 0, name
    # The comparison CSV names plans by title; the exported file holds coder Olena.
    assert "Draft 28-Point Framework" in (work / "compare.csv").read_text("utf-8").splitlines()[0]
    assert '"name":"Olena"' in (work / "olena.json").read_text("utf-8")


def test_console_sample_is_the_real_output(tmp_path: Path) -> None:
    root = checkout_copy(tmp_path)
    (root / "walkthrough").mkdir()
    sample = block("console").splitlines()
    command, expected = sample[0].removeprefix("$ "), sample[1:]
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=root / "walkthrough",
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == expected
