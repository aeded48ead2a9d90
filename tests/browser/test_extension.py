"""End-to-end: the unpacked extension in headless Chromium against a real `paperdrop serve`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import pages as html
from tests.browser.harness import Extension, launch, settings_for
from tests.support.wait import wait_for

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved to papers\.bib$")
WAIT_MS = 20000


def wait_until(check, what: str, timeout: float = WAIT_MS / 1000) -> None:
    wait_for(check, what, timeout=timeout, interval=0.05)


def bib_eprints(home: Path) -> list[str]:
    path = home / "papers.bib"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return re.findall(r"eprint\s*=\s*\{([^}]+)\}", text)


def page_kinds(corpus):
    three, one = corpus[:3], corpus[3]
    return [
        ("hf daily", "https://huggingface.co/papers/date/2024-03-20", html.hf_daily(three), 3),
        ("hf week", "https://huggingface.co/papers/week/2024-W12", html.hf_daily(three), 3),
        ("hf month", "https://huggingface.co/papers/month/2024-03", html.hf_daily(three), 3),
        ("hf search", "https://huggingface.co/papers?q=robot", html.hf_daily(three, with_json=False), 3),
        ("hf paper", f"https://huggingface.co/papers/{one['id']}", html.hf_paper(one), 1),
        ("arxiv listing", "https://arxiv.org/list/cs.RO/new", html.arxiv_listing(three), 3),
        ("arxiv abs", f"https://arxiv.org/abs/{one['id']}", html.arxiv_abs(one), 1),
        ("arxiv html", f"https://arxiv.org/html/{one['id']}v1", html.arxiv_html(one), 1),
    ]


def test_extension_adds_a_save_button_to_every_paper_on_each_page_kind(browser, extension, pages, corpus):
    page = browser.new_page()
    for kind, url, body, count in page_kinds(corpus):
        page.goto(pages.put(url, body))
        buttons = page.locator(".paperdrop-save")
        expect(buttons, kind).to_have_count(count)
        expect(buttons.first, kind).to_have_text("Save to PaperDrop")


def test_extension_decorates_papers_after_a_client_side_navigation(browser, extension, pages, corpus):
    page = browser.new_page()
    page.goto(pages.put("https://huggingface.co/papers/date/2024-03-20", html.hf_daily(corpus[:3])))
    expect(page.locator(".paperdrop-save")).to_have_count(3)
    cards = "".join(html.hf_card(p) for p in corpus[3:8])
    page.evaluate(
        """cards => {
        history.pushState({}, '', '/papers/date/2024-03-21');
        document.querySelector('.grid').innerHTML = cards;
    }""",
        cards,
    )
    expect(page.locator("article .paperdrop-save")).to_have_count(5)


def test_extension_button_ends_saved_after_the_server_delivers_to_bibtex(browser, extension, pages, paperdrop, corpus):
    paperdrop.start()
    paper = corpus[5]
    page = browser.new_page()
    page.goto(pages.put(f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper)))
    button = page.locator(".paperdrop-save")
    button.click()
    expect(button).to_have_text(SAVED, timeout=WAIT_MS)
    assert bib_eprints(paperdrop.home) == [paper["id"]]
    page.reload()  # the page asks the library on load: the button starts saved
    expect(button).to_have_text("In your library", timeout=WAIT_MS)
    popup = extension.open_popup(page)  # saving it again: the server says it has it
    expect(popup.locator("#papers .state")).to_have_text("In your library")
    popup.click("#save-all")
    expect(popup.locator("#papers .state")).to_have_text("Already in papers.bib", timeout=WAIT_MS)
    assert bib_eprints(paperdrop.home) == [paper["id"]]


def test_extension_popup_saves_all_papers_of_a_30_paper_page(browser, extension, pages, paperdrop, corpus):
    paperdrop.start()
    papers = corpus[10:40]
    url = pages.put("https://huggingface.co/papers/date/2024-03-21", html.hf_daily(papers))
    page = browser.new_page()
    page.goto(url)
    expect(page.locator(".paperdrop-save")).to_have_count(30)
    popup = extension.open_popup(page)
    expect(popup.locator("#papers li")).to_have_count(30)
    expect(popup.locator("#connection")).to_have_text(re.compile("Connected"))
    expect(popup.locator("#target option")).to_have_text(["papers.bib"])
    popup.click("#save-all")
    expect(popup.locator("#message")).to_have_text("30 saved", timeout=WAIT_MS)
    assert sorted(bib_eprints(paperdrop.home)) == sorted(p["id"] for p in papers)
    expect(page.locator(".paperdrop-save").first).to_have_text(SAVED, timeout=WAIT_MS)  # the page tells it too


def test_extension_queues_saves_while_the_server_is_down_and_delivers_each_once(
    browser, extension, pages, paperdrop, corpus
):
    papers = corpus[50:53]
    page = browser.new_page()
    page.goto(pages.put("https://arxiv.org/list/cs.LG/new", html.arxiv_listing(papers)))
    buttons = page.locator(".paperdrop-save")
    for index in range(3):
        buttons.nth(index).click()
        expect(buttons.nth(index)).to_have_text("Queued until PaperDrop is back")
    assert len(extension.storage("queue")) == 3
    assert extension.badge() == "3"
    paperdrop.start()
    for index in range(3):
        expect(buttons.nth(index)).to_have_text(SAVED, timeout=WAIT_MS)
    assert sorted(bib_eprints(paperdrop.home)) == sorted(p["id"] for p in papers)
    assert extension.storage("queue") == []
    assert extension.badge() == ""


def test_extension_keeps_queued_saves_across_a_browser_restart(playwright, tmp_path, pages, paperdrop, corpus):
    paper = corpus[60]
    url = pages.put(f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper))
    ctx = launch(playwright, tmp_path / "restart-profile", pages)
    try:
        Extension(ctx).configure(**settings_for(paperdrop.url, paperdrop.token))
        page = ctx.new_page()
        page.goto(url)
        page.click(".paperdrop-save")
        expect(page.locator(".paperdrop-save")).to_have_text("Queued until PaperDrop is back")
    finally:
        ctx.close()
    paperdrop.start()
    ctx = launch(playwright, tmp_path / "restart-profile", pages)
    try:
        extension = Extension(ctx)  # the worker starts with the browser and finds the queue in storage
        wait_until(lambda: bib_eprints(paperdrop.home) == [paper["id"]], "the queued clip to be delivered")
        assert extension.storage("queue") == []
    finally:
        ctx.close()


def test_extension_wrong_token_says_how_to_fix_it(browser, extension, pages, paperdrop, corpus):
    paperdrop.start()
    extension.configure(token="not-the-token")
    paper = corpus[7]
    page = browser.new_page()
    page.goto(pages.put(f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper)))
    page.click(".paperdrop-save")
    expect(page.locator(".paperdrop-save")).to_have_text("Not connected")  # short: the words are in the card
    expect(page.locator(".paperdrop-detail")).to_have_text(re.compile(r"rejected the token.*Pair with PaperDrop"))
    expect(page.locator(".paperdrop-options")).to_be_visible()
    options = browser.new_page()
    options.goto(extension.url("options/options.html"))
    options.click("#test")
    expect(options.locator("#result")).to_have_text(
        re.compile(r"rejected the token.*Pair with PaperDrop.*paperdrop token")
    )
    assert bib_eprints(paperdrop.home) == []


def test_extension_options_say_when_the_server_is_not_running(browser, extension, paperdrop):
    options = browser.new_page()
    options.goto(extension.url("options/options.html"))
    expect(options.locator("#serverUrl")).to_have_value(paperdrop.url)
    options.click("#test")
    expect(options.locator("#result")).to_have_text(re.compile(r"not running at .*Start it with “paperdrop serve”"))
