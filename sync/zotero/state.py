"""What PaperDrop remembers about one Zotero library, in a small SQLite file under the state directory.

It holds the library index (arXiv id / DOI of every top-level item and whether it is in the trash, kept
current by `since` syncs), the collection path -> key map, the items PaperDrop created and those since gone,
which items already have their children and stored PDF, the back-off time Zotero asked for and until when the
library's file storage is full. Several processes may share the file; each call is its own short transaction.
It is a cache: a file of an older layout is emptied and rebuilt by the next full sync.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

LAYOUT = "2"
_TABLES = ("meta", "items", "collections", "children_done", "ours", "gone", "files_done")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY, version INTEGER NOT NULL, arxiv_id TEXT, doi TEXT, collections TEXT NOT NULL,
    trashed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS items_arxiv ON items (arxiv_id);
CREATE INDEX IF NOT EXISTS items_doi ON items (doi);
CREATE TABLE IF NOT EXISTS collections (path TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS children_done (parent_key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS ours (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS gone (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS files_done (attachment_key TEXT PRIMARY KEY);
"""


@dataclass
class IndexedItem:
    """A top-level item of the library as the index knows it."""

    key: str
    version: int
    arxiv_id: str | None = None
    doi: str | None = None  # lower case
    collections: list[str] = field(default_factory=list)
    trashed: bool = False  # in Zotero's trash: still there, restored rather than created again


class ZoteroState:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")  # readers in other workers never block a writer
            layout = (
                db.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone()
                and db.execute("SELECT value FROM meta WHERE name = 'layout'").fetchone()
            )
            if not layout or layout[0] != LAYOUT:
                for table in _TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
            db.executescript(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('layout', ?)", (LAYOUT,))

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:  # one transaction per call
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough for a rebuildable cache
            yield db

    # -- meta --------------------------------------------------------------------------------------
    def _get(self, name: str, default: str) -> str:
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def _set(self, name: str, value: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def index_version(self) -> int:
        return int(self._get("index_version", "0"))

    def set_index_version(self, version: int) -> None:
        self._set("index_version", str(version))

    def backoff_until(self) -> float:
        return float(self._get("backoff_until", "0"))

    def set_backoff_until(self, when: float) -> None:
        self._set("backoff_until", repr(when))

    def storage_full_until(self) -> float:
        return float(self._get("storage_full_until", "0"))

    def set_storage_full_until(self, when: float) -> None:
        self._set("storage_full_until", repr(when))

    # -- library index -----------------------------------------------------------------------------
    def item_versions(self, keys: Iterable[str]) -> dict[str, int]:
        keys = list(keys)
        found: dict[str, int] = {}
        with self._db() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(db.execute(f"SELECT key, version FROM items WHERE key IN ({marks})", chunk))
        return found

    def all_item_keys(self) -> list[str]:
        with self._db() as db:
            return [row[0] for row in db.execute("SELECT key FROM items")]

    def trashed_keys(self, keys: Iterable[str]) -> dict[str, bool]:
        """Whether each of `keys` the index holds is in the trash."""
        keys = list(keys)
        found: dict[str, bool] = {}
        with self._db() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT key, trashed FROM items WHERE key IN ({marks})", chunk)
                found.update((key, bool(trashed)) for key, trashed in rows)
        return found

    def upsert_items(self, items: Iterable[IndexedItem]) -> None:
        rows = [(i.key, i.version, i.arxiv_id, i.doi, json.dumps(i.collections), int(i.trashed)) for i in items]
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?)", rows)

    def remove_items(self, keys: Iterable[str]) -> None:
        """Items gone from the library: out of the index; those PaperDrop created are remembered as gone."""
        rows = [(k,) for k in keys]
        with self._db() as db:
            db.executemany("INSERT OR IGNORE INTO gone SELECT key FROM ours WHERE key = ?", rows)
            db.executemany("DELETE FROM items WHERE key = ?", rows)
            db.executemany("DELETE FROM children_done WHERE parent_key = ?", rows)

    def find_items(self, arxiv_id: str | None, doi: str | None) -> list[IndexedItem]:
        """Items with this arXiv id or this DOI: those not in the trash first, then in key order."""
        with self._db() as db:
            rows = db.execute(
                "SELECT * FROM items WHERE arxiv_id = ? OR doi = ? ORDER BY trashed, key",
                (arxiv_id or "\0", (doi or "\0").lower()),
            ).fetchall()
        return [_item(row) for row in rows]

    # -- what PaperDrop created ----------------------------------------------------------------------
    def mark_ours(self, keys: Iterable[str]) -> None:
        with self._db() as db:
            db.executemany("INSERT OR IGNORE INTO ours VALUES (?)", [(k,) for k in keys])

    def ours(self, keys: Iterable[str]) -> set[str]:
        return self._members("ours", "key", keys)

    def gone(self, keys: Iterable[str]) -> set[str]:
        """Which of `keys` PaperDrop created and the library no longer has (deleted, not in the trash)."""
        return self._members("gone", "key", keys)

    def _members(self, table: str, column: str, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        found: set[str] = set()
        with self._db() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(
                    row[0] for row in db.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", chunk)
                )
        return found

    # -- collections and children ------------------------------------------------------------------
    def collection_keys(self) -> dict[str, str]:
        with self._db() as db:
            return dict(db.execute("SELECT path, key FROM collections"))

    def save_collections(self, paths: dict[str, str]) -> None:
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO collections VALUES (?, ?)", list(paths.items()))

    def forget_collections(self) -> None:
        with self._db() as db:
            db.execute("DELETE FROM collections")

    def children_done(self, keys: Iterable[str]) -> set[str]:
        return self._members("children_done", "parent_key", keys)

    def mark_children_done(self, keys: Iterable[str]) -> None:
        with self._db() as db:
            db.executemany("INSERT OR IGNORE INTO children_done VALUES (?)", [(k,) for k in keys])

    def files_done(self, keys: Iterable[str]) -> set[str]:
        return self._members("files_done", "attachment_key", keys)

    def mark_file_done(self, attachment_key: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO files_done VALUES (?)", (attachment_key,))


def _item(row: tuple[str, int, str | None, str | None, str, int]) -> IndexedItem:
    key, version, arxiv_id, doi, collections, trashed = row
    return IndexedItem(key, version, arxiv_id, doi, json.loads(collections), bool(trashed))
