#!/usr/bin/env bash
# Installs Plan Annotator's menu entry, icons, file type and AppStream metadata for the current
# user (XDG: $XDG_DATA_HOME, default ~/.local/share), so the app appears in the menu with its icon
# and a double-click on a *.plan-annotations.json file opens it. No root needed.
#
#   install-desktop-integration.sh [--exec PATH] [--prefix DIR] [--uninstall]
#
#   --exec PATH   the program the menu entry runs (default: `annotator` found on PATH, e.g. from
#                 pipx; for the bundle pass .../dist/plan-annotator/plan-annotator)
#   --prefix DIR  install under DIR instead of the XDG data home (used by the tests)
#   --uninstall   remove what this script installed
set -euo pipefail

APP_ID="io.github.plan_annotator.PlanAnnotator"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ICONS="$ROOT/resources/icons"
MIME_XML="$ROOT/resources/mime/plan-annotator.xml"
SIZES=(16 24 32 48 64 128 256 512)

prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
exec_path=""
uninstall=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --exec) exec_path="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-desktop-integration: unknown option $1" >&2; exit 2 ;;
  esac
done

targets=(
  "$prefix/applications/$APP_ID.desktop"
  "$prefix/metainfo/$APP_ID.metainfo.xml"
  "$prefix/mime/packages/plan-annotator.xml"
  "$prefix/icons/hicolor/scalable/apps/$APP_ID.svg"
)
for s in "${SIZES[@]}"; do
  targets+=("$prefix/icons/hicolor/${s}x${s}/apps/$APP_ID.png")
done

# Refresh the caches that menus, file managers and icon themes read; each tool is optional.
refresh_caches() {
  if command -v update-mime-database >/dev/null; then
    update-mime-database "$prefix/mime" >/dev/null
  fi
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database "$prefix/applications"
  fi
  if command -v gtk-update-icon-cache >/dev/null && [[ -f "$prefix/icons/hicolor/index.theme" ]]; then
    gtk-update-icon-cache --quiet --force "$prefix/icons/hicolor" || true
  fi
}

if [[ $uninstall == 1 ]]; then
  rm -f "${targets[@]}"
  mkdir -p "$prefix/mime/packages" "$prefix/applications"
  refresh_caches
  echo "Removed Plan Annotator's desktop integration from $prefix"
  exit 0
fi

# The menu entry runs an absolute path: a desktop session's PATH often lacks ~/.local/bin.
if [[ -z "$exec_path" ]]; then
  exec_path="$(command -v annotator || true)"
  if [[ -z "$exec_path" ]]; then
    echo "install-desktop-integration: 'annotator' is not on PATH; install it (pipx install .)" \
         "or pass --exec /path/to/plan-annotator" >&2
    exit 2
  fi
fi
exec_path="$(realpath -s "$exec_path")"
if [[ ! -x "$exec_path" ]]; then
  echo "install-desktop-integration: $exec_path is not an executable file" >&2
  exit 2
fi
# Desktop Entry quoting is subtle for these characters; refuse rather than write a broken entry.
if [[ "$exec_path" =~ [\"\`\$\\%] ]]; then
  echo "install-desktop-integration: cannot use a path containing \" \` \$ \\ or %: $exec_path" >&2
  exit 2
fi
exec_field="$exec_path"
[[ "$exec_path" == *" "* ]] && exec_field="\"$exec_path\""

mkdir -p "$prefix/applications"
sed -e "s|^Exec=annotator |Exec=$exec_field |" -e "s|^TryExec=annotator$|TryExec=$exec_path|" \
  "$HERE/$APP_ID.desktop" > "$prefix/applications/$APP_ID.desktop"
chmod 644 "$prefix/applications/$APP_ID.desktop"
install -Dm644 "$HERE/$APP_ID.metainfo.xml" "$prefix/metainfo/$APP_ID.metainfo.xml"
install -Dm644 "$MIME_XML" "$prefix/mime/packages/plan-annotator.xml"
install -Dm644 "$ICONS/plan-annotator.svg" "$prefix/icons/hicolor/scalable/apps/$APP_ID.svg"
for s in "${SIZES[@]}"; do
  install -Dm644 "$ICONS/plan-annotator-$s.png" "$prefix/icons/hicolor/${s}x${s}/apps/$APP_ID.png"
done

if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$prefix/applications/$APP_ID.desktop"
fi
refresh_caches
echo "Installed Plan Annotator's desktop integration into $prefix (runs $exec_path)"
