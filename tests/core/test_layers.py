"""The dependency direction is a rule, not a hope: the core and the command line never import Qt,
and nothing but app.py imports the ui package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "cfstream_gui"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            prefix = "." * node.level
            names.add(prefix + node.module)
    return names


def python_files(*parts: str) -> list[Path]:
    return sorted(PACKAGE.joinpath(*parts).rglob("*.py"))


def test_core_cli_and_sandbox_never_import_qt() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for area in ("core", "cli", "sandbox")
        for path in python_files(area)
        for name in imported_modules(path)
        if name.split(".")[0] in {"PySide6", "qasync", "shiboken6"}
    ]
    assert offenders == []


def test_only_app_imports_the_ui_package() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in python_files()
        if "ui" not in path.relative_to(PACKAGE).parts[:1] and path.name != "app.py"
        for name in imported_modules(path)
        if name.startswith(("cfstream_gui.ui", ".ui", "..ui"))
    ]
    assert offenders == []


def test_importing_the_core_loads_no_qt() -> None:
    code = (
        "import sys, importlib, pkgutil, cfstream_gui.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'cfstream_gui.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import cfstream_gui.cli.main\n"
        "print(sorted(n for n in sys.modules if n.startswith(('PySide6', 'qasync'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
