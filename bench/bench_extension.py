"""Browser extension benchmark: click → "Saved" latency and the time to decorate a 100-paper page.

Run: .venv/bin/python bench/bench_extension.py [--clicks 20]

Everything is local: fake arXiv, a real `paperdrop serve` (temporary home, BibTeX target), headless Debian
Chromium with the unpacked extension and its shipped settings (only server URL and token are set).
Baselines measured in the same run:
- latency: the same server work driven straight from Python (POST /clips, then GET /clips every 10 ms until
  delivered), i.e. what the server alone needs; the difference is the extension's cost (messaging, polling);
- decoration: insertion of the same 100 cards → the next animation frame with no button work to wait for.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import pages as html  # noqa: E402
from tests.browser.harness import Extension, PageServer, launch  # noqa: E402
from tests.fakes.arxiv import FakeArxiv, load_corpus  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

CLICK_TO_SAVED_JS = """async () => {
  const button = document.querySelector('.paperdrop-save');
  const start = performance.now();
  const saved = new Promise((resolve) => new MutationObserver((_, obs) => {
    if (/^(Saved|Already)/.test(button.textContent)) { obs.disconnect(); resolve(); }
  }).observe(button, { childList: true, characterData: true, subtree: true }));
  button.click();
  await saved;
  return performance.now() - start;
}"""

DECORATE_JS = """async ({ cards, waitForButtons }) => {
  const grid = document.querySelector('.grid');
  const start = performance.now();
  grid.insertAdjacentHTML('beforeend', cards);
  if (!waitForButtons) {
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    return performance.now() - start;
  }
  await new Promise((resolve) => {
    const done = () => document.querySelectorAll('.paperdrop-save').length >= 100;
    if (done()) return resolve();
    new MutationObserver((_, obs) => { if (done()) { obs.disconnect(); resolve(); } })
      .observe(document.body, { childList: true, subtree: true });
  });
  return performance.now() - start;
}"""


def api(server: ServerProcess, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def server_only_latency(server: ServerProcess, paper_id: str) -> float:
    start = time.perf_counter()
    clip_id = api(server, "POST", "/clips", {"papers": [{"arxiv_id": paper_id}]})["clips"][0]["id"]
    while True:
        clip = api(server, "GET", f"/clips?ids={clip_id}")["clips"][0]
        if clip["deliveries"] and clip["deliveries"][0]["state"] == "delivered":
            return (time.perf_counter() - start) * 1000
        time.sleep(0.01)


def summary(name: str, values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
    return (
        f"{name:<44} n={len(values):<3} median {statistics.median(values):7.1f} ms"
        f"   p90 {p90:7.1f} ms   max {values[-1]:7.1f} ms"
    )


def measure_clicks(ctx, pages: PageServer, papers: list[dict], script: str = CLICK_TO_SAVED_JS) -> list[float]:
    """Milliseconds from a click on each paper's button to the state `script` waits for (default: saved)."""
    page = ctx.new_page()
    results = []
    for paper in papers:
        page.goto(pages.put(f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper)))
        page.wait_for_selector(".paperdrop-save")
        results.append(page.evaluate(script))
    page.close()
    return results


def measure_decoration(ctx, pages: PageServer, papers: list[dict], rounds: int, wait_for_buttons: bool) -> list[float]:
    cards = "".join(html.hf_card(p) for p in papers)
    url = pages.put("https://huggingface.co/papers/date/2024-03-22", html.hf_daily([]))
    page = ctx.new_page()
    results = []
    for _ in range(rounds):
        page.goto(url)
        page.wait_for_selector(".grid", state="attached")
        page.wait_for_timeout(50)  # let the content script finish its first scan of the empty page
        results.append(page.evaluate(DECORATE_JS, {"cards": cards, "waitForButtons": wait_for_buttons}))
    return results


def unique_title_papers() -> list[dict]:
    corpus = load_corpus()
    titles = [p["title"].lower() for p in corpus]
    return [p for p in corpus if titles.count(p["title"].lower()) == 1 and "/" not in p["id"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    papers = unique_title_papers()
    assert len(papers) >= 300, "the corpus needs 300 papers with distinct titles for this benchmark"
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeArxiv(corpus=load_corpus()) as arxiv,
        PageServer() as pages,
        ServerProcess(Path(tmp) / "home", env={"PAPERDROP_ARXIV_API_URL": arxiv.url}) as server,
        sync_playwright() as pw,
    ):
        ctx = launch(pw, Path(tmp) / "profile", pages)
        extension = Extension(ctx)
        extension.configure(serverUrl=server.url, token=server.token)  # everything else: shipped defaults
        clicks = papers[: args.clicks]
        baseline = [server_only_latency(server, p["id"]) for p in papers[args.clicks : 2 * args.clicks]]
        latency = measure_clicks(ctx, pages, clicks)
        plain = measure_decoration(ctx, pages, papers[200:300], args.rounds, wait_for_buttons=False)
        decorate = measure_decoration(ctx, pages, papers[200:300], args.rounds, wait_for_buttons=True)
        ctx.close()
    print(summary("click → Saved (extension, server up)", latency))
    print(summary("baseline: POST + poll from Python", baseline))
    print(summary("100 cards inserted → 100 Save buttons", decorate))
    print(summary("baseline: 100 cards inserted → next frame", plain))


if __name__ == "__main__":
    main()
