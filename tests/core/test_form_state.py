"""The last form survives a restart, keeps its relative times, and never holds a secret."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.storage.form_state import FORM_FILE, FormState, FormStore

NOW = 1_800_000_000.0
KEY_ID = "4f7b1c2d9e0a4b5c8d6e7f8091a2b3c4"


def sample_state() -> FormState:
    return FormState.capture(
        now=NOW,
        profile="work",
        account_id="023e105f4ecef8ad9ca31a8372d0c353",
        video="ea95132c15732412d22c1476fa83f27a",
        exp=int(NOW) + 3600,
        nbf=int(NOW) - 60,
        downloadable=True,
        rules=[AccessRule("block", "ip.geoip.country", ("RU", "CN")), AccessRule("allow", "any")],
        url_kind="hls",
        engine=SigningEngine.LOCAL,
        key_id=KEY_ID,
    )


def test_round_trip_through_the_file(config_dir: Path) -> None:
    store = FormStore()
    store.save(sample_state())
    assert store.path == config_dir / FORM_FILE
    assert FormStore().load() == sample_state()


def test_times_are_restored_relative_to_the_new_now(config_dir: Path) -> None:
    FormStore().save(sample_state())
    restored = FormStore().load()
    assert restored is not None
    later = NOW + 86_400
    assert restored.exp_at(later) == int(later) + 3600
    assert restored.nbf_at(later) == int(later) - 60


def test_unset_times_stay_unset() -> None:
    state = FormState.capture(
        now=NOW,
        profile=None,
        account_id="",
        video="",
        exp=None,
        nbf=None,
        downloadable=False,
        rules=[],
        url_kind=None,
    )
    assert state.exp_at(NOW) is None and state.nbf_at(NOW) is None


def test_nothing_saved_restores_nothing(config_dir: Path) -> None:
    assert FormStore().load() is None


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe{}"])
def test_a_damaged_file_restores_nothing_and_is_kept(config_dir: Path, content: bytes) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / FORM_FILE).write_bytes(content)
    assert FormStore().load() is None
    assert (config_dir / FORM_FILE).exists()


def test_wrongly_typed_values_are_dropped_not_fatal(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / FORM_FILE).write_text(
        json.dumps(
            {
                "profile": 3,
                "account_id": None,
                "video": "abc",
                "exp_offset": "soon",
                "nbf_offset": True,
                "downloadable": "yes",
                "rules": [{"action": "allow", "type": "any"}, "junk", {"action": 1}],
                "url_kind": "watch",
            }
        )
    )
    state = FormStore().load()
    assert state == FormState(video="abc", rules=(AccessRule("allow", "any"),), url_kind="watch")


def test_the_file_is_private_and_holds_no_secret_fields(config_dir: Path) -> None:
    FormStore().save(sample_state())
    path = config_dir / FORM_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    keys = set(json.loads(path.read_text()))
    assert not {k for k in keys if "token" in k or "pem" in k or "secret" in k}


def test_a_state_containing_the_api_token_is_refused(config_dir: Path) -> None:
    token = "Zx9-secret-api-token-value-123456789012"
    leaky = FormState(video=token)
    with pytest.raises(ValueError, match="API token"):
        FormStore().save(leaky, secrets=[token])
    assert not (config_dir / FORM_FILE).exists()
    FormStore().save(sample_state(), secrets=[token, ""])
    assert token not in (config_dir / FORM_FILE).read_text()


def test_clear_removes_the_file(config_dir: Path) -> None:
    store = FormStore()
    store.save(sample_state())
    store.clear()
    store.clear()
    assert store.load() is None


def test_engine_and_key_id_survive_a_restart(config_dir: Path) -> None:
    FormStore().save(sample_state())
    restored = FormStore().load()
    assert restored is not None
    assert restored.engine is SigningEngine.LOCAL
    assert restored.key_id == KEY_ID


@pytest.mark.parametrize(
    ("engine", "key_id"),
    [
        ("quantum", "not-a-key-id"),
        (None, "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAAS"),
        (3, 42),
    ],
)
def test_an_unknown_engine_or_a_strange_key_id_falls_back_to_cloudflares_key(
    config_dir: Path, engine: object, key_id: object
) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / FORM_FILE).write_text(json.dumps({"engine": engine, "key_id": key_id}))
    state = FormStore().load()
    assert state is not None
    assert state.engine is SigningEngine.CLOUDFLARE
    assert state.key_id is None


def test_a_form_from_before_engines_restores_with_cloudflares_key(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / FORM_FILE).write_text(json.dumps({"video": "abc", "url_kind": "hls"}))
    state = FormStore().load()
    assert state is not None and state.engine is SigningEngine.CLOUDFLARE and state.key_id is None


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400"])
def test_non_finite_numbers_are_dropped_not_fatal(config_dir: Path, number: str) -> None:
    config_dir.mkdir(parents=True)
    video = "ea95132c15732412d22c1476fa83f27a"
    (config_dir / FORM_FILE).write_text(
        f'{{"video": "{video}", "exp_offset": {number}, "nbf_offset": {number}}}'
    )
    state = FormStore().load()
    assert state is not None
    assert state.video == video
    assert state.exp_at(NOW) is None and state.nbf_at(NOW) is None
