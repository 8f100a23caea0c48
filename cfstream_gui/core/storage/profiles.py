"""Named Cloudflare set-ups ("profiles") in `profiles.json`, and the atomic JSON writer.

A profile holds only what is safe to keep in a file: account ID, customer code, base URLs and
the default signing key ID. API tokens and private keys live in the keyring (`core.secrets`);
`Profile` has no field that could hold one.

The file is `{"version": 1, "current": name | null, "profiles": {name: {...}}}`. Keys this
version does not know are kept on rewrite, so an older build does not erase a newer one's data.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from cfstream_gui.core.urls import customer_code_message, is_customer_code

APP_NAME = "cfstream-gui"
CONFIG_DIR_ENV = "CFSTREAM_CONFIG_DIR"
ACCOUNT_ID_ENV = "CLOUDFLARE_ACCOUNT_ID"
PROFILES_FILE = "profiles.json"
FILE_VERSION = 1
DEFAULT_PROFILE_NAME = "default"

_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")


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
        profile_name = name if name is not None else data.get("name")
        if not isinstance(profile_name, str):
            raise ProfileError("A profile in the profiles file has no name.")
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
                    f"text, not {value!r}; fix it in the profiles file."
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


def atomic_write_json(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON so that readers see the old or the new file, never
    half of one. The directory is created private (0700) and the file is 0600."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open directories, and a failure
    # here only weakens durability, so it is not worth failing the save over.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class ProfileStore:
    def __init__(
        self, config_dir: Path | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.config_dir = config_dir if config_dir is not None else _default_dir(self._env)
        self.path = self.config_dir / PROFILES_FILE

    # -- reading -----------------------------------------------------------------------------

    def list(self) -> list[Profile]:
        raw = self._read()
        return [Profile.from_dict(raw["profiles"][n], name=n) for n in sorted(raw["profiles"])]

    def get(self, name: str) -> Profile:
        raw = self._read()
        if name not in raw["profiles"]:
            raise ProfileError(_missing_message(name, sorted(raw["profiles"])))
        return Profile.from_dict(raw["profiles"][name], name=name)

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
        """Add or replace `profile`. The first profile saved becomes the current one."""
        check_profile_name(profile.name)
        raw = self._read()
        previous = raw["profiles"].get(profile.name, {})
        # Unknown keys from a newer version survive; known ones take the new values.
        raw["profiles"][profile.name] = {**previous, **profile.to_dict()}
        if not raw.get("current") and len(raw["profiles"]) == 1:
            raw["current"] = profile.name
        self._write(raw)

    def remove(self, name: str) -> None:
        raw = self._read()
        if name not in raw["profiles"]:
            raise ProfileError(_missing_message(name, sorted(raw["profiles"])))
        del raw["profiles"][name]
        if raw.get("current") == name:
            raw["current"] = None
        self._write(raw)

    def use(self, name: str) -> None:
        raw = self._read()
        if name not in raw["profiles"]:
            raise ProfileError(_missing_message(name, sorted(raw["profiles"])))
        raw["current"] = name
        self._write(raw)

    def remember_customer_code(self, name: str, code: str) -> None:
        """Keep the customer code learnt from a video, creating the profile if needed (the
        implicit "default" profile becomes a saved one this way)."""
        if not is_customer_code(code):
            raise ProfileError(customer_code_message(code))
        raw = self._read()
        if name in raw["profiles"]:
            profile = Profile.from_dict(raw["profiles"][name], name=name)
        else:
            profile = Profile(name=name)
        if profile.customer_code != code:
            self.save(replace(profile, customer_code=code))

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

    def _write(self, raw: dict[str, Any]) -> None:
        try:
            atomic_write_json(self.path, raw)
        except OSError as exc:
            raise ProfileError(
                f"The profiles could not be saved to {self.path}: {exc.strerror or exc}."
            ) from None


def _default_dir(env: Mapping[str, str]) -> Path:
    return config_dir(env)


def _missing_message(name: str, known: list[str]) -> str:
    if not known:
        return f"There is no profile named “{name}”; no profiles have been saved yet."
    listed = ", ".join(known)
    return f"There is no profile named “{name}”. Known profiles: {listed}."
