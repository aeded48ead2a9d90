"""Load benchmark of clip intake: `paperdrop serve` (waitress + embedded worker) on SQLite and on PostgreSQL,
against Flask's development server (SQLite) as the baseline, all measured in the same run, with the load from
a second process. PostgreSQL is a throw-away cluster with its default durability (tests/support/postgres.py,
`durable=True`: fsync and synchronous_commit on).

The three servers run side by side and take turns in short rounds (`--rounds`), so load from elsewhere on the
machine falls on all of them alike. Two loads per server, one new paper per `POST /api/v1/clips`:
- open loop (bench/loadgen.py): 50 keep-alive clients sharing a fixed rate (300 clips/s by default); latency
  counted from each request's scheduled time, so queueing cannot hide (the issue's p99 target);
- closed loop (wrk, if installed): 50 connections as fast as they go, for the ceiling.

Run: .venv/bin/python bench/bench_api.py [--rate 300] [--duration 20] [--rounds 4] [--connections 50]
Prints Markdown tables for bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from loadgen import percentile  # noqa: E402

from tests.fakes.arxiv import FakeArxiv, load_corpus  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402
from tests.support.server import TOKEN, base_env, free_port, paperdrop_command  # noqa: E402

DEV_SERVER = """
import sys
from paperdrop.server.app import create_app
app = create_app()
app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
"""


def wait_ready(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def start(kind: str, home: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    if kind == "serve":
        cmd = paperdrop_command("serve", "--port", str(port))
    else:
        cmd = [sys.executable, "-c", DEV_SERVER, str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port)
    return proc


def run_wrk(port: int, duration: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(ROOT / "bench" / "post_clips.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            TOKEN,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": latency("50"),
        "p90": latency("90"),
        "p99": latency("99"),
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def run_open_loop(port: int, rate: float, clients: int, duration: float, offset: int) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "loadgen.py"),
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--rate",
            str(rate),
            "--clients",
            str(clients),
            "--duration",
            str(duration),
            "--offset",
            str(offset),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


class Server:
    """One server under test, on a fresh data directory (and database), started up front."""

    def __init__(self, name: str, kind: str, fake_url: str, database_url: str | None = None):
        self.name, self.kind = name, kind
        self.home = Path(tempfile.mkdtemp(prefix=f"paperdrop-bench-{kind}-"))
        # The real pace of arXiv (3 s) and the default sweep: the embedded worker runs as it would for a user.
        settings = {
            "PAPERDROP_ARXIV_API_URL": fake_url,
            "PAPERDROP_ARXIV_DELAY": "3",
            "PAPERDROP_SWEEP_INTERVAL": "30",
            "PAPERDROP_LEASE_SECONDS": "300",
        }
        if database_url:
            settings["PAPERDROP_DATABASE_URL"] = database_url
        self.port = free_port()
        self.proc = start(kind, self.home, base_env(self.home, settings), self.port)
        self.rounds: list[dict] = []
        self.closed: dict | None = None

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.home, ignore_errors=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per server, over all rounds")
    parser.add_argument("--rounds", type=int, default=4, help="the servers take turns, round after round")
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}, load average {os.getloadavg()[0]:.1f} at the start"
    )
    with FakeArxiv(corpus=load_corpus()) as fake, PostgresCluster(durable=True) as postgres:
        servers: list[Server] = []
        try:
            servers.append(Server("paperdrop serve, SQLite (waitress + worker)", "serve", fake.url))
            servers.append(
                Server(
                    "paperdrop serve, PostgreSQL 15 (waitress + worker)", "serve", fake.url, postgres.create_database()
                )
            )
            servers.append(Server("Flask dev server, SQLite (baseline)", "dev", fake.url))
            for n, server in enumerate(servers):
                run_open_loop(server.port, 50, args.connections, 2, 10_000_000 * (n + 1))  # warm up
            # Taking turns in short rounds spreads whatever else the machine does over all servers alike.
            per_round = args.duration / args.rounds
            for round_ in range(args.rounds):
                for n, server in enumerate(servers):
                    offset = 100_000_000 * (n + 1) + 1_000_000 * round_
                    server.rounds.append(run_open_loop(server.port, args.rate, args.connections, per_round, offset))
            if shutil.which("wrk"):
                for server in servers:
                    server.closed = run_wrk(server.port, args.duration, args.connections)
        finally:
            for server in servers:
                server.stop()
    print(
        f"\nOpen loop: {args.connections} clients, {args.rate:g} clips/s offered, {args.duration} s per server "
        f"in {args.rounds} rounds taken in turn (percentiles over every request of all rounds)"
    )
    print("| server | clips/s achieved | p50 ms | p90 ms | p99 ms | max ms | answers | p99 per round |")
    print("|---|---|---|---|---|---|---|---|")
    for server in servers:
        r = server.rounds
        statuses: dict[str, int] = {}
        for one in r:
            for code, count in one["statuses"].items():
                statuses[code] = statuses.get(code, 0) + count
        answers = ", ".join(f"{count} × {code}" for code, count in sorted(statuses.items()))
        p99s = " / ".join(f"{x['p99']:.0f}" for x in r)
        pooled = sorted(ms for x in r for ms in x["latencies_ms"])
        print(
            f"| {server.name} | {median([x['achieved_rate'] for x in r]):.0f} | {percentile(pooled, 50):.1f} "
            f"| {percentile(pooled, 90):.1f} | {percentile(pooled, 99):.1f} | {pooled[-1]:.0f} | {answers} | {p99s} |"
        )
    if servers[0].closed is None:
        print("\n(wrk not installed: no closed-loop ceiling)")
        return
    print(f"\nClosed loop (wrk): {args.connections} connections as fast as they go, {args.duration} s")
    print("| server | clips/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|")
    for server in servers:
        c = server.closed
        assert c is not None
        print(f"| {server.name} | {c['rps']:.0f} | {c['p50']:.1f} | {c['p99']:.1f} | {c['non2xx']} |")


if __name__ == "__main__":
    main()
