"""Entries PaperDrop wrote that disappear from a .bib are noticed on the next read of the file and shown in
`paperdrop status` and on the dashboard ("1 paper saved to papers.bib is no longer in it"), with a way to
write them again; never silently re-added, never silently forgotten."""

from __future__ import annotations

import html
import json

import pytest
from click.testing import CliRunner

from paperdrop.server.cli import main
from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.foreground import clip_results, run_until_settled
from paperdrop.server.services.save import save_clips
from paperdrop.sync.records import ClipInput
from tests.dashboard.conftest import page_csrf
from tests.support.server import base_env


def save(rt, *arxiv_ids: str) -> list[int]:
    clip_ids = save_clips(rt, [ClipInput(arxiv_id=a) for a in arxiv_ids], None).clip_ids
    assert run_until_settled(rt, clip_ids, timeout=30, poll=0.05).done
    return clip_ids


def remove_entry(path, key: str) -> None:
    text = path.read_text()
    start = text.index(f"@misc{{{key},")
    path.write_text(text[:start] + text[text.index("\n}\n", start) + 3 :])


@pytest.fixture
def one_removed(rt, home):
    """Two papers written to papers.bib; the user deletes one entry; a third save reads the file again."""
    first, _ = save(rt, "2403.12943", "2408.03906")
    bib = home / "papers.bib"
    remove_entry(bib, "finn2024vid2robot")
    save(rt, "2409.12192")
    return first, bib


def test_a_removed_entry_is_noticed_on_the_next_read_and_not_written_back(rt, one_removed):
    first, bib = one_removed
    (result,) = clip_results(rt, [first]).results
    assert result.outcome.kind == "failed" and result.outcome.message.startswith("No longer in papers.bib")
    assert "finn2024vid2robot" not in bib.read_text()  # never re-added unasked


def test_status_says_which_papers_are_gone_and_how_to_write_them_again(rt, one_removed, home, fake_arxiv):
    env = base_env(home, {"PAPERDROP_ARXIV_API_URL": fake_arxiv.url})
    runner = CliRunner()

    text = runner.invoke(main, ["status"], env=env).output
    data = json.loads(runner.invoke(main, ["status", "--json"], env=env).stdout)

    assert "1 paper saved to papers.bib is no longer in it: write them again with" in text
    assert "retry --missing?" in text and "2403.12943  Vid2Robot" in text
    (missing,) = data["missing"]
    assert missing["count"] == 1 and missing["papers"][0]["arxiv_id"] == "2403.12943"
    assert missing["message"] == "1 paper saved to papers.bib is no longer in it."

    again = runner.invoke(main, ["retry", "--missing"], env=env)
    assert again.exit_code == 0 and "Writing the missing copies again to bibtex:" in again.output
    deliver_target(rt, missing["target"])
    _, bib = one_removed
    assert bib.read_text().count("@misc{finn2024vid2robot,") == 1
    assert json.loads(runner.invoke(main, ["status", "--json"], env=env).stdout)["missing"] == []


def test_the_dashboard_shows_the_removed_papers_on_every_page_and_writes_them_again(rt, one_removed, signed_in):
    first, bib = one_removed
    page = html.unescape(signed_in.get("/").get_data(as_text=True))
    assert "1 paper saved to papers.bib is no longer in it (removed after PaperDrop saved it)" in page
    assert "Write it again" in html.unescape(signed_in.get("/targets").get_data(as_text=True))

    spec = str(rt.settings.resolve_target(None))
    response = signed_in.post("/targets/missing", data={"csrf_token": page_csrf(signed_in, "/"), "target": spec})
    assert response.status_code == 303
    deliver_target(rt, spec)  # what the worker does with the job just queued

    assert bib.read_text().count("@misc{finn2024vid2robot,") == 1
    (result,) = clip_results(rt, [first]).results
    assert result.outcome.kind == "saved" and result.outcome.message.startswith("Written again to papers.bib")
    assert "no longer in it" not in html.unescape(signed_in.get("/").get_data(as_text=True))


def test_writing_again_where_nothing_is_missing_says_so(signed_in, rt):
    spec = str(rt.settings.resolve_target(None))
    response = signed_in.post("/targets/missing", data={"csrf_token": page_csrf(signed_in, "/"), "target": spec})
    assert response.status_code == 303
    assert "Nothing to write again" in html.unescape(signed_in.get("/").get_data(as_text=True))
