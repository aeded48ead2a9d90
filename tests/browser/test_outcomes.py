"""End-to-end: buttons, popup and options show the server's outcome, saved papers, targets; screenshots of
each state go to test-artifacts/ (harness.snap) in the light and the dark theme."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import pages as html
from tests.browser.harness import in_theme, snap
from tests.browser.test_extension import SAVED, WAIT_MS, bib_eprints
from tests.fakes.zotero import FakeZotero

pytestmark = pytest.mark.browser

DARK_PAGE = '<body style="background-color: rgb(11, 15, 25); color: rgb(229, 231, 235)"'


def dark(page_html: str) -> str:
    """A page in a dark site theme (Hugging Face's dark mode paints the body like this)."""
    return page_html.replace("<body", DARK_PAGE, 1)


def zotero_env(zotero: FakeZotero, key: str) -> dict[str, str]:
    """The server's settings for the fake's library 123 with `key`, saving to zotero:Reading by default."""
    return {
        "PAPERDROP_ZOTERO_API_URL": zotero.url,
        "PAPERDROP_ZOTERO_LIBRARY_ID": "123",
        "PAPERDROP_ZOTERO_API_KEY": key,
        "PAPERDROP_DEFAULT_TARGET": "zotero:Reading",
    }


def test_wrong_zotero_key_shows_needs_setup_with_the_fix_and_the_dashboard_link(
    browser, extension, pages, paperdrop, corpus
):
    with FakeZotero() as zotero:
        zotero.add_key("GOODKEY", user_id=123, write=True)
        paperdrop.env.update(zotero_env(zotero, "WRONGKEY"))
        paperdrop.start()
        for theme, papers, make in [("light", corpus[70:73], lambda h: h), ("dark", corpus[73:76], dark)]:
            page = browser.new_page()
            page.goto(
                pages.put(f"https://huggingface.co/papers/date/2024-03-2{len(theme)}", make(html.hf_daily(papers)))
            )
            root = page.locator(".paperdrop").first
            root.locator(".paperdrop-save").click()
            # The server knows at once (its check of the key): the first answer or the first poll shows it.
            expect(root.locator(".paperdrop-save")).to_have_text("Needs setup", timeout=WAIT_MS)
            expect(root.locator(".paperdrop-detail")).to_have_text(re.compile("Zotero"))
            expect(root.locator(".paperdrop-fix")).to_have_text(re.compile("PAPERDROP_ZOTERO_API_KEY"))
            link = root.locator(".paperdrop-link")
            expect(link).to_have_text("Fix it on the dashboard")
            expect(link).to_have_attribute("href", re.compile(rf"^{re.escape(paperdrop.url)}/targets#target-"))
            assert root.get_attribute("data-theme") == theme
            snap(page, f"button-needs-setup-{theme}", page.locator("article").first)
            page.locator(".paperdrop-save").nth(1).click()
            expect(page.locator(".paperdrop-save").nth(1)).to_have_text("Needs setup", timeout=WAIT_MS)
            snap(page, f"page-needs-setup-{theme}")
            popup = in_theme(extension.open_popup(page), theme)
            popup.click("#save-all")
            expect(popup.locator("#papers .state")).to_have_text(["Needs setup"] * 3, timeout=WAIT_MS)
            expect(popup.locator("#message")).to_have_text("3 need setup")
            row = popup.locator("#papers li").first
            expect(row.locator(".detail")).to_have_text(re.compile("Zotero.*PAPERDROP_ZOTERO_API_KEY"))
            expect(row.locator("a")).to_have_attribute("href", re.compile(rf"^{re.escape(paperdrop.url)}/targets#"))
            snap(popup, f"popup-needs-setup-{theme}")


def test_buttons_in_each_state_on_light_and_dark_pages(browser, extension, pages, paperdrop, corpus):
    paperdrop.start()
    for theme, papers, make in [("light", corpus[80:83], lambda h: h), ("dark", corpus[83:86], dark)]:
        page = browser.new_page()
        url = pages.put(f"https://huggingface.co/papers/date/2024-04-{len(theme):02d}", make(html.hf_daily(papers)))
        page.goto(url)
        buttons = page.locator(".paperdrop-save")
        expect(buttons).to_have_count(3)
        snap(page, f"buttons-idle-{theme}", page.locator("article").first)
        buttons.first.click()
        expect(buttons.first).to_have_text(SAVED, timeout=WAIT_MS)
        snap(page, f"buttons-saved-{theme}", page.locator("article").first)
        page.reload()
        expect(buttons.first).to_have_text("In your library", timeout=WAIT_MS)
        expect(buttons.nth(1)).to_have_text("Save to PaperDrop")
        buttons.first.click()  # the card: where it is, and another target to save it to
        expect(page.locator(".paperdrop-detail").first).to_have_text("Saved to papers.bib.")
        snap(page, f"buttons-in-library-card-{theme}", page.locator("article").first)
    paperdrop.stop()
    buttons.nth(2).click()
    expect(buttons.nth(2)).to_have_text("Queued until PaperDrop is back")
    snap(page, "buttons-queued-dark", page.locator("article").nth(2))


def test_popup_selects_all_or_none_and_saves_to_a_named_target_it_shows_by_name_and_path(
    browser, extension, pages, paperdrop, corpus, tmp_path
):
    thesis = tmp_path / "thesis" / "thesis.bib"
    thesis.parent.mkdir()
    paperdrop.home.mkdir(parents=True, exist_ok=True)
    (paperdrop.home / "paperdrop.toml").write_text(f'[targets]\nthesis = "bibtex:{thesis}"\n')
    paperdrop.start()
    papers = corpus[90:96]
    page = browser.new_page()
    page.goto(pages.put("https://huggingface.co/papers/date/2024-05-01", html.hf_daily(papers)))
    expect(page.locator(".paperdrop-save")).to_have_count(6)
    for theme in ("light", "dark"):
        popup = in_theme(extension.open_popup(page), theme)
        expect(popup.locator("#connection")).to_have_text(re.compile("Connected"))
        expect(popup.locator("#target option")).to_have_text(["papers.bib", "thesis.bib · thesis"])
        expect(popup.locator("#target-where")).to_have_text(str(paperdrop.home / "papers.bib"))
        expect(popup.locator("#dashboard")).to_have_attribute("href", f"{paperdrop.url}/")
        expect(popup.locator("#save-selected")).to_have_text("Save selected (6)")
        snap(popup, f"popup-papers-{theme}")
        popup.close()
    popup = extension.open_popup(page)
    expect(popup.locator("#save-selected")).to_have_text("Save selected (6)")
    popup.click("#select-none")
    expect(popup.locator("#save-selected")).to_be_disabled()
    popup.locator("#papers input").nth(1).check()
    popup.locator("#papers input").nth(4).check()
    expect(popup.locator("#save-selected")).to_have_text("Save selected (2)")
    popup.select_option("#target", "thesis")  # a named target is saved to by its name
    expect(popup.locator("#target-where")).to_have_text(str(thesis))
    popup.click("#save-selected")
    expect(popup.locator("#message")).to_have_text("2 saved", timeout=WAIT_MS)
    expect(popup.locator("#papers .state")).to_have_text(["Saved to thesis.bib", "Saved to thesis.bib"])
    text = thesis.read_text(encoding="utf-8")
    assert sorted(re.findall(r"eprint\s*=\s*\{([^}]+)\}", text)) == sorted([papers[1]["id"], papers[4]["id"]])
    assert bib_eprints(paperdrop.home) == []
    snap(popup, "popup-saved-light")
    popup.click("#select-all")
    expect(popup.locator("#save-selected")).to_have_text("Save selected (6)")
    # A target chosen here is remembered: the next popup lists it first after the default.
    assert extension.storage("recentTargets") == ["thesis"]


def test_options_check_the_target_with_the_server_and_say_what_is_wrong(browser, extension, paperdrop):
    paperdrop.start()
    for theme in ("light", "dark"):
        options = in_theme(browser.new_page(), theme)
        options.goto(extension.url("options/options.html"))
        expect(options.locator("#connection")).to_have_text(re.compile("Connected"), timeout=WAIT_MS)
        snap(options, f"options-connected-{theme}")
        options.fill("#defaultTarget", "Reading")
        options.click("#save")
        problem = options.locator("#defaultTarget-problem")
        expect(problem).to_have_text(re.compile(r"“Reading” is not a target name in paperdrop\.toml\..*zotero:Reading"))
        expect(options.locator("#defaultTarget")).to_have_attribute("aria-invalid", "true")
        assert "HTTP" not in problem.inner_text() and "invalid_input" not in problem.inner_text()
        snap(options, f"options-bad-target-{theme}")
        assert extension.storage("defaultTarget") is None  # not kept
        options.close()
    options = browser.new_page()
    options.goto(extension.url("options/options.html"))
    options.fill("#defaultTarget", "zotero:Reading/ML")
    options.click("#save")
    expect(options.locator("#saved")).to_have_text("Saved.")
    assert extension.storage("defaultTarget") == "zotero:Reading/ML"


def test_options_and_popup_say_when_paperdrop_is_not_running(browser, extension, pages, paperdrop, corpus):
    page = browser.new_page()
    page.goto(pages.put(f"https://arxiv.org/abs/{corpus[97]['id']}", html.arxiv_abs(corpus[97])))
    for theme in ("light", "dark"):
        popup = in_theme(extension.open_popup(page), theme)
        expect(popup.locator("#connection")).to_have_text("Not connected")
        expect(popup.locator("#problem")).to_have_text(re.compile("not running at.*Open the options"))
        snap(popup, f"popup-not-running-{theme}")
        options = in_theme(browser.new_page(), theme)
        options.goto(extension.url("options/options.html"))
        expect(options.locator("#connection")).to_have_text("Not connected")
        snap(options, f"options-not-running-{theme}")


def test_popup_offers_the_zotero_librarys_collections_and_saves_into_one(
    browser, extension, pages, paperdrop, corpus, arxiv
):
    with FakeZotero() as zotero:
        zotero.add_key("GOODKEY", user_id=123, write=True)
        reading = zotero.add_collection("Reading")
        zotero.add_collection("Robotics", parent=reading)
        paperdrop.env.update({**zotero_env(zotero, "GOODKEY"), "PAPERDROP_ARXIV_PDF_URL": arxiv.pdf_url})
        paperdrop.start()
        paper = corpus[110]
        page = browser.new_page()
        page.goto(pages.put(f"https://arxiv.org/abs/{paper['id']}", html.arxiv_abs(paper)))
        popup = extension.open_popup(page)
        expect(popup.locator("#target option")).to_have_text(["Zotero: Reading", "Zotero: Reading/Robotics"])
        popup.select_option("#target", "zotero:Reading/Robotics")
        expect(popup.locator("#target-where")).to_have_text("Reading/Robotics")
        snap(popup, "popup-zotero-collections-light")
        popup.click("#save-all")
        expect(popup.locator("#papers .outcome")).to_have_text(
            re.compile("^Saved to Zotero: Reading/Robotics"), timeout=WAIT_MS
        )
        assert [i["archiveID"] for i in zotero.items_in_collection("Reading/Robotics")] == [f"arXiv:{paper['id']}"]


def test_popup_links_a_paper_that_needs_review_to_its_review(browser, extension, pages, paperdrop, corpus):
    """A journal DOI link found on a blog is saved by its title; several arXiv papers match it."""
    paperdrop.start()
    title = "Learning " + corpus[5]["title"].split(":")[0][:20]
    blog = "https://blog.example/2024/04/reading"
    pages.put(blog, html.blog([("https://doi.org/10.1234/journal.5678", title)]))
    page = browser.new_page()
    page.goto(pages.local_url(blog))
    popup = extension.open_popup(page)
    popup.click("#find")
    expect(popup.locator("#papers li")).to_have_count(1)
    popup.locator("#papers input").check()  # DOIs start unticked: PaperDrop resolves arXiv papers
    popup.click("#save-selected")
    expect(popup.locator("#papers .state")).to_have_text("Needs review", timeout=WAIT_MS)
    link = popup.locator("#papers .outcome a")
    expect(link).to_have_text("Choose the paper")
    expect(link).to_have_attribute("href", re.compile(rf"^{re.escape(paperdrop.url)}/review#clip-\d+$"))
    expect(popup.locator("#message")).to_have_text("1 needs review")
    snap(popup, "popup-needs-review-light")


def test_failed_delivery_says_why_and_retry_saves_it_once_the_cause_is_fixed(
    browser, extension, pages, paperdrop, corpus, arxiv
):
    with FakeZotero() as zotero:
        zotero.add_key("GOODKEY", user_id=123, write=True)
        # the arXiv PDF address stays unreachable (tests/support/server.py): the PDF cannot be stored
        paperdrop.env.update(zotero_env(zotero, "GOODKEY"))
        paperdrop.start()
        roots = {}
        for theme, paper, make in [("light", corpus[120], lambda h: h), ("dark", corpus[121], dark)]:
            page = browser.new_page()
            page.goto(pages.put(f"https://arxiv.org/abs/{paper['id']}", make(html.arxiv_abs(paper))))
            root = roots[theme] = page.locator(".paperdrop")
            root.locator(".paperdrop-save").click()
            expect(root.locator(".paperdrop-save")).to_have_text("Not saved", timeout=WAIT_MS)
            expect(root.locator(".paperdrop-detail")).to_have_text(re.compile("PDF could not be fetched"))
            expect(root.locator(".paperdrop-fix")).not_to_be_empty()
            expect(root.locator(".paperdrop-retry")).to_be_visible()
            expect(root.locator(".paperdrop-link")).to_have_text("Open in PaperDrop")
            snap(page, f"button-failed-{theme}", page.locator("body"))
        paperdrop.stop()  # the cause fixed: arXiv PDFs reachable
        paperdrop.env["PAPERDROP_ARXIV_PDF_URL"] = arxiv.pdf_url
        paperdrop.start()
        roots["light"].locator(".paperdrop-retry").click()
        expect(roots["light"].locator(".paperdrop-save")).to_have_text("Saved to Zotero: Reading", timeout=WAIT_MS)
        # the item was written the first time (only its PDF failed): the retry completes it, no second copy
        items = [i["archiveID"] for i in zotero.items_in_collection("Reading")]
        assert items.count(f"arXiv:{corpus[120]['id']}") == 1
