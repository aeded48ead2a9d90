"""Scoring arXiv candidates against what a digest showed, and deciding when a match is certain.

Precision before recall (docs/design.md, "Never write a wrong paper"), but a title is evidence too: a clip whose
title equals one candidate's current title (after normalization) is that paper, unless another candidate carries
the same title or something else the clip says contradicts it (no author in common, an unrelated abstract, a
date or year that cannot be, categories it is not filed in). Papers whose titles merely extend or vary the
clip's title are no doubt on their own. With an abstract, the abstract decides: the same abstract confirms a
paper whatever its title is now (a digest may show an earlier version's title), an unrelated one rules it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

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
REVIEW_SPREAD = 0.30  # ... nor this far behind the best one: noise on the review page
MAX_CANDIDATES = 5
EXTENDS_FLOOR = 0.80  # title similarity of a paper whose title starts with (contains) the clip's whole title
WEIGHTS = {"title": 0.5, "abstract": 0.4, "authors": 0.1}
TITLE_ONLY_WEIGHTS = {"title": 0.6, "words": 0.4, "authors": 0.1}  # no abstract: rank by the title's words too
PUBLISHED_SLACK = timedelta(days=7)  # a page's date of a paper vs arXiv's v1 date (time zones, announce days)
LISTED_SLACK = timedelta(days=2)  # a digest cannot list a paper announced after its own date
YEAR_BEFORE, YEAR_AFTER = 1, 2  # a source's year: from a year before v1 to two after the latest version
PREFIX_MATCH = 5  # title words match abstract words sharing this many first letters (robot ~ robots)
CACHED_TEXTS = 8192  # titles and abstracts whose content words are kept (a few batches' worth)


@dataclass(frozen=True)
class Assessment:
    candidate: Candidate
    confirmed: bool  # the evidence identifies the paper (title alone, or abstract)
    title_only: bool  # ... and the title was all the evidence there was


def score(query: TitleQuery, paper: PaperRecord) -> tuple[Candidate, bool]:
    """The candidate with its score and reasons, and whether the evidence confirms it on its own."""
    assessment = assess(query, paper)
    return assessment.candidate, assessment.confirmed


def assess(query: TitleQuery, paper: PaperRecord) -> Assessment:
    title = title_similarity(query.title, paper.title)
    abstract = abstract_similarity(query.abstract, paper.abstract) if query.abstract else None
    authors = author_overlap(query.authors, paper.authors)
    parts: dict[str, float | None] = {"title": title, "abstract": abstract, "authors": authors}
    weights = WEIGHTS
    if abstract is None:
        parts["words"], weights = word_coverage(query.title, paper), TITLE_ONLY_WEIGHTS
    present = {k: v for k, v in parts.items() if v is not None and k in weights}
    total = sum(weights[k] * v for k, v in present.items()) / sum(weights[k] for k in present)
    reasons = [f"{'title words' if k == 'words' else k} {v:.2f}" for k, v in present.items()]
    contradiction = contradicts(query, paper, abstract, authors)
    if contradiction:
        reasons.append(contradiction)
    confirmed = contradiction is None and _supported(title, abstract)
    candidate = Candidate(paper=paper, score=total, reasons=reasons)
    return Assessment(candidate, confirmed, confirmed and abstract is None)


def decide(query: TitleQuery, papers: Iterable[PaperRecord], *, exhaustive: bool = True) -> TitleResolution:
    """`exhaustive`: the papers are every arXiv paper that could carry the query's title. When arXiv's
    answer was cut short, an identical title alone is not enough: a second paper with it may be missing."""
    assessed = sorted(
        (assess(query, p) for p in papers), key=lambda a: (-a.candidate.score, a.candidate.paper.arxiv_id)
    )
    confirmed = [a for a in assessed if a.confirmed and (exhaustive or not a.title_only)]
    clear = len(confirmed) == 1 or (
        len(confirmed) > 1 and confirmed[0].candidate.score - confirmed[1].candidate.score >= MARGIN
    )
    if clear and not (confirmed[0].title_only and len(confirmed) > 1):
        best = confirmed[0].candidate
        return TitleResolution("matched", paper=best.paper, candidates=[best])
    floor = max(REVIEW_SCORE, assessed[0].candidate.score - REVIEW_SPREAD) if assessed else REVIEW_SCORE
    shown = [a.candidate for a in assessed if a.candidate.score >= floor][:MAX_CANDIDATES]
    if shown:
        return TitleResolution("needs_review", candidates=shown)
    return TitleResolution("not_found")


def contradicts(query: TitleQuery, paper: PaperRecord, abstract: float | None, authors: float | None) -> str | None:
    """Why what the clip says rules `paper` out, or None."""
    if authors == 0.0:
        return "no author in common"
    if abstract is not None and abstract < ABSTRACT_CONTRADICTS:
        return "another abstract"
    published, updated = _day(paper.published), _day(paper.updated)
    if query.published and abs(published - query.published) > PUBLISHED_SLACK:
        return f"published {published.isoformat()}, the page says {query.published.isoformat()}"
    if query.listed_on and published > query.listed_on + LISTED_SLACK:
        return f"published {published.isoformat()}, after the digest's date {query.listed_on.isoformat()}"
    if query.year and not published.year - YEAR_BEFORE <= query.year <= max(updated.year, published.year) + YEAR_AFTER:
        return f"published {published.year}, the source says {query.year}"
    if query.categories and not set(query.categories) & set(paper.categories):
        return f"filed in {', '.join(paper.categories)}, not {', '.join(query.categories)}"
    return None


def title_similarity(a: str, b: str) -> float:
    """1.0 for the same title after normalization; a paper whose title contains the whole of `a` (an
    earlier version's title is often the start of the latest one) scores at least EXTENDS_FLOOR."""
    na, nb = _normalized(a), _normalized(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    similarity = max(fuzz.ratio(na, nb), fuzz.token_sort_ratio(na, nb)) / 100.0
    if f" {na} " in f" {nb} ":
        similarity = max(similarity, EXTENDS_FLOOR + (1 - EXTENDS_FLOOR) * len(na) / len(nb))
    return min(similarity, 0.99)


def word_coverage(title: str, paper: PaperRecord) -> float | None:
    """The share of the title's content words that the paper's title or abstract has: an earlier title's
    words are usually still in the abstract, while a near-miss shares only the words of its title."""
    wanted = _content_words(title)
    if not wanted:
        return None
    have, prefixes = _words_and_prefixes(paper.title, paper.abstract)
    found = sum(1 for w in wanted if w in have or (len(w) >= PREFIX_MATCH and w[:PREFIX_MATCH] in prefixes))
    return found / len(wanted)


@lru_cache(maxsize=CACHED_TEXTS)
def _words_and_prefixes(title: str, abstract: str) -> tuple[frozenset[str], frozenset[str]]:
    have = _content_words(title) | _content_words(abstract)
    return have, frozenset(w[:PREFIX_MATCH] for w in have if len(w) >= PREFIX_MATCH)


def abstract_similarity(a: str | None, b: str | None) -> float | None:
    """Jaccard of content words: robust to reflowed text, near zero for unrelated abstracts on one topic."""
    wa, wb = _content_words(a), _content_words(b)
    if not wa or not wb:
        return None
    return len(wa & wb) / len(wa | wb)


def author_overlap(a: list[str], b: list[str]) -> float | None:
    la, lb = _last_names(tuple(a)), _last_names(tuple(b))
    if not la or not lb:
        return None
    return len(la & lb) / min(len(la), len(lb))


def _supported(title: float, abstract: float | None) -> bool:
    if abstract is not None:
        return abstract >= ABSTRACT_CONFIRMS or (title == 1.0 and abstract >= ABSTRACT_WITH_TITLE)
    return title == 1.0


def _day(moment: datetime) -> date:
    return moment.date()


@lru_cache(maxsize=CACHED_TEXTS)
def _content_words(text: str | None) -> frozenset[str]:
    """Cached: decide() compares every query with every paper of a batched answer."""
    return frozenset(w for w in safe_words(text) if len(w) > 2 and w not in STOPWORDS)


@lru_cache(maxsize=CACHED_TEXTS)
def _normalized(title: str) -> str:
    return normalize_title(title)


@lru_cache(maxsize=CACHED_TEXTS)
def _last_names(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_last_name(n) for n in names) - {""}


def _last_name(name: str) -> str:
    words = unidecode(name or "").lower().replace(",", " ").split()
    if "," in (name or ""):
        return words[0] if words else ""
    return words[-1] if words else ""
