"""Example budgets for the property tests: small and derandomised in the main CI run, large and
randomised in the slow job (``PROPERTIES=deep``, see scripts/run-tests.sh --deep).

A fixed example set keeps ordinary runs reproducible; the deep job draws new examples every run,
so the laws keep meeting cases no one has seen, and prints a blob to replay any failure.
"""

from __future__ import annotations

import os

DEEP = os.environ.get("PROPERTIES", "") == "deep"


def examples(normal: int, deep: int) -> int:
    """``normal`` examples in ordinary runs, ``deep`` in the slow job."""
    return deep if DEEP else normal
