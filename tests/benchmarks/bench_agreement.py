"""Agreement for 20 coders × 100,000 clauses (nominal, 20 % missing).

Floor: the ``krippendorff`` package (numpy) on the same matrix. Our alpha must also equal its value.
"""

from __future__ import annotations

import numpy as np

from tests.helpers.bench import best_of, peak_memory, report, scaled


def main() -> None:
    import krippendorff

    from annotator.core.agreement.alpha import krippendorff_alpha
    from annotator.core.agreement.coding import encode_array
    from annotator.core.agreement.report import table_report

    units, coders = scaled(100_000), 20
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, units)
    # Coders mostly agree with a hidden truth, so alpha is far from 0 and from 1.
    data = np.where(
        rng.random((units, coders)) < 0.7, truth[:, None], rng.integers(0, 4, (units, coders))
    )
    data = data.astype(np.float64)
    data[rng.random((units, coders)) < 0.2] = np.nan
    print(f"reliability data: {coders} coders × {units:,} clauses, 4 values, 20 % missing")

    floor = best_of(
        lambda: krippendorff.alpha(reliability_data=data.T, level_of_measurement="nominal")
    )
    theirs = krippendorff.alpha(reliability_data=data.T, level_of_measurement="nominal")
    ours = krippendorff_alpha(encode_array(data), "nominal").value
    assert ours is not None and abs(ours - theirs) < 1e-9, (ours, theirs)
    report(
        "alpha nominal (encode + alpha)",
        best_of(lambda: krippendorff_alpha(encode_array(data), "nominal")),
        "krippendorff.alpha",
        floor,
    )

    codes = encode_array(data)
    labels = [f"c{i}" for i in range(coders)]
    present = encode_array(np.where(np.isnan(data), np.nan, (data == 0).astype(np.float64)))
    report(
        "all coefficients, one category (table_report)",
        best_of(lambda: table_report(present, labels, n_categories=2)),
        "krippendorff.alpha",
        floor,
    )
    report(
        "alpha ordinal",
        best_of(lambda: krippendorff_alpha(codes, "ordinal")),
        "krippendorff.alpha ordinal",
        best_of(
            lambda: krippendorff.alpha(reliability_data=data.T, level_of_measurement="ordinal")
        ),
    )
    print(f"alpha = {ours:.6f} (krippendorff: {theirs:.6f})")
    peak_memory()


if __name__ == "__main__":
    main()
