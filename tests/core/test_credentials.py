"""Credentials: one decision about which API token a run uses, made once, kept as a value."""

from __future__ import annotations

import dataclasses

import pytest
from keyring.backends import fail

from cfstream_gui.core.credentials import (
    Credentials,
    InvalidApiToken,
    Origin,
    clean_api_token,
    from_environment,
    resolve_credentials,
)
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError

TOKEN = "stored-token-0123456789abcdef0123456789"


def test_environment_token_wins_for_the_run(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_api_token("work", TOKEN)
    env = {"CLOUDFLARE_API_TOKEN": "from-env-token"}

    used = resolve_credentials(env, lambda: store.get_api_token("work"))

    assert used == Credentials("from-env-token", Origin.ENVIRONMENT)
    # The keyring copy is untouched; it is what the next run without the variable gets.
    assert resolve_credentials({}, lambda: store.get_api_token("work")) == Credentials(
        TOKEN, Origin.KEYRING
    )


def test_keyring_is_not_asked_when_the_environment_decides() -> None:
    def never() -> str | None:
        raise AssertionError("the keyring was read although the environment set the token")

    used = resolve_credentials({"CLOUDFLARE_API_TOKEN": "from-env-token"}, never)
    assert used is not None and used.origin is Origin.ENVIRONMENT


def test_environment_token_works_without_any_keyring() -> None:
    store = SecretStore(backend=fail.Keyring())
    used = resolve_credentials(
        {"CLOUDFLARE_API_TOKEN": "from-env-token"}, lambda: store.get_api_token("work")
    )
    assert used == Credentials("from-env-token", Origin.ENVIRONMENT)
    with pytest.raises(SecretStoreError):
        resolve_credentials({}, lambda: store.get_api_token("work"))


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_blank_environment_variable_does_not_override(blank: str) -> None:
    assert from_environment({"CLOUDFLARE_API_TOKEN": blank}) is None
    used = resolve_credentials({"CLOUDFLARE_API_TOKEN": blank}, lambda: f" {TOKEN}\n")
    assert used == Credentials(TOKEN, Origin.KEYRING)


def test_nothing_anywhere_is_none() -> None:
    assert resolve_credentials({}, lambda: None) is None
    assert resolve_credentials({}, lambda: "  ") is None


@pytest.mark.parametrize(
    "text",
    ["tok en", "token\r\nX-Injected: 1", "tab\there", "naïve-token", "token\x1b[2J", "nul\x00"],
)
def test_a_token_that_cannot_be_sent_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(InvalidApiToken) as caught:
        Credentials.of(text, Origin.TYPED)
    assert "API token" in str(caught.value)
    assert text.strip() not in str(caught.value)
    # A malformed environment variable is an error, not a silent fall-back to the keyring.
    with pytest.raises(InvalidApiToken):
        from_environment({"CLOUDFLARE_API_TOKEN": text})


def test_paste_whitespace_is_trimmed_once() -> None:
    assert clean_api_token(f"\t {TOKEN} \n") == TOKEN
    assert Credentials.of(f"{TOKEN}\n", Origin.TYPED).api_token == TOKEN
    with pytest.raises(InvalidApiToken):
        Credentials(f"{TOKEN}\n", Origin.TYPED)  # the constructor never trims silently


def test_credentials_are_immutable_and_keep_the_token_out_of_repr() -> None:
    credentials = Credentials.of(TOKEN, Origin.KEYRING)
    with pytest.raises(dataclasses.FrozenInstanceError):
        credentials.api_token = "other"  # type: ignore[misc]
    assert TOKEN not in repr(credentials)
    assert "keyring" in repr(credentials)
