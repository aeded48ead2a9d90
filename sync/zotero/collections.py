"""Collection paths (`A/B` = B inside A) to keys: found in the library or created once.

Missing collections are created with keys derived from (library, parent key, name) and `version: 0`, so
two workers, two batches or a retry after a dropped connection all name the same key and a second create is a
per-object 412 ("already there"), never a second collection. The path -> key map is kept in the state file
and verified against the library's collection list once per sink.
"""

from __future__ import annotations

from typing import Any

from paperdrop.sync.errors import PermanentError, TransientError
from paperdrop.sync.zotero.client import ZoteroClient
from paperdrop.sync.zotero.keys import derived_key
from paperdrop.sync.zotero.state import ZoteroState


class CollectionResolver:
    def __init__(self, client: ZoteroClient, state: ZoteroState, library: str):
        self._client = client
        self._state = state
        self._library = library
        self._verified: dict[str, str] = {}  # path -> key, checked against the library by this instance

    def ensure(self, path: str) -> str:
        """The key of the collection at `path`, creating the missing part of the path in one write."""
        if path in self._verified:
            return self._verified[path]
        listing = self._listing()
        saved = self._state.collection_keys()
        keys: dict[str, str] = {}
        to_create: list[dict[str, Any]] = []
        parent: str | None = None
        names = path.split("/")
        for depth, name in enumerate(names):
            prefix = "/".join(names[: depth + 1])
            key = _existing(listing, saved.get(prefix), parent, name)
            if key is None:
                key = derived_key(self._library, parent or "", name)
                to_create.append({"key": key, "version": 0, "name": name, "parentCollection": parent or False})
                listing[key] = {"name": name, "parentCollection": parent or False}
            keys[prefix] = parent = key
        if to_create:
            self._create(to_create)
        self._state.save_collections(keys)
        self._verified.update(keys)
        return keys[path]

    def paths(self) -> list[str]:
        """Every collection of the library as a path (`A/B`), sorted: what a person can choose to save to."""
        listing = self._listing()

        def path(key: str, seen: frozenset[str] = frozenset()) -> str | None:
            data = listing.get(key)
            if data is None or key in seen:  # a parent in the trash, or a cycle: not choosable
                return None
            parent = data.get("parentCollection") or None
            name = str(data.get("name") or "").strip()
            if not name or "/" in name:  # a slash cannot be named in a target path
                return None
            if parent is None:
                return name
            above = path(parent, seen | {key})
            return f"{above}/{name}" if above else None

        return sorted({p for p in (path(key) for key in listing) if p}, key=str.casefold)

    def invalidate(self) -> None:
        """Forget what was verified (a write said a collection is missing): the next `ensure` re-reads."""
        self._verified.clear()
        self._state.forget_collections()

    def _listing(self) -> dict[str, dict[str, Any]]:
        return {
            c["key"]: c.get("data", c) for c in self._client.all_collections() if not c.get("data", c).get("deleted")
        }

    def _create(self, objects: list[dict[str, Any]]) -> None:
        answer = self._client.write_collections(objects)
        for index, failure in (answer.get("failed") or {}).items():
            code = failure.get("code")
            if code == 412:  # our derived key with version 0: it exists already, which is what we want
                continue
            message = (
                f"Zotero refused to create collection {objects[int(index)]['name']!r}: "
                f"{failure.get('message')} (code {code})"
            )
            if code in (400, 413):
                raise PermanentError(message, fix="Choose another collection name in the target.")
            raise TransientError(message)


def _existing(listing: dict[str, dict[str, Any]], saved: str | None, parent: str | None, name: str) -> str | None:
    """The saved key if it is still there under the same parent, else a collection found by name."""
    want_parent = parent or False
    if saved in listing and (listing[saved].get("parentCollection") or False) == want_parent:
        return saved
    same = sorted(
        key
        for key, data in listing.items()
        if data.get("name") == name and (data.get("parentCollection") or False) == want_parent
    )
    return same[0] if same else None
