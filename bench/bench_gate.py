"""The arXiv gate: what a slot costs and the pace it keeps, Redis (several machines) against the file lock
(one machine) as the baseline, in the same run. bench/README.md has the numbers.

1. One process, delay 0: the cost of taking and giving back a slot (500 slots).
2. Three processes sharing the gate, delay 50 ms, each holding its slot 10 ms (20 slots each): the shortest
   and the mean gap between one slot's end and the next one's start (never below the delay), and the time
   from the first slot's start to the last one's end (ideally 60 × 10 ms + 59 × 50 ms = 3.55 s).
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paperdrop.sync.arxiv.gate import ArxivGate, RedisGate  # noqa: E402
from paperdrop.sync.shared import connect  # noqa: E402
from tests.support.redis import RedisServer  # noqa: E402

DELAY, HOLD, SLOTS, PROCESSES = 0.05, 0.01, 20, 3


def make_gate(kind: str, where: str, delay: float):
    return RedisGate(delay, connect(where)) if kind == "redis" else ArxivGate(delay, Path(where))


def contend(kind: str, where: str, out) -> None:
    gate = make_gate(kind, where, DELAY)
    spans = []
    for _ in range(SLOTS):
        with gate.slot():
            start = time.monotonic()
            time.sleep(HOLD)
            spans.append((start, time.monotonic()))
    out.put(spans)


def measure(kind: str, where: str) -> tuple[float, float, float, float]:
    gate = make_gate(kind, where, 0.0)
    with gate.slot():
        pass  # a new Redis: the first slot waits the quiet period
    began = time.perf_counter()
    for _ in range(500):
        with gate.slot():
            pass
    per_slot = (time.perf_counter() - began) / 500 * 1000
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    workers = [context.Process(target=contend, args=(kind, where, out)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    spans = sorted(s for _ in workers for s in out.get(timeout=120))
    for worker in workers:
        worker.join()
    total = spans[-1][1] - spans[0][0]  # first slot's start to last slot's end (process start-up left out)
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:], strict=False)]
    return per_slot, min(gaps) * 1000, sum(gaps) / len(gaps) * 1000, total


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as redis_server:
        rows.append(("Redis (RedisGate)", *measure("redis", redis_server.url)))
        rows.append(("file lock (ArxivGate, baseline)", *measure("file", str(Path(tmp) / "state"))))
    print(f"| gate | ms per slot | shortest gap ms (delay {DELAY * 1000:.0f}) | mean gap ms | 60 slots, s |")
    print("|---|---|---|---|---|")
    for name, per_slot, shortest, mean, total in rows:
        print(f"| {name} | {per_slot:.2f} | {shortest:.1f} | {mean:.1f} | {total:.2f} |")


if __name__ == "__main__":
    main()
