"""One list of signing keys from two sources: the account (Cloudflare) and this keyring.

Cloudflare lists key IDs and creation dates but never private keys again; the keyring holds
private keys but no dates. Only a key found in both can sign tokens that play. A key in the
keyring but gone from the account was revoked elsewhere: every token it signs is refused.

When the account list is unavailable (offline, rate limited) the held keys are still shown as
HELD, because they can sign, with `account_checked=False` so a UI can say their status on the
account is unknown. Offline is no reason to call a key orphaned and invite deleting it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cfstream_gui.core.cloudflare._models import SigningKeyInfo


class KeyState(StrEnum):
    HELD = "held"
    NOT_HELD = "not_held"
    ORPHANED = "orphaned"

    @property
    def label(self) -> str:
        """What a person is told about a key in this state."""
        return {
            KeyState.HELD: "Held here",
            KeyState.NOT_HELD: (
                "Not held here (the private key was shown only once, when the key was created, "
                "and is not in this keyring, so this app cannot sign with it)"
            ),
            KeyState.ORPHANED: "Held here, but gone from the account (revoked elsewhere)",
        }[self]

    @property
    def can_sign(self) -> bool:
        """Whether tokens signed with the key can play (as far as is known)."""
        return self is KeyState.HELD


@dataclass(frozen=True)
class KeyRow:
    key_id: str
    created: datetime | None
    state: KeyState
    # False when the account's list could not be fetched: the key's remote status is unknown.
    account_checked: bool = True


@dataclass(frozen=True)
class KeyInventory:
    """The merged list, and whether the account could be asked at all. Kept apart from the rows
    because an empty list means two different things: "no keys anywhere" when the account was
    checked, "nothing held here, the account's keys unknown" when it was not."""

    rows: tuple[KeyRow, ...]
    account_checked: bool


def merge_keys(remote: Sequence[SigningKeyInfo] | None, local_ids: Sequence[str]) -> list[KeyRow]:
    """Every key known to either side, newest first, keys without a date last.

    `remote` None means the account list is unavailable; see the module doc."""
    held = _unique(key_id.lower() for key_id in local_ids)
    if remote is None:
        # Newest first: the keyring index is kept oldest first.
        return [KeyRow(key_id, None, KeyState.HELD, False) for key_id in reversed(held)]
    rows: list[KeyRow] = []
    on_account: set[str] = set()
    for info in remote:
        key_id = info.id.lower()
        if key_id in on_account:
            continue
        on_account.add(key_id)
        state = KeyState.HELD if key_id in held else KeyState.NOT_HELD
        rows.append(KeyRow(key_id, info.created, state))
    orphans = [key_id for key_id in reversed(held) if key_id not in on_account]
    rows.extend(KeyRow(key_id, None, KeyState.ORPHANED) for key_id in orphans)
    return sorted(rows, key=_newest_first)


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))  # first occurrence wins, order kept


def _newest_first(row: KeyRow) -> tuple[bool, float]:
    # timestamp() rather than comparing datetimes: a naive and an aware one cannot be compared.
    return (row.created is None, -row.created.timestamp() if row.created else 0.0)
