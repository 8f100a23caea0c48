"""Small helpers shared by the sandbox tests."""

from __future__ import annotations

from typing import Any

import httpx

from cfstream_gui.sandbox import Sandbox

NOW = 1_800_000_000  # the clock every sandbox test starts from (2027-01-15)


def stream(path: str = "") -> str:
    return f"/accounts/{Sandbox.DEMO_ACCOUNT_ID}/stream{path}"


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The single error of a Cloudflare failure envelope, after checking the envelope."""
    body = response.json()
    assert body["success"] is False
    assert body["result"] is None
    assert len(body["errors"]) == 1
    error: dict[str, Any] = body["errors"][0]
    # The spec says codes are >= 1000, yet Cloudflare's real rate-limit code is 971.
    assert isinstance(error["code"], int) and error["code"] > 0
    assert error["message"]
    return error


def create_key(api: httpx.Client) -> dict[str, Any]:
    """A new signing key on the demo account, as the API returns it (id, pem, jwk, created)."""
    created: dict[str, Any] = api.post(stream("/keys")).json()["result"]
    return created
