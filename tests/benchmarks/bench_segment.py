"""Segmenting plans: a 10,000-point plan (floor 0.2 s, issue 12), and the same plan as a press copy
(gaps, mixed delimiters, sub-points, points run together on one line).

The floor printed beside each figure is splitting the text into lines, the least any line-based
segmenter must do; the target is the figure itself staying at or under 0.2 s.
"""

from __future__ import annotations

from tests.helpers.bench import best_of, human, numbered_plan, report, scaled

TARGET = 0.2


def press_copy(n: int) -> str:
    """A long plan with the defects of a press copy, every 10th point a variant."""
    parts = ["Draft as circulated (press copy)\n"]
    for i in range(1, n + 1):
        if i % 10 == 3:
            continue  # a point missing from the source
        if i % 10 == 4:
            parts.append(f"{i}) The parties implement provision {i} within 90 days.")
        elif i % 10 == 6:
            parts.append(
                f"{i}. The parties agree: a) a ceasefire; b) withdrawal; c) an exchange of "
                f"600,000 records. {i + 1}. Provision {i + 1} runs on the same line. [B]"
            )
        elif i % 10 == 7:
            continue  # written inline with the point before
        elif i % 10 == 9:
            parts.append(f"{i}. Sub-points follow:\na. the first;\nb. the second;\n- a bullet.")
        else:
            parts.append(f"{i}. The parties shall implement provision {i} by 2026.")
    return "\n".join(parts) + "\n"


def main() -> None:
    from annotator.core.segment import segment_plan

    n = scaled(10_000)
    for name, text in (("numbered", numbered_plan(n)), ("press copy", press_copy(n))):
        floor = best_of(lambda t=text: t.split("\n"), repeat=5)  # type: ignore[misc]
        result = segment_plan(text)
        points = sum(c.kind == "point" for c in result.clauses)
        seconds = best_of(lambda t=text: segment_plan(t), repeat=5)  # type: ignore[misc]
        report(
            f"segment {n:,}-point plan ({name}, {points:,} points)", seconds, "split lines", floor
        )
        verdict = "within" if seconds <= TARGET * max(n, 1) / 10_000 else "OVER"
        print(f"  target ≤ {human(TARGET * n / 10_000)}: {verdict}", flush=True)


if __name__ == "__main__":
    main()
