"""`paperdrop import` summaries a person reads: input order, whole titles, the target's words, right plurals,
a bar that moves per paper looked up and per paper delivered and says what it waits for, and `--json` with the
same facts."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner

from paperdrop.server.cli import main
from paperdrop.server.cli.summary import Row, Summary, ellipsize
from paperdrop.server.jobs import foreground
from paperdrop.server.jobs.foreground import clip_results, run_until_settled
from paperdrop.server.services.outcome import Outcome
from paperdrop.server.services.save import save_clips
from paperdrop.server.store.leases import HOST
from paperdrop.server.store.models import Clip, utcnow
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import parse_target_spec
from tests.support.server import base_env

VID2ROBOT = "Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers"
TENNIS = "Achieving Human Level Competitive Robot Table Tennis"


@pytest.fixture
def cli(home, fake_arxiv):
    env = base_env(home, {"PAPERDROP_ARXIV_API_URL": fake_arxiv.url})
    runner = CliRunner()

    def invoke(*args, input=None, extra=None):
        return runner.invoke(main, list(args), env={**env, **(extra or {})}, input=input, catch_exceptions=False)

    return invoke


def rows(output: str) -> list[list[str]]:
    """The table's rows (after its header), split on runs of two or more spaces."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#  arXiv id"))
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("    "):
            continue  # what went wrong, under its row
        if not re.match(r"\s*\d+  ", line):
            break
        table.append(re.split(r"\s{2,}", line.strip()))
    return table


def test_rows_follow_the_input_order_and_count_already_in_the_file_apart_from_written(cli):
    assert cli("import", "2403.12943", "--wait").exit_code == 0  # clip 1

    result = cli("import", "2408.03906", "2401.99999", "2403.12943", "--wait")

    assert result.exit_code == 1  # one paper failed
    table = rows(result.output)
    assert [r[:3] for r in table] == [
        ["1", "2408.03906", "written"],
        ["2", "2401.99999", "failed"],
        ["3", "2403.12943", "already in the file"],
    ]
    assert table[0][3] == TENNIS and table[2][3] == VID2ROBOT  # whole titles when not printing to a terminal
    assert "3 papers to papers.bib: 1 written, 1 already in the file, 1 failed" in result.output
    assert "arXiv has no paper 2401.99999." in result.output  # what went wrong, under its row
    assert "paperdrop retry --failed" in result.output or "retry --failed" in result.output


def test_one_paper_is_one_paper(cli):
    stored = cli("import", "2403.12943")
    assert "Stored 1 paper for papers.bib;" in stored.output

    result = cli("import", "2403.12943", "--wait")

    assert "1 paper to papers.bib: 1 written" in result.output


def test_a_removed_entry_saved_again_is_counted_as_written_again(cli, home):
    cli("import", "2403.12943", "2408.03906", "--wait")
    bib = home / "papers.bib"
    text = bib.read_text()
    start = text.index("@misc{finn2024vid2robot,")
    bib.write_text(text[:start] + text[text.index("\n}\n", start) + 3 :])  # the user deletes one entry

    result = cli("import", "2403.12943", "2408.03906", "--wait")

    assert result.exit_code == 0, result.output
    assert [r[:3] for r in rows(result.output)] == [
        ["1", "2403.12943", "written again"],
        ["2", "2408.03906", "already in the file"],
    ]
    assert "2 papers to papers.bib: 1 written (1 written again), 1 already in the file" in result.output
    assert bib.read_text().count("@misc{finn2024vid2robot,") == 1


def test_json_gives_the_same_facts(cli):
    cli("import", "2403.12943", "--wait")

    data = json.loads(cli("import", "2408.03906", "2403.12943", "2401.99999", "--wait", "--json").stdout)

    assert [(r["position"], r["arxiv_id"], r["outcome"]["kind"]) for r in data["results"]] == [
        (1, "2408.03906", "saved"),
        (2, "2403.12943", "already_there"),
        (3, "2401.99999", "failed"),
    ]
    assert data["counts"] == {"saved": 1, "already_there": 1, "failed": 1}
    assert data["results"][0]["title"] == TENNIS and data["results"][1]["clip_id"] == 1
    assert data["not_used"] == [] and data["mentioned"] == []


def test_json_without_wait_gives_positions_and_clip_ids(cli):
    cli("import", "2408.03906")
    data = json.loads(cli("import", "2403.12943", "2408.03906", "--json").stdout)
    assert data["clips"] == [
        {"position": 1, "positions": [1], "clip_id": 2},
        {"position": 2, "positions": [2], "clip_id": 1},
    ]


def test_titles_are_cut_with_an_ellipsis_to_fit_a_terminal():
    assert ellipsize(VID2ROBOT, 40) == "Vid2Robot: End-to-end Video-conditioned…"
    assert ellipsize(TENNIS, 80) == TENNIS
    assert ellipsize("A  title\nover two lines", 80) == "A title over two lines"
    spec = parse_target_spec("bibtex:/tmp/refs.bib")
    summary = Summary(
        spec,
        [
            Row([1], 1, "2403.12943", VID2ROBOT, Outcome("saved", "Saved to refs.bib", target=str(spec))),
            Row(
                [2],
                2,
                None,
                "A Theory of Teacup Gravity",
                Outcome("needs_review", "PaperDrop is not sure which paper this is.", "Choose it.", str(spec)),
            ),
        ],
    )
    lines = summary.table(width=72)
    assert all(len(line) <= 72 for line in lines)
    assert lines[1].endswith("…") and lines[1].startswith("1  2403.12943")
    assert summary.count_line() == "2 papers to refs.bib: 1 written, 1 needs review"


def test_zotero_counts_use_zoteros_words():
    spec = parse_target_spec("zotero:Reading/Robotics")
    outcome = Outcome("already_there", "Already in Zotero: Reading/Robotics", target=str(spec))
    summary = Summary(spec, [Row([1], 1, "2403.12943", VID2ROBOT, outcome), Row([2], 2, "2408.03906", TENNIS, outcome)])
    assert summary.count_line() == "2 papers to Zotero: Reading/Robotics: 2 already in Zotero"


def test_the_bar_moves_when_papers_are_looked_up_before_any_is_delivered(rt, monkeypatch):
    clip_ids = save_clips(rt, [ClipInput(arxiv_id="2403.12943"), ClipInput(arxiv_id="2408.03906")], None).clip_ids
    seen: list[int] = []
    looked_up = threading.Event()
    deliver = foreground.deliver_target

    def on_progress(progress):
        seen.append(progress.steps)
        if progress.steps == 2:
            looked_up.set()

    def deliver_once_the_bar_showed_the_lookups(rt, target, delivery_ids=None):
        assert looked_up.wait(10), f"the watcher never reported the looked-up papers: {seen}"
        return deliver(rt, target, delivery_ids)

    monkeypatch.setattr(foreground, "deliver_target", deliver_once_the_bar_showed_the_lookups)

    progress = run_until_settled(rt, clip_ids, on_progress=on_progress, timeout=30)

    assert progress.done and seen[-1] == 4  # 2 steps a paper: looked up, then delivered
    assert seen == sorted(seen) and 2 in seen


def test_the_bar_says_which_pause_it_is_in(rt):
    clip_ids = save_clips(rt, [ClipInput(arxiv_id="2403.12943")], None).clip_ids
    assert clip_results(rt, clip_ids).waiting_for() is None

    rt.activity.waiting("Zotero: Reading asked for a pause", 5)

    assert clip_results(rt, clip_ids).waiting_for() == "Zotero: Reading asked for a pause (5 s left)"


def test_the_bar_says_another_process_holds_the_papers_and_ignores_a_dead_one(rt):
    clip_ids = save_clips(rt, [ClipInput(arxiv_id="2403.12943")], None).clip_ids

    def lease_to(pid: int) -> str | None:
        with rt.db.session() as session:
            clip = session.get(Clip, clip_ids[0])
            clip.lease_owner, clip.lease_expires = f"{HOST}:{pid}:abc", utcnow() + timedelta(seconds=60)
        return clip_results(rt, clip_ids).waiting_for()

    parent = os.getppid()  # alive, and not this process
    assert lease_to(parent) == f"another PaperDrop process (pid {parent}) is working on 1 of them"
    assert lease_to(os.getpid()) is None  # this process's own work
    assert lease_to(2**22 + 12345) is None  # no such process: its lease is taken over


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_arxiv_unreachable_says_what_waiting_does_and_what_happens_after(cli):
    offline = {"PAPERDROP_ARXIV_API_URL": f"http://127.0.0.1:{unused_port()}/api/query"}

    result = cli("import", "2403.12943", "--wait", "--timeout", "3", extra=offline)

    assert result.exit_code == 1
    assert "arXiv" in result.output and "This run keeps trying for up to 3 s (--timeout)." in result.output
    assert "The papers stay stored either way; later, no PaperDrop answers at http://127.0.0.1:7077/" in result.output
    assert "1 paper not finished after 3 s" in result.output and "run this import again with --wait" in result.output
    assert [r[:3] for r in rows(result.output)] == [["1", "2403.12943", "not finished"]]
