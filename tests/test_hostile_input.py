"""Hostile files through every importer: only AnnotatorError escapes, and a refused import leaves
the project file byte-identical.

Plans go through ``Project.import_plan``; exchange files through ``preview_merge`` +
``apply_merge``; .qdpx projects through ``preview_qdpx_merge`` + ``apply_merge``; codebooks
through ``codebook_from_json`` and ``codebook_from_qdc``. The project is compared by hashing its
SQLite file after a ``wal_checkpoint(TRUNCATE)`` on a fresh connection. Run with ``-s`` to see how
many cases each importer was given.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import sqlite3
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError
from annotator.services.exchange import export_exchange_dict
from annotator.services.merge import apply_merge, preview_merge
from annotator.services.project import Project

FIXTURE = Path(__file__).parent / "fixtures" / "exchange_small.json"
FUZZ = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
TRIED: Counter[str] = Counter()
REFUSED: Counter[str] = Counter()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    for name in sorted(TRIED):
        print(f"\nhostile {name}: {TRIED[name]} cases, {REFUSED[name]} refused", end="")
    print(f"\nhostile total: {sum(TRIED.values())} cases")


def snapshot(path: Path) -> str:
    """SHA-256 of the project file once every committed page is in it."""
    conn = sqlite3.connect(path)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "a connection still holds a read transaction"
    finally:
        conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Guard:
    """Runs imports against one project, checking the two properties after each."""

    def __init__(self, tmp: Path, name: str):
        self.name = name
        self.dir = tmp / name
        self.dir.mkdir()
        self.path = self.dir / "project.sqlite"
        self.project = Project.open(self.path, seed_samples=False)
        self.project.import_text("Framework", PLAN_TEXT, source_name="framework.txt")
        self.baseline = snapshot(self.path)

    def run(self, action: Callable[[Project], object]) -> bool:
        """Run ``action``; True if it was accepted. Anything but an AnnotatorError propagates."""
        TRIED[self.name] += 1
        try:
            action(self.project)
        except AnnotatorError as exc:
            REFUSED[self.name] += 1
            assert str(exc).strip(), "an error without a message"
            assert snapshot(self.path) == self.baseline, "a refused import changed the project"
            return False
        self.baseline = snapshot(self.path)
        return True

    def file(self, data: bytes, suffix: str) -> Path:
        target = self.dir / f"input{suffix}"
        target.write_bytes(data)
        return target

    def close(self) -> None:
        self.project.close()


@pytest.fixture
def guard(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Guard]:
    g = Guard(tmp_path, request.node.name.split("[")[0].removeprefix("test_"))
    yield g
    g.close()


PLAN_TEXT = (
    "Framework for peace\n\n"
    "1. The parties agree to a ceasefire along the line of contact.\n"
    "2. A fund of 2.5 billion supports reconstruction.\n"
    "3. Armed forces shall not exceed 600,000 personnel.\n"
)


# -- plan files ----------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Twenty-point framework", level=1)
    for i in range(1, 6):
        document.add_paragraph(f"{i}. The parties agree to provision {i}.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _pdf_bytes() -> bytes:
    """A one-page PDF with a text stream, xref offsets computed so pypdf reads it cleanly."""
    stream = b"BT /F1 12 Tf 72 720 Td (1. The parties agree to a ceasefire.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


DOCX = _docx_bytes()
PDF = _pdf_bytes()
ENCODINGS = ["utf-8", "latin-1", "cp1251", "koi8-r", "utf-16-le", "utf-16", "shift_jis", "cp1252"]
PLAN_EXT = [".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".bin", ".doc", ".json", ""]


def _mixed(parts: list[tuple[str, str]]) -> bytes:
    return b"".join(text.encode(enc, errors="replace") for text, enc in parts)


def _damage(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    """Overwrite bytes at positions (taken modulo the length)."""
    out = bytearray(data)
    for pos, value in cuts:
        out[pos % len(out)] = value
    return bytes(out)


_html_piece = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<script>document.write('<p>9. injected</p>')",
        "<style>p{display:none}</style>",
        "<p>",
        "</p>",
        "<ol><li>",
        "</li></ol>",
        "<br>",
        "<![CDATA[x]]>",
        "<!-- 5. hidden -->",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "&bogus;",
        "<meta charset='utf-16'>",
        "<meta charset='no-such-codec'>",
        "<table><tr><td>",
        "<iframe src=file:///etc/passwd>",
        "<svg onload=x>",
        "1. A clause.",
        "\x00",
        "<",
        ">",
    ]
)

plan_files = st.one_of(
    st.tuples(st.binary(max_size=4096), st.sampled_from(PLAN_EXT)),
    st.tuples(
        st.text(max_size=400).map(lambda t: ("1. " + t).encode("utf-8", "surrogatepass")),
        st.sampled_from([".txt", ".md", ""]),
    ),
    st.tuples(
        st.lists(st.tuples(st.text(max_size=80), st.sampled_from(ENCODINGS)), max_size=6).map(
            _mixed
        ),
        st.sampled_from([".txt", ".md", ".html"]),
    ),
    st.tuples(
        st.tuples(st.sampled_from([DOCX, PDF]), st.floats(0, 1)).map(
            lambda p: p[0][: int(len(p[0]) * p[1])]
        ),
        st.sampled_from([".docx", ".pdf", ".txt"]),
    ),
    st.tuples(
        st.tuples(
            st.sampled_from([DOCX, PDF]),
            st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=8),
        ).map(lambda p: _damage(*p)),
        st.sampled_from([".docx", ".pdf"]),
    ),
    st.tuples(
        st.lists(st.one_of(_html_piece, st.text(max_size=30)), max_size=30).map(
            lambda parts: ("<html><body>" + "".join(parts)).encode("utf-8", "surrogatepass")
        ),
        st.sampled_from([".html", ".htm", ".txt"]),
    ),
)


@FUZZ
@given(case=plan_files)
def test_plan_importer(guard: Guard, case: tuple[bytes, str]) -> None:
    data, suffix = case
    path = guard.file(data, suffix)
    guard.run(lambda p: p.import_plan(path))


@pytest.mark.parametrize(
    "data, suffix",
    [
        pytest.param(b"\x00" * 1000, ".txt", id="nul"),
        pytest.param(b"", ".txt", id="empty"),
        pytest.param(b" \n\t\r\n", ".md", id="blank"),
        pytest.param(DOCX[: len(DOCX) // 2], ".docx", id="half-docx"),
        pytest.param(PDF[:200], ".pdf", id="half-pdf"),
        pytest.param(b"PK\x05\x06" + b"\x00" * 18, ".docx", id="empty-zip"),
    ],
)
def test_plan_importer_named_cases(guard: Guard, data: bytes, suffix: str) -> None:
    assert not guard.run(lambda p: p.import_plan(guard.file(data, suffix)))


def test_plan_importer_accepts_the_valid_seeds(guard: Guard) -> None:
    # The damaged files above are damaged versions of files that do import.
    assert guard.run(lambda p: p.import_plan(guard.file(DOCX, ".docx")))
    assert guard.run(lambda p: p.import_plan(guard.file(PDF, ".pdf")))


def test_ten_megabyte_single_line(guard: Guard) -> None:
    line = ("The parties agree, " * 600_000)[: 10 * 1024 * 1024]
    guard.run(lambda p: p.import_plan(guard.file(line.encode(), ".txt")))  # timed: bench_limits


# -- exchange files ------------------------------------------------------------------------------

VALID_EXCHANGE = json.loads(FIXTURE.read_text(encoding="utf-8"))
HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([-1, 0, 10**30, -(10**18), 2**63, 1e308, float("nan"), float("inf")]),
    st.integers(),
    st.text(max_size=20),
    st.sampled_from(["", "0" * 64, "f" * 64, "../../etc/passwd", "\x00", "2026-13-45T99:00:00Z"]),
    st.lists(st.integers(-5, 10**6), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _mutate(doc: Any, path: tuple[Any, ...], op: str, value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[last] = value
    return doc


@FUZZ
@given(data=st.data())
def test_exchange_importer(guard: Guard, data: st.DataObject) -> None:
    doc = copy.deepcopy(VALID_EXCHANGE)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(doc))
        path = data.draw(st.sampled_from(paths))
        op = data.draw(st.sampled_from(["delete", "replace", "duplicate"]))
        if op == "delete" and not path:
            op = "replace"
        doc = _mutate(doc, path, op, data.draw(HOSTILE_VALUES))
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if data.draw(st.booleans()):  # and sometimes damage the bytes themselves
        cut = data.draw(st.integers(0, len(raw)))
        raw = data.draw(st.sampled_from([raw[:cut], raw[:cut] + b"\xff\xfe" + raw[cut:]]))
    path_ = guard.file(raw, ".json")
    guard.run(lambda p: apply_merge(p, preview_merge(p, [path_])))


def test_exchange_wrong_document_key_is_refused(guard: Guard) -> None:
    doc = copy.deepcopy(VALID_EXCHANGE)
    doc["documents"][0]["text"] += " (edited)"  # the key no longer matches the text
    path = guard.file(json.dumps(doc).encode(), ".json")
    assert not guard.run(lambda p: apply_merge(p, preview_merge(p, [path])))


def test_exchange_valid_file_is_accepted(guard: Guard) -> None:
    path = guard.file(FIXTURE.read_bytes(), ".json")
    assert guard.run(lambda p: apply_merge(p, preview_merge(p, [path])))
    exported = export_exchange_dict(guard.project)
    assert {a["id"] for a in VALID_EXCHANGE["annotations"]} <= {
        a["id"] for a in exported["annotations"]
    }


# -- REFI-QDA projects ---------------------------------------------------------------------------

from annotator.core import refi  # noqa: E402 - grouped with its tests
from annotator.services import refi as refi_service  # noqa: E402


def _qdpx(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _valid_qdpx() -> bytes:
    buf = io.BytesIO()
    refi.export_qdpx(VALID_EXCHANGE, buf)
    return buf.getvalue()


VALID_QDPX = _valid_qdpx()
with zipfile.ZipFile(io.BytesIO(VALID_QDPX)) as _zf:
    QDPX_ENTRIES = {n: _zf.read(n) for n in _zf.namelist()}
QDE = QDPX_ENTRIES["project.qde"]
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'
)


def _import_qdpx(path: Path) -> Callable[[Project], object]:
    return lambda p: apply_merge(p, refi_service.preview_qdpx_merge(p, path))


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param({**QDPX_ENTRIES, "../../evil.txt": b"x"}, id="zip-slip-dotdot"),
        pytest.param({**QDPX_ENTRIES, "/etc/evil": b"x"}, id="zip-slip-absolute"),
        pytest.param({**QDPX_ENTRIES, "C:/evil": b"x"}, id="zip-slip-drive"),
        pytest.param({"project.qde": XXE}, id="xxe"),
        pytest.param({"project.qde": LAUGHS}, id="billion-laughs"),
        pytest.param({"project.qde": b"<Project"}, id="truncated-xml"),
        pytest.param({"sources/a.txt": b"x"}, id="no-project-qde"),
        pytest.param({"project.qde": b"<Other xmlns='urn:x'/>"}, id="wrong-root"),
    ],
)
def test_qdpx_attacks(guard: Guard, tmp_path: Path, entries: dict[str, bytes]) -> None:
    path = guard.file(_qdpx(entries), ".qdpx")
    assert not guard.run(_import_qdpx(path))
    assert not (tmp_path / "evil.txt").exists()


def test_qdpx_zip_bomb(guard: Guard) -> None:
    # 300 MB of zeros compresses to ~300 kB: refused from the header, before inflating.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("project.qde", QDE)
        with zf.open("sources/bomb.txt", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(block)
    assert not guard.run(_import_qdpx(guard.file(buf.getvalue(), ".qdpx")))  # timed: bench_limits


def test_qdpx_lying_header(guard: Guard) -> None:
    # An entry whose header claims 10 bytes but inflates to 1 MB.
    data = bytearray(_qdpx({"project.qde": b"<" + b"a" * (1 << 20)}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    assert not guard.run(_import_qdpx(guard.file(bytes(data), ".qdpx")))


def test_qdpx_valid_is_accepted(guard: Guard) -> None:
    assert guard.run(_import_qdpx(guard.file(VALID_QDPX, ".qdpx")))


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 10**9), st.sampled_from(list(b'<>"&/= xX0\x00\xff'))), max_size=6
    ),
    cut=st.floats(0, 1),
    zip_level=st.booleans(),
)
def test_qdpx_importer(
    guard: Guard, edits: list[tuple[int, int]], cut: float, zip_level: bool
) -> None:
    if zip_level:  # damage the archive itself
        data = _damage(VALID_QDPX, edits) if edits else VALID_QDPX[: int(len(VALID_QDPX) * cut)]
    else:  # a well-formed zip around a damaged project.qde
        qde = _damage(QDE, edits) if edits else QDE[: int(len(QDE) * cut)]
        data = _qdpx({**QDPX_ENTRIES, "project.qde": qde})
    guard.run(_import_qdpx(guard.file(data, ".qdpx")))


# -- codebooks -----------------------------------------------------------------------------------

from annotator.core import codebook, qdc  # noqa: E402 - grouped with their tests

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
CATEGORY_FIELDS = ["key", "name", "description", "color", "parent", "shortcut", "retired"]


def _only_annotator_errors(name: str, call: Callable[[], object]) -> None:
    TRIED[name] += 1
    try:
        call()
    except AnnotatorError:
        REFUSED[name] += 1


@FUZZ
@given(
    data=st.one_of(
        JSON_VALUES,
        st.lists(
            st.dictionaries(st.sampled_from(CATEGORY_FIELDS), JSON_VALUES, max_size=7), max_size=4
        ).map(lambda cats: {"categories": cats}),
    )
)
def test_codebook_json(data: Any) -> None:
    _only_annotator_errors("codebook_json", lambda: codebook.codebook_from_json(data, source="cb"))


VALID_QDC = qdc.codebook_to_qdc(codebook.default_codebook()) if qdc else b"<x/>"


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.tuples(
            st.lists(
                st.tuples(st.integers(0, 10**9), st.sampled_from(list(b'<>"&/= #\x00'))),
                min_size=1,
                max_size=6,
            ),
        ).map(lambda t: _damage(VALID_QDC, t[0])),
        st.sampled_from([XXE.replace(b"Project", b"CodeBook"), LAUGHS.replace(b"Project", b"X")]),
    )
)
def test_codebook_qdc(data: bytes) -> None:
    _only_annotator_errors("codebook_qdc", lambda: qdc.codebook_from_qdc(data, source="c.qdc"))
