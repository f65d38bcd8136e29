"""Settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import settings

# CI runs the property tests on a fixed, derandomised set of examples, so that a run is
# reproducible and a landing cannot be blocked by a case no one has seen. Locally (no CI variable)
# every run draws new examples: that is where fuzzing finds new bugs.
settings.register_profile("ci", derandomize=True, print_blob=True)
# The slow CI job (PROPERTIES=deep) draws new examples every run, with larger budgets
# (tests/helpers/properties.py), and prints how to replay a failure.
settings.register_profile("deep", derandomize=False, print_blob=True, deadline=None)
if os.environ.get("PROPERTIES") == "deep":
    settings.load_profile("deep")
elif os.environ.get("CI"):
    settings.load_profile("ci")
