"""Rendering: golden entries for tricky papers, every option, and the parse-back check."""

from __future__ import annotations

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser

from paperdrop.sync.bibtex import BibtexOptions, render_entries
from paperdrop.sync.bibtex.render import ascii_fields, context_line, entry_fields, page_range
from paperdrop.sync.records import ClipContext, Publication

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


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("770-778", "770--778"), ("12\u201315", "12--15"), ("e1234", "e1234"), ("061102", "061102"), (" 5 - 9 ", "5--9")],
)
def test_page_range_is_written_as_bibtex_ranges(pages, expected):
    assert page_range(pages) == expected


def test_entry_fields_keeps_a_preprint_when_crossref_knows_only_a_posted_copy():
    posted = Publication(doi="10.31234/osf.io/abcd", type="posted-content", container_title="PsyArXiv")
    fields = entry_fields(make_paper(publication=posted), "k", BibtexOptions())
    assert fields["ENTRYTYPE"] == "misc" and "journal" not in fields and "booktitle" not in fields


def test_entry_fields_of_a_published_paper_keep_its_arxiv_identity_and_year_fallback():
    undated = Publication(doi="10.1000/j", type="journal-article", container_title="Journal of R&D")
    fields = entry_fields(make_paper(publication=undated), "k", BibtexOptions())
    assert (fields["ENTRYTYPE"], fields["journal"], fields["year"]) == ("article", "Journal of R\\&D", "2024")
    assert (fields["eprint"], fields["archivePrefix"], fields["primaryClass"]) == ("2403.12943", "arXiv", "cs.RO")
    assert fields["doi"] == "10.1000/j"


def test_ascii_fields_spell_letters_as_tex_commands():
    fields = ascii_fields({"ID": "k", "author": "Pérez, Ana and Ørsted, Zoë", "title": "α-Nets — Łódź 中"})
    assert fields["author"] == "P{\\'e}rez, Ana and {\\O}rsted, Zo{\\\"e}"
    assert fields["title"].startswith("{\\ensuremath{\\alpha}}-Nets {\\textemdash} {\\L}{\\'o}d")
    assert fields["title"].isascii() and fields["ID"] == "k"
