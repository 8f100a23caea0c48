"""Whatever a user pastes into the video field ends up as the video UID."""

from __future__ import annotations

import jwt
import pytest

from cfstream_gui.core.video_ids import VideoReference, is_video_uid, parse_video_reference

UID = "ea95132c15732412d22c1476fa83f27a"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"  {UID}\n", None),
        (f"https://customer-m033z5x00ks6nunl.cloudflarestream.com/{UID}/watch", "m033z5x00ks6nunl"),
        (f"https://customer-abc123.cloudflarestream.com/{UID}/iframe?autoplay=true", "abc123"),
        (f"https://customer-abc123.cloudflarestream.com/{UID}/manifest/video.m3u8", "abc123"),
        (f"https://customer-abc123.cloudflarestream.com/{UID}/thumbnails/thumbnail.jpg", "abc123"),
        (f"https://iframe.videodelivery.net/{UID}", None),
        (f"https://watch.videodelivery.net/{UID}", None),
        (f"https://videodelivery.net/{UID}/manifest/video.mpd", None),
        (f"customer-abc123.cloudflarestream.com/{UID}/watch", "abc123"),
        (
            f'<iframe src="https://customer-abc123.cloudflarestream.com/{UID}/iframe" '
            'style="border: none" allowfullscreen="true"></iframe>',
            "abc123",
        ),
    ],
)
def test_uid_is_found_in_pasted_text(text: str, code: str | None) -> None:
    ref = parse_video_reference(text)
    assert ref.uid == UID
    assert ref.customer_code == code


def test_upper_case_uid_is_lowered() -> None:
    assert parse_video_reference(UID.upper()) == VideoReference(UID)


def test_signed_link_gives_the_video_it_was_made_for() -> None:
    token = jwt.encode(
        {"sub": UID, "kid": "k"}, "a-test-only-hmac-key-that-is-32-bytes-long", algorithm="HS256"
    )
    ref = parse_video_reference(f"https://customer-abc123.cloudflarestream.com/{token}/watch")
    assert ref == VideoReference(UID, "abc123", from_url=True)


@pytest.mark.parametrize(
    "text",
    ["not-a-uid", f"https://example.com/{UID}/watch", "https://customer-x.cloudflarestream.com/"],
)
def test_anything_else_is_passed_through_trimmed_for_validation(text: str) -> None:
    ref = parse_video_reference(f" {text} ")
    assert ref.uid == text
    assert not ref.from_url


def test_is_video_uid() -> None:
    assert is_video_uid(UID)
    assert not is_video_uid(UID[:-1])
    assert not is_video_uid("g" * 32)
