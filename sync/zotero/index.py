"""The local index of the library by arXiv id and DOI, kept current with `?since=<version>` syncs.

The Web API cannot search by arXiv id, DOI or URL (`q` only sees titles, creators and year; docs/reference.md),
so PaperDrop mirrors just enough of every top-level item to recognise a paper that is already there,
whoever added it (by hand, the Zotero Connector, an earlier install).
"""

from __future__ import annotations

import re
from typing import Any

from paperdrop.sync.ids import ID_PATTERN, parse_arxiv_id
from paperdrop.sync.records import PaperRecord
from paperdrop.sync.zotero.client import MAX_KEYS_PER_READ, ZoteroClient
from paperdrop.sync.zotero.state import IndexedItem, ZoteroState

_EXTRA_ARXIV = re.compile(rf"arxiv:\s*({ID_PATTERN})", re.IGNORECASE)
_NOT_PAPERS = ("note", "attachment", "annotation")


def identity_of(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The (arXiv id, non-arXiv DOI) an item's fields name, as the arXiv translator or a user writes them."""
    arxiv_id = None
    for value in (data.get("archiveID"), data.get("url"), data.get("DOI")):
        parsed = parse_arxiv_id(value) if isinstance(value, str) and value else None
        if parsed:
            arxiv_id = parsed.id
            break
    if arxiv_id is None:
        match = _EXTRA_ARXIV.search(data.get("extra") or "")
        parsed = parse_arxiv_id(match.group(1)) if match else None
        arxiv_id = parsed.id if parsed else None
    doi = (data.get("DOI") or "").strip().lower() or None
    if doi and doi.startswith("10.48550/"):
        doi = None  # the arXiv DataCite DOI is the arXiv id again
    return arxiv_id, doi


def indexed(obj: dict[str, Any]) -> IndexedItem | None:
    """The index row for a full API object (`{key, version, data}`), None for what is not a paper; a paper in
    the trash is kept, marked `trashed` (it is restored rather than created again)."""
    data = obj.get("data", obj)
    if data.get("itemType") in _NOT_PAPERS or data.get("parentItem"):
        return None
    arxiv_id, doi = identity_of(data)
    version = int(obj.get("version", data.get("version", 0)))
    return IndexedItem(
        obj["key"], version, arxiv_id, doi, list(data.get("collections") or []), trashed=bool(data.get("deleted"))
    )


class LibraryIndex:
    def __init__(self, client: ZoteroClient, state: ZoteroState):
        self._client = client
        self._state = state

    def sync(self) -> list[str]:
        """Bring the index up to the library's current version: one versions read, item reads only for
        keys whose version the index does not already hold, and one `/deleted` read. Returns the keys of
        items PaperDrop created that this sync found deleted or moved to the trash."""
        since = self._state.index_version()
        versions, library_version = self._client.top_item_versions(since)
        known = self._state.item_versions(versions)
        stale = [key for key, version in versions.items() if known.get(key) != version]
        was_live = {key for key, trashed in self._state.trashed_keys(stale).items() if not trashed}
        for start in range(0, len(stale), MAX_KEYS_PER_READ):
            chunk = stale[start : start + MAX_KEYS_PER_READ]
            self.record(self._client.items_by_key(chunk), chunk)
        trashed = {key for key, now in self._state.trashed_keys(was_live).items() if now}
        if since:
            removed = set(self._client.deleted_since(since).get("items", []))
        else:  # a full listing: whatever the index holds beyond it is gone from the library
            removed = set(self._state.all_item_keys()) - set(versions)
        removed &= set(self._state.all_item_keys())
        self._state.remove_items(removed)
        self._state.set_index_version(max(library_version, since))
        return sorted(self._state.ours(removed | trashed))

    def record(self, objects: list[dict[str, Any]], expected: list[str] | None = None) -> None:
        """Store full objects read or written; keys that are no longer live papers leave the index."""
        rows = {obj["key"]: indexed(obj) for obj in objects}
        self._state.upsert_items(row for row in rows.values() if row)
        gone = [key for key, row in rows.items() if row is None]
        if expected:
            gone += [key for key in expected if key not in rows]
        if gone:
            self._state.remove_items(gone)

    def find(self, paper: PaperRecord, prefer_key: str | None = None) -> IndexedItem | None:
        """The item holding `paper` (by arXiv id or publisher DOI): one out of the trash before one in it, and
        `prefer_key` before others of the same kind."""
        matches = self._state.find_items(paper.arxiv_id, paper.doi)
        for trashed in (False, True):
            same = [item for item in matches if item.trashed == trashed]
            for item in same:
                if item.key == prefer_key:
                    return item
            if same:
                return same[0]
        return None
