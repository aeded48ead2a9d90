"""Installable like a tool: one `paperdrop` namespace in the wheel, every package listed, every import declared."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CODE = ("server", "sync")


def _package_dirs() -> set[str]:
    return {
        "paperdrop." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in CODE
        for init in (ROOT / top).rglob("__init__.py")
    }


def test_packaging_lists_every_package_of_the_code_folders():
    assert set(PYPROJECT["tool"]["setuptools"]["packages"]) == _package_dirs()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("paperdrop-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_installs_only_the_paperdrop_namespace(wheel):
    tops = {name.split("/", 1)[0] for name in wheel.namelist()}
    assert tops == {"paperdrop", next(t for t in tops if t.endswith(".dist-info"))}
    assert not any(name.startswith("paperdrop/__init__") for name in wheel.namelist())  # a namespace package


def test_wheel_carries_templates_static_files_and_migrations(wheel):
    names = set(wheel.namelist())
    assert "paperdrop/server/templates/dashboard/base.html" in names
    assert "paperdrop/server/static/dashboard.js" in names
    assert "paperdrop/server/store/migrations/env.py" in names
    assert "paperdrop/server/store/migrations/script.py.mako" in names
    versions = [n for n in names if n.startswith("paperdrop/server/store/migrations/versions/")]
    assert len(versions) == len(list((ROOT / "server/store/migrations/versions").glob("*.py")))


def test_wheel_has_the_paperdrop_command(wheel):
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "paperdrop = paperdrop.server.cli:main" in wheel.read(entry_points).decode()


def _imported_modules() -> set[str]:
    found = set()
    for top in CODE:
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"paperdrop", "__future__"}


def test_every_imported_library_is_a_declared_dependency():
    declared = {Requirement(r).name.lower().replace("_", "-") for r in PYPROJECT["project"]["dependencies"]}
    declared |= {Requirement(r).name.lower() for r in PYPROJECT["project"]["optional-dependencies"]["redis"]}
    distributions = packages_distributions()
    missing = {
        module
        for module in _imported_modules()
        if not {d.lower().replace("_", "-") for d in distributions.get(module, [module])} & declared
    }
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"
