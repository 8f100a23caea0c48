"""Merging the account's key list with the keys held in the keyring."""

from __future__ import annotations

from datetime import UTC, datetime

from cfstream_gui.core.cloudflare import SigningKeyInfo
from cfstream_gui.core.keys.inventory import KeyRow, KeyState, merge_keys

A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
C = "cccccccccccccccccccccccccccccccc"
D = "dddddddddddddddddddddddddddddddd"
JAN = datetime(2026, 1, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 1, tzinfo=UTC)
JUN = datetime(2026, 6, 1, tzinfo=UTC)


def test_each_key_gets_its_state_newest_first() -> None:
    remote = [SigningKeyInfo(B, JAN), SigningKeyInfo(A, JUN), SigningKeyInfo(D, MAR)]
    rows = merge_keys(remote, [B, C, D])
    assert rows == [
        KeyRow(A, JUN, KeyState.NOT_HELD),
        KeyRow(D, MAR, KeyState.HELD),
        KeyRow(B, JAN, KeyState.HELD),
        KeyRow(C, None, KeyState.ORPHANED),  # no date: only Cloudflare knows dates
    ]
    assert [row.state.can_sign for row in rows] == [False, True, True, False]
    assert all(row.account_checked for row in rows)


def test_offline_held_keys_stay_usable_with_their_status_unknown() -> None:
    rows = merge_keys(None, [A, B])
    # The keyring index is oldest first; the newest key is listed first.
    assert rows == [
        KeyRow(B, None, KeyState.HELD, account_checked=False),
        KeyRow(A, None, KeyState.HELD, account_checked=False),
    ]
    assert merge_keys(None, []) == []


def test_keys_without_dates_come_last_and_ids_match_whatever_their_case() -> None:
    remote = [SigningKeyInfo(A.upper(), None), SigningKeyInfo(B, JAN)]
    rows = merge_keys(remote, [A, A])
    assert rows == [KeyRow(B, JAN, KeyState.NOT_HELD), KeyRow(A, None, KeyState.HELD)]


def test_duplicates_and_mixed_time_zones_do_not_break_the_list() -> None:
    naive = datetime(2026, 2, 1)  # an odd `created` without a zone
    remote = [SigningKeyInfo(A, JAN), SigningKeyInfo(A, JAN), SigningKeyInfo(B, naive)]
    rows = merge_keys(remote, [])
    assert [row.key_id for row in rows] == [B, A]


def test_the_empty_account_and_keyring_give_no_rows() -> None:
    assert merge_keys([], []) == []


def test_labels_say_what_each_state_means_for_signing() -> None:
    assert KeyState.HELD.label == "Held here"
    assert "cannot sign" in KeyState.NOT_HELD.label
    assert "revoked elsewhere" in KeyState.ORPHANED.label
    assert KeyState("orphaned") is KeyState.ORPHANED
