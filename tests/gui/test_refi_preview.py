"""The merge preview of a QualCoder .qdpx shows every warning before anything is written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.gui.merge_preview import MergePreviewDialog
from annotator.services.exchange import export_exchange_dict
from annotator.services.merge import apply_merge
from annotator.services.project import Project
from annotator.services.refi import preview_qdpx_merge

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "qualcoder"


def test_preview_lists_the_warnings_and_escape_writes_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(tmp_path / "p.sqlite", seed_samples=False) as project:
        preview = preview_qdpx_merge(project, FIXTURES / "03_cyrillic_emoji_utf16_positions.qdpx")
        before = export_exchange_dict(project)
        dialog = MergePreviewDialog(preview)
        qtbot.addWidget(dialog)
        dialog.show()
        shown = [dialog.warnings.item(i).text() for i in range(dialog.warnings.count())]
        assert shown == preview.warnings and len(shown) == 2
        assert dialog.warnings.isVisible()
        assert "2 warnings" in dialog.summary.text()
        assert any("UTF-16" in w for w in shown) and any("crosses clauses" in w for w in shown)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.result() == MergePreviewDialog.DialogCode.Rejected
        assert export_exchange_dict(project) == before
        again = MergePreviewDialog(preview)
        qtbot.addWidget(again)
        again.show()
        qtbot.keyClick(again, Qt.Key.Key_Return)
        assert again.result() == MergePreviewDialog.DialogCode.Accepted
        apply_merge(project, preview)
        assert len(export_exchange_dict(project)["annotations"]) == 11


def test_preview_of_a_file_without_warnings_hides_the_list(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(tmp_path / "p.sqlite", seed_samples=False) as project:
        apply_merge(
            project, preview_qdpx_merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
        )
        preview = preview_qdpx_merge(project, FIXTURES / "02_same_project_second_export.qdpx")
        preview.warnings = []
        dialog = MergePreviewDialog(preview)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.warnings.isVisible()


def test_a_codebook_dropped_as_a_plan_joins_the_codebook_and_undoes(
    qtbot, tmp_path: Path, project_path: Path, plan_files: tuple[Path, Path]
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from annotator.gui import file_actions
    from tests.gui.conftest import settle
    from tests.gui.test_main_window import make_window

    window = make_window(qtbot, active=False)
    assert window.open_project(project_path, [str(plan_files[0])])
    settle(window)
    assert window.workspace is not None
    project = window.workspace.project
    docs = len(project.documents())
    dropped = tmp_path / "Codebook.txt"  # the wrong name: the content says what it is
    shutil.copy(FIXTURES / "05_codebook.qdc", dropped)
    file_actions.open_files(window, [str(dropped)])
    names = {c.name: c for c in project.categories(include_retired=True)}
    assert len(project.documents()) == docs
    assert not names["Security arrangements"].codable
    assert names["Force limits"].parent == names["Security arrangements"].key
    assert "categories added or changed" in window.statusBar().currentMessage()
    window.workspace.undo_stack.undo()
    assert "Security arrangements" not in {c.name for c in project.categories(include_retired=True)}


def test_a_codebook_picked_in_import_plan_is_not_made_a_plan(
    qtbot, tmp_path: Path, project_path: Path, plan_files: tuple[Path, Path], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from annotator.gui import file_actions
    from tests.gui.conftest import finish, settle
    from tests.gui.test_main_window import make_window

    window = make_window(qtbot, active=False)
    assert window.open_project(project_path, [str(plan_files[0])])
    settle(window)
    assert window.workspace is not None
    project = window.workspace.project
    docs = len(project.documents())
    qdc = tmp_path / "Codebook.qdc"
    shutil.copy(FIXTURES / "05_codebook.qdc", qdc)
    database = tmp_path / "other.sqlite"
    with Project.open(database, seed_samples=False):
        pass
    errors: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda title, text: errors.append(text))
    finish(file_actions.import_plans(window, [str(qdc), str(database), str(plan_files[1])]))
    assert len(project.documents()) == docs + 1  # only the real plan
    assert "Security arrangements" in {c.name for c in project.categories(include_retired=True)}
    assert len(errors) == 1 and errors[0].startswith(f"{database}: is a Plan Annotator project")
