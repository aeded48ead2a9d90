"""The SQLite database behind a BibIndex: its schema, one open connection per thread, upgrades.

A connection stays open for the life of the thread: closing the last connection to a WAL database checkpoints
it, which costs more than the rest of adding a paper. It is opened again when the index file was removed or
replaced meanwhile (a user cleaning the state directory), and in a forked child.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

from paperdrop.sync.bibtex import spans

SCHEMA_VERSION = "2"  # 1: entries and identifiers by key, ownership as (key, text hash)
SCHEMA = (
    spans.SCHEMA
    + """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value NOT NULL);
CREATE TABLE IF NOT EXISTS owned (key TEXT PRIMARY KEY, lkey TEXT NOT NULL, arxiv TEXT, text_hash TEXT NOT NULL,
                                  pending TEXT, gone INTEGER NOT NULL DEFAULT 0,
                                  reported INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS owned_lkey ON owned (lkey);
CREATE INDEX IF NOT EXISTS owned_arxiv ON owned (arxiv);
CREATE INDEX IF NOT EXISTS owned_gone ON owned (gone);
"""
)

_local = threading.local()


def connection(path: Path) -> sqlite3.Connection:
    """This thread's open connection to the index at `path`, opened (and upgraded) when there is none yet,
    when the file was removed or replaced, or in a forked child."""
    cache: dict[tuple[int, Path], tuple[sqlite3.Connection, int]] = _local.__dict__.setdefault("cache", {})
    key = (os.getpid(), path)
    if key in cache:
        db, inode = cache[key]
        with contextlib.suppress(FileNotFoundError):
            if os.stat(path).st_ino == inode:
                return db
        forget(path)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        _upgrade(db)
        db.executescript(SCHEMA)
    except sqlite3.DatabaseError:
        db.close()
        raise
    cache[key] = (db, os.stat(path).st_ino)
    return db


def forget(path: Path) -> None:
    cache = _local.__dict__.setdefault("cache", {})
    cached = cache.pop((os.getpid(), path), None)
    if cached is not None:
        cached[0].close()


def _upgrade(db: sqlite3.Connection) -> None:
    """An index of an older schema is rebuilt from the file; only its ownership marks are carried over."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        return
    row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    if row is not None and str(row[0]) == SCHEMA_VERSION:
        return
    owned = db.execute("SELECT key, text_hash FROM owned").fetchall() if "owned" in tables else []
    for table in ("meta", "entries", "idents", "owned", "segments"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO owned (key, lkey, text_hash) VALUES (?, ?, ?)", ((k, k.lower(), h) for k, h in owned))
