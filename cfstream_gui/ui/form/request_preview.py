"""A read-only look at what Create will produce: the JSON body sent to `/token` (private key
hidden) or, for local signing, the token's header and claims. Collapsed until asked for."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.ui.common.style import monospace_font

SHOW_TEXT = "Show request"
HIDE_TEXT = "Hide request"
PREVIEW_LINES = 14  # what it asks for; it takes what the window has to spare
MIN_PREVIEW_LINES = 5
# Stands in for the key in the preview; `TokenRequest.redacted()` replaces it in any case.
_PEM_STAND_IN = "held in the keyring"


def preview_text(
    engine: SigningEngine,
    request: TokenRequest,
    *,
    key_id: str | None,
    account_id: str,
    now: int,
) -> str:
    """What Create would send (or sign) for `request` right now, as a person reads it."""
    if engine is SigningEngine.LOCAL:
        # Local signing loads PyJWT and cryptography: only once someone picks it.
        from cfstream_gui.core.keys.local_signing import local_claims

        kid = key_id or "<choose a signing key>"
        claims = local_claims(request, kid, now=now)
        header = {"alg": "RS256", "kid": kid}
        return (
            "Signed on this computer; nothing is sent.\n"
            f"Header: {_json(header, indent=None)}\n"
            f"Claims:\n{_json(claims)}"
        )
    if engine is SigningEngine.API_KEY:
        request = replace(request, key_id=key_id or "<choose a signing key>", pem=_PEM_STAND_IN)
    account = account_id or "<account ID>"
    video = request.video_uid or "<video ID>"
    return f"POST /accounts/{account}/stream/{video}/token\n{_json(request.redacted())}"


def _json(data: dict[str, Any], indent: int | None = 2) -> str:
    """JSON a person can scan: one member per line, and each access rule on a line of its own
    (fully indented, five rules would not fit the preview)."""
    if indent is None or not data:
        return json.dumps(data, ensure_ascii=False)
    pad = " " * indent
    members = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            items = ",\n".join(f"{pad * 2}{_compact(item)}" for item in value)
            members.append(f"{pad}{_compact(key)}: [\n{items}\n{pad}]")
        else:
            members.append(f"{pad}{_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(members) + "\n}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class RequestPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.showRequestToggle = QToolButton()
        self.showRequestToggle.setObjectName("showRequestToggle")
        self.showRequestToggle.setAccessibleName("Show or hide the request preview")
        self.showRequestToggle.setCheckable(True)
        self.showRequestToggle.setText(SHOW_TEXT)
        self.showRequestToggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.showRequestToggle.setArrowType(Qt.ArrowType.RightArrow)
        self.showRequestToggle.setAutoRaise(True)
        # A disclosure triangle, not a button that stays pressed while the preview is open.
        self.showRequestToggle.setStyleSheet("QToolButton { border: none; padding: 2px 0; }")
        self.showRequestToggle.toggled.connect(self._on_toggled)

        self.requestPreview = QPlainTextEdit()
        self.requestPreview.setObjectName("requestPreview")
        self.requestPreview.setAccessibleName("Request preview")
        self.requestPreview.setReadOnly(True)
        self.requestPreview.setFont(monospace_font())
        self.requestPreview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.requestPreview.setTabChangesFocus(True)
        self.requestPreview.setMinimumHeight(self._height_for(MIN_PREVIEW_LINES))
        self.requestPreview.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.showRequestToggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.requestPreview)

    def _height_for(self, lines: int) -> int:
        spacing = QFontMetrics(monospace_font()).lineSpacing()
        return spacing * lines + 2 * self.requestPreview.frameWidth() + 8

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.requestPreview.isVisibleTo(self):
            toggle = self.showRequestToggle.sizeHint().height()
            hint.setHeight(toggle + 2 + self._height_for(PREVIEW_LINES))
        return hint

    def focus_order(self) -> list[QWidget]:
        return [self.showRequestToggle, self.requestPreview]

    def set_text(self, text: str) -> None:
        if text != self.requestPreview.toPlainText():
            bar = self.requestPreview.verticalScrollBar()
            position = bar.value()
            self.requestPreview.setPlainText(text)
            bar.setValue(position)

    def text(self) -> str:
        return self.requestPreview.toPlainText()

    def is_expanded(self) -> bool:
        return self.showRequestToggle.isChecked()

    def _on_toggled(self, shown: bool) -> None:
        self.requestPreview.setVisible(shown)
        self.showRequestToggle.setText(HIDE_TEXT if shown else SHOW_TEXT)
        self.showRequestToggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
