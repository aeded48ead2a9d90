"""The index after an outside edit is exactly what a full scan finds, and a local edit is scanned locally."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from paperdrop.sync.bibtex.atomic import read_snapshot
from paperdrop.sync.bibtex.identifiers import entry_identifiers
from paperdrop.sync.bibtex.index import BibIndex
from paperdrop.sync.bibtex.layout import CHUNK
from paperdrop.sync.bibtex.scanner import scan

from .conftest import DATA

LOREM = "Lorem ipsum dolor sit amet. " * 8


def library(count: int) -> bytes:
    """A hand-grown library: mixed types, TeX, arXiv ids in several places, comments every 40 entries."""
    parts = []
    for i in range(count):
        parts.append(
            f'@article{{key{i},\n  title = {{A {{Study}} of Things {i}: M{{\\"u}}ller Graphs}},\n'
            f"  author = {{Smith, John and Person{i}, Some}},\n  journal = {{arXiv preprint arXiv:2401.{i:05d}}},\n"
            f"  doi = {{10.1000/j.{i}}},\n  year = {{2024}},\n  abstract = {{{LOREM}}}\n}}\n"
        )
        if i % 40 == 0:
            parts.append(f"% section {i // 40}\n")
    return "\n".join(parts).encode()


MESSY = (DATA / "messy.bib").read_bytes()
BASE = library(60) + b"\n" + MESSY + b"\n" + library(90).replace(b"{key", b"{more")


def full_scan(data: bytes) -> list[tuple[str, int, int, set[str]]]:
    return [(e.key, e.start, e.end, entry_identifiers(e.fields)) for e in scan(data)]


def entry_span(data: bytes, key: bytes) -> tuple[int, int]:
    (entry,) = [e for e in scan(data) if e.key == key.decode()]
    return entry.start, entry.end


def insert(at: float, text: bytes) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * at)] + text + data[int(len(data) * at) :]


def delete_entry(key: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        start, stop = entry_span(data, key)
        return data[:start] + data[stop:]

    return edit


def move_entry(key: bytes, to: float) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        start, stop = entry_span(data, key)
        rest = data[:start] + data[stop:]
        at = rest.find(b"\n@", int(len(rest) * to)) + 1
        return rest[:at] + data[start:stop] + b"\n" + rest[at:]

    return edit


def reformat_entry(key: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        start, stop = entry_span(data, key)
        return data[:start] + data[start:stop].replace(b"\n  ", b"\n\t").replace(b" = ", b"=") + data[stop:]

    return edit


NEW_ENTRY = b"\n@misc{typed_by_hand, eprint = {2405.00001}, title = {Typed by hand}}\n"
# (edit, local): a local edit must be scanned again near where it happened, not from the start of the file.
EDITS = {
    "insert entry at the top": (insert(0, NEW_ENTRY.lstrip()), True),
    "insert entry in the middle": (lambda d: d.replace(b"\n@article{key30,", NEW_ENTRY + b"@article{key30,", 1), True),
    "append entry at the end": (lambda d: d + NEW_ENTRY, True),
    "delete the first entry": (delete_entry(b"key0"), True),
    "delete a middle entry": (delete_entry(b"key45"), True),
    "delete the last entry": (delete_entry(b"more89"), True),
    "fix a typo in a title": (lambda d: d.replace(b"Things 50:", b"Thing 50:", 1), True),
    "same-size change of a doi": (lambda d: d.replace(b"10.1000/j.20}", b"10.1000/j.21}", 1), True),
    "change an arXiv id in place": (lambda d: d.replace(b"arXiv:2401.00012}", b"arXiv:2402.00012}", 1), True),
    "reformat one entry": (reformat_entry(b"key10"), True),
    "open brace that never closes": (lambda d: d.replace(b"Things 20:", b"Things {20:", 1), True),
    "drop a closing brace": (
        lambda d: d.replace(b"amet. }\n}\n\n@article{key33", b"amet. }\n\n\n@article{key33"),
        True,
    ),
    "new entry line inside a value": (
        lambda d: d.replace(b"Things 40:", b"Things\n@misc{inner, title = {x}}\n", 1),
        True,
    ),
    "comment out an entry": (lambda d: d.replace(b"@article{key25,", b"@comment{key25,", 1), True),
    "latin-1 bytes typed": (lambda d: d.replace(b"Person35,", b"P\xe9rson35,", 1), True),
    "move an entry to the end": (move_entry(b"key5", 0.95), False),
    "swap two entries": (lambda d: move_entry(b"more70", 0.1)(move_entry(b"key2", 0.7)(d)), False),
    "editor rewrites the file with CRLF": (lambda d: d.replace(b"\n", b"\r\n"), False),
    "editor sorts the file": (lambda d: b"\n".join(sorted(d.split(b"\n@"))), False),
    "truncated in the middle of an entry": (lambda d: d[: len(d) // 2], True),
    "truncated to nothing": (lambda d: b"", True),
    "replaced by another library": (lambda d: library(30).replace(b"{key", b"{other"), False),
    "not UTF-8 at all": (lambda d: d.decode("utf-8").encode("utf-16-le"), False),
    "touched, same bytes": (lambda d: d, True),
}


@pytest.fixture
def index(tmp_path):
    with BibIndex(tmp_path / "state" / "index.sqlite3") as opened:
        yield opened


@pytest.mark.parametrize("name", list(EDITS))
def test_index_sync_after_an_outside_edit_matches_a_full_scan(tmp_path, index, name):
    edit, local = EDITS[name]
    bib = tmp_path / "refs.bib"
    bib.write_bytes(BASE)
    index.sync(read_snapshot(bib))
    edited = edit(BASE)
    bib.write_bytes(edited)
    scanned = index.sync(read_snapshot(bib))
    assert index.entries() == full_scan(edited)
    assert index.is_current(read_snapshot(bib))
    if local:
        assert scanned is None or len(scanned) <= 3 * CHUNK, (name, scanned)


def test_index_sync_rescans_nothing_for_an_unchanged_file(tmp_path, index):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(BASE)
    assert index.sync(read_snapshot(bib)) == range(0, len(BASE))
    assert index.sync(read_snapshot(bib)) is None


def test_index_sync_of_a_deleted_file_has_no_entries(tmp_path, index):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(BASE)
    index.sync(read_snapshot(bib))
    bib.unlink()
    index.sync(read_snapshot(bib))
    assert index.entries() == []
    bib.write_bytes(MESSY)
    index.sync(read_snapshot(bib))
    assert index.entries() == full_scan(MESSY)


SNIPPETS = [b"{", b"}", b"\n", b"\n@misc{k#, title = {T}}\n", b"@comment{", b"\n  @article( p# ,", b"\r\n", b"\xe9",
            b"eprint = {2401.0#}", b"% note\n", b"\"", b")", b"@", b"  ", b"\n@string{s = {x}}"]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_index_sync_follows_a_long_run_of_random_edits(tmp_path, index, seed):
    """Seeded random inserts, deletions, copies and moves anywhere, each followed by a sync."""
    rng = random.Random(seed)
    bib, data = tmp_path / "refs.bib", BASE
    bib.write_bytes(data)
    index.sync(read_snapshot(bib))
    for step in range(60):
        data = _random_edit(rng, data, step)
        bib.write_bytes(data)
        index.sync(read_snapshot(bib))
        assert index.entries() == full_scan(data), (seed, step)


def _random_edit(rng: random.Random, data: bytes, step: int) -> bytes:
    at = rng.randrange(len(data) + 1)
    action = rng.choice(["insert", "insert", "delete", "copy", "move"])
    if action == "insert":
        snippet = rng.choice(SNIPPETS)
        return data[:at] + snippet.replace(b"#", str(step).encode()) + data[at:]
    length = rng.choice([1, 5, 40, 600, CHUNK + 7])
    piece = data[at : at + length]
    rest = data[:at] + data[at + length :]
    if action == "delete":
        return rest
    to = rng.randrange(len(rest) + 1)
    return (data if action == "copy" else rest)[:to] + piece + (data if action == "copy" else rest)[to:]


def test_index_sync_stays_exact_through_many_small_edits_across_the_file(tmp_path, index):
    """Each small edit splits a segment of stored spans; enough of them make the index lay them out afresh."""
    bib, data = tmp_path / "refs.bib", BASE
    bib.write_bytes(data)
    index.sync(read_snapshot(bib))
    for step in range(120):
        at = data.index(b"\n@", (step * 7919) % (len(data) - 100)) + 1
        data = data[:at] + b"@misc{small%d, title = {Small edit}}\n" % step + data[at:]
        bib.write_bytes(data)
        scanned = index.sync(read_snapshot(bib))
        assert scanned is not None and len(scanned) <= 3 * CHUNK
        assert index.entries() == full_scan(data), step
