"""Identifiers: a 32-hex ID passes, a plausible odd shape is a warning, and anything that cannot
be a Cloudflare ID (path-like, URL syntax, whitespace, control characters, non-ASCII) is an
error in every engine, with a message that never carries the raw characters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfstream_gui.core.ids import is_hex_id, is_plausible_id, shown
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.validation import (
    Problem,
    Severity,
    ValidationError,
    check_account_id,
    check_signing_key_id,
    check_video_uid,
)
from tests.support import rsa_keys

NOW = 1_800_000_000
KID = "0123456789abcdef0123456789abcdef"
Check = Callable[[str], list[Problem]]
CHECKS: dict[str, tuple[Check, str]] = {
    "video": (check_video_uid, "video ID"),
    "account": (check_account_id, "account ID"),
    "key": (check_signing_key_id, "signing key ID"),
}

NOT_IDS = [
    ".",
    "..",
    "a/b",
    "../etc",
    "abc?x=1",
    "abc#frag",
    "%2F",
    "ab%2e%2e",
    "abc\r\nHost: evil",
    "\x1b]0;pwned\x07\x1b[2J",
    "abc\x00def",
    "abc\x7f",
    "abc\u009bdef",  # C1 CSI
    "abc\u202edef",  # right-to-left override
    "vidéo",
    "１２３４",  # full-width digits: str.isdigit() says yes
    "a b",
    "tab\there",
    "my-video",
    "my_video",
]


def _is_safe(text: str) -> bool:
    return text.isprintable() and "\u202e" not in text


@pytest.mark.parametrize("value", NOT_IDS)
@pytest.mark.parametrize("kind", sorted(CHECKS))
def test_what_cannot_be_an_id_is_an_error_naming_the_field(kind: str, value: str) -> None:
    check, field = CHECKS[kind]
    [problem] = check(value)
    assert problem.severity is Severity.ERROR
    assert problem.field == field
    assert problem.message.startswith(field[0].upper() + field[1:])
    assert _is_safe(problem.message), problem.message  # never echoed raw to a terminal


@pytest.mark.parametrize(
    "value", ["abcd", "ABCDEF0123", "g" * 32, "ea95132c15732412d22c1476fa83f27"]
)
def test_a_plausible_odd_shape_is_only_a_warning(value: str) -> None:
    [problem] = check_video_uid(value)
    assert problem.severity is Severity.WARNING
    assert "copied whole" in problem.message


def test_messages_say_what_is_wrong() -> None:
    [dots] = check_video_uid("..")
    assert dots.message == (
        "Video ID '..' cannot be a Cloudflare ID: it contains “.”; paste the 32-character ID."
    )
    [url] = check_account_id("a/b?c")
    assert "contains “/” and “?”" in url.message
    [escape] = check_video_uid("\x1b[2J")
    assert "'\\x1b[2J'" in escape.message and "control characters" in escape.message


@given(st.text(max_size=40))
def test_every_text_is_classified_by_its_shape(value: str) -> None:
    problems = check_video_uid(value)
    if is_hex_id(value):
        assert problems == []
        return
    [problem] = problems
    expected = Severity.WARNING if is_plausible_id(value) else Severity.ERROR
    assert problem.severity is expected
    assert _is_safe(problem.message)


@given(st.text())
def test_shown_is_always_printable_and_short(value: str) -> None:
    body = shown(value).removesuffix("…")
    assert body.isascii() and body.isprintable()
    assert len(body) <= 2 + 10 * 40  # quotes, then at most 40 characters as \U0010ffff


@pytest.mark.parametrize("sub", ["..", "a/b", "x\x1b[2J"])
def test_local_signing_refuses_a_sub_that_cannot_be_a_video(sub: str) -> None:
    key = rsa_keys.signing_key(key_id=KID)
    with pytest.raises(ValidationError) as caught:
        sign_locally(TokenRequest(sub), key, now=NOW)
    assert [p.field for p in caught.value.problems] == ["video ID"]
