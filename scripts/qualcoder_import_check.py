"""What QualCoder itself makes of a .qdpx: run its own ``RefiImport`` headless and print it.

    python scripts/qualcoder_import_check.py QUALCODER_SRC FILE.qdpx

QUALCODER_SRC is the ``src`` folder of a QualCoder checkout (github.com/ccbogel/QualCoder). A
development check of our export ("does QualCoder read our memos, coders, code tree and
positions?"), never a dependency: nothing else in this repository imports QualCoder. Its Qt and
third-party modules (PDF, AI, media) are replaced by inert stand-ins, its file dialog answers
FILE, and the project database is built from the CREATE TABLE statements of its own
``MainWindow.new_project``. Prints each coding as (code, coder, selected text, memo), the code
tree, and the source and project memos.
"""

from __future__ import annotations

import ast
import builtins
import importlib.abc
import importlib.machinery
import sqlite3
import sys
import tempfile
import types
from pathlib import Path
from typing import Any


class _Inert:
    """Stands for any Qt class or object: constructible, subclassable, every attribute inert."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return _Inert()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _Inert()

    def __or__(self, other: Any) -> Any:
        return self

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Any:
        return iter(())


class _InertMeta(type):
    def __getattr__(cls, name: str) -> Any:
        return _InertClass

    def __or__(cls, other: Any) -> Any:
        return _InertClass


_InertClass = _InertMeta("_InertClass", (_Inert,), {})
STUBBED = ("PyQt6", "vlc", "pymupdf", "fitz", "openai", "langchain", "pdfminer", "ebooklib",
           "chardet", "PIL", "pydub", "qtawesome", "plotly", "pandas", "numpy", "docx",
           "openpyxl", "bs4", "xmlschema", "rispy", "pypdf", "markdown", "lxml", "ollama",
           "tiktoken", "chromadb", "sentence_transformers", "requests", "httpx", "mcp")  # fmt: skip


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name.split(".")[0] in STUBBED:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda name: _InertClass  # type: ignore[method-assign]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def schema(src: Path) -> list[str]:
    """The CREATE TABLE statements of QualCoder's ``new_project``, read from its source."""
    tree = ast.parse((src / "qualcoder" / "__main__.py").read_text(encoding="utf-8"))
    fn = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "new_project"
    )
    out = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "execute" and node.args:
            try:
                sql = ast.literal_eval(node.args[0])
            except ValueError:
                continue
            if isinstance(sql, str) and sql.strip().upper().startswith("CREATE TABLE"):
                out.append(sql)
    return out


def main(src: Path, qdpx: Path) -> None:
    sys.meta_path.insert(0, _StubFinder())
    sys.path.insert(0, str(src))
    builtins._ = lambda text: text  # type: ignore[attr-defined]  # QualCoder's gettext
    import qualcoder.refi as refi  # only after the stand-ins are in place

    answer = staticmethod(lambda *a, **k: (str(qdpx), True))
    dialog = type("FileDialog", (), {"getOpenFileName": answer, "Option": _InertClass})
    refi.QtWidgets.QFileDialog = dialog
    refi.Message = lambda *a, **k: types.SimpleNamespace(exec=lambda: None)
    work = Path(tempfile.mkdtemp(prefix="qualcoder-check-"))
    for sub in ("documents", "images", "audio", "video"):
        (work / sub).mkdir()
    conn = sqlite3.connect(work / "data.qda")
    for sql in schema(src):
        conn.execute(sql)
    conn.execute("insert into project (databaseversion, date, memo, about) values ('', '', '', '')")
    app = types.SimpleNamespace(
        conn=conn,
        settings={"directory": str(work), "codername": "default", "ai_enable": "False"},
        project_path=str(work),
        ai_models=None,
        write_config_ini=lambda *a: None,
        project_events=None,
    )
    refi.RefiImport(app, types.SimpleNamespace(append=lambda _text: None), "qdpx")
    query = (
        "select code_name.name, code_text.owner, code_text.seltext, code_text.memo "
        "from code_text join code_name using (cid) order by ctid"
    )
    for row in conn.execute(query):
        print("coding", row)
    print(
        "codes (name, category id, parent code id):",
        conn.execute("select name, catid, supercid from code_name").fetchall(),
    )
    print("categories:", conn.execute("select catid, name, supercatid from code_cat").fetchall())
    print("source memos:", conn.execute("select name, memo from source").fetchall())
    print("project memo:", conn.execute("select memo from project").fetchall())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
