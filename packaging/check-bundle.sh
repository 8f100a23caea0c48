#!/usr/bin/env bash
# What CI runs on the folder `make package` built, installed the way a user would install it:
# copied elsewhere (under a path with a space), started with nothing of the checkout or the venv
# in reach, through the menu entry `make install-desktop` writes for it.
#   - both commands answer --version with the project's version;
#   - the menu entry's command opens the window and makes a token against the built-in sandbox
#     (--self-test, offscreen);
#   - the frozen cfstream-token makes a token against the sandbox too;
#   - with D-Bus and gnome-keyring present, it keeps a signing key in a real Secret Service and
#     signs a batch in worker processes (each of which re-runs the frozen executable).
#
# usage: packaging/check-bundle.sh [BUNDLE_DIR]      (default: dist/cfstream-gui)
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=$(cd "${1:-dist/cfstream-gui}" && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' cfstream_gui/__init__.py)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/opt/cfstream gui"
mkdir -p "$prefix" "$work/home" "$work/data"
cp -a "$bundle" "$prefix/"
gui="$prefix/$(basename "$bundle")/cfstream-gui"
cli="$prefix/$(basename "$bundle")/cfstream-token"

step() { echo "check-bundle: $*"; }
fail() { echo "check-bundle: FAILED: $*" >&2; exit 1; }
# A clean environment, run from an empty folder: the bundle must need neither the checkout nor
# the venv, and never the user's settings (HOME and the config dir are throwaway).
frozen() {
  (cd "$work/home" && env -i HOME="$work/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
    CFSTREAM_CONFIG_DIR="$work/home/config" QT_QPA_PLATFORM=offscreen \
    ${DBUS_SESSION_BUS_ADDRESS:+DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"} \
    timeout -k 5 180 "$@")
}

step "--version"
for name in cfstream-gui cfstream-token; do
  said=$(frozen "$prefix/$(basename "$bundle")/$name" --version) || fail "$name --version failed"
  [ "$said" = "$name $version" ] || fail "$name --version said '$said', not '$name $version'"
done

step "the menu entry for the installed folder"
XDG_DATA_HOME="$work/data" bash packaging/install-desktop.sh "$gui"
desktop="$work/data/applications/io.github.cfstream_gui.CfstreamGui.desktop"
desktop-file-validate "$desktop"
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
[ "$exec_line" = "\"$gui\"" ] || fail "the desktop file says Exec=$exec_line"
command=${exec_line#\"}
command=${command%\"}

step "the menu entry's command: --self-test"
frozen "$command" --self-test

step "cfstream-token --sandbox create"
token=$(frozen "$cli" --sandbox create ea95132c15732412d22c1476fa83f27a)
[[ $token =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ ]] || fail "cfstream-token printed no token"

if [ "${REAL_KEYRING:-}" != 1 ]; then
  step "no unlocked Secret Service (run under dbus-run-session with scripts/run-real-keyring.sh):" \
    "the keyring and batch check is skipped; all the others passed"
  exit 0
fi
step "a signing key in the Secret Service, then a batch in worker processes"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
key_id=$(openssl rand -hex 16)
frozen "$cli" profiles add bulk --account 0123456789abcdef0123456789abcdef \
  --customer-code abc123 --use >/dev/null
frozen "$cli" keys import --key-id "$key_id" "$work/key.pem" >/dev/null
# More rows than the batch signs in-process, so it starts a pool of two workers.
openssl rand -hex 4800 | fold -w 32 >"$work/ids.txt"
frozen "$cli" batch --local --jobs 2 -i "$work/ids.txt" -o "$work/tokens.csv"
rows=$(($(wc -l <"$work/tokens.csv") - 1))
[ "$rows" = 300 ] || fail "the batch wrote $rows rows, not 300"
step "all passed"
