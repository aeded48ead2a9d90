"""Local-first safety: bearer token, Host check (DNS rebinding), Origin check (only extension origins)."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, request

from paperdrop.server.errors import ApiError
from paperdrop.server.invocation import command

TOKEN_FILE = "token"
EXTENSION_SCHEMES = ("chrome-extension", "moz-extension", "safari-web-extension")


def token_path(home: Path) -> Path:
    return Path(home) / TOKEN_FILE


def load_or_create_token(home: Path) -> str:
    """The pairing token kept in the data directory (0600), created on first use."""
    path = token_path(home)
    if path.is_file():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    return rotate_token(home)


def rotate_token(home: Path) -> str:
    path = token_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return token


def token_stamp(home: Path) -> tuple[int, int] | None:
    """When the token file last changed (None: no file), to notice `paperdrop token --rotate` while running."""
    try:
        found = token_path(home).stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def current_token() -> str:
    """The token requests must carry now. A generated token is re-read when its file changes, so a rotation
    takes effect in a running server at once (the extension then pairs again: extension/README.md)."""
    config = current_app.config
    settings = config["PAPERDROP_SETTINGS"]
    if not settings.token:
        home = current_app.extensions["paperdrop"].home
        stamp = token_stamp(home)
        if stamp is not None and stamp != config.get("PAPERDROP_TOKEN_STAMP"):
            config["PAPERDROP_TOKEN_STAMP"] = stamp
            stored = token_path(home).read_text(encoding="utf-8").strip()
            if stored:
                config["PAPERDROP_TOKEN"] = stored
    token: str = config["PAPERDROP_TOKEN"]
    return token


def token_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def host_allowed(host_header: str, allowed: list[str]) -> bool:
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        name = host[: host.find("]") + 1] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in {h.lower() for h in allowed}


def origin_allowed(origin: str | None, host_header: str) -> bool:
    """No Origin (CLI, curl), an extension origin, or the server's own origin (the dashboard)."""
    if not origin:
        return True
    parts = urlsplit(origin)
    if parts.scheme in EXTENSION_SCHEMES:
        return True
    return parts.scheme in ("http", "https") and parts.netloc.lower() == (host_header or "").lower()


def check_host_and_origin() -> None:
    settings = current_app.config["PAPERDROP_SETTINGS"]
    host = request.headers.get("Host", "")
    if not host_allowed(host, settings.allowed_hosts):
        raise ApiError(
            403,
            "forbidden_host",
            f"Host {host!r} is not allowed.",
            ["Open PaperDrop at http://127.0.0.1:<port>, or add the host to PAPERDROP_ALLOWED_HOSTS."],
        )
    if not origin_allowed(request.headers.get("Origin"), host):
        raise ApiError(
            403,
            "forbidden_origin",
            "Requests from web pages are not accepted.",
            ["Only the PaperDrop browser extension and the local dashboard may call this server."],
        )


def require_token() -> None:
    expected = current_token()
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(
            401,
            "unauthorized",
            "Missing API token.",
            [f"Send 'Authorization: Bearer <token>'; {command('token')} prints the token."],
        )
    if not token_matches(given.strip(), expected):
        raise ApiError(
            401,
            "unauthorized",
            "Wrong API token.",
            [f"Pair the extension again (its options: Pair with PaperDrop), or paste what {command('token')} prints."],
        )


def init_app(app: Flask) -> None:
    app.before_request(check_host_and_origin)
