"""End-to-end: the keyboard command and the context-menu entry, against a real `paperdrop serve`.

Browsers cannot fire extension shortcuts or menu clicks from a script (and Playwright cannot press
browser-level shortcuts headless), so each test calls the handler the listener in background.js calls,
`PaperDrop.actions.runCommand` / `.saveLink`, inside the service worker with the tab Chrome would pass.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser import pages as html
from tests.browser.test_extension import SAVED, WAIT_MS, bib_eprints, wait_until

pytestmark = pytest.mark.browser

COMMAND = "save-page-paper"  # manifest.json "commands"
MENU_ID = "paperdrop-save-link"  # actions.js MENU_ID
BLOG = "https://blog.example/2024/03/reading-list"  # served from 127.0.0.1, where the extension may script


def server_clips(paperdrop, ids: list[int]) -> list[dict]:
    request = urllib.request.Request(
        f"{paperdrop.url}/api/v1/clips?ids={','.join(map(str, ids))}",
        headers={"Authorization": f"Bearer {paperdrop.token}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["clips"]


def wait_delivered(paperdrop, clip_id: int) -> dict:
    """The clip once the server says its paper is delivered to papers.bib."""
    found: list[dict] = []

    def delivered() -> bool:
        found[:] = server_clips(paperdrop, [clip_id])
        return bool(found) and [d["state"] for d in found[0]["deliveries"]] == ["delivered"]

    wait_until(delivered, f"clip {clip_id} to be delivered")
    return found[0]


def settled(extension) -> None:
    """Wait until the shortcut and menu saves have been followed to their outcome (badge and notification)."""
    extension.worker.evaluate("() => PaperDrop.actions.settled()")


def notifications(extension) -> list[dict]:
    """The notifications the extension made, as {title, message}, oldest first."""
    return extension.worker.evaluate(
        "() => PaperDrop.actions.notified.map(n => ({title: n.title, message: n.message}))"
    )


def open_blog(browser, pages, links: list[tuple[str, str]]):
    page = browser.new_page()
    pages.put(BLOG, html.blog(links))
    page.goto(pages.local_url(BLOG))
    return page


@pytest.mark.parametrize("kind", ["arxiv abs", "hf paper"])
def test_command_saves_the_paper_of_a_page_through_its_save_button(browser, extension, pages, paperdrop, corpus, kind):
    paperdrop.start()
    paper = corpus[20]
    url, body = {
        "arxiv abs": (f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper)),
        "hf paper": (f"https://huggingface.co/papers/{paper['id']}", html.hf_paper(paper)),
    }[kind]
    page = browser.new_page()
    page.goto(pages.put(url, body))
    button = page.locator(".paperdrop-save")
    expect(button).to_have_text("Save to PaperDrop")
    assert extension.run_command(page, COMMAND) == {"ok": True}  # the page's own button took it
    expect(button).to_have_text(SAVED, timeout=WAIT_MS)
    # ... and the shortcut ends in the badge and a notification all the same
    wait_until(lambda: extension.tab_badge(page)["text"] == "✓", "the badge")
    assert extension.tab_badge(page)["title"] == "PaperDrop: Saved to papers.bib"
    assert notifications(extension) == [{"title": "PaperDrop: Saved to papers.bib", "message": paper["title"]}]
    clip = wait_delivered(paperdrop, 1)  # a fresh server: the first clip
    bib = paperdrop.home / "papers.bib"
    assert (clip["arxiv_id"], clip["source_url"], clip["target"]) == (paper["id"], url, f"bibtex:{bib}")
    assert bib_eprints(paperdrop.home) == [paper["id"]]


def test_command_finds_the_single_paper_of_a_page_without_save_buttons(browser, extension, pages, paperdrop, corpus):
    paperdrop.start()
    paper = corpus[21]
    page = open_blog(browser, pages, [(f"https://arxiv.org/abs/{paper['id']}", paper["title"])])
    result = extension.run_command(page, COMMAND)
    assert result["ok"] and not result.get("queued")
    clip = wait_delivered(paperdrop, result["clips"][0]["id"])
    assert (clip["arxiv_id"], clip["source_url"]) == (paper["id"], page.url)
    assert bib_eprints(paperdrop.home) == [paper["id"]]
    settled(extension)
    assert extension.tab_badge(page) == {"text": "✓", "title": "PaperDrop: Saved to papers.bib"}
    assert notifications(extension) == [{"title": "PaperDrop: Saved to papers.bib", "message": paper["title"]}]


def test_command_asks_for_the_popup_when_a_page_names_several_papers(browser, extension, pages, paperdrop, corpus):
    paperdrop.start()
    page = open_blog(browser, pages, [(f"https://arxiv.org/abs/{p['id']}", p["title"]) for p in corpus[22:24]])
    assert extension.run_command(page, COMMAND) is None
    badge = extension.tab_badge(page)
    assert badge["text"] == "?" and "open the PaperDrop popup" in badge["title"]
    assert bib_eprints(paperdrop.home) == []


def test_context_menu_entry_is_registered_for_links(browser, extension):
    # contextMenus.update fails for an id that was never created; onInstalled creates it.
    exists = f"""() => new Promise(done => chrome.contextMenus.update({json.dumps(MENU_ID)}, {{}},
        () => done(!chrome.runtime.lastError)))"""
    wait_until(lambda: extension.worker.evaluate(exists), f"the {MENU_ID} menu entry")


@pytest.mark.parametrize(
    "link",
    [
        "https://arxiv.org/abs/{id}",
        "https://arxiv.org/pdf/{id}v2",
        "https://huggingface.co/papers/{id}",
        "https://doi.org/10.48550/arXiv.{id}",
    ],
)
def test_context_menu_saves_the_linked_paper_to_bibtex(browser, extension, pages, paperdrop, corpus, link):
    paperdrop.start()
    paper, other = corpus[25], corpus[26]
    link_url = link.format(id=paper["id"])
    page = open_blog(browser, pages, [(link_url, paper["title"]), (f"https://arxiv.org/abs/{other['id']}", "x")])
    info = {
        "menuItemId": MENU_ID,
        "linkUrl": link_url,
        "linkText": paper["title"],
        "pageUrl": page.url,
        "editable": False,
    }
    result = extension.click_menu(page, info)
    assert result["ok"] and not result.get("queued")
    clip = wait_delivered(paperdrop, result["clips"][0]["id"])
    assert (clip["arxiv_id"], clip["source_url"], clip["title"]) == (paper["id"], page.url, paper["title"])
    assert bib_eprints(paperdrop.home) == [paper["id"]]  # only the linked paper, not the page's other one
    settled(extension)
    assert extension.tab_badge(page) == {"text": "✓", "title": "PaperDrop: Saved to papers.bib"}
    assert notifications(extension) == [{"title": "PaperDrop: Saved to papers.bib", "message": paper["title"]}]


def test_context_menu_queues_the_linked_paper_while_the_server_is_down(browser, extension, pages, paperdrop, corpus):
    paper = corpus[27]
    link_url = f"https://arxiv.org/abs/{paper['id']}"
    page = open_blog(browser, pages, [(link_url, "arXiv link")])
    result = extension.click_menu(page, {"menuItemId": MENU_ID, "linkUrl": link_url, "pageUrl": page.url})
    assert result["ok"] and result["queued"]
    badge = extension.tab_badge(page)
    assert badge["text"] == "…" and badge["title"].startswith("PaperDrop: queued:")
    paperdrop.start()
    wait_until(lambda: bib_eprints(paperdrop.home) == [paper["id"]], "the queued clip to be delivered")
    wait_until(lambda: extension.storage("queue") == [], "the queue to empty")


def test_context_menu_says_when_a_link_names_no_arxiv_paper(browser, extension, pages, paperdrop):
    paperdrop.start()
    link_url = "https://blog.example/about"
    page = open_blog(browser, pages, [(link_url, "About me")])
    assert extension.click_menu(page, {"menuItemId": MENU_ID, "linkUrl": link_url}) is None
    assert extension.tab_badge(page) == {"text": "!", "title": f"PaperDrop: no arXiv paper in {link_url}"}
    assert server_clips(paperdrop, [1]) == []  # nothing was sent
