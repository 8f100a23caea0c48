"""`create --downloadable -o mp4` asks once whether the video's MP4 download exists, and warns
when the printed link will not work; other outputs never ask, and a failed check is a note."""

from __future__ import annotations

from typing import Any

import pytest

from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Fault, Sandbox
from tests.cli.conftest import Run


def uid_where(sb: Sandbox, *, downloads: bool) -> str:
    """A ready video that requires signed URLs, with or without its MP4 download made."""
    return next(
        str(video["uid"])
        for video in sb.videos
        if video["readyToStream"]
        and video["requireSignedURLs"]
        and sb.downloads_enabled(str(video["uid"])) is downloads
    )


def download_checks(sb: Sandbox) -> list[str]:
    return [r.path for r in sb.requests if r.path.endswith("/downloads")]


def answer(result: dict[str, Any]) -> Fault:
    """Cloudflare's envelope around `result`, for the next downloads call."""
    body = {"success": True, "errors": [], "messages": [], "result": result}
    return Fault(status=200, body=body, path_contains="/downloads")


def test_a_video_with_downloads_gets_its_link_and_no_warning(
    sb: Sandbox, cli: Run, work: str
) -> None:
    uid = uid_where(sb, downloads=True)

    result = cli("create", uid, "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    assert result.out.strip().endswith("/downloads/default.mp4")
    assert "warning" not in result.err and "note" not in result.err
    assert len(download_checks(sb)) == 1


def test_a_video_without_downloads_is_warned_about_and_still_gets_its_link(
    sb: Sandbox, cli: Run, work: str
) -> None:
    uid = uid_where(sb, downloads=False)

    result = cli("create", uid, "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    assert result.out.strip().endswith("/downloads/default.mp4")
    assert f"warning: downloads are not enabled for video {uid}" in result.err
    assert "will not work" in result.err


@pytest.mark.parametrize("argv", [["-o", "json"], ["-o", "watch"], []])
def test_other_outputs_never_ask(sb: Sandbox, cli: Run, work: str, argv: list[str]) -> None:
    result = cli("create", uid_where(sb, downloads=False), "--downloadable", *argv)

    assert result.code == 0, result.err
    assert download_checks(sb) == []
    assert "downloads are not enabled" not in result.err


def test_a_check_that_fails_is_a_note_and_the_link_is_printed(
    sb: Sandbox, cli: Run, work: str
) -> None:
    sb.inject_fault(Fault(status=403, path_contains="/downloads"))

    result = cli("create", uid_where(sb, downloads=False), "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    assert result.out.strip().endswith("/downloads/default.mp4")
    assert "note: whether video" in result.err and "was not checked" in result.err
    assert "warning" not in result.err


def test_a_download_still_being_made_says_how_far_it_is(sb: Sandbox, cli: Run, work: str) -> None:
    sb.inject_fault(answer({"default": {"status": "inprogress", "percentComplete": 41.6}}))

    result = cli("create", uid_where(sb, downloads=True), "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    assert "still being made (42% done)" in result.err


def test_a_hostile_status_cannot_act_on_the_terminal(sb: Sandbox, cli: Run, work: str) -> None:
    sb.inject_fault(answer({"default": {"status": "\x1b]0;owned\x07", "percentComplete": "x"}}))

    result = cli("create", uid_where(sb, downloads=True), "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    assert "\x1b" not in result.err and "\x07" not in result.err
    assert "\\x1b]0;owned" in result.err


def test_local_signing_asks_with_the_profiles_api_token(sb: Sandbox, cli: Run, work: str) -> None:
    assert cli("keys", "create").code == 0
    cli("profiles", "add", work, "--customer-code", Sandbox.DEMO_CUSTOMER_CODE)
    sb.clear()

    result = cli("create", uid_where(sb, downloads=False), "--local", "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    assert "downloads are not enabled" in result.err
    assert [r.path for r in sb.requests] == download_checks(sb)  # the one call, nothing else
    assert len(sb.requests) == 1


def test_local_signing_without_an_api_token_notes_the_check_was_not_made(
    sb: Sandbox, cli: Run, work: str
) -> None:
    assert cli("keys", "create").code == 0
    cli("profiles", "add", work, "--customer-code", Sandbox.DEMO_CUSTOMER_CODE)
    SecretStore().delete_api_token(work)
    sb.clear()

    result = cli("create", uid_where(sb, downloads=False), "--local", "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    assert result.out.strip().endswith("/downloads/default.mp4")
    assert "was not checked" in result.err and "No API token" in result.err
    assert sb.requests == []


def test_a_sandbox_run_checks_the_sandboxs_own_videos(sb: Sandbox, cli: Run) -> None:
    # `sb` only names a demo video; the run starts its own sandbox.
    result = cli(
        "--sandbox", "create", uid_where(sb, downloads=False), "--downloadable", "-o", "mp4"
    )

    assert result.code == 0, result.err
    assert "downloads are not enabled" in result.err
