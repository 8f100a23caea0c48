"""Does it really play? Ask the edge for the thumbnail and the HLS manifest with the token.

The answer is said in words: plays, expired, not yet valid, wrong key, blocked by rule N, video
not found, MP4 not enabled. The sandbox's edge says exactly why in its `X-Sandbox-Verdict`
header, and takes the viewer to ask as from its `CF-Connecting-IP` and `CF-IPCountry` headers.
Cloudflare's edge says only an HTTP status and always judges the address the request comes
from; so for a real link the words come from the status and the token's own claims, and a
viewer asked about is checked with the simulator, which the report says plainly.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import httpx

from cfstream_gui.core.edge_verdicts import RULE_HEADER, VERDICT_HEADER, EdgeVerdict
from cfstream_gui.core.playback_target import PlaybackTarget
from cfstream_gui.core.simulate import Outcome, SimulationError, Viewer, rules_from_claims, simulate
from cfstream_gui.core.tokens import DecodedToken, TokenDecodeError, decode_token

ASSETS = {
    "thumbnail": "thumbnails/thumbnail.jpg",
    "hls": "manifest/video.m3u8",
    "mp4": "downloads/default.mp4",
}
ASSET_LABELS = {"thumbnail": "thumbnail", "hls": "HLS manifest", "mp4": "MP4 download"}
_DETAIL_BYTES = 2048  # of a refusal's body, for its reason; a 4 GB MP4 is never read
# Stream's thumbnails are tens of kilobytes; an answer far larger is not one worth showing.
THUMBNAIL_MAX_BYTES = 4 * 1024 * 1024
_TIMEOUT = 15.0


@dataclass(frozen=True)
class AssetCheck:
    kind: str  # "thumbnail", "hls" or "mp4"
    status: int | None  # HTTP status; None when there was no answer
    verdict: EdgeVerdict
    rule_number: int | None = None  # 1-based rule that blocked, when one did
    detail: str = ""  # the edge's own reason, or ours, in a sentence
    image: bytes | None = None  # the thumbnail as served, when it loaded (and was not huge)

    @property
    def words(self) -> str:
        return self.verdict.words(self.rule_number)


@dataclass(frozen=True)
class PlaybackReport:
    assets: tuple[AssetCheck, ...]
    sandbox: bool  # the edge was a sandbox, which judged the viewer asked about
    viewer: Viewer | None
    simulated: Outcome | None  # the simulator's answer for that viewer, for a real edge

    @property
    def verdict(self) -> AssetCheck:
        """What decides whether the video plays: the first of thumbnail and manifest that
        fails, else the manifest."""
        playing = [a for a in self.assets if a.kind != "mp4"]
        return next((a for a in playing if a.verdict is not EdgeVerdict.PLAYS), playing[-1])

    @property
    def plays(self) -> bool:
        return self.verdict.verdict is EdgeVerdict.PLAYS

    def asset(self, kind: str) -> AssetCheck | None:
        return next((a for a in self.assets if a.kind == kind), None)

    @property
    def headline(self) -> str:
        """The verdict in words, and the MP4's when only the download fails: 'plays',
        'blocked by rule 2', 'plays, but the MP4 download: MP4 not enabled'."""
        words = self.verdict.words
        mp4 = self.asset("mp4")
        if self.plays and mp4 is not None and mp4.verdict is not EdgeVerdict.PLAYS:
            return f"{words}, but the MP4 download: {mp4.words}"
        return words

    @property
    def thumbnail(self) -> bytes | None:
        found = self.asset("thumbnail")
        return found.image if found is not None else None

    @property
    def notes(self) -> tuple[str, ...]:
        """What a person must know to read the verdict: a real edge judged this computer's
        address, not the viewer asked about; the token's rules were simulated for that one."""
        if self.viewer is None or self.sandbox:
            return ()
        notes = [
            "Cloudflare judged the address this computer connects from, not "
            f"{self.viewer.describe()}."
        ]
        if self.simulated is not None:
            notes.append(f"For that viewer the token's rules say: {self.simulated.reason}")
        return tuple(notes)


async def check_playback(
    target: PlaybackTarget,
    *,
    now: int,
    viewer: Viewer | None = None,
    client: httpx.AsyncClient | None = None,
) -> PlaybackReport:
    """Fetch the thumbnail and manifest (and the MP4, for a downloadable token) as `viewer`."""
    decoded = _decoded(target.token)
    kinds = ["thumbnail", "hls"] + (["mp4"] if decoded and decoded.downloadable else [])
    headers = _viewer_headers(viewer) if target.is_sandbox else {}
    owned = client is None
    http = client or playback_client(target)
    try:
        checks = [await _fetch(http, target, kind, headers) for kind in kinds]
    finally:
        if owned:
            await http.aclose()
    simulated = None if target.is_sandbox else _simulated(decoded, viewer)
    if not target.is_sandbox:
        checks = [_explained(check, decoded, now, simulated, checks) for check in checks]
    return PlaybackReport(tuple(checks), target.is_sandbox, viewer, simulated)


def playback_client(target: PlaybackTarget) -> httpx.AsyncClient:
    """The HTTP client a check of `target` uses. Building one makes a TLS context, which takes
    a moment: the window builds it in a worker thread and passes it to `check_playback`."""
    # No proxy for a sandbox on loopback; for Cloudflare, whatever this computer is set up for.
    return httpx.AsyncClient(timeout=_TIMEOUT, trust_env=not target.is_sandbox)


def _decoded(token: str) -> DecodedToken | None:
    try:
        return decode_token(token)
    except TokenDecodeError:
        return None


def _viewer_headers(viewer: Viewer | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if viewer is not None and viewer.ip is not None:
        headers["CF-Connecting-IP"] = str(viewer.ip)
    if viewer is not None and viewer.country is not None:
        headers["CF-IPCountry"] = viewer.country
    return headers


async def _fetch(
    http: httpx.AsyncClient, target: PlaybackTarget, kind: str, headers: dict[str, str]
) -> AssetCheck:
    try:
        async with http.stream("GET", target.url(ASSETS[kind]), headers=headers) as response:
            status = response.status_code
            said = response.headers.get(VERDICT_HEADER)
            rule = response.headers.get(RULE_HEADER, "")
            body = b"" if status < 300 else await _first_bytes(response, _DETAIL_BYTES)
            image = await _image(response) if kind == "thumbnail" and status < 300 else None
    except httpx.HTTPError as exc:
        detail = f"The edge did not answer ({type(exc).__name__}); check the link and network."
        return AssetCheck(kind, None, EdgeVerdict.UNREACHABLE, None, detail)
    verdict = _verdict(said, status)
    number = int(rule) if rule.isascii() and rule.isdigit() and len(rule) < 3 else None
    detail = _reason(body) if target.is_sandbox else ""
    return AssetCheck(kind, status, verdict, number, detail, image)


async def _image(response: httpx.Response) -> bytes | None:
    """The thumbnail's bytes to show; None when too large or cut off (the edge did say yes)."""
    try:
        image = await _first_bytes(response, THUMBNAIL_MAX_BYTES + 1)
    except httpx.HTTPError:
        return None
    return image if 0 < len(image) <= THUMBNAIL_MAX_BYTES else None


async def _first_bytes(response: httpx.Response, limit: int) -> bytes:
    read = bytearray()
    chunks = response.aiter_bytes()
    try:
        async for chunk in chunks:
            read += chunk
            if len(read) >= limit:
                break
    finally:
        # Closed here when reading stops early, as in cloudflare/_body.py: an abandoned stream
        # generator left to the event loop is reported as a destroyed pending task.
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()
    return bytes(read[:limit])


def _verdict(said: str | None, status: int) -> EdgeVerdict:
    if said is not None:
        with contextlib.suppress(ValueError):
            return EdgeVerdict(said.strip())
    if 200 <= status < 300:
        return EdgeVerdict.PLAYS
    if status == 404:
        return EdgeVerdict.VIDEO_NOT_FOUND
    return EdgeVerdict.REFUSED


def _reason(body: bytes) -> str:
    """The sandbox's one-line reason ('403 Forbidden: The token expired 5 seconds ago.')."""
    line = body.decode("utf-8", "replace").strip().splitlines()[:1]
    text = line[0] if line else ""
    return text.split(": ", 1)[1] if ": " in text else text


def _simulated(decoded: DecodedToken | None, viewer: Viewer | None) -> Outcome | None:
    if decoded is None or viewer is None:
        return None
    try:
        return simulate(rules_from_claims(decoded.claims.get("accessRules")), viewer)
    except SimulationError:
        return None


def _explained(
    check: AssetCheck,
    decoded: DecodedToken | None,
    now: int,
    simulated: Outcome | None,
    checks: list[AssetCheck],
) -> AssetCheck:
    """A real edge's bare status, read with what the token itself says."""
    if check.verdict is not EdgeVerdict.REFUSED:
        return check
    guess, detail, number = _guess(check.kind, decoded, now, checks)
    return AssetCheck(check.kind, check.status, guess, number, detail)


def _guess(
    kind: str, decoded: DecodedToken | None, now: int, checks: list[AssetCheck]
) -> tuple[EdgeVerdict, str, int | None]:
    said = "Cloudflare refused it"
    if decoded is None:
        return EdgeVerdict.BAD_TOKEN, f"{said}: it is not a readable token.", None
    if decoded.exp is not None and now >= decoded.exp:
        return EdgeVerdict.EXPIRED, f"{said}: the token's expiry has passed.", None
    if decoded.nbf is not None and now < decoded.nbf:
        return EdgeVerdict.NOT_YET_VALID, f"{said}: the token's start time is still ahead.", None
    if kind == "mp4":
        if not decoded.downloadable:
            return EdgeVerdict.NOT_DOWNLOADABLE, f"{said}: the token is not downloadable.", None
        if any(c.kind != "mp4" and c.verdict is EdgeVerdict.PLAYS for c in checks):
            detail = f"{said}: the video plays, so its MP4 downloads are most likely off."
            return EdgeVerdict.MP4_NOT_ENABLED, detail, None
    mine = _my_address_blocked(decoded)
    if mine is not None:
        detail = f"{said}: rule {mine} may block the address this computer connects from."
        return EdgeVerdict.BLOCKED, detail, mine
    detail = (
        f"{said}, though the token's times are fine: most likely its signing key is wrong or "
        "revoked."
    )
    return EdgeVerdict.WRONG_KEY, detail, None


def _my_address_blocked(decoded: DecodedToken) -> int | None:
    """The first block rule that could match an unknown address: Cloudflare judged this
    computer's own address, which the check does not know."""
    try:
        rules = rules_from_claims(decoded.claims.get("accessRules"))
    except SimulationError:
        return None
    for index, rule in enumerate(rules):
        if rule.action == "block":
            return index + 1
    return None
