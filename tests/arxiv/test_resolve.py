"""resolve_titles against the fake arXiv: the sample digest, injected failures and near-miss titles."""

from __future__ import annotations

import pytest

from paperdrop.sync.digest import parse_source
from paperdrop.sync.records import TitleQuery
from tests.arxiv.conftest import DIGESTS
from tests.fakes.arxiv import FakeArxiv

SEEDS_WITH_FAULTS = [1, 2, 4, 8]  # seeds whose first requests draw faults (asserted below)


def _tally(queries, results, truth):
    """(how many matched the right paper, titles matched to a wrong one)."""
    matched = [(q, r.paper.arxiv_id) for q, r in zip(queries, results, strict=True) if r.status == "matched"]
    right = sum(1 for q, arxiv_id in matched if arxiv_id == truth[q.title])
    return right, [q.title for q, arxiv_id in matched if arxiv_id != truth[q.title]]


def test_resolve_titles_matches_the_sample_digest_in_at_most_5_requests(fake, make_service, sample_queries, truth):
    service = make_service(fake.url)

    results = service.resolve_titles(sample_queries)

    right, wrong = _tally(sample_queries, results, truth)
    assert (right >= 29, wrong) == (True, [])
    assert len(fake.requests) == service.requests_made <= 5


@pytest.mark.parametrize("seed", SEEDS_WITH_FAULTS)
def test_resolve_titles_gives_the_same_result_when_20_percent_of_requests_fail(
    corpus, make_service, sample_queries, truth, seed
):
    with FakeArxiv(corpus=corpus) as clean:
        expected = [
            (r.status, r.paper and r.paper.arxiv_id) for r in make_service(clean.url).resolve_titles(sample_queries)
        ]
    with FakeArxiv(corpus=corpus, fault_rate=0.2, seed=seed) as flaky:
        service = make_service(flaky.url, short_retries=8)
        results = service.resolve_titles(sample_queries)

    assert [(r.status, r.paper and r.paper.arxiv_id) for r in results] == expected
    assert _tally(sample_queries, results, truth)[1] == []
    assert any(r.fault for r in flaky.requests)  # the faults really happened


def test_resolve_titles_gives_the_same_result_when_every_kind_of_fault_is_queued(
    fake, make_service, sample_queries, truth, sleeps
):
    fake.stall_seconds = 0.5
    fake.inject("503", ("429", 2), "empty", "drop", "stall", "429")
    service = make_service(fake.url, timeout=0.2, short_retries=6)

    results = service.resolve_titles(sample_queries)

    right, wrong = _tally(sample_queries, results, truth)
    assert (right >= 29, wrong) == (True, [])
    assert [r.fault for r in fake.requests[:6]] == ["503", ("429", 2), "empty", "drop", "stall", "429"]
    assert 2.0 in sleeps  # Retry-After honoured


def test_resolve_titles_matches_through_the_fallback_when_the_digest_shows_an_earlier_title(
    fake, make_service, sample_queries, truth
):
    earlier = [q for q in sample_queries if q.title.startswith(("Robot Learning on the Job", "Deep Policy Networks"))]

    results = make_service(fake.url).resolve_titles(earlier)

    assert [r.paper.arxiv_id for r in results] == [truth[q.title] for q in earlier]
    assert results[0].paper.title != earlier[0].title


@pytest.mark.parametrize(
    "title",
    [
        "Mirror Descent Critic Optimization",  # one word changed
        "Achieving Human Level Competitive Robot Ping Pong",
        "Policy Regularization with Dataset Constraint for Hybrid Reinforcement Learning",
        "Data Scaling Laws in Imitation Learning",  # a shared prefix of two papers
        "Streaming Diffusion Policy: Fast Policy Synthesis",  # a prefix of the real title
        "CARP: Visuomotor Policy Learning via Coarse-to-Fine Autoregressive Prediction for Humanoids",
        "Policy Gradient-Driven Noise Mask",  # an earlier title of one paper, varied by another's
        "Mirror Descent Policy Optimization",  # two papers carry exactly this title
    ],
)
def test_resolve_titles_never_matches_a_near_miss_when_only_the_title_is_known(fake, make_service, title):
    (result,) = make_service(fake.url).resolve_titles([TitleQuery(title=title)])

    assert result.status in ("needs_review", "not_found")
    assert result.paper is None


@pytest.mark.parametrize(
    ("title", "arxiv_id"),
    [
        ("Policy-Guided Diffusion", "2404.06356"),  # another paper's title starts with it
        ("Emergent Abilities of Large Language Models", "2206.07682"),  # ... contains it, with a question mark
        ("Robot Learning on the Job", "2012.09999"),  # the start of another paper's earlier title
        ("Mistral 7B", "2310.06825"),  # two words, extended by a fine-tuned variant
        ("Scaling Is Not All You Need.", "2411.07113"),  # varied by "Scaling Is All You Need"
    ],
)
def test_resolve_titles_matches_an_exact_title_when_near_misses_only_extend_or_vary_it(
    fake, make_service, title, arxiv_id
):
    (result,) = make_service(fake.url).resolve_titles([TitleQuery(title=title)])

    assert (result.status, result.paper.arxiv_id) == ("matched", arxiv_id)


def test_resolve_titles_resolves_the_86_paper_digest_from_its_titles_alone(fake, make_service, truth_86):
    queries = [TitleQuery(title=title) for title, _ in truth_86]
    service = make_service(fake.url)

    results = service.resolve_titles(queries)

    right, wrong = _tally_86(results, truth_86)
    in_review = [(r, i) for r, (_, i) in zip(results, truth_86, strict=True) if r.status != "matched"]
    assert (right >= 82, wrong) == (True, 0)
    assert all(r.status == "needs_review" and r.candidates[0].paper.arxiv_id == i for r, i in in_review)
    assert len(fake.requests) == service.requests_made <= 8


def test_resolve_titles_resolves_the_86_paper_digest_with_abstracts_in_at_most_8_requests(fake, make_service, truth_86):
    report = parse_source((DIGESTS / "hf-papers-digest-86.txt").read_bytes())
    queries = [TitleQuery(title=c.title, abstract=c.abstract) for c in report.clips]
    service = make_service(fake.url)

    results = service.resolve_titles(queries)

    assert _tally_86(results, truth_86) == (86, 0)
    assert len(fake.requests) <= 8


def _tally_86(results, truth_86) -> tuple[int, int]:
    matched = [(r.paper.arxiv_id, i) for r, (_, i) in zip(results, truth_86, strict=True) if r.status == "matched"]
    return sum(1 for got, i in matched if got == i), sum(1 for got, i in matched if got != i)


def test_resolve_titles_ranks_candidates_when_it_needs_review(fake, make_service):
    (result,) = make_service(fake.url).resolve_titles([TitleQuery(title="Mirror Descent Policy Optimization")])

    assert result.status == "needs_review"
    assert [c.paper.title for c in result.candidates[:2]] == ["Mirror Descent Policy Optimization"] * 2
    assert result.candidates[0].score >= result.candidates[-1].score
    assert "title 1.00" in result.candidates[0].reasons


def test_resolve_titles_refuses_same_title_papers_when_the_abstract_differs(fake, make_service):
    abstract = (
        "We count emperor penguins on sea ice from satellite images with a small convolutional network "
        "and release the annotated colonies of four Antarctic winters."
    )
    query = TitleQuery(title="Mirror Descent Policy Optimization", abstract=abstract)

    (result,) = make_service(fake.url).resolve_titles([query])

    assert result.status != "matched"


def test_resolve_titles_matches_an_exact_unique_title_when_only_the_title_is_known(fake, make_service):
    title = "Policy Filtration in RLHF to Fine-Tune LLM for Code Generation"

    (result,) = make_service(fake.url).resolve_titles([TitleQuery(title=title)])

    assert (result.status, result.paper.arxiv_id) == ("matched", "2409.06957")


def test_resolve_titles_refuses_a_title_match_when_no_author_is_shared(fake, make_service):
    title = "Policy Filtration in RLHF to Fine-Tune LLM for Code Generation"
    query = TitleQuery(title=title, authors=["Nobody Atall", "Someone Else"])

    (result,) = make_service(fake.url).resolve_titles([query])

    assert result.status == "needs_review"


def test_resolve_titles_finds_tex_titles_when_the_query_keeps_the_markup(fake, make_service):
    query = TitleQuery(title="$\\alpha$-Policy: Risk-Sensitive Policy Optimization with $\\mathcal{L}_2$ Penalties")

    (result,) = make_service(fake.url).resolve_titles([query])

    assert (result.status, result.paper.arxiv_id) == ("matched", "2301.07041")
    assert all(r.status == 200 for r in fake.requests)  # no hyphen or colon reached the query language


def test_resolve_titles_answers_not_found_when_nothing_is_close(fake, make_service):
    (result,) = make_service(fake.url).resolve_titles([TitleQuery(title="Quantum Gravity of Penguins on Mars")])

    assert result.status == "not_found"
