"""A busy lock and a file an editor keeps saving are waits (run.wait, ThrottledError), never spent attempts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser

from paperdrop.sync.errors import ThrottledError

from .conftest import RecordingRun, make_paper, request
from .test_concurrency import ROOT

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from paperdrop.sync.bibtex.atomic import lock_for

    bib, held, release = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with lock_for(bib, 10):
        held.touch()
        while not release.exists():
            time.sleep(0.001)
    """
)


@pytest.fixture
def lock_holder(bib, tmp_path):
    """Another PaperDrop writer holding the file lock until `release` is touched."""
    bib.parent.mkdir(exist_ok=True)
    held, release = tmp_path / "held", tmp_path / "release"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(bib), str(held), str(release)], cwd=ROOT)
    while not held.exists():
        assert holder.poll() is None, "the lock holder died"
    yield holder, release
    release.touch()
    holder.wait(timeout=30)


def test_bibtex_sink_waits_for_a_lock_held_by_another_writer(make_sink, bib, lock_holder):
    holder, release = lock_holder

    def other_writer_finishes():
        release.touch()
        holder.wait(timeout=30)

    recorder = RecordingRun(waits_allowed=1, on_wait=other_writer_finishes)
    sink = make_sink()
    sink.effort = 0.05
    (outcome,) = sink.deliver([request(1, make_paper())], recorder.run)
    assert outcome.status == "delivered" and not outcome.already_present
    assert recorder.waits == [sink.pause]


def test_bibtex_sink_throttles_when_the_job_cannot_wait_for_the_lock(make_sink, bib, lock_holder):
    sink = make_sink()
    sink.effort = 0.05
    with pytest.raises(ThrottledError) as info:
        sink.deliver([request(1, make_paper())])
    assert info.value.retry_after == sink.pause
    assert "locked by another PaperDrop writer" in info.value.message
    assert not bib.exists()


def editor_saves_during_the_first_writes(monkeypatch, bib, saves: int) -> list[int]:
    """Each of the first `saves` writes finds the file saved by an editor just before its rename."""
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".papers.bib.paperdrop-"):
            calls.append(fd)
            if len(calls) <= saves:
                with open(bib, "a") as handle:
                    handle.write(f"% editor save {len(calls)}\n")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_bibtex_sink_goes_on_with_the_batch_while_an_editor_keeps_saving(make_sink, bib, monkeypatch):
    bib.parent.mkdir(exist_ok=True)
    bib.write_text("@misc{a, title = {A}}\n")
    editor_saves_during_the_first_writes(monkeypatch, bib, saves=3)
    recorder = RecordingRun(waits_allowed=10)
    sink = make_sink()
    sink.effort = 0  # every try that meets a save asks for a pause
    outcomes = sink.deliver([request(1, make_paper()), request(2, make_paper("2402.1", title="New"))], recorder.run)
    assert [(o.status, o.already_present) for o in outcomes] == [("delivered", False), ("delivered", False)]
    assert recorder.waits == [sink.pause] * 3
    text = bib.read_text()
    assert text.startswith("@misc{a, title = {A}}\n% editor save 1\n% editor save 2\n% editor save 3\n")
    assert text.count("@misc{") == 3


def test_bibtex_sink_throttles_when_the_file_keeps_changing_and_the_job_cannot_wait(make_sink, bib, monkeypatch):
    bib.parent.mkdir(exist_ok=True)
    bib.write_text("@misc{a, title = {A}}\n")
    editor_saves_during_the_first_writes(monkeypatch, bib, saves=100)
    sink = make_sink()
    sink.effort = 0
    with pytest.raises(ThrottledError) as info:
        sink.deliver([request(1, make_paper())])
    assert "keeps changing" in info.value.message and info.value.retry_after == sink.pause
    assert "jain2024vid2robot" not in bib.read_text()


EDITOR = textwrap.dedent(
    """
    import os, random, sys, time
    from pathlib import Path

    bib, stop = Path(sys.argv[1]), Path(sys.argv[2])
    rng, count = random.Random(7), 0
    while not stop.exists():
        count += 1
        fd = os.open(bib, os.O_WRONLY)  # an editor saving in place: same size, new content
        os.pwrite(fd, b"%% saved %08d" % count, 0)
        os.close(fd)
        time.sleep(rng.uniform(0.005, 0.030))
    """
)


def test_bibtex_sink_is_not_starved_by_an_editor_saving_every_few_milliseconds(make_sink, bib, tmp_path):
    bib.parent.mkdir(exist_ok=True)
    bib.write_bytes(b"% saved 00000000\n@misc{mine, title = {Mine}}\n")
    stop = tmp_path / "stop"
    editor = subprocess.Popen([sys.executable, "-c", EDITOR, str(bib), str(stop)], cwd=ROOT)
    recorder = RecordingRun(waits_allowed=1000)
    sink = make_sink()
    try:
        papers = [make_paper(f"2403.{i:05d}", title=f"Busy editor {i}") for i in range(20)]
        outcomes = [sink.deliver([request(i, paper)], recorder.run)[0] for i, paper in enumerate(papers)]
        saves = _saves(bib)
    finally:
        stop.touch()
        editor.wait(timeout=30)
    assert [o.status for o in outcomes] == ["delivered"] * 20
    assert not any(o.already_present for o in outcomes)
    entries = bibtexparser.loads(bib.read_text(), parser=BibTexParser(common_strings=False)).entries
    assert {e["ID"] for e in entries} == {"mine"} | {o.remote_key for o in outcomes}
    assert saves > 0  # the editor was saving all along


def _saves(bib) -> int:
    match = re.match(rb"% saved (\d{8})\n", bib.read_bytes())
    assert match is not None
    return int(match.group(1))


def test_bibtex_sink_still_owns_its_entry_after_an_update_that_could_not_be_written(make_sink, bib, monkeypatch):
    sink = make_sink()
    (first,) = sink.deliver([request(1, make_paper())])
    sink.effort = 0
    updated = make_paper(doi="10.1000/published")
    with monkeypatch.context() as patched:
        editor_saves_during_the_first_writes(patched, bib, saves=100)
        with pytest.raises(ThrottledError):
            sink.deliver([request(1, updated, remote_key=first.remote_key, update=True)])
    (outcome,) = sink.deliver([request(1, updated, remote_key=first.remote_key, update=True)])
    assert not outcome.already_present  # replaced in place: the failed attempt did not disown it
    assert "doi = {10.1000/published}" in bib.read_text()
    assert bib.read_text().count("@misc{jain2024vid2robot,") == 1
