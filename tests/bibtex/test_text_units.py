"""Tables for the pieces of an entry: TeX-safe titles, author names, citekeys."""

from __future__ import annotations

import pytest

from paperdrop.sync.bibtex import make_citekey
from paperdrop.sync.bibtex.latex import balance_braces, tex_text, tex_title, verbatim
from paperdrop.sync.bibtex.names import bibtex_authors, bibtex_name, last_name_ascii
from paperdrop.sync.bibtex.render import BibtexOptions
from paperdrop.sync.errors import ConfigurationError

from .conftest import make_paper


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Vid2Robot: End-to-end Policy", "{Vid2Robot}: {End-to-end} {Policy}"),
        ("learning with LLMs and BERT", "learning with {LLMs} and {BERT}"),
        ("$\\alpha$-Net for $O(N)$ attention", "$\\alpha$-{Net} for {$O(N)$} attention"),
        ("Already {BERT} and \\emph{x}", "{Already} {BERT} and \\emph{x}"),
        ("R&D of 100% #1 snake_case", "{R\\&D} of 100\\% \\#1 snake\\_case"),
        ("Math $x_i$ keeps its subscript", "{Math} $x_i$ keeps its subscript"),
        ("Costs under $5 only", "{Costs} under \\$5 only"),
        ("Unbalanced } brace", "{Unbalanced} \\textbraceright{} brace"),
        ("Open { brace", "{Open} \\textbraceleft{} brace"),
        ("Über (LLM) models:", "{Über} ({LLM}) models:"),
        ("  spaced\n  out  ", "spaced out"),
    ],
)
def test_tex_title_protects_capitals_and_escapes_specials(title, expected):
    assert tex_title(title) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("a $\\{x$ set", "a $\\lbrace{}x$ set"),
        ("x } y {", "x \\textbraceright{} y \\textbraceleft{}"),
        ("{ok}", "{ok}"),
    ],
)
def test_balance_braces_replaces_unpartnered_braces(text, expected):
    assert balance_braces(text) == expected


def test_tex_text_escapes_without_protecting_words():
    assert tex_text("We beat GPT-4 by 5% on A&B") == "We beat GPT-4 by 5\\% on A\\&B"


def test_verbatim_percent_encodes_braces_only():
    assert verbatim("10.1000/a_b{c}") == "10.1000/a_b%7Bc%7D"


@pytest.mark.parametrize(
    ("name", "bibtex", "key_part"),
    [
        ("Vidhi Jain", "Jain, Vidhi", "jain"),
        ("Jan van der Berg", "van der Berg, Jan", "berg"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig", "beethoven"),
        ("Jean de la Fontaine", "de la Fontaine, Jean", "fontaine"),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther", "king"),
        ("Martin Luther King, Jr.", "King, Jr., Martin Luther", "king"),
        ("Robert Downey III", "Downey, III, Robert", "downey"),
        ("Thomas Müller", "Müller, Thomas", "muller"),
        ("José Ñúñez-García", "Ñúñez-García, José", "nunezgarcia"),
        ("J. R. R. Tolkien", "Tolkien, J. R. R.", "tolkien"),
        ("Plato", "Plato", "plato"),
        ("The ATLAS Collaboration", "{The ATLAS Collaboration}", "atlas"),
        ("Smith, John", "Smith, John", "smith"),
    ],
)
def test_bibtex_name_handles_particles_suffixes_and_groups(name, bibtex, key_part):
    assert bibtex_name(name) == bibtex
    assert last_name_ascii(name) == key_part


def test_bibtex_authors_keeps_all_forty_authors():
    names = [f"Author{i} Person{i}" for i in range(40)]
    field = bibtex_authors(names)
    assert field.count(" and ") == 39
    assert field.endswith("Person39, Author39")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "jain2024vid2robot"),
        ({"title": "The $\\alpha$-Net: On Things"}, "jain2024net"),
        ({"title": "On the of"}, "jain2024paper"),
        ({"authors": ["Thomas Müller"]}, "muller2024vid2robot"),
        ({"authors": []}, "anon2024vid2robot"),
        (
            {"arxiv_id": "hep-th/9901001", "year": 1999, "title": "Dualities in String Theory"},
            "jain1999dualities",
        ),
    ],
)
def test_make_citekey_builds_author_year_word(kwargs, expected):
    assert make_citekey(make_paper(**kwargs), set()) == expected


def test_make_citekey_adds_letter_suffixes_on_collision_case_insensitively():
    paper = make_paper()
    taken = {"Jain2024Vid2Robot"} | {f"jain2024vid2robot{c}" for c in "abcdefghijklmnopqrstuvwxyz"}
    assert make_citekey(paper, {"jain2024vid2robot"}) == "jain2024vid2robota"
    assert make_citekey(paper, taken) == "jain2024vid2robotaa"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{author}_{year}", "jain_2024"),
        ("{id}", "240312943"),
        ("{author}{year}{title}", "jain2024vid2robotendend"),
    ],
)
def test_make_citekey_follows_configured_pattern(pattern, expected):
    assert make_citekey(make_paper(), set(), pattern=pattern) == expected


@pytest.mark.parametrize("pattern", ["{nope}", "static", "{author"])
def test_bibtex_options_rejects_bad_key_pattern(pattern):
    with pytest.raises(ConfigurationError) as info:
        BibtexOptions(key_pattern=pattern)
    assert "{author}" in info.value.fix


def test_bibtex_options_rejects_unknown_note_field():
    with pytest.raises(ConfigurationError):
        BibtexOptions(note="howpublished")
