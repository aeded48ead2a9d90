"""Where the entries of a .bib file are, in SQLite, so that moving everything after an edit costs little.

An entry's offsets are stored relative to its segment (a run of at most SEGMENT entries that were scanned or
written together), and a segment stores its base offset. Text inserted or removed near the top of a 20,000-entry
file moves every later entry: that is one UPDATE of the segments after the edit (about 100 rows) plus one
split segment, not 20,000 row updates (which cost ~40 ms with the commit). Splits and edits add segments; when
there are too many for the entries they hold, they are laid out afresh (`compact`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

SEGMENT = 256
SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (id INTEGER PRIMARY KEY, base INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS segments_base ON segments (base);
CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, key TEXT NOT NULL, lkey TEXT NOT NULL,
                                    seg INTEGER NOT NULL, start INTEGER NOT NULL, stop INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entries_lkey ON entries (lkey);
CREATE INDEX IF NOT EXISTS entries_seg ON entries (seg, start);
CREATE TABLE IF NOT EXISTS idents (ident TEXT NOT NULL, entry INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS idents_ident ON idents (ident);
CREATE INDEX IF NOT EXISTS idents_entry ON idents (entry);
"""
# File offsets of an entry `e` in segment `s`; queries join `segments s` and `entries e` under these names.
START, STOP = "s.base + e.start", "s.base + e.stop"
JOIN = "entries e JOIN segments s ON s.id = e.seg"
_IN_JSON = "(SELECT value FROM json_each(?))"
Item = tuple[str, int, int, set[str]]  # key, start, stop (file offsets), identifiers


def insert(db: sqlite3.Connection, items: Sequence[Item]) -> None:
    """Add entries (in file order), SEGMENT to a new segment; ids are chosen here: bulk inserts, not 2N."""
    (next_id,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM entries").fetchone()
    rows, ident_rows = [], []
    for first in range(0, len(items), SEGMENT):
        run = items[first : first + SEGMENT]
        base = run[0][1]
        seg = db.execute("INSERT INTO segments (base) VALUES (?)", (base,)).lastrowid
        for row_id, (key, start, stop, idents) in enumerate(run, start=next_id + first):
            rows.append((row_id, key, key.lower(), seg, start - base, stop - base))
            ident_rows += [(ident, row_id) for ident in idents]
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO idents VALUES (?, ?)", ident_rows)


def remove_between(db: sqlite3.Connection, start: int, stop: int) -> list[str]:
    """Delete the entries starting in [start, stop); their lower-case keys."""
    # CROSS JOIN keeps segments outside: each one is then a range lookup in entries_seg.
    rows = db.execute(
        "SELECT e.id, e.lkey FROM segments s CROSS JOIN entries e ON e.seg = s.id"
        " AND e.start >= ? - s.base AND e.start < ? - s.base WHERE s.base < ?",
        (start, stop, stop),
    ).fetchall()
    if rows:
        ids = json.dumps([row[0] for row in rows])
        db.execute(f"DELETE FROM idents WHERE entry IN {_IN_JSON}", (ids,))
        db.execute(f"DELETE FROM entries WHERE id IN {_IN_JSON}", (ids,))
    return [row[1] for row in rows]


def shift(db: sqlite3.Connection, at: int, delta: int) -> None:
    """Move every entry starting at or after `at` by `delta` bytes."""
    if not delta:
        return
    straddling = db.execute(
        "SELECT id, base FROM segments s WHERE base < ?"
        " AND EXISTS (SELECT 1 FROM entries e WHERE e.seg = s.id AND e.start >= ? - s.base)",
        (at, at),
    ).fetchall()
    for seg, base in straddling:  # its entries from `at` on get a segment of their own, based at `at`
        split = db.execute("INSERT INTO segments (base) VALUES (?)", (at,)).lastrowid
        moved = at - base
        db.execute(
            "UPDATE entries SET seg = ?, start = start - ?, stop = stop - ? WHERE seg = ? AND start >= ?",
            (split, moved, moved, seg, moved),
        )
    db.execute("UPDATE segments SET base = base + ? WHERE base >= ?", (delta, at))


def compact(db: sqlite3.Connection) -> None:
    """Lay the entries out in fresh segments once edits have left many small or empty ones."""
    (segments,) = db.execute("SELECT count(*) FROM segments").fetchone()
    (entries,) = db.execute("SELECT count(*) FROM entries").fetchone()
    if segments <= 2 * (entries // SEGMENT) + 64:
        return
    rows = db.execute(f"SELECT e.id, {START}, {STOP} FROM {JOIN} ORDER BY {START}").fetchall()
    db.execute("DELETE FROM segments")
    updates = []
    for first in range(0, len(rows), SEGMENT):
        run = rows[first : first + SEGMENT]
        base = run[0][1]
        seg = db.execute("INSERT INTO segments (base) VALUES (?)", (base,)).lastrowid
        updates += [(seg, start - base, stop - base, row_id) for row_id, start, stop in run]
    db.executemany("UPDATE entries SET seg = ?, start = ?, stop = ? WHERE id = ?", updates)


def clear(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM entries")
    db.execute("DELETE FROM idents")
    db.execute("DELETE FROM segments")
