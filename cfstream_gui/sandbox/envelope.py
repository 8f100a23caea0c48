"""Cloudflare's v4 JSON envelope and the error codes the sandbox answers with.

Cloudflare documents almost no error codes for the Stream endpoints (reference §1). The codes
below are the ones seen in the wild where there is one (10000, 1000, 9106, 6003/6111, 7003, 971);
the rest (10003, 10005, 10002) are the sandbox's own choice, kept in Stream's 10000 range so a
client that shows `errors[].code` shows something plausible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AUTH_ERROR = (10000, "Authentication error")
INVALID_API_TOKEN = (1000, "Invalid API Token")
MISSING_AUTH_HEADERS = (9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers")
INVALID_HEADERS = (6003, "Invalid request headers")
INVALID_AUTH_HEADER_FORMAT = (6111, "Invalid format for Authorization header")
NO_ROUTE = (7003, "No route for the URI")
RATE_LIMITED = (971, "Please wait and consider throttling your request speed")
NOT_FOUND_CODE = 10003
BAD_REQUEST_CODE = 10005
INTERNAL_ERROR = (10002, "Internal server error")
TOKEN_VALID_MESSAGE = (10000, "This API Token is valid and active")


class ApiFailure(Exception):
    """Raised by a route handler to answer with a Cloudflare failure envelope."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        chain: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.chain = chain


def bad_request(message: str) -> ApiFailure:
    """HTTP 400 for a request that breaks a documented rule; `message` names the field."""
    return ApiFailure(400, BAD_REQUEST_CODE, message)


@dataclass
class Reply:
    """What a route handler hands back: the `result` plus envelope extras."""

    result: Any
    status: int = 200
    messages: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # top-level keys such as total / range


def success(reply: Reply) -> dict[str, Any]:
    body: dict[str, Any] = {
        "result": reply.result,
        "success": True,
        "errors": [],
        "messages": reply.messages,
    }
    body.update(reply.extra)
    return body


def failure(code: int, message: str, chain: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if chain:
        error["error_chain"] = chain
    return {"result": None, "success": False, "errors": [error], "messages": []}


def default_error(status: int) -> tuple[int, str]:
    """The code and message Cloudflare would most plausibly send with a bare HTTP status."""
    if status in (401, 403):
        return AUTH_ERROR
    if status == 404:
        return NO_ROUTE
    if status == 429:
        return RATE_LIMITED
    if status >= 500:
        return INTERNAL_ERROR
    return BAD_REQUEST_CODE, "Bad request"
