"""The package as pyproject.toml declares it: its command, and needs as in requirements.txt."""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint

from core import _cli
from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_console_script_is_the_command_line():
    # Resolved as pip's script wrapper resolves it, so a renamed module or function fails here.
    target = PYPROJECT["project"]["scripts"]["flickerless"]
    assert EntryPoint("flickerless", target, "console_scripts").load() is _cli.main


def test_the_package_needs_what_the_app_installs():
    # requirements.txt is what Streamlit Community Cloud installs and cannot name the package,
    # so it repeats the bounds: the library's needs plus the [app] extra must be exactly it.
    project = PYPROJECT["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["app"]
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    required = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert sorted(declared) == sorted(required)
