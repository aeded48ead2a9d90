"""End-to-end pairing: "Pair with PaperDrop" in the options opens the dashboard's /pair page; after signing in
and confirming, the extension has the token without copy-paste and says Connected. Rotating the token
un-pairs it with a message on the next request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import pages as html
from tests.browser.harness import Extension, settings_for, snap
from tests.browser.test_extension import SAVED, WAIT_MS, wait_until
from tests.support.server import run_cli

pytestmark = pytest.mark.browser


@pytest.fixture
def unpaired(browser, paperdrop) -> Extension:
    """A server whose token is the generated one in its data directory (as after `paperdrop serve`), and an
    extension that knows only the server's address."""
    paperdrop.env["PAPERDROP_TOKEN"] = ""
    paperdrop.start()
    ext = Extension(browser)
    ext.configure(**{**settings_for(paperdrop.url, ""), "token": ""})
    return ext


def file_token(paperdrop) -> str:
    return (paperdrop.home / "token").read_text(encoding="utf-8").strip()


def pair(browser, extension, paperdrop):
    """What a person does: options → Pair with PaperDrop → sign in → confirm. Returns (options, pair page)."""
    options = browser.new_page()
    options.goto(extension.url("options/options.html"))
    with browser.expect_page() as opened:
        options.click("#pair")
    dashboard = opened.value
    dashboard.wait_for_url(re.compile(r"/sign-in\?next=/pair"))  # not signed in yet: sign in, then back
    snap(dashboard, "pair-sign-in")
    dashboard.fill("#token", file_token(paperdrop))
    dashboard.click("button[type=submit]")
    dashboard.wait_for_url(f"{paperdrop.url}/pair")
    snap(dashboard, "pair-confirm")
    dashboard.click("#pair-confirm")
    return options, dashboard


def test_a_first_install_opens_the_welcome_page_with_pair_with_paperdrop(browser, unpaired):
    wait_until(lambda: any(p.url.endswith("options/options.html?welcome=1") for p in browser.pages), "the welcome page")
    (welcome,) = [p for p in browser.pages if p.url.endswith("options/options.html?welcome=1")]
    expect(welcome.locator("#welcome")).to_be_visible()
    expect(welcome.locator("#pair")).to_have_text("Pair with PaperDrop")
    snap(welcome, "welcome")


def test_pairing_in_one_click_gives_the_extension_the_token(browser, unpaired, pages, paperdrop, corpus):
    options, dashboard = pair(browser, unpaired, paperdrop)
    expect(dashboard.locator("#pair-status")).to_have_text(re.compile("^Connected"), timeout=WAIT_MS)
    expect(dashboard.locator("#pair-fallback")).to_be_hidden()
    assert dashboard.locator("#paperdrop-pair").get_attribute("data-token") is None  # taken off the page
    snap(dashboard, "pair-connected")
    assert unpaired.storage("token") == file_token(paperdrop)
    assert unpaired.storage("paired") is True
    expect(options.locator("#connection")).to_have_text(re.compile("Connected"), timeout=WAIT_MS)
    snap(options, "options-paired")
    paper = corpus[100]
    page = browser.new_page()
    page.goto(pages.put(f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper)))
    page.click(".paperdrop-save")
    expect(page.locator(".paperdrop-save")).to_have_text(SAVED, timeout=WAIT_MS)


def test_rotating_the_token_unpairs_the_extension_with_a_message(browser, unpaired, pages, paperdrop, corpus):
    _, dashboard = pair(browser, unpaired, paperdrop)
    expect(dashboard.locator("#pair-status")).to_have_text(re.compile("^Connected"), timeout=WAIT_MS)
    rotated = run_cli(paperdrop.home, "token", "--rotate", env={"PAPERDROP_TOKEN": ""})
    assert rotated.returncode == 0, rotated.stderr
    paper = corpus[101]
    page = browser.new_page()
    page.goto(pages.put(f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper)))
    page.click(".paperdrop-save")
    expect(page.locator(".paperdrop-save")).to_have_text("Pair again", timeout=WAIT_MS)
    expect(page.locator(".paperdrop-detail")).to_have_text(re.compile("^PaperDrop’s token changed: pair again"))
    snap(page, "button-token-changed", page.locator(".paperdrop"))
    assert unpaired.storage("token") == "" and unpaired.storage("paired") is False
    options = browser.new_page()
    options.goto(unpaired.url("options/options.html"))
    expect(options.locator("#result")).to_have_text(re.compile("^PaperDrop’s token changed: pair again"))
    # Pairing again (already signed in? no: the rotation signed the dashboard out too) makes it work again.
    with browser.expect_page() as opened:
        options.click("#pair")
    again = opened.value
    again.wait_for_url(re.compile(r"/sign-in\?next=/pair"))
    again.fill("#token", file_token(paperdrop))
    again.click("button[type=submit]")
    again.click("#pair-confirm")
    expect(again.locator("#pair-status")).to_have_text(re.compile("^Connected"), timeout=WAIT_MS)
    assert unpaired.storage("token") == file_token(paperdrop)


@pytest.mark.parametrize(
    "sender",
    [
        {"tab": {"id": 1}, "url": "https://evil.example/pair"},  # another site
        {"tab": {"id": 1}, "url": "http://127.0.0.1:{port}/papers"},  # the server, not its pairing page
        {"tab": {"id": 1}, "url": "http://127.0.0.1:1/pair"},  # a pairing page of another server
    ],
)
def test_the_background_takes_a_token_only_from_the_servers_pairing_page(unpaired, paperdrop, sender):
    sender = {**sender, "url": sender["url"].format(port=paperdrop.port)}
    message = {"type": "pair", "token": file_token(paperdrop), "serverUrl": paperdrop.url}
    answer = unpaired.worker.evaluate("([m, s]) => PaperDrop.service.handle(m, s)", [message, sender])
    assert answer["ok"] is False and answer["error"]["code"] == "forbidden_sender"
    assert unpaired.storage("token") == ""
