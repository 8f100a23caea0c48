"""Fixtures for the command-line tests: a real sandbox on loopback, `main()` run in-process with
its output captured, and a profile logged in to the sandbox the way a user would do it."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from cfstream_gui.cli.main import main
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*argv: str) -> Result:
        capsys.readouterr()  # drop whatever an earlier step printed
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def feed_stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make the next `login` read `text` from a pipe (StringIO is not a TTY)."""

    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return feed


@pytest.fixture
def signed_uid(sb: Sandbox) -> str:
    uid: str = next(v["uid"] for v in sb.videos if v["requireSignedURLs"] and v["readyToStream"])
    return uid


@pytest.fixture
def work(sb: Sandbox, cli: Run) -> str:
    """A saved, current profile "work" pointed at the sandbox, with the demo token in the
    (in-memory) keyring. `login` itself is tested in test_accounts.py."""
    added = cli(
        "profiles", "add", "work", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url,
        "--use",
    )  # fmt: skip
    assert added.code == 0, added.err
    SecretStore().set_api_token("work", sb.DEMO_API_TOKEN)
    return "work"
