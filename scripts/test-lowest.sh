#!/usr/bin/env bash
# Prove the dependency floors in pyproject.toml: install the oldest release every direct
# dependency allows (runtime and test extras; their own dependencies come newest) into a
# throwaway venv, and run the tests there. A floor that is too low fails here, not on a user's
# machine whose resolver happened to pick that release.
#
# usage: bash scripts/test-lowest.sh [pytest paths...]   (default: tests/core tests/cli)
#        PYTHON=python3.11 LOWEST_TIMEOUT=600 bash scripts/test-lowest.sh tests
#
# Deprecation warnings are errors here: that is how a dependency announces it breaks on the
# next Python or Qt, and a floor should not sit on such a release.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
# Outer limit: pytest-timeout stops watching once a test has failed, so a hang in a failed
# test's teardown is only ended by this.
limit=${LOWEST_TIMEOUT:-600}
paths=("$@")
if [ "${#paths[@]}" -eq 0 ]; then
    paths=(tests/core tests/cli)
fi

venv=$(mktemp -d "${TMPDIR:-/tmp}/cfstream-lowest.XXXXXX")
trap 'rm -rf "$venv"' EXIT

"$python" -m venv "$venv"
# uv, because pip has no "lowest" resolution.
"$venv/bin/python" -m pip install -q --disable-pip-version-check "uv>=0.4"
"$venv/bin/uv" pip install -q --python "$venv/bin/python" --resolution lowest-direct -e '.[test]'
echo "installed, each direct dependency at its floor:"
"$venv/bin/uv" pip freeze -q --python "$venv/bin/python" --exclude-editable | tr '\n' ' '
echo

QT_QPA_PLATFORM=offscreen timeout -k 10 "$limit" "$venv/bin/python" -m pytest -q \
    -p no:cacheprovider --timeout=120 --timeout-method=thread \
    -W error::DeprecationWarning -W error::PendingDeprecationWarning \
    "${paths[@]}"
