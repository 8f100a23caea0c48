"""What `create` prints on stdout: only the thing asked for, so `$(cfstream-token ...)` works."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TextIO

from cfstream_gui.core.tokens import decode_token
from cfstream_gui.core.urls import URL_KINDS, playback_urls

URL_OUTPUTS: frozenset[str] = frozenset(URL_KINDS)


def render(
    output: str,
    token: str,
    *,
    customer_code: str | None,
    downloadable: bool,
    delivery_base: str | None,
    out: TextIO,
) -> None:
    if output == "token":
        print(token, file=out)
        return
    urls = _urls(customer_code, token, downloadable, delivery_base)
    if output == "json":
        json.dump(json_document(token, urls), out, indent=2)
        out.write("\n")
        return
    url = urls.get(output)
    if url is None:
        # The caller checks mp4 + downloadable and finds the code first; this is a broken promise.
        raise RuntimeError(f"no {output} URL was built")
    print(url, file=out)


def json_document(token: str, urls: dict[str, str]) -> dict[str, Any]:
    decoded = decode_token(token)
    return {
        "token": token,
        "claims": decoded.claims,
        "expires": _iso_utc(decoded.exp),
        "expires_local": _iso_local(decoded.exp),
        "not_before": _iso_utc(decoded.nbf),
        "not_before_local": _iso_local(decoded.nbf),
        "urls": urls,
    }


def _urls(
    customer_code: str | None, token: str, downloadable: bool, delivery_base: str | None
) -> dict[str, str]:
    """kind -> URL for the kinds that exist (mp4 only for a downloadable token)."""
    if customer_code is None:
        return {}
    pack = playback_urls(
        customer_code, token, downloadable=downloadable, delivery_base=delivery_base
    )
    found = {kind: pack.get(kind) for kind in URL_KINDS}
    return {kind: url for kind, url in found.items() if url is not None}


def _iso_local(epoch: int | None) -> str | None:
    """The same moment in this machine's time zone, with its offset (e.g. +01:00)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).astimezone().isoformat(timespec="seconds")


def _iso_utc(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
