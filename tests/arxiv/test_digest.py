"""parse_source on every supported kind of source."""

from __future__ import annotations

import pytest

from paperdrop.sync.digest import parse_source
from tests.arxiv.conftest import DIGESTS


def test_parse_source_finds_the_30_titles_with_abstracts_when_given_the_sample_digest(truth):
    clips = parse_source((DIGESTS / "hf-papers-digest.txt").read_bytes(), filename="hf-papers-digest.txt")

    assert [c.title for c in clips] == list(truth)
    assert all(c.abstract and len(c.abstract.split()) > 50 for c in clips)
    assert all(c.arxiv_id is None for c in clips)


def test_parse_source_ignores_page_chrome_when_parsing_a_text_digest():
    text = "new\n\nSubscribe\n\nbyAK and the research community\n\nMar 12\n\n42\n\nA Title About Robots\n\n" + (
        "This abstract talks about robots and policies for a while, long enough to count. " * 3
    )

    clips = parse_source(text)

    assert [(c.title, c.abstract[:13]) for c in clips] == [("A Title About Robots", "This abstract")]


def test_parse_source_keeps_hf_extras_when_given_a_saved_daily_papers_page():
    clips = parse_source((DIGESTS / "hf-daily-papers.html").read_text(), filename="hf-daily-papers.html")

    assert [c.arxiv_id for c in clips] == ["2403.12943", "2310.17966"]  # the repeated paper is merged
    assert clips[0].extra == {
        "upvotes": 42,
        "project_page": "https://vid2robot.github.io",
        "published_at": "2024-03-19T17:47:37.000Z",
        "submitted_by": "AK",
    }
    assert clips[1].extra["github"] == "https://github.com/LeapLabTHU/FamO2O"
    assert clips[0].authors == ["Vidhi Jain", "Yonatan Bisk"]
    assert clips[0].abstract.startswith("While large-scale robotic systems")


def test_parse_source_reads_entries_when_given_an_arxiv_listing():
    clips = parse_source((DIGESTS / "arxiv-list-new.html").read_bytes())

    assert [(c.arxiv_id, c.title) for c in clips] == [
        ("2409.12192", "DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control"),
        ("hep-th/9901001", "Holography and the $AdS_5 \\times S^5$ Background Revisited"),
    ]
    assert clips[0].authors == ["Zichen Jeff Cui", "Lerrel Pinto"]
    assert clips[0].abstract.startswith("Imitation learning")
    assert clips[0].extra["comment"] == "NeurIPS 2024"


def test_parse_source_reads_citation_meta_when_given_an_arxiv_abs_page():
    (clip,) = parse_source((DIGESTS / "arxiv-abs.html").read_bytes(), source_url="https://arxiv.org/abs/2408.03906")

    assert clip.arxiv_id == "2408.03906"
    assert clip.title == "Achieving Human Level Competitive Robot Table Tennis"
    assert clip.authors == ["David B. D'Ambrosio", "Saminda Abeyruwan"]
    assert clip.source_url == "https://arxiv.org/abs/2408.03906"


def test_parse_source_finds_links_and_ids_when_given_any_page():
    clips = parse_source((DIGESTS / "blog-post.html").read_bytes())

    assert [c.arxiv_id for c in clips] == ["2404.06356", "2406.04806", "2005.09814", "2209.14610", "hep-th/9901001"]


def test_parse_source_keeps_entries_with_an_arxiv_id_when_given_bibtex():
    clips = parse_source((DIGESTS / "papers.bib").read_bytes(), filename="papers.bib")

    assert [c.arxiv_id for c in clips] == ["2403.12943", "2005.09814"]
    assert clips[0].title.startswith("Vid2Robot: End-to-end")
    assert clips[1].authors == ["Manan Tomar", "Lior Shani"]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("2403.12943\n2408.03906v2\n", ["2403.12943", "2408.03906"]),
        ("https://arxiv.org/abs/2403.12943v1 and https://arxiv.org/html/2408.03906v2", ["2403.12943", "2408.03906"]),
        ("see huggingface.co/papers/2410.05255 today", ["2410.05255"]),
        ("doi:10.48550/arXiv.2005.09814", ["2005.09814"]),
        ("arXiv: hep-th/9901001 and arXiv:2209.14610", ["hep-th/9901001", "2209.14610"]),
        ("2403.12943, 2403.12943v3, arxiv.org/abs/2403.12943", ["2403.12943"]),
        ("speedups of 4.80x, version 1.2, 2024.5 and 1234.56789", []),
    ],
)
def test_parse_source_finds_ids_when_given_free_text(text, ids):
    assert [c.arxiv_id for c in parse_source(text)] == ids


def test_parse_source_reads_titles_when_given_a_plain_list_of_titles():
    clips = parse_source("Mirror Descent Policy Optimization\nPolicy-Guided Diffusion\n")

    assert [c.title for c in clips] == ["Mirror Descent Policy Optimization", "Policy-Guided Diffusion"]
