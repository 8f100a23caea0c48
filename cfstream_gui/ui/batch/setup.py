"""What a batch signs with: the held keys offered, how to load one, and the one token flow with
the profile and account whose customer code the links use."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.core.urls import link_base

KeyLoader = Callable[[str], SigningKey]


@dataclass(frozen=True)
class Prefill:
    """What the window's form holds, offered as the batch's starting point. (Here, not with
    the batch options: the window builds it without loading the batch machinery.)"""

    rules: tuple[AccessRule, ...] = ()
    downloadable: bool = False


@dataclass(frozen=True)
class BatchSetup:
    """`key_ids` are the held keys offered; `load_key` (blocking: run it in a worker thread)
    turns the chosen one into a SigningKey. The links' customer code is what `service` knows
    for `profile`, `account_id` and the code of a pasted link, as for the CLI and the window.
    The settings it follows: `host_template` for the links (None: Cloudflare's host),
    `default_exp` to start the expiry field with ("": the dialog's own), and how many seconds a
    copy stays on the clipboard (0: until replaced)."""

    key_ids: Sequence[str]
    load_key: KeyLoader
    service: TokenService
    profile: Profile
    account_id: str = ""
    pasted_customer_code: str | None = None
    default_key_id: str | None = None
    clock: Callable[[], float] = time.time
    host_template: str | None = None
    default_exp: str = ""
    clipboard_clear_seconds: int = 0
    # The window's rules and download choice, as the batch's starting point.
    prefill: Prefill = field(default_factory=Prefill)

    def customer_code(self) -> str | None:
        known = self.service.known_code(self.profile, self.account_id, self.pasted_customer_code)
        return known.code

    def link_base(self, customer_code: str | None) -> str | None:
        """What the links for `customer_code` start with (None: there are none)."""
        return link_base(
            customer_code,
            delivery_base=self.profile.delivery_base_url,
            host_template=self.host_template,
        )
