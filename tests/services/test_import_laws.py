"""Import keeps what merge keeps, proved over generated families of exchange files.

Exporting a project built by importing files equals merging the project's own (starting) export
with those files: the same bytes, unknown fields, review tombstones, clause notes, clause links
and other tools' links included, and optional fields left out (a clause without ``kind``, a note
without ``memo``) left out again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from annotator.core.exchange import dump_exchange, validate_exchange
from annotator.core.merge import merge_documents
from annotator.services.exchange import export_exchange_dict
from annotator.services.merge import apply_merge, preview_merge_documents
from annotator.services.project import Project
from tests.core.exchange_strategies import exchange_families

Doc = dict[str, Any]
LAWS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@LAWS
@given(exchange_families(1, 3))
def test_export_of_imported_files_equals_their_merge(files: list[Doc]) -> None:
    files = [validate_exchange(f, f"f{i}.json") for i, f in enumerate(files)]
    names = [f"f{i}.json" for i in range(len(files))]
    with (
        tempfile.TemporaryDirectory() as tmp,
        Project.open(Path(tmp) / "p.sqlite", seed_samples=False) as project,
    ):
        start = export_exchange_dict(project)
        expected = merge_documents([start, *files], ["project", *names]).document
        preview = preview_merge_documents(project, files, names)
        apply_merge(project, preview)
        assert dump_exchange(export_exchange_dict(project)) == dump_exchange(expected)
        # Importing the same files again writes nothing, and reports only what merging them
        # with the merged content reports: no phantom conflict from what the project lost.
        again = preview_merge_documents(project, files, names)
        assert apply_merge(project, again).empty
        remerged = merge_documents([expected, *files], ["project", *names])
        assert again.conflicts == remerged.conflicts


@LAWS
@given(exchange_families(2, 3))
def test_importing_files_one_by_one_equals_importing_them_together(files: list[Doc]) -> None:
    files = [validate_exchange(f, f"f{i}.json") for i, f in enumerate(files)]
    names = [f"f{i}.json" for i in range(len(files))]
    with (
        tempfile.TemporaryDirectory() as tmp,
        Project.open(Path(tmp) / "a.sqlite", seed_samples=False) as together,
        Project.open(Path(tmp) / "b.sqlite", seed_samples=False) as one_by_one,
    ):
        apply_merge(together, preview_merge_documents(together, files, names))
        for doc, name in zip(reversed(files), reversed(names), strict=True):
            apply_merge(one_by_one, preview_merge_documents(one_by_one, [doc], [name]))
        assert dump_exchange(export_exchange_dict(together)) == dump_exchange(
            export_exchange_dict(one_by_one)
        )
