"""What `create` prints on stdout: only the thing asked for, so `$(cfstream-token ...)` works.

A token from the API is printed only if it looks like one (base64url and dots): anything else
could carry terminal escapes. JSON is written ASCII-escaped, and URLs pass `safe_text`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TextIO

from cfstream_gui.core.token_service import TokenResult
from cfstream_gui.core.tokens import DecodedToken
from cfstream_gui.core.urls import URL_KINDS, PlaybackUrls

from .errors import UsageError
from .terminal import require_printable_token, safe_text

URL_OUTPUTS: frozenset[str] = frozenset(URL_KINDS)


def render(output: str, result: TokenResult, out: TextIO) -> None:
    token = require_printable_token(result.token)
    if output == "token":
        print(token, file=out)
        return
    urls = _urls(result.urls)
    if output == "json":
        # ensure_ascii (the default) writes control characters in claims as \u escapes.
        json.dump(json_document(token, result.decoded, urls), out, indent=2, ensure_ascii=True)
        out.write("\n")
        return
    url = urls.get(output)
    if url is None:
        # Links were required, so only a refused link (e.g. the profile's delivery base URL)
        # gets here; links_note says why.
        raise UsageError(f"No {output} URL could be made: {result.links_note}")
    print(safe_text(url), file=out)


def json_document(token: str, decoded: DecodedToken, urls: dict[str, str]) -> dict[str, Any]:
    return {
        "token": token,
        "claims": _claims(decoded),
        "expires": _iso_utc(decoded.exp),
        "expires_local": _iso_local(decoded.exp),
        "not_before": _iso_utc(decoded.nbf),
        "not_before_local": _iso_local(decoded.nbf),
        "urls": urls,
    }


def _claims(decoded: DecodedToken) -> dict[str, Any]:
    """The token's claims with `exp` and `nbf` as numbers whoever signed it: Cloudflare's
    `/token` writes them as strings of digits and local signing as numbers, and a script
    reading the JSON should not have to care which engine made the token."""
    claims = dict(decoded.claims)
    for name, epoch in (("exp", decoded.exp), ("nbf", decoded.nbf)):
        if epoch is not None:
            claims[name] = epoch
    return claims


def _urls(pack: PlaybackUrls | None) -> dict[str, str]:
    """kind -> URL for the kinds that exist (mp4 only for a downloadable token)."""
    if pack is None:
        return {}
    found = {kind: pack.get(kind) for kind in URL_KINDS}
    return {kind: url for kind, url in found.items() if url is not None}


def _iso_local(epoch: int | None) -> str | None:
    """The same moment in this machine's time zone, with its offset (e.g. +01:00); None for
    a claim beyond what a calendar holds (a hostile `exp` of 1e308), which `claims` shows."""
    moment = _moment(epoch)
    return None if moment is None else moment.astimezone().isoformat(timespec="seconds")


def _iso_utc(epoch: int | None) -> str | None:
    moment = _moment(epoch)
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(epoch: int | None) -> datetime | None:
    if epoch is None:
        return None
    try:
        return datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, ValueError, OSError):
        return None
