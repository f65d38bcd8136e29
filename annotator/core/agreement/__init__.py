"""Inter-coder agreement statistics (Contract 3).

Reliability data is a (units, coders) matrix with missing values, encoded once as integer codes
(:mod:`.coding`); the coefficients are vectorised with numpy (:mod:`.nominal`, :mod:`.alpha`);
:mod:`.units` builds clause-level units from an exchange document and :mod:`.report` assembles
JSON-ready reports. Undefined coefficients are ``Coefficient(None, reason)``, never 1.0 and never
an exception.
"""

from annotator.core.agreement.alpha import (
    LEVELS,
    alpha_bootstrap,
    coincidence_matrix,
    krippendorff_alpha,
    masi_distance,
)
from annotator.core.agreement.coding import (
    MISSING,
    Codes,
    Coefficient,
    as_codes,
    encode_array,
    encode_rows,
)
from annotator.core.agreement.nominal import (
    cohen_kappa,
    cohen_kappa_pairs,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
    scott_pi,
)
from annotator.core.agreement.report import TABLE_KEYS, agreement_report, table_report
from annotator.core.agreement.units import UnitTable, unit_values

__all__ = [
    "LEVELS",
    "MISSING",
    "TABLE_KEYS",
    "Codes",
    "Coefficient",
    "UnitTable",
    "agreement_report",
    "alpha_bootstrap",
    "as_codes",
    "cohen_kappa",
    "cohen_kappa_pairs",
    "coincidence_matrix",
    "encode_array",
    "encode_rows",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "masi_distance",
    "percent_agreement",
    "scott_pi",
    "table_report",
    "unit_values",
]
