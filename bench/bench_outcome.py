"""Click → "Needs setup" in the button, with the fix in words, when the Zotero key is wrong (target: well under 5 s).

Run: .venv/bin/python bench/bench_outcome.py [--clicks 15]

Everything is local: fake arXiv, a fake Zotero that refuses the key, a real `paperdrop serve` with
`zotero:Reading` as the default target, headless Debian Chromium with the unpacked extension and its shipped
settings (only server URL and token set). Baseline in the same run: click → "Saved to papers.bib" for a
BibTeX target on a second server (bench_extension.py's case), so the table shows what the setup case costs
over a save that works.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extension import CLICK_TO_SAVED_JS, measure_clicks, summary, unique_title_papers  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.harness import Extension, PageServer, launch  # noqa: E402
from tests.fakes.arxiv import FakeArxiv, load_corpus  # noqa: E402
from tests.fakes.zotero import FakeZotero  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

# Done when the button says "Needs setup" and its card has the fix (the words, not only the state).
HAS_FIX = "if (!button.closest('.paperdrop').querySelector('.paperdrop-fix').textContent) throw new Error('no fix');"
CLICK_TO_SETUP_JS = CLICK_TO_SAVED_JS.replace("/^(Saved|Already)/", "/^Needs setup$/").replace(
    "await saved;", f"await saved;\n  {HAS_FIX}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=15)
    args = parser.parse_args()
    papers = unique_title_papers()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeArxiv(corpus=load_corpus()) as arxiv,
        FakeZotero() as zotero,
        PageServer() as pages,
        sync_playwright() as pw,
    ):
        zotero.add_key("GOODKEY", user_id=123, write=True)
        wrong_key = {
            "PAPERDROP_ARXIV_API_URL": arxiv.url,
            "PAPERDROP_ZOTERO_API_URL": zotero.url,
            "PAPERDROP_ZOTERO_LIBRARY_ID": "123",
            "PAPERDROP_ZOTERO_API_KEY": "WRONGKEY",
            "PAPERDROP_DEFAULT_TARGET": "zotero:Reading",
        }
        ctx = launch(pw, Path(tmp) / "profile", pages)
        extension = Extension(ctx)
        with ServerProcess(Path(tmp) / "zotero-home", env=wrong_key) as server:
            extension.configure(serverUrl=server.url, token=server.token)
            setup = measure_clicks(ctx, pages, papers[: args.clicks], CLICK_TO_SETUP_JS)
        with ServerProcess(Path(tmp) / "bib-home", env={"PAPERDROP_ARXIV_API_URL": arxiv.url}) as server:
            extension.configure(serverUrl=server.url, token=server.token)
            saved = measure_clicks(ctx, pages, papers[args.clicks : 2 * args.clicks], CLICK_TO_SAVED_JS)
        ctx.close()
    print(summary("click → Needs setup + fix (wrong Zotero key)", setup))
    print(summary("baseline: click → Saved (BibTeX)", saved))


if __name__ == "__main__":
    main()
