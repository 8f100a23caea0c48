"""Whose API token a request is sent with, decided once, as a value.

A `Credentials` is the API token and where it came from. It is made once per command or per
profile switch (from the environment, the keyring, what the user typed, or the sandbox's demo
token) and never changes afterwards: a `StreamClient` is built for one `Credentials` and a
different token means a different client. Widgets show credentials; they are never the source
of one.

`CLOUDFLARE_API_TOKEN` is decided here and nowhere else: when set, it wins over the keyring for
that run, for the CLI and the window alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

API_TOKEN_ENV = "CLOUDFLARE_API_TOKEN"


class Origin(StrEnum):
    """Where an API token came from; what the window says next to the token field."""

    ENVIRONMENT = "environment"  # CLOUDFLARE_API_TOKEN, for this run only
    KEYRING = "keyring"  # saved earlier, read from the system keyring
    TYPED = "typed"  # typed or pasted in this session, not (yet) saved
    SANDBOX = "sandbox"  # the built-in sandbox's demo token, in memory

    @property
    def label(self) -> str:
        return {
            Origin.ENVIRONMENT: f"environment ({API_TOKEN_ENV})",
            Origin.KEYRING: "system keyring",
            Origin.TYPED: "typed in this session",
            Origin.SANDBOX: "sandbox demo token",
        }[self]


class InvalidApiToken(ValueError):
    """The text cannot be an API token: nothing was sent. `str()` says why, never the text."""


@dataclass(frozen=True)
class Credentials:
    """An API token (kept out of `repr()`) and its origin. Build it with `Credentials.of`, which
    trims what paste adds and refuses what cannot be sent in an HTTP header."""

    api_token: str = field(repr=False)
    origin: Origin

    @classmethod
    def of(cls, text: str, origin: Origin) -> Credentials:
        return cls(clean_api_token(text), origin)

    def __post_init__(self) -> None:
        if self.api_token != clean_api_token(self.api_token):
            raise InvalidApiToken("An API token must be given trimmed; use Credentials.of().")


def clean_api_token(text: str) -> str:
    """The token without the whitespace a paste brings along. Raises InvalidApiToken (naming
    the field, never repeating the text) for an empty token or one with characters that
    cannot travel in an `Authorization` header."""
    token = text.strip()
    if not token:
        raise InvalidApiToken("The API token is empty; paste the token Cloudflare showed you.")
    if not (token.isascii() and token.isprintable()) or any(c.isspace() for c in token):
        raise InvalidApiToken(
            "The API token contains spaces, line breaks or other characters an API token never "
            "has; copy it again from the Cloudflare dashboard."
        )
    return token


def from_environment(env: Mapping[str, str]) -> Credentials | None:
    """The credentials `CLOUDFLARE_API_TOKEN` sets for this run, or None when it is unset or
    blank. A set but malformed value raises InvalidApiToken: silently falling back to the
    keyring would send a token the user did not mean."""
    text = env.get(API_TOKEN_ENV, "")
    if not text.strip():
        return None
    return Credentials.of(text, Origin.ENVIRONMENT)


def resolve_credentials(
    env: Mapping[str, str], read_keyring: Callable[[], str | None]
) -> Credentials | None:
    """The environment's token if set, else what the keyring holds (`read_keyring` is only
    called when needed: it may block, prompt, or fail with SecretStoreError)."""
    from_env = from_environment(env)
    if from_env is not None:
        return from_env
    stored = read_keyring()
    if stored is None or not stored.strip():
        return None
    return Credentials.of(stored, Origin.KEYRING)
