"""The index of one .bib file (keys, byte spans, identifiers, owned entries) kept in SQLite under state_dir.

Adding a paper must not re-parse the file (bibtexparser needs ~25 s for 20,000 entries): the index is trusted
while the file's size, mtime and content hash match what was recorded after PaperDrop's last write, and rebuilt
by `scanner.scan` otherwise.
Ownership (which keys PaperDrop wrote, and the text it wrote) survives rebuilds: only those entries are
ever replaced, and only while their text is still exactly what PaperDrop wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Self

from paperdrop.sync.bibtex.atomic import FileSnapshot
from paperdrop.sync.bibtex.identifiers import entry_identifiers
from paperdrop.sync.bibtex.scanner import scan

SCHEMA_VERSION = "1"
# (key, start, old stop, length of the new text, identifiers) and (key, start, stop, identifiers).
Replacement = tuple[str, int, int, int, set[str]]
Placement = tuple[str, int, int, set[str]]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (key TEXT NOT NULL, lkey TEXT NOT NULL, start INTEGER NOT NULL,
                                    stop INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entries_lkey ON entries (lkey);
CREATE TABLE IF NOT EXISTS idents (ident TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS idents_ident ON idents (ident);
CREATE INDEX IF NOT EXISTS idents_key ON idents (key);
CREATE TABLE IF NOT EXISTS owned (key TEXT PRIMARY KEY, text_hash TEXT NOT NULL);
"""


def index_path(state_dir: Path, bib_path: Path) -> Path:
    digest = hashlib.sha1(str(bib_path).encode(), usedforsecurity=False).hexdigest()[:16]
    return state_dir / f"bibtex-index-{digest}.sqlite3"


def text_hash(text: bytes) -> str:
    return hashlib.sha1(text, usedforsecurity=False).hexdigest()


class BibIndex:
    """Open with `BibIndex(path)`; use only under the file lock. A damaged database is recreated empty."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            # It is a cache plus ownership marks; losing it costs one rescan, never a user's bytes.
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- freshness ---------------------------------------------------------------------------------

    def is_current(self, snapshot: FileSnapshot) -> bool:
        meta = dict(self._db.execute("SELECT name, value FROM meta"))
        expected = {
            "schema": SCHEMA_VERSION, "size": str(snapshot.size), "mtime_ns": str(snapshot.mtime_ns),
            "digest": snapshot.digest,
        }  # fmt: skip
        return all(meta.get(name) == value for name, value in expected.items())

    def sync(self, snapshot: FileSnapshot) -> bool:
        """Make the index describe `snapshot`; True when that took a rescan (the file changed outside us)."""
        if self.is_current(snapshot):
            return False
        entries = scan(snapshot.data)
        with self._transaction():
            self._db.execute("DELETE FROM entries")
            self._db.execute("DELETE FROM idents")
            self._db.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?)",
                ((e.key, e.key.lower(), e.start, e.end) for e in entries),
            )
            self._db.executemany(
                "INSERT INTO idents VALUES (?, ?)",
                ((ident, e.key) for e in entries for ident in entry_identifiers(e.fields)),
            )
            self._record_state(snapshot.size, snapshot.mtime_ns, snapshot.digest)
        return True

    def _record_state(self, size: int, mtime_ns: int, digest: str) -> None:
        values = {"schema": SCHEMA_VERSION, "size": str(size), "mtime_ns": str(mtime_ns), "digest": digest}
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    # -- lookups -----------------------------------------------------------------------------------

    def __contains__(self, key: object) -> bool:
        """Is a key in the file, compared case-insensitively (a `taken` container for make_citekey)."""
        row = self._db.execute("SELECT 1 FROM entries WHERE lkey = ? LIMIT 1", (str(key).lower(),)).fetchone()
        return row is not None

    def keys_with_prefix(self, prefix: str) -> set[str]:
        """Lower-cased keys starting with `prefix` (lower case), by a range scan of the key index."""
        rows = self._db.execute(
            "SELECT lkey FROM entries WHERE lkey >= ? AND lkey < ?", (prefix, prefix + "\U0010ffff")
        )
        return {row[0] for row in rows}

    def keys_for(self, ident: str) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT key FROM idents WHERE ident = ?", (ident,))]

    def identifiers_of(self, key: str) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT ident FROM idents WHERE key = ?", (key,))}

    def span_of(self, key: str) -> tuple[int, int] | None:
        """Byte span of the entry with exactly this key; None when absent or when the key is not unique."""
        rows = self._db.execute("SELECT start, stop FROM entries WHERE key = ?", (key,)).fetchall()
        return tuple(rows[0]) if len(rows) == 1 else None

    def owned_hash(self, key: str) -> str | None:
        row = self._db.execute("SELECT text_hash FROM owned WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- changes -----------------------------------------------------------------------------------

    def mark_owned(self, owned: Iterable[tuple[str, str]]) -> None:
        """Record (key, hash of the text written) before the write: a mark for an entry that never reached
        the file is harmless, as its text hash cannot match anything a person writes there later."""
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO owned VALUES (?, ?)", owned)

    def record_write(self, replaced: list[Replacement], appended: list[Placement], size: int, mtime_ns: int,
                     digest: str) -> None:  # fmt: skip
        """After a successful write. `replaced` spans are in the old file's offsets; `appended` spans in the
        new file's (they follow every replacement)."""
        with self._transaction():
            # Last replacement first: each shift then moves exactly the entries that follow it.
            for key, start, old_stop, new_length, idents in sorted(replaced, key=lambda r: r[1], reverse=True):
                new_stop = start + new_length
                self._db.execute(
                    "UPDATE entries SET start = start + ?, stop = stop + ? WHERE start >= ?",
                    (new_stop - old_stop, new_stop - old_stop, old_stop),
                )
                self._place(key, start, new_stop, idents)
            for key, start, stop, idents in appended:
                self._place(key, start, stop, idents)
            self._record_state(size, mtime_ns, digest)

    def _place(self, key: str, start: int, stop: int, idents: set[str]) -> None:
        self._db.execute("DELETE FROM entries WHERE key = ?", (key,))
        self._db.execute("DELETE FROM idents WHERE key = ?", (key,))
        self._db.execute("INSERT INTO entries VALUES (?, ?, ?, ?)", (key, key.lower(), start, stop))
        self._db.executemany("INSERT INTO idents VALUES (?, ?)", ((ident, key) for ident in idents))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
