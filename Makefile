# The two commands a newcomer needs:  make run  (start the app)  and  make test  (run the suite).
# Everything else is here for developers; `make help` lists it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
# Outer limit for the whole suite: a qasync teardown can hang after a failed test, and only an
# outer timeout ends that (pytest-timeout stops watching once a test has failed).
SUITE_TIMEOUT ?= 900
PYTEST := $(PY) -m pytest -q --timeout=120 --timeout-method=thread

.PHONY: help run sandbox test check lint format typecheck pytest soak soak-quick screenshots \
        screenshots-check bench bench-quick clean package install-desktop uninstall-desktop

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(VENV)/.run-installed: pyproject.toml
	@PYTHON=$(PYTHON) bash scripts/ensure-system-deps.sh venv
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.run-installed
	$(PIP) install -q -e '.[test,dev]'
	@touch $@

run: $(VENV)/.run-installed ## set up .venv and start the app
	@bash scripts/ensure-system-deps.sh run
	$(PY) -m cfstream_gui $(ARGS)

sandbox: $(VENV)/.run-installed ## start the app against the built-in sandbox (no account needed)
	$(PY) -m cfstream_gui --sandbox

test: $(VENV)/.test-installed ## set up .venv with test extras, lint, type-check and run the suite headless
	@bash scripts/ensure-system-deps.sh test
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory pytest

check: lint typecheck ## ruff and mypy

lint: $(VENV)/.test-installed ## ruff check + ruff format --check on the package, tests, scripts and bench
	$(VENV)/bin/ruff check cfstream_gui tests scripts bench
	$(VENV)/bin/ruff format --check cfstream_gui tests scripts bench

format: $(VENV)/.test-installed ## reformat the code
	$(VENV)/bin/ruff format cfstream_gui tests scripts bench
	$(VENV)/bin/ruff check --fix cfstream_gui tests scripts bench

typecheck: $(VENV)/.test-installed ## mypy --strict on what [tool.mypy] files lists: package, tests, scripts, bench
	$(VENV)/bin/mypy

# With D-Bus and gnome-keyring present, the suite runs inside a private D-Bus session with an
# unlocked throwaway keyring (under a throwaway HOME), so the real Secret Service test runs too.
pytest: $(VENV)/.test-installed
	@if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then \
	  home=$$(mktemp -d); \
	  echo "running the suite with a real Secret Service (gnome-keyring, HOME=$$home)"; \
	  HOME=$$home QT_QPA_PLATFORM=offscreen timeout -k 10 $(SUITE_TIMEOUT) \
	    dbus-run-session -- bash scripts/run-real-keyring.sh $(PYTEST) $(PYTEST_ARGS); \
	  rc=$$?; rm -rf $$home; exit $$rc; \
	else \
	  echo "no dbus-run-session/gnome-keyring: the real Secret Service test will be skipped"; \
	  QT_QPA_PLATFORM=offscreen timeout -k 10 $(SUITE_TIMEOUT) $(PYTEST) $(PYTEST_ARGS); \
	fi

# The soak is skipped by the default run (tests/soak/test_soak.py): CFSTREAM_SOAK sets how many
# creates the window makes, a tenth of them meeting an injected fault.
SOAK ?= 500
soak: $(VENV)/.test-installed ## 500 creates in one window (SOAK=N), 10 % faulted: nothing stuck busy, no growing sockets, threads or memory
	CFSTREAM_SOAK=$(SOAK) QT_QPA_PLATFORM=offscreen timeout -k 10 $(SUITE_TIMEOUT) \
	  $(PYTEST) --timeout=$(SUITE_TIMEOUT) tests/soak

soak-quick: $(VENV)/.test-installed ## the soak's short form, 60 creates (what CI runs)
	$(MAKE) --no-print-directory soak SOAK=60

# Needs no .venv: it builds its own throwaway one with the oldest release of each dependency.
# `make test-lowest LOWEST_PATHS=tests` runs the whole suite there.
.PHONY: test-lowest
test-lowest: ## run the core and CLI tests against the oldest dependency releases pyproject allows
	PYTHON=$(PYTHON) bash scripts/test-lowest.sh $(LOWEST_PATHS)

# The scripts pin their own offscreen 1366x768 screen, clock, keys and palette: the same bytes
# every run (scripts/screenshot_kit.py).
screenshots: $(VENV)/.test-installed ## render every window offscreen, light and dark, to docs/screenshots/*.png
	@for theme in light dark; do \
	  $(PY) scripts/screenshots.py docs/screenshots --theme $$theme && \
	  $(PY) scripts/screenshots_keys.py --out-dir docs/screenshots --theme $$theme && \
	  $(PY) scripts/screenshots_tools.py --out-dir docs/screenshots --theme $$theme && \
	  $(PY) scripts/screenshots_accounts.py --out-dir docs/screenshots --theme $$theme || exit 1; \
	done

screenshots-check: $(VENV)/.test-installed ## render every screenshot twice and fail unless the bytes match
	timeout -k 10 900 $(PY) scripts/screenshots_check.py

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.test-installed
	$(PIP) install -q -e '.[test,dev,bench]'
	@touch $@

bench: $(VENV)/.bench-installed ## benchmarks as ratios against a same-run baseline; records bench/RESULTS.md
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py --write

bench-quick: $(VENV)/.bench-installed ## every benchmark once, small (CI: they must run, not meet numbers)
	QT_QPA_PLATFORM=offscreen timeout -k 10 600 $(PY) bench/run.py --quick

$(VENV)/.package-installed: pyproject.toml $(VENV)/.run-installed
	$(PIP) install -q -e '.[package]'
	@touch $@

# One folder with both commands: dist/cfstream-gui/cfstream-gui and .../cfstream-token.
# packaging/check-bundle.sh is what CI then runs on it.
package: $(VENV)/.package-installed ## build the one-folder bundle dist/cfstream-gui/ (PyInstaller)
	@bash scripts/ensure-system-deps.sh package
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
	  --workpath build/pyinstaller packaging/pyinstaller/cfstream-gui.spec

# EXEC reaches the script through the environment, never pasted into the shell command: a path
# with a quote or a backquote in it stays a path.
install-desktop: ## menu entry, icons and metainfo for this user (EXEC=path/to/cfstream-gui)
	@bash packaging/install-desktop.sh "$${EXEC:-}"

uninstall-desktop: ## remove what install-desktop installed
	@bash packaging/install-desktop.sh --uninstall

clean: ## remove the virtualenv, caches and the bundle's build folders
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info build dist
