"""PaperDrop's Zotero items against the expected items of Zotero's own arXiv translator, field by field.

The expected items are the translator's single-item test cases (tests/data/translator/arxiv_test_cases.json,
source named there); the arXiv answers for the same papers are the Atom feeds in tests/data/translator/atom/,
served to PaperDrop's own arXiv client; publisher DOIs are looked up in the fake Crossref. Every difference
that remains is in DELIBERATE below, with the README's reason ("Zotero items").
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from paperdrop.sync.arxiv import ArxivService
from paperdrop.sync.crossref import CrossrefClient
from paperdrop.sync.records import DeliveryRequest
from paperdrop.sync.zotero.items import CONTEXT_NOTE_TITLE
from tests.fakes.crossref import FakeCrossref

DATA = Path(__file__).resolve().parents[1] / "data" / "translator"
CASES = json.loads((DATA / "arxiv_test_cases.json").read_text(encoding="utf-8"))["cases"]
NOT_FIELDS = ("attachments", "notes", "tags", "seeAlso")


def _month_first(value: str) -> str:
    """The translator's "12/2006" (month-precision dates from its DOI lookup) in ISO form, as PaperDrop writes."""
    match = re.fullmatch(r"(\d{2})/(\d{4})", value)
    return f"{match[2]}-{match[1]}" if match else value


# field -> how the translator's value reads in PaperDrop's item (each listed in the README with its reason)
DELIBERATE: dict[str, Callable[[str, str], bool]] = {
    "url": lambda expected, ours: ours == expected.replace("http://", "https://", 1),
    "date": lambda expected, ours: ours == _month_first(expected),
    "ISSN": lambda expected, ours: ours.replace("-", "").startswith(expected.replace("-", "")),
}
# fields PaperDrop sets that the test cases leave out (the translator's tester drops accessDate)
EXTRA_FIELDS = {"accessDate"}


class _AtomServer:
    """Answers every arXiv API query with one recorded feed, as the API answered the translator."""

    def __init__(self, feed: bytes):
        body = feed

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/query"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def crossref() -> Iterator[FakeCrossref]:
    with FakeCrossref() as fake:
        yield fake


def _case_id(case: dict[str, Any]) -> str:
    return case["atom"].removeprefix("atom/").removesuffix(".xml")


def _paperdrop_item(case, tmp_path, crossref, make_sink, fake):
    server = _AtomServer((DATA / case["atom"]).read_bytes())
    try:
        arxiv = ArxivService(api_url=server.url, delay=0, state_dir=tmp_path / "arxiv")
        url = case.get("url") or case["input"]["arXiv"]
        wanted = re.search(r"(?:abs/|pdf/|^)([^?#]+?)(?:v(\d+))?#?$", url.split("arxiv.org/")[-1])
        [paper] = arxiv.fetch([wanted[1]]).values()
        arxiv.close()
    finally:
        server.close()
    if paper.doi:
        paper.publication = CrossrefClient(api_url=crossref.url, state_dir=tmp_path / "crossref", pace=0).publication(
            paper.doi
        )
    sink = make_sink()
    request = DeliveryRequest(1, paper, versions=[int(wanted[2])] if wanted[2] else [])
    request.remote_key = sink.prepare([request])[1]
    [outcome] = sink.deliver([request])
    assert outcome.status == "delivered", outcome.error
    [item] = fake.items()
    return item, fake.children(item["key"])


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_zotero_item_matches_the_arxiv_translator_field_by_field(case, tmp_path, crossref, make_sink, fake):
    expected = case["items"][0]
    item, children = _paperdrop_item(case, tmp_path, crossref, make_sink, fake)
    for name, value in expected.items():
        if name in NOT_FIELDS:
            continue
        ours = item.get(name)
        same = ours == value or (name in DELIBERATE and isinstance(ours, str) and DELIBERATE[name](value, ours))
        assert same, f"{name}: translator {value!r}, PaperDrop {ours!r}"
    ours_only = {k for k, v in item.items() if v not in ("", [], {}, None)} - set(expected)
    assert ours_only - EXTRA_FIELDS - {"key", "version", "collections", "relations", "tags"} == set()
    assert sorted(t["tag"] for t in item["tags"]) == sorted(t["tag"] for t in expected["tags"])
    notes = [html.unescape(c["note"]) for c in children if c["itemType"] == "note"]
    ours_notes = [n for n in notes if not n.startswith(f"<h1>{CONTEXT_NOTE_TITLE}</h1>")]  # PaperDrop's own note
    assert ours_notes == [n["note"] for n in expected["notes"]]
    version = re.search(r"^version: (\d+)$", expected["extra"], re.M)
    assert len(notes) - len(ours_notes) == (1 if version else 0)
    if version:
        assert f"a link to v{version[1]}" in notes[-1]
    titles = [c["title"] for c in children if c["itemType"] == "attachment"]
    assert titles == [a["title"] for a in expected["attachments"] if a["title"] != "Snapshot"]


def test_zotero_fidelity_covers_every_single_item_case_of_the_translator():
    kinds = {case["items"][0]["itemType"] for case in CASES}
    assert len(CASES) == 9 and kinds == {"preprint", "journalArticle", "conferencePaper"}
