"""What the Tools dialogs work with, asked for when they need it: the window controller's part.

The inspector checks a pasted token's signature with the signing keys held for the current
profile; a playback check of a bare token needs to know where it plays (the profile's delivery
base, or the customer code the one token flow knows); the simulator and Copy as code work on
the form as it is now. Each is read when asked, so a dialog left open follows a profile switch
or an edited form. No Qt here beyond what the controller hands in; the dialogs never reach into
the window.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.settings import CLIPBOARD_CLEAR_SECONDS, Settings
from cfstream_gui.core.snippets import Snippets, build_snippets
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.ui.account.tokens import ApiTokens
from cfstream_gui.ui.keys.held_keys import load_held_key
from cfstream_gui.ui.window.key_actions import KeyActions
from cfstream_gui.ui.window.view import WindowView

KeyLoader = Callable[[str], SigningKey]


@dataclass(frozen=True)
class ToolsSetup:
    """`key_ids` are the signing keys held for the profile; `load_key` (blocking: run it in a
    worker thread) loads one, and is None without a profile. `customer_code` and
    `delivery_base` say where a bare token plays."""

    clock: Callable[[], float] = time.time
    key_ids: Sequence[str] = ()
    load_key: KeyLoader | None = None
    customer_code: str | None = None
    delivery_base: str | None = None
    clipboard_clear_seconds: int = 0  # the setting: a copied token leaves the clipboard then

    def holds(self, key_id: str | None) -> bool:
        return key_id is not None and self.load_key is not None and key_id in self.key_ids


class ToolSources:
    def __init__(
        self,
        view: WindowView,
        *,
        tokens: ApiTokens,
        keys: KeyActions,
        service: TokenService,
        settings: Callable[[], Settings] = Settings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._view = view
        self._tokens = tokens
        self._keys = keys
        self._service = service
        self._settings = settings
        self._clock = clock

    def setup(self) -> ToolsSetup:
        profile = self._tokens.profile()
        clear = self._settings()[CLIPBOARD_CLEAR_SECONDS]
        if profile is None:
            return ToolsSetup(clock=self._clock, clipboard_clear_seconds=clear)
        known = self._service.known_code(
            profile, self._view.account_id(), self._view.pasted_customer_code()
        )
        return ToolsSetup(
            clock=self._clock,
            key_ids=tuple(key_id.lower() for key_id in self._keys.key_ids()),
            load_key=partial(load_held_key, self._keys.store(), profile.name),
            customer_code=known.code,
            delivery_base=profile.delivery_base_url,
            clipboard_clear_seconds=clear,
        )

    def form_rules(self) -> tuple[AccessRule, ...]:
        """The form's access rules as Create would send them."""
        return self._view.form_request().access_rules

    def form_snippets(self) -> Snippets:
        """The form's token as code. ValidationError (or ValueError) says, in a sentence, what
        to fix first: nothing that would be refused is turned into code."""
        engine = self._view.engine()
        return build_snippets(
            self._view.form_request(),
            engine,
            account_id=self._view.account_id(),
            now=int(self._clock()),
            key_id=self._view.key_id() if engine.uses_key else None,
        )
