"""How the user runs `paperdrop` on this machine, for every message that names a command.

`paperdrop token` is only right when `paperdrop` is on the PATH (installed with pipx or uv tool); after
`make serve` it is `.venv/bin/paperdrop`. Messages use `command("token")`, which names the one that works.
"""

from __future__ import annotations

import os
import shutil
import sys
from functools import cache
from pathlib import Path


@cache
def program() -> str:
    """The way to start paperdrop that works from the user's shell here."""
    on_path = shutil.which("paperdrop")
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] not in ("", "-c", "-m") else None
    if script is not None and script.name == "paperdrop":
        if on_path and Path(on_path).resolve() == script.resolve():
            return "paperdrop"
        return _shortest(script)
    if on_path:
        return "paperdrop"
    venv_script = Path(sys.executable).with_name("paperdrop")  # the console script beside this interpreter
    if venv_script.exists():
        return _shortest(venv_script)
    return f"{sys.executable} -m paperdrop.server.cli"


def command(*args: str) -> str:
    """`paperdrop token`, or `.venv/bin/paperdrop token` where that is what works."""
    return " ".join((program(), *args))


def _shortest(path: Path) -> str:
    absolute = path.resolve()
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return str(absolute)
    return str(relative) if str(relative).startswith(".") else os.path.join(".", relative)
