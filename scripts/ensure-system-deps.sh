#!/usr/bin/env bash
# Make sure the Debian packages that Qt (offscreen) and the real-keyring test need are present.
# Root on Debian/Ubuntu: install what is missing with apt-get, saying what and why.
# Anyone else: print the exact apt command and carry on (the suite skips what it cannot run).
#
# usage: scripts/ensure-system-deps.sh test|run
set -euo pipefail
purpose=${1:-test}

# package -> why we need it
declare -A why=(
  [libgl1]="Qt's GUI library links against libGL, even offscreen"
  [libegl1]="Qt's GUI library links against libEGL"
  [libfontconfig1]="Qt finds fonts through fontconfig"
  [fonts-dejavu-core]="a font, so windows and screenshots show text"
  [libxkbcommon0]="Qt's keyboard handling"
  [libglib2.0-0]="Qt's event dispatcher"
  [libdbus-1-3]="Qt links against libdbus"
)
wanted=(libgl1 libegl1 libfontconfig1 fonts-dejavu-core libxkbcommon0 libglib2.0-0 libdbus-1-3)
if [ "$purpose" = test ]; then
  why[dbus]="dbus-run-session, for the real Secret Service keyring test"
  why[gnome-keyring]="a real Secret Service for the keyring integration test"
  wanted+=(dbus gnome-keyring)
else
  # A real window on X11 needs the xcb platform plugin's libraries.
  for p in libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
           libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1; do
    why[$p]="Qt's X11 (xcb) platform plugin"
    wanted+=("$p")
  done
fi

command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: nothing we can check here

missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Missing Debian packages:"
for p in "${missing[@]}"; do echo "  $p  (${why[$p]})"; done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing them with apt-get (running as root)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Install them with:"
  echo "  sudo apt-get install --no-install-recommends ${missing[*]}"
fi
