"""The soak runs on demand (`make soak`, `make soak-quick` in CI): `CFSTREAM_SOAK=N` is how many
creates; without it the soak is skipped, so the default suite stays fast. It drives a real
window, so it borrows the window tests' fixtures."""

from __future__ import annotations

import pytest

from tests.ui.conftest import make_window, qloop, sandbox  # noqa: F401 - fixtures


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "soak: long runs on demand (make soak); skipped otherwise")
