"""The main window's Accounts dialog and video browser: opened one of each at a time, wired to
the account panel, the token form and the window controller, and closed (their work waited for)
when the window closes.

The dialogs' modules are imported when first opened, not when the window starts: a user who
never opens them never pays for loading them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QWidget

from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.confirm_box import Confirm, confirm_with_message_box

if TYPE_CHECKING:
    from cfstream_gui.core.videos import VideoSummary
    from cfstream_gui.ui.account.panel import AccountPanel
    from cfstream_gui.ui.accounts.dialog import AccountsDialog
    from cfstream_gui.ui.accounts.setup import AccountsSetup
    from cfstream_gui.ui.form.token_form import TokenForm
    from cfstream_gui.ui.videos.browser import VideoBrowser
    from cfstream_gui.ui.videos.source import VideoSource
    from cfstream_gui.ui.window.controller import WindowController

# How long closing the window waits for a dialog's running work before cancelling it.
CLOSE_GRACE_SECONDS = 5.0


class AccountDialogs:
    def __init__(self, parent: QWidget, *, tasks: BackgroundTasks) -> None:
        self._parent = parent
        self._tasks = tasks
        self.accounts_dialog: AccountsDialog | None = None
        self.video_browser: VideoBrowser | None = None
        self._controller: WindowController | None = None
        self._say: Callable[[str, int], None] = lambda _text, _ms: None
        self._form: TokenForm | None = None
        # Overridable so tests can answer without a modal loop.
        self.confirm: Confirm = confirm_with_message_box

    def wire(
        self,
        panel: AccountPanel,
        form: TokenForm,
        controller: WindowController,
        say: Callable[[str, int], None],
    ) -> None:
        """Open the dialogs from the panel's and the form's buttons; hand what they change to
        `controller`. `say` shows a passing sentence (the status bar)."""
        self._controller, self._form, self._say = controller, form, say
        panel.manageRequested.connect(lambda: self.open_accounts())
        panel.addAccountRequested.connect(lambda: self.open_accounts(add_first=True))
        form.browseRequested.connect(self.open_videos)
        form.publicWarning.requireSignedRequested.connect(self._confirm_require_signed)

    # -- Accounts ---------------------------------------------------------------------------

    def open_accounts(self, *, add_first: bool = False) -> None:
        if self.accounts_dialog is not None:
            self.accounts_dialog.raise_()
            self.accounts_dialog.activateWindow()
            return
        assert self._controller is not None
        self.show_accounts(self._controller.accounts.setup(add_first=add_first))

    def show_accounts(self, setup: AccountsSetup) -> AccountsDialog:
        from cfstream_gui.ui.accounts.dialog import AccountsDialog

        dialog = AccountsDialog(setup, self._parent)
        self.accounts_dialog = dialog
        dialog.finished.connect(
            lambda _result: self._tasks.spawn(self._accounts_closed(dialog), "accounts closed")
        )
        dialog.open()
        return dialog

    async def _accounts_closed(self, dialog: AccountsDialog) -> None:
        # A save may still be running: what it saves must reach the window.
        with contextlib.suppress(Exception):
            await dialog.wait_idle()
        if self.accounts_dialog is dialog:
            self.accounts_dialog = None
        changes = dialog.changes()
        if shiboken6.isValid(dialog):
            dialog.deleteLater()
        if changes and self._controller is not None:
            self._controller.accounts.changed(changes)

    # -- Videos -----------------------------------------------------------------------------

    def open_videos(self) -> None:
        if self.video_browser is not None:
            self.video_browser.raise_()
            self.video_browser.activateWindow()
            return
        assert self._controller is not None
        source = self._controller.accounts.video_source()
        if isinstance(source, str):
            self._say(source, 8000)
            return
        self.show_videos(source)

    def show_videos(self, source: VideoSource) -> VideoBrowser:
        from cfstream_gui.ui.videos.browser import VideoBrowser

        browser = VideoBrowser(source, self._parent)
        self.video_browser = browser
        browser.picked.connect(lambda video: self._use_video(source, video))
        browser.videoChanged.connect(lambda video: self._know(source, video))
        browser.finished.connect(
            lambda _result: self._tasks.spawn(self._videos_closed(browser), "videos closed")
        )
        browser.open()
        return browser

    async def _videos_closed(self, browser: VideoBrowser) -> None:
        with contextlib.suppress(Exception):
            await browser.wait_idle(grace=CLOSE_GRACE_SECONDS)
        if self.video_browser is browser:
            self.video_browser = None
        if shiboken6.isValid(browser):  # not gone with the window already
            browser.deleteLater()

    def _use_video(self, source: VideoSource, video: VideoSummary) -> None:
        self._know(source, video)
        if self._form is not None:
            self._form.set_video(video.uid, video.customer_code)

    def _know(self, source: VideoSource, video: VideoSummary) -> None:
        if self._controller is not None:
            self._controller.video_check.know(source.account_id, video)

    # -- the public-video warning -----------------------------------------------------------

    def _confirm_require_signed(self) -> None:
        if self._controller is None or self._form is None:
            return
        access = self._form.publicWarning.access()
        if access is None:
            return
        name = f"“{access.name}”" if access.name else access.uid
        question = f"Require signed URLs for {name}?"
        consequences = (
            "From then on only signed links play it: links and embeds already shared without a "
            "token stop working. Tokens you make keep working."
        )
        if self.confirm(self._parent, "Require signed URLs", question, consequences, "Require"):
            self._controller.require_signed_urls()

    # -- closing ----------------------------------------------------------------------------

    async def close_dialogs(self) -> None:
        """Close what is open and wait (a few seconds at most) for its work to end."""
        if self.accounts_dialog is not None:
            self.accounts_dialog.reject()
            with contextlib.suppress(Exception):
                await self.accounts_dialog.wait_idle(grace=CLOSE_GRACE_SECONDS)
        if self.video_browser is not None:
            self.video_browser.reject()
            with contextlib.suppress(Exception):
                await self.video_browser.wait_idle(grace=CLOSE_GRACE_SECONDS)
