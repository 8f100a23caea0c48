"""Text from outside made safe for a terminal, and the one check a printed token must pass.

A hostile or broken API server can put `ESC ] 0 ; title BEL` or `ESC [ 2 J` in an error message
(or in a token); printed raw, that retitles or clears the user's terminal, and a carriage return
or a right-to-left override can make a line say something else. So everything the CLI prints
that came from outside (server messages, tokens, values from profiles.json, anything typed back)
goes through `safe_text`, which shows such characters as visible escapes (`\\x1b`, `\\u202e`). The
rest of an escape sequence stays as plain text, which also tells the reader the server sent
something odd. Printable text, including non-ASCII letters, is untouched.
"""

from __future__ import annotations

import re

from cfstream_gui.core.cloudflare import BadResponse

# C0 and C1 controls and DEL; bidi overrides, embeddings and isolates; line and paragraph
# separators (some terminals break lines on them); lone surrogates (from undecodable argv
# bytes), which would make print() itself fail.
_UNSAFE = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_KEEPING_LINES_RE = re.compile(f"(?!\n)[{_UNSAFE}]")

# A signed token is JWS compact serialisation: base64url parts joined by dots.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")


def safe_text(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character shown as an escape. With `multiline`, line feeds
    are kept (for our own multi-line notes); otherwise they are escaped too, so one message
    from a server cannot forge a line that looks like ours."""
    pattern = _UNSAFE_KEEPING_LINES_RE if multiline else _UNSAFE_RE
    return pattern.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return ascii(match.group())[1:-1]


def require_printable_token(token: str) -> str:
    """`token` if it is base64url parts and dots, as every signed token is; otherwise the API
    (nothing we made) answered with something that is not a token, and it is not printed."""
    if _TOKEN_RE.fullmatch(token) is None:
        raise BadResponse(
            "The API's answer is not a usable token: it contains characters a signed token "
            "never has, so it was not printed.",
            hint="Try again; if it keeps happening, check the API base URL points at "
            "Cloudflare's API.",
        )
    return token
