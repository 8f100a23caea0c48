"""What a token says, one labelled line each: video, signing key, not-before and expiry (UTC and
local time), how long it is valid, downloads, rules in plain words, the signature, and what
Cloudflare would refuse or what looks unintended."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QWidget

from cfstream_gui.core.inspection import TokenReport
from cfstream_gui.ui.common.style import Tone, monospace_font, set_tone
from cfstream_gui.ui.inspector.report_text import (
    Line,
    moment_text,
    problem_lines,
    rules_text,
    signature_line,
    validity_line,
)

# (attribute and objectName stem, row label, accessible name)
ROWS = (
    ("Video", "Video:", "Video ID"),
    ("KeyId", "Signing key:", "Signing key ID"),
    ("NotBefore", "Not before:", "Not before"),
    ("Expires", "Expires:", "Expires"),
    ("Validity", "Valid:", "How long the token is valid"),
    ("Downloadable", "Downloads:", "Downloadable"),
    ("CustomerCode", "Customer code:", "Customer code of the link"),
    ("Rules", "Rules:", "Access rules in plain words"),
    ("Signature", "Signature:", "Signature"),
    ("Problems", "Problems:", "What Cloudflare would refuse"),
    ("Warnings", "Warnings:", "What looks unintended"),
)


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.fields: dict[str, QLabel] = {}
        self.problems: list[str] = []  # the problem lines shown, as plain text
        for stem, label, accessible in ROWS:
            field = QLabel()
            field.setObjectName(f"inspector{stem}")
            field.setAccessibleName(accessible)
            # Plain text: every value is the token's own text, never markup to render.
            field.setTextFormat(Qt.TextFormat.PlainText)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            self.fields[stem] = field
            self.form.addRow(label, field)
        for stem in ("Video", "KeyId"):
            self.fields[stem].setFont(monospace_font())

    def show_report(self, report: TokenReport, now: int) -> None:
        self._set("Video", report.video_uid or "(none)")
        self._set("KeyId", report.key_id or "(none)")
        self._set("NotBefore", moment_text(report.not_before))
        self._set("Expires", moment_text(report.expires))
        self.show_validity(validity_line(report, now))
        self._set("Downloadable", "Yes: the MP4 may be downloaded" if report.downloadable else "No")
        self._set("CustomerCode", report.customer_code or "")
        self._row_visible("CustomerCode", report.customer_code is not None)
        self._set("Rules", rules_text(report))
        self.show_signature(signature_line(report))
        self._show_problems(problem_lines(report))

    def clear(self) -> None:
        for stem in self.fields:
            self._set(stem, "")
        self._show_problems([])
        self._row_visible("CustomerCode", False)

    def show_validity(self, line: Line) -> None:
        self._set("Validity", line.text, line)

    def show_signature(self, line: Line) -> None:
        self._set("Signature", line.text, line)

    def text(self, stem: str) -> str:
        return self.fields[stem].text()

    def _set(self, stem: str, text: str, line: Line | None = None) -> None:
        field = self.fields[stem]
        field.setText(text)
        # Picked for the palette, and again when it changes (the system turned dark).
        set_tone(field, line.tone if line is not None else None)

    def _show_problems(self, lines: list[Line]) -> None:
        self.problems = [line.text for line in lines]
        for stem, tone in (("Problems", Tone.ERROR), ("Warnings", Tone.WARNING)):
            texts = [line.text for line in lines if line.tone is tone]
            self._set(stem, "\n".join(texts), Line("", tone))
            self._row_visible(stem, bool(texts))

    def _row_visible(self, stem: str, visible: bool) -> None:
        self.form.setRowVisible(self.fields[stem], visible)
