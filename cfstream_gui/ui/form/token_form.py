"""What the token grants (the video, its times, downloads and access rules) and who signs it.

The form turns itself into a `TokenRequest`, shows the problems validation finds at the field
they belong to, previews what Create will send or sign, and is captured into (and restored
from) the saved `FormState`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.models import AccessRule, SigningEngine, TokenRequest
from cfstream_gui.core.validation import Problem, normalize_request
from cfstream_gui.core.video_ids import parse_video_reference
from cfstream_gui.ui.common.inline_message import (
    InlineMessage,
    buddy_label,
    enable_clear_button,
    same_width,
    with_message,
)
from cfstream_gui.ui.common.widgets import push_button
from cfstream_gui.ui.form.engine_picker import EnginePicker
from cfstream_gui.ui.form.request_preview import RequestPreview
from cfstream_gui.ui.form.time_field import TimeField
from cfstream_gui.ui.rules.editor import RulesEditor
from cfstream_gui.ui.videos.access import VideoAccess
from cfstream_gui.ui.videos.public_warning import PublicVideoWarning

# Which inline message shows a validation problem, by `Problem.field`.
_FIELD_OF = {"video ID": "video", "expiry": "expiry", "start time": "nbf"}


class TokenForm(QWidget):
    changed = Signal()
    # Browse… was pressed: the window opens the video browser.
    browseRequested = Signal()

    def __init__(self, clock: Callable[[], float] = time.time, parent: QWidget | None = None):
        super().__init__(parent)
        self._clock = clock
        self._normalizing = False
        self._customer_code: str | None = None
        self._build()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.signing = EnginePicker()
        self.signing.changed.connect(self._on_engine_changed)
        # Previewed beside the result, where the window places it, not inside the form.
        self.preview = RequestPreview()
        self.videoIdEdit = QLineEdit()
        self.videoIdEdit.setObjectName("videoIdEdit")
        self.videoIdEdit.setAccessibleName("Video ID")
        self.videoIdEdit.setPlaceholderText("Video UID, or paste any Stream link to the video")
        enable_clear_button(self.videoIdEdit)
        self.videoIdEdit.textChanged.connect(self._on_video_text)
        self.videoIdMessage = InlineMessage("videoIdMessage", "Video ID problem")
        self.browseVideosButton = push_button(
            "browseVideosButton", "Browse…", self.browseRequested.emit
        )
        self.browseVideosButton.setToolTip("Pick a video from the account's list")
        self.publicWarning = PublicVideoWarning()

        self.expiry = TimeField("exp", self._clock)
        self.expiry.set_object_names("expiryEdit", "expiryEnabledCheck")
        self.expiryMessage = InlineMessage("expiryMessage", "Expiry problem")
        self.nbf = TimeField("nbf", self._clock)
        self.nbf.set_object_names("nbfEdit", "nbfEnabledCheck")
        self.nbfMessage = InlineMessage("nbfMessage", "Not-before problem")
        self.downloadableCheck = QCheckBox("Allow MP4 download with this token")
        self.downloadableCheck.setObjectName("downloadableCheck")
        self.downloadableCheck.setAccessibleName("Allow MP4 download")
        self.downloadableCheck.setToolTip(
            "Sets downloadable: true. The video must also have downloads enabled."
        )
        # Expires and Not before line up: their checkboxes and date fields are as wide.
        same_width(self.expiry.check, self.nbf.check)
        same_width(self.expiry.edit, self.nbf.edit)
        self.rulesEditor = RulesEditor()
        for signal in (self.expiry.changed, self.nbf.changed, self.rulesEditor.rulesChanged):
            signal.connect(self.changed)
        self.downloadableCheck.toggled.connect(self.changed)
        self._layout()

    def _layout(self) -> None:
        token_group = QGroupBox("Token")
        token_group.setObjectName("tokenGroup")
        form = _form(token_group)
        form.addRow(
            buddy_label("&Sign with:", self.signing.signingEngineCombo), self.signing.engine_row
        )
        form.addRow(
            buddy_label("Signing &key:", self.signing.signingKeyCombo), self.signing.key_row
        )
        video_row = QHBoxLayout()
        video_row.setContentsMargins(0, 0, 0, 0)
        video_row.addWidget(self.videoIdEdit, 1)
        video_row.addWidget(self.browseVideosButton)
        video_field = QWidget()
        video_field.setLayout(video_row)
        form.addRow(
            buddy_label("&Video:", self.videoIdEdit), with_message(video_field, self.videoIdMessage)
        )
        form.addRow("", self.publicWarning)
        form.addRow(
            buddy_label("E&xpires:", self.expiry.check),
            with_message(self.expiry, self.expiryMessage),
        )
        form.addRow(
            buddy_label("&Not before:", self.nbf.check), with_message(self.nbf, self.nbfMessage)
        )
        form.addRow(buddy_label("&Downloads:", self.downloadableCheck), self.downloadableCheck)
        self.form_layout = form
        form.setRowVisible(self.publicWarning, False)

        rules_group = QGroupBox("Access rules")
        rules_group.setObjectName("rulesGroup")
        rules_layout = QVBoxLayout(rules_group)
        rules_layout.addWidget(self.rulesEditor)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addWidget(token_group)
        outer.addWidget(rules_group)
        self._on_engine_changed()

    def focus_order(self) -> list[QWidget]:
        """The form's controls in the order Tab visits them (the preview is placed apart)."""
        return [
            self.signing.signingEngineCombo,
            self.signing.signingKeyCombo,
            self.signing.manageKeysButton,
            self.videoIdEdit,
            self.browseVideosButton,
            self.publicWarning.requireSignedButton,
            *self.expiry.focus_order(),
            *self.nbf.focus_order(),
            self.downloadableCheck,
            *self.rulesEditor.focus_order(),
        ]

    # -- signing ----------------------------------------------------------------------------

    def _on_engine_changed(self) -> None:
        if hasattr(self, "form_layout"):
            self.form_layout.setRowVisible(self.signing.key_row, self.engine().uses_key)
            self.changed.emit()

    def engine(self) -> SigningEngine:
        return self.signing.engine()

    def key_id(self) -> str | None:
        """The held key chosen to sign, for the key engines; None for Cloudflare's key."""
        return self.signing.key_id() if self.engine().uses_key else None

    # -- the video field --------------------------------------------------------------------

    def _on_video_text(self, text: str) -> None:
        if self._normalizing:
            return
        ref = parse_video_reference(text)
        if ref.from_url:
            self._customer_code = ref.customer_code or self._customer_code
        if ref.uid != text:
            # A pasted link (or stray whitespace) becomes the bare UID it names.
            self._normalizing = True
            try:
                self.videoIdEdit.setText(ref.uid)
            finally:
                self._normalizing = False
        self.changed.emit()

    def video_uid(self) -> str:
        return self.videoIdEdit.text().strip()

    def set_video(self, uid: str, customer_code: str | None) -> None:
        """A video picked from the account's list; its customer code builds the links."""
        if customer_code:
            self._customer_code = customer_code
        self.videoIdEdit.setText(uid)

    def show_video_access(self, access: VideoAccess | None) -> None:
        self.publicWarning.show_access(access)
        # A row of its own, shown and hidden as a row: the form then makes room for it.
        self.form_layout.setRowVisible(self.publicWarning, self.publicWarning.access() is not None)

    def pasted_customer_code(self) -> str | None:
        """The customer code from the last pasted customer-<code> link, if any."""
        return self._customer_code

    # -- request and problems ---------------------------------------------------------------

    def request(self) -> TokenRequest:
        return normalize_request(
            TokenRequest(
                video_uid=self.video_uid(),
                exp=self.expiry.value(),
                nbf=self.nbf.value(),
                downloadable=True if self.downloadableCheck.isChecked() else None,
                access_rules=tuple(self.rulesEditor.rules()),
            )
        )

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Each field's first problem next to it. An empty video field is not painted red
        before anything was typed; the Create button's reason covers it."""
        first: dict[str, Problem] = {}
        for problem in problems:
            key = _FIELD_OF.get(problem.field)
            if key is not None and key not in first:
                first[key] = problem
        if not self.video_uid():
            first.pop("video", None)
        self.videoIdMessage.show_problem(self.videoIdEdit, first.get("video"))
        self.expiryMessage.show_problem(self.expiry.edit, first.get("expiry"))
        self.nbfMessage.show_problem(self.nbf.edit, first.get("nbf"))

    # -- saved form -------------------------------------------------------------------------

    def rules(self) -> tuple[AccessRule, ...]:
        return tuple(self.rulesEditor.rules())

    def restore(
        self,
        *,
        video: str,
        exp: int | None,
        nbf: int | None,
        downloadable: bool,
        rules: Sequence[AccessRule],
        engine: SigningEngine = SigningEngine.CLOUDFLARE,
        key_id: str | None = None,
    ) -> None:
        self.signing.set_engine(engine)
        self.signing.want_key(key_id)
        self.videoIdEdit.setText(video)
        self.expiry.set_value(exp)
        self.nbf.set_value(nbf)
        self.downloadableCheck.setChecked(downloadable)
        self.rulesEditor.set_rules(tuple(rules))


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(6)
    return form
