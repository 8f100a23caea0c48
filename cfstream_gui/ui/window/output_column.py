"""The window's right-hand column (below the form when the columns stack): Create with its
reason, the result, and the request preview, which takes the height the column has to spare
while it is open."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from cfstream_gui.ui.action_bar import ActionBar
from cfstream_gui.ui.form.request_preview import RequestPreview
from cfstream_gui.ui.result_panel import ResultPanel


class OutputColumn(QWidget):
    def __init__(
        self,
        action_bar: ActionBar,
        result: ResultPanel,
        preview: RequestPreview,
        *,
        preview_choice: bool | None,
        parent: QWidget | None = None,
    ) -> None:
        """`preview_choice`: whether the user last left the preview open (None: never
        chose)."""
        super().__init__(parent)
        self.setObjectName("outputColumn")
        self._preview = preview
        self._choice = preview_choice
        result_group = QGroupBox("Result")
        result_group.setObjectName("resultGroup")
        QVBoxLayout(result_group).addWidget(result)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(action_bar)
        column.addWidget(result_group)
        column.addWidget(preview)
        column.addStretch(1)
        self._column = column
        toggle = preview.showRequestToggle
        toggle.toggled.connect(self._give_height)
        toggle.clicked.connect(self._remember)  # the user's clicks, not the layout's choice
        if preview_choice is not None:
            toggle.setChecked(preview_choice)
        self._give_height(toggle.isChecked())

    def preview_choice(self) -> bool | None:
        """Whether the user left the preview open, or None if they never chose."""
        return self._choice

    def follow_arrangement(self, wide: bool) -> None:
        """Until the user opens or closes the request preview, it is open when the columns
        stand side by side (this column has room to spare) and closed when they are stacked."""
        if self._choice is None:
            self._preview.showRequestToggle.setChecked(wide)

    def _remember(self, shown: bool) -> None:
        self._choice = shown

    def _give_height(self, shown: bool) -> None:
        """An open preview takes the column's spare height; a closed one leaves it below."""
        index = self._column.indexOf(self._preview)
        self._column.setStretch(index, 1 if shown else 0)
        self._column.setStretch(index + 1, 0 if shown else 1)
