"""What the window controller's tests share: a plain Python fake view (no window, no widgets),
a scripted Cloudflare over `httpx.MockTransport` behind the real ClientPool, an in-memory
keyring, a settable clock, and the `setup` fixture that puts them together.

The fake view has no way to hand over an API token: the controller can only send the token it
holds itself (the keyring's, the typed one it was told about, the environment's).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QApplication

from cfstream_gui.core.clients import ClientPool
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.models import AccessRule, SigningEngine, TokenRequest
from cfstream_gui.core.settings import Settings, SettingsStore
from cfstream_gui.core.storage.form_state import FormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.token_service import TokenResult, TokenService
from cfstream_gui.core.validation import Problem, normalize_request
from cfstream_gui.ui.account.tokens import TokenDisplay
from cfstream_gui.ui.videos.access import VideoAccess
from cfstream_gui.ui.window.controller import WindowController
from cfstream_gui.ui.window.saved_form import FormValues
from tests.support.clock import FakeClock
from tests.support.rsa_keys import signing_key

NOW = 1_790_000_000.0
WORK = Profile("work", account_id="a1" * 16, customer_code="workcode123")
HOME = Profile("home", account_id="b2" * 16, customer_code="homecode456")
# Obviously not real: what a test token looks like in this project.
WORK_TOKEN = "test-api-token-work-000000000000000000000"
HOME_TOKEN = "test-api-token-home-000000000000000000000"
VIDEO = "c3" * 16
KEY_ID = "d4" * 16
CLOUDFLARE_KEY_ID = "e5" * 16
PUBLIC_VIDEO = "f6" * 16


# -- a fake view: what the window would show, as plain data ---------------------------------


@dataclass
class FakeView:
    """What the user filled in (set the attributes), and everything the controller showed."""

    video: str = VIDEO
    exp: int | None = None
    nbf: int | None = None
    downloadable: bool = False
    rules: tuple[AccessRule, ...] = ()
    chosen_engine: SigningEngine = SigningEngine.CLOUDFLARE
    chosen_key: str | None = None
    pasted_code: str | None = None
    account: str = ""
    url_kind: str = "iframe"
    requests_built: int = 0
    keys_reading: bool = False
    profile_names: list[str] = field(default_factory=list)
    shown_profiles: list[str] = field(default_factory=list)
    restored: list[FormValues] = field(default_factory=list)
    account_ids_set: list[str] = field(default_factory=list)
    token_display: TokenDisplay = field(default_factory=TokenDisplay)
    verify_status: str = ""
    problems: list[Problem] = field(default_factory=list)
    preview: str = ""
    reason: str = ""
    warnings: list[Problem] = field(default_factory=list)
    can_verify: bool = False
    busy_text: str | None = None
    results: list[TokenResult] = field(default_factory=list)
    stale: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    offers: list[tuple[str, str]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    dialogs_closed: bool = False
    settings_used: list[Settings] = field(default_factory=list)
    video_access: VideoAccess | None = None
    sandbox_note: bool = False

    def form_request(self) -> TokenRequest:
        self.requests_built += 1
        return normalize_request(
            TokenRequest(
                video_uid=self.video,
                exp=self.exp,
                nbf=self.nbf,
                downloadable=True if self.downloadable else None,
                access_rules=self.rules,
            )
        )

    def form_values(self) -> FormValues:
        return FormValues(
            video=self.video,
            exp=self.exp,
            nbf=self.nbf,
            downloadable=self.downloadable,
            rules=self.rules,
            engine=self.chosen_engine,
            key_id=self.key_id(),
            url_kind=self.url_kind,
        )

    def engine(self) -> SigningEngine:
        return self.chosen_engine

    def key_id(self) -> str | None:
        if not self.chosen_engine.uses_key or self.keys_reading:
            return None
        return self.chosen_key

    def pasted_customer_code(self) -> str | None:
        return self.pasted_code

    def account_id(self) -> str:
        return self.account.strip()

    def show_profiles(self, names: Sequence[str]) -> None:
        self.profile_names = list(names)

    def show_profile(self, name: str, account_id: str) -> None:
        self.shown_profiles.append(name)
        self.account = account_id

    def set_account_id(self, account_id: str) -> None:
        self.account_ids_set.append(account_id)
        self.account = account_id

    def show_api_token(self, display: TokenDisplay) -> None:
        self.token_display = display

    def show_sandbox_note(self, shown: bool) -> None:
        self.sandbox_note = shown

    def show_verify_status(self, status: str, detail: str = "") -> None:
        self.verify_status = status

    def restore_form(self, values: FormValues) -> None:
        self.restored.append(values)
        self.video, self.exp, self.nbf = values.video, values.exp, values.nbf
        self.downloadable, self.rules = values.downloadable, values.rules
        self.chosen_engine, self.chosen_key = values.engine, values.key_id

    def show_keys_reading(self) -> None:
        self.keys_reading = True

    def show_keys(self, key_ids: Sequence[str], default_key_id: str | None) -> None:
        self.keys_reading = False
        if self.chosen_key not in key_ids:
            fallback = default_key_id if default_key_id in key_ids else None
            self.chosen_key = fallback or (key_ids[-1] if key_ids else None)

    def want_key(self, key_id: str | None) -> None:
        self.chosen_key = key_id

    def mark_problems(self, problems: Sequence[Problem], account_problem: Problem | None) -> None:
        self.problems = list(problems)

    def show_preview(self, text: str) -> None:
        self.preview = text

    def show_video_access(self, access: VideoAccess | None) -> None:
        self.video_access = access

    def show_state(self, reason: str, warnings: Sequence[Problem], *, can_verify: bool) -> None:
        self.reason, self.warnings, self.can_verify = reason, list(warnings), can_verify

    def show_busy(self, text: str) -> None:
        self.busy_text = text

    def show_idle(self) -> None:
        self.busy_text = None

    def show_token(self, result: TokenResult) -> None:
        self.results.append(result)

    def show_result_stale(self, stale: bool) -> None:
        self.stale = stale

    def show_error(self, message: str, hint: str = "") -> None:
        self.errors.append((message, hint))

    def show_notice(self, message: str) -> None:
        self.notices.append(message)

    def offer_session_only(self, message: str, hint: str) -> None:
        self.offers.append((message, hint))

    def clear_banner(self) -> None:
        self.errors.clear()
        self.notices.clear()
        self.offers.clear()

    def show_status(self, text: str, milliseconds: int) -> None:
        self.statuses.append(text)

    def use_settings(self, settings: Settings) -> None:
        self.settings_used.append(settings)

    async def close_dialogs(self) -> None:
        self.dialogs_closed = True

    def can_create(self) -> bool:
        return not self.reason and self.busy_text is None


# -- a scripted Cloudflare ------------------------------------------------------------------


def envelope(result: Any = None, errors: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"result": result, "success": not errors, "errors": list(errors), "messages": []}


class FakeCloudflare:
    """Answers /token with a real signed token, and the token check; refuses unknown API
    tokens. `next_reply` overrides the next answer; `hold` keeps a request waiting."""

    def __init__(self, tokens: Sequence[str] = (WORK_TOKEN, HOME_TOKEN)) -> None:
        self.tokens = set(tokens)
        self.requests: list[httpx.Request] = []
        self.next_reply: httpx.Response | None = None
        self.hold: asyncio.Event | None = None
        self.arrived = asyncio.Event()
        self.seen: list[Callable[[], None]] = []  # run as each request arrives
        self.key = signing_key(0, CLOUDFLARE_KEY_ID)
        # The account's videos by UID, as GET …/stream/<uid> answers them.
        self.videos: dict[str, dict[str, Any]] = {
            VIDEO: _video(VIDEO, "Members' webinar", signed=True),
            PUBLIC_VIDEO: _video(PUBLIC_VIDEO, "Trailer", signed=False),
        }

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for hook in self.seen:
            hook()
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.next_reply is not None:
            reply, self.next_reply = self.next_reply, None
            return reply
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            error = {"code": 10000, "message": "Authentication error"}
            return httpx.Response(403, json=envelope(errors=[error]))
        if request.url.path.endswith("/tokens/verify"):
            return httpx.Response(200, json=envelope({"id": "t1", "status": "active"}))
        if not request.url.path.endswith("/token"):
            return self._video(request)
        video = request.url.path.split("/")[-2]
        token = sign_locally(TokenRequest(video_uid=video), self.key, now=int(NOW))
        return httpx.Response(200, json=envelope({"token": token}))

    def _video(self, request: httpx.Request) -> httpx.Response:
        """GET …/stream/<uid> reads `videos`; POST …/stream/<uid> changes requireSignedURLs."""
        uid = request.url.path.split("/")[-1]
        video = self.videos.get(uid)
        if video is None:
            error = {"code": 10003, "message": "Not Found"}
            return httpx.Response(404, json=envelope(errors=[error]))
        if request.method == "POST":
            video["requireSignedURLs"] = sent_body(request)["requireSignedURLs"]
        return httpx.Response(200, json=envelope(video))

    def video_reads(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "GET" and "/stream/" in r.url.path]

    def token_posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/token")]


def _video(uid: str, name: str, *, signed: bool) -> dict[str, Any]:
    return {
        "uid": uid,
        "meta": {"name": name},
        "requireSignedURLs": signed,
        "readyToStream": True,
        "status": {"state": "ready"},
        "playback": {
            "hls": f"https://customer-workcode123.cloudflarestream.com/{uid}/manifest/video.m3u8"
        },
    }


class Clients:
    """The ClientPool's factory: StreamClients over the scripted Cloudflare, each one kept so
    a test can see how many were made and with which credentials."""

    def __init__(self, api: FakeCloudflare) -> None:
        self.api = api
        self.made: list[StreamClient] = []

    def __call__(self, base_url: str | None, credentials: Credentials | None) -> StreamClient:
        client = StreamClient(
            credentials,
            base_url=base_url,
            env={},
            transport=httpx.MockTransport(self.api.handle),
            sleep=_no_sleep,
        )
        self.made.append(client)
        return client


async def _no_sleep(_seconds: float) -> None:
    await asyncio.sleep(0)


# -- the controller under test ---------------------------------------------------------------


@dataclass
class Setup:
    view: FakeView
    api: FakeCloudflare
    clients: Clients
    keyring: MemoryKeyring
    clock: FakeClock
    form_store: FormStore
    controllers: list[WindowController] = field(default_factory=list)

    async def start(
        self,
        *,
        env: dict[str, str] | None = None,
        prefer_profile: str | None = None,
        settings: SettingsStore | None = None,
        keyring: KeyringBackend | None = None,
    ) -> WindowController:
        """A controller over this setup's fake view, started and settled (keyring read).
        `keyring` replaces the setup's in-memory one (which holds both profiles' tokens)."""
        profiles = ProfileStore()
        controller = WindowController(
            self.view,
            service=TokenService(ClientPool(self.clients), profiles=profiles, clock=self.clock),
            profiles=profiles,
            form_store=self.form_store,
            secrets=SecretStore(backend=self.keyring if keyring is None else keyring),
            env={} if env is None else env,
            clock=self.clock,
            settings=settings,
        )
        self.controllers.append(controller)
        controller.start(prefer_profile=prefer_profile)
        await controller.tasks.wait()
        return controller


@pytest_asyncio.fixture(name="setup")
async def controller_setup(qapp: QApplication, tmp_path: Path) -> AsyncIterator[Setup]:
    """Two saved profiles, work (current) and home, each with its API token in the keyring."""
    ProfileStore().save(WORK)
    ProfileStore().save(HOME)
    keyring = MemoryKeyring()
    store = SecretStore(backend=keyring)
    store.set_api_token("work", WORK_TOKEN)
    store.set_api_token("home", HOME_TOKEN)
    api = FakeCloudflare()
    made = Setup(
        FakeView(), api, Clients(api), keyring, FakeClock(NOW), FormStore(tmp_path / "form")
    )
    yield made
    for controller in made.controllers:
        await close(controller)


async def close(controller: WindowController) -> None:
    controller.close()
    await controller.tasks.wait()
    assert controller.is_shut_down()


async def create(controller: WindowController) -> None:
    """Press Create and wait until it is over, whatever its outcome."""
    await controller.create()


def sent_body(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content) if request.content else {}


def bearer(request: httpx.Request) -> str:
    return request.headers["authorization"].removeprefix("Bearer ")
