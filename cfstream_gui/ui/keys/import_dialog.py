"""The two dialogs that hold private key material: importing a key, and showing a new key once
when the keyring would not take it.

Key material lives only in the text widgets here: it is never logged, never put in a message,
and the widgets (with their undo history) are emptied when the dialog closes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.signing_key import SigningKey, import_key
from cfstream_gui.core.validation import Severity
from cfstream_gui.ui.common.clipboard import copy_secret
from cfstream_gui.ui.common.inline_message import FIELD_STYLE, mark
from cfstream_gui.ui.common.style import Tone, monospace_font, set_tone
from cfstream_gui.ui.common.theme import restyle_on_palette_change

# A PEM or JWK is a few kilobytes; anything far bigger is the wrong file.
MAX_KEY_FILE_BYTES = 64 * 1024

PLACEHOLDER = (
    "Paste the private key here. Accepted:\n"
    "  • the “pem” or “jwk” value Cloudflare returned when the key was created (base64)\n"
    "  • the text of a PEM file (-----BEGIN RSA PRIVATE KEY----- or "
    "-----BEGIN PRIVATE KEY-----)\n"
    '  • a JWK as JSON ({"kty": "RSA", …})'
)
NEEDS_ID = "This key does not say which signing key it is: enter its 32-character key ID."

FileChooser = Callable[[QWidget], str | None]


def choose_key_file(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        "Load signing key",
        "",
        "Key files (*.pem *.key *.jwk *.json *.txt *.der);;All files (*)",
    )
    return path or None


def read_key_file(path: Path) -> str:
    """The file as text; a binary (DER) file comes back as base64, which `import_key` reads.
    OSError or ValueError with a sentence when the file is no use."""
    size = path.stat().st_size
    if size > MAX_KEY_FILE_BYTES:
        raise ValueError(
            f"{path.name} is {size:,} bytes, far too big for a signing key; choose the key file."
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii")


def _clear(edit: QPlainTextEdit | QLineEdit) -> None:
    edit.clear()
    if isinstance(edit, QPlainTextEdit):
        edit.document().clearUndoRedoStacks()


class KeyImportDialog(QDialog):
    """Paste or load a private key; OK only once it is a usable key with a known ID.

    `signing_key()` is the accepted key (None after Cancel). Storing it is the caller's job."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyImportDialog")
        self.setWindowTitle("Import signing key")
        self.setStyleSheet(FIELD_STYLE)
        restyle_on_palette_change(self)
        self.resize(700, 460)
        self._key: SigningKey | None = None
        # Overridable so tests need no native file dialog.
        self.choose_file: FileChooser = choose_key_file

        intro = QLabel(
            "Import the private key of a signing key created earlier, so this app can sign "
            "tokens with it. The key is kept in your system keyring and nowhere else."
        )
        intro.setWordWrap(True)

        self.materialEdit = QPlainTextEdit()
        self.materialEdit.setObjectName("keyMaterialEdit")
        self.materialEdit.setAccessibleName("Private key")
        self.materialEdit.setPlaceholderText(PLACEHOLDER)
        self.materialEdit.setFont(monospace_font())
        self.materialEdit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.materialEdit.setTabChangesFocus(True)
        self.materialEdit.textChanged.connect(self.validate)

        self.loadButton = QPushButton("Load from file…")
        self.loadButton.setObjectName("loadKeyFileButton")
        self.loadButton.setAccessibleName("Load key from file")
        self.loadButton.clicked.connect(self._load_file)

        self.keyIdEdit = QLineEdit()
        self.keyIdEdit.setObjectName("keyIdEdit")
        self.keyIdEdit.setAccessibleName("Key ID")
        self.keyIdEdit.setFont(monospace_font())
        self.keyIdEdit.setPlaceholderText("32 hex characters, as Cloudflare lists the key")
        self.keyIdEdit.textChanged.connect(self.validate)
        self.keyIdLabel = QLabel("&Key ID:")
        self.keyIdLabel.setBuddy(self.keyIdEdit)

        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("keyImportStatusLabel")
        self.statusLabel.setAccessibleName("Key check")
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        buttons = QDialogButtonBox()
        self.okButton = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.okButton.setObjectName("importKeyOkButton")
        self.okButton.setAccessibleName("Import key")
        self.okButton.setDefault(True)
        self.cancelButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancelButton.setObjectName("importKeyCancelButton")
        self.cancelButton.setAccessibleName("Cancel import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        id_row = QFormLayout()
        id_row.addRow(self.keyIdLabel, self.keyIdEdit)
        load_row = QHBoxLayout()
        load_row.addWidget(self.loadButton)
        load_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.materialEdit, 1)
        layout.addLayout(load_row)
        layout.addLayout(id_row)
        layout.addWidget(self.statusLabel)
        layout.addWidget(buttons)
        self.validate()

    # -- public API -------------------------------------------------------------------------

    def signing_key(self) -> SigningKey | None:
        return self._key

    def validate(self) -> None:
        """Check the pasted key now; OK is enabled only for a usable key with a known ID."""
        text = self.materialEdit.toPlainText()
        self._key = None
        if not text.strip():
            self._set_id_visible(False)
            self._say("", None)
            self.okButton.setEnabled(False)
            return
        try:
            key = import_key(text, None)
        except KeyImportError as exc:
            if exc.needs_key_id:
                self._validate_with_id(text)
            else:
                self._set_id_visible(False)
                self._say(str(exc), Tone.ERROR)
            self.okButton.setEnabled(self._key is not None)
            return
        self._set_id_visible(False)
        self._key = key
        self._say(f"{_describe(key)}, key ID {_id_source(text)}: {key.key_id}", Tone.OK)
        self.okButton.setEnabled(True)

    # -- internals --------------------------------------------------------------------------

    def _validate_with_id(self, text: str) -> None:
        self._set_id_visible(True)
        given = self.keyIdEdit.text().strip()
        if not given:
            mark(self.keyIdEdit, None)
            self._say(NEEDS_ID, Tone.NOTICE)
            return
        try:
            key = import_key(text, given)
        except KeyImportError as exc:
            mark(self.keyIdEdit, Severity.ERROR)
            self._say(str(exc), Tone.ERROR)
            return
        mark(self.keyIdEdit, None)
        self._key = key
        self._say(f"{_describe(key)}, key ID as entered: {key.key_id}", Tone.OK)

    def _set_id_visible(self, visible: bool) -> None:
        self.keyIdLabel.setVisible(visible)
        self.keyIdEdit.setVisible(visible)
        self.keyIdEdit.setEnabled(visible)

    def _say(self, message: str, tone: Tone | None) -> None:
        self.statusLabel.setText(message)
        set_tone(self.statusLabel, tone)
        self.statusLabel.setVisible(bool(message))

    def _load_file(self) -> None:
        chosen = self.choose_file(self)
        if not chosen:
            return
        path = Path(chosen)
        try:
            text = read_key_file(path)
        except OSError as exc:
            self._say(f"{path.name} cannot be read: {exc.strerror or exc}.", Tone.ERROR)
            return
        except ValueError as exc:
            self._say(str(exc), Tone.ERROR)
            return
        self.materialEdit.setPlainText(text)

    def done(self, result: int) -> None:
        # The key leaves only through signing_key(); the widgets forget it on any close.
        key = self._key if result == QDialog.DialogCode.Accepted else None
        self.materialEdit.blockSignals(True)
        _clear(self.materialEdit)
        self.materialEdit.blockSignals(False)
        self.keyIdEdit.blockSignals(True)
        self.keyIdEdit.clear()
        self.keyIdEdit.blockSignals(False)
        self._key = key
        super().done(result)


def _describe(key: SigningKey) -> str:
    return f"RSA {key.private_key.key_size}-bit key"


def _id_source(text: str) -> str:
    # Only a JWK's `kid` or the key-creation answer's `id` can name the key.
    stripped = text.strip()
    if stripped.startswith("{") and '"kty"' not in stripped:
        return "from Cloudflare's answer"
    return "from the JWK"


class UnsavedKeyDialog(QDialog):
    """A new key the keyring would not take, shown this one time so it can be copied."""

    def __init__(self, key_id: str, pem: str, reason: str, parent: QWidget | None = None) -> None:
        """`pem` is the base64 form (`signing_keys.unsaved_api_pem`)."""
        super().__init__(parent)
        self.setObjectName("unsavedKeyDialog")
        self.setWindowTitle("Copy the new signing key now")
        self.resize(680, 520)
        self.copied = False
        # Overridable so tests need no modal message box.
        self.confirm_discard: Callable[[QWidget], bool] = confirm_discard_key

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        icon.setPixmap(warning.pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.warningLabel = QLabel(
            f"Signing key {key_id} was created on the account, but it is not saved anywhere. "
            "Copy the private key below now and keep it somewhere safe: Cloudflare shows it "
            "only once, and this window is the only place it exists. "
            "You can import it later with Signing keys → Import…"
        )
        self.warningLabel.setObjectName("unsavedKeyWarningLabel")
        self.warningLabel.setWordWrap(True)
        self.reasonLabel = QLabel(reason)
        self.reasonLabel.setObjectName("unsavedKeyReasonLabel")
        self.reasonLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.reasonLabel.setWordWrap(True)
        set_tone(self.reasonLabel, Tone.ERROR)

        self.keyEdit = QPlainTextEdit(pem)
        self.keyEdit.setObjectName("unsavedKeyEdit")
        self.keyEdit.setAccessibleName("Private key, base64 PEM")
        # Always this one form (the CLI prints the same): what Cloudflare sent, what a token
        # request's `pem` field takes, and what Signing keys → Import… reads back.
        self.keyLabel = QLabel(
            "Private key, base64-encoded PEM (Cloudflare's 'pem' value, as it sent it):"
        )
        self.keyLabel.setObjectName("unsavedKeyLabel")
        self.keyLabel.setBuddy(self.keyEdit)
        self.keyEdit.setReadOnly(True)
        self.keyEdit.setFont(monospace_font())

        buttons = QDialogButtonBox()
        self.copyButton = buttons.addButton("Copy key", QDialogButtonBox.ButtonRole.ActionRole)
        self.copyButton.setObjectName("copyUnsavedKeyButton")
        self.copyButton.setAccessibleName("Copy private key")
        self.copyButton.clicked.connect(self._copy)
        self.closeButton = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.closeButton.setObjectName("unsavedKeyCloseButton")
        self.closeButton.setAccessibleName("Close")
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.addWidget(self.warningLabel)
        texts.addWidget(self.reasonLabel)
        top.addLayout(texts, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.keyLabel)
        layout.addWidget(self.keyEdit, 1)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        copy_secret(self.keyEdit.toPlainText())  # marked sensitive: it is a private key
        self.copied = True
        self.copyButton.setText("Copied")

    def done(self, result: int) -> None:
        if not self.copied and not self.confirm_discard(self):
            return
        _clear(self.keyEdit)
        super().done(result)


def confirm_discard_key(parent: QWidget) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Close without copying?")
    box.setText("The private key has not been copied. Once this window closes it is gone for good.")
    box.setInformativeText(
        "Without it this app cannot sign with the new key; you would have to revoke it and "
        "create another."
    )
    discard = box.addButton("Close and lose the key", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard
