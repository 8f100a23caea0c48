"""The app's assets, installed as the package `cfstream_gui.resources`.

This folder sits at the top of the repository, and the build maps it into the package
(`[tool.setuptools.package-dir]` in pyproject.toml), so an editable install, the wheel and a
PyInstaller bundle all find the files at one import path. The icon files are rendered from the
SVG by `scripts/render_icons.py`; run it again after changing the SVG.
"""
