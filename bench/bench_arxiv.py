"""Benchmark: arXiv requests, accuracy and wall time at the real 3 s pace for the 86-paper digest.

Run: .venv/bin/python bench/bench_arxiv.py
Digest: tests/data/digests/hf-papers-digest-86.txt (the 30 papers of the real sample digest, three under an
earlier version's title, plus 56, built as tests/data/README.md says), read by parse_source like an import.
Runs: "titles+abstracts" (what the digest shows), "titles only" (a reading list, or a page that shows only
titles), and "ids only" (the 86 arXiv ids). Each is resolved by ArxivService (batched) and, in the same run,
by the naive baseline: one request per paper (`ti:"<title>"` taking the first hit, or `id_list=<id>`),
through the same gate and client. Wall time at arXiv's pace = requests x 3 s (terms of use); "measured"
runs with delay 0 against the local fake, our own overhead only. A second pass repeats the batched runs
with 20% of requests failing (503, 429, empty pages, dropped connections).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from paperdrop.sync.arxiv import ArxivService  # noqa: E402
from paperdrop.sync.arxiv.queries import title_phrase  # noqa: E402
from paperdrop.sync.arxiv.records import to_paper_record  # noqa: E402
from paperdrop.sync.digest import parse_source  # noqa: E402
from paperdrop.sync.errors import PaperDropError  # noqa: E402
from paperdrop.sync.records import TitleQuery  # noqa: E402
from tests.fakes.arxiv import CORPUS_PATH, FakeArxiv, load_corpus  # noqa: E402

PACE = 3.0  # seconds between arXiv requests (terms of use)
DIGEST = CORPUS_PATH.parent / "digests" / "hf-papers-digest-86.txt"


def digest() -> tuple[list[TitleQuery], list[str]]:
    """The digest's papers as an import reads them, and the arXiv id each really is."""
    truth = [arxiv_id for _, arxiv_id in json.loads(CORPUS_PATH.read_text(encoding="utf-8"))["truth_86"]]
    clips = parse_source(DIGEST.read_bytes(), filename=DIGEST.name).clips
    assert len(clips) == len(truth), "the digest must parse to one clip per paper"
    return [TitleQuery(title=c.title or "", abstract=c.abstract) for c in clips], truth


def service(url: str, state: str) -> ArxivService:
    return ArxivService(
        api_url=url, delay=0.0, state_dir=state, backoff_base=0.001, short_retries=8, sleep=lambda s: None
    )


def batched_titles(svc: ArxivService, queries: list[TitleQuery]) -> list[tuple[str | None, str | None]]:
    """(matched id, first candidate in review) per query."""
    out = []
    for r in svc.resolve_titles(queries):
        first = r.candidates[0].paper.arxiv_id if r.status == "needs_review" and r.candidates else None
        out.append((r.paper.arxiv_id if r.status == "matched" and r.paper else None, first))
    return out


def naive_titles(svc: ArxivService, queries: list[TitleQuery]) -> list[tuple[str | None, str | None]]:
    out: list[tuple[str | None, str | None]] = []
    for q in queries:
        phrase = title_phrase(q.title)  # the baseline gets the same trap-free phrase, one title per request
        try:
            results = svc.client.query(search_query=phrase or "", max_results=1, expect_results=False)
        except PaperDropError:  # the naive script just records a failure
            out.append((None, None))
            continue
        out.append((to_paper_record(results[0]).arxiv_id if results else None, None))
    return out


def batched_ids(svc: ArxivService, ids: list[str]) -> list[tuple[str | None, str | None]]:
    found = svc.fetch(ids)
    return [(i if i in found else None, None) for i in ids]


def naive_ids(svc: ArxivService, ids: list[str]) -> list[tuple[str | None, str | None]]:
    return [(i if i in svc.fetch([i]) else None, None) for i in ids]


def measure(name: str, method, inputs, expected: list[str], corpus, fault_rate: float = 0.0) -> dict:
    with FakeArxiv(corpus=corpus, fault_rate=fault_rate, seed=1) as fake, tempfile.TemporaryDirectory() as state:
        svc = service(fake.url, state)
        started = time.perf_counter()
        got = method(svc, inputs)
        elapsed = time.perf_counter() - started
        svc.close()
    pairs = list(zip(got, expected, strict=True))
    right = sum(1 for (matched, _), e in pairs if matched == e)
    wrong = sum(1 for (matched, _), e in pairs if matched is not None and matched != e)
    review_first = sum(1 for (matched, first), e in pairs if matched is None and first == e)
    return {
        "run": name,
        "requests": len(fake.requests),
        "at_3s": len(fake.requests) * PACE,
        "measured": elapsed,
        "right": right,
        "recall": right / len(expected),
        "wrong": wrong,
        "review_first": review_first,
        "unresolved": len(expected) - right - wrong,
    }


def main() -> None:
    corpus = load_corpus()
    with_abstracts, expected = digest()
    titles_only = [TitleQuery(title=q.title) for q in with_abstracts]
    rows = []
    for label, queries in (("titles+abstracts", with_abstracts), ("titles only", titles_only)):
        rows.append(measure(f"{label}: batched", batched_titles, queries, expected, corpus))
        rows.append(measure(f"{label}: naive baseline", naive_titles, queries, expected, corpus))
    rows.append(measure("ids only: batched", batched_ids, expected, expected, corpus))
    rows.append(measure("ids only: naive baseline", naive_ids, expected, expected, corpus))
    rows.append(measure("titles+abstracts: batched, 20% faults", batched_titles, with_abstracts, expected, corpus, 0.2))
    rows.append(measure("titles only: batched, 20% faults", batched_titles, titles_only, expected, corpus, 0.2))
    rows.append(measure("ids only: batched, 20% faults", batched_ids, expected, expected, corpus, 0.2))
    print(f"{len(expected)} papers ({DIGEST.name}); wall time at arXiv's pace = requests x {PACE:.0f} s\n")
    header = f"{'run':40} {'requests':>8} {'at 3 s/req':>10} {'measured':>9} {'right':>6} {'recall':>7}"
    print(f"{header} {'wrong':>6} {'unres.':>6} {'review, right 1st':>18}")
    for r in rows:
        print(
            f"{r['run']:40} {r['requests']:8d} {r['at_3s']:9.0f}s {r['measured']:8.2f}s {r['right']:6d} "
            f"{r['recall']:6.1%} {r['wrong']:6d} {r['unresolved']:6d} {r['review_first']:18d}"
        )


if __name__ == "__main__":
    main()
