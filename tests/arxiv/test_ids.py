"""arXiv ids as pages and people write them: normalized before they are validated."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdrop.sync.ids import ARXIV_ID_JSON_PATTERN, ArxivId, normalize_arxiv_id, parse_arxiv_id, plausible


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2403.12943", ArxivId("2403.12943", None)),
        ("2403.12943v2", ArxivId("2403.12943", 2)),
        ("2403.12943V2", ArxivId("2403.12943", 2)),
        (" arXiv:2403.12943v2 ", ArxivId("2403.12943", 2)),
        ("ARXIV: 2403.12943", ArxivId("2403.12943", None)),
        ("CS/0501076", ArxivId("cs/0501076", None)),
        ("arXiv:Hep-Th/9901001V3", ArxivId("hep-th/9901001", 3)),
        ("math.gt/0309136", ArxivId("math.GT/0309136", None)),
        ("https://arxiv.org/abs/2403.12943v2", ArxivId("2403.12943", 2)),
        ("http://export.arxiv.org/abs/cs/0501076v1", ArxivId("cs/0501076", 1)),
        ("https://arxiv.org/pdf/2403.12943v3.pdf", ArxivId("2403.12943", 3)),
        ("arxiv.org/pdf/2403.12943", ArxivId("2403.12943", None)),
        ("https://arxiv.org/html/2408.03906v2/", ArxivId("2408.03906", 2)),
        ("https://www.arxiv.org/abs/2408.03906?context=cs#S2", ArxivId("2408.03906", None)),
        ("https://doi.org/10.48550/arXiv.2005.09814", ArxivId("2005.09814", None)),
        ("https://huggingface.co/papers/2410.05255", ArxivId("2410.05255", None)),
    ],
)
def test_parse_arxiv_id_normalizes_what_pages_and_people_write(given, expected):
    assert parse_arxiv_id(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "",
        "2403.129",  # too few digits
        "2403.129430",  # too many
        "2403.1294",  # four digits after the dot, but only until 1412
        "2413.12943",  # month 13
        "２４０３.１２９４３",  # full-width digits are not arXiv's
        "٢٤٠٣.١٢٩٤٣",  # nor are Arabic-Indic ones
        "cs/050107",
        "not an id",
        "arxiv.org/list/cs.RO/new",
    ],
)
def test_parse_arxiv_id_refuses_what_no_arxiv_paper_can_be_called(given):
    assert parse_arxiv_id(given) is None


def test_normalize_arxiv_id_drops_the_version():
    assert normalize_arxiv_id("CS/0501076v2") == "cs/0501076"


@pytest.mark.parametrize(
    ("arxiv_id", "expected"),
    [
        ("2403.12943", True),
        ("0704.0001", True),  # the first new-style id
        ("1412.9999", True),
        ("1501.00001", True),
        ("0703.0001", False),  # before April 2007 ids were old style
        ("2413.12943", False),  # month 13
        ("1501.0001", False),  # four digits only until 1412
        ("1412.00001", False),
        ("hep-th/9901001", True),
    ],
)
def test_plausible_knows_which_well_formed_ids_can_exist(arxiv_id, expected):
    assert plausible(arxiv_id) is expected


# The OpenAPI document declares ARXIV_ID_JSON_PATTERN for arxiv_id and url: it must take exactly what
# parse_arxiv_id takes. JSON Schema validators (schemathesis and jsonschema among them) apply it with
# re.search; the generated texts mix the pieces ids are written with, in any case, with junk and spaces.
_PIECES = st.sampled_from(
    [
        "https://",
        "http://",
        "www.",
        "export.",
        "de.",
        "arxiv.org/",
        "abs/",
        "pdf/",
        "html/",
        "format/",
        "huggingface.co/papers/",
        "doi.org/",
        "dx.",
        "doi:",
        " ",
        "10.48550/",
        "arxiv.",
        "arXiv:",
        "ARXIV :",
        "2403.12943",
        "0704.0001",
        "0703.0001",
        "1412.1234",
        "1412.12345",
        "1501.00001",
        "9912.12345",
        "2413.12345",
        "hep-th/9901001",
        "CS/0501076",
        "math.GT/0309136",
        "math.gt/0309136",
        "cs-/0501076",
        "v2",
        "V12",
        "v",
        ".pdf",
        ".PDF",
        "/",
        "?x=1",
        "#S2",
        "\n",
        "\t",
        "\u00a0",
        "\u3000",
        "ſ",
        "K",
        "٢",
        "é",
        "a",
        "-",
        ".",
        ":",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=7).map("".join) | st.text(max_size=30))
def test_the_openapi_pattern_takes_exactly_what_the_parser_takes(text):
    assert (re.search(ARXIV_ID_JSON_PATTERN, text) is not None) == (parse_arxiv_id(text) is not None)


def test_the_openapi_pattern_is_plain_ecma_syntax():
    assert "(?P<" not in ARXIV_ID_JSON_PATTERN and "(?i" not in ARXIV_ID_JSON_PATTERN
