"""The API routes the sandbox answers, with Cloudflare's auth and routing errors."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cfstream_gui.sandbox import state
from cfstream_gui.sandbox.envelope import (
    AUTH_ERROR,
    INVALID_API_TOKEN,
    INVALID_AUTH_HEADER_FORMAT,
    INVALID_HEADERS,
    MISSING_AUTH_HEADERS,
    NO_ROUTE,
    NOT_FOUND_CODE,
    TOKEN_VALID_MESSAGE,
    ApiFailure,
    Reply,
    bad_request,
)
from cfstream_gui.sandbox.state import Account
from cfstream_gui.sandbox.tokens import mint_token
from cfstream_gui.sandbox.video_shapes import created_at

PREFIX = "/client/v4"
_BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]+)$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9]{1,32}$")
_MAX_LIST = 1000


@dataclass(frozen=True)
class Call:
    """One request, as the route handlers see it."""

    method: str
    path: str  # full path, /client/v4/...
    params: dict[str, str]  # identifiers captured from the path
    query: dict[str, str]
    headers: dict[str, str]
    json: Any | None  # None when there is no body or it is not JSON
    bad_json: bool  # a body was sent and it is not JSON


def _message(pair: tuple[int, str]) -> dict[str, Any]:
    return {"code": pair[0], "message": pair[1]}


class Router:
    def __init__(self, account: Account, clock: Callable[[], float]) -> None:
        self._account = account
        self._clock = clock
        acct = r"/accounts/(?P<acct>[^/]+)"
        self._routes: list[tuple[str, re.Pattern[str], Callable[[Call], Reply]]] = [
            ("GET", re.compile(r"^/user/tokens/verify$"), self._verify),
            ("GET", re.compile(rf"^{acct}/tokens/verify$"), self._verify),
            ("GET", re.compile(rf"^{acct}/stream$"), self._list_videos),
            ("POST", re.compile(rf"^{acct}/stream/keys$"), self._create_key),
            ("GET", re.compile(rf"^{acct}/stream/keys$"), self._list_keys),
            ("DELETE", re.compile(rf"^{acct}/stream/keys/(?P<key>[^/]+)$"), self._delete_key),
            ("GET", re.compile(rf"^{acct}/stream/(?P<uid>[^/]+)$"), self._get_video),
            ("GET", re.compile(rf"^{acct}/stream/(?P<uid>[^/]+)/downloads$"), self._downloads),
            ("POST", re.compile(rf"^{acct}/stream/(?P<uid>[^/]+)$"), self._edit_video),
            ("POST", re.compile(rf"^{acct}/stream/(?P<uid>[^/]+)/token$"), self._create_token),
        ]

    def dispatch(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Reply:
        handler, params = self._match(method, path)
        for value in params.values():
            if not _IDENTIFIER.match(value):
                raise ApiFailure(
                    400,
                    NO_ROUTE[0],
                    f"Could not route to {path}, perhaps your object identifier is invalid?",
                )
        parsed, bad_json = parse_json(body)
        call = Call(method, path, params, query, headers, parsed, bad_json)
        return handler(call)

    def _match(self, method: str, path: str) -> tuple[Callable[[Call], Reply], dict[str, str]]:
        if path.startswith(PREFIX + "/"):
            tail = path[len(PREFIX) :]
            for route_method, pattern, handler in self._routes:
                found = pattern.match(tail)
                if found and route_method == method:
                    return handler, found.groupdict()
        raise ApiFailure(404, *NO_ROUTE)

    # -- authentication -------------------------------------------------------------------

    def _token_of(self, call: Call, *, verifying: bool) -> str:
        """The known API token the call carries; raises Cloudflare's error otherwise."""
        header = call.headers.get("authorization")
        if header is None:
            raise ApiFailure(400, *MISSING_AUTH_HEADERS)
        found = _BEARER.match(header)
        if found is None:
            raise ApiFailure(400, *INVALID_HEADERS, chain=[_message(INVALID_AUTH_HEADER_FORMAT)])
        token = found.group(1)
        if token not in state.API_TOKEN_IDS:
            raise ApiFailure(401, *(INVALID_API_TOKEN if verifying else AUTH_ERROR))
        return token

    def _authorize(self, call: Call) -> None:
        """A live token for the demo account; anything else is refused."""
        token = self._token_of(call, verifying=False)
        if token == state.DEMO_EXPIRED_API_TOKEN:
            raise ApiFailure(401, *AUTH_ERROR)
        self._check_account(call)

    @staticmethod
    def _check_account(call: Call) -> None:
        if call.params.get("acct", state.DEMO_ACCOUNT_ID) != state.DEMO_ACCOUNT_ID:
            raise ApiFailure(403, *AUTH_ERROR)

    # -- routes ---------------------------------------------------------------------------

    def _verify(self, call: Call) -> Reply:
        token = self._token_of(call, verifying=True)
        self._check_account(call)
        result: dict[str, Any] = {"id": state.API_TOKEN_IDS[token]}
        if token == state.DEMO_EXPIRED_API_TOKEN:
            result.update(status="expired", expires_on=state.EXPIRED_TOKEN_EXPIRES_ON)
            return Reply(result)
        result["status"] = "active"
        return Reply(result, messages=[_message(TOKEN_VALID_MESSAGE)])

    def _video_or_404(self, uid: str) -> dict[str, Any]:
        video = self._account.video(uid)
        if video is None:
            raise ApiFailure(404, NOT_FOUND_CODE, f"Video not found: no video has the ID {uid}.")
        return video

    def _get_video(self, call: Call) -> Reply:
        self._authorize(call)
        return Reply(self._video_or_404(call.params["uid"]))

    def _downloads(self, call: Call) -> Reply:
        """Only the kinds that were made are listed, as Cloudflare does: `{}` for none."""
        self._authorize(call)
        uid = call.params["uid"]
        self._video_or_404(uid)
        if not self._account.downloads_enabled(uid):
            return Reply({})
        url = f"https://customer-{state.DEMO_CUSTOMER_CODE}.cloudflarestream.com/{uid}"
        ready = {"status": "ready", "percentComplete": 100.0}
        return Reply({"default": {**ready, "url": f"{url}/downloads/default.mp4"}})

    def _edit_video(self, call: Call) -> Reply:
        self._authorize(call)
        uid = call.params["uid"]
        self._video_or_404(uid)
        changes = _video_changes(call.json, uid)
        return Reply(self._account.update_video(uid, changes))

    def _list_videos(self, call: Call) -> Reply:
        """Like Cloudflare: filters, then the `created` cursor, then `limit`. `range` counts the
        videos left from the cursor on; `total`, only asked for with include_counts, all the
        filtered ones."""
        self._authorize(call)
        limit = _limit(call.query)
        counts = _flag(call.query, "include_counts")
        matches = _filter_videos(self._account.video_refs(), call.query)
        total = len(matches)
        matches = _after_cursor(matches, call.query)
        page = copy.deepcopy(matches[:limit])  # only what is sent; the library may be large
        extra: dict[str, Any] = {"range": len(matches)}
        if counts:
            extra["total"] = total
        return Reply(page, extra=extra)

    def _create_token(self, call: Call) -> Reply:
        self._authorize(call)
        uid = call.params["uid"]
        self._video_or_404(uid)
        if call.bad_json:
            raise bad_request("The request body is not valid JSON; send a JSON object or no body.")
        token = mint_token(call.json, uid, self._account, int(self._clock()))
        return Reply({"token": token})

    def _create_key(self, call: Call) -> Reply:
        self._authorize(call)
        key = self._account.create_key()
        material = key.material
        return Reply(
            {
                "id": material.kid,
                "pem": material.api_pem(),
                "jwk": material.api_jwk(),
                "created": key.created,
            }
        )

    def _list_keys(self, call: Call) -> Reply:
        self._authorize(call)
        keys = self._account.active_keys()
        return Reply([{"id": key.material.kid, "created": key.created} for key in keys])

    def _delete_key(self, call: Call) -> Reply:
        self._authorize(call)
        kid = call.params["key"]
        if not self._account.revoke_key(kid):
            raise ApiFailure(404, NOT_FOUND_CODE, f"Signing key not found: no active key {kid}.")
        return Reply("Revoked")


def parse_json(body: bytes) -> tuple[Any | None, bool]:
    """The decoded body, and whether a non-empty body failed to decode."""
    if not body.strip():
        return None, False
    try:
        return json.loads(body), False
    except ValueError:
        return None, True


def _video_changes(body: Any, uid: str) -> dict[str, Any]:
    """The editable fields of `POST …/stream/{uid}` the sandbox understands."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object of the fields to change.")
    if "uid" in body and body["uid"] != uid:
        raise bad_request(f"uid in the body ({body['uid']!r}) does not match the video in the URL.")
    changes: dict[str, Any] = {}
    if "requireSignedURLs" in body:
        if not isinstance(body["requireSignedURLs"], bool):
            raise bad_request("requireSignedURLs must be true or false.")
        changes["requireSignedURLs"] = body["requireSignedURLs"]
    if "allowedOrigins" in body:
        origins = body["allowedOrigins"]
        if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
            raise bad_request("allowedOrigins must be a list of host names.")
        changes["allowedOrigins"] = origins
    if "meta" in body:
        if not isinstance(body["meta"], dict):
            raise bad_request("meta must be an object.")
        changes["meta"] = body["meta"]
    return changes


def _filter_videos(videos: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    search = query.get("search", "").casefold()
    if search:
        videos = [v for v in videos if search in _name(v).casefold()]
    if "video_name" in query:  # the newer, exact-match filter
        videos = [v for v in videos if _name(v) == query["video_name"]]
    if "status" in query:
        videos = [v for v in videos if v["status"]["state"] == query["status"]]
    if _flag(query, "asc"):
        videos = list(reversed(videos))  # the account keeps them newest first
    return videos


def _name(video: dict[str, Any]) -> str:
    meta = video.get("meta")
    return str(meta.get("name", "")) if isinstance(meta, dict) else ""


def _flag(query: dict[str, str], name: str) -> bool:
    value = query.get(name, "false").lower()
    if value not in ("true", "false"):
        raise bad_request(f"{name} must be true or false, not {query[name]!r}.")
    return value == "true"


def _after_cursor(videos: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    after = _timestamp(query, "after", "start")
    before = _timestamp(query, "before", "end")
    if after is not None:
        videos = [v for v in videos if created_at(v) > after]
    if before is not None:
        videos = [v for v in videos if created_at(v) < before]
    return videos


def _timestamp(query: dict[str, str], name: str, alias: str) -> datetime | None:
    key = name if name in query else alias
    if key not in query:
        return None
    try:
        moment = datetime.fromisoformat(query[key])
    except ValueError:
        raise bad_request(
            f"{key} must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z."
        ) from None
    if moment.tzinfo is None:
        raise bad_request(f"{key} needs a time zone, e.g. a trailing Z for UTC.")
    return moment


def _limit(query: dict[str, str]) -> int:
    raw = query.get("limit")
    if raw is None:
        return _MAX_LIST
    if not raw.isdigit() or not 1 <= int(raw) <= _MAX_LIST:
        raise bad_request(f"limit must be a whole number from 1 to {_MAX_LIST}, not {raw!r}.")
    return int(raw)
