"""What the window's fault-matrix tests share: a window on a saved profile whose API is the
`Front` before the sandbox, a fake clock, a count of the tokens the window showed, and a
snapshot of everything the user typed.

The window is built as app.py builds it (real controller, real ClientPool, real StreamClients
over loopback HTTP); only the client's timeout and its backoff wait are the test's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton

# isort: split
import qasync  # after PySide6

from cfstream_gui.app import open_main_window
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.storage.form_state import FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.crash_dialog import CrashDialog
from cfstream_gui.ui.window.main_window import MainWindow
from tests.support.clock import FakeClock
from tests.support.front import Front
from tests.ui.conftest import _KEEP, WAIT_MS, by_name, close_window, no_sleep

PROFILE = "work"
RULES = (
    AccessRule("block", "ip.geoip.country", ("RU", "CN")),
    AccessRule("allow", "ip.src", ("192.0.2.0/24",)),
    AccessRule("allow", "any"),
)


@dataclass
class Rig:
    window: MainWindow
    sandbox: Sandbox
    front: Front
    clock: FakeClock
    tokens_shown: list[str]

    def button(self, name: str) -> QPushButton:
        return by_name(self.window, QPushButton, name)  # type: ignore[no-any-return]

    def token(self) -> str:
        return str(by_name(self.window, QLineEdit, "tokenOutput").text())

    def form(self) -> tuple[Any, ...]:
        """Everything the user typed or picked, to compare before and after a failure."""
        window = self.window
        return (
            window.account.profile_name(),
            window.account.account_id(),
            window.controller.tokens.api_token(),
            window.form.video_uid(),
            window.form.expiry.value(),
            window.form.nbf.value(),
            window.form.downloadableCheck.isChecked(),
            window.form.rules(),
            window.form.signing.engine(),
        )

    def token_posts(self) -> int:
        return sum(
            1 for r in self.sandbox.requests if r.method == "POST" and r.path.endswith("/token")
        )

    def crash_dialogs(self) -> list[CrashDialog]:
        return self.window.findChildren(CrashDialog)


RigFactory = Callable[..., Rig]


@pytest.fixture(name="front")
def front_fixture(sandbox: Sandbox) -> Iterator[Front]:
    with Front(sandbox.base_url) as running:
        yield running


@pytest.fixture(name="rig")
def rig_fixture(
    qtbot: Any, qloop: qasync.QEventLoop, sandbox: Sandbox, front: Front
) -> Iterator[RigFactory]:
    """`rig(timeout=30.0)`: a window on profile "work" (API: the front), its token in the
    keyring, a signed demo video, an expiry, a not-before and three rules filled in."""
    windows: list[MainWindow] = []

    def make(*, timeout: float = 30.0) -> Rig:
        ProfileStore().save(
            Profile(
                PROFILE,
                account_id=sandbox.DEMO_ACCOUNT_ID,
                customer_code=sandbox.DEMO_CUSTOMER_CODE,
                api_base_url=front.base_url,
            )
        )
        SecretStore().set_api_token(PROFILE, sandbox.DEMO_API_TOKEN)
        clock = FakeClock(time.time())

        def clients(base_url: str | None, credentials: Credentials | None) -> StreamClient:
            return StreamClient(
                credentials, base_url=base_url, env={}, timeout=timeout, sleep=no_sleep
            )

        window = open_main_window(
            profiles=ProfileStore(),
            secrets=SecretStore(),
            client_factory=clients,
            form_store=FormStore(),
            clock=clock,
            env={},
        )
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(
            lambda: window.controller.tokens.api_token() == sandbox.DEMO_API_TOKEN,
            timeout=WAIT_MS,
        )
        now = int(clock())
        window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
        window.form.expiry.set_value(now + 3 * 3600)
        window.form.nbf.set_value(now - 60)
        window.form.rulesEditor.set_rules(list(RULES))
        shown: list[str] = []
        output = by_name(window, QLineEdit, "tokenOutput")
        output.textChanged.connect(lambda text: shown.extend([text] if text else []))
        return Rig(window, sandbox, front, clock, shown)

    yield make
    for window in windows:
        close_window(qtbot, window)
    _KEEP.extend(windows)
