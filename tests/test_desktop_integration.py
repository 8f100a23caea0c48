"""The desktop file and AppStream metainfo pass their validators and say what the project says
elsewhere; `make install-desktop` puts them and the icons where menus look, for one user; the
PyInstaller spec names every keyring backend keyring can pick."""

from __future__ import annotations

import ast
import configparser
import os
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

import pytest

from cfstream_gui import APP_ID, __version__

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
SPEC = PACKAGING / "pyinstaller" / "cfstream-gui.spec"
ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def validate(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (make test installs it as root on Debian)")
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=False)


def desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_file_passes_desktop_file_validate() -> None:
    done = validate("desktop-file-validate", str(DESKTOP))
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_the_metainfo_passes_appstreamcli_validate() -> None:
    done = validate("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not re.search(r"^[EW]: ", done.stdout, re.MULTILINE), done.stdout


def test_the_desktop_file_starts_the_app_without_arguments_it_cannot_take() -> None:
    entry = desktop_entry(DESKTOP)
    # A field code (%U, %f) would hand dropped files or links to cfstream-gui, whose argument
    # parser refuses them: the launch would fail.
    assert entry["Exec"] == entry["TryExec"] == "cfstream-gui"
    categories = entry["Categories"].rstrip(";").split(";")
    assert "Video" not in categories or "AudioVideo" in categories


def test_the_metainfo_shows_screenshots_that_exist() -> None:
    component = ET.parse(METAINFO).getroot()
    images = [image.text or "" for image in component.iter("image")]
    assert images, "software centres show no screenshot"
    for url in images:
        assert url.startswith("https://"), url
        name = url.rsplit("/docs/screenshots/", 1)[-1]
        assert (ROOT / "docs" / "screenshots" / name).is_file(), f"{url}: no such screenshot"
    defaults = [s for s in component.iter("screenshot") if s.get("type") == "default"]
    assert len(defaults) == 1


def numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def test_the_metainfo_releases_match_the_changelog_and_the_version() -> None:
    component = ET.parse(METAINFO).getroot()
    releases = [(r.get("version"), r.get("date"), r.get("type")) for r in component.iter("release")]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d\d-\d\d)$", changelog, re.MULTILINE)
    assert released, "CHANGELOG.md has no released version"
    stable = [(version, date) for version, date, kind in releases if kind != "development"]
    assert stable == released  # newest first, in both
    newest, *_ = releases
    assert newest[0] is not None and numbers(newest[0]) >= numbers(__version__)
    assert component.find("content_rating") is not None


def test_the_spec_names_every_keyring_backend_keyring_can_choose() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    listed = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "KEYRING_BACKENDS" for t in node.targets)
    )
    plugins = {ep.value for ep in metadata.entry_points(group="keyring.backends")}
    # fail and null are no plugins: keyring falls back to one, or a user names it.
    assert set(listed) == plugins | {"keyring.backends.fail", "keyring.backends.null"}


# -- make install-desktop -------------------------------------------------------------------


def fake_app(folder: Path) -> Path:
    """An executable standing in for cfstream-gui: it records that it was started, and how."""
    folder.mkdir(parents=True, exist_ok=True)
    command = folder / "cfstream-gui"
    command.write_text('#!/bin/sh\nprintf "%s\\n" "started $*" > "$(dirname "$0")/started"\n')
    command.chmod(0o755)
    return command


def install(
    tmp_path: Path, *args: str, data: str | None = None, root: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    if data is not None:
        env["XDG_DATA_HOME"] = data
    return subprocess.run(
        ["make", "--no-print-directory", "-s", "-C", str(root), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def installed_files(data: Path) -> dict[Path, Path]:
    """Where each file should land, and the checkout's file it should be a copy of."""
    icons = data / "icons" / "hicolor"
    files = {
        data / "metainfo" / METAINFO.name: METAINFO,
        icons / "scalable" / "apps" / f"{APP_ID}.svg": ROOT / "resources" / f"{APP_ID}.svg",
    }
    for n in ICON_SIZES:
        files[icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png"] = (
            ROOT / "resources" / f"{APP_ID}-{n}.png"
        )
    return files


@needs_make
def test_install_desktop_puts_the_entry_and_icons_where_menus_look(tmp_path: Path) -> None:
    data = tmp_path / "data"
    command = fake_app(tmp_path / "opt" / "my apps")  # a space, as install paths may have

    done = install(tmp_path, "install-desktop", f"EXEC={command}", data=str(data))

    assert done.returncode == 0, done.stderr
    assert str(data / "applications" / DESKTOP.name) in done.stdout
    for target, source in installed_files(data).items():
        assert target.read_bytes() == source.read_bytes(), target
    entry = desktop_entry(data / "applications" / DESKTOP.name)
    assert entry["Exec"] == f'"{command}"' and entry["TryExec"] == str(command)
    assert entry["Icon"] == APP_ID and entry["Name"] == desktop_entry(DESKTOP)["Name"]
    # What a launcher does with the line: split it as the desktop entry spec says, and run it.
    subprocess.run(shlex.split(entry["Exec"]), check=True, timeout=30)
    assert (command.parent / "started").read_text() == "started \n"
    if shutil.which("desktop-file-validate"):
        validate("desktop-file-validate", str(data / "applications" / DESKTOP.name))

    removed = install(tmp_path, "uninstall-desktop", data=str(data))
    assert removed.returncode == 0, removed.stderr
    assert not (data / "applications" / DESKTOP.name).exists()
    assert not any(target.exists() for target in installed_files(data))


@needs_make
def test_without_xdg_data_home_it_installs_under_the_home_folder(tmp_path: Path) -> None:
    command = fake_app(tmp_path / "bin")
    # The base-directory spec: a relative XDG_DATA_HOME is invalid, and is ignored.
    for data in (None, "relative/share"):
        done = install(tmp_path, "install-desktop", f"EXEC={command}", data=data)
        assert done.returncode == 0, done.stderr
        home_data = tmp_path / "home" / ".local" / "share"
        assert (home_data / "applications" / DESKTOP.name).is_file()
        assert all(target.is_file() for target in installed_files(home_data))
    assert not (ROOT / "relative").exists()


@pytest.mark.parametrize("name", ['cfstream"gui', "cfstream$HOME", "cfstream`id`", "50%", "a\\b"])
def test_a_command_the_desktop_file_could_not_carry_is_refused(tmp_path: Path, name: str) -> None:
    command = fake_app(tmp_path / name)
    data = tmp_path / "data"
    done = subprocess.run(
        ["bash", str(PACKAGING / "install-desktop.sh"), str(command)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("install-desktop: the command's path contains")
    assert not (data / "applications" / DESKTOP.name).exists()


@needs_make
def test_exec_is_never_run_by_makes_shell(tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    data = tmp_path / "data"
    for hostile in (f"/x/`touch {pwned}`", f'/x/a" ; touch {pwned} ; "'):
        done = install(tmp_path, "install-desktop", f"EXEC={hostile}", data=str(data))
        assert done.returncode != 0 and "install-desktop:" in done.stderr, done.stderr
        assert not pwned.exists(), f"EXEC={hostile} ran a command"
    assert not (data / "applications" / DESKTOP.name).exists()


@needs_make
def test_a_tilde_the_shell_left_alone_means_the_home_folder(tmp_path: Path) -> None:
    command = fake_app(tmp_path / "home" / "opt" / "cfstream-gui")
    data = tmp_path / "data"
    done = install(
        tmp_path, "install-desktop", "EXEC=~/opt/cfstream-gui/cfstream-gui", data=str(data)
    )
    assert done.returncode == 0, done.stderr
    assert desktop_entry(data / "applications" / DESKTOP.name)["Exec"] == str(command)


@needs_make
def test_a_command_that_is_not_there_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for missing, why in (
        (str(tmp_path / "nowhere" / "cfstream-gui"), "is not an executable file"),
        ("no-such-command-cfstream", "is not a command on PATH"),
    ):
        done = install(tmp_path, "install-desktop", f"EXEC={missing}", data=str(data))
        assert done.returncode != 0 and why in done.stderr, done.stderr
    assert not (data / "applications").exists() or not any((data / "applications").iterdir())


def copy_of_the_checkout(tmp_path: Path) -> Path:
    """The files install-desktop reads, in a checkout of their own."""
    root = tmp_path / "checkout"
    shutil.copytree(PACKAGING, root / "packaging")
    shutil.copytree(ROOT / "resources", root / "resources")
    shutil.copy(ROOT / "Makefile", root / "Makefile")
    return root


@needs_make
def test_by_default_it_starts_the_checkouts_venv_or_says_what_to_do(tmp_path: Path) -> None:
    root = copy_of_the_checkout(tmp_path)
    data = tmp_path / "data"

    done = install(tmp_path, "install-desktop", data=str(data), root=root)
    assert done.returncode != 0
    assert "pipx install ." in done.stderr and "EXEC=" in done.stderr
    assert not (data / "applications" / DESKTOP.name).exists()

    venv_command = fake_app(root / ".venv" / "bin")
    done = install(tmp_path, "install-desktop", data=str(data), root=root)
    assert done.returncode == 0, done.stderr
    assert desktop_entry(data / "applications" / DESKTOP.name)["Exec"] == str(venv_command)


def test_the_install_script_is_the_one_make_runs() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'bash packaging/install-desktop.sh "$${EXEC:-}"' in makefile
    assert os.access(PACKAGING / "install-desktop.sh", os.X_OK)
