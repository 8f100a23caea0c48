"""Shared fixtures: every test gets its own config dir, its own in-memory keyring and a clean
environment, so no test can see the developer's real profiles or secrets."""

from __future__ import annotations

import os

# Before any QApplication exists: without a display Qt would otherwise abort the process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring

# pytester: tests/test_uncaught_errors.py runs small inner test sessions.
pytest_plugins = ("pytester", "tests.support.uncaught_errors")

# Variables that would leak the developer's real Cloudflare set-up into a test.
_LEAKY_ENV = (
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_ACCOUNT_ID",
    "CLOUDFLARE_BASE_URL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_EMAIL",
    "CFSTREAM_CONFIG_DIR",
    # A proxy on the CI runner would capture the tests' plain httpx clients talking to the
    # loopback sandbox (the app itself ignores proxies for loopback).
    *(f"{name}_proxy" for name in ("http", "https", "all", "no")),
    *(f"{name}_PROXY" for name in ("HTTP", "HTTPS", "ALL", "NO")),
)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in _LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)
    config_dir = tmp_path / "config"
    monkeypatch.setenv("CFSTREAM_CONFIG_DIR", str(config_dir))
    # The crash handler writes its log under the user's state dir (platformdirs): a test that
    # runs app.main() and crashes must not append to the developer's real crash.log.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return config_dir


@pytest.fixture
def config_dir(isolated_env: Path) -> Path:
    return isolated_env


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest) -> Iterator[MemoryKeyring]:
    """Every test runs against an empty in-memory keyring unless it asks for the real one."""
    if request.node.get_closest_marker("real_keyring"):
        yield MemoryKeyring()  # unused; the real test talks to the Secret Service
        return
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
