"""Benchmark: Zotero delivery with stored PDFs, and delivery through the job layer on a busy day.

Run: .venv/bin/python bench/bench_zotero.py [--sizes 50 120 500] [--busy-papers 60]

1. Requests and time to deliver N papers with their PDFs stored (`deliver()` calls of 50, as a job hands them)
   on the fake Zotero, against the naive use of pyzotero in the same run: one `create_items` per paper.
2. The busy-day measurement (bench/README.md, "Zotero delivery"): N arXiv ids imported to the nested collection
   `zotero:Reading/Robotics` through the job layer (`server.jobs.foreground.run_until_settled`, what `paperdrop
   import --wait` runs), once on a fault-free fake and once on api.zotero.org's busy-day mix (10 % 429 with
   Retry-After: 1, 5 % 503 without a hint, 10 % answers with Backoff: 1, 15 % of writes committed and then the
   connection dropped), same run, no added latency. Target: the busy run finishes exactly once within 3x the
   fault-free time plus the sum of the hints.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyzotero import zotero  # noqa: E402

from paperdrop.server.jobs.foreground import run_until_settled  # noqa: E402
from paperdrop.server.runtime import Runtime  # noqa: E402
from paperdrop.server.services.save import save_clips  # noqa: E402
from paperdrop.sync.arxiv import ArxivGate  # noqa: E402
from paperdrop.sync.arxiv.pdfs import PdfStore  # noqa: E402
from paperdrop.sync.records import ClipInput  # noqa: E402
from paperdrop.sync.targets import TargetSpec  # noqa: E402
from paperdrop.sync.zotero import ZoteroConfig, ZoteroSink  # noqa: E402
from paperdrop.sync.zotero.items import notes, parent_item, pdf_attachment  # noqa: E402
from paperdrop.sync.zotero.keys import new_key  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes.arxiv import FakeArxiv, load_corpus  # noqa: E402
from tests.fakes.zotero import FakeZotero  # noqa: E402
from tests.zotero.conftest import make_paper, make_requests  # noqa: E402

KEY, USER = "BENCHKEY", 1
SERVER_BATCH = 50  # deliveries per deliver() call, as a server job would pass them
COLLECTION = "Reading/Robotics"


def _item_writes(fake: FakeZotero) -> int:
    return len([r for r in fake.requests("POST", "/items") if r.path.endswith("/items")])


def run_sink(n: int) -> dict[str, float]:
    with FakeZotero() as fake, FakeArxiv(corpus=[]) as arxiv, tempfile.TemporaryDirectory() as state:
        arxiv.pdfs_for_any_id = True
        fake.add_key(KEY, user_id=USER)
        pdfs = PdfStore(
            base_url=arxiv.pdf_url,
            gate=ArxivGate(0, Path(state) / "arxiv"),
            cache_dir=Path(state) / "pdfs",
            user_agent="bench",
        )
        config = ZoteroConfig(library_id=str(USER), api_key=KEY, api_url=fake.url)
        with ZoteroSink(config, TargetSpec("zotero", COLLECTION), state_dir=Path(state), pdfs=pdfs) as sink:
            requests = make_requests(sink, [make_paper(i) for i in range(n)])
            started = time.perf_counter()
            for start in range(0, n, SERVER_BATCH):
                sink.deliver(requests[start : start + SERVER_BATCH])
            elapsed = time.perf_counter() - started
        pdfs.close()
        assert len(fake.items_in_collection(COLLECTION)) == n and len(fake.library().files) == n
        return {
            "item_writes": _item_writes(fake),
            "file_requests": len(fake.requests("POST", "/file")) + len(fake.requests("POST", "/upload/")),
            "collection_writes": len(fake.requests("POST", "/collections")),
            "reads": len(fake.requests("GET")),
            "seconds": elapsed,
        }


def run_naive(n: int) -> dict[str, float]:
    """One create_items per paper: the parent, its note and a linked PDF (no upload) in one request."""
    from paperdrop.sync.zotero import ZoteroOptions

    with FakeZotero() as fake:
        fake.add_key(KEY, user_id=USER)
        collection = fake.add_collection("Robotics")
        zot = zotero.Zotero(USER, "user", KEY)
        zot.endpoint = fake.url
        options = ZoteroOptions(pdf="linked")
        started = time.perf_counter()
        for request in make_requests(_KeyMaker(), [make_paper(i) for i in range(n)]):
            key = request.remote_key
            children = [*notes(request, key, options), pdf_attachment(request.paper, new_key(), key, None)]
            zot.create_items([parent_item(request, key, collection, options, _now()), *children])
        elapsed = time.perf_counter() - started
        zot.client.close()
        return {"item_writes": _item_writes(fake), "seconds": elapsed}


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


class _KeyMaker:
    def prepare(self, requests):
        return {r.delivery_id: new_key() for r in requests}


def run_jobs(n: int, busy: bool, seed: int) -> dict[str, float]:
    """N corpus ids saved and settled through the job layer into zotero:Reading/Robotics."""
    papers = [p for p in load_corpus() if "/" not in p["id"]][:n]
    with (
        FakeArxiv(corpus=load_corpus()) as arxiv,
        FakeZotero() as fake,
        tempfile.TemporaryDirectory() as home,
    ):
        arxiv.pdfs_for_any_id = True
        fake.add_key(KEY, user_id=USER)
        if busy:
            fake.set_busy_day(seed=seed)
        settings = make_settings(
            Path(home),
            arxiv_api_url=arxiv.url,
            arxiv_pdf_url=arxiv.pdf_url,
            zotero_api_url=fake.url,
            zotero_library_id=str(USER),
            zotero_api_key=KEY,
            zotero_timeout=5.0,
            retry_base=60.0,
            retry_max=21600.0,
            max_attempts=10,
        )
        rt = Runtime(settings)
        try:
            clip_ids = save_clips(rt, [ClipInput(arxiv_id=p["id"]) for p in papers], f"zotero:{COLLECTION}").clip_ids
            started = time.perf_counter()
            progress = run_until_settled(rt, clip_ids, timeout=600, poll=0.05)
            elapsed = time.perf_counter() - started
        finally:
            rt.close()
        fake.set_busy_day(seed=0, profile=())
        items = fake.items_in_collection(COLLECTION)
        kinds = [r.outcome.kind for r in progress.results]
        hints = sum(fake.retry_after for r in fake.log if r.fault == "429") + sum(
            fake.backoff for r in fake.log if r.fault == "backoff"
        )
        return {
            "seconds": elapsed,
            "requests": len(fake.log),
            "saved": kinds.count("saved") + kinds.count("already_there"),
            "failed": kinds.count("failed"),
            "items": len(items),
            "unique": len({i["archiveID"] for i in items}),
            "files": len(fake.library().files),
            "hints": hints,
            "faults": {k: sum(1 for r in fake.log if r.fault == k) for k in ("429", "outage", "backoff", "drop")},
        }


def sink_table(sizes: list[int]) -> None:
    print("\n1. deliver() with stored PDFs on the fake Zotero (no added latency)")
    print(
        f"{'N':>5} {'item writes':>12} {'target':>7} {'file reqs':>10} {'coll':>5} {'reads':>6} {'s':>7} "
        f"{'naive writes':>13} {'naive s':>8}"
    )
    for n in sizes:
        sink, naive = run_sink(n), run_naive(n)
        target = math.ceil(n / 50) + math.ceil(2 * n / 50)
        print(
            f"{n:>5} {sink['item_writes']:>12} {target:>7} {sink['file_requests']:>10} {sink['collection_writes']:>5} "
            f"{sink['reads']:>6} {sink['seconds']:>7.2f} {naive['item_writes']:>13} {naive['seconds']:>8.2f}"
        )
    print(
        "item writes = ceil(N/50) parents + ceil(2N/50) children (comment note + PDF attachment); "
        "file requests = 3 per PDF (authorize, upload, register)"
    )


def busy_table(n: int, seed: int) -> None:
    print(f"\n2. {n} ids to zotero:{COLLECTION} through the job layer (run_until_settled), same run")
    clean = run_jobs(n, busy=False, seed=seed)
    busy = run_jobs(n, busy=True, seed=seed)
    budget = 3 * clean["seconds"] + busy["hints"]
    for name, r in (("fault-free", clean), ("busy day", busy)):
        print(
            f"{name:>10}: {r['seconds']:7.2f} s, {r['requests']:4d} Zotero requests, saved {r['saved']}/{n}, "
            f"failed {r['failed']}, items {r['items']} ({r['unique']} distinct), files {r['files']}, "
            f"hints {r['hints']} s, faults {r['faults']}"
        )
    verdict = "within" if busy["seconds"] <= budget else "OVER"
    print(
        f"budget 3 x {clean['seconds']:.2f} + {busy['hints']} s of hints = {budget:.2f} s: busy run {verdict}; "
        f"requests {busy['requests']} vs {clean['requests']} fault-free ({busy['requests'] / clean['requests']:.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 120, 500])
    parser.add_argument("--busy-papers", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.sizes:
        sink_table(args.sizes)
    if args.busy_papers:
        busy_table(args.busy_papers, args.seed)


if __name__ == "__main__":
    main()
