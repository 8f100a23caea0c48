"""Named Cloudflare set-ups ("profiles") in `profiles.json`.

A profile holds only what is safe to keep in a file: account ID, customer code, base URLs and
the default signing key ID. API tokens and private keys live in the keyring (`core.secrets`);
`Profile` has no field that could hold one.

The file is `{"version": 1, "current": name | null, "profiles": {name: {...}}}`. Keys this
version does not know are kept on rewrite, so an older build does not erase a newer one's data.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from cfstream_gui.core.storage.locked_file import LOCK_WAIT, FileBusy, atomic_write_json, locked
from cfstream_gui.core.urls import customer_code_message, is_customer_code

APP_NAME = "cfstream-gui"
CONFIG_DIR_ENV = "CFSTREAM_CONFIG_DIR"
ACCOUNT_ID_ENV = "CLOUDFLARE_ACCOUNT_ID"
PROFILES_FILE = "profiles.json"
FILE_VERSION = 1
DEFAULT_PROFILE_NAME = "default"

_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")
_T = TypeVar("_T")


class ProfileError(Exception):
    """A profile is missing, badly named, or the profiles file cannot be used."""


@dataclass(frozen=True)
class Profile:
    name: str
    account_id: str = ""
    customer_code: str | None = None
    api_base_url: str | None = None
    default_key_id: str | None = None
    # Overrides https://customer-<code>.cloudflarestream.com for playback links (the sandbox).
    delivery_base_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The profile's settings as stored under its name (the name is the key, not a field)."""
        data = asdict(self)
        del data["name"]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str | None = None) -> Profile:
        """Build from stored settings, ignoring keys a newer version may have added."""
        if name is not None:
            profile_name: object = name
        else:
            profile_name = data.get("name") if isinstance(data, Mapping) else None
        if not isinstance(profile_name, str):
            raise ProfileError("A profile in the profiles file has no name.")
        if not isinstance(data, Mapping):  # hand-edited: `"work": null` or `"work": "x"`
            raise ProfileError(
                f"Profile “{profile_name}” in the profiles file should be an object with its "
                f"settings, not {_brief(data)}; fix it in the profiles file."
            )
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "name" or f.name not in data:
                continue
            value = data[f.name]
            if f.name == "account_id":
                value = "" if value is None else value
            if value is not None and not isinstance(value, str):
                raise ProfileError(
                    f"In profile “{profile_name}”, the {f.name.replace('_', ' ')} should be "
                    f"text, not {_brief(value)}; fix it in the profiles file."
                )
            values[f.name] = value
        return cls(name=profile_name, **values)


def check_profile_name(name: str) -> None:
    if not name:
        raise ProfileError("The profile name is empty; give it a name such as “work”.")
    if not _NAME_RE.fullmatch(name):
        raise ProfileError(
            f"The profile name “{name}” may only contain letters, digits, “-”, “_” and “.”."
        )
    if name.startswith("-"):
        # `--profile -x` would read as an option in every command we suggest to type.
        raise ProfileError(f"The profile name “{name}” must not start with “-”.")


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the app keeps its files: $CFSTREAM_CONFIG_DIR, else the platform's config dir."""
    env = os.environ if env is None else env
    override = env.get(CONFIG_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME))


class ProfileStore:
    """Reads and changes `profiles.json`. Every change reads the file afresh under the file's
    inter-process lock and writes it back before letting go, so changes made at the same time by
    other processes (the window beside the command line) or threads are never lost. Waiting more
    than `lock_wait` seconds for the lock is a ProfileError, not a hang."""

    def __init__(
        self,
        config_dir: Path | None = None,
        env: Mapping[str, str] | None = None,
        *,
        lock_wait: float = LOCK_WAIT,
    ) -> None:
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.config_dir = config_dir if config_dir is not None else _default_dir(self._env)
        self.path = self.config_dir / PROFILES_FILE
        self._lock_wait = lock_wait

    # -- reading -----------------------------------------------------------------------------

    def list(self) -> list[Profile]:
        raw = self._read()
        return [Profile.from_dict(raw["profiles"][n], name=n) for n in sorted(raw["profiles"])]

    def get(self, name: str) -> Profile:
        raw = self._read()
        if name not in raw["profiles"]:
            raise ProfileError(_missing_message(name, sorted(raw["profiles"])))
        return Profile.from_dict(raw["profiles"][name], name=name)

    def exists(self, name: str) -> bool:
        return name in self._read()["profiles"]

    def no_such_profile(self, name: str) -> ProfileError:
        """The error for a profile `name` that is not saved, naming the ones that are."""
        return ProfileError(_missing_message(name, sorted(self._read()["profiles"])))

    def current_name(self) -> str | None:
        current = self._read().get("current")
        return current if isinstance(current, str) and current else None

    def current(self) -> Profile | None:
        name = self.current_name()
        return None if name is None else self.get(name)

    def resolve(self, name: str | None) -> Profile:
        """The profile to work with: `name`, else the current one, else "default" (saved, or
        built from CLOUDFLARE_ACCOUNT_ID). An empty account ID is filled from that variable."""
        profile = self._chosen(name)
        if not profile.account_id:
            env_account = self._env.get(ACCOUNT_ID_ENV, "").strip()
            if env_account:
                profile = replace(profile, account_id=env_account)
        return profile

    def _chosen(self, name: str | None) -> Profile:
        if name is not None:
            return self.get(name)
        return self.current() or self._default_profile()

    # -- writing -----------------------------------------------------------------------------

    def save(self, profile: Profile) -> None:
        """Add or replace `profile`. The first profile saved becomes the current one.

        Every field is set to `profile`'s value, so build it from a profile read just now, or
        use `update`, which hands over the stored profile under the lock."""
        check_profile_name(profile.name)
        self._change(lambda raw: _put(raw, profile))

    def update(self, name: str, change: Callable[[Profile | None], Profile]) -> Profile | None:
        """Store `change(current)`, where current is profile `name` as stored at this moment
        (None if there is none), all under the lock; returns that current profile. Whatever
        `change` raises leaves the file as it was."""
        check_profile_name(name)

        def edit(raw: dict[str, Any]) -> Profile | None:
            before = _stored(raw, name)
            after = change(before)
            if after.name != name:
                raise ValueError(f"update({name!r}) may not rename the profile to {after.name!r}")
            _put(raw, after)
            return before

        return self._change(edit)

    def remove(self, name: str, *, missing_ok: bool = False) -> bool:
        """Remove profile `name` from the file; whether it was there. A missing profile is a
        ProfileError unless `missing_ok`. Its secrets are not touched here: for a complete
        removal use `core.storage.removal.remove_profile`."""

        def edit(raw: dict[str, Any]) -> bool:
            if name not in raw["profiles"]:
                if missing_ok:
                    return False
                raise ProfileError(_missing_message(name, sorted(raw["profiles"])))
            del raw["profiles"][name]
            if raw.get("current") == name:
                raw["current"] = None
            return True

        return self._change(edit)

    def use(self, name: str) -> None:
        def edit(raw: dict[str, Any]) -> None:
            if name not in raw["profiles"]:
                raise ProfileError(_missing_message(name, sorted(raw["profiles"])))
            raw["current"] = name

        self._change(edit)

    def remember_customer_code(self, name: str, code: str) -> None:
        """Keep the customer code learnt from a video, creating the profile if needed (the
        implicit "default" profile becomes a saved one this way)."""
        if not is_customer_code(code):
            raise ProfileError(customer_code_message(code))
        self.update(name, lambda stored: replace(stored or Profile(name=name), customer_code=code))

    # -- the file ----------------------------------------------------------------------------

    def _default_profile(self) -> Profile:
        raw = self._read()
        if DEFAULT_PROFILE_NAME in raw["profiles"]:
            return self.get(DEFAULT_PROFILE_NAME)
        return Profile(name=DEFAULT_PROFILE_NAME)

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": FILE_VERSION, "current": None, "profiles": {}}
        except UnicodeDecodeError:
            raise ProfileError(
                f"The profiles file {self.path} is not valid JSON (it is not UTF-8 text). Fix or "
                "remove it; it has been left unchanged."
            ) from None
        except OSError as exc:
            raise ProfileError(
                f"The profiles file {self.path} cannot be read: {exc.strerror or exc}."
            ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileError(
                f"The profiles file {self.path} is not valid JSON (line {exc.lineno}, column "
                f"{exc.colno}). Fix or remove it; "
                "it has been left unchanged."
            ) from None
        except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
            raise ProfileError(
                f"The profiles file {self.path} is not a profiles file this app wrote (it holds "
                "a number too long or values nested too deep). Fix or remove it; it has been "
                "left unchanged."
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("profiles", {}), dict):
            raise ProfileError(
                f"The profiles file {self.path} does not have the expected layout "
                "(an object with a “profiles” object). Fix or remove it; it has been left "
                "unchanged."
            )
        data.setdefault("version", FILE_VERSION)
        data.setdefault("current", None)
        data.setdefault("profiles", {})
        return data

    def _change(self, edit: Callable[[dict[str, Any]], _T]) -> _T:
        """Run `edit` on the file as it is now and write the result, all under the lock; an
        edit that changes nothing writes nothing."""
        with self._locked():
            raw = self._read()
            before = copy.deepcopy(raw)
            result = edit(raw)
            if raw != before:
                self._write(raw)
            return result

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(locked(self.path, wait=self._lock_wait))
            except FileBusy:
                raise ProfileError(
                    f"The profiles file {self.path} was kept locked by another cfstream-gui or "
                    f"cfstream-token for more than {self._lock_wait:g} seconds, so nothing was "
                    "changed. Try again in a moment."
                ) from None
            except OSError as exc:
                raise ProfileError(
                    f"The profiles file {self.path} cannot be changed: {exc.strerror or exc}."
                ) from None
            yield

    def _write(self, raw: dict[str, Any]) -> None:
        try:
            atomic_write_json(self.path, raw, wait=self._lock_wait)
        except OSError as exc:
            raise ProfileError(
                f"The profiles could not be saved to {self.path}: {exc.strerror or exc}."
            ) from None


def _stored(raw: Mapping[str, Any], name: str) -> Profile | None:
    data = raw["profiles"].get(name)
    return None if data is None else Profile.from_dict(data, name=name)


def _put(raw: dict[str, Any], profile: Profile) -> None:
    previous = raw["profiles"].get(profile.name, {})
    # Unknown keys from a newer version survive; known ones take the new values.
    raw["profiles"][profile.name] = {**previous, **profile.to_dict()}
    if not raw.get("current") and len(raw["profiles"]) == 1:
        raw["current"] = profile.name


def _default_dir(env: Mapping[str, str]) -> Path:
    return config_dir(env)


def _brief(value: object) -> str:
    """A hand-edited value, as a message shows it: escaped and cut."""
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:39] + "…"


def _missing_message(name: str, known: list[str]) -> str:
    if not known:
        return f"There is no profile named “{name}”; no profiles have been saved yet."
    listed = ", ".join(known)
    return f"There is no profile named “{name}”. Known profiles: {listed}."
