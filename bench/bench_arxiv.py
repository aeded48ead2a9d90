"""Benchmark: arXiv requests, wall time at the real 3 s pace and accuracy for a 100-paper digest.

Run: .venv/bin/python bench/bench_arxiv.py
Digests: "titles+abstracts" (a text digest such as HF's, no ids), "titles only", and "ids only" (100 arXiv
ids), each resolved by ArxivService (batched) and, in the same run, by the naive baseline: one request per
paper (`ti:"<title>"` taking the first hit, or `id_list=<id>`), through the same gate and client.
Wall time at arXiv's pace = requests x 3 s (terms of use); the measured time here runs with delay 0 against
the local fake, so it shows our own overhead only. A second pass repeats the batched runs with 20% of
requests failing (503, 429, empty pages, dropped connections).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from paperdrop.sync.arxiv import ArxivService  # noqa: E402
from paperdrop.sync.arxiv.records import to_paper_record  # noqa: E402
from paperdrop.sync.records import TitleQuery  # noqa: E402
from tests.fakes.arxiv import CORPUS_PATH, FakeArxiv, load_corpus  # noqa: E402

PACE = 3.0  # seconds between arXiv requests (terms of use)
N = 100


def digest(corpus: list[dict]) -> list[tuple[TitleQuery, str]]:
    """The 30 digest papers as the digest shows them, plus 70 fillers with unique titles."""
    truth = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))["truth"]
    by_id = {p["id"]: p for p in corpus}
    items = [(TitleQuery(title=t, abstract=by_id[i]["abstract"]), i) for t, i in truth.items()]
    titles = [p["title"] for p in corpus]
    for paper in corpus[len(truth) :]:
        if len(items) == N:
            break
        if titles.count(paper["title"]) == 1 and not paper["title"].startswith("$"):
            items.append((TitleQuery(title=paper["title"], abstract=paper["abstract"]), paper["id"]))
    return items


def service(url: str, state: str) -> ArxivService:
    return ArxivService(
        api_url=url, delay=0.0, state_dir=state, backoff_base=0.001, short_retries=8, sleep=lambda s: None
    )


def batched_titles(svc: ArxivService, queries: list[TitleQuery]) -> list[str | None]:
    return [r.paper.arxiv_id if r.status == "matched" else None for r in svc.resolve_titles(queries)]


def naive_titles(svc: ArxivService, queries: list[TitleQuery]) -> list[str | None]:
    out = []
    for q in queries:
        try:
            page = svc.client.query(search_query=f'ti:"{q.title}"', max_results=1, expect_results=False)
        except Exception:  # noqa: BLE001 - the naive script just records a failure
            out.append(None)
            continue
        out.append(to_paper_record(page.results[0]).arxiv_id if page.results else None)
    return out


def batched_ids(svc: ArxivService, ids: list[str]) -> list[str | None]:
    found = svc.fetch(ids)
    return [i if i in found else None for i in ids]


def naive_ids(svc: ArxivService, ids: list[str]) -> list[str | None]:
    return [i if i in svc.fetch([i]) else None for i in ids]


def measure(name: str, method, inputs, expected, corpus, fault_rate=0.0) -> dict:
    with FakeArxiv(corpus=corpus, fault_rate=fault_rate, seed=1) as fake, tempfile.TemporaryDirectory() as state:
        svc = service(fake.url, state)
        started = time.perf_counter()
        got = method(svc, inputs)
        elapsed = time.perf_counter() - started
        svc.close()
    right = sum(g == e for g, e in zip(got, expected, strict=True))
    wrong = sum(g is not None and g != e for g, e in zip(got, expected, strict=True))
    return {
        "run": name,
        "requests": len(fake.requests),
        "at_3s": len(fake.requests) * PACE,
        "measured": elapsed,
        "right": right,
        "wrong": wrong,
        "unresolved": len(expected) - right - wrong,
    }


def main() -> None:
    corpus = load_corpus()
    items = digest(corpus)
    with_abstracts = [q for q, _ in items]
    titles_only = [TitleQuery(title=q.title) for q in with_abstracts]
    expected = [i for _, i in items]
    rows = []
    for label, queries in (("titles+abstracts", with_abstracts), ("titles only", titles_only)):
        rows.append(measure(f"{label}: batched", batched_titles, queries, expected, corpus))
        rows.append(measure(f"{label}: naive baseline", naive_titles, queries, expected, corpus))
    rows.append(measure("ids only: batched", batched_ids, expected, expected, corpus))
    rows.append(measure("ids only: naive baseline", naive_ids, expected, expected, corpus))
    rows.append(measure("titles+abstracts: batched, 20% faults", batched_titles, with_abstracts, expected, corpus, 0.2))
    rows.append(measure("ids only: batched, 20% faults", batched_ids, expected, expected, corpus, 0.2))
    print(f"{len(items)} papers; wall time at arXiv's pace = requests x {PACE:.0f} s\n")
    print(f"{'run':42} {'requests':>8} {'at 3 s/req':>11} {'measured':>9} {'right':>6} {'wrong':>6} {'unres.':>6}")
    for r in rows:
        print(
            f"{r['run']:42} {r['requests']:8d} {r['at_3s']:10.0f}s {r['measured']:8.2f}s {r['right']:6d} "
            f"{r['wrong']:6d} {r['unresolved']:6d}"
        )


if __name__ == "__main__":
    main()
