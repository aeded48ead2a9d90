"""Scoring arXiv candidates against what a digest showed, and deciding when a match is certain.

Precision before recall (docs/design.md, "Never write a wrong paper"): a candidate is accepted only when
the evidence confirms it and no other candidate is also confirmed; everything doubtful goes to review.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz
from unidecode import unidecode

from paperdrop.sync.arxiv.queries import STOPWORDS, safe_words
from paperdrop.sync.records import Candidate, PaperRecord, TitleQuery, TitleResolution
from paperdrop.sync.text import normalize_title

# Thresholds, tuned on the near-miss corpus in tests/data/arxiv_corpus.json.
ABSTRACT_CONFIRMS = 0.80  # same abstract (word-set Jaccard): the same paper even if the title changed
ABSTRACT_WITH_TITLE = 0.50  # identical title plus a recognisably related abstract (revised between versions)
ABSTRACT_CONTRADICTS = 0.30  # unrelated abstracts score ~0.1: a same-title different paper
MARGIN = 0.15  # when two candidates are both confirmed, the best must lead by this much
REVIEW_SCORE = 0.45  # below this a candidate is not worth showing
MAX_CANDIDATES = 5
WEIGHTS = {"title": 0.5, "abstract": 0.4, "authors": 0.1}


def score(query: TitleQuery, paper: PaperRecord) -> tuple[Candidate, bool]:
    """The candidate with its score and reasons, and whether the evidence confirms it on its own."""
    title = title_similarity(query.title, paper.title)
    abstract = abstract_similarity(query.abstract, paper.abstract) if query.abstract else None
    authors = author_overlap(query.authors, paper.authors)
    parts = {"title": title, "abstract": abstract, "authors": authors}
    present = {k: v for k, v in parts.items() if v is not None}
    total = sum(WEIGHTS[k] * v for k, v in present.items()) / sum(WEIGHTS[k] for k in present)
    reasons = [f"{k} {v:.2f}" for k, v in present.items()]
    return Candidate(paper=paper, score=total, reasons=reasons), _confirmed(title, abstract, authors)


def decide(query: TitleQuery, papers: Iterable[PaperRecord]) -> TitleResolution:
    scored = [score(query, p) for p in papers]
    scored.sort(key=lambda item: (-item[0].score, item[0].paper.arxiv_id))
    confirmed = [c for c, ok in scored if ok]
    clear = len(confirmed) == 1 or (len(confirmed) > 1 and confirmed[0].score - confirmed[1].score >= MARGIN)
    if clear and not _shadowed(query, confirmed[0], [c for c, _ in scored]):
        return TitleResolution("matched", paper=confirmed[0].paper, candidates=[confirmed[0]])
    shown = [c for c, _ in scored if c.score >= REVIEW_SCORE][:MAX_CANDIDATES]
    if shown:
        return TitleResolution("needs_review", candidates=shown)
    return TitleResolution("not_found")


def _shadowed(query: TitleQuery, best: Candidate, others: list[Candidate]) -> bool:
    """With the title as the only evidence, another paper whose title extends it (an earlier version's
    title may be a prefix of the latest one) makes an exact match ambiguous."""
    if query.abstract or author_overlap(query.authors, best.paper.authors):
        return False
    needle = f" {normalize_title(query.title)} "
    return any(c is not best and needle in f" {normalize_title(c.paper.title)} " for c in others)


def title_similarity(a: str, b: str) -> float:
    na, nb = normalize_title(a), normalize_title(b)
    if not na or not nb:
        return 0.0
    return 1.0 if na == nb else fuzz.ratio(na, nb) / 100.0


def abstract_similarity(a: str | None, b: str | None) -> float | None:
    """Jaccard of content words: robust to reflowed text, near zero for unrelated abstracts on one topic."""
    wa, wb = _content_words(a), _content_words(b)
    if not wa or not wb:
        return None
    return len(wa & wb) / len(wa | wb)


def author_overlap(a: list[str], b: list[str]) -> float | None:
    la, lb = {_last_name(n) for n in a} - {""}, {_last_name(n) for n in b} - {""}
    if not la or not lb:
        return None
    return len(la & lb) / min(len(la), len(lb))


def _confirmed(title: float, abstract: float | None, authors: float | None) -> bool:
    if authors == 0.0:
        return False  # named authors and none in common: a different paper, whatever the title says
    if abstract is not None:
        if abstract < ABSTRACT_CONTRADICTS:
            return False
        return abstract >= ABSTRACT_CONFIRMS or (title == 1.0 and abstract >= ABSTRACT_WITH_TITLE)
    return title == 1.0


def _content_words(text: str | None) -> set[str]:
    return {w for w in safe_words(text) if len(w) > 2 and w not in STOPWORDS}


def _last_name(name: str) -> str:
    words = unidecode(name or "").lower().replace(",", " ").split()
    if "," in (name or ""):
        return words[0] if words else ""
    return words[-1] if words else ""
