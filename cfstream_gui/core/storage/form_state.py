"""The token form as the user last left it, kept in `last_form.json` in the config dir.

Only what a user typed or picked is kept: profile, account ID, video, options, rules, the
chosen link kind, and which signing engine and key ID sign the token (the ID only: a key's
private half lives in the keyring). `FormState` has no field that could hold an API token or a
private key, and
`FormStore.save` refuses a state whose text contains the secret it is told about, as a last guard.

Times are kept relative to the moment of saving ("expires 1 hour after I pressed Create"),
because an absolute expiry restored a day later would already be in the past.

A missing, unreadable or damaged file restores nothing rather than failing start-up: losing a
convenience is better than an app that will not open.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfstream_gui.core.ids import is_hex_id
from cfstream_gui.core.models import MAX_RULES, AccessRule, SigningEngine
from cfstream_gui.core.storage.locked_file import atomic_write_json
from cfstream_gui.core.storage.profiles import config_dir

logger = logging.getLogger(__name__)

FORM_FILE = "last_form.json"
FILE_VERSION = 1
# Longer lists are a damaged or foreign file, not a form this app wrote.
_MAX_STORED_RULES = MAX_RULES * 4
_MAX_OFFSET_SECONDS = 10 * 366 * 24 * 3600


@dataclass(frozen=True)
class FormState:
    profile: str | None = None
    account_id: str = ""
    video: str = ""
    # Seconds from "now" to the expiry / not-before; None when the option is off.
    exp_offset: int | None = None
    nbf_offset: int | None = None
    downloadable: bool = False
    rules: tuple[AccessRule, ...] = field(default_factory=tuple)
    url_kind: str | None = None
    engine: SigningEngine = SigningEngine.CLOUDFLARE
    key_id: str | None = None

    @classmethod
    def capture(
        cls,
        *,
        now: float,
        profile: str | None,
        account_id: str,
        video: str,
        exp: int | None,
        nbf: int | None,
        downloadable: bool,
        rules: Sequence[AccessRule],
        url_kind: str | None,
        engine: SigningEngine = SigningEngine.CLOUDFLARE,
        key_id: str | None = None,
    ) -> FormState:
        """A state from absolute times (epoch seconds), turned into offsets from `now`. Whole
        seconds throughout, so saving and restoring again never drifts by a second."""
        whole_now = int(now)
        return cls(
            profile=profile,
            account_id=account_id,
            video=video,
            exp_offset=None if exp is None else int(exp) - whole_now,
            nbf_offset=None if nbf is None else int(nbf) - whole_now,
            downloadable=downloadable,
            rules=tuple(rules),
            url_kind=url_kind,
            engine=engine,
            key_id=key_id or None,
        )

    def exp_at(self, now: float) -> int | None:
        return None if self.exp_offset is None else int(now) + self.exp_offset

    def nbf_at(self, now: float) -> int | None:
        return None if self.nbf_offset is None else int(now) + self.nbf_offset

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": FILE_VERSION,
            "profile": self.profile,
            "account_id": self.account_id,
            "video": self.video,
            "exp_offset": self.exp_offset,
            "nbf_offset": self.nbf_offset,
            "downloadable": self.downloadable,
            "rules": [
                {"action": r.action, "type": r.type, "values": list(r.values)} for r in self.rules
            ],
            "url_kind": self.url_kind,
            "engine": self.engine.value,
            "key_id": self.key_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FormState:
        """Read a stored form, dropping (not failing on) any value of the wrong type."""
        return cls(
            profile=_opt_str(data.get("profile")),
            account_id=_str(data.get("account_id")),
            video=_str(data.get("video")),
            exp_offset=_opt_int(data.get("exp_offset")),
            nbf_offset=_opt_int(data.get("nbf_offset")),
            downloadable=data.get("downloadable") is True,
            rules=_rules(data.get("rules")),
            url_kind=_opt_str(data.get("url_kind")),
            engine=_engine(data.get("engine")),
            key_id=_key_id(data.get("key_id")),
        )


class FormStore:
    """Reads and writes the last form. `config_dir` defaults to the app's config dir."""

    def __init__(
        self, config_dir: Path | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self.config_dir = config_dir if config_dir is not None else _default_dir(env)
        self.path = self.config_dir / FORM_FILE

    def load(self) -> FormState | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            # RecursionError: JSON nested past what json.loads can walk (a hand-edited file).
            logger.warning("ignoring the saved form %s: %s", self.path, type(exc).__name__)
            return None
        if not isinstance(data, dict):
            logger.warning("ignoring the saved form %s: not a JSON object", self.path)
            return None
        try:
            return FormState.from_dict(data)
        except Exception as exc:  # a damaged file must never stop the app from starting
            logger.warning("ignoring the saved form %s: %s", self.path, type(exc).__name__)
            return None

    def save(self, state: FormState, *, secrets: Sequence[str] = ()) -> None:
        """Write `state` atomically, under the file's lock. `secrets` are values that must never
        reach the file (the API token in use); a state containing one is refused with
        ValueError. OSError (FileBusy among them) when it cannot be written."""
        data = state.to_dict()
        text = json.dumps(data, ensure_ascii=False)
        for secret in secrets:
            if secret and secret.strip() and secret.strip() in text:
                raise ValueError(
                    "The form was not saved: one of its fields contains the API token."
                )
        atomic_write_json(self.path, data)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class SessionFormStore(FormStore):
    """The form of a session that must leave no trace on disk (the sandbox): kept in memory, so
    trying the app out never overwrites the user's real last form."""

    def __init__(self) -> None:  # no file, so no config dir either
        self._state: FormState | None = None

    def load(self) -> FormState | None:
        return self._state

    def save(self, state: FormState, *, secrets: Sequence[str] = ()) -> None:
        self._state = state

    def clear(self) -> None:
        self._state = None


def _default_dir(env: Mapping[str, str] | None) -> Path:
    return config_dir(os.environ if env is None else env)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _opt_int(value: Any) -> int | None:
    # json.loads accepts Infinity and NaN, which int() refuses.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    # An offset this app wrote is a token time's distance from now: hours, days at most. A
    # hand-edited 1e308 would overflow every date it is added to, in the window's time fields.
    if abs(value) > _MAX_OFFSET_SECONDS:
        return None
    return int(value)


def _engine(value: Any) -> SigningEngine:
    # A file from an older version (no engine) or a newer one (an engine we do not know) falls
    # back to the plain API call, which needs no key.
    try:
        return SigningEngine(value)
    except ValueError:
        return SigningEngine.CLOUDFLARE


def _key_id(value: Any) -> str | None:
    # Key IDs are 32 hex characters; anything else (say, pasted key material) is not kept.
    if isinstance(value, str) and is_hex_id(value):
        return value.lower()
    return None


def _rules(value: Any) -> tuple[AccessRule, ...]:
    if not isinstance(value, list):
        return ()
    rules = []
    for item in value[:_MAX_STORED_RULES]:
        if not isinstance(item, dict):
            continue
        action, kind, values = item.get("action"), item.get("type"), item.get("values", [])
        if not isinstance(action, str) or not isinstance(kind, str) or not isinstance(values, list):
            continue
        rules.append(AccessRule(action, kind, tuple(v for v in values if isinstance(v, str))))
    return tuple(rules)
