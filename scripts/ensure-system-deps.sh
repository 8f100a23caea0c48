#!/usr/bin/env bash
# Make sure the Debian packages that Qt (offscreen) and the real-keyring test need are present.
# Root on Debian/Ubuntu: install what is missing with apt-get, saying what and why.
# Anyone else: print the exact apt command and carry on (the suite skips what it cannot run).
#
# usage: scripts/ensure-system-deps.sh venv|test|run|package
#   venv     only what `python3 -m venv` needs (run before the virtualenv is made)
#   test     Qt's offscreen libraries, a font, D-Bus + gnome-keyring for the real-keyring test,
#            the validators for the desktop file and the AppStream metainfo, and curl and
#            Node.js, which run the "copy as code" snippets against the sandbox
#   run      Qt's libraries for a real window on X11
#   package  those, and what PyInstaller needs to build the bundle
set -uo pipefail
purpose=${1:-test}
python=${PYTHON:-python3}

declare -A why=()
wanted=()
want() { why[$1]=$2; wanted+=("$1"); }

if [ "$purpose" = venv ]; then
  # Debian's own python3 splits venv/ensurepip into python3-venv; other Pythons carry it.
  if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    want python3-venv "python3 -m venv, for the project's .venv"
  fi
else
  want libgl1 "Qt's GUI library links against libGL, even offscreen"
  want libegl1 "Qt's GUI library links against libEGL"
  want libfontconfig1 "Qt finds fonts through fontconfig"
  want fonts-dejavu-core "a font, so windows and screenshots show text"
  want libxkbcommon0 "Qt's keyboard handling"
  want libglib2.0-0 "Qt's event dispatcher"
  want libdbus-1-3 "Qt links against libdbus"
  if [ "$purpose" = test ]; then
    want dbus "dbus-run-session, for the real Secret Service keyring test"
    want gnome-keyring "a real Secret Service for the keyring integration test"
    want desktop-file-utils "desktop-file-validate, which checks the desktop file"
    want appstream "appstreamcli, which checks the AppStream metainfo"
    want curl "runs the curl snippet of Copy as code in the tests"
    want nodejs "runs the Cloudflare Worker snippet's signing function in the tests"
  else
    # A bundle built where these are installed carries them (PyInstaller copies what Qt's xcb
    # plugin links to), so it starts on desktops that lack libxcb-cursor0 and friends.
    if [ "$purpose" = package ]; then
      want binutils "PyInstaller reads the libraries it bundles with objdump"
      want openssl "packaging/check-bundle.sh makes a throwaway signing key with it"
    fi
    for p in libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
             libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1; do
      want "$p" "Qt's X11 (xcb) platform plugin"
    done
  fi
fi

command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: nothing we can check here

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing=()
for p in "${wanted[@]}"; do
  # Debian 13 / Ubuntu 24.04 renamed some libraries with a t64 suffix; either name will do.
  installed "$p" || installed "${p}t64" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Missing Debian packages:"
for p in "${missing[@]}"; do echo "  $p  (${why[$p]})"; done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Install them with:"
  echo "  sudo apt-get install --no-install-recommends ${missing[*]}"
  exit 0
fi

echo "Installing them with apt-get (running as root)..."
# One update per CI run is enough: the test and package steps may both get here.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null)" ]; then
  apt-get update -qq || echo "warning: apt-get update failed; trying with the package lists we have"
fi
names=()
for p in "${missing[@]}"; do
  if apt-cache show "$p" >/dev/null 2>&1; then names+=("$p"); else names+=("${p}t64"); fi
done
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${names[@]}" >/dev/null; then
  echo "warning: apt-get could not install ${names[*]}; the steps that need them may fail or be skipped"
fi
exit 0
