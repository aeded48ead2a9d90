"""Dashboard sign-in: the session secret of a data directory, and who is signed in (token fingerprint)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from flask import session

from paperdrop.server.security import current_token

SECRET_FILE = "secret_key"
SESSION_KEY = "signed_in"


def load_or_create_secret(home: Path) -> str:
    """The key that signs session cookies, kept in the data directory (0600), created on first use.

    Created with a hard link from a complete temp file: two processes starting together agree on one key."""
    path = Path(home) / SECRET_FILE
    for _ in range(3):
        if path.is_file():
            secret = path.read_text(encoding="utf-8").strip()
            if secret:
                return secret
        _create_secret(path)
    raise RuntimeError(f"Could not create the session secret {path}; check that the data directory is writable.")


def _create_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won: use its key
    finally:
        tmp.unlink(missing_ok=True)


def token_fingerprint(token: str) -> str:
    """What the session remembers instead of the token: a new token (`paperdrop token --rotate`) signs
    every browser out."""
    return hashlib.sha256(b"paperdrop-dashboard\0" + token.encode("utf-8")).hexdigest()


def is_signed_in() -> bool:
    remembered = session.get(SESSION_KEY)
    expected = token_fingerprint(current_token())
    return isinstance(remembered, str) and hmac.compare_digest(remembered, expected)


def sign_in() -> None:
    """Start a fresh session (no fixation: nothing from before signing in survives, not even the CSRF token)."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = token_fingerprint(current_token())


def sign_out() -> None:
    session.clear()
