"""Rendering: golden entries for tricky papers, every option, and the parse-back check."""

from __future__ import annotations

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser

from paperdrop.sync.bibtex import BibtexOptions, render_entries
from paperdrop.sync.bibtex.render import context_line, entry_fields
from paperdrop.sync.records import ClipContext

from .conftest import DATA, make_paper
from .golden_papers import GOLDEN_PAPERS


@pytest.mark.parametrize("name", sorted(GOLDEN_PAPERS))
def test_render_entries_matches_golden_entry(name):
    paper, key = GOLDEN_PAPERS[name]
    expected = (DATA / "golden" / f"{name}.bib").read_text(encoding="utf-8")
    assert render_entries([(paper, key)]) == expected


@pytest.mark.parametrize("name", sorted(GOLDEN_PAPERS))
def test_render_entries_parses_back_with_bibtexparser(name):
    paper, key = GOLDEN_PAPERS[name]
    parsed = bibtexparser.loads(render_entries([(paper, key)]), parser=BibTexParser(common_strings=False))
    (entry,) = parsed.entries
    assert entry["ID"] == key
    assert entry["eprint"] == paper.arxiv_id
    assert entry["archiveprefix"] == "arXiv"
    assert entry["url"] == f"https://arxiv.org/abs/{paper.arxiv_id}"
    assert entry["author"].count(" and ") == len(paper.authors) - 1


def test_render_entries_uses_publisher_doi_else_datacite_doi():
    with_doi = entry_fields(make_paper(doi="10.1000/xyz"), "k", BibtexOptions())
    without = entry_fields(make_paper(), "k", BibtexOptions())
    assert with_doi["doi"] == "10.1000/xyz"
    assert without["doi"] == "10.48550/arXiv.2403.12943"


def test_render_entries_adds_abstract_and_keywords_when_asked():
    paper = make_paper(abstract="We cut 50% of $x_1$ costs.")
    text = render_entries([(paper, "k")], BibtexOptions(include_abstract=True, include_keywords=True))
    assert "  abstract = {We cut 50\\% of $x_1$ costs.},\n" in text
    assert "  keywords = {cs.RO, cs.AI}\n" in text
    assert "abstract" not in render_entries([(paper, "k")])


@pytest.mark.parametrize("field", ["note", "addendum"])
def test_entry_fields_writes_context_only_in_the_field_asked_for(field):
    context = ClipContext(
        source_url="https://huggingface.co/papers/2403.12943",
        source_site="Hugging Face",
        extra={"upvotes": 42, "github": "https://github.com/a/b_c"},
    )
    fields = entry_fields(make_paper(), "k", BibtexOptions(note=field), [context, context])
    assert fields[field] == (
        "Clipped from Hugging Face (https://huggingface.co/papers/2403.12943); 42 upvotes; "
        "code: https://github.com/a/b\\_c"
    )
    assert "note" not in entry_fields(make_paper(), "k", BibtexOptions(), [context])


def test_context_line_is_empty_without_contexts():
    assert context_line([]) == ""


def test_render_entries_separates_entries_with_a_blank_line():
    text = render_entries([(make_paper(), "a"), (make_paper("2401.00001"), "b")])
    assert "}\n\n@misc{b," in text
    assert [e["ID"] for e in bibtexparser.loads(text).entries] == ["a", "b"]
