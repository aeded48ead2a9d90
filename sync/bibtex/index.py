"""The index of one .bib file (keys, byte spans, identifiers, owned entries) kept in SQLite under state_dir.

Adding a paper must not re-parse the file (bibtexparser needs ~25 s for 20,000 entries). The index records the
file as PaperDrop last saw it (size, mtime, inode and chunk digests, layout.py); `sync` compares the file as it
is now and scans again only the blocks an outside edit touched (scanner.py "Blocks"), so the first save after
an edit costs milliseconds, not a full rescan.
Ownership (which keys PaperDrop wrote, the text it wrote, the paper's arXiv id) survives rebuilds: only those
entries are ever replaced, only while their text is still exactly what PaperDrop wrote, and an owned entry that
disappears from the file is marked `gone` until it is reported (`BibtexSink` hands it to `run.missing`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from paperdrop.sync.bibtex import spans
from paperdrop.sync.bibtex.atomic import FileSnapshot
from paperdrop.sync.bibtex.identifiers import entry_identifiers
from paperdrop.sync.bibtex.indexdb import SCHEMA_VERSION, connection, forget
from paperdrop.sync.bibtex.layout import difference
from paperdrop.sync.bibtex.scanner import ScannedEntry, block_start_after, block_start_before, scan
from paperdrop.sync.bibtex.spans import JOIN, START, STOP

# An owned key is gone when neither its key nor its paper's arXiv id is anywhere in the file (a person who
# re-keys an entry has not removed the paper).
_MARK_GONE = """
UPDATE owned SET gone = 1 WHERE gone = 0 {only}
  AND NOT EXISTS (SELECT 1 FROM entries WHERE entries.lkey = owned.lkey)
  AND (arxiv IS NULL OR NOT EXISTS (SELECT 1 FROM idents WHERE idents.ident = owned.arxiv))
"""
_BACK = "UPDATE owned SET gone = 0, reported = 0 WHERE gone = 1 AND (lkey IN {list} OR arxiv IN {list})"
_IN_JSON = "(SELECT value FROM json_each(?))"


@dataclass
class Replacement:
    """An owned entry rewritten in place: its span in the old file and the length of its new text."""

    key: str
    start: int
    old_stop: int
    new_length: int
    idents: set[str] = field(default_factory=set)


@dataclass
class Placement:
    """An appended entry and its span in the new file."""

    key: str
    start: int
    stop: int
    idents: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class FileState:
    """What the index records of the file after a write: its stat identity and chunk digests."""

    size: int
    mtime_ns: int
    inode: int
    digests: bytes


def index_path(state_dir: Path, bib_path: Path) -> Path:
    digest = hashlib.sha1(str(bib_path).encode(), usedforsecurity=False).hexdigest()[:16]
    return state_dir / f"bibtex-index-{digest}.sqlite3"


def text_hash(text: bytes) -> str:
    return hashlib.sha1(text, usedforsecurity=False).hexdigest()


class BibIndex:
    """Open with `BibIndex(path)`; use only under the file lock. A damaged database is recreated empty.
    `close` ends this use; the connection stays open for the thread (indexdb.py)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = connection(path)
            self._db.execute("SELECT count(*) FROM meta").fetchone()
        except sqlite3.DatabaseError:
            # It is a cache plus ownership marks; losing it costs one rescan, never a user's bytes.
            forget(path)
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            self._db = connection(path)

    def close(self) -> None:
        """End this use; the connection is kept for the next one in this thread."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- freshness ---------------------------------------------------------------------------------

    def is_current(self, snapshot: FileSnapshot) -> bool:
        meta = self._meta()
        return (
            meta.get("schema") == SCHEMA_VERSION
            and meta.get("digests") == snapshot.digests
            and (meta.get("size"), meta.get("mtime_ns"), meta.get("inode"))
            == (snapshot.size, snapshot.mtime_ns, snapshot.inode)
        )

    def sync(self, snapshot: FileSnapshot) -> range | None:
        """Make the index describe `snapshot`. Returns the byte range of the file that was scanned again (an
        outside edit, or no usable index yet), None when the index already described these bytes."""
        meta = self._meta()
        if meta.get("schema") != SCHEMA_VERSION:
            self._rebuild(snapshot)
            return range(0, len(snapshot.data))
        change = difference(int(meta["size"]), bytes(meta["digests"]), snapshot.data, snapshot.digests)
        if change is None:
            if not self.is_current(snapshot):  # touched, or replaced by the same bytes: nothing to scan
                with self._transaction():
                    self._record_state(snapshot.size, snapshot.mtime_ns, snapshot.inode, snapshot.digests)
            return None
        data, shift = snapshot.data, change.shift
        start = block_start_before(data, change.prefix)
        stop = block_start_after(data, max(change.new_suffix, start - 1, start + shift - 1))
        if start == 0 and stop == len(data):  # every block changed (an editor rewrote the whole file)
            self._rebuild(snapshot)
            return range(0, len(data))
        old_stop = int(meta["size"]) if stop == len(data) else stop - shift
        with self._transaction():
            removed = spans.remove_between(self._db, start, old_stop)
            spans.shift(self._db, old_stop, shift)
            self._insert(scan(data, start, stop))
            self._mark_gone(removed)
            spans.compact(self._db)
            self._record_state(snapshot.size, snapshot.mtime_ns, snapshot.inode, snapshot.digests)
        return range(start, stop)

    def _rebuild(self, snapshot: FileSnapshot) -> None:
        with self._transaction():
            spans.clear(self._db)
            self._insert(scan(snapshot.data))
            self._db.execute(
                "UPDATE owned SET arxiv = (SELECT i.ident FROM entries e JOIN idents i ON i.entry = e.id"
                " WHERE e.lkey = owned.lkey AND i.ident LIKE 'arxiv:%' LIMIT 1) WHERE arxiv IS NULL"
            )  # ownership marks kept from an index of schema 1 learn their paper here
            self._mark_gone(None)
            self._record_state(snapshot.size, snapshot.mtime_ns, snapshot.inode, snapshot.digests)

    def _insert(self, entries: Iterable[ScannedEntry]) -> None:
        items = [(e.key, e.start, e.end, entry_identifiers(e.fields)) for e in entries]
        spans.insert(self._db, items)
        if items:  # an owned entry put back (an undo, a paste) is present again
            lkeys = [key.lower() for key, *_ in items]
            arxiv = [ident for *_, idents in items for ident in idents if ident.startswith("arxiv:")]
            self._db.execute(_BACK.format(list=_IN_JSON), (json.dumps(lkeys), json.dumps(arxiv)))

    def _mark_gone(self, removed: list[str] | None) -> None:
        """Owned keys among `removed` (every owned key when None) that are no longer in the file."""
        if removed is None:
            self._db.execute(_MARK_GONE.format(only=""))
        elif removed:
            self._db.execute(_MARK_GONE.format(only=f"AND lkey IN {_IN_JSON}"), (json.dumps(removed),))

    def _meta(self) -> dict[str, Any]:
        return dict(self._db.execute("SELECT name, value FROM meta"))

    def _record_state(self, size: int, mtime_ns: int, inode: int, digests: bytes) -> None:
        values = {"schema": SCHEMA_VERSION, "size": size, "mtime_ns": mtime_ns, "inode": inode, "digests": digests}
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    # -- lookups -----------------------------------------------------------------------------------

    def __contains__(self, key: object) -> bool:
        """Is a key in the file, compared case-insensitively (a `taken` container for make_citekey)."""
        row = self._db.execute("SELECT 1 FROM entries WHERE lkey = ? LIMIT 1", (str(key).lower(),)).fetchone()
        return row is not None

    def entries(self) -> list[tuple[str, int, int, set[str]]]:
        """(key, start, stop, identifiers) of every entry in file order: what a full scan would find."""
        idents: dict[int, set[str]] = {}
        for ident, entry in self._db.execute("SELECT ident, entry FROM idents"):
            idents.setdefault(entry, set()).add(ident)
        rows = self._db.execute(f"SELECT e.id, e.key, {START}, {STOP} FROM {JOIN} ORDER BY {START}")
        return [(key, start, stop, idents.get(row_id, set())) for row_id, key, start, stop in rows]

    def has_entries(self) -> bool:
        return self._db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is not None

    def keys_with_prefix(self, prefix: str) -> set[str]:
        """Lower-cased keys starting with `prefix` (lower case), by a range scan of the key index."""
        rows = self._db.execute(
            "SELECT lkey FROM entries WHERE lkey >= ? AND lkey < ?", (prefix, prefix + "\U0010ffff")
        )
        return {row[0] for row in rows}

    def keys_for(self, ident: str) -> list[str]:
        """Keys of the entries with this identifier, in file order."""
        rows = self._db.execute(
            "SELECT e.key FROM idents i JOIN entries e ON e.id = i.entry JOIN segments s ON s.id = e.seg"
            f" WHERE i.ident = ? ORDER BY {START}",
            (ident,),
        )
        return [row[0] for row in rows]

    def identifiers_of(self, key: str) -> set[str]:
        rows = self._db.execute(
            "SELECT i.ident FROM entries e JOIN idents i ON i.entry = e.id WHERE e.lkey = ? AND e.key = ?",
            (key.lower(), key),
        )
        return {row[0] for row in rows}

    def span_of(self, key: str) -> tuple[int, int] | None:
        """Byte span of the entry with exactly this key; None when absent or when the key is not unique."""
        rows = self._db.execute(
            f"SELECT {START}, {STOP} FROM {JOIN} WHERE e.lkey = ? AND e.key = ?", (key.lower(), key)
        ).fetchall()
        return (rows[0][0], rows[0][1]) if len(rows) == 1 else None

    def owns(self, key: str, text: bytes) -> bool:
        """Is `text` exactly what PaperDrop wrote as `key`: the last write recorded, or one begun after it
        (a crash between the rename and record_write leaves that one in the file)?"""
        row = self._db.execute("SELECT text_hash, pending FROM owned WHERE key = ?", (key,)).fetchone()
        return row is not None and text_hash(text) in row

    def gone_key_of(self, arxiv_ident: str) -> str | None:
        """The key of an entry PaperDrop wrote for this paper that has since been removed from the file."""
        row = self._db.execute("SELECT key FROM owned WHERE arxiv = ? AND gone = 1 LIMIT 1", (arxiv_ident,))
        found = row.fetchone()
        return found[0] if found else None

    def unreported_gone(self) -> list[str]:
        """Owned keys that left the file and have not been reported yet, in key order."""
        return [
            row[0] for row in self._db.execute("SELECT key FROM owned WHERE gone = 1 AND reported = 0 ORDER BY key")
        ]

    # -- changes -----------------------------------------------------------------------------------

    def mark_reported(self, keys: list[str]) -> None:
        with self._transaction():
            self._db.execute(f"UPDATE owned SET reported = 1 WHERE key IN {_IN_JSON}", (json.dumps(keys),))

    def mark_owned(self, owned: Iterable[tuple[str, str, str]]) -> None:
        """Record (key, arXiv identifier, hash of the text about to be written) before the write, as pending:
        a mark for an entry that never reached the file is harmless, as its text hash cannot match anything a
        person writes there later, and the text last recorded stays PaperDrop's if this write never happens."""
        with self._transaction():
            self._db.executemany(
                "INSERT INTO owned (key, lkey, arxiv, text_hash, pending) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET arxiv = excluded.arxiv, pending = excluded.pending",
                ((key, key.lower(), arxiv, digest, digest) for key, arxiv, digest in owned),
            )

    def record_write(self, replaced: list[Replacement], appended: list[Placement], state: FileState) -> None:
        """After a successful write. `replaced` spans are in the old file's offsets; `appended` spans in the
        new file's (they follow every replacement)."""
        with self._transaction():
            # Last replacement first: each shift then moves exactly the entries that follow it.
            for item in sorted(replaced, key=lambda r: r.start, reverse=True):
                spans.remove_between(self._db, item.start, item.start + 1)
                spans.shift(self._db, item.old_stop, item.start + item.new_length - item.old_stop)
                spans.insert(self._db, [(item.key, item.start, item.start + item.new_length, item.idents)])
            spans.insert(self._db, [(p.key, p.start, p.stop, p.idents) for p in appended])
            spans.compact(self._db)
            written = [item.key for item in replaced] + [placed.key for placed in appended]
            self._db.execute(
                "UPDATE owned SET text_hash = coalesce(pending, text_hash), pending = NULL, gone = 0, reported = 0"
                f" WHERE key IN {_IN_JSON}",
                (json.dumps(written),),
            )
            self._record_state(state.size, state.mtime_ns, state.inode, state.digests)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
