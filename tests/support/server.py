"""A real `paperdrop serve` (or `paperdrop worker`) in a subprocess, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

TOKEN = "e2e-token-0123456789abcdef"

# The store of the running test: None is SQLite in the PaperDrop home; a URL (PostgreSQL) is set by the
# `store` fixture of tests/conftest.py, and reaches make_settings() and the processes started here.
_database_url: str | None = None


def set_database_url(url: str | None) -> None:
    global _database_url
    _database_url = url


def database_url() -> str | None:
    return _database_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERDROP_")}
    env.update(
        {
            "PAPERDROP_HOME": str(home),
            "PAPERDROP_TOKEN": TOKEN,
            "PAPERDROP_ARXIV_DELAY": "0",
            "PAPERDROP_ARXIV_PDF_URL": "http://127.0.0.1:9/pdf/",  # tests never reach the internet
            "PAPERDROP_CROSSREF_API_URL": "http://127.0.0.1:9",
            "PAPERDROP_ARXIV_RETRY_BASE": "0.01",
            "PAPERDROP_RETRY_BASE": "0.2",
            "PAPERDROP_RETRY_MAX": "2",
            "PAPERDROP_SWEEP_INTERVAL": "0.3",
            "PAPERDROP_LEASE_SECONDS": "3",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if _database_url:
        env["PAPERDROP_DATABASE_URL"] = _database_url
    env.update(extra or {})
    return env


def paperdrop_command(*args: str) -> list[str]:
    # The console script of the venv that runs the tests (same interpreter, same installed packages).
    return [sys.executable, "-c", "import sys; from paperdrop.server.cli import main; sys.exit(main())", *args]


class ServerProcess:
    """`with ServerProcess(home, env) as server:` then use `server.url` and `server.token`."""

    def __init__(
        self, home: Path, env: dict[str, str] | None = None, port: int | None = None, args: tuple[str, ...] = ()
    ):
        self.home = Path(home)
        self.env = base_env(self.home, env)
        self.port = port or free_port()
        self.args = args
        self.token = self.env["PAPERDROP_TOKEN"]
        self.process: subprocess.Popen | None = None
        self.log_path = self.home / f"serve-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                paperdrop_command("serve", "--port", str(self.port), *self.args),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(Path(__file__).resolve().parents[2]),
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"paperdrop serve exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RuntimeError(f"paperdrop serve did not answer within {timeout} s:\n{self.log()}")

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_cli(
    home: Path, *args: str, env: dict[str, str] | None = None, input: bytes | None = None, timeout: float = 120.0
) -> subprocess.CompletedProcess:
    """Run one `paperdrop` command to completion."""
    return subprocess.run(
        paperdrop_command(*args),
        env=base_env(home, env),
        input=input,
        capture_output=True,
        timeout=timeout,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
