"""decide(): when a title, and whatever else a clip says, identifies one arXiv paper, and when it does not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from paperdrop.sync.arxiv.evidence import title_query
from paperdrop.sync.arxiv.matching import decide
from paperdrop.sync.records import PaperRecord, TitleQuery

TITLE = "Policy-Guided Diffusion"
ABSTRACT = (
    "Offline reinforcement learning agents are trained on fixed datasets and suffer from distribution shift "
    "between the data and the policy. We generate synthetic on-policy experience with a guided diffusion model "
    "of whole trajectories, which improves several offline algorithms on standard benchmarks."
)
OTHER_ABSTRACT = (
    "We count emperor penguins on sea ice from satellite images with a small convolutional network and release "
    "the annotated colonies of four Antarctic winters for ecologists studying population trends."
)


def paper(arxiv_id: str, title: str = TITLE, **fields) -> PaperRecord:
    values = {
        "version": 1,
        "authors": ["Matthew Jackson", "Jakob Foerster"],
        "abstract": ABSTRACT,
        "published": datetime(2024, 4, 9, tzinfo=UTC),
        "updated": datetime(2024, 4, 9, tzinfo=UTC),
        "primary_category": "cs.LG",
        "categories": ["cs.LG", "cs.AI"],
    }
    values.update(fields)
    return PaperRecord(arxiv_id=arxiv_id, title=title, **values)


RIGHT = paper("2404.06356")
EXTENDS = paper("2011.13554", f"{TITLE} Models for Offline Planning", abstract=OTHER_ABSTRACT, authors=["Ann Other"])
SAME_TITLE = paper("2310.99999", abstract=OTHER_ABSTRACT, authors=["Ann Other"])


def test_decide_matches_an_exact_title_that_other_titles_only_extend():
    result = decide(TitleQuery(TITLE), [EXTENDS, RIGHT])

    assert (result.status, result.paper) == ("matched", RIGHT)


def test_decide_sends_two_papers_with_the_exact_title_to_review_when_nothing_else_is_known():
    result = decide(TitleQuery(TITLE), [RIGHT, SAME_TITLE])

    assert result.status == "needs_review"
    assert {c.paper.arxiv_id for c in result.candidates[:2]} == {"2404.06356", "2310.99999"}


def test_decide_shows_only_candidates_near_the_best_in_review():
    weak = paper("2105.00001", "Classifier-Free Guided Diffusion Models", abstract=OTHER_ABSTRACT)
    assert decide(TitleQuery(TITLE), [weak]).candidates[0].score > 0.6  # shown when it is the best there is

    result = decide(TitleQuery(TITLE), [RIGHT, SAME_TITLE, weak])

    assert [c.paper.arxiv_id for c in result.candidates] == ["2310.99999", "2404.06356"]


@pytest.mark.parametrize(
    "query",
    [
        TitleQuery(TITLE, authors=["M. Jackson"]),  # the other has no author in common
        TitleQuery(TITLE, abstract=ABSTRACT),  # the other's abstract is unrelated
        TitleQuery(TITLE, categories=["cs.LG"]),  # the other is filed elsewhere
    ],
)
def test_decide_matches_the_exact_title_the_other_evidence_leaves(query):
    other = paper("2310.99999", categories=["q-bio.PE"], abstract=OTHER_ABSTRACT, authors=["Ann Other"])

    result = decide(query, [RIGHT, other])

    assert (result.status, result.paper) == ("matched", RIGHT)


@pytest.mark.parametrize(
    ("query", "why"),
    [
        (TitleQuery(TITLE, authors=["Nobody Atall"]), "no author in common"),
        (TitleQuery(TITLE, abstract=OTHER_ABSTRACT), "another abstract"),
        (TitleQuery(TITLE, listed_on=date(2024, 3, 1)), "after the digest's date 2024-03-01"),
        (TitleQuery(TITLE, published=date(2023, 4, 9)), "the page says 2023-04-09"),
        (TitleQuery(TITLE, year=2019), "the source says 2019"),
        (TitleQuery(TITLE, categories=["astro-ph.GA"]), "not astro-ph.GA"),
    ],
)
def test_decide_refuses_an_exact_title_that_the_clip_contradicts(query, why):
    result = decide(query, [RIGHT])

    assert result.status == "needs_review"
    assert any(why in reason for reason in result.candidates[0].reasons)


@pytest.mark.parametrize(
    "query",
    [
        TitleQuery(TITLE, listed_on=date(2024, 4, 10)),
        TitleQuery(TITLE, published=date(2024, 4, 11)),
        TitleQuery(TITLE, year=2025),  # e.g. the year of the conference version
    ],
)
def test_decide_matches_when_dates_and_years_fit(query):
    assert decide(query, [RIGHT]).paper == RIGHT


def test_decide_trusts_a_title_alone_only_when_the_answer_was_complete():
    assert decide(TitleQuery(TITLE), [RIGHT], exhaustive=False).status == "needs_review"
    assert decide(TitleQuery(TITLE, abstract=ABSTRACT), [RIGHT], exhaustive=False).paper == RIGHT


def test_decide_matches_an_earlier_version_title_by_its_abstract_when_no_other_candidate_comes_close():
    renamed = paper("2404.06356", "Synthetic On-Policy Experience for Offline RL")
    query = TitleQuery(TITLE, abstract=ABSTRACT.replace("several", "many"))

    assert decide(query, [renamed, EXTENDS]).paper == renamed
    assert decide(TitleQuery(TITLE), [renamed, EXTENDS]).status != "matched"


def test_title_query_reads_the_evidence_a_clip_keeps_in_its_extras():
    extra = {
        "published_at": "2024-03-19T17:47:37.000Z",
        "year": "2024",
        "listed_on": "2024-03-20",
        "categories": ["cs.RO", "cs.LG"],
    }

    query = title_query("A Title", None, ["Ada Lovelace"], extra)

    assert (query.published, query.year, query.listed_on) == (date(2024, 3, 19), 2024, date(2024, 3, 20))
    assert query.categories == ["cs.RO", "cs.LG"]


def test_title_query_ignores_extras_it_cannot_read():
    extra = {"published_at": "last week", "year": "MMXXIV", "listed_on": 20240320, "categories": "cs.RO"}

    query = title_query("A Title", None, [], extra)

    assert (query.published, query.year, query.listed_on, query.categories) == (None, None, None, [])
