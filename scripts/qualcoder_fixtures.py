"""Make REFI-QDA test fixtures with QualCoder's own export code (tests/fixtures/qualcoder/06-08).

    python scripts/qualcoder_fixtures.py QUALCODER_SRC OUT_DIR [SPECS.json]

For each spec (default: tests/fixtures/qualcoder/made_here.json) a QualCoder project is built
headless: the database from QualCoder's ``new_project`` schema, one of our sample plans as its
source, the categories and codes given, and each coding stored as QualCoder's coding view stores
it (UTF-16 positions, Qt's ``selectedText()`` with U+2029 for a line break). QualCoder's unmodified
``RefiExport`` then writes ``<fixture>.qdpx``; ``<fixture>.expected.json`` is written from the
spec (what the coders selected). A development tool: QualCoder is never a dependency.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import types
import unicodedata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import qualcoder_import_check as qc  # the stand-ins and the schema reader

ROOT = Path(__file__).resolve().parents[1]
STAMP = "2026-02-01 09:00:00"


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def build(refi: Any, src: Path, spec: dict[str, Any], text: str, out: Path) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="qualcoder-project-"))
    for sub in ("documents", "images", "audio", "video"):
        (work / sub).mkdir()
    conn = sqlite3.connect(work / "data.qda")
    for sql in qc.schema(src):
        conn.execute(sql)
    owner, source = spec["owner"], spec["source"]
    conn.execute(
        "insert into project (databaseversion, date, memo, about) values ('v11', ?, ?, '')",
        [STAMP, spec["project_memo"]],
    )
    conn.execute(
        "insert into source (id, name, fulltext, mediapath, memo, owner, date) "
        "values (1, ?, ?, NULL, '', ?, ?)",
        [source, text, owner, STAMP],
    )
    (work / "documents" / source).write_text(text, encoding="utf-8")
    catid: dict[str, int] = {}
    for i, (name, memo) in enumerate(spec["cats"], 1):
        conn.execute(
            "insert into code_cat (catid, name, owner, date, memo, supercatid) "
            "values (?, ?, ?, ?, ?, NULL)",
            [i, name, owner, STAMP, memo],
        )
        catid[name] = i
    cid: dict[str, int] = {}
    for i, (name, memo, cat, parent, color) in enumerate(spec["codes"], 1):
        conn.execute(
            "insert into code_name (cid, name, memo, catid, owner, date, color, supercid) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            [i, name, memo, catid.get(cat), owner, STAMP, color, cid.get(parent)],
        )
        cid[name] = i
    codings = []
    for n, (coder, code, selected, occurrence, memo) in enumerate(spec["codings"]):
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(selected, start + 1)
        end = start + len(selected)
        conn.execute(
            "insert into code_text (cid, fid, seltext, pos0, pos1, owner, date, memo) "
            "values (?, 1, ?, ?, ?, ?, ?, ?)",
            [cid[code], selected.replace("\n", "\u2029"), utf16(text, start), utf16(text, end),
             coder, f"2026-02-01 10:{n:02d}:00", memo],
        )  # fmt: skip
        codings.append({"coder": coder, "code": code, "text": selected, "memo": memo})
    conn.commit()
    app = types.SimpleNamespace(
        conn=conn,
        settings={"directory": str(out), "codername": owner, "ai_enable": "False", "fontsize": 10},
        project_path=str(work),
        project_name=f"{spec['project']}.qda",
        version="QualCoder 4.0 Beta",
        get_annotations=lambda: [],
        write_config_ini=lambda *a: None,
        ai=None,
        project_events=None,
    )
    answer = staticmethod(lambda *a, **k: str(out))
    refi.QtWidgets.QFileDialog = type(
        "FileDialog", (), {"getExistingDirectory": answer, "Option": qc._InertClass}
    )
    maxqda = types.SimpleNamespace(isChecked=lambda: bool(spec.get("maxqda")))
    refi.RefiLineEndings = lambda _app: types.SimpleNamespace(
        exec=lambda: None, ui=types.SimpleNamespace(radioButton_maxqda=maxqda)
    )
    refi.RefiExport(app, types.SimpleNamespace(append=lambda _t: None), "project")
    tree = [{"code": name, "parent": None, "codable": False} for name, _m in spec["cats"]]
    tree += [
        {"code": name, "parent": parent or cat, "codable": True}
        for name, _m, cat, parent, _c in spec["codes"]
    ]
    memos = {n: m for n, m in spec["cats"] if m} | {c[0]: c[1] for c in spec["codes"] if c[1]}
    return {
        "fixture": f"{spec['fixture']}.qdpx",
        "note": spec["note"],
        "source": source,
        "coders": sorted({c["coder"] for c in codings}),
        "codings": codings,
        "codebook": tree,
        "code_memos": memos,
        "code_colors": {c[0]: c[4] for c in spec["codes"]},
        "project_memo": spec["project_memo"],
    }


def main(src: Path, out: Path, specs_path: Path) -> None:
    sys.meta_path.insert(0, qc._StubFinder())
    sys.path.insert(0, str(src))
    builtins._ = lambda text: text  # type: ignore[attr-defined]  # QualCoder's gettext
    home = Path(tempfile.mkdtemp(prefix="qualcoder-home-"))
    (home / ".qualcoder").mkdir()
    os.environ["HOME"] = str(home)  # RefiExport prepares the archive under ~/.qualcoder
    import qualcoder.refi as refi  # only after the stand-ins are in place

    refi.Message = lambda *a, **k: types.SimpleNamespace(exec=lambda: None)
    out.mkdir(parents=True, exist_ok=True)
    for spec in json.loads(specs_path.read_text("utf-8")):
        sample = ROOT / "resources" / "samples" / spec["source"]
        text = unicodedata.normalize("NFC", sample.read_text("utf-8"))
        expected = build(refi, src, spec, text, out)
        shutil.move(out / f"{spec['project']}.qdpx", out / f"{spec['fixture']}.qdpx")
        data = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
        (out / f"{spec['fixture']}.expected.json").write_text(data, "utf-8")
        print(f"wrote {out / spec['fixture']}.qdpx")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    default = ROOT / "tests" / "fixtures" / "qualcoder" / "made_here.json"
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) == 4 else default)
