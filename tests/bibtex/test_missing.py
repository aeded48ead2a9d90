"""Entries PaperDrop wrote that leave the file are noticed on the next read and reported once through
`run.missing`; they are not written again unless the server asks (a recheck)."""

from __future__ import annotations

import sqlite3

from paperdrop.sync.bibtex.index import index_path

from .conftest import RecordingRun, make_paper, request
from .test_rewrite import remove_entry
from .test_sink import parse

PAPERS = [make_paper(f"2401.{i:05d}", title=f"Paper number {i}") for i in range(200)]


def deliver_all(sink, papers=PAPERS):
    outcomes = sink.deliver([request(i, p) for i, p in enumerate(papers)])
    return [o.remote_key for o in outcomes]


def another_delivery(sink, recorder, number=900):
    return sink.deliver([request(number, make_paper(f"2402.{number:05d}", title=f"Other {number}"))], recorder.run)


def test_bibtex_sink_reports_removed_entries_on_the_next_read(make_sink, bib):
    sink = make_sink()
    keys = deliver_all(sink, PAPERS[:3])
    remove_entry(bib, keys[0])
    remove_entry(bib, keys[2])
    recorder = RecordingRun()
    (outcome,) = another_delivery(sink, recorder)
    assert recorder.missing == [sorted([keys[0], keys[2]])]
    assert outcome.status == "delivered" and not outcome.already_present
    assert [e["ID"] for e in parse(bib)] == [keys[1], outcome.remote_key]  # reported, not re-added


def test_bibtex_sink_reports_a_removal_once(make_sink, bib):
    sink = make_sink()
    keys = deliver_all(sink, PAPERS[:2])
    remove_entry(bib, keys[0])
    recorder = RecordingRun()
    another_delivery(sink, recorder, 901)
    another_delivery(sink, recorder, 902)
    assert recorder.missing == [[keys[0]]]


def test_bibtex_sink_notices_a_stale_buffer_that_erased_most_entries(make_sink, bib):
    """An editor opened the file with 6 entries, PaperDrop added 194, the editor saved its old buffer."""
    sink = make_sink()
    deliver_all(sink, PAPERS[:6])
    stale_buffer = bib.read_bytes()
    keys = deliver_all(sink, PAPERS)
    bib.write_bytes(stale_buffer)
    recorder = RecordingRun()
    another_delivery(sink, recorder)
    (reported,) = recorder.missing
    assert sorted(reported) == sorted(keys[6:]) and len(reported) == 194


def test_bibtex_sink_reports_every_entry_of_a_deleted_file(make_sink, bib):
    sink = make_sink()
    keys = deliver_all(sink, PAPERS[:4])
    bib.unlink()
    recorder = RecordingRun()
    another_delivery(sink, recorder)
    assert recorder.missing == [sorted(keys)]


def test_bibtex_sink_does_not_report_entries_the_batch_writes_again(make_sink, bib):
    sink = make_sink()
    keys = deliver_all(sink, PAPERS[:3])
    remove_entry(bib, keys[0])
    remove_entry(bib, keys[1])
    recorder = RecordingRun()
    outcomes = sink.deliver([request(0, PAPERS[0], remote_key=keys[0], recheck=True)], recorder.run)
    assert outcomes[0].rewritten
    assert recorder.missing == [[keys[1]]]


def test_bibtex_sink_does_not_report_entries_others_wrote_or_re_keyed(make_sink, bib):
    bib.write_text("@misc{theirs, title = {Written by hand}}\n")
    sink = make_sink()
    keys = deliver_all(sink, PAPERS[:2])
    text = bib.read_text().replace("@misc{theirs, title = {Written by hand}}\n", "")
    bib.write_text(text.replace(f"@misc{{{keys[0]},", "@misc{renamed,"))
    recorder = RecordingRun()
    another_delivery(sink, recorder)
    assert recorder.missing == []


def test_bibtex_sink_reports_again_after_an_entry_came_back_and_left_again(make_sink, bib):
    sink = make_sink()
    keys = deliver_all(sink, PAPERS[:2])
    complete = bib.read_bytes()
    remove_entry(bib, keys[1])
    recorder = RecordingRun()
    another_delivery(sink, recorder, 901)
    bib.write_bytes(bib.read_bytes() + complete[complete.index(b"@misc{" + keys[1].encode()) :])
    another_delivery(sink, recorder, 902)  # the undo put it back: nothing to report
    remove_entry(bib, keys[1])
    another_delivery(sink, recorder, 903)
    assert recorder.missing == [[keys[1]], [keys[1]]]


def test_bibtex_sink_index_of_schema_1_is_upgraded_with_its_marks(make_sink, bib, tmp_path):
    sink = make_sink()
    keys = deliver_all(sink, PAPERS[:2])
    path = index_path(tmp_path / "state", sink.path)
    with sqlite3.connect(path) as db:
        marks = db.execute("SELECT key, text_hash FROM owned ORDER BY key").fetchall()
    _write_schema_1(path, marks)
    remove_entry(bib, keys[0])
    recorder = RecordingRun()
    another_delivery(sink, recorder)
    assert recorder.missing == [[keys[0]]]
    updated = make_paper("2401.00001", title="Paper number 1", doi="10.1/x")
    (outcome,) = sink.deliver([request(1, updated, remote_key=keys[1], update=True)])
    assert not outcome.already_present  # still PaperDrop's own entry: updated in place


def _write_schema_1(path, marks):
    for leftover in path.parent.iterdir():
        leftover.unlink()
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE entries (key TEXT NOT NULL, lkey TEXT NOT NULL, start INTEGER, stop INTEGER);"
            "CREATE TABLE idents (ident TEXT NOT NULL, key TEXT NOT NULL);"
            "CREATE TABLE owned (key TEXT PRIMARY KEY, text_hash TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('schema', '1');"
        )
        db.executemany("INSERT INTO owned VALUES (?, ?)", marks)
