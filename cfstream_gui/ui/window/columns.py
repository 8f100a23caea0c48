"""The main window's two columns: what the token grants on the left, Create and what came of it
on the right; one above the other when the window is too narrow for both side by side.

Side by side, a 1366x768 laptop shows the whole form, Create and the token at once: stacked,
the same content needs some 900 pixels of height. The split follows the window's width, and the
user can drag the handle between the columns.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

# Beyond this the form's fields only grow longer than anything typed into them.
MAX_FORM_WIDTH = 760


class Columns(QSplitter):
    # The columns went side by side (True) or one above the other (False).
    arrangementChanged = Signal(bool)

    def __init__(self, form: QWidget, output: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("columnsSplitter")
        self.setChildrenCollapsible(False)
        self._form = form
        self._output = output
        self.addWidget(form)
        self.addWidget(output)
        # Until the user drags the handle, the split follows the window's size.
        self._user_split = False
        self.splitterMoved.connect(self._on_user_split)
        output.installEventFilter(self)
        self._arrange(wide=True)

    def is_wide(self) -> bool:
        """Whether the columns are side by side."""
        return self.orientation() == Qt.Orientation.Horizontal

    def wide_width(self) -> int:
        """The narrowest width at which both columns fit side by side."""
        form = self._form.minimumSizeHint().width()
        output = self._output.minimumSizeHint().width()
        return form + output + self.handleWidth()

    def minimumSizeHint(self) -> QSize:
        """What the stacked arrangement needs: the window may always be made narrower than
        `wide_width()`, which stacks the columns."""
        form, output = self._form.minimumSizeHint(), self._output.minimumSizeHint()
        return QSize(
            max(form.width(), output.width()),
            form.height() + output.height() + self.handleWidth(),
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = event.size().width() >= self.wide_width()
        super().resizeEvent(event)
        if wide != self.is_wide():
            self._user_split = False
            self._arrange(wide=wide)
        elif not self._user_split:
            self._split()

    def _on_user_split(self, _position: int, _index: int) -> None:
        self._user_split = True

    def _arrange(self, *, wide: bool) -> None:
        self.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)
        # Side by side the result takes the spare width, which its long token and link fields
        # can use; stacked, the form takes the spare height and scrolls, the result keeps its.
        self.setStretchFactor(0, 0 if wide else 1)
        self.setStretchFactor(1, 1 if wide else 0)
        # First, so that what the columns show in this arrangement decides their sizes.
        self.arrangementChanged.emit(wide)
        self._split()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Stacked, the result keeps the height its content asks for as that content changes (a
        # token's detail lines, the request preview opening) until the user drags the handle.
        if (
            watched is self._output
            and event.type() == QEvent.Type.LayoutRequest
            and not self.is_wide()
            and not self._user_split
        ):
            self._split()
        return super().eventFilter(watched, event)

    def _split(self) -> None:
        if self.is_wide():
            form = form_width(self.width(), self._form.sizeHint().width())
            self.setSizes([form, max(self.width() - form - self.handleWidth(), 1)])
        else:
            output = self._output.sizeHint().height()
            self.setSizes([max(self.height() - output - self.handleWidth(), 1), output])


def form_width(total: int, wanted: int) -> int:
    """The form's share of `total`: half, so its notes need not wrap, but never less than it
    asks for, nor more than MAX_FORM_WIDTH unless it asks for more."""
    return min(max(total // 2, wanted), max(wanted, MAX_FORM_WIDTH))
