"""Who signs the token: Cloudflare's key over the API, our own key over the API, or our own key
right here. The picker shows the choice, a one-line note on what it means, and for the two key
engines which held key signs (with a way to the Signing keys dialog when none is held).

It holds no secrets and reads no keyring: the window reads the held key IDs off the UI thread
and hands them over with `set_keys`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from cfstream_gui.core.models import SigningEngine
from cfstream_gui.ui.common.style import monospace_font
from cfstream_gui.ui.keys.key_texts import no_key_reason

ENGINE_NOTES = {
    SigningEngine.CLOUDFLARE: "Cloudflare signs with its own key: one API request per token.",
    SigningEngine.API_KEY: (
        "Cloudflare signs with your key, sent with the request: one API request per token."
    ),
    SigningEngine.LOCAL: (
        "Signed on this computer with your key: no request, no API token, no rate limit."
    ),
}
READING_TEXT = "Reading the keyring…"
NO_KEY_TEXT = "No signing key held for this profile"


class EnginePicker(QWidget):
    # The engine or the chosen key changed.
    changed = Signal()
    manageKeysRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys: list[str] = []
        self._default: str | None = None
        self._wanted: str | None = None  # the key to select once the list arrives
        self._reading = False
        self._build()
        self._fill_keys()

    def _build(self) -> None:
        self.signingEngineCombo = QComboBox()
        self.signingEngineCombo.setObjectName("signingEngineCombo")
        self.signingEngineCombo.setAccessibleName("Signing engine")
        for engine in SigningEngine:
            self.signingEngineCombo.addItem(engine.label, engine.value)
            index = self.signingEngineCombo.count() - 1
            self.signingEngineCombo.setItemData(
                index, ENGINE_NOTES[engine], Qt.ItemDataRole.ToolTipRole
            )
        self.signingEngineCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.signingEngineCombo.currentIndexChanged.connect(self._on_engine)
        self.engineNoteLabel = QLabel()
        self.engineNoteLabel.setObjectName("engineNoteLabel")
        self.engineNoteLabel.setAccessibleName("What the signing engine does")
        self.engineNoteLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.engineNoteLabel.setWordWrap(True)
        self.engineNoteLabel.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )

        self.signingKeyCombo = QComboBox()
        self.signingKeyCombo.setObjectName("signingKeyCombo")
        self.signingKeyCombo.setAccessibleName("Signing key")
        self.signingKeyCombo.setFont(monospace_font())
        self.signingKeyCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.signingKeyCombo.currentIndexChanged.connect(self._on_key)
        self.manageKeysButton = QPushButton("Manage keys…")
        self.manageKeysButton.setObjectName("manageKeysButton")
        self.manageKeysButton.setAccessibleName("Manage signing keys")
        self.manageKeysButton.setToolTip("Create, import, revoke or forget signing keys")
        self.manageKeysButton.setAutoDefault(False)
        self.manageKeysButton.clicked.connect(self.manageKeysRequested)

        engine_row = QHBoxLayout()
        engine_row.setContentsMargins(0, 0, 0, 0)
        engine_row.addWidget(self.signingEngineCombo)
        engine_row.addSpacing(8)
        engine_row.addWidget(self.engineNoteLabel, 1)
        self.engine_row = QWidget()
        self.engine_row.setLayout(engine_row)

        key_row = QHBoxLayout()
        key_row.setContentsMargins(0, 0, 0, 0)
        key_row.addWidget(self.signingKeyCombo)
        key_row.addWidget(self.manageKeysButton)
        key_row.addStretch(1)
        self.key_row = QWidget()
        self.key_row.setLayout(key_row)
        self._on_engine()

    # -- engine -----------------------------------------------------------------------------

    def engine(self) -> SigningEngine:
        return SigningEngine(self.signingEngineCombo.currentData())

    def set_engine(self, engine: SigningEngine) -> None:
        self.signingEngineCombo.setCurrentIndex(self.signingEngineCombo.findData(engine.value))

    def _on_engine(self, _index: int = 0) -> None:
        engine = self.engine()
        self.engineNoteLabel.setText(ENGINE_NOTES[engine])
        self.changed.emit()

    # -- keys -------------------------------------------------------------------------------

    def key_id(self) -> str | None:
        """The chosen held key, or None (none held, or the list is still being read: while a
        new profile's keys are read, the old list must not sign for it)."""
        return None if self._reading else self._selected()

    def _selected(self) -> str | None:
        data = self.signingKeyCombo.currentData()
        return data if isinstance(data, str) else None

    def key_ids(self) -> list[str]:
        return list(self._keys)

    def want_key(self, key_id: str | None) -> None:
        """Select `key_id` now if it is listed, else as soon as a list holding it arrives."""
        self._wanted = key_id
        index = self.signingKeyCombo.findData(key_id) if key_id else -1
        if index >= 0:
            self.signingKeyCombo.setCurrentIndex(index)

    def set_reading(self) -> None:
        self._reading = True
        self._fill_keys()

    def is_reading(self) -> bool:
        return self._reading

    def set_keys(self, key_ids: Sequence[str], default_key_id: str | None) -> None:
        """The keys held for the profile (oldest first, as the keyring's index keeps them).
        Keeps the current choice if it is still held, else the wanted one, else the profile's
        default, else the newest."""
        current = self._selected()
        self._reading = False
        self._keys = list(dict.fromkeys(k.lower() for k in key_ids))
        self._default = default_key_id.lower() if default_key_id else None
        for candidate in (current, self._wanted, self._default):
            if candidate and candidate in self._keys:
                self._wanted = candidate
                break
        else:
            self._wanted = self._keys[-1] if self._keys else self._wanted
        self._fill_keys()

    def _fill_keys(self) -> None:
        combo = self.signingKeyCombo
        before = self.key_id()
        combo.blockSignals(True)
        combo.clear()
        if self._reading and not self._keys:
            combo.addItem(READING_TEXT)
        elif not self._keys:
            combo.addItem(NO_KEY_TEXT)
        # Newest first: the key made a moment ago is the one people look for.
        for key_id in reversed(self._keys):
            suffix = "  (profile default)" if key_id == self._default else ""
            combo.addItem(key_id + suffix, key_id)
        combo.setEnabled(bool(self._keys))
        wanted = combo.findData(self._wanted) if self._wanted else -1
        combo.setCurrentIndex(max(wanted, 0))
        combo.blockSignals(False)
        combo.setToolTip(
            "The held key that signs the token" if self._keys else no_key_reason("this profile")
        )
        if self.key_id() != before:
            self.changed.emit()

    def _on_key(self, _index: int) -> None:
        self._wanted = self.key_id() or self._wanted
        self.changed.emit()
