#!/usr/bin/env bash
# Sets up a development/run environment from a fresh checkout: the system libraries Qt needs
# (Debian/Ubuntu, when run as root), then a virtualenv in .venv with the project installed.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

QT_RUNTIME="libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0"
# For a real window on X11 (xcb platform plugin).
QT_XCB="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 libx11-xcb1"
PACKAGES="$QT_RUNTIME $QT_XCB python3-venv ${EXTRA_APT_PACKAGES:-}"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: please install these packages first (as root):$missing" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"setup: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
PY
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
EXTRA="${1:-dev}"
stamp=".venv/.installed-$EXTRA"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$EXTRA]"
  touch "$stamp"
fi
if [ -z "${VIRTUAL_ENV:-}" ]; then
  echo "setup: 'annotator' is in .venv/bin: run '. .venv/bin/activate' to put it on your PATH" >&2
fi
