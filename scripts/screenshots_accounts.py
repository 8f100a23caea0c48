"""Render the Accounts dialog, the video browser and the public-video warning to
docs/screenshots/accounts-*.png, videos-*.png and main-public-video.png, the same bytes every
run (scripts/screenshot_kit.py pins the clock, the screen and the palette; the sandbox's video
library is seeded).

Runs against a throwaway sandbox holding 5,000 videos, with an in-memory keyring: it never
touches a real account, the user's config dir or their keyring, and the only API token is the
sandbox's obviously fake demo token (never shown). Loopback ports never reach a picture: the
API base URL stays under the collapsed "Advanced". Offscreen:

    .venv/bin/python scripts/screenshots_accounts.py [--out-dir docs/screenshots] [--theme dark]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

import screenshot_kit as kit
from PySide6.QtWidgets import QApplication

# isort: split
import qasync  # after PySide6

from cfstream_gui.app import SANDBOX_PROFILE, open_main_window, sandbox_profile
from cfstream_gui.core.clients import default_factory
from cfstream_gui.core.settings import MemorySettingsStore
from cfstream_gui.core.storage.form_state import SessionFormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.accounts.dialog import AccountsDialog
from cfstream_gui.ui.videos.browser import VideoBrowser
from cfstream_gui.ui.videos.source import VideoSource
from cfstream_gui.ui.window.main_window import MainWindow

LIBRARY = 5000
SETTLE_SECONDS = 0.3


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise SystemExit("the window did not settle")


async def settle() -> None:
    await asyncio.sleep(SETTLE_SECONDS)
    QApplication.processEvents()


def build_window(sandbox: Sandbox) -> MainWindow:
    """What a first run shows: the sandbox, labelled as a demo, on the fixed clock, its links on
    Cloudflare's host rather than the sandbox's port."""
    profile = dataclasses.replace(sandbox_profile(sandbox), delivery_base_url=None)
    window = open_main_window(
        profiles=ProfileStore(),
        secrets=SecretStore(backend=MemoryKeyring()),
        client_factory=default_factory({}),
        form_store=SessionFormStore(),
        clock=kit.fixed_clock,
        extra_profiles=[profile],
        session_tokens={SANDBOX_PROFILE: sandbox.DEMO_API_TOKEN},
        prefer_profile=SANDBOX_PROFILE,
        env={},
        session_secrets=SecretStore(backend=MemoryKeyring()),
        settings=MemorySettingsStore(),
    )
    kit.fit_screen(window)
    return window


async def public_video_shot(window: MainWindow, sandbox: Sandbox, shots: kit.Shots) -> None:
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=False)[0])
    await until(window.form.publicWarning.isVisible)
    await settle()
    shots.save(window, "main-public-video")


async def accounts_shots(window: MainWindow, sandbox: Sandbox, shots: kit.Shots) -> None:
    """A new account checked and saved (what the token can do, the customer code found), then
    a second one with a field of each kind wrong."""
    window.accounts.open_accounts(add_first=True)
    dialog = window.accounts.accounts_dialog
    if not isinstance(dialog, AccountsDialog):
        raise SystemExit("Add your Cloudflare account opened no Accounts dialog")
    fields = dialog.fields
    fields.nameEdit.setText("work")
    fields.accountIdEdit.setText(sandbox.DEMO_ACCOUNT_ID)
    fields.apiTokenEdit.setText(sandbox.DEMO_API_TOKEN)
    fields.baseUrlEdit.setText(sandbox.base_url)  # under "Advanced", closed in the pictures
    dialog.saveButton.click()
    await until(lambda: not dialog.is_busy() and dialog.selected_name() == "work")
    await until(lambda: "Kept in the keyring" in fields.apiTokenEdit.placeholderText())
    if dialog.banner.isVisible():
        raise SystemExit(f"saving failed: {dialog.banner.message()}")
    fields.advancedToggle.setChecked(False)  # it opens on a saved base URL: the port varies
    await settle()
    shots.save(dialog, "accounts-checked")

    dialog.addButton.click()
    fields.nameEdit.setText("client a")
    fields.accountIdEdit.setText("12345")
    fields.apiTokenEdit.setText("pasted with a line break\nhere")
    fields.customerCodeEdit.setText("customer-abc.def")
    dialog.saveButton.click()
    await settle()
    shots.save(dialog, "accounts-problems")
    dialog.reject()
    await until(lambda: window.accounts.accounts_dialog is None)


async def videos_shots(window: MainWindow, sandbox: Sandbox, shots: kit.Shots) -> None:
    """The first page of the 5,000 with their thumbnails, then everything loaded and filtered,
    a public video selected (so "Require signed URLs…" is offered)."""
    window.account.profileCombo.setCurrentIndex(window.account.profileCombo.findData("sandbox"))
    source = window.controller.accounts.video_source()
    if not isinstance(source, VideoSource):
        raise SystemExit(f"no video source: {source}")
    # The thumbnails come from the sandbox; where from is never shown.
    profile = dataclasses.replace(source.profile, delivery_base_url=sandbox.delivery_base)
    browser = window.accounts.show_videos(dataclasses.replace(source, profile=profile))
    await pictures_settled(browser)
    shots.save(browser, "videos")

    browser.load_all()
    await until(browser.is_done)
    browser.filterEdit.setText("webinar: api")
    public = next(
        browser.model.video(row)
        for row in range(browser.model.rowCount())
        if not browser.model.video(row).require_signed_urls and browser.model.video(row).ready
    )
    browser.select(public.uid)
    browser.table.scrollToTop()
    await pictures_settled(browser)
    shots.save(browser, "videos-filtered")
    browser.reject()
    await until(lambda: window.accounts.video_browser is None)


async def pictures_settled(browser: VideoBrowser) -> None:
    """Until every row on screen has the picture it will have: a first paint asks for them."""
    await until(lambda: browser.model.rowCount() > 0 and not browser.is_loading())
    for _ in range(3):
        browser.grab()  # paints the rows, which asks for their thumbnails
        await until(lambda: browser.thumbnails is None or not browser.thumbnails.is_busy())
        await settle()


async def close(window: MainWindow) -> None:
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finished() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closed.connect(finished)
    window.close()
    await closed


async def main(shots: kit.Shots) -> None:
    shots.out_dir.mkdir(parents=True, exist_ok=True)
    with Sandbox(clock=kit.fixed_clock, videos=LIBRARY) as sandbox:
        window = build_window(sandbox)
        window.show()
        try:
            await settle()
            await public_video_shot(window, sandbox, shots)
            await accounts_shots(window, sandbox, shots)
            await videos_shots(window, sandbox, shots)
        finally:
            await close(window)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=kit.DEFAULT_OUT)
    parser.add_argument("--theme", choices=kit.THEMES, default="light")
    args = parser.parse_args()
    kit.prepare(args.theme)
    app = kit.application(args.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(kit.Shots(args.out_dir, args.theme)))
