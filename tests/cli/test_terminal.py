"""`safe_text` shows control characters as escapes; `require_printable_token` lets only
base64url-and-dots tokens be printed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfstream_gui.cli.terminal import require_printable_token, safe_text
from cfstream_gui.core.cloudflare import BadResponse

# Retitles the terminal, clears the screen, returns to column 0, and reverses the text after it.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\rfake\u202eevil\x9b31m"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (HOSTILE, "\\x1b]0;pwned\\x07\\x1b[2J\\rfake\\u202eevil\\x9b31m"),
        ("line\nforged: ok", "line\\nforged: ok"),
        ("tab\there\x00\x7f", "tab\\there\\x00\\x7f"),
        ("Zürich, 日本, café", "Zürich, 日本, café"),  # printable text is left alone
        ("\udcff", "\\udcff"),  # a lone surrogate from undecodable argv bytes
    ],
)
def test_safe_text_shows_control_characters_as_escapes(text: str, shown: str) -> None:
    assert safe_text(text) == shown


def test_safe_text_keeps_line_breaks_only_when_asked() -> None:
    assert safe_text("one\ntwo\r\n", multiline=True) == "one\ntwo\\r\n"


@pytest.mark.parametrize("token", ["a.b\x1b[2J.c", "a.b.c\n", "a b.c.d", "a.b.c;rm", "", "a..b"])
def test_a_token_with_anything_but_base64url_and_dots_is_refused(token: str) -> None:
    with pytest.raises(BadResponse):
        require_printable_token(token)


BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text())
def test_whatever_comes_in_goes_out_without_controls(text: str) -> None:
    for char in safe_text(text):
        assert unicodedata.category(char) not in ("Cc", "Cs", "Zl", "Zp"), repr(char)
        assert char not in BIDI_CONTROLS
