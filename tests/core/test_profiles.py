"""Profiles on disk: what is kept, where, how it is written, and what a user sees when it breaks."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import stat
import sys
from pathlib import Path

import platformdirs
import pytest

from cfstream_gui.core.storage.locked_file import atomic_write_json
from cfstream_gui.core.storage.profiles import (
    Profile,
    ProfileError,
    ProfileStore,
    config_dir,
)

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
OTHER_ACCOUNT = "9a7806061c88ada191ed06f989cc3dac"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _file(store: ProfileStore) -> dict[str, object]:
    data: dict[str, object] = json.loads(store.path.read_text(encoding="utf-8"))
    return data


# -- where ------------------------------------------------------------------------------------


def test_config_dir_honours_the_environment(tmp_path: Path) -> None:
    assert config_dir({"CFSTREAM_CONFIG_DIR": str(tmp_path / "x")}) == tmp_path / "x"
    assert config_dir({}) == Path(platformdirs.user_config_dir("cfstream-gui"))


def test_store_uses_cfstream_config_dir_by_default(config_dir: Path) -> None:
    store = ProfileStore()
    store.save(Profile("work", ACCOUNT))
    assert store.path == config_dir / "profiles.json"
    assert store.path.is_file()


# -- the file ---------------------------------------------------------------------------------


def test_saved_profiles_round_trip_in_the_documented_layout(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    work = Profile(
        "work",
        ACCOUNT,
        customer_code="m033z5x00ks6nunl",
        api_base_url="http://127.0.0.1:8080/client/v4",
        default_key_id="e9db990a82666dd571c77f944a5c5c8d",
        delivery_base_url="http://127.0.0.1:8080",
    )
    store.save(work)
    store.save(Profile("home", OTHER_ACCOUNT))

    assert _file(store) == {
        "version": 1,
        "current": "work",  # the first profile saved becomes current
        "profiles": {
            "work": {
                "account_id": ACCOUNT,
                "customer_code": "m033z5x00ks6nunl",
                "api_base_url": "http://127.0.0.1:8080/client/v4",
                "default_key_id": "e9db990a82666dd571c77f944a5c5c8d",
                "delivery_base_url": "http://127.0.0.1:8080",
            },
            "home": {
                "account_id": OTHER_ACCOUNT,
                "customer_code": None,
                "api_base_url": None,
                "default_key_id": None,
                "delivery_base_url": None,
            },
        },
    }
    again = ProfileStore(tmp_path, env={})
    assert again.get("work") == work
    assert [p.name for p in again.list()] == ["home", "work"]
    assert again.current() == work


def test_saving_replaces_a_profile(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))
    store.save(Profile("work", OTHER_ACCOUNT, customer_code="abc123"))
    assert store.get("work") == Profile("work", OTHER_ACCOUNT, customer_code="abc123")
    assert len(store.list()) == 1


def test_unknown_keys_from_a_newer_version_are_kept(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_text(
        json.dumps(
            {
                "version": 1,
                "current": "work",
                "future_top_level": [1, 2],
                "profiles": {"work": {"account_id": ACCOUNT, "colour": "teal"}},
            }
        )
    )
    store = ProfileStore(tmp_path, env={})
    assert store.get("work") == Profile("work", ACCOUNT)

    store.save(dataclasses.replace(store.get("work"), customer_code="abc123"))

    data = _file(store)
    assert data["future_top_level"] == [1, 2]
    profiles = data["profiles"]
    assert isinstance(profiles, dict)
    assert profiles["work"]["colour"] == "teal"
    assert profiles["work"]["customer_code"] == "abc123"


def test_from_dict_ignores_unknown_keys_and_to_dict_has_no_name() -> None:
    profile = Profile.from_dict({"account_id": ACCOUNT, "brand_new": True}, name="work")
    assert profile == Profile("work", ACCOUNT)
    assert Profile.from_dict({"name": "x", "account_id": None}) == Profile("x", "")
    assert "name" not in profile.to_dict()


def test_wrongly_typed_field_names_profile_and_field(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_text(
        json.dumps({"version": 1, "profiles": {"work": {"account_id": 12345}}})
    )
    with pytest.raises(
        ProfileError, match=r"In profile “work”, the account id should be text, not 12345"
    ):
        ProfileStore(tmp_path, env={}).get("work")


def test_corrupt_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 1, "profiles": {', encoding="utf-8")
    store = ProfileStore(tmp_path, env={})

    with pytest.raises(ProfileError) as caught:
        store.list()
    message = str(caught.value)
    assert str(path) in message
    assert "is not valid JSON" in message
    assert "line 1" in message

    with pytest.raises(ProfileError, match="not valid JSON"):
        store.save(Profile("work", ACCOUNT))
    assert path.read_text(encoding="utf-8") == '{"version": 1, "profiles": {'


def test_file_that_is_not_text_is_reported(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProfileError, match="not valid JSON"):
        ProfileStore(tmp_path, env={}).list()


def test_wrong_layout_is_reported(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_text('["work"]')
    with pytest.raises(ProfileError, match="expected layout"):
        ProfileStore(tmp_path, env={}).list()


def test_no_file_means_no_profiles(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "not-yet", env={})
    assert store.list() == []
    assert store.current() is None
    assert store.current_name() is None
    assert not (tmp_path / "not-yet").exists()  # reading creates nothing


def test_no_token_can_reach_the_profiles_file(tmp_path: Path) -> None:
    field_names = {f.name for f in dataclasses.fields(Profile)}
    assert not {n for n in field_names if any(w in n for w in ("token", "secret", "pem"))}

    api_token = "tok_Zx9-secret-api-token-value-0123456789"
    store = ProfileStore(tmp_path, env={"CLOUDFLARE_API_TOKEN": api_token})
    store.save(Profile("work", ACCOUNT, default_key_id="e9db990a82666dd571c77f944a5c5c8d"))
    store.remember_customer_code("work", "abc123")
    store.resolve(None)

    text = store.path.read_text(encoding="utf-8")
    assert api_token not in text
    assert "token" not in text.lower()
    assert "PRIVATE KEY" not in text


# -- atomic writes ----------------------------------------------------------------------------


@posix_only
def test_atomic_write_creates_private_dir_and_file(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "form.json"
    atomic_write_json(target, {"a": [1, "é"]})

    assert json.loads(target.read_text(encoding="utf-8")) == {"a": [1, "é"]}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    # No temp file left behind; the lock file stays, private like the rest.
    assert sorted(os.listdir(target.parent)) == [".form.json.lock", "form.json"]
    assert stat.S_IMODE((target.parent / ".form.json.lock").stat().st_mode) == 0o600


def test_atomic_write_replaces_and_leaves_no_temp_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "form.json"
    atomic_write_json(target, {"v": 1})
    atomic_write_json(target, {"v": 2})
    assert json.loads(target.read_text()) == {"v": 2}

    with pytest.raises(TypeError):
        atomic_write_json(target, {"v": object()})
    assert json.loads(target.read_text()) == {"v": 2}
    assert sorted(os.listdir(tmp_path)) == [".form.json.lock", "form.json"]


def test_unreadable_config_dir_is_a_profile_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the config dir should be")
    store = ProfileStore(blocker / "cfstream-gui", env={})
    with pytest.raises(ProfileError, match=r"profiles file .*blocker.* cannot be changed: "):
        store.save(Profile("work", ACCOUNT))


def test_failed_write_is_a_profile_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))

    def disk_full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch, pytest.raises(ProfileError) as caught:
        patch.setattr(os, "replace", disk_full)
        store.save(Profile("home", OTHER_ACCOUNT))
    assert str(caught.value) == (
        f"The profiles could not be saved to {store.path}: No space left on device."
    )
    assert [p.name for p in store.list()] == ["work"]
    assert sorted(os.listdir(tmp_path)) == [".profiles.json.lock", "profiles.json"]


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "has space", "a/b", "ünï", "colon:name", "semi;", "-x", "--use"]
)
def test_bad_profile_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ProfileError, match="profile name"):
        ProfileStore(tmp_path, env={}).save(Profile(name, ACCOUNT))
    assert not (tmp_path / "profiles.json").exists()


@pytest.mark.parametrize("name", ["work", "Work-2", "client_a", "v1.2", "x"])
def test_good_profile_names_are_accepted(tmp_path: Path, name: str) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile(name, ACCOUNT))
    assert store.get(name).name == name


# -- get / use / remove -----------------------------------------------------------------------


def test_missing_profile_error_lists_the_known_ones(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    with pytest.raises(ProfileError, match="no profiles have been saved yet"):
        store.get("work")
    store.save(Profile("work", ACCOUNT))
    store.save(Profile("home", OTHER_ACCOUNT))
    with pytest.raises(ProfileError) as caught:
        store.get("wrok")
    assert str(caught.value) == "There is no profile named “wrok”. Known profiles: home, work."
    with pytest.raises(ProfileError, match="wrok"):
        store.use("wrok")
    with pytest.raises(ProfileError, match="wrok"):
        store.remove("wrok")


def test_use_switches_current_and_remove_clears_it(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))
    store.save(Profile("home", OTHER_ACCOUNT))
    assert store.current_name() == "work"

    store.use("home")
    assert ProfileStore(tmp_path, env={}).current_name() == "home"

    store.remove("work")
    assert store.current_name() == "home"
    store.remove("home")
    assert store.current_name() is None
    assert store.list() == []
    assert _file(store)["current"] is None


def test_remove_of_a_missing_profile_can_be_allowed(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))
    assert store.remove("work", missing_ok=True) is True
    assert store.remove("work", missing_ok=True) is False
    with pytest.raises(ProfileError, match="no profile named “work”"):
        store.remove("work")


def test_update_applies_a_change_to_the_profile_as_stored(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    assert store.update("work", lambda p: p or Profile("work", ACCOUNT)) is None
    store.remember_customer_code("work", "abc123")

    before = store.update(
        "work", lambda p: dataclasses.replace(p or Profile("work"), default_key_id="k1")
    )

    assert before == Profile("work", ACCOUNT, customer_code="abc123")
    assert store.get("work") == Profile(
        "work", ACCOUNT, customer_code="abc123", default_key_id="k1"
    )


def test_an_update_that_fails_changes_nothing(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))
    before = store.path.read_bytes()

    def refuse(profile: Profile | None) -> Profile:
        raise ProfileError("no, thank you")

    with pytest.raises(ProfileError, match="no, thank you"):
        store.update("work", refuse)
    with pytest.raises(ValueError, match="rename"):
        store.update("work", lambda p: Profile("elsewhere", ACCOUNT))
    with pytest.raises(ProfileError, match="profile name"):
        store.update("bad name", lambda p: Profile("bad name"))
    assert store.path.read_bytes() == before


def test_a_change_that_changes_nothing_does_not_rewrite_the_file(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT, customer_code="abc123"))
    store.path.write_text(store.path.read_text() + "\n\n")  # a mark a rewrite would lose
    marked = store.path.read_bytes()

    store.remember_customer_code("work", "abc123")
    store.save(Profile("work", ACCOUNT, customer_code="abc123"))
    store.use("work")

    assert store.path.read_bytes() == marked


def test_saving_another_profile_does_not_steal_current(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))
    store.save(Profile("home", OTHER_ACCOUNT))
    store.remove("work")
    store.save(Profile("third", ACCOUNT))
    assert store.current_name() is None


def test_dangling_current_is_an_error_not_a_silent_switch(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_text(
        json.dumps({"version": 1, "current": "gone", "profiles": {"work": {}}})
    )
    store = ProfileStore(tmp_path, env={"CLOUDFLARE_ACCOUNT_ID": ACCOUNT})
    with pytest.raises(ProfileError, match=r"“gone”\. Known profiles: work"):
        store.resolve(None)


# -- resolve ----------------------------------------------------------------------------------


def test_resolve_prefers_named_then_current_then_default(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    assert store.resolve(None) == Profile("default", "")

    store.save(Profile("work", ACCOUNT))
    store.save(Profile("home", OTHER_ACCOUNT))
    assert store.resolve(None).name == "work"
    assert store.resolve("home").account_id == OTHER_ACCOUNT
    with pytest.raises(ProfileError, match="nope"):
        store.resolve("nope")


def test_resolve_fills_account_from_environment(tmp_path: Path) -> None:
    env = {"CLOUDFLARE_ACCOUNT_ID": f" {OTHER_ACCOUNT} "}
    store = ProfileStore(tmp_path, env=env)

    assert store.resolve(None) == Profile("default", OTHER_ACCOUNT)

    store.save(Profile("blank", ""))
    store.save(Profile("work", ACCOUNT))
    assert store.resolve("blank").account_id == OTHER_ACCOUNT
    assert store.resolve("work").account_id == ACCOUNT  # a profile's own ID wins
    # The environment default is not written into the file.
    assert store.get("blank").account_id == ""


def test_resolve_uses_a_saved_default_profile(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("default", ACCOUNT, customer_code="abc123"))
    store.remove("default")
    store.save(Profile("default", ACCOUNT, customer_code="abc123"))
    store.save(Profile("work", OTHER_ACCOUNT))
    store.use("work")
    store.remove("work")
    assert store.current_name() is None
    assert store.resolve(None) == Profile("default", ACCOUNT, customer_code="abc123")


# -- customer code ----------------------------------------------------------------------------


def test_remember_customer_code_updates_or_creates(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT, default_key_id="k1"))
    store.remember_customer_code("work", "m033z5x00ks6nunl")
    assert store.get("work") == Profile(
        "work", ACCOUNT, customer_code="m033z5x00ks6nunl", default_key_id="k1"
    )

    store.remember_customer_code("default", "f33zs165nr7gyfy4")
    assert store.get("default").customer_code == "f33zs165nr7gyfy4"


def test_remember_customer_code_rejects_a_bad_code(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))
    with pytest.raises(ProfileError, match="lowercase letters and digits"):
        store.remember_customer_code("work", "Customer-ABC.cloudflarestream.com")
    assert store.get("work").customer_code is None
