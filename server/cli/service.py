"""`paperdrop service install|uninstall|show`: keep `paperdrop serve` running from login, as a systemd user
unit on Linux or a launchd agent on macOS."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import click

from paperdrop.server.cli.common import DEFAULT_HOST, DEFAULT_PORT, make_runtime
from paperdrop.server.invocation import program
from paperdrop.sync.errors import ConfigurationError

UNIT_NAME = "paperdrop.service"
AGENT_LABEL = "org.paperdrop.serve"


def serve_argv(port: int) -> list[str]:
    """`paperdrop serve` with absolute paths, as a service manager starts it (no shell, no PATH)."""
    found = shutil.which(program().split()[0])
    if found and Path(found).name == "paperdrop":
        return [str(Path(found).resolve()), "serve", "--port", str(port)]
    return [sys.executable, "-m", "paperdrop.server.cli", "serve", "--port", str(port)]


def service_environment() -> dict[str, str]:
    """The PAPERDROP_* settings of this shell: the service sees the same data directory and config file."""
    return {k: v for k, v in os.environ.items() if k in ("PAPERDROP_HOME", "PAPERDROP_CONFIG")}


def unit_text(argv: list[str], env: dict[str, str]) -> str:
    lines = [
        "[Unit]",
        "Description=PaperDrop: save papers from digest pages into Zotero or BibTeX",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        "ExecStart=" + " ".join(_quote(arg) for arg in argv),
        *(f"Environment={_quote(f'{key}={value}')}" for key, value in sorted(env.items())),
        "Restart=on-failure",
        "RestartSec=5",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ]
    return "\n".join(lines)


def plist_bytes(argv: list[str], env: dict[str, str], logs: Path) -> bytes:
    agent = {
        "Label": AGENT_LABEL,
        "ProgramArguments": argv,
        "EnvironmentVariables": env,
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "StandardOutPath": str(logs / "serve.log"),
        "StandardErrorPath": str(logs / "serve.log"),
    }
    return plistlib.dumps(agent)


def unit_path() -> Path:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "systemd" / "user" / UNIT_NAME


def agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"


def _quote(arg: str) -> str:
    """systemd's quoting: double quotes around words with spaces, backslashes and quotes escaped."""
    if arg and not any(c in arg for c in ' \t"\\'):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _run(commands: list[list[str]]) -> list[str]:
    """Run each command; the ones that failed, in words (a user session without a bus, for instance)."""
    problems = []
    for argv in commands:
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            problems.append(f"`{' '.join(argv)}` said: {(done.stderr or done.stdout).strip() or done.returncode}")
    return problems


@click.group()
def service() -> None:
    """Start `paperdrop serve` at login (systemd user unit on Linux, launchd agent on macOS)."""


@service.command("install")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--no-start", is_flag=True, help="Write the unit or agent, but do not enable and start it.")
def install(port: int, no_start: bool) -> None:
    """Write the unit (or agent) and start it now and at every login."""
    argv, env = serve_argv(port), service_environment()
    if sys.platform == "darwin":
        path = agent_path()
        logs = make_runtime().home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(plist_bytes(argv, env, logs))
        start = [["launchctl", "load", "-w", str(path)]]
    elif sys.platform.startswith("linux"):
        path = unit_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(unit_text(argv, env), encoding="utf-8")
        start = [["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "--now", UNIT_NAME]]
    else:
        raise ConfigurationError(
            f"`paperdrop service` knows systemd (Linux) and launchd (macOS), not {sys.platform}.",
            fix="Start `paperdrop serve` from your system's login items or task scheduler.",
        )
    click.echo(f"Wrote {path}")
    if no_start:
        click.echo("Start it with: " + " && ".join(" ".join(c) for c in start))
        return
    problems = _run(start)
    if problems:
        click.echo("Could not start it here: " + "; ".join(problems), err=True)
        click.echo("Start it with: " + " && ".join(" ".join(c) for c in start), err=True)
        sys.exit(1)
    click.echo(f"PaperDrop now starts at login and runs at http://{DEFAULT_HOST}:{port}/")


@service.command("uninstall")
def uninstall() -> None:
    """Stop the service and remove the unit (or agent)."""
    if sys.platform == "darwin":
        path, stop = agent_path(), [["launchctl", "unload", "-w", str(agent_path())]]
    else:
        path, stop = unit_path(), [["systemctl", "--user", "disable", "--now", UNIT_NAME]]
    if path.exists():
        _run(stop)
        path.unlink()
        click.echo(f"Removed {path}")
    else:
        click.echo(f"No service installed ({path} does not exist).")


@service.command("show")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
def show(port: int) -> None:
    """Print the unit (or agent) `install` would write."""
    argv, env = serve_argv(port), service_environment()
    if sys.platform == "darwin":
        click.echo(plist_bytes(argv, env, Path("~/Library/Logs/paperdrop").expanduser()).decode())
    else:
        click.echo(unit_text(argv, env), nl=False)
