"""GUI tests run offscreen, each with its own project file and its own QSettings."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QWidget

PLAN = (
    "Framework for peace\n\n"
    "1. The parties agree to a ceasefire along the line of contact.\n"
    "2. A fund of 2.5 billion 🕊 supports reconstruction of the east.\n"
    "3. Armed forces shall not exceed 600,000 personnel.\n"
    "4. Sanctions are lifted in stages.\n"
)
SECOND = (
    "Counter-proposal\n\n"
    "1. Territory is returned along the 2014 line.\n"
    "2. Guarantors deploy a monitoring mission.\n"
)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, qapp: object) -> Iterator[Path]:
    """Fresh QSettings (an INI file under tmp_path) for every test."""
    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("plan-annotator-tests")
    QCoreApplication.setApplicationName("Plan Annotator tests")
    yield folder


@pytest.fixture(autouse=True)
def plans_previewed_as_cut(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans given at start-up or dropped get the (modal) import preview, as a user sees it.
    Tests that only need plans in the window accept the preview unseen; a test marked
    ``import_preview`` gets the real dialog and answers it itself."""
    if request.node.get_closest_marker("import_preview") is not None:
        return
    from annotator.gui import import_preview

    monkeypatch.setattr(
        import_preview,
        "review_import",
        lambda _parent, files, answer: answer(import_preview.read_choices(files)),
    )


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.sqlite"


@pytest.fixture
def plan_files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "framework.txt", tmp_path / "counter.txt"
    first.write_text(PLAN, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    return first, second


def name_giver(name: str = "Olena"):  # type: ignore[no-untyped-def]
    """An ``ask_name`` that answers without a dialog, recording that it was asked."""
    asked: list[Sequence[str]] = []

    def ask(_parent: QWidget | None, known: Sequence[str]) -> str | None:
        asked.append(list(known))
        return name

    ask.asked = asked  # type: ignore[attr-defined]
    return ask


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``GUI_TESTS_REVERSED=1`` runs the tests backwards: a check that none leaks into another."""
    if os.environ.get("GUI_TESTS_REVERSED") == "1":
        items.reverse()


#: How long a GUI test waits before it fails. Generous (two shared cores under load have run out
#: of 5 s); the passing path does not pay for it: every wait returns once its condition holds.
PATIENCE = 60.0


def wait_for(condition: Callable[[], bool], seconds: float = PATIENCE) -> None:
    """Process events until ``condition`` holds. Not qtbot.waitUntil: it runs a nested QEventLoop,
    which returns at once once any earlier test has quit the application's loop."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QCoreApplication.processEvents()
        time.sleep(0.002)


def activate(widget: QWidget, seconds: float = PATIENCE) -> None:
    """Show ``widget`` as the active window, for tests whose keys are window shortcuts (the
    category keys, Ctrl+Z): Qt sends a shortcut only to the active window, as with a user.

    Activation is asynchronous. Not ``qtbot.waitActive``: its 5 s ran out on a loaded machine;
    this waits by processing events, generously, and only tests that press shortcuts need it.
    """
    widget.show()
    widget.activateWindow()
    wait_for(widget.isActiveWindow, seconds)


def settle(window: Any, seconds: float = PATIENCE) -> None:
    """Wait until the window's operation runner has no job left, and their callbacks ran."""
    ws = window.workspace
    # Queued undo steps (a team server) are writes still to come.
    wait_for(lambda: not window.ops.running() and not (ws is not None and ws.replays), seconds)
    QCoreApplication.processEvents()


def finish(job: Any, seconds: float = PATIENCE) -> Any:
    """Wait for a runner job (see annotator.gui.ops.Job); returns it."""
    assert job is not None
    wait_for(lambda: job.done, seconds)
    QCoreApplication.processEvents()
    return job


@contextmanager
def emitted(signal: Any, seconds: float = PATIENCE) -> Iterator[list[tuple[Any, ...]]]:
    """Wait, after the block, until ``signal`` was emitted during it (its arguments listed).
    Not qtbot.waitSignal: its nested loop, and its 5 s that ran out on a loaded machine."""
    got: list[tuple[Any, ...]] = []

    def record(*args: Any) -> None:
        got.append(args)

    signal.connect(record)
    try:
        yield got
        wait_for(lambda: bool(got), seconds)
    finally:
        signal.disconnect(record)
