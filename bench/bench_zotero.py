"""Benchmark: write requests and time to deliver N papers to the fake Zotero, batched vs one write per paper.

Run: .venv/bin/python bench/bench_zotero.py [N ...]   (default 50 120 500)
The baseline, measured in the same run, is the naive use of pyzotero: one `create_items` per paper (the
parent and its two children in one request), with the same item JSON.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyzotero import zotero  # noqa: E402

from paperdrop.sync.targets import TargetSpec  # noqa: E402
from paperdrop.sync.zotero import ZoteroConfig, ZoteroSink  # noqa: E402
from paperdrop.sync.zotero.items import child_items, parent_item  # noqa: E402
from tests.fakes.zotero import FakeZotero  # noqa: E402
from tests.zotero.conftest import make_paper, make_requests  # noqa: E402

KEY, USER = "BENCHKEY", 1
LATENCY = 0.05  # a modest round trip to api.zotero.org
SERVER_BATCH = 50  # deliveries per deliver() call, as a server job would pass them


def run_sink(n: int, latency: float) -> dict[str, float]:
    with FakeZotero(latency=latency) as fake, tempfile.TemporaryDirectory() as state:
        fake.add_key(KEY, user_id=USER)
        config = ZoteroConfig(library_id=str(USER), api_key=KEY, api_url=fake.url)
        with ZoteroSink(config, TargetSpec("zotero", "Reading/Robotics"), state_dir=Path(state)) as sink:
            requests = make_requests(sink, [make_paper(i) for i in range(n)])
            started = time.perf_counter()
            for start in range(0, n, SERVER_BATCH):
                sink.deliver(requests[start : start + SERVER_BATCH])
            elapsed = time.perf_counter() - started
        assert len(fake.items_in_collection("Reading/Robotics")) == n
        posts = fake.requests("POST", "/items")
        return {
            "item_writes": len(posts),
            "collection_writes": len(fake.requests("POST", "/collections")),
            "reads": len(fake.requests("GET")),
            "seconds": elapsed,
        }


def run_naive(n: int, latency: float) -> dict[str, float]:
    with FakeZotero(latency=latency) as fake:
        fake.add_key(KEY, user_id=USER)
        collection = fake.add_collection("Robotics")
        zot = zotero.Zotero(USER, "user", KEY)
        zot.endpoint = fake.url
        requests = make_requests(_KeyMaker(), [make_paper(i) for i in range(n)])
        started = time.perf_counter()
        for request in requests:
            zot.create_items(
                [parent_item(request.paper, request.remote_key, collection), *child_items(request, request.remote_key)]
            )
        elapsed = time.perf_counter() - started
        zot.client.close()
        return {"item_writes": len(fake.requests("POST", "/items")), "seconds": elapsed}


class _KeyMaker:
    def prepare(self, requests):
        from paperdrop.sync.zotero.keys import new_key

        return {r.delivery_id: new_key() for r in requests}


def main(sizes: list[int]) -> None:
    for latency in (0.0, LATENCY):
        print(f"\nfake Zotero with {latency * 1000:.0f} ms added per request")
        table(sizes, latency)
    print(
        "\nsink writes = parent writes (ceil(N/50)) + child writes (note + PDF link: ceil(2N/50)); "
        "reads = key check + per deliver() call an index sync (versions, /deleted) + one collection listing"
    )


def table(sizes: list[int], latency: float) -> None:
    print(
        f"{'N':>5} {'sink writes':>12} {'target':>8} {'coll':>5} {'reads':>6} {'sink s':>8} "
        f"{'naive writes':>13} {'naive s':>8} {'speedup':>8}"
    )
    for n in sizes:
        sink, naive = run_sink(n, latency), run_naive(n, latency)
        target = math.ceil(n / 50)
        print(
            f"{n:>5} {sink['item_writes']:>12} {target:>8} {sink['collection_writes']:>5} {sink['reads']:>6} "
            f"{sink['seconds']:>8.2f} {naive['item_writes']:>13} {naive['seconds']:>8.2f} "
            f"{naive['seconds'] / sink['seconds']:>7.1f}x"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 120, 500])
