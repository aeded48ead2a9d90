"""Headless Debian Chromium with the unpacked extension, and fixture pages served from 127.0.0.1.

Page URLs stay the real ones (https://huggingface.co/papers/..., https://arxiv.org/abs/...) so the shipped
manifest's content-script matches are what the tests exercise; `ctx.route` answers those URLs with the
fixture server's pages (`route.fetch` to 127.0.0.1), and nothing ever reaches the internet. Shared by the
browser tests and bench/bench_extension.py.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Playwright, Worker

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; `playwright install` cannot download browsers here
MAPPED_SITES = re.compile(r"^https://(huggingface\.co|arxiv\.org)/")
ARTIFACTS = ROOT / "test-artifacts"  # screenshots of each state (gitignored): look at them after a run


def snap(page: Page, name: str, target: Any = None) -> Path:
    """Save a screenshot of `page` (or of the locator `target`) as test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    (target or page).screenshot(path=str(path), animations="disabled")
    return path


def in_theme(page: Page, scheme: str) -> Page:
    """`page` rendered as under an OS in light or dark mode (prefers-color-scheme)."""
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    return page


class PageServer:
    """Serves registered HTML on 127.0.0.1 under /<host>/<path>: `server.put(url, html)`."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        handler = type("Handler", (_PageHandler,), {"pages": self.pages})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def local_url(self, url: str) -> str:
        return f"{self.base}/{url.split('://', 1)[1]}"

    def put(self, url: str, html: str) -> str:
        self.pages["/" + url.split("://", 1)[1]] = html
        return url

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _PageHandler(BaseHTTPRequestHandler):
    pages: dict[str, str]

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802
        html = self.pages.get(self.path)
        body = (html or "<h1>Not found</h1>").encode()
        self.send_response(200 if html is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def launch(playwright: Playwright, profile: Path, pages: PageServer, extension: Path = EXTENSION_DIR) -> BrowserContext:
    """Chromium with only our extension loaded, huggingface.co and arxiv.org answered by `pages`."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    ctx = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            f"--disable-extensions-except={extension}",
            f"--load-extension={extension}",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    ctx.route(MAPPED_SITES, lambda route: route.fulfill(response=route.fetch(url=pages.local_url(route.request.url))))
    return ctx


def service_worker(ctx: BrowserContext) -> Worker:
    workers = [w for w in ctx.service_workers if w.url.startswith("chrome-extension://")]
    return workers[0] if workers else ctx.wait_for_event("serviceworker", timeout=15000)


class Extension:
    """The loaded extension: its id, settings and state as its own service worker sees them."""

    def __init__(self, ctx: BrowserContext) -> None:
        self.ctx = ctx
        self.worker = service_worker(ctx)
        self.id = self.worker.url.split("/")[2]

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.id}/{path}"

    def configure(self, **settings: Any) -> None:
        self.worker.evaluate("s => chrome.storage.local.set(s)", settings)

    def storage(self, key: str) -> Any:
        return self.worker.evaluate("k => chrome.storage.local.get(k).then(v => v[k])", key)

    def badge(self) -> str:
        return self.worker.evaluate("() => chrome.action.getBadgeText({})")

    def tab_id(self, page: Page) -> int:
        # Tab URLs and titles are hidden without the "tabs" permission, which the extension does not ask for;
        # the active tab's id is not.
        page.bring_to_front()
        query = "() => chrome.tabs.query({active: true, lastFocusedWindow: true}).then(t => t[0].id)"
        return self.worker.evaluate(query)

    def tab(self, page: Page) -> dict[str, Any]:
        """The tabs.Tab of `page` as the command and menu events pass it. A shortcut or menu click grants
        activeTab, which adds the tab's url; a plain tabs.get shows it only for our host permissions, so it
        is filled in here from the page itself."""
        query = "([id, url]) => chrome.tabs.get(id).then(tab => ({...tab, url}))"
        return self.worker.evaluate(query, [self.tab_id(page), page.url])

    def run_command(self, page: Page, command: str) -> Any:
        """What the chrome.commands.onCommand listener does for `command` pressed on `page` (browsers cannot
        fire extension shortcuts from a script, so the listener's handler is called the same way)."""
        return self.worker.evaluate("([c, tab]) => PaperDrop.actions.runCommand(c, tab)", [command, self.tab(page)])

    def click_menu(self, page: Page, info: dict[str, Any]) -> Any:
        """What the chrome.contextMenus.onClicked listener does for a click with `info` on `page`."""
        return self.worker.evaluate("([info, tab]) => PaperDrop.actions.saveLink(info, tab)", [info, self.tab(page)])

    def tab_badge(self, page: Page) -> dict[str, str]:
        """The per-tab badge text and tooltip that shortcut and menu saves leave."""
        query = "id => Promise.all([chrome.action.getBadgeText({tabId: id}), chrome.action.getTitle({tabId: id})])"
        text, title = self.worker.evaluate(query, self.tab_id(page))
        return {"text": text, "title": title}

    def open_popup(self, page: Page) -> Page:
        """The popup as a page of its own, about the tab of `page` (popup.html?tab=<id>)."""
        tab = self.tab_id(page)
        popup = self.ctx.new_page()
        popup.goto(self.url(f"popup/popup.html?tab={tab}"))
        return popup


def settings_for(server_url: str, token: str) -> dict[str, Any]:
    """Settings with test-sized delays (unpacked extensions may fire alarms this often)."""
    return {
        "serverUrl": server_url,
        "token": token,
        "retryBaseMs": 200,
        "retryMaxMs": 1000,
        "pollIntervalMs": 50,
        "requestTimeoutMs": 3000,
    }
