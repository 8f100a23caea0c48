"""What the edge can say about one playback request, as a word a script can branch on.

The sandbox's edge sends the verdict in an `X-Sandbox-Verdict` header (and the deciding rule's
1-based number in `X-Sandbox-Rule`), so the playback check reads exactly why a request was
refused. Cloudflare's edge says only an HTTP status; `core.playback_check` then works out the
likely verdict from the status and the token's own claims.
"""

from __future__ import annotations

from enum import StrEnum

VERDICT_HEADER = "X-Sandbox-Verdict"
RULE_HEADER = "X-Sandbox-Rule"


class EdgeVerdict(StrEnum):
    PLAYS = "plays"
    NEEDS_TOKEN = "needs-signed-url"  # the video requires signed URLs; the link has its bare ID
    BAD_TOKEN = "bad-token"  # not a readable Stream token
    WRONG_KEY = "wrong-key"  # signed by a key the account does not have, or a bad signature
    KEY_REVOKED = "key-revoked"
    WRONG_VIDEO = "wrong-video"  # the token is for another video
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    BLOCKED = "blocked-by-rule"
    VIDEO_NOT_FOUND = "video-not-found"
    NOT_READY = "still-encoding"
    MP4_NOT_ENABLED = "mp4-not-enabled"  # the video's downloads are off
    NOT_DOWNLOADABLE = "not-downloadable"  # the token lacks `downloadable`
    REFUSED = "refused"  # refused for a reason the edge did not say
    UNREACHABLE = "unreachable"  # no answer at all

    def words(self, rule_number: int | None = None) -> str:
        """The verdict for a person: 'plays', 'blocked by rule 2', 'MP4 not enabled'."""
        if self is EdgeVerdict.BLOCKED and rule_number is not None:
            return f"blocked by rule {rule_number}"
        return _WORDS[self]


_WORDS = {
    EdgeVerdict.PLAYS: "plays",
    EdgeVerdict.NEEDS_TOKEN: "needs a signed URL",
    EdgeVerdict.BAD_TOKEN: "not a valid token",
    EdgeVerdict.WRONG_KEY: "wrong key",
    EdgeVerdict.KEY_REVOKED: "signing key revoked",
    EdgeVerdict.WRONG_VIDEO: "token is for another video",
    EdgeVerdict.EXPIRED: "expired",
    EdgeVerdict.NOT_YET_VALID: "not yet valid",
    EdgeVerdict.BLOCKED: "blocked by a rule",
    EdgeVerdict.VIDEO_NOT_FOUND: "video not found",
    EdgeVerdict.NOT_READY: "video still encoding",
    EdgeVerdict.MP4_NOT_ENABLED: "MP4 not enabled",
    EdgeVerdict.NOT_DOWNLOADABLE: "token does not allow downloads",
    EdgeVerdict.REFUSED: "refused",
    EdgeVerdict.UNREACHABLE: "no answer",
}
