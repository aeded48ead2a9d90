"""Exactly once through real `paperdrop` processes: 120 ids into zotero:Reading/Robotics through 15% faults
of every kind on arXiv and Zotero and a killed worker end as exactly 120 correct items, once."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.fakes.arxiv import FakeArxiv, load_corpus
from tests.fakes.zotero import FakeZotero
from tests.support.server import base_env, paperdrop_command, run_cli
from tests.support.wait import wait_for

API_KEY = "E2EZOTEROKEY0123456789"
USER_ID = 4242
COLLECTION = "Reading/Robotics"


def _env(fake_arxiv: FakeArxiv, fake_zotero: FakeZotero) -> dict[str, str]:
    return {
        "PAPERDROP_ARXIV_API_URL": fake_arxiv.url,
        "PAPERDROP_ARXIV_PDF_URL": fake_arxiv.pdf_url,
        "PAPERDROP_ZOTERO_API_URL": fake_zotero.url,
        "PAPERDROP_ZOTERO_LIBRARY_ID": str(USER_ID),
        "PAPERDROP_ZOTERO_API_KEY": API_KEY,
        "PAPERDROP_ZOTERO_TIMEOUT": "0.4",
        "PAPERDROP_MAX_ATTEMPTS": "40",
        "PAPERDROP_LEASE_SECONDS": "3",
    }


def _ids(n: int) -> list[dict]:
    return [p for p in load_corpus() if "/" not in p["id"]][:n]


def _worker(home: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        paperdrop_command("worker"), env=base_env(home, env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _check_items(fake: FakeZotero, papers: list[dict]) -> None:
    items = fake.items_in_collection(COLLECTION)
    by_id = {i["archiveID"].removeprefix("arXiv:"): i for i in items}
    assert len(items) == len(papers) == len(by_id)  # no duplicates
    for paper in papers:
        item = by_id[paper["id"]]
        assert item["itemType"] == "preprint" and item["repository"] == "arXiv"
        assert " ".join(item["title"].split()) == " ".join(paper["title"].split())
        assert item["url"] == f"https://arxiv.org/abs/{paper['id']}"
        [pdf] = [c for c in fake.children(item["key"]) if c["itemType"] == "attachment"]
        assert pdf["linkMode"] == "imported_url" and fake.file_of(pdf["key"]) is not None  # stored, once
    assert len(fake.library().files) == len(papers)


@pytest.mark.timeout(900)
def test_import_120_ids_through_faults_and_a_killed_worker_lands_exactly_once(tmp_path):
    papers = _ids(120)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(p["id"] for p in papers) + "\n")
    home = tmp_path / "home"
    with (
        FakeArxiv(corpus=load_corpus(), fault_rate=0.15, seed=7) as arxiv,
        FakeZotero(stall_seconds=0.8, latency=0.1) as zotero,
    ):  # slow enough to crash in the middle
        zotero.add_key(API_KEY, user_id=USER_ID, write=True)
        zotero.set_fault_rate(0.15, seed=11)
        env = _env(arxiv, zotero)
        stored = run_cli(home, "import", str(ids_file), "--to", f"zotero:{COLLECTION}", env=env)
        assert stored.returncode == 0, stored.stderr.decode()
        worker = _worker(home, env)
        try:
            wait_for(
                lambda: len(zotero.items_in_collection(COLLECTION)) >= 1,
                "a first part delivered",
                timeout=180,
                interval=0.2,
            )
            worker.send_signal(signal.SIGKILL)  # a crash in the middle of the work
            worker.wait(timeout=10)
            assert len(zotero.items_in_collection(COLLECTION)) < 120
            worker = _worker(home, env)
            # delivered = the item, its notes and its stored PDF (three file requests each, 0.1 s apiece here)
            wait_for(
                lambda: len(zotero.library().files) >= 120,
                "all 120 delivered with their PDFs",
                timeout=480,
                interval=0.2,
            )
            wait_for(
                lambda: b"120 delivered" in run_cli(home, "status", env=env).stdout,
                "status settled",
                timeout=60,
                interval=0.2,
            )
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=20)
        zotero.set_fault_rate(0.0)
        _check_items(zotero, papers)
        writes_before = len(zotero.requests("POST", "/items"))
        again = run_cli(home, "import", str(ids_file), "--to", f"zotero:{COLLECTION}", "--wait", env=env)
        assert again.returncode == 0, again.stdout.decode() + again.stderr.decode()
        assert len(zotero.requests("POST", "/items")) == writes_before  # nothing new created
        _check_items(zotero, papers)


def _as_connector_saved(paper: dict) -> dict:
    """An item the Zotero Connector (or a person) made earlier: no PaperDrop key, not in the collection."""
    first, _, last = paper["authors"][0].rpartition(" ")
    return {
        "itemType": "preprint",
        "title": paper["title"],
        "url": f"https://arxiv.org/abs/{paper['id']}",
        "DOI": f"10.48550/arXiv.{paper['id']}",
        "creators": [{"creatorType": "author", "firstName": first, "lastName": last}],
        "tags": [],
        "collections": [],
    }


@pytest.mark.timeout(300)
def test_papers_already_in_the_library_are_added_to_the_collection_not_recreated(tmp_path):
    papers = _ids(20)
    home = tmp_path / "home"
    with FakeArxiv(corpus=load_corpus()) as arxiv, FakeZotero() as zotero:
        zotero.add_key(API_KEY, user_id=USER_ID, write=True)
        existing = {p["id"]: zotero.add_item(_as_connector_saved(p)) for p in papers[:10]}
        env = _env(arxiv, zotero)
        result = run_cli(
            home, "import", *[p["id"] for p in papers], "--to", f"zotero:{COLLECTION}", "--wait", "--json", env=env
        )
        assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
        kinds = [r["outcome"]["kind"] for r in json.loads(result.stdout)["results"]]
        assert kinds.count("already_there") == 10 and kinds.count("saved") == 10
        in_collection = zotero.items_in_collection(COLLECTION)
        assert len(in_collection) == 20 and len(zotero.items()) == 20  # the 10 old ones were linked
        assert {i["key"] for i in in_collection} >= set(existing.values())
