"""The window controller's settings part: the settings read once when the window opens, replaced
and kept when the Settings dialog is accepted, and what a new, empty form starts with.

No Qt here; the view is told what to follow (`use_settings`) and what came of a change.
Settings that cannot be saved still apply for the session: a preference is never a reason to
lose what the user just chose.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from cfstream_gui.core.settings import (
    DEFAULT_ENGINE,
    DEFAULT_EXPIRY,
    MemorySettingsStore,
    Settings,
    SettingsStore,
    expiry_seconds,
)
from cfstream_gui.ui.window.saved_form import FormValues
from cfstream_gui.ui.window.view import WindowView

logger = logging.getLogger(__name__)


class WindowSettings:
    """`store` is where the settings are kept (None: in memory, starting from the defaults)."""

    def __init__(
        self,
        view: WindowView,
        store: SettingsStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._view = view
        self._store = store if store is not None else MemorySettingsStore()
        self._clock = clock
        self.current = Settings()

    def load(self) -> None:
        """Read the settings and have the view follow them."""
        self.current = self._store.load()
        self._view.use_settings(self.current)

    def new_form(self) -> FormValues | None:
        """A new form with the default expiry (from now) and signing engine; None when the
        defaults leave it blank, which is how the window starts anyway."""
        seconds = expiry_seconds(self.current[DEFAULT_EXPIRY])
        exp = None if seconds is None else int(self._clock()) + seconds
        values = FormValues(exp=exp, engine=self.current[DEFAULT_ENGINE])
        return None if values == FormValues() else values

    def apply(self, settings: Settings) -> None:
        """Use `settings` from now on and save them; when they cannot be saved they still
        apply until the app closes, and the banner says so."""
        self.current = settings
        self._view.use_settings(settings)
        try:
            self._store.save(settings)
        except OSError as exc:
            logger.warning("the settings were not saved: %s", exc)
            self._view.show_error(
                f"The settings could not be saved: {exc}", "They apply until the app closes."
            )
        else:
            self._view.show_status("Settings saved", 5000)
