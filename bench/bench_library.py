"""GET /api/v1/library?arxiv_ids= for the 100 papers of a page (target: <= 20 ms), at 10,000 stored papers.

Run: .venv/bin/python bench/bench_library.py [--papers 10000] [--runs 50]

The extension asks this once per decorated page (extension/src/content/main.js). Fills a temporary SQLite
store with bench_dashboard.fill (each paper one clip, one or two deliveries in mixed states), then times the
request through the Flask app in-process (the server's time, no network) for 100 ids that are all stored, 100
of which half are stored, and 100 that none are; baseline in the same run: the store query alone
(`server.services.library.holdings`).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard import TOKEN, fill, timed  # noqa: E402
from sqlalchemy import text  # noqa: E402

from paperdrop.server.app import create_app  # noqa: E402
from paperdrop.server.config import load_settings  # noqa: E402
from paperdrop.server.runtime import Runtime  # noqa: E402
from paperdrop.server.services.library import holdings  # noqa: E402


def arxiv_id(n: int) -> str:
    return f"2403.{n:05d}"


def renumber(rt) -> None:
    """bench_dashboard.fill numbers papers 2400.NNNNN (month 00, not an id the API takes): real ids instead."""
    with rt.db.session() as session:
        session.execute(text("UPDATE papers SET arxiv_id = '2403.' || substr('0000' || id, -5, 5)"))
        session.execute(text("UPDATE clips SET arxiv_id = '2403.' || substr('0000' || id, -5, 5)"))


def cases(count: int) -> list[tuple[str, list[str], int]]:
    """(name, ids, how many of them are stored)."""
    middle = count // 2
    return [
        ("100 stored", [arxiv_id(n) for n in range(middle, middle + 100)], 100),
        ("50 stored, 50 not", [arxiv_id(n) for n in range(count - 49, count + 51)], 50),
        ("100 not stored", [f"2501.{n:05d}" for n in range(1, 101)], 0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        rt = Runtime(load_settings({"home": home, "token": TOKEN}, environ={}))
        began = time.perf_counter()
        fill(rt, args.papers)
        renumber(rt)
        print(f"filled {args.papers} papers in {time.perf_counter() - began:.1f} s")
        client = create_app(runtime=rt).test_client()
        auth = {"Authorization": f"Bearer {TOKEN}"}
        print(f"python {platform.python_version()}, {platform.machine()}, {args.runs} runs each, ms")
        print("| case | API median | API p95 | query median |")
        print("|---|---|---|---|")
        for name, ids, expected in cases(args.papers):
            url = "/api/v1/library?arxiv_ids=" + ",".join(ids)

            def api(url=url, expected=expected):
                response = client.get(url, headers=auth)
                assert response.status_code == 200, response.get_data(as_text=True)
                assert len(response.get_json()["papers"]) == expected  # the lookup really found them

            def query(ids=ids):
                with rt.db.reading() as session:
                    holdings(session, ids)

            api_med, api_p95 = timed(api, args.runs)
            query_med, _ = timed(query, args.runs)
            print(f"| {name} | {api_med:.1f} | {api_p95:.1f} | {query_med:.1f} |")
        rt.close()


if __name__ == "__main__":
    main()
