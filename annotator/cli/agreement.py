"""``annotator agreement``: inter-coder agreement on exchange files or a reliability table.

``annotator agreement FILE... [--json]`` merges the exchange files (Contract 2) and reports
agreement per clause (Contract 3); ``--html``, ``--csv`` and ``--svg FILE`` also write the report
as the agreement window exports it. ``annotator agreement --table CSV [--level L] [--json]``
reports on arbitrary reliability data. ``--json`` prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.core.agreement import LEVELS, agreement_report, alpha_bootstrap, table_report
from annotator.core.agreement.report import METRICS
from annotator.core.errors import InputError
from annotator.core.reliability import read_reliability_csv

DESCRIPTION = """\
Inter-coder agreement.

  annotator agreement FILE... [--json]     exchange files (merged first) or --project P:
      agreement per clause and per category. A clause counts for the coefficients when two or
      more coders coded it; unreviewed clauses are missing, never agreement.
  annotator agreement --table CSV [--level L] [--json]
      any reliability data: one row per unit, one column per coder, a blank cell is missing.

--json prints one JSON object on stdout (field names in the README)."""


def register(subparsers: Any) -> None:
    """Add the ``agreement`` subcommand."""
    parser = subparsers.add_parser(
        "agreement",
        help="inter-coder agreement on exchange files or a reliability table",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="exchange files (.json)")
    parser.add_argument("--table", metavar="CSV", help="reliability data: units x coders CSV")
    parser.add_argument(
        "--level", choices=LEVELS, help="level of measurement for --table (default nominal)"
    )
    parser.add_argument(
        "--metric",
        action="append",
        choices=tuple(METRICS),
        help="with --table: only this coefficient (repeatable; default all): "
        + ", ".join(f"{k} = {v.replace('_', ' ')}" for k, v in METRICS.items()),
    )
    parser.add_argument("--project", metavar="P", help="a project file instead of exchange files")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--category", action="append", metavar="KEY", help="only this category")
    parser.add_argument("--coder", action="append", metavar="NAME", help="only this coder")
    parser.add_argument("--document", action="append", metavar="DOC", help="only this document")
    parser.add_argument("--seed", type=int, help="bootstrap seed (default 0)")
    parser.add_argument(
        "--bootstrap",
        type=int,
        metavar="N",
        help=(
            "bootstrap resamples for alpha's interval (default 1000 for exchange files, "
            "none for --table; 0 disables)"
        ),
    )
    for flag, what in (
        ("html", "a self-contained HTML page"),
        ("csv", "CSV"),
        ("svg", "an SVG chart"),
    ):
        parser.add_argument(
            f"--{flag}", metavar="FILE", help=f"also write the report as {what} (not with --table)"
        )
    parser.set_defaults(func=run)


def _write_reports(
    args: argparse.Namespace, report: dict[str, Any], exchange: dict[str, Any]
) -> None:
    """The files asked for with --html, --csv and --svg (the agreement window writes the same)."""
    from annotator.core.agreement.render import alpha_rows, alpha_svg, report_csv, report_html
    from annotator.services.exchange import atomic_write

    categories = (exchange.get("codebook") or {}).get("categories") or []
    names = {c["key"]: c.get("name") or c["key"] for c in categories if isinstance(c, dict)}
    pages = {
        args.html: lambda: report_html(report, names, title="Inter-coder agreement"),
        args.csv: lambda: report_csv(report, names),
        args.svg: lambda: alpha_svg(alpha_rows(report, names)),
    }
    for path, render in pages.items():
        if path:
            atomic_write(Path(path), render().encode("utf-8"))


def _load_exchange(paths: Sequence[str]) -> tuple[dict[str, Any], str]:
    """One exchange document from the files, merged if there are several; and its source name."""
    from annotator.core.exchange import load_exchange
    from annotator.core.merge import merge_documents

    docs = [load_exchange(Path(p)) for p in paths]
    if len(docs) == 1:
        return docs[0], str(paths[0])
    result = merge_documents(docs, [str(p) for p in paths])
    if getattr(result, "conflicts", None):
        print(
            f"annotator agreement: {len(result.conflicts)} merge conflict(s) settled;"
            " see `annotator merge` for details",
            file=sys.stderr,
        )
    return result.document, " + ".join(str(p) for p in paths)


def _load_project(path: str) -> dict[str, Any]:
    from annotator.services.exchange import export_exchange_dict

    return export_exchange_dict(path)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print_table(report: dict[str, Any]) -> None:
    print(
        f"Units: {report['units']} ({report['pairable_units']} with two or more values)"
        f"   Coders: {len(report['coders'])}   Level: {report['level']}"
    )
    print(f"Coders: {', '.join(report['coders'])}")
    rows = [
        ("Percent agreement", "percent_agreement"),
        ("Krippendorff's alpha", "krippendorff_alpha"),
        ("Fleiss' kappa", "fleiss_kappa"),
        ("Gwet's AC1", "gwet_ac1"),
        ("Cohen's kappa", "cohen_kappa"),
        ("Scott's pi", "scott_pi"),
    ]
    undefined = report["undefined"]
    ci = report.get("krippendorff_alpha_ci")
    for title, key in rows:
        if key not in report:  # not asked for (--metric)
            continue
        note = f"  ({undefined[key]})" if key in undefined else ""
        if key == "krippendorff_alpha" and ci:
            note = f"  [{ci['low']:.3f}, {ci['high']:.3f}] ({ci['samples']} resamples){note}"
        print(f"  {title:<22}{_fmt(report[key]):>7}{note}")
    if report.get("pairs") and len(report["coders"]) > 2:
        width = max(len(" / ".join(p["coders"])) for p in report["pairs"])
        print("Cohen's kappa by pair:")
        for pair in report["pairs"]:
            name = " / ".join(pair["coders"])
            print(f"  {name:<{width}}  {_fmt(pair['cohen_kappa']):>7}  units {pair['units']}")


def _print_exchange(report: dict[str, Any]) -> None:
    overall = report["overall"]
    print(
        f"Clauses: {report['units']}, coded by two or more coders: {report['pairable_units']}"
        " (the base of every figure below)"
    )
    print(f"Coders: {', '.join(report['coders'])}")
    ci = overall.get("krippendorff_alpha_masi_ci")
    interval = f"  [{ci['low']:.3f}, {ci['high']:.3f}]" if ci else ""
    print(
        f"  Alpha, category sets (MASI)   {_fmt(overall['krippendorff_alpha_masi']):>7}{interval}"
    )
    print(f"  Alpha, sets as nominal        {_fmt(overall['krippendorff_alpha_nominal_sets']):>7}")
    print(f"  Percent agreement (sets)      {_fmt(overall['percent_agreement']):>7}")
    for key, reason in overall["undefined"].items():
        print(f"  {key}: {reason}")
    per = report["per_category"]
    if not per:
        return
    width = max(8, *(len(k) for k in per))
    cols = ("percent_agreement", "krippendorff_alpha", "fleiss_kappa", "gwet_ac1", "cohen_kappa")
    heads = ("agree", "alpha", "fleiss", "AC1", "cohen")
    print(f"{'category':<{width}}  " + "  ".join(f"{h:>7}" for h in heads))
    for key, table in per.items():
        print(f"{key:<{width}}  " + "  ".join(f"{_fmt(table[c]):>7}" for c in cols))


def run(args: argparse.Namespace) -> int:
    """Compute and print the report; returns the exit code."""
    if args.bootstrap is not None and args.bootstrap < 0:
        raise InputError(f"--bootstrap must be 0 or more, not {args.bootstrap}")
    if args.table:
        if args.html or args.csv or args.svg:
            raise InputError("--html, --csv and --svg apply to exchange files and --project")
        if args.files or args.project:
            raise InputError("give either --table or exchange files / --project, not both")
        for flag, value in (("--category", args.category), ("--coder", args.coder)):
            if value:
                raise InputError(f"{flag} applies to exchange files, not --table")
        if args.document:
            raise InputError("--document applies to exchange files, not --table")
        if args.seed is not None and not args.bootstrap:
            raise InputError("--seed needs --bootstrap N with --table")
        level = args.level or "nominal"
        table = read_reliability_csv(args.table, level)
        codes = table.codes()
        report = table_report(codes, table.coders, level=level, metrics=args.metric)
        if args.bootstrap:
            report["krippendorff_alpha_ci"] = alpha_bootstrap(
                codes, level, samples=args.bootstrap, seed=args.seed or 0
            )
        if args.json:
            print(json.dumps(report, ensure_ascii=False, sort_keys=False))
        else:
            _print_table(report)
        return 0
    if args.level:
        raise InputError("--level applies to --table only")
    if args.metric:
        raise InputError("--metric applies to --table only")
    if args.bootstrap == 0 and args.seed is not None:
        raise InputError("--seed has nothing to seed with --bootstrap 0")
    if args.project:
        if args.files:
            raise InputError("give either exchange files or --project, not both")
        exchange, source = _load_project(args.project), str(args.project)
    elif args.files:
        exchange, source = _load_exchange(args.files)
    else:
        raise InputError("give exchange files, --project P or --table CSV (see --help)")
    report = agreement_report(
        exchange,
        categories=args.category,
        coders=args.coder,
        documents=args.document,
        bootstrap=1000 if args.bootstrap is None else args.bootstrap,
        seed=args.seed or 0,
        source=source,
    )
    _write_reports(args, report, exchange)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_exchange(report)
    return 0
