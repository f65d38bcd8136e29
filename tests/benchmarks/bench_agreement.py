"""``annotator agreement --table``, 20 coders × 100,000 units (nominal, 20 % missing), whole run.

Floor: a script that reads the same CSV with the csv module and runs ``krippendorff.alpha``
(``tests.benchmarks.floors alpha``), also a whole process. Ours is run twice: ``--metric alpha``
(one coefficient, goal ≤ 1.0×) and every coefficient (goal ≤ 1.5×). Alpha must equal the
package's to 1e-9. Medians of 3 alternating runs.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from tests.helpers.bench import record, scaled
from tests.helpers.proc import compare, python


def write_table(path: Path, units: int, coders: int) -> None:
    """Coders mostly agree with a hidden truth (alpha far from 0 and 1); values 1-4, 20 % blank."""
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, units)
    data = np.where(
        rng.random((units, coders)) < 0.7, truth[:, None], rng.integers(0, 4, (units, coders))
    )
    missing = rng.random((units, coders)) < 0.2
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(f"coder{i}" for i in range(coders)) + "\n")
        for row, blank in zip(data.tolist(), missing.tolist(), strict=True):
            fh.write(",".join("" if b else str(v + 1) for v, b in zip(row, blank, strict=True)))
            fh.write("\n")


def main() -> None:
    units, coders = scaled(100_000), 20
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "reliability.csv"
        write_table(table, units, coders)
        ours_cmd = python("-m", "annotator", "agreement", "--table", str(table))
        floor_cmd = python("-m", "tests.benchmarks.floors", "alpha", str(table))
        theirs = float(subprocess.run(floor_cmd, capture_output=True, check=True).stdout)
        report = json.loads(
            subprocess.run(
                [*ours_cmd, "--metric", "alpha", "--json"], capture_output=True, check=True
            ).stdout
        )
        ours_alpha = report["krippendorff_alpha"]
        assert abs(ours_alpha - theirs) < 1e-9, (ours_alpha, theirs)
        one, floor = compare([*ours_cmd, "--metric", "alpha"], floor_cmd)
        every, floor2 = compare(ours_cmd, floor_cmd)
    size = f"{coders} coders × {units:,} units"
    record(
        f"`annotator agreement --table --metric alpha`, {size}, whole process",
        f"{one.seconds:.2f} s",
        f"`krippendorff.alpha` script on the same CSV {floor.seconds:.2f} s",
        one.seconds / floor.seconds,
        goal="≤ 1.0×",
        order=30,
    )
    record(
        f"`annotator agreement --table`, every coefficient, {size}, whole process",
        f"{every.seconds:.2f} s",
        f"same script {floor2.seconds:.2f} s",
        every.seconds / floor2.seconds,
        goal="≤ 1.5×",
        order=31,
    )
    print(f"alpha = {ours_alpha!r} (krippendorff: {theirs!r})")


if __name__ == "__main__":
    main()
