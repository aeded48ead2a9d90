"""What `/keys/current` says about the configured key, in plain words with the fix."""

from __future__ import annotations

from typing import Any

from paperdrop.sync.errors import ConfigurationError
from paperdrop.sync.zotero.config import KEYS_PAGE, ZoteroConfig

CHECK_TTL = 60.0  # seconds a key check is trusted before asking Zotero again


def access_problem(config: ZoteroConfig, info: dict[str, Any]) -> ConfigurationError | None:
    """None when the key may write to the configured library, else the problem and its fix."""
    access = info.get("access") or {}
    if config.library_type == "user":
        return _user_problem(config, info, access.get("user") or {})
    groups = access.get("groups") or {}
    return _group_problem(config, groups.get(str(config.library_id)) or groups.get("all"))


def _user_problem(config: ZoteroConfig, info: dict[str, Any], grant: dict[str, Any]) -> ConfigurationError | None:
    owner = str(info.get("userID", ""))
    if owner != str(config.library_id):
        return ConfigurationError(
            f"The Zotero API key belongs to user {owner}, but the configured library id is {config.library_id}.",
            fix=f"Set {config.setting('zotero_library_id')} to {owner} (your userID at {KEYS_PAGE}) or use a key of "
            f"user {config.library_id}.",
        )
    if not grant.get("library"):
        return ConfigurationError(
            f"The Zotero API key has no access to {config.label}.",
            fix=f"Edit the key at {KEYS_PAGE}: allow library access and write access.",
        )
    if not grant.get("write"):
        return ConfigurationError(
            f"The Zotero API key can read but not write {config.label}.",
            fix=f"Edit the key at {KEYS_PAGE}: tick 'Allow write access'.",
        )
    return None


def _group_problem(config: ZoteroConfig, grant: dict[str, Any] | None) -> ConfigurationError | None:
    if not grant or not grant.get("library"):
        return ConfigurationError(
            f"The Zotero API key has no access to group {config.library_id}.",
            fix=f"Check {config.setting('zotero_library_id')} (the number in the group's URL) and give the key access "
            f"to that group at {KEYS_PAGE}.",
        )
    if not grant.get("write"):
        return ConfigurationError(
            f"The Zotero API key can read but not write group {config.library_id}.",
            fix=f"Edit the key at {KEYS_PAGE}: give it read/write access to this group (and be a member who "
            "may edit it).",
        )
    return None
