"""The app's settings, each declared once: its name in `settings.json`, its type and default, and
what the Settings dialog shows (label, help) and checks.

`SETTINGS` lists them; `Settings` is the one object the app reads them through
(`settings[DEFAULT_ENGINE]` is a `SigningEngine`), always complete and always valid;
`SettingsStore` keeps them in `settings.json` in the config dir, written atomically under the
file's lock. A damaged file, or a damaged value in it, falls back to the default with a logged
warning: a preference is never a reason for the app not to start. Keys this version does not
know are kept on rewrite, so an older build does not erase a newer one's settings.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from cfstream_gui.core.ids import shown
from cfstream_gui.core.models import MAX_TOKEN_LIFETIME_SECONDS, SigningEngine
from cfstream_gui.core.storage.locked_file import atomic_write_json, locked
from cfstream_gui.core.storage.profiles import config_dir
from cfstream_gui.core.timeparse import TimeParseError, parse_duration
from cfstream_gui.core.urls import DEFAULT_HOST_TEMPLATE, host_template_problem

logger = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
FILE_VERSION = 1
# Long enough to paste a token somewhere; past an hour a "clear" is no longer hygiene.
MAX_CLEAR_SECONDS = 3600

T = TypeVar("T")


class SettingKind(StrEnum):
    """How a setting is edited: free text, one of a few choices, or a number of seconds."""

    TEXT = "text"
    CHOICE = "choice"
    SECONDS = "seconds"


class SettingError(ValueError):
    """A value a setting cannot take; str() is a sentence that names the setting."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting. `parse` turns a stored or typed value into the setting's value, or raises
    SettingError; `to_json` is what `settings.json` holds. `choices` are (stored value, label)
    pairs for a CHOICE; `maximum` bounds a SECONDS setting (0 always means off)."""

    name: str
    label: str
    help: str
    kind: SettingKind
    default: T
    parse: Callable[[object], T] = field(repr=False)
    to_json: Callable[[T], Any] = field(repr=False)
    choices: tuple[tuple[str, str], ...] = ()
    maximum: int = 0
    placeholder: str = ""


# -- the declarations -------------------------------------------------------------------------


def _text(label: str, raw: object) -> str:
    if not isinstance(raw, str):
        raise SettingError(f"{label}: expected text, not {type(raw).__name__}.")
    return raw.strip()


def _parse_expiry(raw: object) -> str:
    text = _text("Default expiry", raw)
    if text:
        expiry_seconds(text)  # raises SettingError when it is not a usable span
    return text


def expiry_seconds(text: str) -> int | None:
    """The default expiry's span in seconds, None when it is off (empty). SettingError when
    `text` is not a duration between a second and 24 hours."""
    if not text.strip():
        return None
    try:
        seconds = parse_duration(text)
    except TimeParseError as exc:
        raise SettingError(f"Default expiry: {exc}") from None
    if seconds <= 0:
        raise SettingError(
            f"Default expiry: {shown(text.strip())} is not after now; write how long a new "
            "token lasts, like 2h."
        )
    if seconds > MAX_TOKEN_LIFETIME_SECONDS:
        raise SettingError(
            f"Default expiry: {shown(text.strip())} is more than 24 hours; Cloudflare refuses "
            "tokens that last longer."
        )
    return seconds


def _parse_engine(raw: object) -> SigningEngine:
    if isinstance(raw, str) and raw in {engine.value for engine in SigningEngine}:
        return SigningEngine(raw)
    names = ", ".join(engine.value for engine in SigningEngine)
    text = shown(raw) if isinstance(raw, str) else type(raw).__name__
    raise SettingError(f"Default signing engine: {text} is not one of {names}.")


def _parse_template(raw: object) -> str:
    text = _text("Link host template", raw)
    problem = host_template_problem(text)
    if problem is not None:
        raise SettingError(problem)
    return text


def _parse_clear_seconds(raw: object) -> int:
    label = "Clear the clipboard after"
    # bool is an int to Python, and true seconds would be a surprise.
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise SettingError(f"{label}: expected a whole number of seconds (0 for never).")
    if not 0 <= raw <= MAX_CLEAR_SECONDS:
        raise SettingError(
            f"{label}: {raw} seconds is outside 0 (never) to {MAX_CLEAR_SECONDS} (an hour)."
        )
    return raw


DEFAULT_EXPIRY = Setting[str](
    name="default_expiry",
    label="Default expiry",
    help=(
        "How long a token made from a new, empty form lasts, like 30m, 2h or 1d (at most "
        "24 hours). Empty: no expiry is set, so Cloudflare's default of 1 hour applies."
    ),
    kind=SettingKind.TEXT,
    default="",
    parse=_parse_expiry,
    to_json=str,
    placeholder="Cloudflare's default (1 hour)",
)
DEFAULT_ENGINE = Setting[SigningEngine](
    name="default_engine",
    label="Default signing engine",
    help="Who signs the tokens of a new, empty form.",
    kind=SettingKind.CHOICE,
    default=SigningEngine.CLOUDFLARE,
    parse=_parse_engine,
    to_json=lambda engine: engine.value,
    choices=tuple((engine.value, engine.label) for engine in SigningEngine),
)
URL_HOST_TEMPLATE = Setting[str](
    name="url_host_template",
    label="Link host template",
    help=(
        "Where playback links point; {code} is the account's customer code. https:// only "
        "(http:// just for this computer). The sandbox serves its own links."
    ),
    kind=SettingKind.TEXT,
    default=DEFAULT_HOST_TEMPLATE,
    parse=_parse_template,
    to_json=str,
    placeholder=DEFAULT_HOST_TEMPLATE,
)
CLIPBOARD_CLEAR_SECONDS = Setting[int](
    name="clipboard_clear_seconds",
    label="Clear the clipboard after",
    help=(
        "Seconds after Copy token, Copy URL or a batch's Copy as CSV to empty the clipboard, "
        "if it still holds what was copied (what you copied since is left alone). 0: never."
    ),
    kind=SettingKind.SECONDS,
    default=0,
    parse=_parse_clear_seconds,
    to_json=int,
    maximum=MAX_CLEAR_SECONDS,
)

SETTINGS: tuple[Setting[Any], ...] = (
    DEFAULT_EXPIRY,
    DEFAULT_ENGINE,
    URL_HOST_TEMPLATE,
    CLIPBOARD_CLEAR_SECONDS,
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}


# -- the values -------------------------------------------------------------------------------


class Settings:
    """A complete, valid set of values, one per declared setting. Immutable: `with_values`
    makes a changed copy."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        """`values` by setting name, each checked by its setting (SettingError when one is
        wrong, KeyError for a name nobody declared); a setting left out takes its default."""
        given = dict(values or {})
        unknown = sorted(set(given) - set(_BY_NAME))
        if unknown:
            raise KeyError(f"No such setting: {', '.join(unknown)}")
        self._values: dict[str, object] = {
            setting.name: setting.parse(given[setting.name])
            if setting.name in given
            else setting.default
            for setting in SETTINGS
        }

    def __getitem__(self, setting: Setting[T]) -> T:
        return cast(T, self._values[setting.name])

    def __iter__(self) -> Iterator[tuple[Setting[Any], object]]:
        """(setting, value) in declaration order."""
        for setting in SETTINGS:
            yield setting, self._values[setting.name]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and other._values == self._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        return f"Settings({self._values!r})"

    def with_values(self, values: Mapping[str, object]) -> Settings:
        return Settings({**self._values, **values})

    def to_json(self) -> dict[str, Any]:
        return {setting.name: setting.to_json(value) for setting, value in self}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
        """Settings from a stored mapping, leniently: a missing or unusable value takes its
        default. Returns the names of the unusable ones too."""
        values: dict[str, object] = {}
        unusable: list[str] = []
        for setting in SETTINGS:
            if setting.name not in data:
                continue
            try:
                values[setting.name] = setting.parse(data[setting.name])
            except SettingError:
                unusable.append(setting.name)
        return cls(values), unusable


# -- the file ---------------------------------------------------------------------------------


class SettingsStore:
    """Reads and writes `settings.json`. `config_dir` defaults to the app's config dir."""

    def __init__(
        self, config_dir: Path | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self.path = (config_dir if config_dir is not None else _default_dir(env)) / SETTINGS_FILE

    def load(self) -> Settings:
        data = self._read()
        if data is None:
            return Settings()
        settings, unusable = Settings.from_json(data)
        for name in unusable:
            # The value is left out: a mistyped field may hold anything, even a pasted secret.
            logger.warning("using the default for %s: its value in %s is unusable", name, self.path)
        return settings

    def save(self, settings: Settings) -> None:
        """Write `settings`, keeping what this version does not know. OSError (FileBusy among
        them) when it cannot be written."""
        with locked(self.path):
            data = self._read(quiet=True) or {}
            data.update(settings.to_json())
            data["version"] = FILE_VERSION
            atomic_write_json(self.path, data)

    def _read(self, *, quiet: bool = False) -> dict[str, Any] | None:
        """The file's object, or None when it is missing or damaged (said in the log)."""
        problem = ""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problem = type(exc).__name__
        else:
            if isinstance(data, dict):
                return data
            problem = "not a JSON object"
        if not quiet:
            logger.warning("ignoring %s (%s): using the default settings", self.path, problem)
        return None


class MemorySettingsStore(SettingsStore):
    """Settings kept in memory for one session: what a window gets when no file is given."""

    def __init__(self, settings: Settings | None = None) -> None:  # no file, so no path
        self._settings = settings if settings is not None else Settings()

    def load(self) -> Settings:
        return self._settings

    def save(self, settings: Settings) -> None:
        self._settings = settings


def _default_dir(env: Mapping[str, str] | None) -> Path:
    return config_dir(os.environ if env is None else env)
