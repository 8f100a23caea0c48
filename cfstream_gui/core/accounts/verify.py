"""Does this API token work for this account, and what can it do?

Cloudflare answers the first question (`verify_token`: the account endpoint, which account-owned
tokens need, then the user one). Its permissions are not listed anywhere a token can read, so
the second is answered by trying: listing one page of videos is harmless and proves Stream
Read. Stream Edit, which creating tokens and signing keys needs, could only be proved by
changing the account, so it is said, not tested. The list read also finds the account's
customer code on a video's URLs, when there is a video.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfstream_gui.core.cloudflare import AuthError, NotFound, StreamClient, TokenStatus
from cfstream_gui.core.urls import customer_code_from_video

# Enough videos that one with playback URLs (and so the customer code) is likely among them,
# few enough that the answer stays small.
PROBE_VIDEOS = 10

STREAM_EDIT_NOTE = (
    "Creating tokens and signing keys needs Stream Edit; that cannot be checked without "
    "changing the account, so it shows when you first create one."
)


@dataclass(frozen=True)
class AccountCheck:
    """What Cloudflare said about a token and an account."""

    status: TokenStatus
    reads_videos: bool | None  # None: not tried (the token is not active)
    video_total: int | None = None  # videos in the account, when Cloudflare counted them
    customer_code: str | None = None  # found on one of the videos' URLs
    read_problem: str = ""  # why the list was refused, in Cloudflare's words

    @property
    def active(self) -> bool:
        return self.status.is_active

    def sentences(self) -> list[str]:
        """What the token can do, one sentence per line, for the dialog."""
        if not self.active:
            return [
                f"Cloudflare says this API token is {self.status.status}.",
                "Create a new token with Stream Edit permission in the dashboard.",
            ]
        until = ""
        if self.status.expires_on is not None:
            until = f" until {self.status.expires_on:%Y-%m-%d %H:%M} UTC"
        lines = [f"Cloudflare accepts this API token{until}."]
        if self.reads_videos:
            lines.append(f"It can read this account's videos (Stream Read): {self._count()}.")
        else:
            lines.append(
                f"It cannot list this account's videos: {self.read_problem} Check the account "
                "ID, and that the token has Stream Read or Stream Edit for this account."
            )
        lines.append(STREAM_EDIT_NOTE)
        if self.customer_code:
            lines.append(
                f"Customer code {self.customer_code} found on a video: playback links use it."
            )
        elif self.reads_videos:
            lines.append(
                "No customer code was found (no video has playback URLs yet): links show once "
                "you type it, or it is found on the first video you make a token for."
            )
        return lines

    def _count(self) -> str:
        if self.video_total is None:
            return "the list answered"
        if self.video_total == 0:
            return "the account has no videos yet"
        return f"{self.video_total:,} video{'s' if self.video_total != 1 else ''}"


async def check_account(client: StreamClient, account_id: str) -> AccountCheck:
    """Ask Cloudflare about the client's token and `account_id`. A refused token raises
    AuthError (nothing more can be learnt); other ApiErrors (no network, a rate limit) are
    raised as they are, since they say nothing about the token."""
    status = await client.verify_token(account_id or None)
    if not status.is_active or not account_id:
        return AccountCheck(status, reads_videos=None)
    try:
        listing = await client.list_videos_page(account_id, limit=PROBE_VIDEOS, include_counts=True)
    except (AuthError, NotFound) as exc:
        # The token is fine but not for this account's videos (or the account ID is wrong).
        return AccountCheck(status, reads_videos=False, read_problem=exc.message)
    total = listing.total
    if total is None and len(listing.videos) < PROBE_VIDEOS:
        total = len(listing.videos)  # a short page is the whole list
    code = next((c for c in map(customer_code_from_video, listing.videos) if c is not None), None)
    return AccountCheck(status, reads_videos=True, video_total=total, customer_code=code)
