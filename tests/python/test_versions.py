"""One version for every artifact: the workspace's, read by the wheel (maturin), the npm packages
and the pins between them. Fails when one of them drifts."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import mypos

ROOT = Path(__file__).resolve().parents[2]


def workspace_version() -> str:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    return str(cargo["workspace"]["package"]["version"])


def test_the_module_reports_the_workspace_version() -> None:
    assert mypos.__version__ == workspace_version()


def test_the_wheel_takes_its_version_from_the_workspace() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    python_crate = tomllib.loads((ROOT / "bindings-python/Cargo.toml").read_text())
    assert python_crate["package"]["version"] == {"workspace": True}


def test_the_npm_package_has_the_workspace_version() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    assert package["version"] == workspace_version()
    assert package["peerDependencies"]["mypos-sandbox"] == workspace_version()


def test_the_testing_extra_pins_the_sandbox_of_the_same_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["testing"] == [f"mypos-sandbox=={workspace_version()}"]
    sandbox = tomllib.loads((ROOT / "sandbox/pyproject.toml").read_text())["project"]
    assert "version" in sandbox["dynamic"]
    sandbox_crate = tomllib.loads((ROOT / "sandbox/Cargo.toml").read_text())
    assert sandbox_crate["package"]["version"] == {"workspace": True}


def test_the_sandbox_npm_package_has_the_workspace_version() -> None:
    package = json.loads((ROOT / "sandbox/npm/package.json").read_text())
    assert package["version"] == workspace_version()
