"""API tokens and signing keys in the system keyring, never in a file.

Everything goes through one `keyring` backend under the service name `cfstream-gui`. The
backend is chosen by keyring itself (honouring `PYTHON_KEYRING_BACKEND` and `keyringrc.cfg`)
unless a caller passes one in. Choosing it takes ~200 ms, so it happens on first use, which the
GUI arranges to be off the UI thread.

Every keyring failure becomes a `SecretStoreError` whose message a user can act on. There is
deliberately no plaintext fallback: without a keyring, the token comes from
`CLOUDFLARE_API_TOKEN` or is typed in each time. Which of those wins is `core.credentials`'
decision; this module only ever talks to the keyring.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from cfstream_gui.core.credentials import clean_api_token
from cfstream_gui.core.daemon_calls import CallTimedOut, call_bounded

# keyring itself (~40 ms and ~15 MiB with its backends' dependencies) loads with the first call
# that needs a backend: a run whose token comes from CLOUDFLARE_API_TOKEN never loads it.
if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "cfstream-gui"
# Long enough to type a password into an unlock prompt; short enough that a prompt nobody sees
# (no display, a locked screen) turns into a message rather than a hang.
KEYRING_TIMEOUT = 30.0
KEYRING_TIMEOUT_ENV = "CFSTREAM_KEYRING_TIMEOUT"


def keyring_timeout(env: Mapping[str, str]) -> float:
    """Seconds one keyring call may take: `CFSTREAM_KEYRING_TIMEOUT` when it is a positive
    number of seconds (a slow keyring, or a test), else the default."""
    try:
        value = float(env.get(KEYRING_TIMEOUT_ENV, ""))
    except ValueError:
        return KEYRING_TIMEOUT
    return value if math.isfinite(value) and value > 0 else KEYRING_TIMEOUT


_T = TypeVar("_T")

# (module, class name) of known backends -> what a user calls that store. Matched along the
# MRO so that subclasses (KWallet 4 vs 5, custom SecretService wrappers) get the same name.
_STORE_NAMES: dict[tuple[str, str], str] = {
    ("keyring.backends.SecretService", "Keyring"): "Secret Service",
    ("keyring.backends.libsecret", "Keyring"): "Secret Service",
    ("keyring.backends.kwallet", "DBusKeyring"): "KWallet",
    ("keyring.backends.macOS", "Keyring"): "macOS Keychain",
    ("keyring.backends.Windows", "WinVaultKeyring"): "Windows Credential Locker",
    ("keyring.backends.fail", "Keyring"): "no keyring available",
    ("keyring.backends.null", "Keyring"): "keyring turned off (null backend)",
}
# Backends that accept calls but can never give a secret back.
_UNAVAILABLE = {"no keyring available", "keyring turned off (null backend)"}
# How much of a backend's own message to keep for `SecretStoreError.detail`.
_DETAIL_LIMIT = 300


class SecretStoreError(Exception):
    """A keyring operation failed. `str()` is a sentence for the user; `detail` is the
    backend's own wording (never containing the secret), for a "details" disclosure."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class SecretStore:
    """`timeout`: how long one keyring call may take before it is given up with a
    SecretStoreError (an unlock prompt nobody answers would otherwise wait forever). The call
    runs in a daemon thread, so even one that never returns cannot keep the process alive."""

    def __init__(
        self, backend: KeyringBackend | None = None, *, timeout: float | None = None
    ) -> None:
        self._backend = backend
        self._timeout = KEYRING_TIMEOUT if timeout is None else timeout
        self._lock = threading.Lock()

    # -- API token ---------------------------------------------------------------------------

    def get_api_token(self, profile: str) -> str | None:
        """The token saved for `profile`, or None. (For the token to *use*, which the
        environment may override, see `core.credentials.resolve_credentials`.)"""
        what = f"the API token for profile “{profile}”"
        return self._call("read", what, lambda b: b.get_password(SERVICE, _api_user(profile)))

    def set_api_token(self, profile: str, token: str) -> None:
        """Save `token` (trimmed; InvalidApiToken, a ValueError, for one that cannot be sent)."""
        token = clean_api_token(token)
        self._set(_api_user(profile), token, f"the API token for profile “{profile}”")

    def delete_api_token(self, profile: str) -> bool:
        """Delete the token saved for `profile`; whether there was one."""
        return self._delete(_api_user(profile), f"the API token for profile “{profile}”")

    # -- signing keys ------------------------------------------------------------------------

    def get_signing_key(self, profile: str, key_id: str) -> str | None:
        what = f"signing key {key_id}"
        user = _key_user(profile, key_id)
        return self._call("read", what, lambda b: b.get_password(SERVICE, user))

    def set_signing_key(self, profile: str, key_id: str, pem: str) -> None:
        if not key_id.strip():
            raise ValueError("The signing key ID is empty.")
        if not pem.strip():
            raise ValueError(f"The private key for signing key {key_id} is empty.")
        self._set(_key_user(profile, key_id), pem, f"signing key {key_id}")
        ids = self.list_signing_key_ids(profile)
        if key_id not in ids:
            self._write_index(profile, [*ids, key_id])

    def delete_signing_key(self, profile: str, key_id: str) -> bool:
        """Delete one private key and its place in the index; whether the key was there."""
        existed = self._delete(_key_user(profile, key_id), f"signing key {key_id}")
        ids = self.list_signing_key_ids(profile)
        if key_id in ids:
            self._write_index(profile, [i for i in ids if i != key_id])
        return existed

    def delete_signing_keys(self, profile: str) -> int:
        """Delete every private key held for `profile`, and its index; how many keys this call
        deleted (keys an interrupted earlier call already took are not counted again).

        Without this a profile removed and later re-created under the same name would find
        its old keys again. The index goes last, so a failure part-way leaves it naming the
        keys still to delete, and calling again finishes the job."""
        ids = self.list_signing_key_ids(profile)
        deleted = sum(self._delete(_key_user(profile, k), f"signing key {k}") for k in ids)
        # Also when the index was empty or damaged: nothing of the profile is left behind.
        self._delete(_index_user(profile), "the list of saved signing keys")
        return deleted

    def list_signing_key_ids(self, profile: str) -> list[str]:
        """Key ids whose private keys are held for `profile`, oldest first.

        keyring cannot enumerate entries, so this is an index we keep next to the keys. A
        damaged index reads as empty rather than failing: the keys themselves are untouched
        and the next `set_signing_key` rewrites it."""
        what = "the list of saved signing keys"
        raw = self._call("read", what, lambda b: b.get_password(SERVICE, _index_user(profile)))
        if not raw:
            return []
        try:
            data = json.loads(raw)
        except ValueError:
            return []
        if not isinstance(data, list):
            return []
        return [item for item in data if isinstance(item, str)]

    # -- where secrets live ------------------------------------------------------------------

    def store_name(self) -> str:
        """What a user calls the place secrets are kept, e.g. "Secret Service"."""
        try:
            backend = self._resolve()
        except SecretStoreError:
            return "no keyring available"
        return _describe(backend)

    def is_available(self) -> bool:
        """Whether a secret set now could be read back later."""
        try:
            backend = self._resolve()
        except SecretStoreError:
            return False
        return _describe(backend) not in _UNAVAILABLE

    # -- internals ---------------------------------------------------------------------------

    def _resolve(self) -> KeyringBackend:
        if not self._lock.acquire(timeout=self._timeout):  # another thread's choice hangs
            raise SecretStoreError(_no_answer_message("opened", "the keyring"))
        try:
            if self._backend is None:
                import keyring

                try:
                    self._backend = call_bounded(keyring.get_keyring, self._timeout, "keyring")
                except CallTimedOut:
                    raise SecretStoreError(_no_answer_message("opened", "the keyring")) from None
                except Exception as exc:  # a bad PYTHON_KEYRING_BACKEND raises ImportError etc.
                    raise SecretStoreError(
                        "The keyring could not be loaded. Check PYTHON_KEYRING_BACKEND and the "
                        "keyring configuration file, or set CLOUDFLARE_API_TOKEN for this run.",
                        _detail(exc, None),
                    ) from None
            return self._backend
        finally:
            self._lock.release()

    def _bounded(self, backend: KeyringBackend) -> _Bounded:
        return _Bounded(backend, self._timeout)

    def _call(
        self,
        verb: str,
        what: str,
        op: Callable[[_Bounded], _T],
    ) -> _T:
        backend = self._bounded(self._resolve())
        with _translated(verb, what, None):
            return op(backend)

    def _set(self, user: str, secret: str, what: str) -> None:
        backend = self._resolve()
        if _describe(backend) == "keyring turned off (null backend)":
            # The null backend accepts and forgets; saying "saved" would be a lie.
            raise SecretStoreError(
                f"The keyring is turned off (null backend), so {what} cannot be remembered. "
                "Choose another keyring backend, or set CLOUDFLARE_API_TOKEN for this run."
            )
        with _translated("save", what, secret):
            self._bounded(backend).set_password(SERVICE, user, secret)

    def _delete(self, user: str, what: str) -> bool:
        """Delete one entry; whether there was one. Asked first rather than read from the
        delete, because some backends (the null one) "delete" what never was without a word,
        and callers tell the user what was removed."""
        from keyring.errors import PasswordDeleteError

        backend = self._bounded(self._resolve())
        with _translated("delete", what, None):
            if backend.get_password(SERVICE, user) is None:
                return False
            try:
                backend.delete_password(SERVICE, user)
            except PasswordDeleteError:
                # Backends word "no such entry" differently (Windows just says the service
                # name), so ask: if nothing is stored now, the delete achieved its aim.
                if backend.get_password(SERVICE, user) is not None:
                    raise
            return True

    def _write_index(self, profile: str, ids: list[str]) -> None:
        user = _index_user(profile)
        what = "the list of saved signing keys"
        if ids:
            backend = self._bounded(self._resolve())
            with _translated("save", what, None):
                backend.set_password(SERVICE, user, json.dumps(ids))
        else:
            self._delete(user, what)


@contextmanager
def _translated(verb: str, what: str, secret: str | None) -> Iterator[None]:
    """Turn whatever the backend raises into a SecretStoreError a user can act on."""
    from keyring.errors import (
        InitError,
        KeyringError,
        KeyringLocked,
        NoKeyringError,
        PasswordDeleteError,
        PasswordSetError,
    )

    try:
        yield
    except CallTimedOut:
        raise SecretStoreError(_no_answer_message(_PAST[verb], what)) from None
    except PasswordDeleteError as exc:
        raise SecretStoreError(
            f"The keyring refused to delete {what}. Unlock it and try again, or remove the "
            f"entry with your keyring manager (service “{SERVICE}”).",
            _detail(exc, secret),
        ) from None
    except NoKeyringError as exc:
        raise SecretStoreError(_no_keyring_message(verb, what), _detail(exc, secret)) from None
    except KeyringLocked as exc:
        raise SecretStoreError(
            "The keyring is locked. Unlock it and try again.", _detail(exc, secret)
        ) from None
    except InitError as exc:
        raise SecretStoreError(
            "The keyring could not be opened, perhaps because its unlock prompt was dismissed. "
            "Unlock it and try again.",
            _detail(exc, secret),
        ) from None
    except PasswordSetError as exc:
        raise SecretStoreError(
            f"The keyring refused to save {what}. Unlock it and try again.",
            _detail(exc, secret),
        ) from None
    except KeyringError as exc:
        raise SecretStoreError(
            f"The keyring reported an error, so {what} could not be {_PAST[verb]}. "
            "Unlock it and try again.",
            _detail(exc, secret),
        ) from None
    except Exception as exc:  # D-Bus / secretstorage errors leak through untyped
        raise SecretStoreError(
            f"The system keyring could not be reached, so {what} could not be {_PAST[verb]}. "
            "Check that the keyring service is running and unlocked, then try again.",
            _detail(exc, secret),
        ) from None


_PAST = {"read": "read", "save": "saved", "delete": "deleted"}


def _no_answer_message(done: str, what: str) -> str:
    return (
        f"The keyring did not answer in time, so {what} could not be {done}; an unlock prompt "
        "may be waiting. Unlock the keyring and try again, or set CLOUDFLARE_API_TOKEN for "
        "this run."
    )


class _Bounded:
    """A backend whose every call gives up after `timeout` seconds (CallTimedOut)."""

    def __init__(self, backend: KeyringBackend, timeout: float) -> None:
        self._backend = backend
        self._timeout = timeout

    def get_password(self, service: str, username: str) -> str | None:
        return call_bounded(
            lambda: self._backend.get_password(service, username), self._timeout, "keyring read"
        )

    def set_password(self, service: str, username: str, password: str) -> None:
        call_bounded(
            lambda: self._backend.set_password(service, username, password),
            self._timeout,
            "keyring write",
        )

    def delete_password(self, service: str, username: str) -> None:
        call_bounded(
            lambda: self._backend.delete_password(service, username),
            self._timeout,
            "keyring delete",
        )


def _no_keyring_message(verb: str, what: str) -> str:
    consequence = {
        "read": f"{what} cannot be looked up",
        "save": f"{what} cannot be remembered",
        "delete": f"{what} cannot be removed",
    }[verb]
    advice = "Install and unlock a Secret Service provider such as GNOME Keyring or KWallet"
    if "API token" in what:
        advice += ", or set CLOUDFLARE_API_TOKEN for this run"
    return f"No system keyring is available, so {consequence}. {advice}."


def _detail(exc: BaseException, secret: str | None) -> str:
    """The backend's own message, short, and with the secret cut out if it somehow got in."""
    text = f"{type(exc).__name__}: {exc}"
    if secret:
        # Whole, escaped (repr/JSON) and line by line: a PEM echoed via repr() has "\\n"
        # where the secret has newlines, so the plain form alone would not match.
        forms = {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1]}
        forms.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= 8)
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "<hidden>")
    return text[:_DETAIL_LIMIT]


def _describe(backend: KeyringBackend) -> str:
    display_name = getattr(type(backend), "display_name", None)
    if isinstance(display_name, str):  # a backend of ours that names itself
        return display_name
    for cls in type(backend).__mro__:
        name = _STORE_NAMES.get((cls.__module__, cls.__name__))
        if name is not None:
            return name
    chained = getattr(backend, "backends", None)
    if isinstance(chained, list | tuple) and chained:
        # keyring's ChainerBackend: name what it actually chains.
        return " + ".join(_describe(b) for b in chained)
    return type(backend).__name__


def _api_user(profile: str) -> str:
    return f"api-token:{profile}"


def _key_user(profile: str, key_id: str) -> str:
    return f"signing-key:{profile}:{key_id}"


def _index_user(profile: str) -> str:
    return f"signing-keys:{profile}"
