"""parse_source on every supported kind of source: what becomes a paper, and what is reported instead."""

from __future__ import annotations

import pytest

from paperdrop.sync.digest import parse_source
from tests.arxiv.conftest import DIGESTS

ABSTRACT = "This abstract talks about robots and policies for a while, long enough to count as one. " * 2


def titles(report) -> list[str | None]:
    return [c.title for c in report.clips]


def test_parse_source_finds_the_30_titles_with_abstracts_when_given_the_sample_digest(truth):
    report = parse_source((DIGESTS / "hf-papers-digest.txt").read_bytes(), filename="hf-papers-digest.txt")

    assert titles(report) == list(truth)
    assert all(c.abstract and len(c.abstract.split()) > 50 for c in report.clips)
    assert all(c.arxiv_id is None for c in report.clips)
    assert (report.notes, report.mentioned) == ([], [])


def test_parse_source_gives_one_clip_per_paper_when_given_the_86_paper_digest(truth_86):
    report = parse_source((DIGESTS / "hf-papers-digest-86.txt").read_bytes(), filename="hf-papers-digest-86.txt")

    assert titles(report) == [title for title, _ in truth_86]
    assert report.clips[53].title == "FlexiBERT: Are Current Transformer Architectures too Homogeneous and Rigid?"
    assert all(c.abstract and len(c.abstract.split()) > 40 for c in report.clips)
    assert report.notes == []


@pytest.mark.parametrize(
    "title",
    [
        "FlexiBERT: Are Current Transformer Architectures too Homogeneous and Rigid?",
        "StarCoder: may the source be with you!",
        "Scaling Is Not All You Need.",
        "s1: Simple test-time scaling",
        "gzip Predicts Data-dependent Scaling Laws",
        "“Do Anything Now”: Characterizing and Evaluating In-The-Wild Jailbreak Prompts",
    ],
)
def test_parse_source_keeps_titles_whatever_they_end_or_start_with(title):
    report = parse_source(f"{title}\n\n{ABSTRACT}\n\nAnother Title About Robots\n\n{ABSTRACT}\n")

    assert titles(report) == [title, "Another Title About Robots"]
    assert report.clips[0].abstract.startswith("This abstract")


def test_parse_source_ignores_page_chrome_when_parsing_a_text_digest():
    text = f"new\n\nSubscribe\n\nbyAK and the research community\n\nMar 12\n\n42\n\nA Title About Robots\n\n{ABSTRACT}"

    report = parse_source(text)

    assert [(c.title, c.abstract[:13]) for c in report.clips] == [("A Title About Robots", "This abstract")]
    assert report.notes == []


def test_parse_source_reads_title_abstract_blocks_when_given_a_hugging_face_page_as_plain_text(corpus):
    by_id = {p["id"]: p for p in corpus}
    report = parse_source((DIGESTS / "hf-daily-papers.txt").read_bytes(), filename="hf-daily-papers.txt")

    assert titles(report) == [
        "FlexiBERT: Are Current Transformer Architectures too Homogeneous and Rigid?",
        "StarCoder: may the source be with you!",
        "Scaling Is Not All You Need.",
        "SWE-bench: Can Language Models Resolve Real-World GitHub Issues?",
        "Look Ma, No Hands! Agent-Environment Factorization of Egocentric Videos",
        "Mistral 7B",
        "OpenVLA: An Open-Source Vision-Language-Action Model",
        "Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers",
    ]
    assert report.clips[0].abstract == by_id["2205.11656"]["abstract"]
    assert report.notes == []  # the date line ("Jun 29 [ - ][31]"), counters and user names are chrome


@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_parse_source_reads_a_list_of_titles_with_or_without_blank_lines(truth_86, separator):
    listed = [title for title, _ in truth_86]

    report = parse_source(separator.join(listed) + "\n")

    assert titles(report) == listed
    assert report.notes == []


def test_parse_source_reads_titles_when_given_a_plain_list_of_titles():
    report = parse_source("Mirror Descent Policy Optimization\nPolicy-Guided Diffusion\n")

    assert titles(report) == ["Mirror Descent Policy Optimization", "Policy-Guided Diffusion"]


def test_parse_source_joins_wrapped_lines_and_keeps_the_authors_line():
    text = (
        "Vid2Robot: End-to-end Video-conditioned Policy Learning with\n"
        "Cross-Attention Transformers\n"
        "Vidhi Jain, Maria Attarian and Yonatan Bisk\n"
        "While large-scale robotic systems typically rely on textual instructions for\n"
        "tasks, this work explores a different approach: can robots infer the task\n"
        "directly from observing humans? We introduce Vid2Robot.\n"
    )

    (clip,) = parse_source(text).clips

    assert clip.title == "Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers"
    assert clip.authors == ["Vidhi Jain", "Maria Attarian", "Yonatan Bisk"]
    assert clip.abstract.startswith("While large-scale") and clip.abstract.endswith("We introduce Vid2Robot.")


def test_parse_source_reports_with_line_numbers_what_it_could_not_use():
    text = (
        f"A Title About Robots\n\n{ABSTRACT}\n\n"
        "A Title Standing Alone\n\n"
        "Another Title About Robots\n\n"
        f"{ABSTRACT}\n\n"
        f"{ABSTRACT}\n\n"
        "see arXiv:2413.12345 for more\n"
    )

    report = parse_source(text)

    assert titles(report) == ["A Title About Robots", "A Title Standing Alone", "Another Title About Robots"]
    assert [str(n).split(" (")[0] for n in report.notes] == [
        "line 5: a title without an abstract, kept as title-only",
        "line 11: a paragraph without a title before it, skipped",
        "line 13: '2413.12345' is not an arXiv id, skipped",
    ]


def test_parse_source_skips_and_reports_a_short_sentence_after_a_title():
    text = "Mirror Descent Policy Optimization\n\nWe study mirror descent for policy optimization.\n\nMistral 7B\n"

    report = parse_source(text)

    assert [(c.title, c.abstract) for c in report.clips] == [
        ("Mirror Descent Policy Optimization", None),
        ("Mistral 7B", None),
    ]
    assert [str(n).split(" (")[0] for n in report.notes] == [
        "line 3: a sentence too short for an abstract, after a title: skipped"
    ]


def test_parse_source_counts_ids_in_abstracts_as_mentions_not_papers():
    text = f"A Title About Robots\n\n{ABSTRACT} We build on arXiv:2212.06817 and 2303.04137v2.\n"

    report = parse_source(text)

    assert [(c.title, c.arxiv_id) for c in report.clips] == [("A Title About Robots", None)]
    assert report.mentioned == ["2212.06817", "2303.04137"]
    assert "2 arXiv ids mentioned, not imported" in report.summary()[-1]


def test_parse_source_imports_only_the_listed_papers_when_given_an_arxiv_email_digest(corpus):
    by_id = {p["id"]: p for p in corpus}

    report = parse_source((DIGESTS / "arxiv-mail-cs.txt").read_bytes(), filename="arxiv-mail-cs.txt")

    listed = ["2409.12192", "2409.06957", "2410.05255", "2410.18647", "2410.04612", "2406.04806"]
    assert [c.arxiv_id for c in report.clips] == [*listed, "2403.12943", "2306.06569", "2005.09814"]
    assert report.mentioned == [
        "2303.04137",
        "2304.13705",
        "2108.03298",
        "2401.99999",
        "2001.08361",
        "2212.06817",
        "hep-th/9901001",
        "2405.19909",
    ]
    first = report.clips[0]
    assert first.title == by_id["2409.12192"]["title"]
    assert first.abstract == by_id["2409.12192"]["abstract"]
    assert first.authors == [a if isinstance(a, str) else a["name"] for a in by_id["2409.12192"]["authors"]]
    assert first.extra["comment"].startswith("NeurIPS 2024. Code and data: see also arXiv:2303.04137")
    assert [c.extra["listing"] for c in report.clips].count("cross-list") == 2
    assert report.clips[-1].extra["listing"] == "replaced" and report.clips[-1].abstract is None


def test_parse_source_reads_an_arxiv_listing_copied_as_text():
    text = (
        "Robotics\nNew submissions (showing 2 of 2 entries)\n\n"
        "[1]  arXiv:2409.12192  [pdf, html, other]\n"
        "Title: DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control\n"
        "Zichen Jeff Cui, Lerrel Pinto\n"
        "Comments: NeurIPS 2024; see also arXiv:2303.04137\n"
        "Subjects: Robotics (cs.RO); Machine Learning (cs.LG)\n"
        "Imitation learning has proven to be a powerful tool for training complex visuomotor policies.\n"
        "[2]  arXiv:2406.04806 (cross-list from cs.LG)  [pdf, other]\n"
        "Title: Streaming Diffusion Policy: Fast Policy Synthesis with Variable Noise Diffusion Models\n"
        "Sigmund H. Hoeg, Yilun Du\n"
        "Subjects: Robotics (cs.RO)\n"
    )

    report = parse_source(text)

    assert [c.arxiv_id for c in report.clips] == ["2409.12192", "2406.04806"]
    assert report.clips[0].authors == ["Zichen Jeff Cui", "Lerrel Pinto"]
    assert report.clips[0].abstract.startswith("Imitation learning")
    assert report.clips[1].extra["listing"] == "cross-list"
    assert report.mentioned == ["2303.04137"]


def test_parse_source_keeps_hf_extras_when_given_a_saved_daily_papers_page():
    report = parse_source((DIGESTS / "hf-daily-papers.html").read_text(), filename="hf-daily-papers.html")
    clips = report.clips

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


def test_parse_source_reads_entries_and_not_mentions_when_given_an_arxiv_listing():
    report = parse_source((DIGESTS / "arxiv-list-new.html").read_bytes())

    assert [(c.arxiv_id, c.title) for c in report.clips] == [
        ("2409.12192", "DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control"),
        ("hep-th/9901001", "Holography and the $AdS_5 \\times S^5$ Background Revisited"),
    ]
    assert report.clips[0].authors == ["Zichen Jeff Cui", "Lerrel Pinto"]
    assert report.clips[0].abstract.startswith("Imitation learning")
    assert report.clips[0].extra["comment"] == "NeurIPS 2024"
    assert report.mentioned == ["hep-th/9711200", "1706.03762"]  # 2409.12192 is listed, not only mentioned


def test_parse_source_reads_citation_meta_when_given_an_arxiv_abs_page():
    (clip,) = parse_source(
        (DIGESTS / "arxiv-abs.html").read_bytes(), source_url="https://arxiv.org/abs/2408.03906"
    ).clips

    assert clip.arxiv_id == "2408.03906"
    assert clip.title == "Achieving Human Level Competitive Robot Table Tennis"
    assert clip.authors == ["David B. D'Ambrosio", "Saminda Abeyruwan"]
    assert clip.source_url == "https://arxiv.org/abs/2408.03906"


def test_parse_source_finds_links_and_ids_with_their_versions_when_given_any_page():
    report = parse_source((DIGESTS / "blog-post.html").read_bytes())

    assert [(c.arxiv_id, c.version) for c in report.clips] == [
        ("2404.06356", 1),
        ("2406.04806", None),
        ("2005.09814", None),
        ("2209.14610", None),
        ("hep-th/9901001", None),
    ]


def test_parse_source_keeps_entries_with_an_arxiv_id_and_reports_the_others_when_given_bibtex():
    report = parse_source((DIGESTS / "papers.bib").read_bytes(), filename="papers.bib")

    assert [c.arxiv_id for c in report.clips] == ["2403.12943", "2005.09814"]
    assert report.clips[0].title.startswith("Vid2Robot: End-to-end")
    assert report.clips[1].authors == ["Manan Tomar", "Lior Shani"]
    assert report.clips[0].extra == {"year": 2024}
    assert [str(n) for n in report.notes] == [
        'line 18: entry noarxiv2019 names no arXiv paper, skipped ("A Paper Without Any arXiv Version")'
    ]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("2403.12943\n2408.03906v2\n", [("2403.12943", None), ("2408.03906", 2)]),
        (
            "https://arxiv.org/abs/2403.12943v1 and https://arxiv.org/html/2408.03906v2",
            [("2403.12943", 1), ("2408.03906", 2)],
        ),
        ("see huggingface.co/papers/2410.05255 today", [("2410.05255", None)]),
        ("doi:10.48550/arXiv.2005.09814", [("2005.09814", None)]),
        ("arXiv: hep-th/9901001 and arXiv:2209.14610", [("hep-th/9901001", None), ("2209.14610", None)]),
        ("2403.12943, 2403.12943v3, arxiv.org/abs/2403.12943", [("2403.12943", 3)]),
        ("CS/0501076 and arXiv:MATH.gt/0309136V2", [("cs/0501076", None), ("math.GT/0309136", 2)]),
        ("speedups of 4.80x, version 1.2, 2024.5 and 1234.56789", []),
    ],
)
def test_parse_source_finds_ids_when_given_free_text(text, ids):
    assert [(c.arxiv_id, c.version) for c in parse_source(text).clips] == ids


def test_parse_source_names_the_paper_when_an_id_line_also_gives_its_title():
    (clip,) = parse_source("2403.12943  Vid2Robot: End-to-end Video-conditioned Policy Learning\n").clips

    assert (clip.arxiv_id, clip.title) == ("2403.12943", "Vid2Robot: End-to-end Video-conditioned Policy Learning")


@pytest.mark.parametrize(
    ("text", "source_url", "listed_on"),
    [
        (f"Jun 29, 2024\n\nA Title About Robots\n\n{ABSTRACT}", None, "2024-06-29"),
        (f"A Title About Robots\n\n{ABSTRACT}", "https://huggingface.co/papers/date/2024-03-20", "2024-03-20"),
        (f"Jun 29\n\nA Title About Robots\n\n{ABSTRACT}", None, None),  # no year: no date
    ],
)
def test_parse_source_keeps_the_digest_date_as_evidence(text, source_url, listed_on):
    (clip,) = parse_source(text, source_url=source_url).clips

    assert clip.extra.get("listed_on") == listed_on
