"""Batch signing: the GUI twin of `cfstream-token batch --local`.

Pasted video IDs (or CSV with `video`, `exp`, `rules` columns) are signed here with a held key,
through the one token flow (`TokenService.sign_many`) in a worker thread so the window stays
live; the links' customer code is the one the CLI and the window would use (the profile's, a
pasted link's, or one learnt this session). The worker reports progress through a Qt signal
(queued to the UI thread) and polls a `threading.Event` that the Cancel button sets. Every input
line ends as a token or as a listed problem.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.batch import (
    BatchCancelled,
    BatchDefaults,
    BatchInputError,
    BatchResult,
    BatchRow,
    RowError,
    parse_batch_input,
    write_results_csv,
)
from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.service import KeyNotHeldError
from cfstream_gui.core.storage.secrets import SecretStoreError
from cfstream_gui.core.validation import ValidationError
from cfstream_gui.ui.batch.options import DEFAULT_EXP, BatchOptions
from cfstream_gui.ui.batch.results import (
    ResultsModel,
    outcome_text,
    problems_pane,
    problems_text,
    results_csv_text,
    results_table,
)
from cfstream_gui.ui.batch.setup import BatchSetup
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.clipboard import copy_secret
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.common.inline_message import FIELD_STYLE, buddy_label
from cfstream_gui.ui.common.style import monospace_font
from cfstream_gui.ui.common.theme import restyle_on_palette_change
from cfstream_gui.ui.common.widgets import push_button

PREFERRED = QSize(900, 800)
PLACEHOLDER = (
    "One video ID per line, for example\n"
    "  5d5bc37ffcf54c9b82e996823bffbb81\n"
    "or CSV with a header row: video,exp,rules\n"
    "  5d5bc37ffcf54c9b82e996823bffbb81,2h,allow country US;block any"
)
SavePathChooser = Callable[[QWidget], str | None]


def choose_csv_path(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save tokens", "tokens.csv", "CSV (*.csv)")
    return path or None


class BatchDialog(QDialog):
    # (rows done, rows in total), emitted from the worker thread.
    progressed = Signal(int, int)

    def __init__(
        self,
        setup: BatchSetup,
        *,
        jobs: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("batchDialog")
        self.setWindowTitle("Sign many tokens")
        self.setStyleSheet(FIELD_STYLE)
        restyle_on_palette_change(self)
        self._fit_to_screen()
        self._setup = setup
        self._customer_code = setup.customer_code()
        self._delivery_base = setup.link_base(self._customer_code)
        self._clock = setup.clock
        self._jobs = jobs
        self._stop = threading.Event()
        self._tasks = BackgroundTasks()
        self._running = False
        self._downloadable = False  # whether the last run's tokens allow the MP4 download
        # Overridable so tests need no native file dialog.
        self.choose_save_path: SavePathChooser = choose_csv_path
        self._build(setup.key_ids, setup.default_key_id)
        self.progressed.connect(self._on_progress)
        self._update_buttons()

    # -- layout -----------------------------------------------------------------------------

    def _build(self, key_ids: Sequence[str], default_key_id: str | None) -> None:
        self.banner = ErrorBanner()
        intro = QLabel(
            "Sign tokens for many videos at once, here on this computer, with a signing key "
            "held in your keyring. No request is sent to Cloudflare."
        )
        intro.setWordWrap(True)
        self.inputEdit = QPlainTextEdit()
        self.inputEdit.setObjectName("batchInputEdit")
        self.inputEdit.setAccessibleName("Videos to sign")
        self.inputEdit.setPlaceholderText(PLACEHOLDER)
        self.inputEdit.setFont(monospace_font())
        self.inputEdit.setTabChangesFocus(True)
        self.inputEdit.textChanged.connect(self._update_buttons)

        setup = self._setup
        self.options = BatchOptions(
            key_ids,
            default_key_id,
            clock=self._clock,
            check=lambda defaults, now: setup.service.check_batch_defaults(defaults, now=now),
            default_exp=setup.default_exp or DEFAULT_EXP,
            prefill=setup.prefill,
        )
        self.options.changed.connect(self._update_buttons)
        # The names the dialog has always had, for tests and scripts.
        self.keyCombo, self.keyMessage = self.options.keyCombo, self.options.keyMessage
        self.expEdit, self.expMessage = self.options.expEdit, self.options.expMessage

        self.startButton = push_button("batchStartButton", "Sign tokens", self._on_start)
        self.cancelButton = push_button("batchCancelButton", "Cancel", self.cancel)
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("batchProgress")
        self.progressBar.setAccessibleName("Signing progress")
        self.progressBar.setFormat("%v of %m")
        self.progressBar.setRange(0, 1)
        self.progressBar.setValue(0)
        self.progressBar.hide()  # an empty bar before anything ran looks like a text field
        run_row = QHBoxLayout()
        run_row.addWidget(self.startButton)
        run_row.addWidget(self.cancelButton)
        run_row.addWidget(self.progressBar, 1)
        run_row.addStretch(0)  # keeps the buttons left while the bar is hidden

        self.results = ResultsModel(self._clock, self)
        self.resultsTable = results_table(self.results)
        self.problemsLabel, self.problemsScroll = problems_pane()

        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("batchStatusLabel")
        self.statusLabel.setAccessibleName("Batch status")
        self.saveButton = push_button("batchSaveButton", "Save CSV…", self._on_save)
        self.copyButton = push_button("batchCopyButton", "Copy as CSV", self._on_copy)
        self.closeButton = push_button("batchCloseButton", "Close", self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.statusLabel, 1)
        for button in (self.saveButton, self.copyButton, self.closeButton):
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addWidget(buddy_label("&Videos (IDs or CSV):", self.inputEdit))
        layout.addWidget(self.inputEdit, 2)
        layout.addWidget(self.options)
        layout.addLayout(run_row)
        layout.addWidget(self.resultsTable, 3)
        layout.addWidget(self.problemsScroll)
        layout.addLayout(bottom)

    def _fit_to_screen(self) -> None:
        """As large as suits the work, but never taller than the screen (a 1366x768 laptop
        leaves some 690 pixels)."""
        area = self.screen().availableGeometry()
        self.resize(
            min(PREFERRED.width(), area.width() - 40), min(PREFERRED.height(), area.height() - 60)
        )

    # -- public API -------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._running

    async def wait_idle(self) -> None:
        await self._tasks.wait()

    def cancel(self) -> None:
        """Stop the running batch after the chunk being signed; nothing of it is kept."""
        if self._running:
            self._stop.set()
            self.cancelButton.setEnabled(False)
            self.statusLabel.setText("Cancelling…")

    def done(self, result: int) -> None:
        self._stop.set()  # closing means stop: the worker ends after its current chunk
        super().done(result)

    # -- running ----------------------------------------------------------------------------

    def _on_start(self) -> None:
        if self._running:
            return
        self.banner.clear()
        try:
            rows, errors = parse_batch_input(self.inputEdit.toPlainText())
        except BatchInputError as exc:
            self.banner.show_error(str(exc))
            return
        defaults = self.options.defaults()  # relative times count from this press
        key_id = self.options.key_id()
        if defaults is None or key_id is None:
            return
        if not rows and not errors:
            self.banner.show_error("There are no video IDs to sign.", PLACEHOLDER.split("\n")[0])
            return
        self._stop.clear()
        self._set_running(True, len(rows))
        self.results.set_results([])
        self._show_problems([])
        self._downloadable = bool(defaults.downloadable)
        work = self._run(rows, errors, key_id, defaults)
        self._tasks.spawn(work, "sign batch")

    async def _run(
        self,
        rows: list[BatchRow],
        parse_errors: list[RowError],
        key_id: str,
        defaults: BatchDefaults,
    ) -> None:
        loop = asyncio.get_running_loop()
        # Whatever happens (a broken worker pool, a bug, the dialog closing), the dialog must
        # come out of "Signing…": the finally below always ends the run.
        status = "Signing stopped by an unexpected error; no tokens were kept."
        results: list[BatchResult] | None = None
        problems: list[RowError] = []
        try:
            setup = self._setup
            key = await in_daemon_thread(setup.load_key, key_id)
            sign = partial(
                setup.service.sign_many,
                rows,
                key,
                defaults,
                profile=setup.profile,
                account_id=setup.account_id,
                pasted_customer_code=setup.pasted_customer_code,
                jobs=self._jobs,
                progress=self.progressed.emit,
                should_stop=self._stop.is_set,
                host_template=setup.host_template,
            )
            outcome = await loop.run_in_executor(None, sign)
        except BatchCancelled:
            status = "Cancelled: no tokens were kept."
        except (KeyNotHeldError, KeyImportError, SecretStoreError, ValidationError) as exc:
            status = ""
            if shiboken6.isValid(self):
                self.banner.show_error(str(exc))
        else:
            self._customer_code = outcome.customer_code.code
            self._delivery_base = outcome.link_base
            results = outcome.results
            problems = sorted(parse_errors + outcome.errors, key=lambda e: e.line)
            status = outcome_text(len(results), len(problems))
        finally:
            # Anything unexpected propagates on to BackgroundTasks, which hands it to
            # sys.excepthook: the crash dialog.
            self._finish(status, results, problems)

    def _finish(
        self,
        status: str,
        results: list[BatchResult] | None = None,
        problems: Sequence[RowError] = (),
    ) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_running(False)
        self.statusLabel.setText(status)
        if results is not None:
            self.results.set_results(results)
            self.progressBar.setValue(self.progressBar.maximum())
        self._show_problems(list(problems))
        self._update_buttons()

    def _on_progress(self, done: int, total: int) -> None:
        if self._running:
            self.progressBar.setRange(0, max(total, 1))
            self.progressBar.setValue(done)

    def _set_running(self, running: bool, total: int = 0) -> None:
        self._running = running
        if running:
            self.progressBar.show()
            self.progressBar.setRange(0, max(total, 1))
            self.progressBar.setValue(0)
            self.statusLabel.setText(f"Signing {total:,} {'token' if total == 1 else 'tokens'}…")
        self._update_buttons()

    def _show_problems(self, problems: list[RowError]) -> None:
        self.problemsLabel.setText(problems_text(problems))
        self.problemsScroll.setVisible(bool(problems))

    def _update_buttons(self) -> None:
        running = self._running
        ready = bool(self.inputEdit.toPlainText().strip()) and self.keyCombo.isEnabled()
        self.startButton.setEnabled(not running and ready and self.options.is_usable())
        self.cancelButton.setEnabled(running and not self._stop.is_set())
        has_results = not running and bool(self.results.results())
        self.saveButton.setEnabled(has_results)
        self.copyButton.setEnabled(has_results)
        self.inputEdit.setReadOnly(running)

    # -- output -----------------------------------------------------------------------------

    def _on_save(self) -> None:
        chosen = self.choose_save_path(self)
        if not chosen:
            return
        path = Path(chosen)
        results = self.results.results()
        try:
            write_results_csv(
                path,
                results,
                customer_code=self._customer_code,
                downloadable=self._downloadable,
                delivery_base=self._delivery_base,
            )
        except OSError as exc:
            self.banner.show_error(f"{path} cannot be written: {exc.strerror or exc}.")
            return
        note = f"Saved {len(results):,} tokens to {path.name}."
        if self._customer_code is None:
            note += " Its URL columns are empty: the profile has no customer code."
        self.banner.show_notice(note)

    def _on_copy(self) -> None:
        text = results_csv_text(
            self.results.results(), self._customer_code, self._delivery_base, self._downloadable
        )
        copy_secret(text, self._setup.clipboard_clear_seconds)  # every row holds a token
        self.statusLabel.setText(f"Copied {len(self.results.results()):,} tokens as CSV.")
