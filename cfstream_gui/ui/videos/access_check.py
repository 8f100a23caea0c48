"""Whether the video in the form requires signed URLs, looked up quietly as it is chosen.

A token for a public video protects nothing: anyone with the plain link can watch it. So once a
video is typed or picked, and the profile has an API token, the video is read (after a pause in
typing, once per video: the answers are kept) and the form warns when it is public, with a
button to turn `requireSignedURLs` on.

The lookup is a courtesy, not a gate: when it fails (no network, a video that does not exist,
a rate limit) nothing is said here, since Create says what is wrong when pressed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject

from cfstream_gui.core.cloudflare import ApiError, BadResponse
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.core.validation import Problem, Severity, check_account_id, check_video_uid
from cfstream_gui.core.videos import VideoSummary
from cfstream_gui.ui.account.tokens import ApiTokens
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.videos.access import VideoAccess

logger = logging.getLogger(__name__)

LOOKUP_DELAY_MS = 600  # after the last keystroke in the video field
KEPT_ANSWERS = 512  # videos whose setting is remembered this session


class AccessView(Protocol):
    def show_video_access(self, access: VideoAccess | None) -> None:
        """Warn when `access` is a public video; say nothing otherwise."""
        ...


# (API base URL of the profile, account ID, video UID), the last two in lower case.
_Key = tuple[str | None, str, str]


@dataclass(frozen=True)
class _Target:
    key: _Key
    profile: Profile
    credentials: Credentials
    account_id: str
    uid: str


class VideoAccessCheck(QObject):
    def __init__(
        self,
        view: AccessView,
        *,
        tokens: ApiTokens,
        service: TokenService,
        tasks: BackgroundTasks,
        delay_ms: int = LOOKUP_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._view = view
        self._tokens = tokens
        self._service = service
        self._tasks = tasks
        self._known: OrderedDict[_Key, VideoAccess] = OrderedDict()
        self._wanted: _Target | None = None
        self._shown: VideoAccess | None = None
        self._stopped = False
        self._looking = 0  # lookups running
        self._delay = delay_ms / 1000
        # An asyncio timer rather than a QTimer: the lookup is asyncio work, and the wait then
        # runs wherever the loop does (the controller's tests drive it without Qt's own loop).
        self._due: asyncio.TimerHandle | None = None

    def consider(self, uid: str, account_id: str) -> None:
        """The form names video `uid` on `account_id` (called on every change of the form:
        cheap when nothing changed)."""
        target = self._target(uid, account_id) if not self._stopped else None
        if (target and target.key) == (self._wanted and self._wanted.key):
            return
        self._wanted = target
        self._cancel_due()
        known = self._known.get(target.key) if target is not None else None
        self._show(known)
        if target is not None and known is None:
            self._schedule()

    def know(self, account_id: str, summary: VideoSummary) -> None:
        """What the video browser already read about a video: no need to ask again."""
        profile = self._tokens.profile()
        if profile is not None:
            self._remember(
                (profile.api_base_url, account_id.lower(), summary.uid.lower()),
                VideoAccess.of(summary),
            )

    def shown(self) -> VideoAccess | None:
        """The video the form is warning about, if it warns."""
        return self._shown if self._shown is not None and self._shown.public else None

    def is_waiting(self) -> bool:
        """A lookup is due or running for the video in the form."""
        return self._due is not None or self._looking > 0

    def stop(self) -> None:
        """Look nothing up any more (the window is closing)."""
        self._cancel_due()
        self._wanted = None
        self._stopped = True

    async def require_signed(self) -> VideoAccess:
        """Turn requireSignedURLs on for the video warned about, and stop warning. Raises
        ApiError (or ValueError for a profile's bad API base URL)."""
        target = self._wanted
        if target is None or self.shown() is None:
            raise BadResponse("There is no public video in the form to change.")
        client = await self._service.client(target.profile, target.credentials)
        video = await client.set_require_signed_urls(target.account_id, target.uid, True)
        access = VideoAccess.of(VideoSummary.from_api(video))
        self._remember(target.key, access)
        if self._wanted is target:
            self._show(access)
        return access

    # -- internals --------------------------------------------------------------------------

    def _target(self, uid: str, account_id: str) -> _Target | None:
        profile, credentials = self._tokens.profile(), self._tokens.credentials()
        if profile is None or credentials is None:
            return None
        if _has_error(check_video_uid(uid)) or _has_error(check_account_id(account_id)):
            return None
        key = (profile.api_base_url, account_id.lower(), uid.lower())
        return _Target(key, profile, credentials, account_id, uid)

    def _schedule(self) -> None:
        try:
            # The window's loop; at start-up it is set but not running yet.
            loop = asyncio.get_event_loop()
        except RuntimeError:  # no loop at all: nothing async can run, so nothing is asked
            return
        self._due = loop.call_later(self._delay, self._look_up)

    def _cancel_due(self) -> None:
        if self._due is not None:
            self._due.cancel()
            self._due = None

    def _look_up(self) -> None:
        self._due = None
        target = self._wanted
        if target is not None and target.key not in self._known and not self._stopped:
            self._tasks.spawn(self._fetch(target), "look up the video's signed-URL setting")

    async def _fetch(self, target: _Target) -> None:
        self._looking += 1
        try:
            client = await self._service.client(target.profile, target.credentials)
            video = await client.get_video(target.account_id, target.uid)
            summary = VideoSummary.from_api(video)
        except (ApiError, ValueError, KeyError) as exc:
            logger.info("no signed-URL check for the video: %s", type(exc).__name__)
            return
        finally:
            self._looking -= 1
        if summary.uid.lower() != target.uid.lower():
            return  # an answer about another video says nothing about this one
        access = VideoAccess.of(summary)
        self._remember(target.key, access)
        if self._wanted is not None and self._wanted.key == target.key:
            self._show(access)

    def _remember(self, key: _Key, access: VideoAccess) -> None:
        self._known[key] = access
        self._known.move_to_end(key)
        while len(self._known) > KEPT_ANSWERS:
            self._known.popitem(last=False)
        if self._wanted is not None and self._wanted.key == key:
            self._show(access)

    def _show(self, access: VideoAccess | None) -> None:
        if access != self._shown:
            self._shown = access
            self._view.show_video_access(access)


def _has_error(problems: list[Problem]) -> bool:
    return any(problem.severity is Severity.ERROR for problem in problems)
