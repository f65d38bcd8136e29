"""The agreement report as files: CSV, an SVG chart and a self-contained HTML page.

Pure functions, report dict (from :func:`annotator.core.agreement.agreement_report`) and the
category names in, text out; the GUI's agreement window and ``annotator agreement --html/--csv/
--svg`` write the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
import math
from typing import Any

from annotator.core.wording import plural

DASH = "—"
#: (report key, column title) of the per-category table, after the category and unit count.
COLUMNS = (
    ("percent_agreement", "% agreement"),
    ("krippendorff_alpha", "Krippendorff α"),
    ("fleiss_kappa", "Fleiss κ"),
    ("gwet_ac1", "Gwet AC1"),
    ("cohen_kappa", "Cohen κ"),
    ("scott_pi", "Scott π"),
)


def fmt(value: float | None, percent: bool = False) -> str:
    """A coefficient for display: three decimals (or a percentage), a dash when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{value * 100:.1f}%" if percent else f"{value:.3f}".replace("-", "−")


def base_text(report: dict[str, Any]) -> str:
    """What every coefficient is computed over: the clauses coded by two or more coders."""
    return (
        f"{report['pairable_units']} of {plural(report['units'], 'clause')} coded by two or more "
        "coders"
    )


def undefined_reason(report: dict[str, Any], key: str) -> str:
    """Why ``key`` of this (per-category or overall) report is undefined, or ""."""
    return str(report.get("undefined", {}).get(key, ""))


def report_csv(report: dict[str, Any], names: dict[str, str]) -> str:
    """One row per category plus an ``(overall)`` row; blank cells for undefined values."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "category_key",
            "category_name",
            "units",
            "pairable_units",
            *(k for k, _ in COLUMNS),
            "undefined",
        ]
    )
    overall = report["overall"]
    ci = overall.get("krippendorff_alpha_masi_ci") or {}
    w.writerow(
        [
            "(overall)",
            "Category sets (MASI)",
            report["units"],
            report["pairable_units"],
            _blank(overall.get("percent_agreement")),
            _blank(overall.get("krippendorff_alpha_masi")),
            "",
            "",
            "",
            "",
            "; ".join(f"{k}: {v}" for k, v in overall.get("undefined", {}).items())
            or (f"95% CI {ci['low']:.6g} to {ci['high']:.6g}" if ci else ""),
        ]
    )
    for key, rep in report["per_category"].items():
        w.writerow(
            [
                key,
                names.get(key, key),
                rep["units"],
                rep["pairable_units"],
                *(_blank(rep[k]) for k, _ in COLUMNS),
                "; ".join(f"{k}: {v}" for k, v in rep["undefined"].items()),
            ]
        )
    return out.getvalue()


def _blank(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def alpha_svg(rows: list[tuple[str, float | None]], width: int = 560) -> str:
    """An inline SVG bar chart of alpha per category on a −1…1 axis (undefined: a dash)."""
    bar_h, gap, label_w, top = 18, 6, 180, 24
    plot_w = width - label_w - 60
    height = top + len(rows) * (bar_h + gap) + 20
    zero = label_w + plot_w / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Krippendorff alpha per category">',
        f'<text x="{label_w}" y="14" font-size="11">−1</text>',
        f'<text x="{zero - 4:.1f}" y="14" font-size="11">0</text>',
        f'<text x="{label_w + plot_w - 8}" y="14" font-size="11">1</text>',
        f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{height - 16}" stroke="#888"/>',
    ]
    for ref in (0.667, 0.8):  # Krippendorff's conventional thresholds
        x = zero + ref * plot_w / 2
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 16}" '
            'stroke="#c33" stroke-dasharray="3,3"/>'
        )
    for i, (name, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{html.escape(name)}</text>"
        )
        if value is None:
            parts.append(f'<text x="{zero + 4:.1f}" y="{y + 13}" font-size="12">{DASH}</text>')
            continue
        length = max(-1.0, min(1.0, value)) * plot_w / 2
        x = zero if length >= 0 else zero + length
        color = "#2f6fb0" if value >= 0 else "#b5572a"
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{abs(length):.1f}" height="{bar_h}" '
            f'fill="{color}"><title>{html.escape(name)}: {value:.3f}</title></rect>'
        )
        tx = zero + length + (4 if length >= 0 else -4)
        anchor = "start" if length >= 0 else "end"
        parts.append(
            f'<text x="{tx:.1f}" y="{y + 13}" font-size="11" text-anchor="{anchor}">'
            f"{fmt(value)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def report_html(
    report: dict[str, Any], names: dict[str, str], *, title: str, warning: str | None = None
) -> str:
    """A self-contained HTML page: overall alpha, the per-category table, pair tables, a chart."""
    e = html.escape
    overall = report["overall"]
    ci = overall.get("krippendorff_alpha_masi_ci")
    ci_text = (
        f" (95% CI {fmt(ci['low'])} to {fmt(ci['high'])}, {ci['samples']} bootstrap resamples)"
        if ci
        else ""
    )

    def cell(rep: dict[str, Any], key: str, percent: bool = False) -> str:
        reason = undefined_reason(rep, key)
        attr = f' title="{e(reason)}"' if reason else ""
        return f"<td{attr}>{fmt(rep.get(key), percent)}</td>"

    head = "".join(f"<th>{e(t)}</th>" for _, t in COLUMNS)
    body = []
    for key, rep in report["per_category"].items():
        cells = "".join(cell(rep, k, k == "percent_agreement") for k, _ in COLUMNS)
        body.append(
            f"<tr><th>{e(names.get(key, key))}</th>"
            f"<td>{rep['pairable_units']} of {rep['units']}</td>{cells}</tr>"
        )
    pairs = []
    for key, rep in report["per_category"].items():
        for pair in rep["pairs"]:
            a, b = pair["coders"]
            pairs.append(
                f"<tr><td>{e(names.get(key, key))}</td><td>{e(a)}</td><td>{e(b)}</td>"
                f"<td>{fmt(pair['cohen_kappa'])}</td><td>{pair['units']}</td></tr>"
            )
    chart = alpha_svg(alpha_rows(report, names))
    banner = f'<p class="warn">{html.escape(warning, quote=False)}</p>' if warning else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
.warn {{ background: #fff3cd; border: 1px solid #e0c060; padding: 8px; }}
</style></head><body>
<h1>{e(title)}</h1>
{banner}
<p>{e(base_text(report))}; coders: {e(", ".join(report["coders"]))}.
Every coefficient is computed over the clauses coded by two or more coders.</p>
<p><strong>Overall Krippendorff α (category sets, MASI distance):</strong>
{fmt(overall.get("krippendorff_alpha_masi"))}{e(ci_text)};
percent agreement on identical sets {fmt(overall.get("percent_agreement"), True)}.</p>
<h2>Per category</h2>
<table><thead><tr><th>Category</th><th>Clauses coded by ≥2</th>{head}</tr></thead>
<tbody>
{"".join(body)}
</tbody></table>
<h2>Krippendorff α per category</h2>
{chart}
<h2>Cohen's κ per coder pair</h2>
<table><thead><tr><th>Category</th><th>Coder</th><th>Coder</th><th>κ</th>
<th>Clauses coded by both</th></tr></thead>
<tbody>
{"".join(pairs)}
</tbody></table>
<p>Undefined values (—) are explained in each cell's tooltip: a coefficient with no variation
or too few pairable values is not defined.</p>
</body></html>
"""


def alpha_rows(report: dict[str, Any], names: dict[str, str]) -> list[tuple[str, float | None]]:
    """(category name, Krippendorff alpha) per category, for :func:`alpha_svg`."""
    return [(names.get(k, k), r["krippendorff_alpha"]) for k, r in report["per_category"].items()]
