#!/usr/bin/env bash
# Builds the one-folder desktop bundle packaging/dist/plan-annotator/ with PyInstaller, then
# smoke-tests it headless. Not part of the default test run (it takes minutes and needs network
# the first time). Usage: packaging/build-bundle.sh [--skip-smoke]
#
# PyInstaller lives in its own venv (packaging/.venv-build) so the development venv stays clean;
# the project is installed there non-editable, so the bundle holds what a wheel ships.
# PLAN_ANNOTATOR_SRC=DIR builds from another source tree (e.g. a clean export of a release tag).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SRC="${PLAN_ANNOTATOR_SRC:-$ROOT}"
VENV="$HERE/.venv-build"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3

skip_smoke=0
[[ "${1:-}" == "--skip-smoke" ]] && skip_smoke=1

start=$(date +%s)
if [[ ! -x "$VENV/bin/python" ]]; then
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
"$VENV/bin/python" -m pip install --quiet "pyinstaller>=6.10"
# --force-reinstall --no-deps: always rebuild from the current tree, dependencies only once.
"$VENV/bin/python" -m pip install --quiet "$SRC"
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$SRC"

"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$HERE/dist" --workpath "$HERE/build" \
  "$HERE/pyinstaller/plan-annotator.spec"
built=$(date +%s)

BUNDLE="$HERE/dist/plan-annotator"
echo "bundle: $BUNDLE"
echo "size:   $(du -sh "$BUNDLE" | cut -f1) ($(find "$BUNDLE" -type f | wc -l) files)"
echo "build:  $((built - start)) s"
[[ $skip_smoke == 1 ]] && exit 0

# ---- smoke tests: headless, on throw-away data folders -------------------------------------
EXE="$BUNDLE/plan-annotator"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
export QT_QPA_PLATFORM=offscreen
export XDG_DATA_HOME="$SCRATCH/data" XDG_CONFIG_HOME="$SCRATCH/config" XDG_CACHE_HOME="$SCRATCH/cache"
unset ANNOTATOR_PROJECT

want="$("$VENV/bin/python" -c 'import annotator; print(annotator.__version__)')"
got="$("$EXE" --version)"
[[ "$got" == *"$want"* ]] || { echo "FAIL: --version printed '$got', want $want" >&2; exit 1; }
echo "ok: --version -> $got"

# Storage + Alembic migrations (read from disk) + JSON Schema resource, through the CLI.
project="$SCRATCH/smoke.annotator.sqlite"
"$EXE" import --project "$project" "$ROOT/tests/fixtures/exchange_small.json" >/dev/null
"$EXE" info --project "$project" --json | "$VENV/bin/python" -c '
import json, sys
info = json.load(sys.stdin)
docs, cats = len(info["documents"]), len(info["categories"])
assert docs, "no documents after import"
print(f"ok: import + info -> {docs} documents, {cats} categories")'

# The window on the default (sample) project, first launch on a fresh data folder. "Opened" =
# still running after 5 s, no crash, and the default project created in the data folder (an
# error dialog keeps the process alive too, so running alone proves nothing).
# ANNOTATOR_SMOKE_TEST=1 is for a GUI that can open-and-quit by itself (exit 0 counts too).
DEFAULT="$XDG_DATA_HOME/plan-annotator/default.annotator.sqlite"
set +e
ANNOTATOR_SMOKE_TEST=1 timeout 10 "$EXE" --coder Smoke >"$SCRATCH/gui.log" 2>&1 &
gui=$!
sleep 5
if kill -0 "$gui" 2>/dev/null; then
  kill "$gui"; wait "$gui" 2>/dev/null
  state="window still open after 5 s (offscreen)"
else
  wait "$gui"; rc=$?
  if [[ $rc != 0 ]]; then
    echo "FAIL: the window exited with $rc:" >&2; tail -20 "$SCRATCH/gui.log" >&2; exit 1
  fi
  state="window opened and quit (exit 0)"
fi
set -e
if [[ ! -s "$DEFAULT" ]]; then
  echo "FAIL: $state, but no default project at $DEFAULT" >&2
  tail -20 "$SCRATCH/gui.log" >&2
  exit 1
fi
echo "ok: $state; default project created ($(du -h "$DEFAULT" | cut -f1))"
