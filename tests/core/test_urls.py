"""Playback links built from a token, and the customer code read off a video."""

from __future__ import annotations

import html.parser
from typing import Any

import pytest

from cfstream_gui.core.urls import (
    URL_KIND_LABELS,
    URL_KINDS,
    PlaybackUrls,
    customer_code_from_host,
    customer_code_from_video,
    delivery_base_problem,
    link_base,
    parse_customer_code,
    playback_urls,
)

CODE = "m033z5x00ks6nunl"
UID = "ea95132c15732412d22c1476fa83f27a"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_"
HOST = f"https://customer-{CODE}.cloudflarestream.com"


def _video(**fields: Any) -> dict[str, Any]:
    return {"uid": UID, **fields}


# -- customer code ----------------------------------------------------------------------------


def test_customer_code_from_preview() -> None:
    video = _video(preview=f"{HOST}/{UID}/watch", thumbnail=f"{HOST}/{UID}/thumbnails/t.jpg")
    assert customer_code_from_video(video) == CODE


def test_customer_code_from_manifests_while_preview_is_missing() -> None:
    # preview and thumbnail are omitted until encoding finishes.
    video = _video(playback={"hls": f"{HOST}/{UID}/manifest/video.m3u8"})
    assert customer_code_from_video(video) == CODE
    video = _video(playback={"dash": f"{HOST}/{UID}/manifest/video.mpd"})
    assert customer_code_from_video(video) == CODE


def test_customer_code_skips_legacy_and_foreign_hosts() -> None:
    video = _video(
        preview=f"https://watch.videodelivery.net/{UID}",
        thumbnail=f"https://videodelivery.net/{UID}/thumbnails/thumbnail.jpg",
        playback={"hls": f"https://customer-f33zs165nr7gyfy4.cloudflarestream.com/{UID}/m"},
    )
    assert customer_code_from_video(video) == "f33zs165nr7gyfy4"


@pytest.mark.parametrize(
    "video",
    [
        {},
        _video(preview=None, playback=None),
        _video(preview=f"https://watch.videodelivery.net/{UID}"),
        _video(preview=f"https://customer-{CODE}.cloudflarestream.com.evil.example/{UID}"),
        _video(preview=f"https://customer-.cloudflarestream.com/{UID}/watch"),
        _video(preview=f"https://x.customer-{CODE}.cloudflarestream.com/{UID}/watch"),
        _video(preview="not a url at all"),
        _video(preview="http://[::1/broken"),
        _video(preview=12345, playback="hls"),
    ],
)
def test_no_customer_code_when_no_url_carries_one(video: dict[str, Any]) -> None:
    assert customer_code_from_video(video) is None


def test_customer_code_host_match_ignores_case_of_host() -> None:
    video = _video(preview=f"https://Customer-{CODE}.CloudflareStream.com/{UID}/watch")
    assert customer_code_from_video(video) == CODE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CODE, CODE),
        (f" {CODE.upper()} ", CODE),
        (f"customer-{CODE}", CODE),
        (f"customer-{CODE}.cloudflarestream.com", CODE),
        (f"{HOST}/{UID}/watch", CODE),
        ("a b", None),
        ("", None),
        (f"https://{CODE}", None),
        (f"customer-{CODE}.example.com", None),
    ],
)
def test_parse_customer_code_accepts_what_people_paste(text: str, expected: str | None) -> None:
    assert parse_customer_code(text) == expected


def test_customer_code_from_host_needs_the_whole_stream_host() -> None:
    assert customer_code_from_host(f"customer-{CODE}.cloudflarestream.com") == CODE
    assert customer_code_from_host(f"customer-{CODE}.cloudflarestream.com.evil.example") is None
    assert customer_code_from_host("iframe.videodelivery.net") is None


# -- playback links ---------------------------------------------------------------------------


def test_links_put_the_token_where_the_uid_goes() -> None:
    urls = playback_urls(CODE, TOKEN, downloadable=False)
    assert urls.iframe == f"{HOST}/{TOKEN}/iframe"
    assert urls.watch == f"{HOST}/{TOKEN}/watch"
    assert urls.hls == f"{HOST}/{TOKEN}/manifest/video.m3u8"
    assert urls.dash == f"{HOST}/{TOKEN}/manifest/video.mpd"
    assert urls.thumbnail == f"{HOST}/{TOKEN}/thumbnails/thumbnail.jpg"
    assert urls.mp4 is None


def test_mp4_link_only_when_downloadable() -> None:
    urls = playback_urls(CODE, TOKEN, downloadable=True)
    assert urls.mp4 == f"{HOST}/{TOKEN}/downloads/default.mp4"


def test_delivery_base_replaces_the_cloudflare_host() -> None:
    urls = playback_urls(CODE, TOKEN, downloadable=True, delivery_base="http://127.0.0.1:8765/")
    assert urls.iframe == f"http://127.0.0.1:8765/{TOKEN}/iframe"
    assert urls.mp4 == f"http://127.0.0.1:8765/{TOKEN}/downloads/default.mp4"
    assert "cloudflarestream.com" not in urls.embed


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_embed_is_cloudflares_responsive_iframe() -> None:
    urls = playback_urls(CODE, TOKEN, downloadable=False)
    parser = _Collector()
    parser.feed(urls.embed)
    tags = dict(parser.tags)
    assert list(tags) == ["div", "iframe"]
    assert tags["div"] == {"style": "position: relative; padding-top: 56.25%;"}
    assert tags["iframe"] == {
        "src": urls.iframe,
        "style": "border: none; position: absolute; top: 0; left: 0; height: 100%; width: 100%;",
        "allow": "accelerometer; gyroscope; autoplay; encrypted-media; picture-in-picture;",
        "allowfullscreen": "true",
    }
    assert urls.embed.endswith("</iframe></div>")
    assert "\n" not in urls.embed  # fits a one-line copy field


def test_embed_escapes_the_source_attribute() -> None:
    urls = playback_urls(CODE, TOKEN, downloadable=False, delivery_base='https://h/"a&b<')
    assert 'src="https://h/&quot;a&amp;b&lt;/' in urls.embed
    parser = _Collector()
    parser.feed(urls.embed)
    assert dict(parser.tags)["iframe"]["src"] == urls.iframe


def test_get_and_items_follow_url_kinds() -> None:
    urls = playback_urls(CODE, TOKEN, downloadable=False)
    assert [kind for kind, _ in urls.items()] == list(URL_KINDS)
    assert dict(urls.items())["mp4"] is None
    assert urls.get("hls") == urls.hls
    assert urls.get("embed") == urls.embed
    with pytest.raises(KeyError, match="Unknown link kind “rtmp”"):
        urls.get("rtmp")


def test_every_kind_has_a_label_and_a_field() -> None:
    assert set(URL_KIND_LABELS) == set(URL_KINDS)
    assert URL_KIND_LABELS["hls"] == "HLS manifest"
    assert URL_KIND_LABELS["embed"] == "Embed HTML"
    assert set(PlaybackUrls.__dataclass_fields__) == set(URL_KINDS)


def test_a_plain_uid_works_too() -> None:
    assert playback_urls(CODE, UID, downloadable=False).watch == f"{HOST}/{UID}/watch"


@pytest.mark.parametrize("code", ["", "ABC123", "customer-abc", "abc.def", "abc/def", "ab c"])
def test_bad_customer_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match=r"customer code .* lowercase letters and digits"):
        playback_urls(code, TOKEN, downloadable=False)


@pytest.mark.parametrize("token", ["", "   ", "a/b", "a?b=c", "a#b", "a b", "a%2Fb"])
def test_token_that_would_break_the_path_is_refused(token: str) -> None:
    with pytest.raises(ValueError, match="token cannot go into a link"):
        playback_urls(CODE, token, downloadable=False)


def test_surrounding_whitespace_on_a_pasted_token_is_dropped() -> None:
    assert playback_urls(CODE, f" {TOKEN}\n", downloadable=False).iframe == f"{HOST}/{TOKEN}/iframe"


@pytest.mark.parametrize("base", ["ftp://h", "127.0.0.1:8080", "", "https://"])
def test_bad_delivery_base_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="delivery base URL"):
        playback_urls(CODE, TOKEN, downloadable=False, delivery_base=base)


@pytest.mark.parametrize(
    "base",
    [
        "http://example.com",
        "http://192.0.2.10:8080",
        "http://0.0.0.0:8080",
        "http://127.0.0.1.example.com",
        "http://localhost.evil.com",
        "HTTP://example.com",
        "http://[::1",
        "https://ex\tample.com",
        "https://example.com/\x1b[2J",
        "https://example.com /x",
    ],
)
def test_a_delivery_base_that_would_leak_or_mislead_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="delivery base URL") as caught:
        playback_urls(CODE, TOKEN, downloadable=False, delivery_base=base)
    assert str(caught.value).isprintable()


@pytest.mark.parametrize(
    "base",
    [
        "http://127.0.0.1:8765",
        "http://127.8.9.10",
        "http://[::1]:8080",
        "http://localhost:1",
        "https://cdn.example.com/v",
    ],
)
def test_plain_http_is_allowed_for_this_computer_only(base: str) -> None:
    assert playback_urls(CODE, TOKEN, downloadable=False, delivery_base=base).watch.startswith(base)


# -- the link host template (a setting) -----------------------------------------------------


def test_a_host_template_moves_every_link_to_its_host() -> None:
    urls = playback_urls(
        CODE, TOKEN, downloadable=True, host_template="https://v-{code}.example.com/"
    )
    root = f"https://v-{CODE}.example.com/{TOKEN}"
    assert urls.watch == f"{root}/watch"
    assert urls.mp4 == f"{root}/downloads/default.mp4"
    assert f'src="{root}/iframe"' in urls.embed


def test_the_profiles_delivery_base_wins_over_the_template() -> None:
    urls = playback_urls(
        CODE,
        TOKEN,
        downloadable=False,
        delivery_base="http://127.0.0.1:8765",
        host_template="https://v-{code}.example.com",
    )
    assert urls.watch == f"http://127.0.0.1:8765/{TOKEN}/watch"


@pytest.mark.parametrize(
    "template",
    ["http://{code}.example.com", "https://x.example.com/{code}?a=", "https://{0}.x/{code}"],
)
def test_an_unusable_template_makes_no_links(template: str) -> None:
    with pytest.raises(ValueError, match="link host template"):
        playback_urls(CODE, TOKEN, downloadable=False, host_template=template)
    assert link_base(CODE, delivery_base=None, host_template=template) is None


def test_link_base_is_what_the_links_start_with() -> None:
    assert link_base(CODE, delivery_base=None, host_template=None) == HOST
    template = "https://cdn.example.com/{code}"
    assert link_base(CODE, delivery_base=None, host_template=template) == (
        f"https://cdn.example.com/{CODE}"
    )
    assert link_base(CODE, delivery_base="http://[::1]:9/", host_template=template) == (
        "http://[::1]:9"
    )
    assert link_base(None, delivery_base=None, host_template=template) is None
    assert link_base("Not A Code", delivery_base=None, host_template=None) is None


@pytest.mark.parametrize("base", ["http://127.0.0.1:99999", "https://example.com:-1"])
def test_a_delivery_base_with_an_impossible_port_is_refused(base: str) -> None:
    problem = delivery_base_problem(base)
    assert problem is not None and "port" in problem
