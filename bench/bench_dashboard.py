"""Library page server time at 10,000 papers (target: < 150 ms per page).

Run: .venv/bin/python bench/bench_dashboard.py [--papers 10000] [--runs 30]

Fills a temporary store (SQLite, as `paperdrop serve` uses it) with papers, each with one clip and one or two
deliveries in mixed states, then times GET / through the Flask app in-process (signed in, no network: this is
the server's time). Baselines measured in the same run: the query alone (`server.library.list_papers`) and the
JSON API's `GET /api/v1/papers` with the same filters, so the table shows what rendering the page adds.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paperdrop.server.app import create_app  # noqa: E402
from paperdrop.server.config import load_settings  # noqa: E402
from paperdrop.server.runtime import Runtime  # noqa: E402
from paperdrop.server.services.library import PaperQuery, list_papers  # noqa: E402
from paperdrop.server.store.models import Clip, Delivery, Paper  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"
ZOTERO = "zotero:Reading/Robotics"
WORDS = (
    "policy",
    "diffusion",
    "robot",
    "learning",
    "transformer",
    "offline",
    "reinforcement",
    "vision",
    "language",
    "model",
    "scaling",
    "alignment",
    "preference",
    "table",
    "tennis",
    "manipulation",
    "graph",
)


def fill(rt, count: int) -> None:
    """`count` papers via bulk inserts (fast), the shape the worker leaves behind."""
    bib = str(rt.settings.resolve_target(None))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    papers, clips, deliveries = [], [], []
    for n in range(1, count + 1):
        words = [WORDS[(n * k) % len(WORDS)] for k in (1, 3, 7, 11)]
        title = f"{' '.join(words).title()} {n}"
        when = start + timedelta(minutes=n)
        arxiv_id = f"24{n // 100000:02d}.{n % 100000:05d}"
        papers.append(
            {
                "id": n,
                "arxiv_id": arxiv_id,
                "version": 1,
                "title": title,
                "title_norm": title.lower(),
                "authors": [f"Author {n % 97}", f"Writer {n % 89}", "Ada Lovelace"],
                "abstract": "An abstract. " * 40,
                "published": when,
                "updated": when,
                "primary_category": "cs.LG",
                "categories": ["cs.LG", "cs.RO"],
                "fetched_at": when,
                "created_at": when,
                "abs_url": f"https://arxiv.org/abs/{arxiv_id}",
            }
        )
        clips.append(
            {
                "id": n,
                "status": "resolved",
                "target": bib,
                "dedupe_key": f"arxiv:{arxiv_id}",
                "arxiv_id": arxiv_id,
                "paper_id": n,
                "source_site": "huggingface",
                "source_url": "https://huggingface.co/papers",
                "authors": [],
                "extra": {},
                "candidates": [],
                "attempts": 0,
                "created_at": when,
                "updated_at": when,
            }
        )
        state = ("delivered", "delivered", "delivered", "pending", "failed")[n % 5]
        deliveries.append(_delivery(n, bib, state, f"author{n}", when))
        if n % 3 == 0:
            deliveries.append(_delivery(n, ZOTERO, "delivered", f"K{n:07d}", when))
    with rt.db.session() as session:
        for model, rows in ((Paper, papers), (Clip, clips), (Delivery, deliveries)):
            session.execute(model.__table__.insert(), rows)


def _delivery(paper_id: int, target: str, state: str, key: str, when: datetime) -> dict:
    return {
        "paper_id": paper_id,
        "target": target,
        "state": state,
        "attempts": 0 if state == "pending" else 1,
        "remote_key": key,
        "last_error": "Disk full." if state == "failed" else None,
        "next_attempt_at": when if state == "pending" else None,
        "created_at": when,
        "updated_at": when,
    }


def timed(func, runs: int) -> tuple[float, float]:
    """(median, p95) in milliseconds after one warm-up call."""
    func()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        func()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/sign-in", data={"csrf_token": csrf, "token": TOKEN}).status_code == 303
    return client


def cases(pages: int) -> list[tuple[str, dict]]:
    return [
        ("page 1", {}),
        (f"page {pages // 2}", {"page": pages // 2}),
        (f"page {pages} (last)", {"page": pages}),
        ("state=failed", {"state": "failed"}),
        ("target=zotero", {"target": ZOTERO}),
        ("q=robot (title)", {"q": "robot"}),
        ("q=Lovelace (author)", {"q": "Lovelace"}),
        ("q=2400.05000 (id)", {"q": "2400.05000"}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        rt = Runtime(load_settings({"home": home, "token": TOKEN}, environ={}))
        began = time.perf_counter()
        fill(rt, args.papers)
        print(f"filled {args.papers} papers in {time.perf_counter() - began:.1f} s")
        app = create_app(runtime=rt)
        client, auth = signed_in_client(app), {"Authorization": f"Bearer {TOKEN}"}
        print(f"python {platform.python_version()}, {platform.machine()}, {args.runs} runs each, ms")
        print("| case | page median | page p95 | query median | API median |")
        print("|---|---|---|---|---|")
        for name, params in cases(args.papers // 50):

            def page(params=params):
                assert client.get("/", query_string=params).status_code == 200

            def query(params=params):
                with rt.db.reading() as session:
                    list_papers(session, PaperQuery(**{"per_page": 50, **params}))

            def api(params=params):
                assert client.get("/api/v1/papers", query_string=params, headers=auth).status_code == 200

            page_med, page_p95 = timed(page, args.runs)
            query_med, _ = timed(query, args.runs)
            api_med, _ = timed(api, args.runs)
            print(f"| {name} | {page_med:.1f} | {page_p95:.1f} | {query_med:.1f} | {api_med:.1f} |")
        rt.close()


if __name__ == "__main__":
    main()
