"""The HTML the sandbox's watch and iframe URLs answer with: what the edge decided, and why.

Every value that reaches the page (video names, token claims, reasons) can come from a user or
a token, so all of it goes through `html.escape`; the page loads nothing from anywhere else.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cfstream_gui.core.edge_verdicts import EdgeVerdict
from cfstream_gui.core.tokens import DecodedToken

# Belt and braces on top of escaping: no script runs, only same-origin images load.
PAGE_HEADERS = {
    "Cache-Control": "no-store",  # a token's page changes as the clock moves
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f6f6; color: #222; }
main { max-width: 46rem; margin: 2rem auto; padding: 1.5rem; background: #fff;
       border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
body.iframe main { margin: 0; max-width: none; box-shadow: none; border-radius: 0; }
.badge { font-size: .8rem; color: #666; margin: 0; }
h1 { font-size: 1.4rem; margin: .3rem 0 1rem; }
.allowed h1 { color: #1a7f37; } .refused h1 { color: #b42318; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
img { display: block; margin: 1rem 0; border-radius: 4px; }
.decided { font-weight: 600; }
code { font-size: .9em; }
"""


@dataclass(frozen=True)
class Access:
    """What the edge decided for one delivery URL."""

    status: int  # 200 plays, 401 needs a token, 403 refused, 404 no such video
    reason: str  # one or two sentences for a person
    video: dict[str, Any] | None
    token: DecodedToken | None  # the path segment's token, when it could be read
    viewer_ip: str
    country: str
    rule_index: int | None = None  # 0-based access rule that decided, if one did
    verdict: EdgeVerdict = EdgeVerdict.PLAYS  # the same decision as a word, for scripts

    @property
    def allowed(self) -> bool:
        return self.status == 200

    @property
    def video_name(self) -> str:
        if self.video is None:
            return "Unknown video"
        return str(self.video.get("meta", {}).get("name") or self.video["uid"])

    @property
    def ready(self) -> bool:
        return self.video is not None and self.video.get("readyToStream") is True


def html_page(access: Access, *, asset: str, now: int, links: dict[str, str]) -> bytes:
    """The page for `asset` ("watch" or "iframe"); `links` are the other URLs, by label."""
    esc = html.escape
    mood = "allowed" if access.allowed else "refused"
    body = [
        '<p class="badge">Cloudflare Stream sandbox on this computer: not a real player</p>',
        f"<h1>{esc(_heading(access))}</h1>",
        f"<p>{esc(access.reason)}</p>",
    ]
    if access.allowed:
        body += _allowed_details(access, now, links)
    else:
        body += [_hint(access), _facts(_all_facts(access, now))]
    return _document(access.video_name, f"{asset} {mood}", "\n".join(body))


def _document(title: str, body_class: str, content: str) -> bytes:
    text = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} · Stream sandbox</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n"
        f'<body class="{html.escape(body_class)}">\n<main>\n{content}\n</main>\n</body>\n</html>\n'
    )
    return text.encode("utf-8")


def _heading(access: Access) -> str:
    if access.allowed:
        if access.token is None:
            return f"Playing {access.video_name}"
        return f"Allowed: this token plays {access.video_name}"
    if access.status == 401:
        return f"Signed URL required: {access.video_name}"
    if access.status == 404:
        return "Video not found"
    return f"Refused: {access.video_name}"


def _hint(access: Access) -> str:
    """What the person looking at a refusal can do about it."""
    if access.status == 401 and access.video is not None:
        uid = html.escape(str(access.video["uid"]))
        return (
            f"<p>Create a token for this video, for example with "
            f"<code>cfstream-token --sandbox create {uid}</code>, and open the link it gives."
            "</p>"
        )
    if access.status == 404:
        return "<p>Check that the whole link was copied.</p>"
    return "<p>Create a new token that fits this viewer, or change the access rules.</p>"


def _allowed_details(access: Access, now: int, links: dict[str, str]) -> list[str]:
    esc = html.escape
    parts: list[str] = []
    if access.ready:
        alt = f"Thumbnail of {access.video_name}"
        src = links.get("Thumbnail", "")
        parts.append(f'<img src="{esc(src)}" alt="{esc(alt)}" width="320" height="180">')
    else:
        parts.append(
            "<p>The video is still encoding, so there is nothing to play yet; its manifests "
            "and thumbnail appear when it is ready.</p>"
        )
    parts.append(_facts(_all_facts(access, now)))
    if access.ready and links:
        items = "".join(
            f'<li><a href="{esc(url)}">{esc(label)}</a></li>' for label, url in links.items()
        )
        parts.append(f"<h2>Links</h2>\n<ul>{items}</ul>")
    return parts


def _facts(rows: list[tuple[str, str]]) -> str:
    """A definition list; values are already HTML (each built with escaping)."""
    items = "".join(f"<dt>{html.escape(name)}</dt><dd>{value}</dd>" for name, value in rows)
    return f"<dl>{items}</dl>"


def _all_facts(access: Access, now: int) -> list[tuple[str, str]]:
    facts = _video_facts(access) if access.video is not None else []
    if access.token is not None:
        facts += _token_facts(access, access.token, now)
    return facts + _viewer_facts(access)


def _video_facts(access: Access) -> list[tuple[str, str]]:
    esc = html.escape
    video = access.video or {}
    signed = "required" if video.get("requireSignedURLs") else "not required (public)"
    return [
        ("Video", f"{esc(access.video_name)} (<code>{esc(str(video.get('uid', '')))}</code>)"),
        ("Signed URLs", signed),
    ]


def _token_facts(access: Access, token: DecodedToken, now: int) -> list[tuple[str, str]]:
    esc = html.escape
    rows = [
        ("Expires", esc(_when(token.exp, now) if token.exp is not None else "never (no exp)")),
        ("Not before", esc(_when(token.nbf, now) if token.nbf is not None else "not set")),
        ("Downloadable", "yes" if token.downloadable else "no"),
        ("Signing key", f"<code>{esc(token.kid or 'none')}</code>"),
        ("Access rules", _rules(token.access_rules, access.rule_index)),
    ]
    return rows


def _viewer_facts(access: Access) -> list[tuple[str, str]]:
    esc = html.escape
    return [
        ("Viewer IP", f"<code>{esc(access.viewer_ip)}</code>"),
        ("Viewer country", f"<code>{esc(access.country)}</code>"),
    ]


def _rules(rules: list[dict[str, Any]], decided: int | None) -> str:
    if not rules:
        return "none: any viewer may watch"
    items = []
    for index, rule in enumerate(rules):
        values = rule.get("country") or rule.get("ip") or []
        text = f"{rule.get('action')} {rule.get('type')}"
        if isinstance(values, list) and values:
            text += ": " + ", ".join(str(value) for value in values)
        css = ' class="decided"' if index == decided else ""
        mark = " (decided)" if index == decided else ""
        items.append(f"<li{css}>{html.escape(text + mark)}</li>")
    return f"<ol>{''.join(items)}</ol>"


def _when(epoch: int, now: int) -> str:
    stamp = datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    delta = epoch - now
    if delta >= 0:
        return f"{stamp} (in {_span(delta)})"
    return f"{stamp} ({_span(-delta)} ago)"


def _span(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
