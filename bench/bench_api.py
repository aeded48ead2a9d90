"""Load benchmark of clip intake: `paperdrop serve` (waitress + embedded worker) on SQLite and on PostgreSQL,
against Flask's development server (SQLite) as the baseline, all measured in the same run, with the load from
a second process. PostgreSQL is a throw-away cluster with its default durability (tests/support/postgres.py,
`durable=True`: fsync and synchronous_commit on).

Two loads per server, one new paper per `POST /api/v1/clips`:
- open loop (bench/loadgen.py): 50 keep-alive clients sharing a fixed rate (300 clips/s by default); latency
  counted from each request's scheduled time, so queueing cannot hide (the issue's p99 target);
- closed loop (wrk, if installed): 50 connections as fast as they go, for the ceiling.

Run: .venv/bin/python bench/bench_api.py [--rate 300] [--duration 20] [--connections 50]
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


def measure(kind: str, args, fake_url: str, database_url: str | None = None) -> tuple[dict, dict | None]:
    """(open-loop result, closed-loop result) for one server, on a fresh data directory (and database)."""
    home = Path(tempfile.mkdtemp(prefix=f"paperdrop-bench-{kind}-"))
    # The real pace of arXiv (3 s) and the default sweep: the embedded worker runs as it would for a user.
    settings = {
        "PAPERDROP_ARXIV_API_URL": fake_url,
        "PAPERDROP_ARXIV_DELAY": "3",
        "PAPERDROP_SWEEP_INTERVAL": "30",
        "PAPERDROP_LEASE_SECONDS": "300",
    }
    if database_url:
        settings["PAPERDROP_DATABASE_URL"] = database_url
    env = base_env(home, settings)
    port = free_port()
    proc = start(kind, home, env, port)
    try:
        run_open_loop(port, 50, args.connections, 2, 10_000_000)  # warm up
        open_loop = run_open_loop(port, args.rate, args.connections, args.duration, 20_000_000)
        closed = run_wrk(port, args.duration, args.connections) if shutil.which("wrk") else None
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)
    return open_loop, closed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    with FakeArxiv(corpus=load_corpus()) as fake, PostgresCluster(durable=True) as postgres:
        rows = [
            ("paperdrop serve, SQLite (waitress + worker)", *measure("serve", args, fake.url)),
            (
                "paperdrop serve, PostgreSQL 15 (waitress + worker)",
                *measure("serve", args, fake.url, postgres.create_database()),
            ),
            ("Flask dev server, SQLite (baseline)", *measure("dev", args, fake.url)),
        ]
    print(f"\nOpen loop: {args.connections} clients, {args.rate:g} clips/s offered, {args.duration} s")
    print("| server | clips/s achieved | p50 ms | p90 ms | p99 ms | max ms | answers |")
    print("|---|---|---|---|---|---|---|")
    for name, r, _ in rows:
        print(
            f"| {name} | {r['achieved_rate']:.0f} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} "
            f"| {r['max']:.0f} | {r['statuses']} |"
        )
    if rows[0][2] is None:
        print("\n(wrk not installed: no closed-loop ceiling)")
        return
    print(f"\nClosed loop (wrk): {args.connections} connections as fast as they go, {args.duration} s")
    print("| server | clips/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|")
    for name, _, r in rows:
        print(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['non2xx']} |")


if __name__ == "__main__":
    main()
