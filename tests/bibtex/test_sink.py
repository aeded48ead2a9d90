"""BibtexSink on real files: appending, dedupe, updates, byte-for-byte preservation, errors."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser

from paperdrop.sync.bibtex.atomic import read_snapshot
from paperdrop.sync.bibtex.index import BibIndex, index_path
from paperdrop.sync.bibtex.scanner import scan
from paperdrop.sync.errors import ConfigurationError

from .conftest import DATA, make_paper, request
from .golden_papers import GOLDEN_PAPERS


def parse(path) -> list[dict]:
    return bibtexparser.loads(path.read_text(encoding="utf-8"), parser=BibTexParser(common_strings=False)).entries


def test_bibtex_sink_creates_missing_file(make_sink, bib):
    outcomes = make_sink().deliver([request(1, make_paper())])
    assert [(o.status, o.remote_key, o.already_present) for o in outcomes] == [
        ("delivered", "jain2024vid2robot", False)
    ]
    assert bib.read_text().startswith("@misc{jain2024vid2robot,\n  title = {{Vid2Robot}:")
    assert [e["ID"] for e in parse(bib)] == ["jain2024vid2robot"]


def test_bibtex_sink_keeps_messy_file_bytes_and_appends_after_them(make_sink, bib):
    original = (DATA / "messy.bib").read_bytes()
    bib.write_bytes(original)
    outcomes = make_sink().deliver([request(1, make_paper("2404.00001", title="Fresh Paper"))])
    data = bib.read_bytes()
    assert data.startswith(original)
    assert data[len(original) :] == b"\n\n" + outcomes_entry(data, outcomes[0].remote_key) + b"\n"
    assert outcomes[0].remote_key == "jain2024fresh"


def outcomes_entry(data: bytes, key: str) -> bytes:
    (entry,) = [e for e in scan(data) if e.key == key]
    return data[entry.start : entry.end]


@pytest.mark.parametrize(
    ("paper", "existing_key"),
    [
        (make_paper(), "scholar_style"),  # `journal = {arXiv preprint arXiv:...}`
        (make_paper("2301.00001", title="x"), "mendeley"),  # arxivId / versioned arXiv URL
        (make_paper("2202.00002", title="x"), "datacite"),  # 10.48550 DOI
        (make_paper("2210.00009", title="x", doi="10.1145/abc.123"), "publisher"),  # publisher DOI, any case
        (make_paper("hep-th/9901001", title="x"), "oldstyle"),
        (make_paper("1706.03762", title="Attention is all you need!"), "Vaswani2017"),  # normalized title
        (make_paper("1512.03385", title="Deep Residual Learning for Image Recognition"), "He2016"),
    ],
)
def test_bibtex_sink_dedupes_against_entries_written_by_others(make_sink, bib, paper, existing_key):
    original = (DATA / "messy.bib").read_bytes()
    bib.write_bytes(original)
    (outcome,) = make_sink().deliver([request(7, paper)])
    assert (outcome.status, outcome.remote_key, outcome.already_present) == ("delivered", existing_key, True)
    assert bib.read_bytes() == original


def test_bibtex_sink_adds_same_title_with_another_arxiv_id(make_sink, bib):
    bib.write_text("@misc{old, title = {Scaling Laws}, eprint = {2001.08361}}\n")
    (outcome,) = make_sink().deliver([request(1, make_paper("2402.00001", title="Scaling laws"))])
    assert not outcome.already_present
    assert outcome.remote_key == "jain2024scaling"


def test_bibtex_sink_adds_two_papers_sharing_a_title_in_one_batch(make_sink, bib):
    papers = [make_paper("2402.00001", title="Scaling Laws"), make_paper("2402.00002", title="Scaling laws")]
    outcomes = make_sink().deliver([request(1, papers[0]), request(2, papers[1])])
    assert [(o.remote_key, o.already_present) for o in outcomes] == [
        ("jain2024scaling", False), ("jain2024scalinga", False)
    ]  # fmt: skip


def test_bibtex_sink_ignores_eprint_of_another_archive(make_sink, bib):
    bib.write_bytes((DATA / "messy.bib").read_bytes())
    (outcome,) = make_sink().deliver([request(1, make_paper("2203.00003", title="Another"))])
    assert not outcome.already_present


def test_bibtex_sink_never_adds_a_paper_twice_in_one_batch_or_later(make_sink, bib):
    sink = make_sink()
    first = sink.deliver([request(1, make_paper()), request(2, make_paper())])
    again = sink.deliver([request(3, make_paper())])
    assert [(o.remote_key, o.already_present) for o in first + again] == [
        ("jain2024vid2robot", False), ("jain2024vid2robot", True), ("jain2024vid2robot", True),
    ]  # fmt: skip
    assert len(parse(bib)) == 1


def test_bibtex_sink_suffixes_colliding_citekeys(make_sink, bib):
    bib.write_text("@misc{Jain2024Vid2Robot, title = {Unrelated}}\n")
    papers = [make_paper(f"2403.0000{i}", title=f"Vid2Robot part {i}") for i in range(3)]
    outcomes = make_sink().deliver([request(i, p) for i, p in enumerate(papers)])
    assert [o.remote_key for o in outcomes] == [
        "jain2024vid2robota",
        "jain2024vid2robotb",
        "jain2024vid2robotc",
    ]


def test_bibtex_sink_keeps_remembered_key(make_sink, bib):
    (outcome,) = make_sink().deliver([request(1, make_paper(), remote_key="myOwnKey")])
    assert outcome.remote_key == "myOwnKey"
    assert parse(bib)[0]["ID"] == "myOwnKey"


def test_bibtex_sink_update_replaces_only_its_entry(make_sink, bib):
    sink = make_sink()
    bib.write_text("% head\n@misc{user, title = {Mine}}\n")
    sink.deliver([request(1, make_paper()), request(2, make_paper("2401.00002", title="Second"))])
    before = bib.read_bytes()
    updated = make_paper(version=2, doi="10.1000/published", title="Vid2Robot: A Much Longer Updated Title")
    (outcome,) = sink.deliver([request(1, updated, remote_key="jain2024vid2robot", update=True)])
    assert (outcome.status, outcome.remote_key, outcome.already_present) == (
        "delivered",
        "jain2024vid2robot",
        False,
    )
    after = bib.read_bytes()
    old_entry, new_entry = (
        outcomes_entry(before, "jain2024vid2robot"),
        outcomes_entry(after, "jain2024vid2robot"),
    )
    assert after == before.replace(old_entry, new_entry)
    assert b"doi = {10.1000/published}" in new_entry
    assert_index_matches_file(sink, bib)


def test_bibtex_sink_update_leaves_entries_it_does_not_own(make_sink, bib):
    bib.write_text("@misc{theirs, eprint = {2403.12943}, title = {Hand written}}\n")
    sink = make_sink()
    (found,) = sink.deliver([request(1, make_paper())])
    (outcome,) = sink.deliver([request(1, make_paper(doi="10.1/x"), remote_key=found.remote_key, update=True)])
    assert (outcome.remote_key, outcome.already_present) == ("theirs", True)
    assert bib.read_text() == "@misc{theirs, eprint = {2403.12943}, title = {Hand written}}\n"


def test_bibtex_sink_update_respects_a_person_editing_the_entry(make_sink, bib):
    sink = make_sink()
    sink.deliver([request(1, make_paper())])
    edited = bib.read_text().replace("  year = {2024},\n", "  year = {2024},\n  file = {my.pdf},\n")
    bib.write_text(edited)
    (outcome,) = sink.deliver([request(1, make_paper(doi="10.1/x"), remote_key="jain2024vid2robot", update=True)])
    assert outcome.already_present
    assert bib.read_text() == edited


def test_bibtex_sink_update_of_unchanged_paper_writes_nothing(make_sink, bib):
    sink = make_sink()
    sink.deliver([request(1, make_paper())])
    mtime = bib.stat().st_mtime_ns
    (outcome,) = sink.deliver([request(1, make_paper(), remote_key="jain2024vid2robot", update=True)])
    assert outcome.status == "delivered"
    assert bib.stat().st_mtime_ns == mtime


def test_bibtex_sink_keeps_permissions_and_line_endings(make_sink, bib):
    bib.write_bytes(b"@misc{a, title = {A}}\r\n")
    os.chmod(bib, 0o640)
    make_sink().deliver([request(1, make_paper())])
    data = bib.read_bytes()
    assert stat.S_IMODE(bib.stat().st_mode) == 0o640
    assert data.startswith(b"@misc{a, title = {A}}\r\n\r\n@misc{jain2024vid2robot,\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")


def test_bibtex_sink_writes_through_a_symlink(make_sink, bib, tmp_path):
    real = tmp_path / "real.bib"
    real.write_text("")
    bib.symlink_to(real)
    make_sink().deliver([request(1, make_paper())])
    assert bib.is_symlink()
    assert "jain2024vid2robot" in real.read_text()


def test_bibtex_sink_index_is_current_after_a_write(make_sink, bib, tmp_path):
    sink = make_sink()
    sink.deliver([request(i, make_paper(f"2401.0000{i}", title=f"Paper {i}")) for i in range(5)])
    with BibIndex(index_path(tmp_path / "state", bib)) as index:
        assert index.is_current(read_snapshot(bib))  # the next add will not rescan
    assert_index_matches_file(sink, bib)


def test_bibtex_sink_rescans_after_an_outside_edit(make_sink, bib):
    sink = make_sink()
    sink.deliver([request(1, make_paper())])
    with bib.open("a") as handle:  # same key a person typed by hand, and the next paper
        handle.write("\n@misc{jain2024second, eprint = {2401.00002}, title = {Second}}\n")
    outcomes = sink.deliver(
        [
            request(2, make_paper("2401.00002", title="Second")),
            request(3, make_paper("2401.00003", title="Second one")),
        ]
    )
    assert [(o.remote_key, o.already_present) for o in outcomes] == [
        ("jain2024second", True), ("jain2024seconda", False)
    ]  # fmt: skip


def test_bibtex_sink_rebuilds_a_lost_or_damaged_index(make_sink, bib, tmp_path):
    sink = make_sink()
    sink.deliver([request(1, make_paper())])
    shutil.rmtree(tmp_path / "state")
    (outcome,) = sink.deliver([request(1, make_paper())])
    assert outcome.already_present
    index_file = index_path(tmp_path / "state", bib)
    index_file.write_bytes(b"not a database at all" * 100)
    for leftover in index_file.parent.glob("*-wal"):
        leftover.unlink()
    (outcome,) = sink.deliver([request(1, make_paper())])
    assert outcome.already_present


def test_bibtex_sink_missing_directory_is_a_configuration_error(make_sink, tmp_path):
    sink = make_sink(tmp_path / "nowhere" / "papers.bib")
    status = sink.check()
    assert not status.reachable
    assert "does not exist" in status.message and "mkdir" in status.fix
    with pytest.raises(ConfigurationError):
        sink.deliver([request(1, make_paper())])
    assert not (tmp_path / "nowhere").exists()


def test_bibtex_sink_read_only_file_is_a_configuration_error(make_sink, bib):
    bib.write_text("@misc{a, title = {A}}\n")
    os.chmod(bib, 0o444)
    sink = make_sink()
    assert not sink.check().reachable
    with pytest.raises(ConfigurationError) as info:
        sink.deliver([request(1, make_paper())])
    assert "chmod" in info.value.fix
    assert bib.read_text() == "@misc{a, title = {A}}\n"


def test_bibtex_sink_unwritable_directory_is_a_configuration_error(make_sink, bib):
    if os.geteuid() == 0:  # root writes into any mode-0555 directory; sysfs refuses new files even to root
        path = Path("/sys/kernel/papers.bib")
        assert not make_sink(path).check().reachable
        with pytest.raises(ConfigurationError):
            make_sink(path).deliver([request(1, make_paper())])
        return
    os.chmod(bib.parent, 0o555)
    try:
        assert not make_sink().check().reachable
        with pytest.raises(ConfigurationError):
            make_sink().deliver([request(1, make_paper())])
    finally:
        os.chmod(bib.parent, 0o755)


def test_bibtex_sink_check_reports_a_writable_target(make_sink, bib):
    status = make_sink().check()
    assert status.reachable and status.kind == "bibtex" and "will be created" in status.message
    assert make_sink().prepare([request(1, make_paper())]) == {}


def assert_index_matches_file(sink, bib) -> None:
    with BibIndex(index_path(sink.state_dir, sink.path)) as index:
        for entry in scan(bib.read_bytes()):
            assert index.span_of(entry.key) == (entry.start, entry.end)


def test_bibtex_sink_updates_its_preprint_entry_in_place_when_the_paper_is_published(make_sink, bib):
    sink = make_sink()
    bib.write_text("% head\n@misc{user, title = {Mine}}\n")
    preprint, key = GOLDEN_PAPERS["published_article"]
    preprint = dataclasses.replace(preprint, publication=None, doi=None)
    (first,) = sink.deliver([request(1, preprint)])
    sink.deliver([request(2, make_paper("2401.00002", title="Second"))])
    before = bib.read_bytes()
    published, _ = GOLDEN_PAPERS["published_article"]
    (outcome,) = sink.deliver([request(1, published, remote_key=first.remote_key, update=True)])
    assert (outcome.remote_key, outcome.already_present, first.remote_key) == (key, False, key)
    after = bib.read_bytes()
    expected = (DATA / "golden" / "published_article.bib").read_bytes().rstrip(b"\n")
    assert after == before.replace(outcomes_entry(before, key), expected)
    assert_index_matches_file(sink, bib)


def test_bibtex_sink_leaves_an_edited_preprint_entry_when_the_paper_is_published(make_sink, bib):
    sink = make_sink()
    published, key = GOLDEN_PAPERS["published_inproceedings"]
    (first,) = sink.deliver([request(1, dataclasses.replace(published, publication=None))])
    edited = bib.read_text().replace("  year = {2015},\n", "  year = {2015},\n  note = {mine},\n")
    bib.write_text(edited)
    (outcome,) = sink.deliver([request(1, published, remote_key=first.remote_key, update=True)])
    assert outcome.already_present and bib.read_text() == edited


def test_bibtex_sink_writes_tex_commands_into_a_file_that_is_not_utf8(make_sink, bib):
    original = "% Bibliographie\n@misc{mueller, author = {Müller, Jörg}, title = {Über Graphen}}\n".encode("latin-1")
    bib.write_bytes(original)
    paper = make_paper("2401.00009", title="Łódź graphs", authors=["Zoë Pérez"])
    (outcome,) = make_sink().deliver([request(1, paper)])
    data = bib.read_bytes()
    assert data.startswith(original)
    added = data[len(original) :]
    assert added.isascii()
    assert b"author = {P{\\'e}rez, Zo{\\\"e}}" in added and b"{\\L}{\\'o}d{\\' z}" in added
    assert outcome.remote_key == "perez2024lodz"
