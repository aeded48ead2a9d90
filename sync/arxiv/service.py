"""ArxivService: complete papers from arXiv by id (batched `id_list`) and by title (batched phrase queries,
then a batched fallback), every request through the deployment's one gate."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import arxiv

from paperdrop.sync.arxiv import queries
from paperdrop.sync.arxiv.client import ArxivClient
from paperdrop.sync.arxiv.gate import ArxivGate, Gate
from paperdrop.sync.arxiv.matching import decide
from paperdrop.sync.arxiv.records import to_paper_record
from paperdrop.sync.errors import InputError
from paperdrop.sync.ids import parse_arxiv_id
from paperdrop.sync.records import PaperRecord, TitleQuery, TitleResolution
from paperdrop.sync.text import normalize_title

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_USER_AGENT = "PaperDrop/0.1 (+https://github.com/paperdrop/paperdrop)"
ID_BATCH = 100  # longer id lists make GET URLs too long (414); docs/reference.md
TITLE_BATCH = 15  # titles OR-ed into one search request
RESULTS_PER_TITLE = 10  # room for near-miss titles next to the right one in a batched answer
FALLBACK_BATCH = 5  # looser word searches OR-ed into one request: they match more, so fewer per answer
RESULTS_PER_FALLBACK = 20
REASK_ATTEMPTS = 2  # a missing id is asked again once before it is declared unknown
LOOKUP_ATTEMPTS = 2  # a person waits on a lookup (the review form): one retry, then tell them


class ArxivService:
    """`state_dir` is shared by every process of one machine (the file gate's lock and pace live there);
    `gate` replaces that gate (a `RedisGate` shared by several machines); `sleep` is what short retries wait
    with (tests pass a recorder)."""

    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        delay: float = 3.0,
        state_dir: Path | str,
        timeout: float = 30.0,
        user_agent: str = DEFAULT_USER_AGENT,
        short_retries: int = 4,
        backoff_base: float = 1.0,
        id_batch: int = ID_BATCH,
        title_batch: int = TITLE_BATCH,
        max_wait: float = 60.0,
        throttle_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        gate: Gate | None = None,
    ):
        self.gate: Gate = gate or ArxivGate(delay, Path(state_dir))
        self.client = ArxivClient(
            api_url,
            self.gate,
            timeout=timeout,
            user_agent=user_agent,
            short_retries=short_retries,
            backoff_base=backoff_base,
            max_wait=max_wait,
            throttle_wait=throttle_wait,
            sleep=sleep,
        )
        self.id_batch = max(1, min(id_batch, ID_BATCH))
        self.title_batch = max(1, title_batch)

    @property
    def requests_made(self) -> int:
        return self.client.requests_made

    def close(self) -> None:
        self.client.close()

    def fetch(self, ids: list[str]) -> dict[str, PaperRecord]:
        """Latest record per unversioned id; unknown ids are absent. Raises InputError (before any request)
        for malformed ids, TransientError when arXiv keeps failing after the short retries."""
        wanted = _validated_ids(ids)
        found: dict[str, PaperRecord] = {}
        for start in range(0, len(wanted), self.id_batch):
            found.update(self._fetch_batch(wanted[start : start + self.id_batch]))
        return {i: found[i] for i in wanted if i in found}

    def lookup(self, arxiv_id: str) -> PaperRecord | None:
        """The paper `arxiv_id` names, or None when arXiv has none (an empty answer is asked again once).
        Few tries: a person is waiting. Raises InputError for a malformed id, TransientError on an outage."""
        (wanted,) = _validated_ids([arxiv_id])
        results = self.client.query(
            id_list=[wanted],
            max_results=1,
            expect_results=True,
            empty_attempts=REASK_ATTEMPTS,
            attempts=LOOKUP_ATTEMPTS,
        )
        return _records_by_id(results).get(wanted)

    def resolve_titles(self, queries_: list[TitleQuery]) -> list[TitleResolution]:
        """One resolution per query, same order. Batched phrase search first, then one batched fallback
        search for the titles still unmatched; a paper is `matched` only when certainly the one."""
        pool: dict[str, PaperRecord] = {}
        phrase_of = [_phrase_of(q) for q in queries_]
        cut = self._search_into(
            pool, list(dict.fromkeys(p for p in phrase_of if p)), self.title_batch, RESULTS_PER_TITLE
        )
        exhaustive = [p not in cut for p in phrase_of]
        results = [decide(q, pool.values(), exhaustive=e) for q, e in zip(queries_, exhaustive, strict=True)]
        open_ = [i for i, r in enumerate(results) if r.status != "matched" and normalize_title(q_title(queries_[i]))]
        fallbacks = list(dict.fromkeys(c for i in open_ if (c := queries.fallback_clause(queries_[i]))))
        if fallbacks:
            self._search_into(pool, fallbacks, FALLBACK_BATCH, RESULTS_PER_FALLBACK)
            for i in open_:
                results[i] = decide(queries_[i], pool.values(), exhaustive=exhaustive[i])
        return results

    def _fetch_batch(self, batch: list[str]) -> dict[str, PaperRecord]:
        found = _records_by_id(self.client.query(id_list=batch, max_results=len(batch), expect_results=True))
        missing = [i for i in batch if i not in found]
        if missing and found:
            # arXiv sometimes drops entries: ask again before declaring an id unknown (docs/reference.md).
            again = self.client.query(
                id_list=missing, max_results=len(missing), expect_results=True, empty_attempts=REASK_ATTEMPTS
            )
            found.update(_records_by_id(again))
        return {i: found[i] for i in batch if i in found}

    def _search_into(
        self, pool: dict[str, PaperRecord], clauses: list[str], batch_size: int, per_clause: int
    ) -> set[str]:
        """Add what the clauses find to `pool`, `batch_size` clauses per request; returns the clauses whose
        answer was full (arXiv may have had more than it sent)."""
        cut: set[str] = set()
        for start in range(0, len(clauses), batch_size):
            batch = clauses[start : start + batch_size]
            results = self.client.query(
                search_query=queries.join_any(batch),
                max_results=per_clause * len(batch),
                expect_results=True,
            )
            if len(results) >= per_clause * len(batch):
                cut.update(batch)
            for paper in _records_by_id(results).values():
                pool.setdefault(paper.arxiv_id, paper)
        return cut


def q_title(query: TitleQuery) -> str:
    return query.title or ""


def _phrase_of(query: TitleQuery) -> str | None:
    return queries.title_phrase(q_title(query))


def _validated_ids(ids: list[str]) -> list[str]:
    parsed = [(raw, parse_arxiv_id(raw or "")) for raw in ids]
    bad = [raw for raw, p in parsed if p is None]
    if bad:
        raise InputError(
            f"Malformed arXiv id(s): {', '.join(repr(b) for b in bad)}.",
            fix="Use ids like 2403.12943, 2403.12943v2 or hep-th/9901001 (or arxiv.org/abs/ URLs).",
        )
    return list(dict.fromkeys(p.id for _, p in parsed if p is not None))


def _records_by_id(results: list[arxiv.Result]) -> dict[str, PaperRecord]:
    records: dict[str, PaperRecord] = {}
    for result in results:
        try:
            record = to_paper_record(result)
        except ValueError:
            continue  # an entry without a usable id (e.g. an error entry) names no paper
        records.setdefault(record.arxiv_id, record)
    return records
