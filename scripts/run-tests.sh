#!/usr/bin/env bash
# Sets up (if needed) and runs the whole test suite headless (Qt offscreen). Extra arguments go
# to pytest, e.g. `-m "not gui"` for the core alone.
#
# `--deep` runs the slow job instead: the property tests randomised, with larger example budgets
# (500 for the merge laws; tests/helpers/properties.py). About 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
export QT_QPA_PLATFORM=offscreen
if [[ "${1:-}" == "--deep" ]]; then
  shift
  export PROPERTIES=deep
  exec .venv/bin/python -m pytest -q tests/core/test_merge_laws.py tests/core/test_exchange.py "$@"
fi
exec .venv/bin/python -m pytest -q "$@"
