#!/usr/bin/env bash
# Sets up (if needed) and runs the whole test suite headless (Qt offscreen). Extra arguments go
# to pytest, e.g. `-m "not gui"` for the core alone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q "$@"
