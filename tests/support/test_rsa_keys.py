"""The shared test keys: one key per slot however the slot is named, different keys for different
slots, and each serialization in the shape its name promises."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization

from tests.support.rsa_keys import api_pem, pkcs1_pem, pkcs8_pem, rsa_key, signing_key


def _numbers(key: object) -> object:
    return key.public_key().public_numbers()  # type: ignore[attr-defined]


def test_a_slot_is_one_key_however_it_is_asked_for() -> None:
    assert rsa_key() is rsa_key(0) is rsa_key(slot=0)
    assert rsa_key(1) is rsa_key(slot=1)


def test_different_slots_are_different_2048_bit_keys() -> None:
    assert _numbers(rsa_key(0)) != _numbers(rsa_key(1))
    assert rsa_key(0).key_size == rsa_key(1).key_size == 2048


def test_the_pem_forms_hold_the_same_key_in_their_named_shape() -> None:
    key = rsa_key()
    pkcs1, pkcs8 = pkcs1_pem(key), pkcs8_pem(key)
    assert pkcs1.startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert pkcs8.startswith("-----BEGIN PRIVATE KEY-----")
    assert base64.b64decode(api_pem(key), validate=True).decode() == pkcs1
    for text in (pkcs1, pkcs8):
        loaded = serialization.load_pem_private_key(text.encode(), password=None)
        assert _numbers(loaded) == _numbers(key)


def test_signing_key_wraps_its_slot_under_the_given_or_a_fresh_id() -> None:
    chosen = signing_key(1, key_id="ab" * 16)
    assert chosen.key_id == "ab" * 16
    assert _numbers(chosen.private_key) == _numbers(rsa_key(1))
    first, second = signing_key(), signing_key()
    assert _numbers(first.private_key) == _numbers(rsa_key(0))
    assert len(first.key_id) == 32 and first.key_id != second.key_id
