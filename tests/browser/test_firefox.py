"""End-to-end in Firefox: the unpacked extension in Debian's firefox-esr against a real `paperdrop serve`.

One Firefox run (extension/test/firefox/run.mjs, puppeteer-core over WebDriver BiDi, never a downloaded
browser) checks, in order: the offline queue (server down → clips queued in the extension → server started
→ delivered), Save buttons on a Hugging Face daily page and a click that saves, and the popup's "Save all".
This module builds the pages, runs fake arXiv and the server, answers the script's "need-server", and asserts
on its report and on the BibTeX file the server wrote. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import pages as html
from tests.browser.harness import EXTENSION_DIR, ROOT, settings_for
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser

FIREFOX = Path("/usr/bin/firefox-esr")  # Debian's package (scripts/test installs it when missing)
SCRIPT = EXTENSION_DIR / "test" / "firefox" / "run.mjs"
ARTIFACTS = ROOT / "test-artifacts"
RUN_TIMEOUT = 150  # seconds for the whole Firefox run; it takes about 15 s on the 2-core CI machine

QUEUE_URL = "https://arxiv.org/list/cs.LG/new"
DAILY_URL = "https://huggingface.co/papers/date/2024-03-20"
POPUP_URL = "https://huggingface.co/papers/date/2024-03-21"


def bib_eprints(home: Path) -> list[str]:
    path = home / "papers.bib"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return re.findall(r"eprint\s*=\s*\{([^}]+)\}", text)


def build_package(workdir: Path) -> Path:
    """The unsigned .xpi that `npm run pack` makes (same web-ext-config.mjs: same files left out)."""
    name = "paperdrop-test.xpi"
    web_ext = EXTENSION_DIR / "node_modules" / ".bin" / "web-ext"
    command = [str(web_ext), "build", "--artifacts-dir", str(workdir), "--filename", name, "--overwrite-dest"]
    done = subprocess.run(command, cwd=EXTENSION_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"web-ext build failed:\n{done.stdout}\n{done.stderr}"
    return workdir / name


def run_firefox(config: dict[str, Any], server: ServerProcess, workdir: Path) -> dict[str, Any]:
    """Run the script; start `server` when it asks; return its result (or fail with what it saw)."""
    if not FIREFOX.exists():
        raise RuntimeError(f"{FIREFOX} is missing: install Debian's firefox-esr (apt-get install -y firefox-esr)")
    node = shutil.which("node")
    if node is None or not (EXTENSION_DIR / "node_modules" / "puppeteer-core").is_dir():
        raise RuntimeError("node and extension/node_modules are needed: run `npm ci` in extension/")
    config["package"] = str(build_package(workdir))
    config_path = workdir / "firefox-config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    events: list[dict[str, Any]] = []
    stderr_path = workdir / "firefox-run.stderr"
    with (
        stderr_path.open("w") as stderr_file,
        subprocess.Popen(
            [node, str(SCRIPT), str(config_path)],
            cwd=EXTENSION_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
        ) as process,
    ):
        assert process.stdin is not None and process.stdout is not None
        watchdog = threading.Timer(RUN_TIMEOUT, process.terminate)  # puppeteer closes Firefox on SIGTERM
        watchdog.start()
        try:
            for line in process.stdout:
                event = json.loads(line) if line.startswith("{") else {"event": "log", "message": line}
                events.append(event)
                if event["event"] == "need-server":
                    server.start()
                    process.stdin.write("started\n")
                    process.stdin.flush()
            process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
    stderr = stderr_path.read_text(errors="replace")
    final = events[-1] if events else {"event": "none"}
    assert final["event"] == "result", (
        f"the Firefox run failed (exit {process.returncode}):\n{json.dumps(final, indent=2)}\n"
        f"stderr:\n{stderr[-4000:]}\nserver log:\n{server.log()[-4000:]}"
    )
    return final


@pytest.fixture(scope="module")
def firefox_run(tmp_path_factory, arxiv, corpus) -> Iterator[dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("firefox")
    server = ServerProcess(workdir / "home", env={"PAPERDROP_ARXIV_API_URL": arxiv.url})
    queued, daily, popup = corpus[100:103], corpus[103:106], corpus[110:120]
    config = {
        "firefox": str(FIREFOX),
        "extensionDir": str(EXTENSION_DIR),
        "artifactsDir": str(ARTIFACTS),
        "settings": settings_for(server.url, server.token),
        "pages": {
            QUEUE_URL: html.arxiv_listing(queued),
            DAILY_URL: html.hf_daily(daily),
            POPUP_URL: html.hf_daily(popup),
        },
        "queue": {"url": QUEUE_URL, "count": len(queued)},
        "daily": {"url": DAILY_URL, "count": len(daily)},
        "popup": {"url": POPUP_URL, "count": len(popup)},
        "waitMs": 30000,
    }
    try:
        result = run_firefox(config, server, workdir)
        result["papers"] = {"queue": queued, "daily": daily, "popup": popup}
        result["eprints"] = bib_eprints(server.home)
        (ARTIFACTS / "firefox-result.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        yield result
    finally:
        server.stop()


def ids(papers: list[dict[str, Any]]) -> list[str]:
    return [p["id"] for p in papers]


def test_firefox_installs_the_package_the_ways_the_readme_says(firefox_run):
    manifest = json.loads((EXTENSION_DIR / "manifest.json").read_text(encoding="utf-8"))
    gecko_id = manifest["browser_specific_settings"]["gecko"]["id"]
    assert firefox_run["version"].startswith("firefox/")
    signatures = firefox_run["signatures"]
    # Firefox's default: an unsigned package is refused as a permanent add-on; the folder loads temporarily.
    assert "ERROR_SIGNEDSTATE_REQUIRED" in signatures["permanentUnsigned"].get("refused", ""), signatures
    assert signatures["temporaryFolder"] == {"installed": gecko_id}
    # With xpinstall.signatures.required=false (ESR, Developer Edition) the same package installs for good.
    assert firefox_run["installed"] == gecko_id
    assert firefox_run["manifest"] == manifest["version"]


def test_firefox_queues_saves_while_the_server_is_down_and_delivers_each_once(firefox_run):
    queue, papers = firefox_run["queue"], firefox_run["papers"]["queue"]
    assert [w["id"] for w in queue["queued"]] == ids(papers)
    assert {w["state"] for w in queue["queued"]} == {"queued"}
    assert queue["queueWhileDown"] == 3
    assert queue["badgeWhileDown"] == "3"
    assert {w["state"] for w in queue["delivered"]} == {"saved"}
    assert queue["queueAfterUp"] == 0
    assert queue["badgeAfterUp"] == ""
    delivered = [e for e in firefox_run["eprints"] if e in ids(papers)]
    assert sorted(delivered) == sorted(ids(papers))  # each exactly once


def test_firefox_puts_a_save_button_on_every_paper_of_a_hugging_face_daily_page(firefox_run):
    initial, papers = firefox_run["daily"]["initial"], firefox_run["papers"]["daily"]
    assert [w["id"] for w in initial] == ids(papers)
    assert all(w["inCard"] for w in initial)  # next to its card, not in the floating box
    assert not {w["state"] for w in initial} & {"saved", "present", "queued"}  # nothing of this page saved yet
    assert all(w["text"] for w in initial)


def test_firefox_click_saves_through_the_server(firefox_run):
    after, papers = firefox_run["daily"]["after"], firefox_run["papers"]["daily"]
    assert after[0]["state"] == "saved", after[0]
    assert "papers.bib" in after[0]["text"]  # says where it went
    assert not {w["state"] for w in after[1:]} & {"saved", "saving", "queued"}  # only the clicked paper
    eprints = firefox_run["eprints"]
    assert eprints.count(papers[0]["id"]) == 1
    assert not set(ids(papers[1:])) & set(eprints)


def test_firefox_popup_saves_all_papers_of_the_page(firefox_run):
    popup, papers = firefox_run["popup"], firefox_run["papers"]["popup"]
    assert popup["listed"] == len(papers)
    assert {r["state"] for r in popup["settled"]} == {"saved"}
    assert {w["state"] for w in popup["pageAfter"]} == {"saved"}  # the page's buttons followed the popup
    delivered = [e for e in firefox_run["eprints"] if e in ids(papers)]
    assert sorted(delivered) == sorted(ids(papers))
