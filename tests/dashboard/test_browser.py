"""The dashboard in headless Chromium against a real `paperdrop serve` and the fake arXiv: import and review.

Screenshots go to test-artifacts/dashboard/. A missing Chromium fails these tests (it never skips them).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.arxiv import FakeArxiv, load_corpus
from tests.support.server import ServerProcess, base_env, paperdrop_command

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; `playwright install` cannot download browsers here
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
WAIT_MS = 30_000
DIGEST = (
    "Mirror Descent Policy Optimization\n\nWe study mirror descent for policy optimization.\n\n"
    "A Theory of Teacup Gravity\n\nWe show that teacups attract biscuits.\n"
)


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def arxiv():
    with FakeArxiv(corpus=load_corpus()) as fake:
        yield fake


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: ServerProcess, path: str) -> None:
    page.goto(server.url + path)
    expect(page).to_have_title("Sign in · PaperDrop")
    page.get_by_label("Token").fill(server.token)
    page.get_by_label("Token").press("Enter")  # keyboard only
    expect(page).to_have_url(server.url + path)


def import_text(page: Page, text: str) -> None:
    page.get_by_label("Paste a digest, arXiv ids or links").fill(text)
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_title(re.compile(r"^Import progress"))


def test_dashboard_import_shows_progress_live_until_delivered(page, arxiv, tmp_path):
    home = tmp_path / "home"
    # The web server alone first: the progress page is open before any work runs, so what it shows later
    # can only have come from its live updates.
    with ServerProcess(home, env={"PAPERDROP_ARXIV_API_URL": arxiv.url}, args=("--no-worker",)) as server:
        sign_in(page, server, "/import")
        shot(page, "import-form")
        import_text(page, "2403.12943\nhttps://arxiv.org/abs/2408.03906v1\n")
        expect(page.locator("#status")).to_contain_text("Working")
        expect(page.locator("#results tr")).to_have_count(2)
        shot(page, "import-progress-waiting")

        env = base_env(home, {"PAPERDROP_ARXIV_API_URL": arxiv.url})
        worker = subprocess.Popen(
            paperdrop_command("worker"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            expect(page.locator("#status")).to_have_text("Done: 2 saved.", timeout=WAIT_MS)
        finally:
            worker.terminate()
            worker.wait(timeout=15)
        expect(page).to_have_title("Import progress (2/2) · PaperDrop")
        expect(page.locator("#results .state-saved")).to_have_count(2)
        expect(page.locator("#results")).to_contain_text("Vid2Robot")
        shot(page, "import-progress-done")

        page.get_by_role("link", name="see the library").click()
        expect(page.locator("ol.papers > li")).to_have_count(2)
        expect(page.locator("ol.papers")).to_contain_text("Achieving Human Level Competitive Robot Table Tennis")
        shot(page, "library")
        page.set_viewport_size({"width": 390, "height": 844})
        shot(page, "library-phone")


def test_dashboard_review_choose_and_dismiss(page, arxiv, tmp_path):
    with ServerProcess(tmp_path / "home", env={"PAPERDROP_ARXIV_API_URL": arxiv.url}) as server:
        sign_in(page, server, "/import")
        import_text(page, DIGEST)
        expect(page.locator("#status")).to_contain_text("Done", timeout=WAIT_MS)
        expect(page.locator("#results .state-needs_review")).to_have_count(2)

        page.get_by_role("link", name="Open the review page").click()
        expect(page).to_have_title("Review (2) · PaperDrop")
        mirror = page.locator("article", has_text="Mirror Descent Policy Optimization").first
        expect(mirror.locator(".candidate")).to_have_count(3)
        expect(mirror.locator(".candidate").first).to_contain_text("title 1.00")
        shot(page, "review")

        choose = mirror.locator(".candidate").first.get_by_role("button", name=re.compile("^Choose arXiv:"))
        chosen = choose.get_attribute("aria-label").split(",")[0].removeprefix("Choose arXiv:")
        choose.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".flash")).to_contain_text(f"will be saved as arXiv:{chosen}")

        teacup = page.locator("article", has_text="A Theory of Teacup Gravity")
        expect(teacup).to_contain_text("arXiv suggested no candidates.")
        teacup.get_by_role("button", name=re.compile("^Dismiss clip")).click()
        expect(page.locator(".flash")).to_contain_text("dismissed")
        expect(page.locator("main")).to_contain_text("Nothing needs review.")
        shot(page, "review-done")

        page.goto(f"{server.url}/?q={chosen}")
        paper = page.locator("ol.papers > li")
        for _ in range(100):  # the worker resolves and delivers in the background
            if paper.count() and "delivered" in paper.first.inner_text():
                break
            page.wait_for_timeout(200)
            page.reload()
        expect(paper.first).to_contain_text("delivered")
        paper.first.get_by_role("link").first.click()
        expect(page).to_have_title("Mirror Descent Policy Optimization · PaperDrop")
        expect(page.locator("#bibtex")).to_contain_text(f"eprint = {{{chosen}}}")
        page.get_by_role("button", name="Copy BibTeX").click()
        expect(page.locator(".copy-status")).to_have_text("Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == page.locator("#bibtex").text_content()
        shot(page, "paper")
