"""The tolerant scanner and the identifiers it finds, on a messy hand-written file."""

from __future__ import annotations

import pytest

from paperdrop.sync.bibtex.identifiers import entry_identifiers
from paperdrop.sync.bibtex.scanner import scan

from .conftest import DATA


@pytest.fixture(scope="module")
def messy() -> bytes:
    return (DATA / "messy.bib").read_bytes()


def test_scan_finds_every_entry_key_in_a_messy_file(messy):
    keys = [entry.key for entry in scan(messy)]
    assert keys == [
        "Vaswani2017", "He2016", "scholar_style", "broken_unclosed", "mendeley", "datacite", "publisher",
        "oldstyle", "otherprefix", "trailing",
    ]  # fmt: skip


def test_scan_spans_cover_exactly_the_entry_text(messy):
    spans = {entry.key: messy[entry.start : entry.end] for entry in scan(messy)}
    assert spans["He2016"].startswith(b"@inproceedings( He2016 ,")
    assert spans["He2016"].endswith(b"doi = {10.1109/CVPR.2016.90} )")
    assert spans["trailing"] == b"@misc{trailing, title = {No newline at end of file}}"


def test_scan_stops_a_broken_entry_at_the_next_entry(messy):
    broken = next(entry for entry in scan(messy) if entry.key == "broken_unclosed")
    assert broken.broken
    assert messy[broken.end :].startswith(b"@article{mendeley,")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("Vaswani2017", {"title:attention is all you need"}),
        ("He2016", {"doi:10.1109/cvpr.2016.90", "title:deep residual learning for image recognition"}),
        ("scholar_style", {"arxiv:2403.12943"}),
        ("mendeley", {"arxiv:2301.00001", "title:muller s graphs"}),
        ("datacite", {"arxiv:2202.00002", "title:third"}),
        ("publisher", {"doi:10.1145/abc.123", "title:fourth"}),
        ("oldstyle", {"arxiv:hep-th/9901001", "title:old"}),
        ("otherprefix", {"title:not arxiv"}),
    ],
)
def test_entry_identifiers_finds_ids_wherever_people_put_them(messy, key, expected):
    entry = next(e for e in scan(messy) if e.key == key)
    found = entry_identifiers(entry.fields)
    if key == "scholar_style":
        assert expected <= found
    else:
        assert found == expected


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"no entries here",
        b"@misc{",
        b"@misc{key",
        b"@misc{k, title = {x} # ",
        b"@@@{{{}}}",
        b"@misc{ , x}",
    ],
)
def test_scan_never_fails_on_garbage(text):
    assert isinstance(scan(text), list)


def test_scan_reads_quoted_values_with_braces_inside():
    (entry,) = scan(b'@misc{q, title = "A {"}quoted{"} title", eprint = "2401.00001"}')
    assert entry.fields == {"title": 'A {"}quoted{"} title', "eprint": "2401.00001"}
