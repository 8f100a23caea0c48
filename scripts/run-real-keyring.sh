#!/bin/bash
# Run a command against a real, unlocked Secret Service (gnome-keyring) in a throwaway session.
#
# usage: HOME=$(mktemp -d) dbus-run-session -- bash scripts/run-real-keyring.sh \
#            .venv/bin/python -m pytest -q tests/core/test_secrets_real_keyring.py
#
# Set HOME to a fresh temp dir *before* dbus-run-session: a D-Bus-activated daemon otherwise
# writes keyrings into the real home, and unlocking an existing keyring with a different
# password leaves it locked. The password below only ever protects that throwaway keyring.
set -euo pipefail

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    echo "run-real-keyring.sh: no D-Bus session; run it under dbus-run-session (see usage)." >&2
    exit 2
fi
if [ "$#" -eq 0 ]; then
    echo "run-real-keyring.sh: give the command to run, e.g. .venv/bin/python -m pytest ..." >&2
    exit 2
fi

# If the daemon cannot start here (a container without what it needs), run the command anyway:
# only the tests marked real_keyring are skipped, not the whole suite.
if printf '%s' "${KEYRING_TEST_PASSWORD:-ci-only-password}" \
    | gnome-keyring-daemon --unlock --components=secrets >/dev/null; then
    export REAL_KEYRING=1 # tests marked real_keyring run only when this is "1"
else
    echo "run-real-keyring.sh: gnome-keyring-daemon did not start; real-keyring tests will be skipped." >&2
fi
exec "$@"
