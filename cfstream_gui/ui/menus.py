"""The main window's menu bar (File, Edit, Keys, Tools, Help) and the About box.

The actions carry objectNames from the automation contract (docs/automation.md), so tests and
scripts can trigger them without opening a menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from cfstream_gui import APP_NAME, __version__

DOCS_LINKS = (
    (
        "Securing your Stream (signed URLs)",
        "https://developers.cloudflare.com/stream/viewing-videos/securing-your-stream/",
    ),
    (
        "Stream API: create a signed URL token",
        "https://developers.cloudflare.com/api/resources/stream/subresources/token/methods/create/",
    ),
)


@dataclass(frozen=True)
class MenuActions:
    quit: QAction
    copy_token: QAction
    copy_url: QAction
    settings: QAction
    signing_keys: QAction
    import_key: QAction
    batch: QAction
    inspect_token: QAction
    simulate: QAction
    check_playback: QAction
    copy_as_code: QAction
    about: QAction


def _action(
    window: QMainWindow, name: str, text: str, tip: str, shortcut: str | None = None
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    action.setStatusTip(tip)
    action.setToolTip(tip)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    return action


def build_menus(window: QMainWindow) -> MenuActions:
    """Fill the window's menu bar; the caller connects the actions."""
    actions = MenuActions(
        quit=_action(window, "quitAction", "&Quit", "Close the window and end the app", "Ctrl+Q"),
        copy_token=_action(
            window,
            "copyTokenAction",
            "Copy &token",
            "Copy the token to the clipboard",
            "Ctrl+Shift+C",
        ),
        copy_url=_action(
            window, "copyUrlAction", "Copy &URL", "Copy the chosen playback link", "Ctrl+L"
        ),
        settings=_action(
            window, "settingsAction", "&Settings…", "Defaults, link host and clipboard", "Ctrl+,"
        ),
        signing_keys=_action(
            window,
            "signingKeysAction",
            "&Signing keys…",
            "Your signing keys on the account and in the keyring",
            "Ctrl+K",
        ),
        import_key=_action(
            window,
            "importKeyAction",
            "&Import key…",
            "Keep the private key of an existing signing key in the keyring",
            "Ctrl+Shift+K",
        ),
        batch=_action(
            window,
            "batchAction",
            "&Batch tokens…",
            "Sign tokens for many videos at once with a held key",
            "Ctrl+B",
        ),
        inspect_token=_action(
            window,
            "inspectTokenAction",
            "&Inspect token…",
            "What any token or playback link grants, to whom and until when",
            "Ctrl+I",
        ),
        simulate=_action(
            window,
            "simulateAction",
            "&Simulate a viewer…",
            "Which of the form's rules a viewer (IP, country) meets first, and the verdict",
        ),
        check_playback=_action(
            window,
            "checkPlaybackAction",
            "Check &playback…",
            "Ask the edge whether a token really plays, and why not",
            "Ctrl+Shift+P",
        ),
        copy_as_code=_action(
            window,
            "copyAsCodeAction",
            "Copy as &code…",
            "The form's token from your own backend: curl, Python or a Worker",
        ),
        about=_action(window, "aboutAction", "&About cfstream-gui", "Version, docs and secrets"),
    )
    # Where each platform expects them: macOS moves both to the application menu.
    actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
    actions.settings.setMenuRole(QAction.MenuRole.PreferencesRole)
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions.quit)
    edit = bar.addMenu("&Edit")
    edit.addAction(actions.copy_token)
    edit.addAction(actions.copy_url)
    edit.addSeparator()
    edit.addAction(actions.settings)
    keys = bar.addMenu("&Keys")
    keys.addAction(actions.signing_keys)
    keys.addAction(actions.import_key)
    tools = bar.addMenu("&Tools")
    tools.addAction(actions.batch)
    tools.addSeparator()
    for action in (
        actions.inspect_token,
        actions.simulate,
        actions.check_playback,
        actions.copy_as_code,
    ):
        tools.addAction(action)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(actions.about)
    return actions


def about_text(store_text: str) -> str:
    links = "".join(
        f'<li><a href="{escape(url)}">{escape(title)}</a></li>' for title, url in DOCS_LINKS
    )
    return (
        f"<h3>{escape(APP_NAME)} {escape(__version__)}</h3>"
        "<p>Signed-URL tokens for Cloudflare Stream: signed by Cloudflare, or by your own "
        "signing key over the API or right here. The command line twin is "
        "<code>cfstream-token</code>.</p>"
        f"<p>Cloudflare's documentation:</p><ul>{links}</ul>"
        "<p><b>Where secrets are kept:</b> API tokens and private signing keys are kept in "
        f"{escape(store_text)}, never in files. Profiles and the last form (no secrets) are "
        "in the app's config folder.</p>"
    )


def about_box(parent: QWidget, store_text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIcon(QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text(store_text))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box
