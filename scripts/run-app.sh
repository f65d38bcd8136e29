#!/usr/bin/env bash
# Sets up (if needed) and opens Plan Annotator on the default project, which starts with the
# built-in sample plans. Extra arguments go to the app (e.g. --project FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
exec .venv/bin/annotator "$@"
