"""Zotero object keys: random ones for new items, derived ones for children and collections.

Zotero accepts client-made keys of 8 characters from its own alphabet (docs/reference.md, "Idempotent
creation"). A key sent with `"version": 0` turns a repeated create into a per-object 412 instead of a
duplicate, so every object PaperDrop creates carries a key that a retry reproduces exactly.
"""

from __future__ import annotations

import hashlib
import re
import secrets

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
KEY_LENGTH = 8
_KEY_RE = re.compile(rf"^[{KEY_ALPHABET}]{{{KEY_LENGTH}}}$")


def new_key() -> str:
    """A fresh random item key; the caller persists it before using it in a write."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def derived_key(*parts: str) -> str:
    """A key that is a pure function of `parts`: the same inputs give the same key in every process.

    Used for a parent item's note and attachment (derived from the parent key) and for collections
    (derived from the library, the parent collection and the name), so retries need no extra storage.
    """
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(KEY_LENGTH):
        digest, index = divmod(digest, len(KEY_ALPHABET))
        chars.append(KEY_ALPHABET[index])
    return "".join(chars)


def is_key(value: str | None) -> bool:
    return value is not None and bool(_KEY_RE.match(value))
