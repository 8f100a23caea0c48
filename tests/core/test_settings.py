"""Settings are declared once, read through one object, and kept in settings.json: atomic,
locked, and forgiving of a damaged file (defaults, a warning, never a failed start)."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from cfstream_gui.core.models import SigningEngine
from cfstream_gui.core.settings import (
    CLIPBOARD_CLEAR_SECONDS,
    DEFAULT_ENGINE,
    DEFAULT_EXPIRY,
    SETTINGS,
    SETTINGS_FILE,
    URL_HOST_TEMPLATE,
    MemorySettingsStore,
    SettingError,
    SettingKind,
    Settings,
    SettingsStore,
    expiry_seconds,
)
from cfstream_gui.core.urls import DEFAULT_HOST_TEMPLATE

CHANGED = {
    "default_expiry": "2h",
    "default_engine": "local",
    "url_host_template": "https://video-{code}.example.com",
    "clipboard_clear_seconds": 30,
}


def test_every_setting_is_declared_once_with_a_valid_default() -> None:
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names))
    for setting in SETTINGS:
        assert setting.label and setting.help
        assert setting.parse(setting.to_json(setting.default)) == setting.default
    assert Settings()[DEFAULT_EXPIRY] == ""
    assert Settings()[DEFAULT_ENGINE] is SigningEngine.CLOUDFLARE
    assert Settings()[URL_HOST_TEMPLATE] == DEFAULT_HOST_TEMPLATE
    assert Settings()[CLIPBOARD_CLEAR_SECONDS] == 0  # auto-clear is off unless asked for


def test_values_are_typed_and_checked_on_the_way_in() -> None:
    settings = Settings(CHANGED)
    assert settings[DEFAULT_ENGINE] is SigningEngine.LOCAL
    assert settings[CLIPBOARD_CLEAR_SECONDS] == 30
    assert settings.with_values({"clipboard_clear_seconds": 5})[CLIPBOARD_CLEAR_SECONDS] == 5
    assert settings[CLIPBOARD_CLEAR_SECONDS] == 30  # with_values made a copy
    with pytest.raises(SettingError, match="Default signing engine"):
        Settings({"default_engine": "quantum"})
    with pytest.raises(KeyError, match="no_such"):
        Settings({"no_such": 1})


def test_choices_list_every_engine_for_the_dialog() -> None:
    assert DEFAULT_ENGINE.kind is SettingKind.CHOICE
    assert [value for value, _ in DEFAULT_ENGINE.choices] == [e.value for e in SigningEngine]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("", None), ("  ", None), ("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("1d", 86_400)],
)
def test_default_expiry_is_a_span(text: str, seconds: int | None) -> None:
    assert DEFAULT_EXPIRY.parse(text) == text.strip()
    assert expiry_seconds(text) == seconds


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("soon", "not a duration"),
        ("2026-11-28T21:00:00Z", "not a duration"),  # a moment, not a span
        ("1796000000", "not a duration"),
        ("0s", "not after now"),
        ("-1h", "not after now"),
        ("25h", "more than 24 hours"),
        ("9" * 40 + "s", "too long"),
    ],
)
def test_a_bad_default_expiry_is_a_sentence_naming_the_setting(text: str, says: str) -> None:
    with pytest.raises(SettingError, match=says) as caught:
        DEFAULT_EXPIRY.parse(text)
    assert str(caught.value).startswith("Default expiry:")


@pytest.mark.parametrize(
    "template",
    [
        "https://customer-{code}.cloudflarestream.com",
        "https://{code}.videos.example.com/",
        "https://cdn.example.com/stream/{code}",
        "http://127.0.0.1:8787/{code}",  # http only for this computer
        "http://[::1]:8787/{code}",
    ],
)
def test_a_host_template_that_makes_an_https_base_is_kept(template: str) -> None:
    assert URL_HOST_TEMPLATE.parse(template) == template


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("https://customer.cloudflarestream.com", "exactly once"),
        ("https://{code}.{code}.example.com", "exactly once"),
        ("http://{code}.example.com", "only https:// is allowed"),
        ("ftp://{code}.example.com", "https://"),
        ("{code}", "https://"),
        ("https://{code}.example.com/{0.__class__}", "braces"),  # never str.format
        ("https://{code}.example.com/{", "braces"),
        ("https://{code}.example.com/?x=1", "query"),
        ("https://{code}.example.com/#top", "fragment"),
        ("https://evil.example@{code}.example.com", "user name"),
        ("https://evil.example\\@{code}.example.com", "backslash"),
        ("https://{code}.exa mple.com", "spaces"),
        ("https://{code}.exa\tmple.com/", "control characters"),
        ("https://{code}.exam\u0440le.com", "control characters"),  # a Cyrillic look-alike
        ("https://{code}." + "a" * 300 + ".com", "longer than"),
        ("https://{code}.example.com:99999", "port"),
        ("https://{code}.example.com:http", "port"),
        ("javascript:alert(1)//{code}", "https://"),
    ],
)
def test_a_bad_host_template_is_refused_with_a_sentence(template: str, says: str) -> None:
    with pytest.raises(SettingError, match=r"[Ll]ink host template") as caught:
        URL_HOST_TEMPLATE.parse(template)
    assert says in str(caught.value)


@pytest.mark.parametrize("raw", [0, 1, 30, 3600])
def test_clipboard_seconds_within_range(raw: int) -> None:
    assert CLIPBOARD_CLEAR_SECONDS.parse(raw) == raw


@pytest.mark.parametrize("raw", [-1, 3601, True, 1.5, "30", None])
def test_clipboard_seconds_out_of_range_or_not_whole(raw: object) -> None:
    with pytest.raises(SettingError, match="Clear the clipboard after"):
        CLIPBOARD_CLEAR_SECONDS.parse(raw)


# -- the file ---------------------------------------------------------------------------------


def test_no_file_means_the_defaults_and_nothing_written(config_dir: Path) -> None:
    assert SettingsStore().load() == Settings()
    assert not (config_dir / SETTINGS_FILE).exists()


def test_round_trip_through_a_private_file(config_dir: Path) -> None:
    SettingsStore().save(Settings(CHANGED))
    path = config_dir / SETTINGS_FILE
    assert SettingsStore().load() == Settings(CHANGED)
    assert json.loads(path.read_text()) == {"version": 1, **CHANGED}
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    ["", "{", "[1, 2]", '"text"', "null", "\udcff", '{"default_engine": "local"'],
)
def test_a_damaged_file_gives_the_defaults_with_a_warning(
    config_dir: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / SETTINGS_FILE).write_text(content, encoding="utf-8", errors="surrogateescape")
    with caplog.at_level(logging.WARNING, logger="cfstream_gui.core.settings"):
        assert SettingsStore().load() == Settings()
    assert "using the default settings" in caplog.text


def test_a_bad_value_falls_back_alone_and_its_value_is_not_logged(
    config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pasted_secret = "test-api-token-0000000000000000000000000"
    stored: dict[str, Any] = {
        **CHANGED,
        "url_host_template": pasted_secret,
        "clipboard_clear_seconds": "many",
    }
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / SETTINGS_FILE).write_text(json.dumps(stored))
    with caplog.at_level(logging.WARNING, logger="cfstream_gui.core.settings"):
        loaded = SettingsStore().load()
    assert loaded[URL_HOST_TEMPLATE] == DEFAULT_HOST_TEMPLATE
    assert loaded[CLIPBOARD_CLEAR_SECONDS] == 0
    assert loaded[DEFAULT_ENGINE] is SigningEngine.LOCAL  # the good values stay
    assert loaded[DEFAULT_EXPIRY] == "2h"
    assert "url_host_template" in caplog.text and "clipboard_clear_seconds" in caplog.text
    assert pasted_secret not in caplog.text


def test_missing_keys_are_back_filled_and_unknown_ones_kept(config_dir: Path) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / SETTINGS_FILE
    path.write_text(json.dumps({"version": 2, "default_engine": "api_key", "from_later": [1]}))
    loaded = SettingsStore().load()
    assert loaded == Settings({"default_engine": "api_key"})
    SettingsStore().save(loaded.with_values({"default_expiry": "45m"}))
    data = json.loads(path.read_text())
    assert data["from_later"] == [1]  # a newer version's setting survives our rewrite
    assert data["default_expiry"] == "45m" and data["default_engine"] == "api_key"
    assert set(data) == {"version", "from_later", *(s.name for s in SETTINGS)}


def test_a_save_over_a_damaged_file_replaces_it(config_dir: Path) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / SETTINGS_FILE).write_text("{ not json")
    SettingsStore().save(Settings(CHANGED))
    assert SettingsStore().load() == Settings(CHANGED)
    assert [p.name for p in config_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_an_unwritable_dir_is_an_os_error_and_the_old_file_stays(config_dir: Path) -> None:
    SettingsStore().save(Settings(CHANGED))
    blocker = config_dir / "blocked"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(OSError):
        SettingsStore(blocker).save(Settings())
    assert SettingsStore().load() == Settings(CHANGED)


def test_memory_store_keeps_settings_for_the_session_only(config_dir: Path) -> None:
    store = MemorySettingsStore()
    assert store.load() == Settings()
    store.save(Settings(CHANGED))
    assert store.load() == Settings(CHANGED)
    assert not (config_dir / SETTINGS_FILE).exists()
