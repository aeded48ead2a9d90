"""Open-loop HTTP load generator for POST /api/v1/clips (run as its own process).

`clients` keep-alive connections share a fixed arrival rate; each request is due at its scheduled time and its
latency is measured from that time (so a slow server cannot hide queueing: no coordinated omission). Every
request posts one new paper. Prints one JSON line with the results.

    python bench/loadgen.py --port 7077 --token T --rate 300 --clients 50 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time


def body_for(n: int) -> bytes:
    # A valid new-style id (five digits after the dot exist from 1501 on), unique for 102 million n in a row.
    k = n // 100_000
    arxiv_id = f"{15 + k % 85:02d}{1 + (k // 85) % 12:02d}.{n % 100000:05d}"
    return json.dumps(
        {
            "papers": [
                {"arxiv_id": arxiv_id, "title": f"Benchmark paper {n}", "source_url": "https://huggingface.co/papers"}
            ]
        }
    ).encode()


async def client(index: int, args, start: float, latencies: list[float], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    interval = args.clients / args.rate
    n = index
    scheduled = start + index * (1 / args.rate)
    end = start + args.duration
    while scheduled < end:
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        body = body_for(args.offset + n)
        writer.write(
            b"POST /api/v1/clips HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer "
            + args.token.encode()
            + b"\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        await writer.drain()
        status_line = await reader.readline()
        length, close = 0, status_line.startswith(b"HTTP/1.0")
        while (line := await reader.readline()) not in (b"\r\n", b""):
            lower = line.lower()
            if lower.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            elif lower.startswith(b"connection:"):
                close = b"close" in lower
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - scheduled)
        status = int(status_line.split()[1])
        statuses[status] = statuses.get(status, 0) + 1
        n += args.clients
        scheduled += interval
        if close:  # servers without keep-alive (Flask's development server): connect again, as browsers do
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    writer.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--offset", type=int, default=0, help="first paper number (keeps runs distinct)")
    args = parser.parse_args()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    start = time.perf_counter() + 0.2
    await asyncio.gather(*(client(i, args, start, latencies, statuses) for i in range(args.clients)))
    elapsed = time.perf_counter() - start
    ms = [x * 1000 for x in latencies]
    print(
        json.dumps(
            {
                "requests": len(ms),
                "achieved_rate": len(ms) / elapsed,
                "p50": percentile(ms, 50),
                "p90": percentile(ms, 90),
                "p99": percentile(ms, 99),
                "max": max(ms),
                "statuses": statuses,
                "latencies_ms": [round(x, 3) for x in ms],  # for percentiles over several runs pooled
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
