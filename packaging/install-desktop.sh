#!/usr/bin/env bash
# The menu entry for the current user, no root needed: the desktop file, the icon in every size
# and the AppStream metainfo, under $XDG_DATA_HOME (default ~/.local/share).
#
# usage: packaging/install-desktop.sh [COMMAND]        (or: make install-desktop EXEC=COMMAND)
#        packaging/install-desktop.sh --uninstall      (or: make uninstall-desktop)
#   COMMAND  what the menu entry starts: the bundle's cfstream-gui wherever you put the folder,
#            .venv/bin/cfstream-gui, or a command on PATH. Default: cfstream-gui from PATH, else
#            this checkout's .venv/bin/cfstream-gui.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
app_id=io.github.cfstream_gui.CfstreamGui
# The XDG base-directory spec: a relative XDG_DATA_HOME is invalid and is ignored.
data=${XDG_DATA_HOME:-}
case $data in /*) ;; *) data=$HOME/.local/share ;; esac
desktop=$data/applications/$app_id.desktop
metainfo=$data/metainfo/$app_id.metainfo.xml
icons=$data/icons/hicolor
sizes=$(cd "$root/resources" && ls "$app_id"-*.png | sed "s/^$app_id-\([0-9]*\)\.png$/\1/" | sort -n)

fail() { echo "install-desktop: $*" >&2; exit 1; }

refresh_menus() {
  # Menus read the desktop files' cache when there is one; icon themes notice a newer folder.
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
  fi
  [ -d "$icons" ] && touch "$icons"
  return 0
}

if [ "${1:-}" = --uninstall ]; then
  rm -f "$desktop" "$metainfo" "$icons/scalable/apps/$app_id.svg"
  for n in $sizes; do rm -f "$icons/${n}x$n/apps/$app_id.png"; done
  refresh_menus
  echo "Removed the cfstream-gui menu entry, icons and metainfo from $data."
  exit 0
fi

command=${1:-}
# make passes EXEC=~/... on unexpanded from shells that leave a tilde after "=" alone (zsh).
case $command in "~/"*) command=$HOME/${command#"~/"} ;; esac
if [ -z "$command" ]; then
  command=$(command -v cfstream-gui 2>/dev/null || true)
  [ -n "$command" ] || command=$root/.venv/bin/cfstream-gui
  [ -x "$command" ] || fail "cfstream-gui is neither on PATH nor in $root/.venv: install it" \
    "first (make run, or pipx install .), or name it: make install-desktop EXEC=/path/to/cfstream-gui"
elif [[ $command != */* ]]; then
  command -v "$command" >/dev/null 2>&1 || fail "$command is not a command on PATH."
else
  [[ $command = /* ]] || command=$PWD/$command
  [ -f "$command" ] && [ -x "$command" ] || fail "$command is not an executable file."
fi
# The desktop entry spec escapes these in Exec with backslashes that are then escaped again;
# nobody's install path needs them, so they are refused rather than half-escaped.
case $command in
  *[\"\`\$\\%]* | *$'\n'* | *$'\r'*)
    fail "the command's path contains \", \`, \$, \\, % or a line break; move it elsewhere." ;;
esac
exec_value=$command
case $command in
  *[!A-Za-z0-9/._+-]*) exec_value="\"$command\"" ;;  # spaces and the like: quoted, once
esac

mkdir -p "$data/applications" "$data/metainfo"
tmp=$(mktemp "$data/applications/.$app_id.XXXXXX")
trap 'rm -f "$tmp"' EXIT
while IFS= read -r line; do
  case $line in
    Exec=*) printf 'Exec=%s\n' "$exec_value" ;;
    TryExec=*) printf 'TryExec=%s\n' "$command" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$here/$app_id.desktop" >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$desktop"  # whole or not at all: a menu never reads half a file
install -Dm644 "$here/$app_id.metainfo.xml" "$metainfo"
install -Dm644 "$root/resources/$app_id.svg" "$icons/scalable/apps/$app_id.svg"
for n in $sizes; do
  install -Dm644 "$root/resources/$app_id-$n.png" "$icons/${n}x$n/apps/$app_id.png"
done
refresh_menus
echo "Installed the cfstream-gui menu entry for $(id -un): $desktop starts $command;" \
  "icons in $icons, metainfo in $metainfo."
